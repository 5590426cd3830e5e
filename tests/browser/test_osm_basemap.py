"""The offline OSM basemap in Chromium with every non-localhost request blocked: the archive the
app serves is drawn under the app's layers, in pixels, at the region view and at street level."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Frame, Page

from geo.basemaps import VectorArchive, available_basemaps
from geo.maps import build_map
from geo.vector_basemap import publish
from parks.analysis.query import Selection
from parks.display.print_map import BriefingSpec
from parks.files.exports import export
from tests.osm_fixture import CITY, REGION_BOX
from ui.loaders import CACHE_DIR

from .test_offline_assets import FAILED_RESOURCES, map_frame

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "serve.py"  # the app as scripts/run_app.sh serves it
ROAD, WATER, INDUSTRIAL = (0xF6, 0xE7, 0xC2), (0xBC, 0xD5, 0xE8), (0xEA, 0xDB, 0xE6)


@pytest.fixture
def archive(region_archive: Path) -> Path:
    """The synthetic Heze-style region's archive (tests/conftest.py), built once per session."""
    return region_archive


def _picture(page: Page) -> np.ndarray:
    shot = page.locator("iframe[title*='streamlit_folium']").screenshot()
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)


def _drawn_map(page: Page, url: str) -> tuple[Frame, np.ndarray]:
    """The map frame once the OSM layer has drawn its tiles, and a picture of the map."""
    page.goto(url)
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_selector(".leaflet-container[data-osm-drawn]", timeout=60_000)
    frame.wait_for_selector("path.hz-outline", state="attached")
    return frame, _picture(page)


def _pixels_like(image: np.ndarray, colour: tuple[int, int, int], tolerance: int = 6) -> int:
    return int((np.abs(image - np.array(colour)).max(axis=2) <= tolerance).sum())


@pytest.mark.parametrize(("query", "credit"), [("", "OpenStreetMap 贡献者"),
                                               ("/?lang=en", "OpenStreetMap contributors")])
def test_the_osm_basemap_is_drawn_offline_at_the_region_view(page: Page, archive: Path,
                                                             streamlit_app: Callable[..., str],
                                                             query: str, credit: str):
    base = streamlit_app(APP, env={"HEZE_BASEMAP": str(archive)})
    frame, image = _drawn_map(page, base + query)
    assert _pixels_like(image, ROAD) > 2000  # the synthetic trunk-road grid (~5,000 px)
    assert credit in frame.locator(".leaflet-control-attribution").inner_text()
    # the basemap lies in the tile pane, under the app's outlines and markers
    assert frame.locator(".leaflet-tile-pane canvas").count() > 0
    assert frame.locator(".leaflet-overlay-pane path.hz-outline").count() == 9
    assert frame.evaluate(FAILED_RESOURCES) == []
    assert page.blocked_requests == []  # type: ignore[attr-defined]  # nothing left localhost


def test_streets_water_and_industrial_land_show_at_zoom_14(page: Page, archive: Path,
                                                           streamlit_app: Callable[..., str]):
    base = streamlit_app(APP, env={"HEZE_BASEMAP": str(archive)})
    _, image = _drawn_map(page, f"{base}/?view={CITY[1]},{CITY[0]},14")
    assert _pixels_like(image, WATER) > 5000  # the synthetic lake: ~170 px square at zoom 14
    assert _pixels_like(image, INDUSTRIAL) > 5000  # the synthetic industrial area
    assert _pixels_like(image, (255, 255, 255), 0) > 5000  # residential streets
    assert page.blocked_requests == []  # type: ignore[attr-defined]


def test_without_an_archive_the_map_keeps_its_outlines(page: Page, tmp_path: Path,
                                                       streamlit_app: Callable[..., str]):
    page.goto(streamlit_app(APP, env={"HEZE_BASEMAP": str(tmp_path / "none.pmtiles")}))
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_selector("path.hz-outline", state="attached")
    assert frame.locator(".leaflet-tile-pane canvas").count() == 0
    assert _pixels_like(_picture(page), ROAD) < 100
    page.get_by_text("python -m parks basemap build").first.wait_for(timeout=15_000)


def test_the_html_export_carries_the_tiles_it_needs(page: Page, archive: Path, heze, tmp_path: Path):
    served = publish(archive, tmp_path / "static", "/app/static/cache/basemap")
    made = export("html", heze, Selection(heze.parks, heze.enterprises, heze.projects),
                  BriefingSpec(), basemap=available_basemaps({}, served)[0])
    exported = tmp_path / "map.html"
    exported.write_bytes(made.data)
    page.goto(exported.as_uri())
    page.wait_for_selector(".leaflet-container[data-osm-drawn]", timeout=30_000)
    shot = np.asarray(Image.open(io.BytesIO(page.locator(".leaflet-container").screenshot()))
                      .convert("RGB")).astype(int)
    assert _pixels_like(shot, ROAD) > 2000
    assert "/app/static/cache/basemap" not in made.data.decode("utf-8")  # nothing to fetch
    assert page.blocked_requests == []  # type: ignore[attr-defined]


def test_an_archive_file_gone_from_under_the_page_is_said(page: Page, archive: Path,
                                                          streamlit_app: Callable[..., str]):
    base = streamlit_app(APP, env={"HEZE_BASEMAP": str(archive)})
    gone = VectorArchive(str(archive), (("/app/static/cache/basemap/osm-gone-0.pmtiles", 1000),))
    fmap = build_map([], basemap=available_basemaps({}, gone)[0], bounds=REGION_BOX)
    folder = CACHE_DIR / "tests"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gone.html").write_text(fmap.get_root().render(), encoding="utf-8")
    page.goto(f"{base}/app/static/cache/tests/gone.html")
    page.wait_for_selector(".hz-map-note", timeout=30_000)
    assert "离线底图文件无法读取" in page.locator(".hz-map-note").inner_text()
