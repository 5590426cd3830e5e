"""Editing in a real browser: nothing to edit without a login; an editor draws 郓城化工产业园's
outline, saves it, sees it on the map with its area, and undo brings the previous outline back."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

from parks.store.accounts import add_editor

from .test_map_page import FIND_MAP
from .test_offline_assets import BROKEN_IMAGES, FAILED_RESOURCES, map_frame

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "serve.py"  # the app as scripts/run_app.sh serves it
PARK = "p-yuncheng-chem"
DRAWN = re.compile(r"标绘面积 ([\d.]+) km²")


@pytest.fixture(scope="module")
def app_url(streamlit_app: Callable[..., str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The app with its own store and one editor account."""
    editors = tmp_path_factory.mktemp("editors") / "editors.json"
    add_editor("王工", "draw-pass-1", "admin", path=editors)
    return streamlit_app(APP, env={"HEZE_EDITORS_FILE": str(editors)})


def log_in(page: Page, name: str = "王工", password: str = "draw-pass-1") -> None:
    """Log in through the sidebar form, as a person would, and wait until the page says so."""
    side = page.get_by_test_id("stSidebar")
    side.get_by_text("编辑登录").click()
    side.get_by_label("用户名").fill(name)
    side.get_by_label("密码").fill(password)
    side.get_by_role("button", name="登录").click()
    side.get_by_text(f"已登录：{name}").wait_for(timeout=30_000)


def _draw_frame(page: Page, timeout_s: float = 60) -> Frame:
    """The map iframe that has the Draw toolbar (a rerun replaces the iframe)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if "streamlit_folium" in frame.url and frame.query_selector(
                        ".leaflet-draw-draw-polygon"):
                    return frame
            except PlaywrightError:  # detached while we looked
                continue
        page.wait_for_timeout(250)
    raise AssertionError("no map with a Draw toolbar")


def _draw_mode(page: Page) -> None:
    page.get_by_role("radio", name="位置与范围").click()
    page.get_by_text("绘制/修改园区范围").click()
    _draw_frame(page)
    page.wait_for_timeout(1000)  # the map settles on the record before we click on it


def _drawn_km2(page: Page, other_than: float | None = None, timeout_s: float = 30) -> float:
    """The drawn area the page states, once it differs from `other_than`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = page.get_by_text(DRAWN)
        if found.count():
            value = float(DRAWN.search(found.first.inner_text()).group(1))
            if value != other_than:
                return value
        page.wait_for_timeout(250)
    raise AssertionError(f"the page states no drawn area other than {other_than}")


def _draw(page: Page, corners: list[tuple[int, int]], before: float | None = None) -> float:
    """Click a polygon with Leaflet.draw (offsets from the map's centre, px); the drawn area."""
    frame = _draw_frame(page)
    frame.click(".leaflet-draw-draw-polygon")
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in [*corners, corners[0]]:  # back on the first corner closes the polygon
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(250)
    return _drawn_km2(page, before)


def _save(page: Page) -> None:
    page.get_by_role("button", name="保存位置与范围").click()
    page.get_by_text(re.compile(r"已保存（版本 \d+）")).wait_for(timeout=30_000)


def _map_tooltip(page: Page, base: str) -> str:
    """The park outline on the map page, hovered: its tooltip text."""
    page.goto(f"{base}/?view=35.477,116.0153,13")  # the map is the default page, at /
    frame = map_frame(page, timeout_s=60)
    outline = frame.wait_for_selector("path.hz-park-outline", timeout=60_000)
    page.wait_for_timeout(800)
    frame.evaluate(f"() => {{ const m = {FIND_MAP}; m.closePopup(); }}")
    box = outline.bounding_box()
    frame_box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    assert box and frame_box and box["width"] > 20  # drawn at a readable size
    # a point inside the outline but away from the park's marker at its centre
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    tip = frame.wait_for_selector(".leaflet-tooltip", timeout=10_000)
    assert frame.evaluate(BROKEN_IMAGES) == [] and frame.evaluate(FAILED_RESOURCES) == []
    return tip.inner_text()


def test_nothing_can_be_edited_without_login(page: Page, app_url: str):
    for path in ("edit", "import", "admin"):
        page.goto(f"{app_url}/{path}")
        page.get_by_text("请先在左侧栏“编辑登录”中登录").wait_for(timeout=60_000)
        main = page.get_by_test_id("stMain")
        controls = main.locator("input, textarea, button, select, [role=radio], [role=combobox]")
        assert controls.count() == 0, f"/{path}: {controls.count()} controls without a login"
        assert not [f for f in page.frames if "streamlit_folium" in f.url]  # no map to draw on


def test_editor_draws_saves_sees_and_undoes(page: Page, app_url: str):
    page.goto(f"{app_url}/edit?id={PARK}")
    log_in(page)
    _draw_mode(page)
    first = _draw(page, [(-80, -60), (80, -70), (90, 60), (-70, 70)])
    assert 0.5 < first < 20
    _save(page)

    tip = _map_tooltip(page, app_url)
    assert "郓城化工产业园" in tip and f"{first:.2f} km²" in tip and "公布 5.2512 km²" in tip

    page.goto(f"{app_url}/edit?id={PARK}")  # a new session: the login comes back (8 h token)
    page.get_by_test_id("stSidebar").get_by_text("已登录：王工").wait_for(timeout=30_000)
    _draw_mode(page)
    assert _drawn_km2(page) == first
    both = _draw(page, [(-40, -235), (40, -235), (40, -200), (-40, -200)], first)  # a 2nd part
    assert both > first
    _save(page)

    page.get_by_role("radio", name="修改记录").click()
    page.get_by_role("button", name="撤销该记录最近一次修改").click()
    page.get_by_text(re.compile(r"已撤销（版本 \d+）")).wait_for(timeout=30_000)
    page.get_by_role("radio", name="位置与范围").click()
    assert _drawn_km2(page) == first
    assert f"{first:.2f} km²" in _map_tooltip(page, app_url)
