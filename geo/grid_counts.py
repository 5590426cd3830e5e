"""Points counted per grid cell, for a map to draw counts where too many points are in view,
and the base64 form in which such arrays reach the browser."""

from __future__ import annotations

import base64

import numpy as np

BIN_DEG = 0.01  # grid cell of the density view: ~1.1 km × 0.9 km at Heze's latitude
BIN_MIN = 20_000  # more points in view than this (below bin_zoom): counts per cell instead


def b64(array: np.ndarray) -> str:
    """The array's bytes (C order, native dtype) as base64 text for the browser to decode."""
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def drawable_bins(lon: np.ndarray, lat: np.ndarray, bin_min: int = BIN_MIN) -> dict[str, object] | None:
    """Grid counts for these points, or None for bin_min or fewer: the canvas draws counts only
    with more than bin_min points in view, so for fewer they would never be drawn."""
    return grid_bins(lon, lat) if len(lon) > bin_min else None


def grid_bins(lon: np.ndarray, lat: np.ndarray, cell_deg: float = BIN_DEG) -> dict[str, object]:
    """Counts per grid cell (only cells with points): origin, cell size, cell ids and counts."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if not len(lon):
        return {"x0": 0.0, "y0": 0.0, "d": cell_deg, "nx": 1, "i": "", "n": "", "max": 0}
    x0 = float(np.floor(lon.min() / cell_deg) * cell_deg)
    y0 = float(np.floor(lat.min() / cell_deg) * cell_deg)
    ix = ((lon - x0) / cell_deg).astype(np.int64)
    iy = ((lat - y0) / cell_deg).astype(np.int64)
    nx = int(ix.max()) + 1
    cells, counts = np.unique(iy * nx + ix, return_counts=True)
    return {"x0": x0, "y0": y0, "d": cell_deg, "nx": nx, "i": b64(cells.astype("<u4")),
            "n": b64(counts.astype("<u4")), "max": int(counts.max())}
