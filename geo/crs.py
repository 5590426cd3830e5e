"""Coordinate systems: WGS-84 ↔ GCJ-02 (高德) shifts and metric measurements in UTM 50N."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Literal, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
METRIC_CRS = "EPSG:32650"  # UTM zone 50N covers Heze (114.8–116.5°E) with negligible scale error

# Krasovsky 1940 ellipsoid, as used by the published GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323

# The customary rough mainland-China box outside which GCJ-02 equals WGS-84.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

_MAX_ITER = 10
_TOL_DEG = 1e-9

Target = Literal["gcj02", "wgs84"]
Geo = TypeVar("Geo", BaseGeometry, gpd.GeoSeries)
FloatOrArray = float | NDArray[np.float64]


class UnknownDatumError(ValueError):
    """A datum name other than "gcj02" or "wgs84" was requested."""


class MissingCRSError(ValueError):
    """A frame without a CRS was passed where the CRS decides the arithmetic."""


def _in_china(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.bool_]:
    return (
        (lon >= _CHINA_LON[0]) & (lon <= _CHINA_LON[1])
        & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])
    )  # fmt: skip


def _transform_lat(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(
    lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """GCJ-02 minus WGS-84 at the WGS-84 point (lon, lat), zero outside China."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _as_arrays(
    lon: ArrayLike, lat: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    if lon_a.shape != lat_a.shape:
        raise ValueError(f"lon and lat shapes differ: {lon_a.shape} vs {lat_a.shape}")
    return lon_a, lat_a, lon_a.ndim == 0


def _out(a: NDArray[np.float64], *, scalar: bool) -> FloatOrArray:
    return float(a) if scalar else a


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatOrArray, FloatOrArray]:
    """Shift WGS-84 lon/lat to GCJ-02; points outside China are returned unchanged."""
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon_a, lat_a)
    return _out(lon_a + dlon, scalar=scalar), _out(lat_a + dlat, scalar=scalar)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatOrArray, FloatOrArray]:
    """Invert the GCJ-02 shift by fixed-point iteration (converges to far below 1 mm)."""
    g_lon, g_lat, scalar = _as_arrays(lon, lat)
    inside = _in_china(g_lon, g_lat)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    # w ← g − offset(w) contracts ~150× per step (the offset is smooth), so 5 steps reach 1e-11°.
    for _ in range(_MAX_ITER):
        dlon, dlat = _gcj_offset(w_lon, w_lat)
        new_lon = np.where(inside, g_lon - dlon, g_lon)
        new_lat = np.where(inside, g_lat - dlat, g_lat)
        step = np.max(np.abs(new_lon - w_lon) + np.abs(new_lat - w_lat), initial=0.0)
        w_lon, w_lat = new_lon, new_lat
        if step < _TOL_DEG:
            break
    return _out(w_lon, scalar=scalar), _out(w_lat, scalar=scalar)


def _shift_fn(to: str) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    if to == "gcj02":
        forward = wgs84_to_gcj02
    elif to == "wgs84":
        forward = gcj02_to_wgs84
    else:
        raise UnknownDatumError(f"to must be 'gcj02' or 'wgs84', got {to!r}")

    def shift(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = forward(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shift


def shift_geometry(geom: Geo, to: Target = "gcj02") -> Geo:
    """Move every vertex of a geometry or GeoSeries to the other datum (same vertex count)."""
    shift = _shift_fn(to)
    if isinstance(geom, gpd.GeoSeries):
        moved = shapely.transform(geom.to_numpy(), shift)
        return gpd.GeoSeries(moved, index=geom.index, crs=geom.crs, name=geom.name)
    if isinstance(geom, BaseGeometry):
        return shapely.transform(geom, shift)
    raise TypeError(f"expected a shapely geometry or GeoSeries, got {type(geom).__name__}")


def shift_frame(gdf: gpd.GeoDataFrame, to: Target = "gcj02") -> gpd.GeoDataFrame:
    """Return a copy of a lon/lat frame with its active geometry shifted (e.g. for 高德 tiles)."""
    if gdf.crs is not None and not gdf.crs.equals(WGS84):
        raise ValueError(f"shift_frame needs lon/lat (EPSG:4326) data, got CRS {gdf.crs}")
    out = gdf.copy()
    out[gdf.geometry.name] = shift_geometry(gdf.geometry, to)
    return out


def to_metric(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """Return a copy reprojected to UTM 50N (metres)."""
    if gdf.crs is None:
        raise MissingCRSError("to_metric needs a frame with a CRS; got crs=None")
    return gdf.to_crs(METRIC_CRS)


def _as_metric_series(geoms: object, crs: str | None) -> gpd.GeoSeries:
    if isinstance(geoms, gpd.GeoDataFrame):
        geoms = geoms.geometry
    if isinstance(geoms, gpd.GeoSeries):
        series = geoms if geoms.crs is not None else geoms.set_crs(crs or WGS84)
    else:
        arr = np.atleast_1d(np.asarray(geoms, dtype=object))
        series = gpd.GeoSeries(arr, crs=crs or WGS84)
    return series.to_crs(METRIC_CRS)


def area_km2(
    geoms: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry | ArrayLike, crs: str | None = None
) -> pd.Series | NDArray[np.float64] | float:
    """Area in km² measured in UTM 50N.

    Frames and series use their own CRS; bare shapely geometries use ``crs`` (default WGS-84).
    Returns a Series for frames/series, a float for one geometry, else an array.
    """
    metric = _as_metric_series(geoms, crs)
    km2 = metric.area / 1e6
    if isinstance(geoms, gpd.GeoDataFrame | gpd.GeoSeries):
        return km2.rename("area_km2")
    if isinstance(geoms, BaseGeometry):
        return float(km2.iloc[0])
    return km2.to_numpy()


@lru_cache(maxsize=4)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def distance_m(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> FloatOrArray:
    """Straight-line distance in metres between WGS-84 points, measured in UTM 50N."""
    to_utm = _transformer(WGS84, METRIC_CRS)
    # Broadcast first so one point can be measured against many (pyproj needs equal sizes).
    arrays = (np.asarray(v, dtype=np.float64) for v in (lon1, lat1, lon2, lat2))
    a_lon, a_lat, b_lon, b_lat = np.broadcast_arrays(*arrays)
    x1, y1 = to_utm.transform(a_lon, a_lat)
    x2, y2 = to_utm.transform(b_lon, b_lat)
    d = np.hypot(np.asarray(x2) - x1, np.asarray(y2) - y1)
    return float(d) if d.ndim == 0 else d
