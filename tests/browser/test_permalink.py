"""A link reproduces what the sender saw: filters and map view round-trip through the URL."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from .test_map_page import FIND_MAP
from .test_offline_assets import map_frame

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "serve.py"  # the app as scripts/run_app.sh serves it


def _view(page: Page) -> tuple[float, float, float]:
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_selector(".leaflet-container")
    page.wait_for_timeout(800)
    return tuple(frame.evaluate(f"""() => {{ const m = {FIND_MAP};
        const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }}"""))


def _pan(page: Page, lat: float, lon: float, zoom: int) -> None:
    """Move the map as a reader would, once the (possibly new) map frame holds its map: after a
    rerun the frame can exist before its script has made the map (seen on a loaded machine)."""
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_function(f"() => typeof L !== \"undefined\" && {FIND_MAP} !== undefined",
                            timeout=60_000)
    frame.evaluate(f"() => {{ {FIND_MAP}.setView([{lat}, {lon}], {zoom}); }}")


def _query(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_permalink_round_trips_filters_and_view(page: Page, streamlit_app: Callable[..., str]):
    base = streamlit_app(APP)
    page.goto(f"{base}/map?county=371728&kind=chemical_park&table=parks&view=35.25,115.1,11")
    lat, lon, zoom = _view(page)
    assert (round(lat, 2), round(lon, 2), zoom) == (35.25, 115.1, 11)
    page.get_by_text("东明石化产业园主片区").first.wait_for(state="attached")  # in the table
    # the reader pans and zooms; the address bar follows without a rerun of the page
    _pan(page, 35.3, 115.2, 12)
    page.wait_for_timeout(800)
    query = _query(page)
    assert query["view"] == "35.30000,115.20000,12"
    assert query["county"] == "371728" and query["kind"] == "chemical_park"
    assert query["table"] == "parks"
    # the link opens the same view and filters in a new session
    other = page.context.new_page()
    other.goto(page.url)
    lat, lon, zoom = _view(other)
    assert (round(lat, 2), round(lon, 2), zoom) == (35.3, 115.2, 12)
    other.get_by_text("东明石化产业园主片区").first.wait_for(state="attached")
    rows = other.get_by_text("鄄城化工产业园")
    assert rows.count() == 0  # another county's chemical park is filtered out
    other.close()


def _same(key: str, got: str | None, want: str) -> bool:
    """Equal; a view to 0.01° and its zoom (a map redrawn in a resized frame moves by metres)."""
    if key != "view" or got is None:
        return got == want
    return [round(float(v), 2) for v in got.split(",")] == [round(float(v), 2) for v in want.split(",")]


def _settled(page: Page, want: dict[str, str], timeout_s: float = 30) -> dict[str, str]:
    """The address once it holds `want` (a rerun and the map's own write take their time)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        query = _query(page)
        if all(_same(k, query.get(k), v) for k, v in want.items()):
            return query
        page.wait_for_timeout(250)
    raise AssertionError(f"the address never held {want}: {page.url}")


def test_the_address_keeps_language_and_view_after_any_change(page: Page,
                                                              streamlit_app: Callable[..., str]):
    base = streamlit_app(APP)
    page.goto(f"{base}/?view=35.3,115.4,10")
    assert tuple(round(v, 2) for v in _view(page)) == (35.3, 115.4, 10)
    # switching the language reruns the page: the address says so and keeps the map's view
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    page.get_by_text("Industrial Park Map").first.wait_for(timeout=30_000)
    _settled(page, {"lang": "en", "view": "35.30000,115.40000,10"})
    # the reader pans; a filter change reruns the page: the panned view stays in the address
    _pan(page, 35.2, 115.5, 11)
    _settled(page, {"view": "35.20000,115.50000,11"})
    page.get_by_test_id("stSidebar").get_by_text("The \"231\" industrial system").click()
    _settled(page, {"lang": "en", "system": "231", "view": "35.20000,115.50000,11"})
    # the link opens in English, at the same view
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_text("Industrial Park Map").first.wait_for(timeout=30_000)
    lat, lon, zoom = _view(other)
    assert (round(lat, 2), round(lon, 2), zoom) == (35.2, 115.5, 11)
    other.close()
