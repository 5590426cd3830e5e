"""Tests for parks.analysis.profile: a park's family, enterprises, projects, nearest places and errors."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from geo.crs import distance_m
from parks.analysis.profile import (
    NEAREST_COLUMNS,
    UnknownParkError,
    descendant_ids,
    park_profile,
    projects_by_stage,
)
from parks.model.schema import PARKS, PROJECTS
from tests.records import records

DONGMING = "p-dongming-petrochem"
PIANQU = {"p-dongming-petrochem-main", "p-dongming-petrochem-yuhuang",
          "p-dongming-petrochem-dongmingshihua"}


def test_dongming_children_are_its_three_pianqu(heze):
    profile = park_profile(heze, DONGMING)
    assert set(profile.children["id"]) == PIANQU
    assert set(profile.children["subkind"]) == {"片区"}
    assert profile.parent is None
    assert profile.park["name_zh"] == "东明石化产业园"


def test_enterprises_reach_the_park_through_its_pianqu(heze):
    profile = park_profile(heze, DONGMING)
    assert "东明石化" in set(profile.enterprises["name_zh"])
    assert heze.enterprises.set_index("id").loc["e-dongming-petrochem", "park_id"] in PIANQU
    table = profile.enterprises_by_industry.set_index("industry")
    assert table.loc["ICT", "count"] == 1 and table.loc["ICT", "label_zh"] == "新一代信息技术"


def test_a_pianqu_knows_its_parent(heze):
    profile = park_profile(heze, "p-dongming-petrochem-yuhuang")
    assert profile.parent is not None and profile.parent["id"] == DONGMING
    assert profile.children.empty and list(profile.children.columns) == list(heze.parks.columns)


def test_grandchildren_count_as_descendants(heze):
    # 鲁西新区 → 高新区 → 医疗器械机电产业园 …: enterprises of the 高新区 belong to the 新区 too
    assert "p-hitech-medical-device-park" in descendant_ids(heze.parks, "p-luxi-new-area")
    profile = park_profile(heze, "p-luxi-new-area")
    assert {"e-buchang", "e-haichen-storage"} <= set(profile.enterprises["id"])
    assert "p-hitech-medical-device-park" not in set(profile.children["id"])


def test_descendants_survive_a_parent_cycle(heze):
    rows = [{"id": "p-a", "name_zh": "甲", "kind": "industrial_park", "parent_id": "p-b",
             "precision": "unlocated"},
            {"id": "p-b", "name_zh": "乙", "kind": "industrial_park", "parent_id": "p-a",
             "precision": "unlocated"}]
    assert descendant_ids(records(heze, PARKS, rows), "p-a") == ("p-b",)


def test_projects_by_park_or_by_enterprise_and_stage_counts(heze):
    extra = records(heze, PROJECTS, [
        {"id": "pr-x", "name_zh": "东明石化扩建", "enterprise_id": "e-dongming-petrochem",
         "stage": "under_construction", "precision": "unlocated"},
        {"id": "pr-y", "name_zh": "玉皇片区项目", "park_id": "p-dongming-petrochem-yuhuang",
         "precision": "unlocated"},
        {"id": "pr-z", "name_zh": "别处项目", "precision": "unlocated"}])
    ds = dataclasses.replace(heze, projects=extra)
    profile = park_profile(ds, DONGMING)
    assert set(profile.projects["id"]) == {"pr-x", "pr-y"}
    stages = profile.projects_by_stage.set_index("stage")["count"]
    assert stages["under_construction"] == 1 and stages[""] == 1 and stages["completed"] == 0
    assert list(profile.projects_by_stage["stage"]) == [
        "planned", "reserve", "under_construction", "completed", ""]


def test_projects_by_stage_of_no_projects_lists_zeros(heze):
    table = projects_by_stage(heze.projects.iloc[0:0])
    assert table["count"].sum() == 0 and len(table) == 5


def test_nearest_distances_positive_and_labelled_approximate(heze):
    nearest = park_profile(heze, DONGMING).nearest.set_index("category")
    assert set(nearest.index) == {"logistics_hub", "port_area", "rail_freight", "airport",
                                  "county_seat"}
    # 东明石化产业园 is placed at the 东明 county seat: every distance from it is approximate
    assert nearest["approximate"].all()
    others = nearest.drop(index="county_seat")
    assert (others["distance_km"] > 0).all()
    assert others["note"].str.contains("approximate").all()
    assert others["note_zh"].str.contains("近似").all()
    assert nearest.loc["port_area", "id"].startswith("p-port-")
    assert "作业区" in nearest.loc["port_area", "name"]
    # the park sits on its own county seat: distance 0 says nothing, and the note says so
    assert nearest.loc["county_seat", "distance_km"] == 0.0
    assert "unknown" in nearest.loc["county_seat", "note"]


def test_nearest_distance_is_the_utm_distance_rounded(heze):
    profile = park_profile(heze, "p-mudan-edz-shatu")
    row = profile.nearest.set_index("category").loc["airport"]
    airport = heze.parks.set_index("id").loc[row["id"]]
    park = profile.park
    expected = distance_m(park["lon"], park["lat"], airport["lon"], airport["lat"]) / 1000
    assert row["distance_km"] == round(expected, 1) and row["distance_km"] > 0
    assert row["approximate"]  # the park is at its town seat
    assert "town seat" in row["note"]


def test_exact_ends_are_not_approximate(heze):
    nearest = park_profile(heze, "p-heze-airport").nearest.set_index("category")
    # the airport is surveyed and a county seat is a point of its own
    assert not nearest.loc["county_seat", "approximate"]
    assert nearest.loc["county_seat", "note"] == ""
    # the airport itself and its own cargo station are never "the nearest"
    assert "airport" not in nearest.index
    assert "p-heze-airport-cargo" not in set(nearest["id"])


def test_port_areas_are_not_logistics_hubs_in_the_profile(heze):
    wharf = records(heze, PARKS, [{"id": "p-wharf", "name_zh": "测试作业区", "kind": "logistics_hub",
                                   "subkind": "作业区", "precision": "surveyed", "lon": "115.10",
                                   "lat": "35.28", "crs": "WGS84"}])
    ds = dataclasses.replace(heze, parks=pd.concat([heze.parks, wharf], ignore_index=True))
    nearest = park_profile(ds, DONGMING).nearest.set_index("category")
    assert nearest.loc["port_area", "id"] == "p-wharf"
    assert nearest.loc["logistics_hub", "id"] != "p-wharf"


def test_unlocated_park_has_empty_nearest_and_a_reason(heze):
    profile = park_profile(heze, "p-chem-unnamed")
    assert profile.nearest.empty and list(profile.nearest.columns) == NEAREST_COLUMNS
    assert "位置未知" in profile.unlocated_reason
    assert "location unknown" in profile.unlocated_reason_en
    assert park_profile(heze, DONGMING).unlocated_reason == ""


def test_unknown_id_names_it_and_suggests_near_ones(heze):
    with pytest.raises(UnknownParkError) as caught:
        park_profile(heze, "p-dongming-petrochm")
    message = str(caught.value)
    assert "p-dongming-petrochm" in message and "p-dongming-petrochem (东明石化产业园)" in message
    assert isinstance(caught.value, KeyError)
    assert caught.value.suggestions[0].startswith("p-dongming-petrochem")


def test_unknown_name_suggests_by_name(heze):
    with pytest.raises(UnknownParkError, match="p-dongming-petrochem"):
        park_profile(heze, "东明石化")
    with pytest.raises(UnknownParkError, match="no park has a similar"):
        park_profile(heze, "zzz-nothing")


def test_sources_split_and_as_of(heze):
    profile = park_profile(heze, DONGMING)
    assert len(profile.sources) == 2 and all(s.startswith("http") for s in profile.sources)
    assert profile.as_of == "2024-01-03"


def test_profile_leaves_the_dataset_alone(heze):
    before = heze.parks.copy()
    profile = park_profile(heze, DONGMING)
    profile.children["name_zh"] = "changed"
    pd.testing.assert_frame_equal(heze.parks, before)
