"""Reverse geocoding: points to counties (vectorised, for millions of points) and nearest towns."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import distance_m


@dataclass(frozen=True)
class CountyIndex:
    """County polygons prepared once for fast point-in-polygon tests."""

    adcodes: tuple[str, ...]
    names: tuple[str, ...]
    geometries: tuple[shapely.Geometry, ...]
    bounds: np.ndarray  # (n, 4) minx, miny, maxx, maxy


def county_index(counties: gpd.GeoDataFrame) -> CountyIndex:
    """Prepare `counties` (adcode, name_zh, geometry in WGS-84) for assign_counties."""
    if counties.crs is None or counties.crs.to_epsg() != 4326:
        raise ValueError(f"counties must be in EPSG:4326, got {counties.crs}")
    geoms = counties.geometry.to_numpy().copy()
    shapely.prepare(geoms)
    return CountyIndex(tuple(counties["adcode"]), tuple(counties["name_zh"]), tuple(geoms),
                       shapely.bounds(geoms))


def assign_counties(lon: np.ndarray, lat: np.ndarray, index: CountyIndex) -> np.ndarray:
    """The county adcode of each point ('' outside every county), vectorised.

    A bounding-box prefilter keeps the exact test to the few counties a point can be in.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat differ in shape: {lon.shape} vs {lat.shape}")
    out = np.full(lon.shape, "", dtype=object)
    todo = np.isfinite(lon) & np.isfinite(lat)
    for code, geom, (minx, miny, maxx, maxy) in zip(index.adcodes, index.geometries,
                                                    index.bounds, strict=True):
        cand = np.flatnonzero(todo & (lon >= minx) & (lon <= maxx) & (lat >= miny)
                              & (lat <= maxy))
        if cand.size == 0:
            continue
        inside = cand[shapely.contains_xy(geom, lon[cand], lat[cand])]
        out[inside] = code
        todo[inside] = False  # counties do not overlap: a point found is done
    return out


def nearest_town(lon: float, lat: float, county: str,
                 towns: pd.DataFrame) -> tuple[str, float]:
    """The nearest town seat in `county` and its distance in metres ('' when none has a point).

    Town boundaries are not available offline, so this is the nearest seat, not the town
    whose area contains the point.
    """
    mine = towns[(towns["county_adcode"] == county) & towns["lon"].notna()]
    if mine.empty:
        return "", float("nan")
    dist = distance_m(lon, lat, mine["lon"].to_numpy(), mine["lat"].to_numpy())
    best = int(np.argmin(dist))
    return str(mine["town"].iloc[best]), float(dist[best])


def reverse(lon: float, lat: float, index: CountyIndex,
            towns: pd.DataFrame) -> dict[str, object]:
    """County and nearest town seat of one point."""
    county = str(assign_counties(np.array([lon]), np.array([lat]), index)[0])
    if not county:
        return {"county_adcode": "", "county": "", "town": "", "town_distance_m": None}
    town, dist = nearest_town(lon, lat, county, towns)
    return {"county_adcode": county, "county": index.names[index.adcodes.index(county)],
            "town": town, "town_distance_m": None if np.isnan(dist) else round(dist)}
