"""The edit page's map: the record's position, its outline in an editable Draw layer, unsaved changes."""

from __future__ import annotations

import folium
import geopandas as gpd
from folium.plugins import Draw
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo import assets
from geo.basemaps import Basemap
from geo.crs import shift_geometry, wgs84_to_gcj02
from geo.layers import OutlineLayer
from geo.maps import build_map
from parks.display.style import county_frame, outline_layer_frame
from parks.model.dataset import Dataset
from parks.model.vocab import KIND

EDIT_COLOUR = "#D55E00"  # vermilion: unsaved, stands out from every kind colour
_DRAW = {"polyline": False, "circle": False, "marker": False, "circlemarker": False,
         "polygon": {"allowIntersection": False, "shapeOptions": {"color": EDIT_COLOUR}},
         "rectangle": {"shapeOptions": {"color": EDIT_COLOUR}}}
_PAD_DEG = 0.03  # ~3 km around a lone point


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


def edit_map(dataset: Dataset, *, record_id: str, point: tuple[float, float] | None,
             outline: BaseGeometry | None, pending: tuple[float, float] | None, draw: bool,
             basemap: Basemap, lang: str, labels: tuple[str, str], asset_base_url: str,
             kind: str = "", approximate: bool = False) -> folium.Map:
    """County outlines and other parks' outlines for orientation; the record's point (`labels`:
    current, unsaved) and outline; with `draw`, the outline sits in Draw's editable layer."""
    layers = [OutlineLayer("counties", county_frame(dataset, lang), in_control=False),
              OutlineLayer("others", _other_outlines(dataset, record_id, lang), weight=1.2,
                           labels=False, in_control=False, css_class="hz-other-outline")]
    fmap = build_map(layers, basemap=basemap, asset_base_url=asset_base_url,
                     bounds=_bounds(dataset, pending or point, outline))
    colour = KIND.get(kind).colour if kind in KIND.codes else "#3B3B3B"
    editable = folium.FeatureGroup(name="edit", control=False).add_to(fmap)
    if outline is not None:
        style = {"color": colour, "weight": 3, "fill": True, "fill_opacity": 0.15}
        for polygon in _outline_polygons(outline, basemap, **style):
            polygon.add_to(editable if draw else fmap)
    if point is not None:
        # hollow and dashed when only the town or county is known, as on every other map
        folium.CircleMarker(_latlon(*point, basemap), radius=7, color=colour, weight=2,
                            fill=True, fill_opacity=0.0 if approximate else 0.6,
                            dash_array="3 3" if approximate else None,
                            tooltip=labels[0]).add_to(fmap)
    if pending is not None:
        folium.CircleMarker(_latlon(*pending, basemap), radius=7, color="#FFFFFF", weight=2,
                            fill=True, fill_color=EDIT_COLOUR, fill_opacity=1.0,
                            tooltip=labels[1], class_name="hz-pending").add_to(fmap)
    if draw:
        Draw(feature_group=editable, show_geometry_on_click=False, draw_options=_DRAW,
             edit_options={"poly": {"allowIntersection": False}}).add_to(fmap)
        assets.localize(fmap, asset_base_url)  # Draw's files, added after build_map's pass
    return fmap
