"""Tests for parks.model.outlines: drawn park outlines are checked, measured and drawn."""

from __future__ import annotations

import html

import pytest
from shapely.geometry import box

from parks.analysis.query import Selection
from parks.display.map_look import MapLook
from parks.display.records_map import records_map
from parks.errors import DataValidationError
from parks.model.dataset import load_dataset
from parks.model.outlines import OutlineError, area_note, outline_frame, parse_outline, to_wkt
from tests.records import AIRPORT, PARK, mini_data

SEAT = (116.01528, 35.47724)  # 随官屯镇 seat, 郓城县
# a test square of about 2.3 km × 2.3 km around the town seat: ~5.3 km²
SQUARE = box(SEAT[0] - 0.0127, SEAT[1] - 0.0103, SEAT[0] + 0.0127, SEAT[1] + 0.0103)


def test_a_valid_polygon_round_trips_as_compact_wkt():
    wkt = to_wkt(SQUARE)
    assert wkt.startswith("POLYGON ((116.") and "116.015280000" not in wkt
    geom = parse_outline(wkt)
    assert geom.geom_type == "MultiPolygon"
    assert geom.equals_exact(parse_outline(to_wkt(geom)), 1e-6)


@pytest.mark.parametrize(("text", "reason"), [
    ("POLYGON ((116 35.4, 116.02 35.42, 116.02 35.4, 116 35.42, 116 35.4))", "crosses itself near"),
    ("POINT (116 35.4)", "must be a polygon, not a Point"),
    ("POLYGON EMPTY", "empty"),
    ("POLYGON ((35.4 116, 35.42 116, 35.42 116.02, 35.4 116))", "longitude/latitude"),
    ("POLYGON ((116 35", "not a readable WKT"),
])
def test_bad_outlines_are_refused_with_a_reason(text, reason):
    with pytest.raises(OutlineError, match=reason):
        parse_outline(text)


def test_area_note_only_beyond_twenty_percent():
    assert area_note(5.9, 5.25) == ""  # 12% apart
    note = area_note(7.0, 5.25)
    assert "33%" in note and "5.25" in note
    assert area_note(3.0, float("nan")) == ""


def test_loaded_parks_carry_the_drawn_area(tmp_path, cache_dir):
    folder = mini_data(tmp_path / "d", parks=[PARK | {"boundary": to_wkt(SQUARE)}, AIRPORT])
    ds = load_dataset("371700", data_dir=folder, cache_dir=cache_dir)
    parks = ds.parks.set_index("id")
    assert parks.loc["p-yuncheng-chem", "outline_km2"] == pytest.approx(5.3, abs=0.15)
    assert parks.loc["p-airport", "outline_km2"] != parks.loc["p-airport", "outline_km2"]
    assert len(outline_frame(ds.parks)) == 1


def test_outline_outside_its_county_is_a_problem(tmp_path, cache_dir):
    far = box(115.40, 35.05, 115.42, 35.07)  # in 定陶/牡丹区, not 郓城县
    folder = mini_data(tmp_path / "d", parks=[PARK | {"boundary": to_wkt(far)}])
    with pytest.raises(DataValidationError) as info:
        load_dataset("371700", data_dir=folder, cache_dir=cache_dir)
    (problem,) = info.value.problems
    assert (problem.row, problem.field) == (2, "boundary")
    assert "outside its county 郓城县" in problem.reason


def test_map_draws_outline_with_escaped_tooltip(tmp_path, cache_dir):
    park = PARK | {"boundary": to_wkt(SQUARE), "name_zh": "郓城<b>化工</b>园"}
    folder = mini_data(tmp_path / "d", parks=[park, AIRPORT])
    ds = load_dataset("371700", data_dir=folder, cache_dir=cache_dir)
    selection = Selection(ds.parks, ds.enterprises, ds.projects)
    page = records_map(ds, selection, MapLook()).get_root().render()
    assert "hz-park-outline" in page and "园区范围" in page
    assert html.escape("郓城<b>化工</b>园") in page and "郓城<b>化工" not in page
    assert "公布 5.2512 km²" in page
    hidden = records_map(ds, selection, MapLook(layers=("parks",))).get_root().render()
    assert "hz-park-outline" not in hidden
