"""Tests for parks.analysis.distance: the radius is exact, counts by industry, bad input is refused."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from geo.crs import distance_m
from parks.analysis.distance import (
    BY_INDUSTRY_COLUMNS,
    InvalidLocationError,
    InvalidRadiusError,
    km_column,
    within_radius,
)
from parks.model.schema import ENTERPRISES, PARKS, PROJECTS
from tests.records import at, records

CENTRE = (115.5, 35.25)


def world(heze, parks=(), enterprises=(), projects=()):
    return dataclasses.replace(heze, parks=records(heze, PARKS, list(parks)),
                               enterprises=records(heze, ENTERPRISES, list(enterprises)),
                               projects=records(heze, PROJECTS, list(projects)))


def test_radius_is_exact_at_r_plus_minus_epsilon(heze):
    eps = 0.01  # one centimetre
    parks = [{"id": "p-in", "name_zh": "内", "kind": "industrial_park", **at(CENTRE, 10_000 - eps)},
             {"id": "p-out", "name_zh": "外", "kind": "industrial_park", **at(CENTRE, 10_000 + eps)},
             {"id": "p-near", "name_zh": "近", "kind": "industrial_park", **at(CENTRE, 0, 2_000)}]
    found = within_radius(world(heze, parks), *CENTRE, 10)
    assert list(found.parks["id"]) == ["p-near", "p-in"]  # nearest first
    assert list(found.parks["distance_km"]) == [2.0, 10.0]
    # the same record, just inside a radius a little larger, is found
    assert "p-out" in set(within_radius(world(heze, parks), *CENTRE, 10.00001).parks["id"])


def test_distances_are_utm_distances(heze):
    found = within_radius(heze, 115.45, 35.25, 40)
    assert len(found.parks) > 0
    expected = distance_m(115.45, 35.25, found.parks["lon"], found.parks["lat"]) / 1000
    assert (found.parks["distance_km"] == pd.Series(expected, index=found.parks.index).round(2)).all()
    assert (found.parks["distance_km"] <= 40).all()
    assert found.parks["distance_km"].is_monotonic_increasing


def test_by_industry_counts_and_approximate_flags(heze):
    parks = [{"id": "p-1", "name_zh": "一", "kind": "industrial_park", "industries": "BIO;HEM",
              **at(CENTRE, 100)},
             {"id": "p-2", "name_zh": "二", "kind": "chemical_park", "industries": "CHEM",
              **at(CENTRE, 200)},
             {"id": "p-far", "name_zh": "远", "kind": "industrial_park", "industries": "BIO",
              **at(CENTRE, 90_000)}]
    enterprises = [{"id": "e-1", "name_zh": "甲", "industry": "BIO", "subsector": "BIO.TCM",
                    **at(CENTRE, 300)},
                   {"id": "e-2", "name_zh": "乙", "industry": "BIO", "precision": "county",
                    "county_adcode": "371702"},  # at the 牡丹区 seat, about 8 km away
                   {"id": "e-3", "name_zh": "丙", "industry": "NEN", "precision": "unlocated"}]
    projects = [{"id": "pr-1", "name_zh": "项目", "park_id": "p-1", **at(CENTRE, 400)}]
    found = within_radius(world(heze, parks, enterprises, projects), *CENTRE, 20)
    table = found.by_industry.set_index("industry")
    assert list(found.by_industry.columns) == BY_INDUSTRY_COLUMNS
    assert table.loc["BIO", ["parks", "enterprises", "projects"]].tolist() == [1, 2, 0]
    assert table.loc["HEM", "parks"] == 1
    # 高端化工 is not a strategic emerging industry: unclassified in this view, listed last
    assert table.loc["", ["parks", "projects"]].tolist() == [1, 1]
    assert found.by_industry["industry"].iloc[-1] == ""
    assert table.loc["BIO", "approximate"] == 1 and table.loc["BIO", "label_zh"] == "生物医药"
    assert found.approximate_counts == {"parks": 0, "enterprises": 1, "projects": 0}
    assert found.unlocated == {"parks": 0, "enterprises": 1, "projects": 0}
    assert found.enterprises.set_index("id").loc["e-2", "approximate"]


def test_nothing_within_keeps_columns(heze):
    found = within_radius(heze, 120.0, 30.0, 1)
    assert found.counts == {"parks": 0, "enterprises": 0, "projects": 0}
    assert found.by_industry.empty and list(found.by_industry.columns) == BY_INDUSTRY_COLUMNS
    assert "distance_km" in found.parks.columns


def test_real_data_counts_match_the_frames(heze):
    found = within_radius(heze, 115.4178, 35.2525, 5)  # the 牡丹区 seat
    assert found.counts["parks"] == len(found.parks) > 0
    assert found.approximate_counts["parks"] == int(found.parks["approximate"].sum())
    assert found.unlocated["enterprises"] == int(heze.enterprises["lon"].isna().sum())


@pytest.mark.parametrize("radius", [0, -1, 200.001, float("nan"), float("inf"), "5", None, True])
def test_invalid_radius_raises(heze, radius):
    with pytest.raises(InvalidRadiusError, match="radius_km"):
        within_radius(heze, *CENTRE, radius)


def test_radius_of_200_km_is_allowed(heze):
    assert within_radius(heze, *CENTRE, 200).counts["parks"] > 0


@pytest.mark.parametrize(("lon", "lat"), [(float("nan"), 35.0), (115.0, float("inf")),
                                          ("115", 35.0), (0.0, 0.0), (-115.0, 35.0),
                                          (115.0, 60.0)])
def test_invalid_point_raises(heze, lon, lat):
    with pytest.raises(InvalidLocationError):
        within_radius(heze, lon, lat, 10)


def test_swapped_lon_lat_gets_a_hint(heze):
    with pytest.raises(InvalidLocationError, match="swapped"):
        within_radius(heze, 35.25, 115.5, 10)


def test_errors_are_value_errors():
    assert issubclass(InvalidRadiusError, ValueError) and issubclass(InvalidLocationError, ValueError)


def test_proximity_leaves_the_dataset_alone(heze):
    before = heze.enterprises.copy()
    within_radius(heze, *CENTRE, 50)
    pd.testing.assert_frame_equal(heze.enterprises, before)


def test_records_on_the_seat_of_an_approximate_centre_have_no_distance(heze):
    """东明石化 and its three 片区 are all placed at one seat: 0 km would be a claim."""
    park = heze.parks.set_index("id").loc["p-dongming-petrochem"]
    assert park["precision"] in ("county", "town")
    lon, lat = float(park["lon"]), float(park["lat"])
    found = within_radius(heze, lon, lat, 5, centre_id="p-dongming-petrochem")
    parks = found.parks.set_index("id")
    parts = [i for i in parks.index if i.startswith("p-dongming-petrochem-")]
    assert len(parts) == 3 and parks.loc[parts, "same_seat"].all()
    assert parks.loc[parts, "distance_km"].isna().all()
    assert parks.loc["p-dongming-petrochem", "distance_km"] == 0.0  # the centre itself
    assert not parks.loc["p-dongming-petrochem", "same_seat"]
    assert 0.0 not in set(parks.loc[parks.index != "p-dongming-petrochem", "distance_km"])
    text = dict(zip(found.parks["id"], km_column(found.parks, "同一驻地，距离未知"), strict=True))
    assert text[parts[0]] == "同一驻地，距离未知" and text["p-dongming-petrochem"] == "0.00"
    # the same spot clicked on the map is an exact centre: distances stay (approximate) figures
    clicked = within_radius(heze, lon, lat, 5)
    assert not clicked.parks["same_seat"].any() and clicked.parks["distance_km"].notna().all()
