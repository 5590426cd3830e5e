"""The 四至 candidate in Chromium: an editor finds a synthetic park's four named features on the
offline OSM basemap, adopts the enclosed area and sees it on the map over the basemap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from geo.osm_archive import build_basemap
from parks.model.dataset import load_dataset
from parks.store import open_store
from parks.store.accounts import add_editor
from tests.osm_fixture import SIZHI_TEXT, sizhi_pbf

from .test_editing import _draw_frame, log_in
from .test_offline_assets import FAILED_RESOURCES

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "serve.py"  # the app as scripts/run_app.sh serves it
PARK = "p-yuncheng-chem"


def test_an_editor_adopts_the_sizhi_candidate_over_the_osm_basemap(
        page: Page, tmp_path: Path, streamlit_app: Callable[..., str]):
    park = load_dataset("371700").parks.set_index("id").loc[PARK]
    pbf = sizhi_pbf(tmp_path / "synthetic-sizhi.osm.pbf", (park["lon"], park["lat"]))
    archive = tmp_path / "synthetic.pmtiles"
    build_basemap(pbf, archive, (park["lon"] - 0.2, park["lat"] - 0.2, park["lon"] + 0.2,
                                 park["lat"] + 0.2))
    store, editors = tmp_path / "store.gpkg", tmp_path / "editors.json"
    add_editor("王工", "sizhi-pass-1", "editor", path=editors)
    with open_store(store) as opened:
        row = opened.read_tables()["parks"].set_index("id", drop=False).loc[[PARK]]
        opened.commit({"parks": row.assign(sizhi=SIZHI_TEXT)}, user="test", reason="synthetic 四至")
    base = streamlit_app(APP, env={"HEZE_STORE_PATH": str(store), "HEZE_BASEMAP": str(archive),
                                   "HEZE_EDITORS_FILE": str(editors)})
    page.goto(f"{base}/edit?id={PARK}")
    log_in(page, password="sizhi-pass-1")
    page.get_by_role("radio", name="位置与范围").click()
    page.get_by_text("绘制/修改园区范围").click()
    _draw_frame(page)
    page.get_by_text("由四至生成候选范围").click()
    page.get_by_role("button", name="查找四至道路并生成范围").click()
    expect(page.get_by_text("可信度").first).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="采用候选范围").click()
    expect(page.get_by_text("标绘面积").first).to_be_visible(timeout=60_000)
    frame = _draw_frame(page)
    frame.wait_for_selector(".leaflet-container[data-osm-drawn]", timeout=60_000)
    frame.wait_for_selector(".leaflet-overlay-pane path", state="attached", timeout=30_000)
    assert frame.locator(".leaflet-tile-pane canvas").count() > 0  # the OSM roads under it
    page.wait_for_timeout(1500)
    page.screenshot(path=str(tmp_path / "sizhi.png"), full_page=True)
    Path(APP.parent / "test-artifacts").mkdir(exist_ok=True)
    page.locator("iframe[title*='streamlit_folium']").screenshot(
        path=str(APP.parent / "test-artifacts" / "sizhi-candidate-map.png"))
    assert frame.evaluate(FAILED_RESOURCES) == []
    assert page.blocked_requests == []  # type: ignore[attr-defined]
