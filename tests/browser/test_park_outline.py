"""A synthetic 界址点 table imported for one chemical park, seen in Chromium: the outline on the
map, its member enterprise on the profile, and the 入园率 going from undecidable to 100 %."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from parks.__main__ import main
from parks.store import open_store
from tests.records import at
from tests.test_park_outline import PARK, _inside, _square, _table

from .test_offline_assets import map_frame

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "serve.py"  # the app as scripts/run_app.sh serves it
FIRM = "e-synthetic-chem"  # invented for this test


def _synthetic_firm(store: Path, lon: float, lat: float) -> None:
    """A chemical enterprise with a surveyed point inside the park's synthetic outline."""
    firm = {"id": FIRM, "name_zh": "合成化工测试企业", "industry": "NMT", "subsector": "NMT.CHEMICAL",
            "region_adcode": "371700", "county_adcode": "371728", **at((lon, lat), 100, 100),
            "source": "synthetic test fixture", "as_of": "2026-01-01", "confidence": "low"}
    with open_store(store) as opened:
        opened.commit({"enterprises": pd.DataFrame([firm])}, user="test", reason="synthetic")


def test_an_imported_outline_decides_membership_and_the_rate(page: Page, tmp_path: Path,
                                                           streamlit_app: Callable[..., str]):
    store = tmp_path / "outline-store.gpkg"
    lon, lat = _inside("371728")
    _synthetic_firm(store, lon, lat)
    base = streamlit_app(APP, env={"HEZE_STORE_PATH": str(store)})
    page.goto(f"{base}/chemical")
    expect(page.get_by_text("尚无可判定的企业")).to_be_visible(timeout=60_000)

    table = _table(tmp_path / "synthetic-jzd.csv", _square(lon, lat))
    assert main(["outline", "import", str(table), "--park", PARK, "--store", str(store)]) == 0

    page.goto(f"{base}/chemical")
    rate = page.get_by_test_id("stMetric").filter(has_text="入园率")
    expect(rate).to_contain_text("100%", timeout=60_000)
    page.goto(f"{base}/park?id={PARK}")
    expect(page.get_by_text("合成化工测试企业").first).to_be_visible(timeout=60_000)
    page.goto(f"{base}/?county=371728")
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_selector("path.hz-park-outline", state="attached", timeout=60_000)
    assert frame.locator("path.hz-park-outline").count() >= 1
    assert page.blocked_requests == []  # type: ignore[attr-defined]
