"""Tests for ui.loaders.dataset and Serving: a restart reads the prepared snapshot instead of
validating, an edit shows after its rebuild, and the old data serves while it runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from parks.model import prepared
from parks.model.prepared import SnapshotKey
from parks.store import open_store
from tests.apptest import private_store
from tests.stores import AIRPORT_ID, park_record
from ui import loaders


def _page() -> None:
    import streamlit as st

    from ui import loaders

    loaded = loaders.dataset("371700")
    if loaded is not None:
        st.write(loaded.parks.set_index("id").loc["p-heze-airport", "name_zh"])


def _shown(at: AppTest) -> str:
    at.run()
    assert not at.exception, at.exception
    return at.markdown[-1].value


@pytest.fixture
def world(monkeypatch, tmp_path, data_copy, cache_dir):
    """A private store and data folder; calls of the validating loader counted."""
    path = private_store(monkeypatch, tmp_path / "store")
    monkeypatch.setenv("HEZE_DATA_DIR", str(data_copy))
    monkeypatch.setenv("HEZE_CACHE_DIR", str(cache_dir))
    calls = []
    real = prepared.load_dataset
    monkeypatch.setattr(prepared, "load_dataset", lambda *a, **k: calls.append(a) or real(*a, **k))
    return path, calls


def _restart() -> AppTest:
    """A new server process, as far as the app can tell: every cached resource is gone."""
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_function(_page, default_timeout=120)


def _edit(path: Path, name: str) -> None:
    with open_store(path) as store:
        store.commit({"parks": park_record(store, AIRPORT_ID, name_zh=name)}, user="lee",
                     reason="test")


def test_a_restart_reads_the_snapshot_and_does_not_validate(world):
    path, calls = world
    first = _shown(_restart())
    assert len(calls) == 1
    assert any((path.parent / "heze.gpkg.snapshot").iterdir())
    assert _shown(_restart()) == first
    assert len(calls) == 1  # the second start read the snapshot


def test_an_edit_shows_on_the_next_load(world):
    path, calls = world
    at = _restart()
    _shown(at)
    _edit(path, "改过的机场")
    assert _shown(at) == "改过的机场"
    assert _shown(_restart()) == "改过的机场" and len(calls) == 2  # the restart reads it too


def test_the_old_data_serves_while_the_new_snapshot_is_built(world, monkeypatch):
    path, _ = world
    monkeypatch.setattr(loaders, "BACKGROUND_FROM", 0)
    monkeypatch.setattr(loaders, "REBUILD_WAIT_S", 0.0)
    gate = threading.Event()
    real = prepared.load_dataset
    monkeypatch.setattr(prepared, "load_dataset", lambda *a, **k: gate.wait(60) and real(*a, **k))
    at = _restart()
    gate.set()
    old = _shown(at)
    gate.clear()
    _edit(path, "改过的机场")
    assert _shown(at) == old  # the rebuild waits at the gate: the old data serves …
    assert any("正在准备新版本" in c.value for c in at.caption)
    assert _shown(at) == old
    gate.set()
    for _ in range(100):  # … until the new one is whole
        if _shown(at) == "改过的机场":
            break
        threading.Event().wait(0.1)
    assert _shown(at) == "改过的机场" and not at.caption


def _key(store_id: str = "s1", version: int = 1) -> SnapshotKey:
    return SnapshotKey(store_id, version, "371700", "d", code="c")


def test_a_failed_rebuild_is_raised_and_tried_again():
    serving, built = loaders.Serving(), []

    def broken():
        built.append(1)
        raise ValueError("bad")

    for _ in range(2):
        with pytest.raises(ValueError, match="bad"):
            serving.dataset("slot", _key(), broken, None)
    assert len(built) == 2 and serving.get("slot") is None


def test_another_stores_data_is_never_served_meanwhile(heze):
    serving, gate = loaders.Serving(), threading.Event()
    serving.dataset("slot", _key("s1"), lambda: heze, None)

    def slow():
        gate.wait(60)
        return heze

    threading.Timer(0.3, gate.set).start()
    got, updating = serving.dataset("slot", _key("s2"), slow, 0.0)  # waits despite the 0 s
    assert got is heze and not updating and gate.is_set()
