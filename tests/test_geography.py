"""Tests for geo.geography: an OSM archive's features read back for a box, on the synthetic
Heze-style region (tests/osm_fixture.py), and damaged archives named."""

from __future__ import annotations

import pytest

from geo.geography import (
    MAX_TILES,
    ArchiveUnreadableError,
    _features,
    archive_header,
    read_geography,
)
from geo.osm_archive import AREA_NAMES, LAYERS, MAX_ZOOM
from tests.osm_fixture import CITY, REGION_BOX

CLOSE = (CITY[0] - 0.04, CITY[1] - 0.04, CITY[0] + 0.04, CITY[1] + 0.04)


def test_a_city_box_reads_the_streets_lake_and_industrial_area(region_archive):
    read = read_geography(region_archive, CLOSE, 1150)
    assert read.zoom == 14 and 0 < read.tiles <= MAX_TILES  # ~8 m per pixel: street level
    layers = read.layers
    assert set(layers) == {layer.name for layer in (*LAYERS, AREA_NAMES)}
    roads = layers["roads"]
    assert roads.crs == "EPSG:3857"
    assert {"合成街1", "合成巷6", "合成纬4路"} <= set(roads["name"])
    assert set(roads.loc[roads["name"] == "合成巷6", "class"]) == {"secondary"}
    assert set(roads["class"]) == {"residential", "secondary", "primary"}
    assert set(layers["water"]["name"]) == {"合成湖"}
    assert set(layers["landuse"]["class"]) == {"industrial"}
    assert layers["buildings"].empty and list(layers["buildings"].columns)[:2] == ["class", "name"]


def test_coordinates_come_back_where_they_were_written(region_archive):
    layers = read_geography(region_archive, CLOSE, 1150).layers
    west, south, east, north = layers["water"].to_crs(4326).total_bounds  # pieces of one lake
    lon, lat = CITY
    assert (west, south, east, north) == pytest.approx(
        (lon - 0.025, lat - 0.025, lon - 0.008, lat - 0.008), abs=2e-5)  # ~2 m
    city = layers["places"].to_crs(4326)
    city = city[city["name"] == "合成市"]
    assert len(city) == 1
    assert (city.geometry.x.iloc[0], city.geometry.y.iloc[0]) == pytest.approx(CITY, abs=2e-5)
    assert city["name:en"].iloc[0] == "Synthetic City"


def test_the_region_view_reads_fewer_tiles_at_a_lower_zoom(region_archive):
    read = read_geography(region_archive, REGION_BOX, 1150)
    assert read.zoom == 10 and read.tiles <= MAX_TILES
    # residential streets wait for zoom 12 (class_zooms)
    assert set(read.layers["roads"]["class"]) == {"trunk", "primary", "secondary"}
    assert set(read.layers["places"]["name"]) == {"合成市", "合成镇"}  # villages from zoom 11
    few = read_geography(region_archive, REGION_BOX, 1150, max_tiles=4)
    assert few.zoom < read.zoom and few.tiles <= 4
    fine = read_geography(region_archive, (115.48, 35.24, 115.481, 35.241), 100_000)
    assert fine.zoom == MAX_ZOOM  # the archive's highest, though the print asks for more


def test_points_in_a_tiles_buffer_belong_to_its_neighbour():
    layer = {"extent": 4096, "features": [
        {"geometry": {"type": "Point", "coordinates": [c, 2048]}, "properties": {"name": n}}
        for c, n in ((-30, "west buffer"), (10, "inside"), (4100, "east buffer"))]}
    properties, geometries = _features(layer, 1, 1, 0)  # the NE quarter of the world
    assert [p["name"] for p in properties] == ["inside"]
    assert geometries[0].x == pytest.approx(20037508.34 * 10 / 4096, rel=1e-6)
    assert geometries[0].y == pytest.approx(20037508.34 / 2, rel=1e-6)  # y counted from south


def test_damaged_or_wrong_archives_are_named(region_archive, tmp_path):
    cases = {"missing.pmtiles": None, "notes.pmtiles": b"not an archive at all",
             "empty.pmtiles": b""}
    data = region_archive.read_bytes()
    cases["cut.pmtiles"] = data[: len(data) // 3]  # a copy interrupted
    cases["raster.pmtiles"] = data[:99] + bytes([2]) + data[100:]  # a PNG archive
    messages = {}
    for name, content in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        with pytest.raises(ArchiveUnreadableError) as caught:
            read_geography(tmp_path / name, CLOSE, 1150)
        messages[name] = str(caught.value)
    assert messages["missing.pmtiles"].endswith("missing.pmtiles: no such file")
    assert "notes.pmtiles: not a PMTiles archive" in messages["notes.pmtiles"]
    assert "empty.pmtiles: not a PMTiles archive" in messages["empty.pmtiles"]
    assert "cut.pmtiles: truncated (" in messages["cut.pmtiles"]
    assert "holds PNG tiles" in messages["raster.pmtiles"]
    assert archive_header(region_archive)["max_zoom"] == MAX_ZOOM


def test_a_damaged_tile_is_named_with_its_address(region_archive, tmp_path):
    data = bytearray(region_archive.read_bytes())
    start = archive_header(region_archive)["tile_data_offset"]
    data[start:] = bytes(len(data) - start)  # every tile's bytes zeroed: no gzip left
    broken = tmp_path / "broken.pmtiles"
    broken.write_bytes(bytes(data))
    with pytest.raises(ArchiveUnreadableError, match=r"broken\.pmtiles: tile 14/\d+/\d+ cannot "
                       r"be read \(BadGzipFile"):
        read_geography(broken, CLOSE, 1150)
