"""Folium layers built from plain frames: outlines with labels, styled point sets, choropleths."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster
from jinja2 import Environment, FileSystemLoader, Template

POINT_COLUMNS = ("lon", "lat", "colour", "hollow", "shape", "glyph", "popup", "tooltip")
# optional: the symbol's pixel offset from its point (seat_offsets) and where its leader line to
# the point stops, in pixels from the point (clear of a cluster count drawn there)
OFFSET_COLUMNS = ("dx", "dy", "lead")
SHAPES = ("circle", "square", "diamond", "triangle")
LABEL_PANE = "hz-labels"  # above markers so names stay readable; labels ignore the mouse
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=False)


def template(name: str) -> Template:
    """A Leaflet script template from geo/templates (JS lives in .js files, not in strings)."""
    return _TEMPLATES.get_template(name)


def script_json(value: object) -> str:
    """JSON safe to embed inside a <script> element (no '</script>' can close it early)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


@dataclass(frozen=True)
class PointLayer:
    """Styled points. `frame` has POINT_COLUMNS; popup is trusted HTML (already escaped),
    tooltip is plain text (escaped here)."""

    name: str
    frame: pd.DataFrame
    cluster: bool = False
    show: bool = True
    size: int = 18
    css_class: str = "hz-point"
    key: str = ""  # registry key: filter updates find the layer by it (window.hzLayers)
    z_index: int = 0  # > 0: the layer's own pane at this z-index (parks above enterprise clusters)


@dataclass(frozen=True)
class OutlineLayer:
    """Polygons drawn as outlines, optionally with a text label at each label point."""

    name: str
    frame: gpd.GeoDataFrame  # geometry, label, label_lon, label_lat
    colour: str = "#3B3B3B"
    weight: float = 1.6
    fill_colour: str = ""
    labels: bool = True
    show: bool = True
    in_control: bool = True
    css_class: str = "hz-outline"


@dataclass(frozen=True)
class CircleLayer:
    """A search radius or a highlighted place: a circle in metres around a WGS-84 point."""

    name: str
    lon: float
    lat: float
    radius_m: float
    colour: str = "#D55E00"
    tooltip: str = ""


@dataclass(frozen=True)
class ChoroplethLayer:
    """Polygons filled by a value; `frame` has geometry, label, value and fill (a colour)."""

    name: str
    frame: gpd.GeoDataFrame
    show: bool = False


class JsonPoints(JSCSSMixin, folium.MacroElement):
    """All points of one layer in a single element: a JSON array turned into markers in the
    browser (one folium Marker per point costs ~0.5 ms in Python and bloats the page)."""

    _template = template("points.js")
    default_js = MarkerCluster.default_js
    default_css = MarkerCluster.default_css

    def __init__(self, layer: PointLayer) -> None:
        super().__init__()
        self._name = "JsonPoints"
        self.cluster = layer.cluster
        self.size = int(layer.size)
        self.css_class = layer.css_class
        self.key = layer.key
        self.pane = pane_name(layer)
        self.rows = script_json(point_rows(layer.frame))
        if not layer.cluster:  # no plugin script needed
            self.default_js, self.default_css = [], []


def pane_name(layer: PointLayer) -> str:
    """The Leaflet pane of a point layer: its own when it has a z-index, else the marker pane."""
    return f"hz-pane-{layer.key or layer.css_class}" if layer.z_index else "markerPane"


def point_rows(frame: pd.DataFrame) -> list[list[object]]:
    """Compact rows for the browser; coordinates rounded to ~1 m, tooltips escaped; with
    OFFSET_COLUMNS, each row ends with the pixel offset and leader stop."""
    missing = [c for c in POINT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"point frame lacks columns {missing}; has {list(frame.columns)}")
    bad = sorted(set(frame["shape"]) - set(SHAPES))
    if bad:
        raise ValueError(f"unknown marker shape(s) {bad}; use one of {SHAPES}")
    offsets = all(c in frame.columns for c in OFFSET_COLUMNS)
    return [[round(float(r.lon), 5), round(float(r.lat), 5), r.colour, bool(r.hollow), r.shape,
             html.escape(str(r.glyph)), str(r.popup), html.escape(str(r.tooltip)),
             *((round(float(r.dx), 1), round(float(r.dy), 1), round(float(r.lead), 1))
               if offsets else ())]
            for r in frame.itertuples(index=False)]


def point_group(layer: PointLayer) -> folium.FeatureGroup:
    """A FeatureGroup drawing the layer's points as one JSON block (empty when there are none)."""
    group = folium.FeatureGroup(name=layer.name, show=layer.show)
    if len(layer.frame):
        group.add_child(JsonPoints(layer))
    return group


def _label_icon(text: str) -> folium.DivIcon:
    style = ("font: 600 13px 'Noto Sans CJK SC','Microsoft YaHei',sans-serif; color:#222;"
             "white-space:nowrap; text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;"
             "transform:translate(-50%,-50%); pointer-events:none;")
    return folium.DivIcon(html=f'<div class="hz-label" style="{style}">{html.escape(text)}</div>',
                          icon_size=(0, 0), icon_anchor=(0, 0))


def _outline_style(layer: OutlineLayer) -> Callable[[dict], dict]:
    base = {"color": layer.colour, "weight": layer.weight,
            "fillOpacity": 0.12 if layer.fill_colour else 0.0,
            "fillColor": layer.fill_colour or layer.colour, "className": layer.css_class}
    if "colour" not in layer.frame.columns:
        return lambda _f: base
    # one colour per feature (park outlines by kind)
    return lambda f: base | {"color": f["properties"]["colour"],
                             "fillColor": f["properties"]["colour"]}


def outline_group(layer: OutlineLayer) -> folium.FeatureGroup:
    """Outlines as one GeoJSON; optional `colour` and `tooltip` (plain text) columns."""
    group = folium.FeatureGroup(name=layer.name, show=layer.show, control=layer.in_control)
    extra = [c for c in ("colour", "tooltip") if c in layer.frame.columns]
    frame = layer.frame[["label", *extra, "geometry"]].copy()
    tip = None
    if frame.empty:  # folium refuses a tooltip field that no feature has
        pass
    elif "tooltip" in frame.columns:
        frame["tooltip"] = frame["tooltip"].map(html.escape)
        tip = folium.GeoJsonTooltip(["tooltip"], labels=False)
    elif layer.labels:
        frame["label"] = frame["label"].map(html.escape)
        tip = folium.GeoJsonTooltip(["label"], labels=False)
    folium.GeoJson(frame.to_json(drop_id=True), style_function=_outline_style(layer),
                   tooltip=tip).add_to(group)
    if layer.labels:
        for row in layer.frame.itertuples(index=False):
            folium.Marker([row.label_lat, row.label_lon], icon=_label_icon(row.label),
                          interactive=False, pane=LABEL_PANE).add_to(group)
    return group


def circle_group(layer: CircleLayer) -> folium.FeatureGroup:
    """A FeatureGroup with the dashed search circle and a dot at its centre (not in the layer list)."""
    group = folium.FeatureGroup(name=layer.name, control=False)
    folium.Circle([layer.lat, layer.lon], radius=layer.radius_m, color=layer.colour, weight=2,
                  fill=True, fill_opacity=0.06, dash_array="6 4",
                  tooltip=html.escape(layer.tooltip) or None,
                  class_name="hz-circle").add_to(group)
    folium.CircleMarker([layer.lat, layer.lon], radius=4, color=layer.colour, fill=True,
                        fill_opacity=1.0).add_to(group)
    return group


def choropleth_group(layer: ChoroplethLayer) -> folium.FeatureGroup:
    """A FeatureGroup with the counties filled by value and a label/value tooltip each."""
    group = folium.FeatureGroup(name=layer.name, show=layer.show)
    frame = layer.frame[["label", "value", "fill", "geometry"]].copy()
    frame["label"] = frame["label"].map(html.escape)
    folium.GeoJson(
        frame.to_json(drop_id=True),
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "fillOpacity": 0.6,
                                  "color": "#555555", "weight": 0.8},
        tooltip=folium.GeoJsonTooltip(["label", "value"], labels=False),
    ).add_to(group)
    return group


def spread_coincident(lon: np.ndarray, lat: np.ndarray,
                      spacing_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Display positions where points sharing a coordinate are fanned out on a disc (sunflower
    pattern, about `spacing_m` apart), so every record stays visible and clickable."""
    lon = np.asarray(lon, dtype=float).copy()
    lat = np.asarray(lat, dtype=float).copy()
    keys = pd.Series(list(zip(np.round(lon, 6), np.round(lat, 6), strict=True)))
    golden = np.pi * (3 - np.sqrt(5))
    for _key, idx in keys.groupby(keys).groups.items():
        n = len(idx)
        if n < 2:
            continue
        k = np.arange(n)
        # equal area per point: the disc grows with the number of records sharing the point
        r = spacing_m * np.sqrt((k + 0.5) / np.pi)
        theta = k * golden
        pos = np.asarray(idx)
        lat[pos] += r * np.cos(theta) / 111_320.0
        lon[pos] += r * np.sin(theta) / (111_320.0 * np.cos(np.radians(lat[pos[0]])))
    return lon, lat


def seat_offsets(lon: np.ndarray, lat: np.ndarray, clustered: np.ndarray, step_px: float,
                 hole_px: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pixel offsets (dx, dy) and leader stops for points sharing a coordinate: on rings around
    it, `step_px` apart at every zoom; the unclustered first, on the inner rings. Where some of a
    group are `clustered` (their count is drawn on the point), the rings keep `hole_px` clear."""
    dx, dy, lead = (np.zeros(len(lon)) for _ in range(3))
    keys = pd.Series(list(zip(np.round(np.asarray(lon, float), 6),
                              np.round(np.asarray(lat, float), 6), strict=True)))
    clustered = np.asarray(clustered, bool)
    for _key, idx in keys.groupby(keys).groups.items():
        if len(idx) < 2:
            continue
        pos = np.asarray(idx)[np.argsort(clustered[np.asarray(idx)], kind="stable")]
        hole = hole_px if clustered[pos].any() else 0.0
        dx[pos], dy[pos] = _rings(len(pos), step_px, hole)
        lead[pos] = hole * 0.6  # the cluster's circle: ~0.6 of the clear hole
    return dx, dy, lead


def _rings(n: int, step: float, hole: float) -> tuple[np.ndarray, np.ndarray]:
    """n positions on rings `step` apart (chords ≥ step), the first at max(hole, step/2)."""
    xs: list[float] = []
    ys: list[float] = []
    radius = max(hole, step / 2)
    while len(xs) < n:
        slots = int(np.pi // np.arcsin(min(1.0, step / (2 * radius))))
        k = min(slots, n - len(xs))
        angles = -np.pi / 2 + 2 * np.pi * np.arange(k) / k  # the first one above the point
        xs += list(radius * np.cos(angles))
        ys += list(radius * np.sin(angles))
        radius += step
    return np.asarray(xs), np.asarray(ys)
