"""Large point sets on a Leaflet map: a compact binary payload drawn on one canvas, with masks and grid bins.

One folium Marker per point costs ~0.5 ms in Python and a DOM node in the browser; at 10^5 points
that is minutes and hundreds of MB. Here the browser gets coordinates quantised to 16 bits over
the region (≈3 m), one category byte per point, and draws them on a canvas; filters send a
bitmask (one bit per point), and the server sends grid counts for views too dense to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import folium
import numpy as np

from geo.crs import wgs84_to_gcj02
from geo.grid_counts import BIN_MIN, b64, drawable_bins, grid_bins
from geo.layers import script_json, template

HOLLOW_BIT = 0x80  # category byte: low 7 bits index the colour, the high bit marks approximate
MAX_CATEGORIES = 127


@dataclass(frozen=True)
class CloudLayer:
    """Points drawn on a canvas: category colours, hollow when approximate, details on click.

    `detail_url` holds `{chunk}`: the JSON file with [name, popup HTML] of points
    chunk·size … chunk·size + size − 1, in the order given here; '' when there is none.
    """

    name: str
    key: str
    lon: np.ndarray
    lat: np.ndarray
    category: np.ndarray
    hollow: np.ndarray
    colours: tuple[str, ...]
    texts: dict[str, str] = field(default_factory=dict)
    detail_url: str = ""
    chunk_size: int = 1000
    show: bool = True
    radius: float = 3.5
    bin_zoom: int = 13  # below this zoom, and …
    bin_min: int = BIN_MIN  # … with more points than this in view, draw grid counts instead

    def __post_init__(self) -> None:
        n = len(self.lon)
        if not len(self.lat) == len(self.category) == len(self.hollow) == n:
            raise ValueError("lon, lat, category and hollow must have the same length")
        if len(self.colours) > MAX_CATEGORIES:
            raise ValueError(f"at most {MAX_CATEGORIES} colours, got {len(self.colours)}")
        if n and (int(np.min(self.category)) < 0 or int(np.max(self.category)) >= len(self.colours)):
            raise ValueError("a category index has no colour")

    def shifted(self) -> CloudLayer:
        """The same layer in GCJ-02 (for 高德 tiles)."""
        lon, lat = wgs84_to_gcj02(np.asarray(self.lon, float), np.asarray(self.lat, float))
        return CloudLayer(**{**self.__dict__, "lon": np.asarray(lon), "lat": np.asarray(lat)})


def frame_bounds(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float]:
    """The quantisation frame: the points' extent, padded so no point sits on its edge."""
    if not len(lon):
        return (0.0, 0.0, 1.0, 1.0)
    x0, x1, y0, y1 = float(np.min(lon)), float(np.max(lon)), float(np.min(lat)), float(np.max(lat))
    pad = max(x1 - x0, y1 - y0, 0.01) * 0.001
    return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)


def quantise(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Values mapped linearly from [low, high] onto little-endian uint16 0…65535, clipped."""
    scaled = np.rint((np.asarray(values, float) - low) / (high - low) * 65535.0)
    return np.clip(scaled, 0, 65535).astype("<u2")


def pack(layer: CloudLayer) -> dict[str, object]:
    """The browser payload of all points: base64 little-endian arrays and their frame."""
    bounds = frame_bounds(layer.lon, layer.lat)
    cat = np.asarray(layer.category, np.uint8) | np.where(layer.hollow, HOLLOW_BIT, 0).astype(np.uint8)
    return {"n": len(layer.lon), "b": bounds, "x": b64(quantise(layer.lon, bounds[0], bounds[2])),
            "y": b64(quantise(layer.lat, bounds[1], bounds[3])), "c": b64(cat),
            "colours": list(layer.colours)}


def mask_b64(mask: np.ndarray) -> str:
    """One bit per point, least significant first: what a filter leaves on the map."""
    return b64(np.packbits(np.asarray(mask, bool), bitorder="little"))


class CloudPoints(folium.MacroElement):
    """The canvas layer; it registers itself as window.hzLayers[key] for filter updates."""

    _template = template("cloud.js")

    def __init__(self, layer: CloudLayer) -> None:
        super().__init__()
        self._name = "CloudPoints"
        self.data = script_json(pack(layer))
        bins = drawable_bins(layer.lon, layer.lat, layer.bin_min)
        self.bins = script_json(bins if bins is not None else grid_bins([], []))
        self.options = script_json({
            "key": layer.key, "radius": layer.radius, "binZoom": layer.bin_zoom,
            "binMin": layer.bin_min, "detailUrl": layer.detail_url, "chunk": layer.chunk_size,
            "texts": layer.texts})


def cloud_group(layer: CloudLayer) -> folium.FeatureGroup:
    """A FeatureGroup holding the layer's points as one canvas-drawn cloud."""
    group = folium.FeatureGroup(name=layer.name, show=layer.show)
    group.add_child(CloudPoints(layer))
    return group


class LayerUpdate(folium.MacroElement):
    """A script that applies filter results to registered layers (masks, bins) in place."""

    _template = template("update.js")

    def __init__(self, updates: dict[str, dict[str, object]]) -> None:
        super().__init__()
        self._name = "LayerUpdate"
        self.updates = script_json(updates)
