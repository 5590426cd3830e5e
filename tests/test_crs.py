"""Tests for geo.crs: GCJ-02 shifts, geometry/frame shifting and UTM 50N measurements."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo.crs import (
    METRIC_CRS,
    WGS84,
    MissingCRSError,
    UnknownDatumError,
    area_km2,
    distance_m,
    gcj02_to_wgs84,
    shift_frame,
    shift_geometry,
    to_metric,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")
HEZE_LON = (114.8, 116.5)
HEZE_LAT = (34.3, 35.9)


@pytest.mark.parametrize(
    ("gcj", "wgs"),
    [
        ((116.403842, 34.781334), (116.398185, 34.782077)),  # amap sample point
        ((115.938900, 35.575135), (115.933427, 35.575453)),  # 郓城县 county seat
    ],
)
def test_known_pairs(gcj: tuple[float, float], wgs: tuple[float, float]) -> None:
    lon, lat = gcj02_to_wgs84(*gcj)
    assert lon == pytest.approx(wgs[0], abs=1e-5)
    assert lat == pytest.approx(wgs[1], abs=1e-5)
    # The iterative inverse is exact: shifting it forward gives the GCJ input back.
    back = wgs84_to_gcj02(lon, lat)
    assert back[0] == pytest.approx(gcj[0], abs=1e-9)
    assert back[1] == pytest.approx(gcj[1], abs=1e-9)


def _heze_grid(n: int = 120) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.meshgrid(np.linspace(*HEZE_LON, n), np.linspace(*HEZE_LAT, n))
    return lon, lat


def test_round_trip_under_one_centimetre_over_heze() -> None:
    lon, lat = _heze_grid()
    w_lon, w_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    _, _, dist = GEOD.inv(lon.ravel(), lat.ravel(), w_lon.ravel(), w_lat.ravel())
    assert np.max(dist) < 0.01


def test_round_trip_gcj_side() -> None:
    lon, lat = _heze_grid(40)
    g_lon, g_lat = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    _, _, dist = GEOD.inv(lon.ravel(), lat.ravel(), g_lon.ravel(), g_lat.ravel())
    assert np.max(dist) < 0.01


def test_offset_at_heze_city() -> None:
    lon, lat = wgs84_to_gcj02(115.48, 35.24)
    assert lon - 115.48 == pytest.approx(0.0059, abs=3e-4)
    assert lat - 35.24 == pytest.approx(-0.0004, abs=3e-4)
    _, _, dist = GEOD.inv(115.48, 35.24, lon, lat)
    assert 450 < dist < 650  # the familiar "about half a kilometre" 高德 offset


def test_arrays_keep_shape_and_scalars_stay_scalar() -> None:
    lon, lat = _heze_grid(7)
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert g_lon.shape == lon.shape
    assert g_lat.shape == lat.shape
    scalar = wgs84_to_gcj02(115.5, 35.2)
    assert all(isinstance(v, float) for v in scalar)
    assert all(isinstance(v, float) for v in gcj02_to_wgs84(115.5, 35.2))
    # Element-wise agreement between the vectorised and the scalar path.
    assert g_lon[3, 4] == pytest.approx(wgs84_to_gcj02(lon[3, 4], lat[3, 4])[0], abs=1e-12)


def test_shape_mismatch_raises() -> None:
    with pytest.raises(ValueError, match="shapes differ"):
        wgs84_to_gcj02(np.zeros(3), np.zeros(2))


@pytest.mark.parametrize("point", [(2.35, 48.85), (139.69, 35.69), (-74.0, 40.7), (100.5, 0.5)])
def test_outside_china_unchanged(point: tuple[float, float]) -> None:
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def test_mixed_array_only_shifts_points_in_china() -> None:
    lon = np.array([115.5, 2.35])
    lat = np.array([35.2, 48.85])
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert g_lon[0] != lon[0]
    assert (g_lon[1], g_lat[1]) == (lon[1], lat[1])


def test_shift_geometry_polygon_moves_every_vertex() -> None:
    shell = [(115.0, 35.0), (115.5, 35.0), (115.5, 35.5), (115.0, 35.5), (115.0, 35.0)]
    hole = [(115.2, 35.2), (115.3, 35.2), (115.3, 35.3), (115.2, 35.2)]
    poly = shapely.Polygon(shell, [hole])
    moved = shift_geometry(poly, to="gcj02")
    before, after = shapely.get_coordinates(poly), shapely.get_coordinates(moved)
    assert len(after) == len(before)
    assert np.all(np.abs(after - before).max(axis=1) > 1e-3)
    back = shift_geometry(moved, to="wgs84")
    assert np.abs(shapely.get_coordinates(back) - before).max() < 1e-9


def test_shift_geometry_geoseries_keeps_index_and_crs() -> None:
    series = gpd.GeoSeries(
        [shapely.Point(115.5, 35.2), shapely.LineString([(115, 35), (116, 35.5)])],
        index=["a", "b"],
        crs=WGS84,
    )
    moved = shift_geometry(series, to="gcj02")
    assert list(moved.index) == ["a", "b"]
    assert moved.crs == series.crs
    assert moved.iloc[0].x == pytest.approx(wgs84_to_gcj02(115.5, 35.2)[0])


def test_shift_geometry_rejects_unknown_datum() -> None:
    with pytest.raises(UnknownDatumError, match="bd09"):
        shift_geometry(shapely.Point(115, 35), to="bd09")  # type: ignore[arg-type]


def test_shift_frame_returns_new_frame_and_leaves_input() -> None:
    gdf = gpd.GeoDataFrame(
        {"name": ["x", "y"]},
        geometry=[shapely.Point(115.5, 35.2), shapely.Point(116.0, 34.9)],
        crs=WGS84,
    )
    snapshot = gdf.copy()
    out = shift_frame(gdf, to="gcj02")
    assert out is not gdf
    assert gdf.geom_equals(snapshot).all()
    assert list(out["name"]) == ["x", "y"]
    assert (out.geometry.x - gdf.geometry.x).between(0.005, 0.007).all()


def test_shift_frame_refuses_projected_data() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(500000, 3900000)], crs=METRIC_CRS)
    with pytest.raises(ValueError, match="EPSG:4326"):
        shift_frame(gdf)


def test_to_metric_copies_and_reprojects() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(117.0, 35.0)], crs=WGS84)
    metric = to_metric(gdf)
    assert metric.crs.equals(METRIC_CRS)
    assert gdf.crs.equals(WGS84)
    assert metric.geometry.iloc[0].x == pytest.approx(500000, abs=1)  # 117°E is the 50N meridian
    with pytest.raises(MissingCRSError):
        to_metric(gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)]))


def test_area_of_utm_square_is_one_km2() -> None:
    square = shapely.box(400000, 3900000, 401000, 3901000)
    series = gpd.GeoSeries([square], crs=METRIC_CRS)
    assert area_km2(series).iloc[0] == pytest.approx(1.0, abs=1e-9)
    assert area_km2(square, crs=METRIC_CRS) == pytest.approx(1.0, abs=1e-9)
    # The same square handed over in lon/lat still measures 1 km².
    in_wgs = series.to_crs(WGS84)
    assert area_km2(in_wgs).iloc[0] == pytest.approx(1.0, abs=1e-6)
    assert area_km2(gpd.GeoDataFrame(geometry=in_wgs)).iloc[0] == pytest.approx(1.0, abs=1e-6)
    assert area_km2([in_wgs.iloc[0]] * 2) == pytest.approx([1.0, 1.0], abs=1e-6)


def test_distance_matches_geodesic_and_vectorises() -> None:
    d = distance_m(115.4, 35.2, 115.5, 35.3)
    _, _, geodesic = GEOD.inv(115.4, 35.2, 115.5, 35.3)
    assert isinstance(d, float)
    assert d == pytest.approx(geodesic, rel=2e-3)  # UTM scale error near 115°E is < 0.1 %
    lons, lats = np.array([115.4, 115.4]), np.array([35.2, 35.2])
    arr = distance_m(lons, lats, 115.5, np.array([35.3, 35.2]))
    assert arr.shape == (2,)
    assert arr[0] == pytest.approx(d)
