"""Tests for geo.mvt_encoding and geo.archive_layers: polygons encoded at one zoom as tippecanoe
would tile them, and added to an archive tippecanoe wrote."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from pmtiles.reader import MmapSource, Reader, all_tiles
from shapely.geometry import shape

from geo.archive_layers import add_layers
from geo.mvt_encoding import EXTENT, WKB, polygon_layer
from geo.tippecanoe_cli import tippecanoe_path

# A synthetic town around a zoom-14 tile corner (115.13672°E, 35.74651°N): houses
# on both sides of the edges, a courtyard house (a hole), a field across four tiles, tags
SYNTHETIC_TAGS = ("class", "name", "ref")


def synthetic_houses() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    lon, lat = 115.1367 + rng.uniform(-0.004, 0.004, 300), 35.7465 + rng.uniform(-0.004, 0.004, 300)
    houses = list(shapely.box(lon, lat, lon + 0.00008, lat + 0.00006))
    courtyard = shapely.box(115.133, 35.743, 115.1334, 35.7434).difference(
        shapely.box(115.1331, 35.7431, 115.1333, 35.7433))
    field = shapely.box(115.1357, 35.7455, 115.1377, 35.7475)
    rows = len(houses) + 2
    return gpd.GeoDataFrame({"class": ["yes"] * (rows - 2) + ["house", "farmland"],
                             "name": [""] * (rows - 2) + ["合成院", ""],
                             "ref": [""] * (rows - 1) + ["7"]},
                            geometry=[*houses, courtyard, field], crs="EPSG:4326")


def _decoded(message: bytes) -> list[tuple[str, tuple]]:
    layer = mapbox_vector_tile.decode(_wrapped(message))["houses"]
    return sorted((shapely.normalize(shape(f["geometry"])).wkt, tuple(sorted(
        f["properties"].items()))) for f in layer["features"])


def _wrapped(message: bytes) -> bytes:
    size, head = len(message), bytearray(b"\x1a")
    while size > 0x7F:
        head.append(size & 0x7F | 0x80)
        size >>= 7
    return bytes(head + bytes([size])) + message


def _tippecanoe(frame: gpd.GeoDataFrame, folder: Path) -> dict[tuple[int, int], list]:
    """What tippecanoe makes of frame at zoom 14 alone: each tile's decoded features."""
    lines = folder / "houses.geojsonl"
    lines.write_text("\n".join(json.dumps({"type": "Feature", "properties": {
        k: v for k, v in row.items() if k != "geometry" and v},
        "geometry": shapely.geometry.mapping(row["geometry"])}, ensure_ascii=False)
        for row in frame.to_dict("records")))
    out = folder / "houses.pmtiles"
    subprocess.run([tippecanoe_path(), "-q", "-f", "-o", str(out), "-Z14", "-z14",
                    "--no-tile-size-limit", "-l", "houses", str(lines)], check=True)
    with out.open("rb") as handle:
        return {(x, y): sorted((shapely.normalize(shape(f["geometry"])).wkt, tuple(sorted(
            f["properties"].items()))) for f in mapbox_vector_tile.decode(
                gzip.decompress(data))["houses"]["features"])
                for (_, x, y), data in all_tiles(MmapSource(handle))}


def test_polygons_land_in_the_tiles_tippecanoe_puts_them_in(tmp_path):
    frame = synthetic_houses()
    ours = {tile: _decoded(message) for tile, message in polygon_layer(frame, "houses", 14).items()}
    theirs = _tippecanoe(frame, tmp_path)
    assert ours.keys() == theirs.keys() and len(ours) == 4  # the houses reach four tiles
    for tile in theirs:  # the same features with the same tags, empty ones left out
        assert [tags for _, tags in ours[tile]] == [tags for _, tags in theirs[tile]]
    same = sum(len(set(ours[t]) & set(theirs[t])) for t in theirs)
    assert same >= 0.95 * sum(map(len, theirs.values()))  # tippecanoe nudges a few edge corners


def test_a_large_layer_encoded_a_chunk_of_rows_at_a_time_gives_the_same_tiles():
    frame = synthetic_houses()  # houses on both sides of tile edges, a field across four tiles
    whole = polygon_layer(frame, "houses", 14)
    assert len(whole) == 4
    for rows in (1, 7, 150):
        assert polygon_layer(frame, "houses", 14, chunk_rows=rows) == whole


def test_polygons_kept_as_wkb_give_the_same_tiles():
    frame = synthetic_houses()
    packed = pd.DataFrame(frame.drop(columns="geometry")).assign(**{
        WKB: pd.arrays.ArrowExtensionArray(pa.array(shapely.to_wkb(frame.geometry.to_numpy())))})
    assert polygon_layer(packed, "houses", 14, chunk_rows=50) == polygon_layer(frame, "houses", 14)


def test_wkb_that_geos_refuses_is_left_out():
    frame = synthetic_houses().iloc[[0, 1]]
    wkb = list(shapely.to_wkb(frame.geometry.to_numpy()))
    wkb[0] = shapely.to_wkb(shapely.Polygon([(115.1, 35.7), (115.1001, 35.7)] * 2))[:-16]  # cut
    packed = pd.DataFrame(frame.drop(columns="geometry")).assign(
        **{WKB: pd.arrays.ArrowExtensionArray(pa.array(wkb))})
    assert polygon_layer(packed, "houses", 14) == polygon_layer(frame.iloc[[1]], "houses", 14)


def test_exteriors_wind_positive_and_holes_negative_in_tile_units():
    courtyard = synthetic_houses().iloc[[-2]]
    (message,) = polygon_layer(courtyard, "houses", 14).values()
    (feature,) = mapbox_vector_tile.decode(_wrapped(message), default_options={
        "y_coord_down": True})["houses"]["features"]
    outer, inner = (np.array(ring) for ring in feature["geometry"]["coordinates"])
    signed = [float(np.sum(r[:-1, 0] * r[1:, 1] - r[1:, 0] * r[:-1, 1])) for r in (outer, inner)]
    assert signed[0] > 0 > signed[1]
    assert feature["properties"] == {"class": "house", "name": "合成院"}
    assert outer.min() >= 0 and outer.max() < EXTENT


def test_added_layers_join_the_archive_tiles_and_its_metadata(tmp_path):
    frame = synthetic_houses()
    theirs = _tippecanoe(frame.iloc[:50], tmp_path)  # an archive with a layer of its own
    archive, out = tmp_path / "houses.pmtiles", tmp_path / "joined.pmtiles"
    farms = frame.iloc[[-1, -1]].assign(geometry=[shapely.box(115.2, 35.8, 115.2001, 35.8001),
                                                  shapely.box(115.1380, 35.7480, 115.1381, 35.7481)])
    farm_tiles = polygon_layer(farms, "fields", 14)
    add_layers(archive, out, 14, {"fields": farm_tiles},
               {"fields": {"class": "String", "ref": "String"}})
    with out.open("rb") as handle:
        reader = Reader(MmapSource(handle))
        tiles = {(x, y): mapbox_vector_tile.decode(gzip.decompress(data))
                 for (_, x, y), data in all_tiles(MmapSource(handle))}
        layers = {layer["id"]: layer for layer in reader.metadata()["vector_layers"]}
    joined = set(farm_tiles) & set(theirs)
    assert len(joined) == 1 and set(tiles) == set(theirs) | set(farm_tiles)  # one farm's are new
    assert all({"houses", "fields"} <= set(tiles[t]) for t in joined)
    assert all(len(tiles[t]["houses"]["features"]) == len(theirs[t]) for t in theirs)
    assert all(tiles[t]["fields"]["features"][0]["properties"] == {"class": "farmland", "ref": "7"}
               for t in farm_tiles)
    assert layers["fields"]["minzoom"] == layers["fields"]["maxzoom"] == 14 and "houses" in layers
