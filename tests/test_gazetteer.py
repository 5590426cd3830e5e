"""Tests for geo.gazetteer: GCJ-02 points converted on load, lookups, malformed files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.crs import distance_m, wgs84_to_gcj02
from geo.gazetteer import GazetteerError, load_gazetteer

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer(DATA / "towns.csv", DATA / "county_seats.csv", "371700")


def test_heze_has_nine_seats_and_every_current_town_with_its_point(gazetteer):
    assert len(gazetteer.seats) == 9
    current = gazetteer.towns[gazetteer.towns["current"] == "yes"]
    listed = pd.read_csv(DATA / "towns.csv", dtype=str, keep_default_na=False)
    listed = listed[(listed["region_adcode"] == "371700") & (listed["current"] == "yes")]
    assert len(current) == len(listed) > 0
    assert current["lon"].notna().sum() == (listed["lon"] != "").sum() > 0
    assert (gazetteer.towns.loc[gazetteer.towns["lon"].notna(), "crs"] == "WGS84").all()


def test_points_are_converted_from_gcj02(gazetteer):
    # 随官屯镇 is stored as published by Vonng/adcode (GCJ-02 116.02097, 35.477075)
    lon, lat = gazetteer.town_point("371725", "随官屯镇")
    back = wgs84_to_gcj02(lon, lat)
    assert distance_m(*back, 116.02097, 35.477075) < 0.01  # exact inverse
    # the reference's one-step conversion (116.015280, 35.477241) is a few metres off
    assert distance_m(lon, lat, 116.015280, 35.477241) < 5.0
    lon, lat = gazetteer.seat_point("371726")  # 鄄城县 seat, reference WGS-84 115.504421,35.563617
    assert distance_m(lon, lat, 115.504421, 35.563617) < 5.0


def test_missing_points_and_unknown_names(gazetteer):
    assert gazetteer.has_town("371702", "皇镇街道")
    assert gazetteer.town_point("371702", "皇镇街道") is None  # listed, but no offline point
    assert gazetteer.town_point("371702", "随官屯镇") is None  # wrong county
    assert gazetteer.seat_point("999999") is None
    assert not gazetteer.town_points().duplicated(["county_adcode", "town"]).any()


def test_jining_is_loaded_the_same_way():
    jining = load_gazetteer(DATA / "towns.csv", DATA / "county_seats.csv", "370800")
    assert len(jining.seats) == 11
    assert jining.towns["lon"].notna().sum() > 100
    assert jining.towns["lon"].between(115.5, 117.7).all() or jining.towns["lon"].isna().any()


def test_malformed_gazetteer_files_are_named(tmp_path):
    towns = tmp_path / "towns.csv"
    towns.write_text("region_adcode,county_adcode,county,unit_adcode,unit,town,current,lon,lat,"
                     "crs,source\n371700,371702,牡丹区,371702,牡丹区,东城街道,yes,abc,35.2,GCJ02,x\n",
                     encoding="utf-8")
    with pytest.raises(GazetteerError, match="not a number"):
        load_gazetteer(towns, DATA / "county_seats.csv", "371700")
    towns.write_text("region_adcode,county_adcode,town\n371700,371702,x\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="missing columns"):
        load_gazetteer(towns, DATA / "county_seats.csv", "371700")
