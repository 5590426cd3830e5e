"""The real app in Chromium with the internet cut off: counties, markers, legend, escaped popups."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from playwright.sync_api import Page
from shapely.geometry import box
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState

from geo.assets import inline_html
from geo.basemaps import resolve
from geo.layers import OutlineLayer
from geo.maps import build_map

from .test_offline_assets import BROKEN_IMAGES, FAILED_RESOURCES, map_frame

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "serve.py"  # the app as scripts/run_app.sh serves it
ARTIFACTS = ROOT / "test-artifacts"
EVIL = '<img src=x onerror="window.__xss=1">测试园区'
FIND_MAP = "Object.values(window).find(v => v instanceof L.Map)"


def test_map_page_shows_counties_parks_and_legend_offline(page: Page,
                                                           streamlit_app: Callable[..., str]):
    page.goto(streamlit_app(APP))
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_selector(".leaflet-container")
    frame.wait_for_selector("path.hz-outline")
    assert frame.locator("path.hz-outline").count() == 9  # Heze's 2 districts and 7 counties
    labels = frame.locator(".hz-label").all_inner_texts()
    counties = {"牡丹区", "定陶区", "曹县", "单县", "成武县", "巨野县", "郓城县", "鄄城县", "东明县"}
    assert counties <= set(labels)
    frame.wait_for_selector(".hz-chemical-parks svg")
    assert frame.locator(".hz-parks svg").count() > 10
    assert frame.locator(".hz-chemical-parks svg polygon").count() > 0  # diamonds: chemical parks
    assert frame.locator(".marker-cluster, .hz-enterprises").count() > 0
    legend = frame.locator(".hz-legend").inner_text()
    for text in ("图例", "化工园区", "生物医药", "竣工", "近似位置"):
        assert text in legend
    frame.wait_for_function("() => [...document.images].every(i => i.complete)")
    assert frame.evaluate(BROKEN_IMAGES) == []
    assert frame.evaluate(FAILED_RESOURCES) == []
    assert page.blocked_requests == []  # type: ignore[attr-defined]  # nothing tried the internet
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "map_page.png"))


MISPLACED_ICONS = f"""() => {{
    const map = {FIND_MAP}, wrong = [];
    let n = 0;
    map.eachLayer(l => {{
        if (!(l instanceof L.Marker) || !l._icon || !l._icon.closest(".hz-parks, .hz-chemical-parks")) return;
        n += 1;
        const p = map.latLngToLayerPoint(l.getLatLng()).round(), st = l._icon.style;
        if (st.transform || st.left !== p.x + "px" || st.top !== p.y + "px") wrong.push(st.cssText);
    }});
    return {{n, wrong}};
}}"""


def test_park_icons_sit_at_their_points_without_3d_transforms(page: Page,
                                                              streamlit_app: Callable[..., str]):
    # left/top instead of translate3d (geo/templates/points.js): one compositor layer for all
    # icons; they must still sit on their points after a zoom
    page.goto(streamlit_app(APP))
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_selector(".hz-chemical-parks svg")
    first = frame.evaluate(MISPLACED_ICONS)
    assert first["n"] > 10 and first["wrong"] == []
    frame.evaluate(f"() => {{ const m = {FIND_MAP}; m.setZoom(m.getZoom() + 2, {{animate: false}}); }}")
    after = frame.evaluate(MISPLACED_ICONS)
    assert after["n"] > 0 and after["wrong"] == []


def test_popup_shows_html_in_a_name_as_text(page: Page, streamlit_app: Callable[..., str],
                                            tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    parks = data / "parks.csv"
    text = parks.read_text(encoding="utf-8")
    parks.write_text(text.replace("郓城化工产业园,", f'"{EVIL.replace(chr(34), chr(34) * 2)}",', 1),
                     encoding="utf-8")
    page.goto(streamlit_app(APP, env={"HEZE_DATA_DIR": str(data)}))
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_selector(".hz-chemical-parks svg")
    opened = frame.evaluate(f"""() => {{
        const map = {FIND_MAP};
        let hit = false;
        map.eachLayer(l => {{
            const p = l.getPopup && l.getPopup();
            if (!hit && p && String(p.getContent()).includes("测试园区")) {{ l.openPopup(); hit = true; }}
        }});
        return hit;
    }}""")
    assert opened
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert '<img src=x onerror="window.__xss=1">测试园区' in popup.inner_text()
    assert popup.locator("img").count() == 0
    assert frame.evaluate("() => window.__xss") is None
    assert page.evaluate("() => window.__xss") is None


def _reruns(page: Page) -> list[ClientState]:
    """The rerun requests the page sends to the server, as they go."""
    sent: list[ClientState] = []

    def frame(payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            message = BackMsg()
            message.ParseFromString(payload)
            if message.WhichOneof("type") == "rerun_script":
                sent.append(message.rerun_script)

    page.on("websocket", lambda ws: ws.on("framesent", frame))
    return sent


def _next_rerun(page: Page, sent: list[ClientState], before: int) -> ClientState:
    for _ in range(150):
        if len(sent) > before:
            return sent[before]
        page.wait_for_timeout(100)
    raise AssertionError("no rerun request within 15 s")


def test_a_filter_change_reruns_the_map_view_not_the_whole_app(page: Page,
                                                                streamlit_app: Callable[..., str]):
    sent = _reruns(page)
    page.goto(streamlit_app(APP))
    map_frame(page, timeout_s=60).wait_for_selector(".hz-chemical-parks svg")
    before = len(sent)
    search = page.get_by_role("textbox", name="名称搜索")
    search.fill("化工")
    search.press("Enter")
    assert _next_rerun(page, sent, before).fragment_id  # the map view's fragment, nothing else
    parks = page.get_by_test_id("stMetricValue").first
    page.wait_for_function("(el) => el.innerText !== '73'", arg=parks.element_handle(),
                           timeout=15_000)  # the view did rerun: fewer parks
    # and the permalink follows it (published last in the view, so maybe a moment later)
    page.wait_for_function("() => location.search.includes('q=%E5%8C%96%E5%B7%A5')",
                           timeout=5_000)
    before = len(sent)
    page.get_by_text("English", exact=True).click()  # outside the fragment: the whole app
    assert _next_rerun(page, sent, before).fragment_id == ""
    page.get_by_role("textbox", name="Search by name").wait_for(timeout=15_000)


def test_unreachable_tiles_fall_back_to_the_offline_basemap(page: Page, tmp_path: Path):
    outline = gpd.GeoDataFrame({"label": ["甲县"], "label_lon": [115.5], "label_lat": [35.2]},
                               geometry=[box(115.3, 35.0, 115.7, 35.4)], crs="EPSG:4326")
    fmap = build_map([OutlineLayer("counties", outline)], basemap=resolve("osm", {}),
                     bounds=(115.3, 35.0, 115.7, 35.4), offline_notice="底图瓦片无法访问")
    exported = tmp_path / "map.html"
    exported.write_text(inline_html(fmap.get_root().render(), ROOT / "static" / "vendor"),
                        encoding="utf-8")
    page.goto(exported.as_uri())
    page.wait_for_selector(".hz-offline-note", timeout=15_000)
    assert page.locator(".hz-offline-note").inner_text() == "底图瓦片无法访问"
    assert page.locator(".leaflet-tile-container img").count() == 0  # the tile layer is gone
    assert page.locator("path.hz-outline").count() == 1  # the outlines stay
    assert any("tile.openstreetmap.org" in url for url in page.blocked_requests)  # type: ignore[attr-defined]
