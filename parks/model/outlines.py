"""Park outlines drawn by planners: parsing, validity, county containment and area checks."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo.crs import area_km2

AREA_TOLERANCE = 0.20  # drawn vs published area: more than 20% apart is worth a warning
_COUNTY_SLACK_DEG = 0.01  # ~1 km: the two boundary sources differ by up to a few hundred metres
_WHERE = re.compile(r"\[(-?[\d.]+) (-?[\d.]+)\]")


class OutlineError(ValueError):
    """An outline that cannot be stored; the message says why, in words a planner can act on."""


def parse_outline(text: str) -> MultiPolygon:
    """A WKT or GeoJSON-derived (Multi)Polygon in WGS-84, checked for validity."""
    try:
        geom = shapely.from_wkt(text)
    except shapely.errors.GEOSException as exc:
        raise OutlineError(f"not a readable WKT polygon ({exc})") from exc
    return checked(geom)


def checked(geom: BaseGeometry) -> MultiPolygon:
    """The outline as a valid WGS-84 MultiPolygon; raises OutlineError saying what is wrong."""
    if geom is None or geom.is_empty:
        raise OutlineError("the outline is empty")
    if not isinstance(geom, Polygon | MultiPolygon):
        raise OutlineError(f"an outline must be a polygon, not a {geom.geom_type}")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        where = _WHERE.search(reason)
        place = f" near {float(where.group(1)):.5f}, {float(where.group(2)):.5f}" if where else ""
        kind = "crosses itself" if "Self-intersection" in reason else reason.split("[")[0]
        raise OutlineError(f"the outline {kind}{place}; redraw it so that edges do not cross")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise OutlineError("coordinates are not longitude/latitude (WGS-84)")
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])


def to_wkt(geom: BaseGeometry) -> str:
    """Compact WKT: 6 decimals (~0.1 m) keep the CSV readable."""
    return shapely.to_wkt(geom, rounding_precision=6, output_dimension=2)


def outside_county(geom: BaseGeometry, county: BaseGeometry) -> float:
    """Share of the outline's area outside its county (after a ~1 km slack)."""
    outside = geom.difference(shapely.buffer(county, _COUNTY_SLACK_DEG))
    return float(outside.area / geom.area) if geom.area else 0.0


def area_note(drawn_km2: float, published_km2: float | None) -> str:
    """A warning when the drawn and published areas differ by more than 20%, else ''."""
    if published_km2 is None or pd.isna(published_km2) or published_km2 <= 0:
        return ""
    gap = abs(drawn_km2 - published_km2) / published_km2
    if gap <= AREA_TOLERANCE:
        return ""
    return (f"drawn {drawn_km2:.2f} km² differs from the published {published_km2:g} km² by "
            f"{gap:.0%} (more than {AREA_TOLERANCE:.0%}): check the outline or the published "
            f"figure")


def outline_area_km2(geom: BaseGeometry) -> float:
    """The outline's area in km², measured in UTM 50N."""
    return float(area_km2(geom))




def outline_areas(boundaries: pd.Series) -> pd.Series:
    """Drawn area (km²) of each `boundary` cell; NaN where there is none (cells are validated)."""
    areas = [outline_area_km2(parse_outline(text)) if text else float("nan")
             for text in boundaries.fillna("")]
    return pd.Series(areas, index=boundaries.index, dtype=float)


def outline_frame(parks: pd.DataFrame) -> gpd.GeoDataFrame:
    """The parks that have an outline, with the outline as geometry (WGS-84)."""
    drawn = parks[parks.get("boundary", pd.Series("", index=parks.index)).fillna("") != ""]
    geometry = [parse_outline(text) for text in drawn["boundary"]] if len(drawn) else []
    frame = pd.DataFrame(drawn).drop(columns="geometry", errors="ignore")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
