"""The edit page's map: the record's position, its outline in an editable Draw layer, unsaved changes."""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.plugins import Draw
from jinja2 import Template
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo import assets
from geo.basemaps import Basemap
from geo.crs import shift_geometry, wgs84_to_gcj02
from geo.labels import Label
from geo.layers import OutlineLayer
from geo.maps import build_map
from parks.display.map_look import MapLook
from parks.display.style import county_frame, outline_layer_frame
from parks.model.dataset import Dataset
from parks.model.vocab import KIND

EDIT_COLOUR = "#D55E00"  # vermilion: unsaved, stands out from every kind colour
_DRAW = {"polyline": False, "circle": False, "marker": False, "circlemarker": False,
         "polygon": {"allowIntersection": False, "shapeOptions": {"color": EDIT_COLOUR}},
         "rectangle": {"shapeOptions": {"color": EDIT_COLOUR}}}
_PAD_DEG = 0.03  # ~3 km around a lone point
# Leaflet.draw's toolbar and tooltips (L.drawLocal paths); no maintained locale package exists.
DRAW_WORDS: dict[str, Label] = {
    "draw.toolbar.buttons.polygon": Label("绘制多边形", "Draw a polygon"),
    "draw.toolbar.buttons.rectangle": Label("绘制矩形", "Draw a rectangle"),
    "draw.toolbar.actions.title": Label("取消绘制", "Cancel drawing"),
    "draw.toolbar.actions.text": Label("取消", "Cancel"),
    "draw.toolbar.finish.title": Label("完成绘制", "Finish drawing"),
    "draw.toolbar.finish.text": Label("完成", "Finish"),
    "draw.toolbar.undo.title": Label("删除最后画的点", "Delete last point drawn"),
    "draw.toolbar.undo.text": Label("删除最后一点", "Delete last point"),
    "draw.handlers.polygon.tooltip.start": Label("单击开始绘制。", "Click to start drawing shape."),
    "draw.handlers.polygon.tooltip.cont": Label("单击继续绘制。", "Click to continue drawing shape."),
    "draw.handlers.polygon.tooltip.end": Label("单击第一个点闭合范围。",
                                               "Click first point to close this shape."),
    "draw.handlers.rectangle.tooltip.start": Label("按住并拖动绘制矩形。",
                                                   "Click and drag to draw rectangle."),
    "draw.handlers.simpleshape.tooltip.end": Label("松开鼠标完成绘制。",
                                                   "Release mouse to finish drawing."),
    "edit.toolbar.actions.save.title": Label("保存修改", "Save changes"),
    "edit.toolbar.actions.save.text": Label("保存", "Save"),
    "edit.toolbar.actions.cancel.title": Label("取消编辑，放弃所有修改",
                                               "Cancel editing, discards all changes"),
    "edit.toolbar.actions.cancel.text": Label("取消", "Cancel"),
    "edit.toolbar.actions.clearAll.title": Label("清除全部图形", "Clear all layers"),
    "edit.toolbar.actions.clearAll.text": Label("全部清除", "Clear All"),
    "edit.toolbar.buttons.edit": Label("修改范围", "Edit layers"),
    "edit.toolbar.buttons.editDisabled": Label("没有可修改的范围", "No layers to edit"),
    "edit.toolbar.buttons.remove": Label("删除范围", "Delete layers"),
    "edit.toolbar.buttons.removeDisabled": Label("没有可删除的范围", "No layers to delete"),
    "edit.handlers.edit.tooltip.text": Label("拖动顶点修改范围。",
                                             "Drag handles or markers to edit features."),
    "edit.handlers.edit.tooltip.subtext": Label("点“取消”撤销修改。", "Click cancel to undo changes."),
    "edit.handlers.remove.tooltip.text": Label("单击图形将其删除。", "Click on a feature to remove."),
}


class DrawWords(MacroElement):
    """Sets L.drawLocal in the interface language before the Draw control is made."""

    _template = Template("""{% macro script(this, kwargs) %}
(function (words) {
  Object.keys(words).forEach(function (path) {
    var keys = path.split("."), node = L.drawLocal;
    keys.slice(0, -1).forEach(function (k) { node = node[k] = node[k] || {}; });
    node[keys[keys.length - 1]] = words[path];
  });
})({{ this.words }});
{% endmacro %}""")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "DrawWords"
        self.words = json.dumps({path: label.get(lang) for path, label in DRAW_WORDS.items()},
                                ensure_ascii=False)


def _to_display(geom: BaseGeometry, basemap: Basemap) -> BaseGeometry:
    return shift_geometry(geom, "gcj02") if basemap.crs == "GCJ02" else geom


def _latlon(lon: float, lat: float, basemap: Basemap) -> list[float]:
    if basemap.crs == "GCJ02":
        lon, lat = (float(v) for v in wgs84_to_gcj02(lon, lat))
    return [lat, lon]


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def _outline_polygons(outline: BaseGeometry, basemap: Basemap, **style) -> list[folium.Polygon]:
    """One Leaflet polygon per part (rings as lat/lon): Leaflet.draw edits only plain polygons."""
    shown = _to_display(outline, basemap)
    return [folium.Polygon([[(y, x) for x, y in ring.coords] for ring in
                            (part.exterior, *part.interiors)], **style)
            for part in _polygons(shown)]


def _bounds(dataset: Dataset, point: tuple[float, float] | None,
            outline: BaseGeometry | None) -> tuple[float, float, float, float]:
    if outline is not None:
        minx, miny, maxx, maxy = outline.bounds
        pad = max(maxx - minx, maxy - miny) * 0.4 + 0.005
        return minx - pad, miny - pad, maxx + pad, maxy + pad
    if point is not None:
        return point[0] - _PAD_DEG, point[1] - _PAD_DEG, point[0] + _PAD_DEG, point[1] + _PAD_DEG
    return tuple(dataset.counties.total_bounds)


def _other_outlines(dataset: Dataset, record_id: str, lang: str) -> gpd.GeoDataFrame:
    others = dataset.parks[dataset.parks["id"] != record_id]
    return outline_layer_frame(others, lang).assign(colour="#7F8C8D")


@dataclass(frozen=True)
class EditTarget:
    """The record the edit page shows: its saved position, outline and the unsaved point."""

    record_id: str
    point: tuple[float, float] | None
    """Saved position (lon, lat, WGS-84), or None when unknown."""
    outline: BaseGeometry | None
    """Outline shown (saved or drawn but unsaved), or None."""
    pending: tuple[float, float] | None = None
    """Unsaved new position (lon, lat, WGS-84)."""
    labels: tuple[str, str] = ("", "")
    """Tooltips of the saved and the unsaved point."""
    kind: str = ""
    """The park's kind (colours the point and outline); '' for other records."""
    approximate: bool = False
    """The saved point is only the town or county seat: drawn hollow and dashed."""


def edit_map(dataset: Dataset, target: EditTarget, look: MapLook, *, draw: bool) -> folium.Map:
    """County outlines and other parks' outlines for orientation; the record's point and outline;
    with `draw`, the outline sits in Draw's editable layer."""
    layers = [OutlineLayer("counties", county_frame(dataset, look.lang), in_control=False),
              OutlineLayer("others", _other_outlines(dataset, target.record_id, look.lang),
                           weight=1.2, labels=False, in_control=False,
                           css_class="hz-other-outline")]
    fmap = build_map(layers, basemap=look.basemap, asset_base_url=look.asset_base_url, lang=look.lang,
                     bounds=_bounds(dataset, target.pending or target.point, target.outline))
    colour = KIND.get(target.kind).colour if target.kind in KIND.codes else "#3B3B3B"
    editable = folium.FeatureGroup(name="edit", control=False).add_to(fmap)
    if target.outline is not None:
        style = {"color": colour, "weight": 3, "fill": True, "fill_opacity": 0.15}
        for polygon in _outline_polygons(target.outline, look.basemap, **style):
            polygon.add_to(editable if draw else fmap)
    _add_points(fmap, target, look.basemap, colour)
    if draw:
        DrawWords(look.lang).add_to(fmap)  # before Draw: the control reads L.drawLocal when made
        Draw(feature_group=editable, show_geometry_on_click=False, draw_options=_DRAW,
             edit_options={"poly": {"allowIntersection": False}}).add_to(fmap)
        assets.localize(fmap, look.asset_base_url)  # Draw's files, added after build_map's pass
    return fmap


def _add_points(fmap: folium.Map, target: EditTarget, basemap: Basemap, colour: str) -> None:
    if target.point is not None:
        # hollow and dashed when only the town or county is known, as on every other map
        folium.CircleMarker(_latlon(*target.point, basemap), radius=7, color=colour, weight=2,
                            fill=True, fill_opacity=0.0 if target.approximate else 0.6,
                            dash_array="3 3" if target.approximate else None,
                            tooltip=target.labels[0]).add_to(fmap)
    if target.pending is not None:
        folium.CircleMarker(_latlon(*target.pending, basemap), radius=7, color="#FFFFFF",
                            weight=2, fill=True, fill_color=EDIT_COLOUR, fill_opacity=1.0,
                            tooltip=target.labels[1], class_name="hz-pending").add_to(fmap)
