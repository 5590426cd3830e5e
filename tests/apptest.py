"""Shared AppTest helpers: a private store and editors file per test, logging in, reading the audit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from parks.store import open_store
from parks.store.accounts import add_editor

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ADMIN = ("主任", "admin-pass-1")
EDITOR = ("lee", "editor-pass-1")


def private_store(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """A working store (made from data/ on first use) and an editors file (one admin, one
    editor) of this test only."""
    monkeypatch.delenv("DATABASE_URL", raising=False)  # a developer's PostGIS stays untouched
    monkeypatch.setenv("HEZE_STORE_PATH", str(folder / "heze.gpkg"))
    editors = folder / "editors.json"
    monkeypatch.setenv("HEZE_EDITORS_FILE", str(editors))
    add_editor(*ADMIN, "admin", path=editors)
    add_editor(*EDITOR, "editor", path=editors)
    return folder / "heze.gpkg"


def private_world(monkeypatch: pytest.MonkeyPatch, folder: Path, data: Path, cache: Path) -> Path:
    """private_store, with this test's data folder and cache folder; returns the store's path."""
    path = private_store(monkeypatch, folder)
    monkeypatch.setenv("HEZE_DATA_DIR", str(data))
    monkeypatch.setenv("HEZE_CACHE_DIR", str(cache))
    return path


def restarted(page: Callable[[], None]) -> AppTest:
    """The page in a new server process, as far as the app can tell: every cache is gone."""
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_function(page, default_timeout=120)


def shown(at: AppTest) -> str:
    """Run the page (no exception allowed) and return the last text it wrote."""
    at.run()
    assert not at.exception, at.exception
    return at.markdown[-1].value


def login(at: AppTest, who: tuple[str, str] = EDITOR) -> AppTest:
    """Log in through the sidebar form, as a person would."""
    at.sidebar.text_input(key="login_name").input(who[0])
    at.sidebar.text_input(key="login_password").input(who[1])
    at.sidebar.button[0].click().run()
    assert not at.exception, at.exception
    return at


def audit(path: Path, table: str | None = None, record_id: str | None = None):
    store = open_store(path)
    try:
        return store.audit(table, record_id)
    finally:
        store.close()


def stored(path: Path, table: str, record_id: str) -> dict[str, str]:
    store = open_store(path)
    try:
        frame = store.read_tables()[table]
    finally:
        store.close()
    return frame[frame["id"] == record_id].iloc[0].to_dict()


def park_outline_tools(at: AppTest, park_id: str) -> AppTest:
    """On the edit page (logged in): the park's position section with the Draw tool chosen,
    where the outline file box and the 四至 box are."""
    at.switch_page("app_pages/edit.py").run()
    at.radio(key="edit_table__zh").set_value("parks").run()
    at.selectbox(key="edit_record__zh").set_value(park_id).run()
    at.segmented_control(key="edit_section").set_value("location").run()
    return at.radio(key="edit_tool_parks").set_value("draw").run()
