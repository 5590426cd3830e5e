"""What a static map draws at points, in Web Mercator: markers, point clouds, and a cloud's
counts per grid cell where it holds too many points to draw one by one."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from pyproj import Transformer

from geo.cloud import CloudLayer
from geo.grid_counts import BIN_DEG, RAMP, cell_counts, in_box, ramp_steps
from geo.layers import PointLayer

WEB_MERCATOR = "EPSG:3857"
_TO_3857 = Transformer.from_crs("EPSG:4326", WEB_MERCATOR, always_xy=True)
MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle": "^"}


def to_mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat (WGS-84 degrees) as Web Mercator x/y metres."""
    return _TO_3857.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def draw_points(ax: Axes, layer: PointLayer, size_pt: float) -> None:
    """The layer's markers, grouped by shape and hollow (approximate) or filled."""
    frame = layer.frame
    if frame.empty:
        return
    x, y = to_mercator(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    for shape, marker in MARKERS.items():
        for hollow in (True, False):
            pick = ((frame["shape"] == shape) & (frame["hollow"] == hollow)).to_numpy()
            if not pick.any():
                continue
            colours = frame["colour"].to_numpy()[pick]
            # in print a hollow marker is approximate enough: dashes blur at this size
            ax.scatter(x[pick], y[pick], s=size_pt ** 2, marker=marker, zorder=5,
                       facecolors="white" if hollow else colours,
                       edgecolors=colours if hollow else "#222222",
                       linewidths=1.3 if hollow else 0.6)


def prints_binned(layer: CloudLayer, bounds: tuple[float, float, float, float]) -> bool:
    """Whether a print of `bounds` draws the layer as counts per grid cell: more than its
    bin_min points in view, as the live map does (10^6 dots paint a county one colour)."""
    return int(in_box(layer.lon, layer.lat, bounds).sum()) > layer.bin_min


def draw_counts(ax: Axes, layer: CloudLayer) -> None:
    """The layer's points as counts per BIN_DEG cell, coloured as the live map's density view."""
    x0, y0, counts = cell_counts(layer.lon, layer.lat)
    filled = counts > 0
    if not filled.any():
        return
    steps = np.ma.masked_array(np.zeros(counts.shape, int), mask=~filled)
    steps[filled] = ramp_steps(counts[filled])
    rows, columns = counts.shape
    ex, _ = to_mercator(x0 + BIN_DEG * np.arange(columns + 1), np.zeros(columns + 1))
    _, ey = to_mercator(np.zeros(rows + 1), y0 + BIN_DEG * np.arange(rows + 1))
    ax.pcolormesh(ex, ey, steps, cmap=ListedColormap(RAMP), norm=BoundaryNorm(
        np.arange(len(RAMP) + 1) - 0.5, len(RAMP)), alpha=0.75, zorder=4, rasterized=True)


def draw_cloud(ax: Axes, layer: CloudLayer, size_pt: float,
               bounds: tuple[float, float, float, float] | None = None) -> None:
    """Many points as one scatter per colour, approximate ones hollow; counts per grid cell
    where a print of `bounds` holds more than the layer's bin_min."""
    if bounds is not None and prints_binned(layer, bounds):
        draw_counts(ax, layer)
        return
    x, y = to_mercator(np.asarray(layer.lon, float), np.asarray(layer.lat, float))
    category, hollow = np.asarray(layer.category), np.asarray(layer.hollow, bool)
    for index, colour in enumerate(layer.colours):
        for open_ in (True, False):
            pick = (category == index) & (hollow == open_)
            if pick.any():
                ax.scatter(x[pick], y[pick], s=size_pt ** 2, marker="o", zorder=4, linewidths=0.4,
                           facecolors="white" if open_ else colour,
                           edgecolors=colour if open_ else "none", rasterized=True)
