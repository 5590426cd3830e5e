"""Tests for geo.enclosure and parks.files.sizhi_outline: a synthetic park's 四至 matched to a
synthetic OSM extract (tests/osm_fixture.sizhi_pbf) and the area it encloses, from the .osm.pbf
and from the built archive; `python -m parks outline sizhi`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from geo.enclosure import SideMatch, enclose
from parks.__main__ import main
from parks.files.sizhi_outline import SOURCE, sizhi_candidate
from parks.model.dataset import load_dataset
from parks.store import open_store
from tests.osm_fixture import SIZHI_PARK, SIZHI_TEXT, sizhi_pbf

PARK = "p-yuncheng-chem"  # town point (随官屯镇), published 5.2512 km²


@pytest.fixture(scope="module")
def seed():
    dataset = load_dataset("371700")
    park = dataset.parks.set_index("id", drop=False).loc[PARK].copy()
    county = dataset.counties.set_index("adcode").geometry[park["county_adcode"]]
    return park, county


@pytest.fixture(scope="module")
def pbf(seed, tmp_path_factory) -> Path:
    park, _ = seed
    return sizhi_pbf(tmp_path_factory.mktemp("sizhi") / "synthetic-sizhi.osm.pbf",
                     (park["lon"], park["lat"]))


def _with(park: pd.Series, text: str) -> pd.Series:
    changed = park.copy()
    changed["sizhi"] = text
    return changed


def _expected(park: pd.Series):
    west, south, east, north = SIZHI_PARK
    return box(park["lon"] + west, park["lat"] + south, park["lon"] + east, park["lat"] + north)


def test_the_enclosed_area_is_the_synthetic_park(seed, pbf):
    park, county = seed
    report = sizhi_candidate(_with(park, SIZHI_TEXT), county, pbf)
    assert report.problems == ()
    assert report.matched == {"东": "合成经7路", "西": "合成能源路", "南": "合成纬二路",
                              "北": "合成鲁南高速铁路"}  # not the 能源河, not the far 经7路
    expected = _expected(park)
    # the railway is ~55 m off the box's north edge at the ends, so not exactly the box
    assert report.shape.symmetric_difference(expected).area / expected.area < 0.02
    assert report.area_km2 == pytest.approx(5.28, abs=0.1)
    assert report.level == "high" and 0.75 <= report.confidence <= 1.0
    assert any("南侧" in note and "centre line" in note for note in report.notes)
    east = next(s for s in report.sides if s["side"] == "东")
    assert 0.85 < east["support"] < 1.0  # the road stops ~170 m short: carried straight on
    assert [a["name"] for a in report.landuse] == ["合成化工园"]


def test_the_built_archive_gives_the_same_area(seed, pbf, tmp_path):
    from geo.osm_archive import build_basemap

    park, county = seed
    archive = tmp_path / "synthetic.pmtiles"
    build_basemap(pbf, archive, (park["lon"] - 0.2, park["lat"] - 0.2, park["lon"] + 0.2,
                                 park["lat"] + 0.2))
    from_pbf = sizhi_candidate(_with(park, SIZHI_TEXT), county, pbf).shape
    from_tiles = sizhi_candidate(_with(park, SIZHI_TEXT), county, archive)
    assert from_tiles.problems == ()
    assert from_tiles.shape.symmetric_difference(from_pbf).area / from_pbf.area < 0.01


def test_an_offset_moves_the_side(seed, pbf):
    park, county = seed
    text = SIZHI_TEXT.replace("东至合成经七路", "东至合成经七路以东500米")
    plain = sizhi_candidate(_with(park, SIZHI_TEXT), county, pbf)
    moved = sizhi_candidate(_with(park, text), county, pbf)
    # 500 m more on the 0.021° (2.33 km) north-south side
    assert moved.area_km2 - plain.area_km2 == pytest.approx(0.5 * 2.33, rel=0.02)


@pytest.mark.parametrize("text, expected", [
    (SIZHI_TEXT.replace("合成能源大道", "合成光明路"), "西至 合成光明路: no road"),
    (SIZHI_TEXT.replace("合成能源大道", "合成能源河"), "西至 合成能源河"),  # found as a river…
    ("东至合成能源大道，西至合成经七路，南至合成纬二路，北至合成鲁南高铁", "enclose no area"),
    ("东至合成经七路，西至合成能源大道，南至合成纬二路", "no clause for 北"),
])
def test_bad_clauses_leave_no_candidate_and_say_why(seed, pbf, text, expected):
    park, county = seed
    report = sizhi_candidate(_with(park, text), county, pbf)
    if expected == "西至 合成能源河":  # …which is a fine bound: the 河 is what the text says
        assert report.problems == () and report.matched["西"] == "合成能源河"
        return
    assert report.shape is None
    assert any(expected in p for p in report.problems), report.problems


def test_a_candidate_in_another_county_is_refused(seed, pbf):
    park, _ = seed
    far = load_dataset("371700").counties.set_index("adcode").geometry["371728"]  # 东明县
    report = sizhi_candidate(_with(park, SIZHI_TEXT), far, pbf)
    assert report.shape is None and "outside the park's county" in report.problems[0]


def test_an_unreadable_archive_is_a_problem_not_a_crash(seed, tmp_path):
    park, county = seed
    bad = tmp_path / "broken.pmtiles"
    bad.write_bytes(b"not an archive")
    report = sizhi_candidate(_with(park, SIZHI_TEXT), county, bad)
    assert report.shape is None and "broken.pmtiles" in report.problems[0]


def test_sides_that_cross_each_other_still_enclose_the_middle():
    """Four lines in metric metres, one slanted, one side made of two roads with a gap."""
    lines = {"东": LineString([(1000, -200), (1100, 1200)]),
             "西": LineString([(0, -300), (0, 1300)]),
             "南": LineString([(-200, 0), (400, 0)]).union(LineString([(600, 0), (1300, 0)])),
             "北": LineString([(-200, 1000), (1300, 1000)])}
    matches = {s: SideMatch(s, s, (s,), 1.0, g, ()) for s, g in lines.items()}
    found = enclose(matches, Point(500, 500))
    assert found.problems == ()
    # the slanted east side runs from x = 1014.3 at y = 0 to x = 1085.7 at y = 1000
    assert found.area.area == pytest.approx(1000 * (1014.3 + 1085.7) / 2, rel=0.001)
    # the 200 m gap less SUPPORT_M (60 m) at each road end is bridged: 80 m of 1,014 m
    assert found.support["南"] == pytest.approx(1 - 80 / 1014.3, abs=0.01)
    assert found.support["北"] == pytest.approx(1.0)


def test_cli_prints_the_candidate_from_the_stores_sizhi(seed, pbf, tmp_path, capsys):
    store = tmp_path / "store.gpkg"
    with open_store(store) as opened:  # a planner's edit of the 四至, through the store
        row = opened.read_tables()["parks"].set_index("id", drop=False).loc[[PARK]].copy()
        opened.commit({"parks": row.assign(sizhi=SIZHI_TEXT)}, user="test", reason="synthetic 四至")
    code = main(["outline", "sizhi", "--park", PARK, "--osm", str(pbf), "--store", str(store),
                 "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["problems"] == []
    assert set(report) >= {"park", "area_km2", "centroid", "matched", "confidence", "problems"}
    assert report["matched"]["北"] == "合成鲁南高速铁路"
    lon, lat = report["centroid"]
    assert _expected(seed[0]).buffer(0.002).contains(Point(lon, lat))


def test_cli_without_osm_data_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HEZE_BASEMAP", str(tmp_path / "none.pmtiles"))
    code = main(["outline", "sizhi", "--park", PARK, "--store", str(tmp_path / "s.gpkg"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and "basemap build" in report["problems"][0]


def test_the_real_sizhi_finds_nothing_in_a_synthetic_extract(seed, pbf):
    """data/'s 四至 names real roads; the synthetic extract has none of them: no candidate."""
    park, county = seed
    report = sizhi_candidate(park, county, pbf)
    assert report.shape is None and len(report.problems) == 4
    assert SOURCE == "四至 + OpenStreetMap"


def test_the_edit_page_finds_the_candidate_and_saves_it_as_digitised(seed, pbf, tmp_path,
                                                                      monkeypatch):
    from streamlit.testing.v1 import AppTest

    from geo.osm_archive import build_basemap
    from tests.apptest import APP, audit, login, park_outline_tools, private_store

    park, _ = seed
    archive = tmp_path / "basemap.pmtiles"
    build_basemap(pbf, archive, (park["lon"] - 0.2, park["lat"] - 0.2, park["lon"] + 0.2,
                                 park["lat"] + 0.2))
    monkeypatch.setenv("HEZE_BASEMAP", str(archive))
    store = private_store(monkeypatch, tmp_path / "store")
    with open_store(store) as opened:
        row = opened.read_tables()["parks"].set_index("id", drop=False).loc[[PARK]].copy()
        opened.commit({"parks": row.assign(sizhi=SIZHI_TEXT)}, user="test", reason="synthetic 四至")
    at = login(AppTest.from_file(APP, default_timeout=120).run())
    park_outline_tools(at, PARK)
    at.button(key=f"sizhi_find_{PARK}").click().run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert list(shown["匹配的 OSM 要素"]) == ["合成经7路", "合成能源路", "合成纬二路", "合成鲁南高速铁路"]
    assert any("可信度" in i.value and "（高）" in i.value for i in at.info)
    at.button(key=f"sizhi_use_{PARK}").click().run()
    assert at.text_input(key=f"location_reason_{PARK}").value == f"outline from {SOURCE}"
    at.button(key=f"save_location_{PARK}").click().run()
    assert not at.exception, at.exception
    with open_store(store) as opened:
        saved = opened.read_tables()["parks"].set_index("id").loc[PARK]
    assert saved["boundary"].startswith("MULTIPOLYGON") and saved["precision"] == "digitised"
    assert f"outline from {SOURCE}" in set(audit(store, "parks", PARK)["reason"])


def _kml_of(polygon) -> bytes:
    coords = " ".join(f"{x:.7f},{y:.7f},0" for x, y in polygon.exterior.coords)
    return ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
            "<Document><Placemark><name>合成园区</name><Polygon><outerBoundaryIs><LinearRing>"
            f"<coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
            "</Placemark></Document></kml>").encode()


def test_a_gcj02_kml_taken_as_wgs84_is_refused_by_the_osm_roads(seed, pbf):
    """奥维 exports GCJ-02: the synthetic park's outline shifted so is ~500 m off its 四至 roads."""
    from geo.crs import shift_geometry
    from parks.files.park_outline import check_outline

    park, county = seed
    region = (114.0, 34.0, 117.0, 36.5)
    true = _expected(park)
    aowei = _kml_of(shift_geometry(true, to="gcj02"))
    taken = check_outline(park, county, aowei, "synthetic-aowei.kml", region, osm=pbf)
    assert len(taken.problems) == 1 and "--crs gcj02" in taken.problems[0]
    assert "GCJ-02" in taken.problems[0] and "WGS-84" in taken.problems[0]
    declared = check_outline(park, county, aowei, "synthetic-aowei.kml", region, "gcj02", osm=pbf)
    assert declared.problems == ()
    assert declared.shape.symmetric_difference(true).area / true.area < 0.001
    right = check_outline(park, county, _kml_of(true), "synthetic-wgs84.kml", region, osm=pbf)
    assert right.problems == () and right.warnings == ()  # the roads confirm WGS-84: no caveat
    insisted = check_outline(park, county, aowei, "synthetic-aowei.kml", region, "wgs84", osm=pbf)
    assert insisted.problems == () and any("--crs gcj02" in w for w in insisted.warnings)
