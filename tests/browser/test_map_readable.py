"""The map page read in Chromium: every symbol on top where it is drawn (a click opens it),
parks above enterprise clusters, the legend clear of the layer switcher and whole, a county
link framed on the county."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page

from .test_map_page import FIND_MAP
from .test_offline_assets import map_frame

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "serve.py"  # the app as scripts/run_app.sh serves it
SYMBOLS = ".hz-parks, .hz-chemical-parks, .hz-projects"
# each park and project symbol: what lies on top at the centre of its drawn shape — another
# symbol of the same point, a cluster count, or (`elsewhere`) a symbol of another point
HIDDEN = f"""() => {{
    const map = {FIND_MAP}, icons = new Map(), out = {{n: 0, same: [], clusters: [], elsewhere: []}};
    map.eachLayer(l => {{ if (l instanceof L.Marker && l._icon) icons.set(l._icon, l); }});
    icons.forEach((marker, icon) => {{
        const shape = icon.querySelector(".hz-hit");
        if (!shape || !icon.matches("{SYMBOLS}")) return;
        const r = shape.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
        const box = map.getContainer().getBoundingClientRect();
        if (x < box.left || x > box.right || y < box.top || y > box.bottom) return;  // not in view
        const top = document.elementFromPoint(x, y);
        if (top && top.closest(".leaflet-control")) return;  // under the legend: fold it to see
        out.n += 1;
        const over = top && top.closest(".leaflet-marker-icon");
        if (over === icon) return;
        if (over && over.classList.contains("marker-cluster")) out.clusters.push(icon.className);
        else if (over && icons.get(over) && icons.get(over).getLatLng().equals(marker.getLatLng()))
            out.same.push(icon.className);
        else out.elsewhere.push(icon.className);
    }});
    return out;
}}"""


def _map(page: Page, url: str) -> Frame:
    page.goto(url)
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_selector(".hz-chemical-parks svg")
    frame.wait_for_selector(".hz-legend .hz-legend-row")
    page.wait_for_timeout(1000)
    return frame


def test_every_symbol_is_on_top_where_it_is_drawn_and_a_click_opens_it(
        page: Page, streamlit_app: Callable[..., str]):
    frame = _map(page, streamlit_app(APP))
    for zoom_in in (0, 2):  # the region, then closer: spread on screen at every zoom
        if zoom_in:
            frame.evaluate(f"() => {{ const m = {FIND_MAP}; m.setZoomAround(m.latLngToContainerPoint("
                           f"[35.2467, 115.4410]), m.getZoom() + 2, {{animate: false}}); }}")
            page.wait_for_timeout(800)
        seen = frame.evaluate(HIDDEN)
        assert seen["n"] > 25 and seen["same"] == [] and seen["clusters"] == [], seen
        # rings of neighbouring seats may touch at the region's zoom, never closer in
        assert len(seen["elsewhere"]) <= (2 if not zoom_in else 0), seen
    # a real click at a diamond's centre opens that chemical park's popup
    target = frame.evaluate("""() => {
        const box = document.querySelector(".leaflet-container").getBoundingClientRect();
        for (const shape of document.querySelectorAll(".hz-chemical-parks .hz-hit")) {
            const r = shape.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            const top = document.elementFromPoint(x, y);
            if (top && top.closest(".hz-chemical-parks") === shape.closest(".hz-chemical-parks"))
                return {x: x - box.left, y: y - box.top};
        }
        return null;
    }""")
    assert target is not None
    frame.locator(".leaflet-container").click(position=target)
    popup = frame.locator(".leaflet-popup-content").inner_text()
    assert "化工园区" in popup, popup  # the chemical park's own popup, not a project's


def test_the_legend_ends_below_the_layer_switcher_and_is_whole(page: Page,
                                                             streamlit_app: Callable[..., str]):
    frame = _map(page, streamlit_app(APP))
    boxes = frame.evaluate("""() => {
        const r = s => document.querySelector(s).getBoundingClientRect();
        const legend = document.querySelector(".hz-legend");
        return {legend: r(".hz-legend"), layers: r(".leaflet-control-layers"),
                map: r(".leaflet-container"), scrolls: legend.scrollHeight > legend.clientHeight};
    }""")
    legend, layers, whole = boxes["legend"], boxes["layers"], boxes["map"]
    assert legend["top"] >= layers["bottom"]  # not over the switcher
    assert legend["bottom"] <= whole["bottom"] and legend["top"] >= whole["top"]  # not cut off
    # opened, the layer switcher lies over the legend, never under it
    frame.locator(".leaflet-control-layers").hover()
    opened = frame.evaluate("""() => { const r = document.querySelector(
        ".leaflet-control-layers-list").getBoundingClientRect();
        const top = document.elementFromPoint(r.left + r.width / 2, r.bottom - 4);
        return !!top.closest(".leaflet-control-layers"); }""")
    assert opened


def test_a_county_link_opens_framed_on_the_county(page: Page, streamlit_app: Callable[..., str]):
    base = streamlit_app(APP)
    frame = _map(page, f"{base}/?county=371728")  # 东明县, its view not in the link
    box = frame.evaluate(f"() => {{ const b = {FIND_MAP}.getBounds(); "
                         "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    west, south, east, north = box
    assert west < 114.95 and east > 115.35 and south < 35.05 and north > 35.3  # all of 东明
    assert east - west < 1.2  # the county, not the whole region (≈ 1.9° wide)
