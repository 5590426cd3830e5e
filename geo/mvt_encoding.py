"""Vector tiles of one zoom encoded straight from polygons (Mapbox Vector Tile 2.1), in numpy."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# tippecanoe's defaults, so the layer matches the rest of the archive: 4096 units a tile, and a
# buffer of 5 of a tile's 256 pixels around it
EXTENT = 4096
BUFFER = 5 * EXTENT // 256
_MOVE_TO, _CLOSE = 9, 15  # MoveTo once; ClosePath once (command id | count << 3)
Tile = tuple[int, int]


def world_units(lonlat: np.ndarray, zoom: int) -> np.ndarray:
    """Web-Mercator x, y (y down) in tile units at zoom, rounded as tippecanoe rounds them: to
    2^32 units a world, then to 2^(zoom + 12) (tile (x, y) spans [x, x + 1) · EXTENT). So a
    building's corners land where tippecanoe would put them (99.8 % of the county's identical;
    the rest move by a unit where tippecanoe's clipping at tile edges nudges them)."""
    lat = np.radians(np.clip(lonlat[:, 1], -89.9, 89.9))
    y = (1 - np.log(np.tan(lat) + 1 / np.cos(lat)) / np.pi) / 2
    world = np.floor(np.column_stack([(lonlat[:, 0] + 180) / 360, y]) * 2.0 ** 32 + 0.5)
    return np.floor(world / 2.0 ** (32 - zoom - 12) + 0.5)  # C's round: halves go up


def runs(sorted_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct values of a sorted array, where each starts and how many there are
    (np.unique without its sort)."""
    first = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]]) if len(sorted_ids) \
        else np.zeros(0, np.int64)
    return sorted_ids[first], first, np.diff(np.r_[first, len(sorted_ids)])


def _rings(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The polygon rings of geoms: (coordinates, ring of each, geometry of each ring, whether
    a ring is an exterior); lines or points left by a clip are not drawn."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    polygon = shapely.get_type_id(parts) == 3
    rings, owner = shapely.get_rings(parts[polygon], return_index=True)
    exterior = np.r_[True, owner[1:] != owner[:-1]][: len(rings)]
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    return coords, ring, index[polygon][owner], exterior


def _clipped(world: np.ndarray, low: np.ndarray, high: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features reaching more than one tile, each cut to every tile's buffered square it
    reaches (kept whole where it lies inside the square): (pieces, their tiles, their rows)."""
    span = high - low + 1
    reached = span[:, 0] * span[:, 1]
    rows = np.repeat(np.arange(len(world)), reached)
    nth = np.arange(len(rows)) - np.repeat(np.cumsum(reached) - reached, reached)
    tiles = low[rows] + np.column_stack([nth // span[rows, 1], nth % span[rows, 1]])
    square = np.column_stack([tiles * EXTENT - BUFFER, (tiles + 1) * EXTENT + BUFFER])
    bounds = shapely.bounds(world[rows])
    inside = (bounds[:, :2] >= square[:, :2]).all(axis=1) & (bounds[:, 2:] <= square[:, 2:]).all(
        axis=1)
    pieces = world[rows].copy()
    pieces[~inside] = shapely.intersection(pieces[~inside], shapely.box(*square[~inside].T))
    return pieces, tiles, rows


def tile_rings(geoms: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                      np.ndarray, np.ndarray, np.ndarray]:
    """Every ring of every (feature, tile) piece at zoom, in its tile's units: a feature inside
    one tile's buffered square whole (most), the others clipped to each tile they reach.
    Returns points, ring of each, piece of each ring, exteriors, each piece's row and tile."""
    coords, ring, row, exterior = _rings(geoms)
    world = world_units(coords, zoom)
    feature = row[ring]
    low = np.full((len(geoms), 2), 0, np.int64)
    high = np.full((len(geoms), 2), -1, np.int64)  # a feature without rings reaches no tile
    present, first, _ = runs(feature)
    low[present] = np.floor((np.minimum.reduceat(world, first) - BUFFER) / EXTENT)
    high[present] = np.floor((np.maximum.reduceat(world, first) + BUFFER) / EXTENT)
    whole = (low == high).all(axis=1)
    edge = np.flatnonzero(~whole & (high >= low).all(axis=1))
    cut, cut_tiles, cut_rows = _clipped(
        shapely.transform(geoms[edge], lambda c: world_units(c, zoom)), low[edge], high[edge])
    coords2, ring2, piece2, exterior2 = _rings(cut)
    inside = whole[feature]
    points = np.concatenate([world[inside], coords2])
    ring = np.concatenate([ring[inside], ring2 + len(row)])
    ring_piece = np.concatenate([row, piece2 + len(geoms)])
    tiles = np.concatenate([low, cut_tiles])
    points = np.round(points - tiles[ring_piece[ring]] * EXTENT).astype(np.int64)
    rows = np.concatenate([np.arange(len(geoms)), edge[cut_rows]])
    closing = np.r_[ring[1:] != ring[:-1], True]
    repeat = np.r_[False, (points[1:] == points[:-1]).all(axis=1) & (ring[1:] == ring[:-1])]
    keep = ~closing & ~repeat
    return (points[keep], ring[keep], ring_piece, np.concatenate([exterior, exterior2]), rows,
            tiles)


def oriented(points: np.ndarray, ring: np.ndarray, exterior: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Rings of 3+ points with an area, exteriors wound positive and holes negative (the spec's
    winding, y down); a hole whose exterior went goes too. Returns points, ring of each."""
    count = np.bincount(ring, minlength=len(exterior))
    starts = np.r_[0, np.cumsum(count)[:-1]]
    offset = np.arange(len(points)) - starts[ring]
    following = np.where(offset + 1 < count[ring], np.arange(len(points)) + 1, starts[ring])
    cross = points[:, 0] * points[following, 1] - points[following, 0] * points[:, 1]
    area = np.bincount(ring, weights=cross, minlength=len(exterior))
    kept = (count >= 3) & (area != 0)
    kept &= kept[np.maximum.accumulate(np.where(exterior, np.arange(len(kept)), 0))]
    flip = np.where(exterior, area < 0, area > 0)[ring]
    order = np.where(flip, starts[ring] + count[ring] - 1 - offset, np.arange(len(points)))
    chosen = kept[ring]
    return points[order][chosen], ring[chosen]


def varints(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Protobuf varints of non-negative ints below 2^35, concatenated; each one's end offset."""
    values = values.astype(np.uint64)
    sizes = 1 + sum((values >= np.uint64(1 << (7 * k))).astype(np.int64) for k in range(1, 5))
    ends = np.cumsum(sizes)
    which = np.repeat(np.arange(len(values)), sizes)
    k = (np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - sizes, sizes))
    data = (values[which] >> (7 * k).astype(np.uint64)) & np.uint64(0x7F)
    data |= np.where(k < sizes[which] - 1, 0x80, 0).astype(np.uint64)
    return data.astype(np.uint8).tobytes(), ends


def geometry_bytes(points: np.ndarray, ring: np.ndarray, ring_piece: np.ndarray,
                   pieces: int) -> list[bytes]:
    """Each piece's MVT polygon geometry: MoveTo, LineTo…, ClosePath a ring, zigzag deltas
    from the previous point (the piece's first from 0, 0); b"" for a piece with no ring left."""
    rings, first, count = runs(ring)
    piece = ring_piece[ring]
    new_piece = np.r_[True, piece[1:] != piece[:-1]]
    delta = points - np.where(new_piece[:, None], 0, np.roll(points, 1, axis=0))
    zigzag = (delta << 1) ^ (delta >> 63)
    ring_start = np.r_[0, np.cumsum(2 * count + 3)[:-1]].astype(np.int64)
    nth = np.repeat(np.arange(len(rings)), count)
    offset = np.arange(len(points)) - first[nth]
    slot = ring_start[nth] + 1 + 2 * offset + (offset > 0)
    out = np.empty(2 * len(points) + 3 * len(rings), np.int64)
    out[slot], out[slot + 1] = zigzag[:, 0], zigzag[:, 1]
    close = ring_start + 2 * count + 2
    out[ring_start], out[ring_start + 3], out[close] = _MOVE_TO, 2 | ((count - 1) << 3), _CLOSE
    raw, ends = varints(out)
    owner = ring_piece[rings]
    begins, finish = np.zeros(pieces, np.int64), np.zeros(pieces, np.int64)
    head = np.r_[True, owner[1:] != owner[:-1]]
    tail = np.r_[owner[1:] != owner[:-1], True]
    begins[owner[head]] = np.r_[0, ends][ring_start[head]]
    finish[owner[tail]] = ends[close[tail]]
    return [raw[b:f] for b, f in zip(begins.tolist(), finish.tolist(), strict=True)]


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


_SMALL = [bytes([i]) if i < 128 else bytes([i & 0x7F | 0x80, i >> 7]) for i in range(1 << 14)]


def _length(payload: bytes) -> bytes:
    return _SMALL[len(payload)] if len(payload) < 1 << 14 else _varint(len(payload))


class LayerMessage:
    """One tile's MVT Layer of polygons, written a feature at a time (rows of later chunks
    follow those of earlier ones: the same bytes as in one go)."""

    __slots__ = ("body", "keys", "pairs", "values")

    def __init__(self) -> None:
        self.keys: dict[str, int] = {}
        self.values: dict[str, int] = {}
        self.pairs: dict[int, bytes] = {}  # a tag set's encoded indexes in this layer
        self.body = bytearray()

    def add(self, tag_set: int, tags: list[tuple[str, str]], geometry: bytes) -> None:
        """A feature: its tag set (an id, the same for the same tags) and its geometry."""
        pair = self.pairs.get(tag_set)
        if pair is None:
            keys, values = self.keys, self.values
            pair = self.pairs[tag_set] = _field(2, b"".join(
                _varint(keys.setdefault(k, len(keys))) + _varint(values.setdefault(v, len(values)))
                for k, v in tags)) + b"\x18\x03\x22"  # tags, type 3: polygon, geometry
        feature = pair + _length(geometry) + geometry
        self.body += b"\x12" + _length(feature) + feature

    def finish(self, name: str) -> bytes:
        """The layer's bytes: version 2, its name, features, keys, values and extent."""
        return b"".join([b"\x78\x02", _field(1, name.encode()), self.body,
                         *(_field(3, k.encode()) for k in self.keys),
                         *(_field(4, _field(1, v.encode())) for v in self.values),
                         b"\x28" + _varint(EXTENT)])


# Rows encoded at once bound the arrays: a Shandong-sized extract's 2.8 M buildings in one go
# peaked at 7.7 GB (bench/basemap.py --province); and smaller arrays stay in the CPU's caches:
# the county's 177,600 took 1.0 CPU-s in chunks of 50,000 rows, 1.7-2.8 s at once (20,000 or
# 10,000 rows: 1.1-1.4 s).
CHUNK_ROWS = 50_000
WKB = "wkb"  # a frame's column of polygons kept as WKB until encoded (~3x smaller than shapely)


def decoded(wkb: object) -> np.ndarray:
    """Shapely geometries from WKB (an Arrow array or anything numpy reads): None where GEOS
    refuses one (a clipped extract has rings it will not read)."""
    return shapely.from_wkb(np.asarray(wkb, dtype=object), on_invalid="ignore")


def polygons(frame: pd.DataFrame) -> np.ndarray:
    """A frame's polygons: its geometry, or its WKB column decoded (None where GEOS refuses)."""
    if isinstance(frame, gpd.GeoDataFrame):
        return frame.geometry.to_numpy()
    return decoded(frame[WKB].array)


def polygon_layer(frame: pd.DataFrame, name: str, zoom: int, *,
                  chunk_rows: int = CHUNK_ROWS) -> dict[Tile, bytes]:
    """Each tile's MVT layer `name` at zoom from a frame of polygons (WGS-84: a GeoDataFrame,
    or WKB in a column `wkb`) whose other columns are strings: those that are not empty become
    the feature's tags. A large frame is encoded chunk_rows rows at a time: the same bytes
    whatever the chunks (features in row order within each tile)."""
    tiles: dict[Tile, LayerMessage] = {}
    tag_ids: dict[tuple[tuple[str, str], ...], int] = {}
    for start in range(0, len(frame), chunk_rows):
        _add_rows(tiles, tag_ids, frame.iloc[start:start + chunk_rows], zoom)
    return {tile: message.finish(name) for tile, message in tiles.items()}


def _add_rows(tiles: dict[Tile, LayerMessage], tag_ids: dict[tuple[tuple[str, str], ...], int],
              frame: pd.DataFrame, zoom: int) -> None:
    points, ring, ring_piece, exterior, rows, tile_of = tile_rings(polygons(frame), zoom)
    points, ring = oriented(points, ring, exterior)
    geometry = geometry_bytes(points, ring, ring_piece, len(rows))
    shapes = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else WKB
    columns = [c for c in frame.columns if c != shapes]
    codes, sets = pd.MultiIndex.from_frame(frame[columns]).factorize()  # most rows share tags
    tag_sets = [[(c, v) for c, v in zip(columns, values, strict=True) if v] for values in sets]
    ids = [tag_ids.setdefault(tuple(tags), len(tag_ids)) for tags in tag_sets]
    # in row order within each tile (pieces cut at tile edges come last from tile_rings): the
    # order is then the same whatever the chunks
    order = np.argsort(rows, kind="stable")
    for code, tx, ty, piece in zip(codes[rows[order]].tolist(), tile_of[order, 0].tolist(),
                                   tile_of[order, 1].tolist(), order.tolist(), strict=True):
        shape = geometry[piece]
        if shape:
            message = tiles.get((tx, ty))
            if message is None:
                message = tiles[(tx, ty)] = LayerMessage()
            message.add(ids[code], tag_sets[code], shape)
