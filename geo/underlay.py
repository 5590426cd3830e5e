"""The OSM archive's geography drawn under a static map's layers, in a muted print style."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from pyproj import Transformer

from geo.geography import Geography, label_keys, read_geography

LAND = "#F4F3EF"
WATER = "#AECCE6"
RIVER = "#8DB7DD"
# railway class → (width in points, colour): trams and metros lighter than main lines
RAILS = {"rail": (1.0, "#6B6B6B"), "narrow_gauge": (0.8, "#6B6B6B"),
         "light_rail": (0.6, "#8C8C8C"), "subway": (0.6, "#8C8C8C"), "tram": (0.5, "#9A9A9A")}
CASING = "#AFAFAF"
INDUSTRIAL = "#E4D7EC"  # lavender: industrial land is where parks are, so it stands out a little
LANDUSE = {"industrial": INDUSTRIAL, "commercial": "#EFE6E2", "retail": "#EFE6E2",
           "residential": "#ECEAE5", "farmland": "#EDF0E2", "railway": "#EAE8E4"}
BUILDING = "#E2DED8"
_TO_4326 = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)


@dataclass(frozen=True)
class RoadLook:
    """How one road class prints: from which zoom, how wide (points at zoom ≥ 14), what fill."""

    min_zoom: int
    width: float
    fill: str = "#FFFFFF"


MAJOR = "#F7E6C4"  # motorways and trunk roads: a muted amber among white roads
ROADS = {"motorway": RoadLook(0, 2.6, MAJOR), "trunk": RoadLook(0, 2.4, MAJOR),
         "primary": RoadLook(0, 2.0), "motorway_link": RoadLook(11, 1.1, MAJOR),
         "trunk_link": RoadLook(11, 1.1, MAJOR), "primary_link": RoadLook(11, 1.0),
         "secondary": RoadLook(9, 1.6), "tertiary": RoadLook(11, 1.3),
         "unclassified": RoadLook(13, 0.9), "residential": RoadLook(13, 0.9),
         "living_street": RoadLook(13, 0.8), "service": RoadLook(15, 0.5)}
RIVERS = {"river": 1.4, "canal": 1.1, "stream": 0.6, "drain": 0.5}
# place class → (from zoom, font size, colour); bigger places first when labels collide
PLACES = {"city": (0, 8.5, "#3C3C3C"), "town": (8, 7.5, "#474747"),  # county names print at 9
          "suburb": (11, 6.8, "#5A5A5A"), "village": (12, 6.3, "#5A5A5A"),
          "quarter": (13, 6.0, "#666666"), "hamlet": (14, 5.5, "#666666"),
          "neighbourhood": (14, 5.5, "#666666")}
BUILDINGS_FROM = 14
Z_LANDUSE, Z_WATER, Z_CASING, Z_ROAD, Z_RAIL, Z_PLACE = 0.1, 0.2, 0.4, 0.5, 0.6, 0.8


def draw_underlay(ax: Axes, archive: str | Path, extent: tuple[float, float, float, float],
                  width_px: float, lang: str, text_scale: float = 1.0) -> Geography:
    """The archive's land use, water, roads, railways and place names (sized × `text_scale`)
    under everything the app draws (zorder below 1). Raises ArchiveUnreadableError before
    drawing anything."""
    x0, x1, y0, y1 = extent
    lons, lats = _TO_4326.transform([x0, x1], [y0, y1])
    geography = read_geography(archive, (lons[0], lats[0], lons[1], lats[1]), width_px)
    layers, zoom = geography.layers, geography.zoom
    scale = min(1.0, max(0.55, 0.55 + (zoom - 10) * 0.1125))  # thinner lines at the region view
    ax.set_facecolor(LAND)
    landuse = layers["landuse"]
    for cls, colour in LANDUSE.items():
        fill_polygons(ax, landuse[landuse["class"] == cls], colour, Z_LANDUSE + 0.01 *
                      (cls == "industrial"))
    if zoom >= BUILDINGS_FROM:
        fill_polygons(ax, layers["buildings"], BUILDING, Z_LANDUSE + 0.02)
    fill_polygons(ax, layers["water"], WATER, Z_WATER)
    waterways = layers["waterways"]
    for cls, width in RIVERS.items():
        draw_lines(ax, waterways[waterways["class"] == cls], RIVER, width * scale, Z_WATER + 0.01)
    draw_roads(ax, layers["roads"], zoom, scale)
    railways = layers["railways"]
    for cls, (width, colour) in RAILS.items():
        draw_lines(ax, railways[railways["class"] == cls], colour, width * scale, Z_RAIL,
                   dashes=(4, 2.5))
    draw_places(ax, layers["places"], zoom, lang, text_scale)
    return geography


def fill_polygons(ax: Axes, frame: gpd.GeoDataFrame, colour: str, zorder: float) -> None:
    """The frame's polygons as one opaque compound path, holes kept, no edge (tile pieces
    overlap in the tiles' buffers: an edge or a translucent fill would show the seams)."""
    polygons = shapely.get_parts(shapely.orient_polygons(frame.geometry.to_numpy()))
    polygons = polygons[shapely.get_type_id(polygons) == 3]
    if not len(polygons):
        return
    rings = [ring for polygon in polygons
             for ring in (polygon.exterior, *polygon.interiors)]
    path = MplPath.make_compound_path(*(MplPath(np.asarray(r.coords), closed=True)
                                        for r in rings))
    ax.add_patch(PathPatch(path, facecolor=colour, edgecolor="none", zorder=zorder))


def _segments(frame: gpd.GeoDataFrame) -> list[np.ndarray]:
    lines = shapely.get_parts(frame.geometry.to_numpy())
    lines = lines[np.isin(shapely.get_type_id(lines), (1, 2))]
    if not len(lines):
        return []
    coords, index = shapely.get_coordinates(lines, return_index=True)
    return np.split(coords, np.flatnonzero(np.diff(index)) + 1)


def draw_lines(ax: Axes, frame: gpd.GeoDataFrame, colour: str, width: float, zorder: float,
               *, dashes: tuple[float, float] | None = None) -> None:
    """The frame's lines as one collection."""
    segments = _segments(frame)
    if segments:
        style = (0, dashes) if dashes else "solid"
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=width,
                                         linestyles=style, zorder=zorder, capstyle="butt"))


def draw_roads(ax: Axes, roads: gpd.GeoDataFrame, zoom: int, scale: float) -> None:
    """Roads by class: grey casings under white (major roads amber) fills, wider for bigger
    roads, minor classes only from their zoom; major roads over minor ones."""
    shown = [(cls, look) for cls, look in ROADS.items() if zoom >= look.min_zoom]
    shown.sort(key=lambda item: item[1].width)
    for rank, (cls, look) in enumerate(shown):
        picked = roads[roads["class"] == cls]
        width = look.width * scale
        draw_lines(ax, picked, CASING, width + 0.9 * scale, Z_CASING + rank * 0.001)
        draw_lines(ax, picked, look.fill, width, Z_ROAD + rank * 0.001)


def place_name(row: dict, lang: str) -> str:
    """A place's name in `lang`: name:en (English) or name:zh (otherwise), else the local name."""
    return next((str(row.get(key)).strip() for key in label_keys(lang) if row.get(key)), "")


def draw_places(ax: Axes, places: gpd.GeoDataFrame, zoom: int, lang: str,
                text_scale: float = 1.0) -> None:
    """Place names, haloed; cities first and bigger; a label that would overlap a text already
    on the map, or stick out of it, is left out."""
    rows = [(PLACES[r["class"]], place_name(r, lang), r["geometry"])
            for r in places.to_dict("records")
            if r["class"] in PLACES and zoom >= PLACES[r["class"]][0]]
    rows.sort(key=lambda row: -row[0][1])
    taken = [_label_box(ax, *text.get_position(), text.get_text(), text.get_fontsize())
             for text in ax.texts]  # county names, the scale bar's: they stay readable
    frame = ax.bbox.extents
    for (_, size, colour), text, point in rows:
        size *= text_scale
        box = _label_box(ax, point.x, point.y, text, size)
        if not text or not _inside(box, frame) or any(_overlaps(box, b) for b in taken):
            continue
        taken.append(box)
        ax.text(point.x, point.y, text, ha="center", va="center", fontsize=size, color=colour,
                zorder=Z_PLACE, clip_on=True,
                path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")])


def _label_box(ax: Axes, x: float, y: float, text: str, size: float) -> np.ndarray:
    """A label's box in display pixels, estimated: a CJK character is one em wide, Latin ~0.6."""
    px = size * ax.figure.dpi / 72
    ems = sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in text)
    cx, cy = ax.transData.transform((x, y))
    return np.array([cx - ems * px / 2, cy - px * 0.7, cx + ems * px / 2, cy + px * 0.7])


def _inside(box: np.ndarray, frame: np.ndarray) -> bool:
    return bool(box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2]
                and box[3] <= frame[3])


def _overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
