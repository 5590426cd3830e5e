"""Geography read back from an OSM archive: the features of a box, one GeoDataFrame per layer."""

from __future__ import annotations

import gzip
import mmap
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import shapely
from pmtiles.tile import (
    Compression,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)
from pyproj import Transformer

from geo.osm_archive import LAYERS, Bbox
from geo.tiles import EARTH_HALF, tile_range, zoom_for

MAX_TILES = 64  # a dense city tile (Helsinki, zoom 14) reads in ~0.1 s: 64 of them ≈ 6 s at worst
COLUMNS = ("class", "name", "name:zh", "name:en", "ref", "admin_level")
_COMPRESSIONS = (Compression.GZIP, Compression.NONE)
_TO_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


def label_keys(lang: str) -> list[str]:
    """Which name tags a label tries, in order: Chinese first, or English where OSM has it."""
    return ["name:en", "name"] if lang == "en" else ["name:zh", "name"]


class ArchiveUnreadableError(RuntimeError):
    """The archive is missing, damaged, or not an archive of vector tiles."""


@dataclass(frozen=True)
class Geography:
    """The archive's features in a box: per layer a GeoDataFrame in Web Mercator metres."""

    layers: dict[str, gpd.GeoDataFrame]
    zoom: int
    tiles: int  # tiles decoded (those the archive holds; empty sea or land has none)


def archive_header(path: str | Path) -> dict:
    """The archive's PMTiles header; ArchiveUnreadableError unless it holds gzip or plain MVT."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveUnreadableError(f"{path}: no such file")
    try:
        with path.open("rb") as handle:
            header = deserialize_header(handle.read(127))
    except Exception as exc:  # pmtiles raises its own types, or ValueError on a short file
        raise ArchiveUnreadableError(f"{path.name}: not a PMTiles archive "
                                     f"({type(exc).__name__})") from exc
    end = max(header[f"{part}_offset"] + header[f"{part}_length"]
              for part in ("root", "metadata", "leaf_directory", "tile_data"))
    if path.stat().st_size < end:  # a copy cut short: every tile beyond the cut is lost
        raise ArchiveUnreadableError(f"{path.name}: truncated ({path.stat().st_size} bytes of "
                                     f"{end})")
    if header["tile_type"] != TileType.MVT or header["tile_compression"] not in _COMPRESSIONS:
        raise ArchiveUnreadableError(f"{path.name}: holds {header['tile_type'].name} tiles "
                                     f"({header['tile_compression'].name}), not vector tiles")
    return header


def box_zoom(header: dict, extent: tuple[float, float, float, float], width_px: float,
             max_tiles: int = MAX_TILES) -> int:
    """The zoom for a map of `extent` (Web Mercator) `width_px` wide: as raster tiles would be,
    within the archive's zooms, and lower while more than `max_tiles` tiles would be needed."""
    x0, x1, _, _ = extent
    zoom = min(max(zoom_for(x1 - x0, width_px), header["min_zoom"]), header["max_zoom"])
    while zoom > header["min_zoom"] and _count(extent, zoom) > max_tiles:
        zoom -= 1
    return zoom


def _count(extent: tuple[float, float, float, float], zoom: int) -> int:
    cols, rows = tile_range(*extent, zoom)
    return len(cols) * len(rows)


def mercator_extent(bbox: Bbox) -> tuple[float, float, float, float]:
    """A WGS-84 bbox as the Web Mercator extent x0, x1, y0, y1."""
    xs, ys = _TO_3857.transform([bbox[0], bbox[2]], [bbox[1], bbox[3]])
    return xs[0], xs[1], ys[0], ys[1]


def read_geography(path: str | Path, bbox: Bbox, width_px: float,
                   max_tiles: int = MAX_TILES) -> Geography:
    """Every layer's features in the tiles covering bbox, at the zoom suiting a map `width_px`
    wide; features cut at tile edges come as pieces. Raises ArchiveUnreadableError."""
    header = archive_header(path)
    extent = mercator_extent(bbox)
    zoom = box_zoom(header, extent, width_px, max_tiles)
    cols, rows = tile_range(*extent, zoom)
    if len(cols) * len(rows) > max_tiles:  # even the archive's lowest zoom is too fine
        raise ArchiveUnreadableError(f"{len(cols) * len(rows)} tiles needed at zoom {zoom}; "
                                     f"at most {max_tiles}")
    found: dict[str, list] = {layer.name: [] for layer in LAYERS}
    decoded, directories = 0, {}
    with Path(path).open("rb") as handle, \
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapping:
        for x in cols:
            for y in rows:
                tile = _tile(mapping, header, zoom, x, y, Path(path).name, directories)
                decoded += tile is not None
                for name, data in (tile or {}).items():
                    found.setdefault(name, []).append(_features(data, zoom, x, y))
    return Geography({name: _frame(parts) for name, parts in found.items()}, zoom, decoded)


def _tile(mapping: mmap.mmap, header: dict, zoom: int, x: int, y: int, name: str,
          directories: dict) -> dict | None:
    """One decoded tile, or None where the archive has none (outside its area)."""
    try:
        data = tile_bytes(mapping, header, zxy_to_tileid(zoom, x, y), directories)
        if not data:
            return None
        raw = gzip.decompress(data) if header["tile_compression"] == Compression.GZIP else data
        return mapbox_vector_tile.decode(raw)
    except Exception as exc:  # truncated directories, bad gzip, bad protobuf: all one fault
        raise ArchiveUnreadableError(f"{name}: tile {zoom}/{x}/{y} cannot be read "
                                     f"({type(exc).__name__}: {exc})") from exc


def tile_bytes(mapping: mmap.mmap, header: dict, tile_id: int, directories: dict) -> bytes:
    """One tile's stored bytes (b"" where there is none): pmtiles' Reader.get, with each
    directory parsed once into `directories`: parsing the root directory for
    every tile took 97 % of 5.4 s on 36 tiles of the synthetic region."""
    offset, length = header["root_offset"], header["root_length"]
    for _depth in range(4):  # the format's deepest nesting
        if (offset, length) not in directories:
            directories[offset, length] = deserialize_directory(mapping[offset:offset + length])
        entry = find_tile(directories[offset, length], tile_id)
        if entry is None:
            return b""
        if entry.run_length:
            start = header["tile_data_offset"] + entry.offset
            return mapping[start:start + entry.length]
        offset, length = header["leaf_directory_offset"] + entry.offset, entry.length
    return b""


def _features(layer: dict, zoom: int, x: int, y: int) -> tuple[list[dict], np.ndarray]:
    """A decoded layer's properties and geometries in Web Mercator metres. MVT coordinates run
    0…extent from the tile's west edge and (as decoded, y flipped) from its south edge."""
    extent = layer.get("extent", 4096)
    size = 2 * EARTH_HALF / 2 ** zoom
    west, south = x * size - EARTH_HALF, EARTH_HALF - (y + 1) * size
    features = layer["features"]
    geometries = np.array([shapely.geometry.shape(f["geometry"]) for f in features], dtype=object)
    scale = size / extent
    geometries = shapely.transform(geometries, lambda xy: xy * scale + (west, south))
    # a point in the tile's buffer is also in its neighbour: keep it where it belongs
    inside = ~shapely.is_empty(geometries)
    points = shapely.get_type_id(geometries) == 0
    px, py = shapely.get_x(geometries), shapely.get_y(geometries)
    inside &= ~points | ((px >= west) & (px < west + size) & (py > south) & (py <= south + size))
    return [f["properties"] for f, keep in zip(features, inside, strict=True) if keep], \
        geometries[inside]


def _frame(parts: list[tuple[list[dict], np.ndarray]]) -> gpd.GeoDataFrame:
    properties = [p for props, _ in parts for p in props]
    geometries = np.concatenate([g for _, g in parts]) if parts else np.array([], dtype=object)
    frame = gpd.GeoDataFrame(properties, columns=list(COLUMNS) if not properties else None,
                             geometry=list(geometries), crs="EPSG:3857")
    for column in COLUMNS:  # every column, even where no feature of a tile had it
        if column not in frame.columns:
            frame[column] = ""
    frame[list(COLUMNS)] = frame[list(COLUMNS)].fillna("").astype(str)
    return frame

