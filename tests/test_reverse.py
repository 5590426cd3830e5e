"""Tests for geo.reverse: vectorised point-in-county agrees with geopandas, nearest town seat."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from geo.boundaries import load_counties
from geo.gazetteer import load_gazetteer
from geo.reverse import assign_counties, county_index, nearest_town, reverse
from tests.records import DATA


@pytest.fixture(scope="module")
def counties(cache_dir):
    return load_counties("371700", cache_dir=cache_dir)


def test_assign_counties_matches_sjoin(counties):
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = counties.total_bounds
    lon, lat = rng.uniform(minx, maxx, 20_000), rng.uniform(miny, maxy, 20_000)
    got = assign_counties(lon, lat, county_index(counties))
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    joined = gpd.sjoin(pts, counties[["adcode", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    assert (joined["adcode"].fillna("").to_numpy() == got).all()
    assert (got == "").any() and (got != "").any()  # the bbox has points outside Heze too


def test_known_points_and_bad_input(counties):
    index = county_index(counties)
    got = assign_counties(np.array([116.01528, 115.4118, 121.47, np.nan]),
                          np.array([35.47724, 35.2528, 31.23, 35.0]), index)
    assert list(got) == ["371725", "371702", "", ""]  # 随官屯镇, 牡丹区 seat, Shanghai, NaN
    with pytest.raises(ValueError, match="differ in shape"):
        assign_counties(np.zeros(2), np.zeros(3), index)
    with pytest.raises(ValueError, match="EPSG:4326"):
        county_index(counties.to_crs(32650))


def test_reverse_gives_county_and_nearest_town_seat(counties):
    towns = load_gazetteer(DATA / "towns.csv", DATA / "county_seats.csv", "371700").town_points()
    found = reverse(116.02, 35.475, county_index(counties), towns)
    assert found["county_adcode"] == "371725" and found["town"] == "随官屯镇"
    assert found["town_distance_m"] < 1000
    assert nearest_town(115.9, 34.95, "371723", towns) == ("", pytest.approx(float("nan"),
                                                                               nan_ok=True))
    assert reverse(121.47, 31.23, county_index(counties), towns)["county"] == ""
