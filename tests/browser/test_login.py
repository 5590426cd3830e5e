"""An editor's login in Chromium survives a reload and a typed address; logging out ends it,
in this tab and after a reload."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from parks.store.accounts import add_editor

from .test_editing import log_in

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "serve.py"  # the app as scripts/run_app.sh serves it


def test_a_login_survives_a_reload_and_logging_out_ends_it(page: Page, tmp_path: Path,
                                                           streamlit_app: Callable[..., str]):
    editors = tmp_path / "editors.json"
    add_editor("王工", "reload-pass-1", "editor", path=editors)
    base = streamlit_app(APP, env={"HEZE_EDITORS_FILE": str(editors)})
    page.goto(f"{base}/edit")
    log_in(page, password="reload-pass-1")
    cookie = next(c for c in page.context.cookies() if c["name"] == "heze_login")
    assert cookie["sameSite"] == "Strict" and cookie["expires"] > 0  # expiring, not per session
    page.reload()
    expect(page.get_by_test_id("stSidebar").get_by_text("已登录：王工")).to_be_visible(timeout=60_000)
    page.goto(f"{base}/edit?id=p-yuncheng-chem")  # a typed address: a new session too
    expect(page.get_by_test_id("stSidebar").get_by_text("已登录：王工")).to_be_visible(timeout=60_000)
    side = page.get_by_test_id("stSidebar")  # the login box is open while logged in
    side.get_by_role("button", name="退出登录").click()
    expect(side.get_by_label("用户名")).to_be_visible(timeout=30_000)
    page.reload()
    side = page.get_by_test_id("stSidebar")
    side.get_by_text("编辑登录").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert side.get_by_text("已登录：王工").count() == 0
    assert not [c for c in page.context.cookies() if c["name"] == "heze_login"]
