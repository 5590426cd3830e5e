"""Assemble a folium map from layers: basemap (with offline fallback), legend, controls, assets."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import folium
import geopandas as gpd
from folium.map import FitBounds
from folium.plugins import Fullscreen

from geo import assets
from geo.basemaps import Basemap
from geo.cloud import CloudLayer, cloud_group
from geo.crs import shift_frame, wgs84_to_gcj02
from geo.layers import (
    LABEL_PANE,
    ChoroplethLayer,
    CircleLayer,
    OutlineLayer,
    PointLayer,
    choropleth_group,
    circle_group,
    outline_group,
    pane_name,
    point_group,
    script_json,
    template,
)
from geo.vector_basemap import OsmVectorLayer

Layer = PointLayer | OutlineLayer | ChoroplethLayer | CircleLayer | CloudLayer
OFFLINE_BACKGROUND = "#EEF1F4"


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a label and the symbol (shape, colour, hollow for approximate) it explains."""

    label: str
    colour: str
    shape: str = "circle"  # circle, square, diamond, triangle, line, fill
    hollow: bool = False
    key: str = ""  # what the row stands for: a filter update shows only the rows it names


@dataclass(frozen=True)
class LegendSection:
    """A titled group of legend rows (parks, enterprises, projects, precision…)."""

    title: str
    items: tuple[LegendItem, ...]


@dataclass(frozen=True)
class Legend:
    """The map legend: title, sections, a note under them, and whether it starts unfolded."""

    title: str
    sections: tuple[LegendSection, ...]
    note: str = ""
    open: bool = True  # small maps start with the legend folded


def _swatch(item: LegendItem) -> str:
    fill = "#fff" if item.hollow else item.colour
    stroke = item.colour if item.hollow else "#222"
    dash = ' stroke-dasharray="3 2"' if item.hollow else ""
    shapes = {
        "square": '<rect x="2" y="2" width="12" height="12" rx="2"',
        "diamond": '<polygon points="8,1 15,8 8,15 1,8"',
        "triangle": '<polygon points="8,1 15,14 1,14"',
        "line": '<rect x="0" y="7" width="16" height="2"',
        "fill": '<rect x="1" y="3" width="14" height="10"',
    }
    body = shapes.get(item.shape, '<circle cx="8" cy="8" r="6"')
    return (f'<svg width="16" height="16">{body} fill="{fill}" stroke="{stroke}" '
            f'stroke-width="1.5"{dash}/></svg>')


def legend_html(legend: Legend) -> str:
    """Self-contained legend HTML (inline styles: no stylesheet needs to load)."""
    state = " open" if legend.open else ""
    parts = [f'<details{state} class="hz-legend-body"><summary style="font-weight:700;'
             f'cursor:pointer">{html.escape(legend.title)}</summary>']
    for section in legend.sections:
        parts.append(f'<div class="hz-legend-section"><div style="margin-top:6px;font-weight:600">'
                     f'{html.escape(section.title)}</div>')
        for item in section.items:
            key = f' data-key="{html.escape(item.key)}"' if item.key else ""
            parts.append(f'<div class="hz-legend-row"{key} style="display:flex;align-items:center;'
                         f'gap:6px;line-height:18px">{_swatch(item)}<span>{html.escape(item.label)}'
                         "</span></div>")
        parts.append("</div>")
    if legend.note:
        parts.append(f'<div style="margin-top:6px;color:#555;max-width:220px">'
                     f"{html.escape(legend.note)}</div>")
    parts.append("</details>")
    return "".join(parts)


class LegendControl(folium.MacroElement):
    """The legend as a Leaflet control, so it renders the same in st_folium and standalone HTML."""

    _template = template("legend.js")

    def __init__(self, legend: Legend) -> None:
        super().__init__()
        self._name = "LegendControl"
        self.html = script_json(legend_html(legend))


class ViewSync(folium.MacroElement):
    """Writes the map view into the page URL (?view=lat,lon,zoom) and restores it, so a link
    reproduces what the sender saw — without sending every pan back to Python."""

    _template = template("viewsync.js")

    def __init__(self, scope: str, param: str = "view") -> None:
        super().__init__()
        self._name = "ViewSync"
        self.scope = script_json(scope)
        self.param = script_json(param)


class FitOnUpdate(folium.MacroElement):
    """Lets a filter update frame the map: LayerUpdate's "_fit" entry, {"bounds": [[S, W], [N, E]]}
    (fit_update), is fitted when it changed since the last one."""

    _template = template("fit.js")

    def __init__(self, pad_right: int) -> None:
        super().__init__()
        self._name = "FitOnUpdate"
        self.pad_right = int(pad_right)


def fit_update(bounds: Sequence[float] | None) -> dict[str, object]:
    """The "_fit" entry of a filter update for a W, S, E, N box (None: leave the view)."""
    if bounds is None:
        return {"bounds": None}
    west, south, east, north = (round(float(v), 5) for v in bounds)
    return {"bounds": [[south, west], [north, east]]}


class OfflineFallback(folium.MacroElement):
    """Sets the offline background and drops tile layers that cannot be reached, with a notice."""

    _template = template("fallback.js")

    def __init__(self, tile_names: Sequence[str], notice: str, timeout_ms: int = 8000) -> None:
        super().__init__()
        self._name = "OfflineFallback"
        self.tiles = list(tile_names)
        self.notice = script_json(notice)
        self.background = OFFLINE_BACKGROUND
        self.timeout_ms = int(timeout_ms)


class MapNote(folium.MacroElement):
    """A short note in the map's corner (e.g. why the basemap is missing), shown as text."""

    _template = template("note.js")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "MapNote"
        self.text = script_json(text)


def display_layer(layer: Layer, basemap: Basemap) -> Layer:
    """The layer in the basemap's datum: shifted to GCJ-02 for 高德 tiles, else as is."""
    return _shift_layer(layer, "gcj02") if basemap.crs == "GCJ02" else layer


def _shift_layer(layer: Layer, to: str) -> Layer:
    """A copy of a layer with its coordinates in another datum (for GCJ-02 tiles)."""
    if isinstance(layer, CloudLayer):
        return layer.shifted()
    if isinstance(layer, CircleLayer):
        lon, lat = (float(v) for v in wgs84_to_gcj02(layer.lon, layer.lat))
        return replace(layer, lon=lon, lat=lat)
    if isinstance(layer, PointLayer):
        frame = layer.frame.copy()
        if len(frame):
            pts = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
                                   crs="EPSG:4326")
            moved = shift_frame(pts, to=to)
            frame["lon"], frame["lat"] = moved.geometry.x.to_numpy(), moved.geometry.y.to_numpy()
        return replace(layer, frame=frame)
    frame = shift_frame(layer.frame, to=to)
    if isinstance(layer, OutlineLayer) and len(frame) and "label_lon" in frame.columns:
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(frame["label_lon"], frame["label_lat"]),
                               crs="EPSG:4326")
        moved = shift_frame(pts, to=to)
        frame["label_lon"], frame["label_lat"] = moved.geometry.x.values, moved.geometry.y.values
    return replace(layer, frame=frame)


def _add_tiles(fmap: folium.Map, basemap: Basemap, lang: str) -> list[str]:
    if basemap.archive is not None:  # served by the app: nothing to fall back from
        OsmVectorLayer(basemap.archive, lang=lang, name=basemap.label.get(lang)).add_to(fmap)
        return []
    names = []
    for i, tile in enumerate(basemap.tiles):
        layer = folium.TileLayer(tiles=tile.url, attr=tile.attribution or basemap.label.en,
                                 name=basemap.label.zh if i == 0 else f"{basemap.label.zh} 注记",
                                 subdomains=tile.subdomains or "abc", max_zoom=tile.max_zoom,
                                 overlay=i > 0, control=False)
        layer.add_to(fmap)
        names.append(layer.get_name())
    return names


def _add_controls(fmap: folium.Map, bounds: tuple[float, ...], legend: Legend | None,
                  view_scope: str) -> None:
    """Legend, fullscreen button, layer switcher, the first view and (with a scope) view sync."""
    minx, miny, maxx, maxy = bounds
    if legend is not None:
        fmap.add_child(LegendControl(legend))
    Fullscreen(position="topleft").add_to(fmap)
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    # leave room on the right for the legend so no county hides under it
    fit = FitBounds([[miny, minx], [maxy, maxx]], padding_top_left=(10, 10),
                    padding_bottom_right=(230 if legend else 10, 10))
    fit.options["animate"] = False  # the first view appears at once, drawn once, not mid-zoom
    fmap.add_child(fit)
    fmap.add_child(FitOnUpdate(230 if legend else 10))
    if view_scope:  # after fit_bounds: a view from the URL wins over the default extent
        fmap.add_child(ViewSync(view_scope))


def build_map(layers: Sequence[Layer], *, basemap: Basemap, bounds: tuple[float, ...],
              legend: Legend | None = None, offline_notice: str = "Tiles unreachable",
              asset_base_url: str = assets.DEFAULT_BASE_URL,
              view_scope: str = "", lang: str = "zh") -> folium.Map:
    """A folium map: one FeatureGroup per layer, legend, scale, fullscreen, LayerControl last.

    Data is WGS-84; for a GCJ-02 basemap (高德) every layer is shifted to GCJ-02 here, at render
    time only. `bounds` is (minx, miny, maxx, maxy) in WGS-84; `lang` names the OSM basemap's
    labels.
    """
    if basemap.crs not in ("WGS84", "GCJ02"):
        raise ValueError(f"basemap {basemap.key!r} has unknown datum {basemap.crs!r}")
    if basemap.crs == "GCJ02":
        layers = [_shift_layer(layer, "gcj02") for layer in layers]
    minx, miny, maxx, maxy = bounds
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=9, tiles=None,
                      control_scale=True, zoom_snap=0.25)
    # folium only hands zoom limits to tile layers; with no tiles (offline basemap) the map
    # itself needs them or marker clustering fails ("Map has no maxZoom specified")
    fmap.options.update(max_zoom=18, min_zoom=6)
    tile_names = _add_tiles(fmap, basemap, lang)
    folium.map.CustomPane(LABEL_PANE, z_index=640, pointer_events=False).add_to(fmap)
    builders = {PointLayer: point_group, OutlineLayer: outline_group,
                ChoroplethLayer: choropleth_group, CircleLayer: circle_group, CloudLayer: cloud_group}
    for layer in layers:
        if isinstance(layer, PointLayer) and layer.z_index:  # its own pane: a stated stacking
            folium.map.CustomPane(pane_name(layer), z_index=layer.z_index,
                                  pointer_events=False).add_to(fmap)
        builders[type(layer)](layer).add_to(fmap)
    fmap.add_child(OfflineFallback(tile_names, offline_notice))
    _add_controls(fmap, bounds, legend, view_scope)
    # The map draws with Leaflet alone (DivIcons, no awesome-markers, Bootstrap, jQuery or Font
    # Awesome): loading only Leaflet makes every page load lighter and standalone exports ~5 MB
    # smaller. Plugins (cluster, fullscreen) keep their own files.
    fmap.default_js = [(n, u) for n, u in fmap.default_js if n == "leaflet"]
    fmap.default_css = [(n, u) for n, u in fmap.default_css if n == "leaflet_css"]
    assets.localize(fmap, asset_base_url)
    return fmap


SHEET_CSS = """<style>
.hz-sheet{position:fixed;left:0;right:0;z-index:1001;background:#fff;padding:6px 14px;
font:13px/1.35 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#333}
.hz-sheet-top{top:0;height:58px;border-bottom:1px solid #ccc}
.hz-sheet-top h1{font-size:19px;margin:0 0 3px;color:#111}
.hz-sheet-date{position:absolute;right:14px;bottom:6px}
.hz-sheet-bottom{bottom:0;height:58px;border-top:1px solid #ccc;font-size:11px;overflow:hidden}
.folium-map{position:absolute!important;top:71px!important;bottom:71px;height:auto!important}
</style>"""


def add_sheet(fmap: folium.Map, title: str, subtitle: str, date: str,
              footer: Sequence[str]) -> folium.Map:
    """A printed sheet's frame around an interactive map: a band with title, subtitle and date
    above it, one with the footer lines (source, note) below; the map fills what is between."""
    top = (f'<div class="hz-sheet hz-sheet-top"><h1>{html.escape(title)}</h1>'
           f'<div>{html.escape(subtitle)}</div>'
           f'<div class="hz-sheet-date">{html.escape(date)}</div></div>')
    bottom = ('<div class="hz-sheet hz-sheet-bottom">'
              + "".join(f"<div>{html.escape(line)}</div>" for line in footer if line) + "</div>")
    root = fmap.get_root()
    root.header.add_child(folium.Element(SHEET_CSS), name="hz_sheet_css")
    root.html.add_child(folium.Element(top + bottom), name="hz_sheet")
    return fmap


def view_bounds(view: str, width_px: int = 700,
                height_px: int = 700) -> tuple[float, float, float, float] | None:
    """W, S, E, N seen by a Web-Mercator map of `width_px` × `height_px` at `view`
    ("lat,lon,zoom", as ViewSync writes it); None when `view` cannot be read."""
    try:
        lat, lon, zoom = (float(v) for v in view.split(","))
    except ValueError:
        return None
    if not (-85 < lat < 85 and -180 <= lon <= 180 and 0 <= zoom <= 24):
        return None
    scale = 256 * 2 ** zoom  # world size in pixels at this zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) \
        / 2 * scale

    def lat_of(py: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / scale))))

    half_w, half_h = width_px / 2, height_px / 2
    return ((x - half_w) / scale * 360 - 180, lat_of(y + half_h),
            (x + half_w) / scale * 360 - 180, lat_of(y - half_h))


def fit_view(bounds: Sequence[float], width_px: int = 1000, height_px: int = 700) -> str:
    """The "lat,lon,zoom" view (ViewSync's form) of the widest zoom, in quarter steps, at which
    a `width_px` × `height_px` map shows all of `bounds` (W, S, E, N)."""
    west, south, east, north = (float(v) for v in bounds)

    def y(lat: float) -> float:  # Web Mercator y on a 256-px world
        rad = math.radians(lat)
        return (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * 256

    span_x = max((east - west) / 360 * 256, 1e-9)
    span_y = max(y(south) - y(north), 1e-9)
    zoom = math.floor(4 * math.log2(min(width_px / span_x, height_px / span_y))) / 4
    centre_y = (y(south) + y(north)) / 2
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * centre_y / 256))))
    return f"{lat:.5f},{(west + east) / 2:.5f},{min(max(zoom, 0), 20):g}"
