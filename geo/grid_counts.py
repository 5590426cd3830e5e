"""Points counted per grid cell, for a map to draw counts where too many points are in view,
and the base64 form in which such arrays reach the browser."""

from __future__ import annotations

import base64

import numpy as np

BIN_DEG = 0.01  # grid cell of the density view: ~1.1 km × 0.9 km at Heze's latitude
BIN_MIN = 20_000  # more points in view than this (below bin_zoom): counts per cell instead
# the density colours, light to dark, as geo/templates/cloud.js draws them
RAMP = ("#fee8c8", "#fdbb84", "#fc8d59", "#e34a33", "#b30000")


def in_box(lon: np.ndarray, lat: np.ndarray, bounds: tuple[float, float, float, float]) -> np.ndarray:
    """Which points lie inside W, S, E, N `bounds`."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    return (lon >= bounds[0]) & (lon <= bounds[2]) & (lat >= bounds[1]) & (lat <= bounds[3])


def ramp_steps(counts: np.ndarray) -> np.ndarray:
    """The RAMP colour of each count (log scale up to the largest), as the live map picks it."""
    counts = np.asarray(counts, float)
    top = np.log(counts.max() + 1) if len(counts) else 1.0
    return np.minimum(len(RAMP) - 1, np.floor(np.log(counts + 1) / top * len(RAMP))).astype(int)


def b64(array: np.ndarray) -> str:
    """The array's bytes (C order, native dtype) as base64 text for the browser to decode."""
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def drawable_bins(lon: np.ndarray, lat: np.ndarray, bin_min: int = BIN_MIN) -> dict[str, object] | None:
    """Grid counts for these points, or None for bin_min or fewer: the canvas draws counts only
    with more than bin_min points in view, so for fewer they would never be drawn."""
    return grid_bins(lon, lat) if len(lon) > bin_min else None


def _cells(lon: np.ndarray, lat: np.ndarray, cell_deg: float) -> tuple[float, float, np.ndarray,
                                                                       np.ndarray]:
    """The grid's south-west corner (a multiple of cell_deg) and each point's column and row."""
    x0 = float(np.floor(lon.min() / cell_deg) * cell_deg)
    y0 = float(np.floor(lat.min() / cell_deg) * cell_deg)
    return (x0, y0, ((lon - x0) / cell_deg).astype(np.int64),
            ((lat - y0) / cell_deg).astype(np.int64))


def grid_bins(lon: np.ndarray, lat: np.ndarray, cell_deg: float = BIN_DEG) -> dict[str, object]:
    """Counts per grid cell (only cells with points): origin, cell size, cell ids and counts."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if not len(lon):
        return {"x0": 0.0, "y0": 0.0, "d": cell_deg, "nx": 1, "i": "", "n": "", "max": 0}
    x0, y0, ix, iy = _cells(lon, lat, cell_deg)
    nx = int(ix.max()) + 1
    cells, counts = np.unique(iy * nx + ix, return_counts=True)
    return {"x0": x0, "y0": y0, "d": cell_deg, "nx": nx, "i": b64(cells.astype("<u4")),
            "n": b64(counts.astype("<u4")), "max": int(counts.max())}


def cell_counts(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Points per BIN_DEG cell, the cells of grid_bins: (west, south, counts[row, column])."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    if not len(lon):
        return 0.0, 0.0, np.zeros((0, 0))
    x0, y0, ix, iy = _cells(lon, lat, BIN_DEG)
    counts = np.zeros((int(iy.max()) + 1, int(ix.max()) + 1))
    np.add.at(counts, (iy, ix), 1)
    return x0, y0, counts


def ramp_ranges(top: int) -> list[tuple[str, int, int]]:
    """(colour, fewest, most) points per cell that each RAMP colour stands for when the fullest
    cell holds `top`; colours no count reaches are left out."""
    counts = np.arange(1, max(int(top), 1) + 1)
    steps = ramp_steps(counts)
    return [(RAMP[k], int(counts[steps == k].min()), int(counts[steps == k].max()))
            for k in range(len(RAMP)) if (steps == k).any()]
