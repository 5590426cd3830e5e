"""Thousands of enterprises in the real app: the canvas cloud layer draws, zooms, opens popups and
takes filter changes inside the same map."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Frame, Page

from geo.crs import distance_m
from parks.config import DEFAULT_CONFIG
from parks.model.dataset import Dataset, load_dataset, search_text
from parks.model.synthetic import NAME_PREFIX, write_synthetic_data

from .test_map_page import FIND_MAP
from .test_offline_assets import map_frame

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "serve.py"  # the app as scripts/run_app.sh serves it
N = 3000
QUERY = f"{NAME_PREFIX}0001"  # 合成企业00010 … 合成企业00019
# Each keyed layer reports its last draw in window.hzDrawnBy[key] (geo/templates/cloud.js,
# points.js); window.hzDrawn is the enterprises' report.
CLOUD = "window.hzDrawnBy.enterprises"
DRAWN = f"() => {CLOUD} ? {{...{CLOUD}}} : null"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> tuple[Path, Dataset]:
    """A data folder with the real records and N synthetic enterprises, and what it loads as."""
    root = tmp_path_factory.mktemp("cloud")
    folder = write_synthetic_data(root / "data", N, seed=1, cache_dir=cache_dir)
    return folder, load_dataset("371700", data_dir=folder, cache_dir=cache_dir)


@pytest.fixture
def cloud_map(page: Page, streamlit_app: Callable[..., str], synthetic: tuple[Path, Dataset]) -> Frame:
    """The map page of an app serving the synthetic folder, once the cloud layer has drawn."""
    folder, _ = synthetic
    base = streamlit_app(APP, env={"HEZE_DATA_DIR": str(folder),
                                   "HEZE_STORE_PATH": str(folder.parent / "store.gpkg")})
    page.goto(base)
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_function(f"() => window.hzDrawnBy && {CLOUD}", timeout=60_000)
    return frame


def _located(dataset: Dataset):
    return dataset.enterprises[dataset.enterprises.geometry.notna()]


def _set_view(frame: Frame, lat: float, lon: float, zoom: int) -> float:
    """Move the map without animation; returns the page clock just after (hzDrawn.t is later)."""
    return float(frame.evaluate(f"""() => {{
        {FIND_MAP}.setView([{lat}, {lon}], {zoom}, {{animate: false}});
        return performance.now(); }}"""))


def _lonely_enterprise(dataset: Dataset) -> tuple[str, float, float]:
    """A surveyed synthetic enterprise with no other drawn record within 300 m (a click finds it)."""
    located = _located(dataset)
    others = [located[["lon", "lat"]].to_numpy(float)]
    for frame in (dataset.parks, dataset.projects):
        others.append(frame.loc[frame.geometry.notna(), ["lon", "lat"]].to_numpy(float))
    points = np.concatenate(others)
    fake = located[located["name_zh"].str.startswith(NAME_PREFIX) & (located["precision"] == "surveyed")]
    for row in fake.itertuples(index=False):
        near = np.abs(points[:, 0] - row.lon) + np.abs(points[:, 1] - row.lat) < 0.01
        gaps = [distance_m(row.lon, row.lat, x, y) for x, y in points[near]]
        if sum(gap < 300 for gap in gaps) == 1:  # only the point itself
            return row.name_zh, row.lat, row.lon
    raise AssertionError("no isolated synthetic enterprise")


def test_cloud_draws_all_located_enterprises_and_redraws_on_zoom(cloud_map: Frame,
                                                                  synthetic: tuple[Path, Dataset]):
    _, dataset = synthetic
    located = len(_located(dataset))
    assert located > DEFAULT_CONFIG.marker_limit  # the app must switch to the canvas layer
    drawn = cloud_map.evaluate(DRAWN)
    assert drawn["n"] >= N and drawn["n"] == located
    assert drawn["mode"] in ("bins", "points")
    assert cloud_map.locator("canvas.hz-cloud").count() == 1
    assert cloud_map.locator(".hz-enterprises").count() == 0  # no DOM marker per enterprise
    _, lat, lon = _lonely_enterprise(dataset)
    after = _set_view(cloud_map, lat, lon, 14)
    cloud_map.wait_for_function(f"() => {CLOUD}.seq > {drawn['seq']} && {CLOUD}.t > {after}",
                                timeout=TIMEOUT_MS)
    zoomed = cloud_map.evaluate(DRAWN)
    assert zoomed["mode"] == "points" and zoomed["n"] == located
    assert cloud_map.evaluate(f"() => {FIND_MAP}.getZoom()") == 14


def test_click_on_a_synthetic_enterprise_opens_its_popup(cloud_map: Frame,
                                                         synthetic: tuple[Path, Dataset]):
    name, lat, lon = _lonely_enterprise(synthetic[1])
    seq = cloud_map.evaluate(DRAWN)["seq"]
    after = _set_view(cloud_map, lat, lon, 16)
    cloud_map.wait_for_function(f"() => {CLOUD}.seq > {seq} && {CLOUD}.t > {after}",
                                timeout=TIMEOUT_MS)
    assert cloud_map.evaluate(DRAWN)["mode"] == "points"
    x, y = cloud_map.evaluate(f"""() => {{
        const p = {FIND_MAP}.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}""")
    cloud_map.locator(".leaflet-container").click(position={"x": x, "y": y})
    popup = cloud_map.locator(".leaflet-popup-content")
    popup.wait_for(timeout=TIMEOUT_MS)
    cloud_map.wait_for_function(
        f"() => document.querySelector('.leaflet-popup-content').innerText.includes('{NAME_PREFIX}')",
        timeout=TIMEOUT_MS)  # first a loading note, then the details fetched from the server
    text = popup.inner_text()
    assert NAME_PREFIX in text and name in text


def test_name_search_updates_the_same_map(page: Page, cloud_map: Frame,
                                          synthetic: tuple[Path, Dataset]):
    _, dataset = synthetic
    located = _located(dataset)
    hay = (located[["name_zh", "name_en", "full_name", "id"]].astype(str)
           .agg(" ".join, axis=1).map(search_text))  # what parks.analysis.query's name search looks in
    expected = int(hay.str.contains(search_text(QUERY), regex=False).sum())
    assert expected == 10  # 合成企业00010 … 合成企业00019, all with a point
    before = cloud_map.evaluate(DRAWN)
    cloud_map.evaluate("() => { window.__mark = 1; }")
    search = page.get_by_role("textbox", name="名称搜索")
    search.fill(QUERY)
    search.press("Enter")
    cloud_map.wait_for_function(
        f"() => {CLOUD}.seq > {before['seq']} && {CLOUD}.n < {before['n']}",
        timeout=TIMEOUT_MS)
    assert map_frame(page) == cloud_map  # streamlit-folium kept its iframe …
    assert cloud_map.evaluate("() => window.__mark") == 1  # … and the page inside it
    after = cloud_map.evaluate(DRAWN)
    assert after["n"] == expected and after["layer"] == "enterprises"
    search.fill("")  # no filter again: the update says "all", and every point is back
    search.press("Enter")
    cloud_map.wait_for_function(f"() => {CLOUD}.seq > {after['seq']} && {CLOUD}.n == {len(located)}",
                                timeout=TIMEOUT_MS)
    assert cloud_map.evaluate("() => window.__mark") == 1
