"""The map works with the internet cut off: every script, style, image and font comes from the app."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page

from geo.assets import inline_html, localize

from .offline_map_app import build_map

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
VENDOR = ROOT / "static" / "vendor"
APP = Path(__file__).with_name("offline_map_app.py")
BROKEN_IMAGES = "() => [...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)"
FAILED_FONTS = (
    "async () => { await document.fonts.ready;"
    " return [...document.fonts].filter(f => f.status === 'error').map(f => f.family); }"
)
# Chrome reports the HTTP status of every subresource, CSS backgrounds included
FAILED_RESOURCES = (
    "() => performance.getEntriesByType('resource')"
    ".filter(e => e.responseStatus >= 400).map(e => e.name)"
)
RESOURCES = "() => performance.getEntriesByType('resource').map(e => e.name)"


def map_frame(page: Page, timeout_s: float = 30) -> Frame:
    """The streamlit-folium component iframe, once Streamlit has created it."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        frames = [frame for frame in page.frames if "streamlit_folium" in frame.url]
        if frames:
            return frames[0]
        page.wait_for_timeout(200)
    raise AssertionError(f"no streamlit_folium iframe; frames: {[f.url for f in page.frames]}")


def assert_map_complete(frame: Frame | Page) -> None:
    """Polygon, cluster and marker images are drawn, and nothing the page asked for failed."""
    frame.wait_for_selector(".leaflet-container")
    frame.wait_for_selector("path.leaflet-interactive")
    frame.wait_for_selector(".marker-cluster")
    frame.wait_for_selector("img.leaflet-marker-icon")
    frame.wait_for_selector(".awesome-marker .glyphicon-info-sign")
    frame.wait_for_function("() => [...document.images].every(i => i.complete)")
    assert frame.evaluate(BROKEN_IMAGES) == []
    assert frame.evaluate(FAILED_FONTS) == []
    assert frame.evaluate(FAILED_RESOURCES) == []


def test_map_loads_everything_from_the_app(page: Page, streamlit_app: Callable[[Path], str]) -> None:
    page.goto(streamlit_app(APP))
    frame = map_frame(page)
    assert_map_complete(frame)
    # the marker sprite is a CSS background image, fetched whenever Chromium gets to paint it:
    # check the URL the stylesheet resolves to is served by the app, instead of racing the paint
    sprite = frame.evaluate("""async () => {
        const icon = document.querySelector('[class*="awesome-marker-icon-"]');
        const css = getComputedStyle(icon).backgroundImage;
        const url = css.slice(css.indexOf('(') + 1, css.lastIndexOf(')')).replace(/["']/g, '');
        const response = await fetch(url);
        return [url, response.status];
    }""")
    assert "awesome-markers/css/images/markers-soft" in sprite[0] and sprite[1] == 200, sprite
    loaded = frame.evaluate(RESOURCES)
    assert any("/app/static/vendor/leaflet/dist/leaflet.js" in url for url in loaded)
    assert page.blocked_requests == []  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(500)  # let the cluster's fade-in finish before the picture
    page.screenshot(path=str(ARTIFACTS / "offline_map.png"))


def test_exported_page_opens_from_disk(page: Page, tmp_path: Path) -> None:
    m = build_map()
    localize(m)
    exported = tmp_path / "map.html"
    exported.write_text(inline_html(m.get_root().render(), VENDOR), encoding="utf-8")
    page.goto(exported.as_uri())
    assert_map_complete(page)
    assert page.blocked_requests == []  # type: ignore[attr-defined]
