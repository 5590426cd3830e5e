"""Tests for parks.model.edits, parks.display.edit_map and parks.files.baseline: an edit becomes a
checked record, its map is offline-ready, and its audit reads plainly."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.basemaps import resolve
from geo.crs import distance_m, shift_geometry, wgs84_to_gcj02
from parks.display.edit_map import EditTarget, edit_map
from parks.display.map_look import MapLook
from parks.errors import DataValidationError
from parks.files.baseline import (
    audit_csv,
    baseline_zip,
    describe_change,
    history_frame,
    outlines_geojson,
    shown_time,
)
from parks.model.edits import (
    REMOVE,
    PointEdit,
    changed_fields,
    clicked_point,
    drawn_outline,
    edited_record,
    outline_report,
    outside_outline,
    placed_point,
    typed_point,
)
from parks.model.outlines import OutlineError, to_wkt
from parks.store import open_store
from tests.records import AIRPORT, PARK, mini_data

SEAT = (116.01528, 35.47724)
SQUARE = box(SEAT[0] - 0.0127, SEAT[1] - 0.0103, SEAT[0] + 0.0127, SEAT[1] + 0.0103)


def _feature(geom) -> dict:
    return {"type": "Feature", "properties": {}, "geometry": geom.__geo_interface__}


def test_typed_gcj02_point_becomes_wgs84():
    gcj = wgs84_to_gcj02(116.03, 35.48)
    point = typed_point(f"{gcj[0]:.7f}", f"{gcj[1]:.7f}", "GCJ02")
    assert distance_m(point.lon, point.lat, 116.03, 35.48) < 0.5
    assert typed_point("１１６.０３", "35,48", "WGS84") == PointEdit(116.03, 35.48)  # NFKC, comma


@pytest.mark.parametrize(("lon", "lat", "field", "reason"), [
    ("35.48", "116.03", "lon", "swapped"),
    ("east", "35.48", "lon", "not a number"),
    ("116.03", "95", "lat", "between -90 and 90"),
])
def test_bad_typed_points_name_the_field(lon, lat, field, reason):
    with pytest.raises(DataValidationError) as info:
        typed_point(lon, lat, "WGS84", record_id="p-x")
    (problem,) = info.value.problems
    assert (problem.file, problem.field) == ("p-x", field) and reason in problem.reason


def test_a_click_on_gaode_tiles_is_shifted_back():
    gcj = wgs84_to_gcj02(116.03, 35.48)
    point = clicked_point(*gcj, "GCJ02")
    assert distance_m(point.lon, point.lat, 116.03, 35.48) < 0.5
    assert clicked_point(116.03, 35.48) == PointEdit(116.03, 35.48)  # WGS-84 tiles: as clicked


def test_drawn_polygons_are_joined_checked_and_numbered():
    other = box(116.05, 35.45, 116.06, 35.46)
    joined = drawn_outline([_feature(SQUARE), _feature(other), _feature(Point(116, 35))])
    assert joined.geom_type == "MultiPolygon" and len(joined.geoms) == 2
    assert drawn_outline([]) is None and drawn_outline(None) is None
    bowtie = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[
        [116.0, 35.4], [116.02, 35.42], [116.02, 35.4], [116.0, 35.42], [116.0, 35.4]]]}}
    with pytest.raises(OutlineError, match="polygon 2: the outline crosses itself near"):
        drawn_outline([_feature(SQUARE), bowtie])


def test_outline_drawn_on_gaode_tiles_is_stored_in_wgs84():
    shifted = shift_geometry(SQUARE, "gcj02")  # what Leaflet reports on 高德 tiles
    outline = drawn_outline([_feature(shifted)], "GCJ02")
    assert outline.bounds == pytest.approx(SQUARE.bounds, abs=2e-5)


def test_edited_record_marks_the_position_digitised():
    record = {"id": "p-1", "name_zh": "园", "lon": "", "lat": "", "crs": "", "precision": "town",
              "boundary": ""}
    moved = edited_record(record, {"name_zh": " 新园 ", "precision": "surveyed", "id": "x"},
                          point=PointEdit(116.0312345678, 35.48))
    assert moved["name_zh"] == "新园" and moved["id"] == "p-1"  # the form cannot set these
    assert (moved["lon"], moved["crs"], moved["precision"]) == ("116.031235", "WGS84", "digitised")
    drawn = edited_record(record, {}, outline=drawn_outline([_feature(SQUARE)]))
    assert SQUARE.contains(Point(float(drawn["lon"]), float(drawn["lat"])))
    assert drawn["boundary"].startswith("MULTIPOLYGON")
    assert edited_record(drawn, {}, outline=REMOVE)["boundary"] == ""
    assert changed_fields(record, record) == {}
    assert changed_fields(record, moved)["precision"] == ("town", "digitised")
    assert record["precision"] == "town"  # the caller's record is untouched


def test_outline_report_gap_and_outside_share():
    report = outline_report(SQUARE, 5.2512, county=box(115.9, 35.3, 116.2, 35.7))
    assert report.drawn_km2 == pytest.approx(5.3, abs=0.15)
    assert report.gap < 0.2 and report.note == "" and report.outside_share == 0
    far = outline_report(SQUARE, 2.0, county=box(115.0, 35.0, 115.2, 35.2))
    assert far.gap > 1 and "differs" in far.note and far.outside_share == pytest.approx(1)
    assert outline_report(SQUARE, None, None).gap is None


def test_edit_map_is_offline_ready_and_shifts_for_gaode(tmp_path, cache_dir):
    from parks.model.dataset import load_dataset

    folder = mini_data(tmp_path / "d", parks=[PARK | {"boundary": to_wkt(SQUARE)}, AIRPORT])
    ds = load_dataset("371700", data_dir=folder, cache_dir=cache_dir)
    target = EditTarget("p-yuncheng-chem", SEAT, SQUARE, (116.02, 35.48), ("当前", "新"))
    offline = MapLook(resolve("offline", {}), "zh", asset_base_url="/app/static/vendor")
    page = edit_map(ds, target, offline, draw=True).get_root().render()
    assert "L.Control.Draw" in page and "/app/static/vendor/leaflet-draw/" in page
    assert "cdnjs" not in page and "cdn.jsdelivr" not in page
    assert "hz-pending" in page and repr(SQUARE.exterior.coords[0][1]) in page
    # Leaflet.draw's toolbar speaks the interface language, set before the control is made
    assert '"draw.toolbar.buttons.polygon": "绘制多边形"' in page
    assert page.index("L.drawLocal") < page.index("new L.Control.Draw")
    plain = edit_map(ds, target, offline, draw=False)
    assert "L.Control.Draw" not in plain.get_root().render()
    gaode = edit_map(ds, target, replace(offline, basemap=resolve("amap", {})),
                     draw=True).get_root().render()
    gcj_lat = wgs84_to_gcj02(*SQUARE.exterior.coords[0])[1]
    assert repr(float(gcj_lat)) in gaode and repr(SQUARE.exterior.coords[0][1]) not in gaode


def test_history_describes_changes_and_the_log_is_safe_csv():
    before = {"name_zh": "园", "boundary": "", "note": "=cmd|calc"}
    after = before | {"name_zh": "新园", "boundary": to_wkt(SQUARE)}
    text = describe_change(json.dumps(before), json.dumps(after), "en")
    assert "Chinese name: 园 → 新园" in text and "Drawn outline: ∅ → outline 5." in text
    assert describe_change(None, json.dumps(after), "en").startswith("created")
    assert describe_change(json.dumps(before), float("nan"), "en") == "deleted"
    assert describe_change(json.dumps(before), json.dumps(after), "zh").startswith("中文名称：园 → 新园")
    audit = pd.DataFrame([{"seq": 2, "at": "t", "user": "lee", "reason": "=HYPERLINK()",
                           "table_name": "parks", "record_id": "p-1", "action": "update",
                           "before": json.dumps(before), "after": json.dumps(after), "version": 2}])
    assert list(history_frame(audit, "zh").columns) == ["序号", "时间（北京时间）", "操作人", "修改说明",
                                                        "操作", "改动"]
    assert history_frame(audit.iloc[0:0], "en").empty
    csv = audit_csv(audit)
    assert csv.startswith(b"\xef\xbb\xbf") and b"'=HYPERLINK()" in csv


def test_baseline_zip_has_data_style_csvs_outlines_and_audit(tmp_path):
    data = mini_data(tmp_path / "d", parks=[PARK | {"boundary": to_wkt(SQUARE)}, AIRPORT])
    store = open_store(tmp_path / "s.gpkg", data_dir=data)
    try:
        blob = baseline_zip(store, data)
        parks = store.read_tables()["parks"]
    finally:
        store.close()
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        names = set(z.namelist())
        assert {"parks.csv", "enterprises.csv", "projects.csv", "park_outlines.geojson",
                "audit.csv", "README.txt"} <= names
        assert z.read("parks.csv") == (data / "parks.csv").read_bytes()  # nothing edited yet
        outlines = json.loads(z.read("park_outlines.geojson"))
    (feature,) = outlines["features"]
    assert feature["properties"]["id"] == "p-yuncheng-chem"
    assert feature["properties"]["area_km2_published"] == 5.2512
    assert json.loads(outlines_geojson(parks))["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_a_new_outline_never_moves_a_placed_point_without_being_asked():
    inside, outside = PointEdit(SEAT[0] + 0.005, SEAT[1]), PointEdit(SEAT[0] + 0.05, SEAT[1])
    seat_only = {"id": "p-1", "lon": "", "lat": "", "crs": "", "precision": "town", "boundary": ""}
    kept = edited_record(seat_only, {}, point=inside, outline=SQUARE)
    assert (float(kept["lon"]), float(kept["lat"])) == (inside.lon, inside.lat)
    still = edited_record(seat_only, {}, point=outside, outline=SQUARE)
    assert (float(still["lon"]), float(still["lat"])) == (outside.lon, outside.lat)
    moved = edited_record(seat_only, {}, point=outside, outline=SQUARE, move_inside=True)
    assert SQUARE.contains(Point(float(moved["lon"]), float(moved["lat"])))
    # a saved surveyed point stays, with its precision; moved inside only when asked
    surveyed = seat_only | {"lon": f"{outside.lon:.6f}", "lat": f"{outside.lat:.6f}",
                            "crs": "WGS84", "precision": "surveyed"}
    same = edited_record(surveyed, {}, outline=SQUARE)
    assert {k: same[k] for k in ("lon", "lat", "precision")} == {
        k: surveyed[k] for k in ("lon", "lat", "precision")}
    asked = edited_record(surveyed, {}, outline=SQUARE, move_inside=True)
    assert SQUARE.contains(Point(float(asked["lon"]), float(asked["lat"])))
    assert asked["precision"] == "digitised"
    assert placed_point(seat_only, None) is None  # a seat is nobody's choice: it goes inside
    assert outside_outline(SQUARE, outside) and not outside_outline(SQUARE, inside)
    assert not outside_outline(SQUARE, None)


def test_history_shows_beijing_time_and_actions_in_the_interface_language():
    audit = pd.DataFrame([{"seq": 1, "at": "2026-03-01T17:30:00+00:00", "user": "lee", "reason": "",
                           "table_name": "parks", "record_id": "p-1", "action": "update",
                           "before": json.dumps({"kind": "a"}), "after": json.dumps({"kind": "b"}),
                           "version": 2}])
    row = history_frame(audit, "zh").iloc[0]
    assert row["时间（北京时间）"] == "2026-03-02 01:30" and row["操作"] == "修改"
    assert row["改动"] == "类型：a → b"
    assert shown_time("2026-03-01T17:30:00") == "2026-03-02 01:30"  # a stamp without zone is UTC
    assert history_frame(audit, "en").iloc[0]["Action"] == "changed"
