"""The map page's export panel: the current view and the link to what an export shows."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

import ui.map_export
from parks.files.exports import Export
from tests.apptest import APP


@pytest.fixture
def made(monkeypatch):
    """The specs the panel asks exports for (nothing is drawn: only the request is read)."""
    specs = []

    def fake(fmt, dataset, selection, spec, filters, **kwargs):
        specs.append(spec)
        return Export(b"x", "image/png", f"{kwargs['name']}-map.png")

    monkeypatch.setattr(ui.map_export, "export", fake)
    return specs


def _panel(monkeypatch, view: str | None) -> AppTest:
    monkeypatch.setenv("HEZE_PUBLIC_URL", "http://gis.local:8501")
    at = AppTest.from_file(APP, default_timeout=120)
    if view:
        at.query_params["view"] = view
    at.run()
    at.toggle(key="map_export_open").set_value(True).run()
    assert not at.exception, at.exception
    return at


def test_the_current_view_is_exported_when_asked(monkeypatch, made):
    at = _panel(monkeypatch, "35.25000,115.10000,11")
    at.button(key="map_export_make_png").click().run()
    at.checkbox(key="map_export_view").check().run()
    at.button(key="map_export_make_png").click().run()
    assert not at.exception, at.exception
    region, view = made
    assert region.bbox is None and "view=" not in region.link
    west, south, east, north = view.bbox
    assert west < 115.1 < east and south < 35.25 < north and east - west < 0.6  # 700 px at z11
    query = parse_qs(urlsplit(view.link).query)
    assert view.link.startswith("http://gis.local:8501/?") and query["view"] == ["35.25000,115.10000,11"]


def test_without_a_view_in_the_address_the_region_is_exported_and_said(monkeypatch, made):
    at = _panel(monkeypatch, None)
    at.checkbox(key="map_export_view").check().run()
    at.button(key="map_export_make_png").click().run()
    assert made[0].bbox is None
    assert any("全区域" in c.value for c in at.caption)


def test_the_map_page_dates_what_it_shows(monkeypatch, heze):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.multiselect(key="map_kinds__zh").set_value(["chemical_park"]).run()
    at.multiselect(key="map_layers__zh").set_value(["chemical_parks"]).run()
    chemical = heze.parks[heze.parks["kind"] == "chemical_park"]
    date = next(m.value for m in at.metric if m.label == "数据日期")
    assert date == max(d for d in chemical["as_of"] if d)


def test_an_xlsx_over_the_row_limit_says_so_and_offers_csv(monkeypatch):
    import parks.files.exports

    monkeypatch.setattr(parks.files.exports, "XLSX_MAX_ROWS", 10)  # the seed data has more
    at = _panel(monkeypatch, None)
    at.button(key="map_export_make_xlsx").click().run()
    assert not at.exception, at.exception
    said = " ".join(e.value for e in at.error)
    assert "最多 10 条记录" in said and "CSV" in said
    assert not [b for b in at.get("download_button") if "xlsx" in b.proto.label]
