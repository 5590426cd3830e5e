"""Tests for parks.analysis.query: each filter, their combination, empty results keep the columns."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from parks.analysis.query import (
    Filters,
    filter_enterprises,
    filter_parks,
    filter_projects,
    located,
    unlocated,
)
from parks.model.dataset import search_text
from parks.model.industries import load_taxonomy

TAX = load_taxonomy(Path(__file__).resolve().parent.parent / "data" / "industries.csv")


def _enterprises() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({
        "id": ["e-a", "e-b", "e-c", "e-d"],
        "name_zh": ["步长制药", "华星油泵", "山东锂源", "东明石化"],
        "name_en": ["", "", "", ""],
        "full_name": ["山东步长制药股份有限公司", "", "", "山东东明石化集团有限公司"],
        "industry": ["BIO", "HEM", "NEN", "ICT"],
        "subsector": ["BIO.TCM", "HEM.PARTS", "NEN.STORAGE", "ICT.IIOT"],
        "county_adcode": ["371702", "371702", "371726", ""],
    })
    geometry = [Point(115.4, 35.2), Point(115.4, 35.2), Point(115.5, 35.5), None]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def _parks() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({
        "id": ["p-a", "p-b", "p-c"], "name_zh": ["东明石化产业园", "菏泽现代医药港", "济铁菏泽物流园"],
        "name_en": ["Dongming Petrochemical Park", "", ""], "kind": [
            "chemical_park", "industrial_park", "logistics_hub"],
        "industries": ["CHEM;NMT.CHEMICAL", "BIO", "LOG"],
        "county_adcode": ["371728", "371702", "371702"],
    })
    return gpd.GeoDataFrame(frame, geometry=[Point(115.1, 35.3)] * 3, crs="EPSG:4326")


def _projects() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({
        "id": ["pr-a", "pr-b", "pr-c"], "name_zh": ["达孚番茄红素", "江华机械智能农机", "光伏基地"],
        "name_en": ["", "", ""], "industry": ["", "HEM", "NEN"],
        "subsector": ["", "HEM.SPECIAL", "NEN.SOLAR"], "stage": ["completed", "", "planned"],
        "county_adcode": ["371702", "", ""],
    })
    return gpd.GeoDataFrame(frame, geometry=[Point(115.4, 35.2), None, None], crs="EPSG:4326")


def test_no_filters_keeps_everything_and_does_not_mutate():
    ents = _enterprises()
    before = ents.copy()
    out = filter_enterprises(ents, Filters(), TAX)
    assert list(out["id"]) == list(ents["id"])
    pd.testing.assert_frame_equal(ents, before)
    assert out is not ents


def test_county_filter():
    out = filter_enterprises(_enterprises(), Filters(counties=("371702",)), TAX)
    assert list(out["id"]) == ["e-a", "e-b"]


def test_top_level_industry_selects_its_subsectors():
    assert list(filter_enterprises(_enterprises(), Filters(industries=("BIO",)), TAX)["id"]) == [
        "e-a"]
    out = filter_enterprises(_enterprises(), Filters(industries=("NEN.STORAGE", "ICT")), TAX)
    assert list(out["id"]) == ["e-c", "e-d"]


def test_231_node_matches_crosswalked_strategic_codes_but_not_siblings():
    # 机电设备制造 (231) ↔ 高端装备制造 (strategic)
    assert list(filter_enterprises(_enterprises(), Filters(industries=("MEQ",)), TAX)["id"]) == [
        "e-b"]
    # selecting 新能源 must not pull in 新材料 records through their shared 231 cluster
    parks = _parks()
    assert filter_parks(parks, Filters(industries=("NEN",)), TAX).empty


def test_tier_filter():
    core = filter_parks(_parks(), Filters(tiers=("2",)), TAX)  # 高端化工, 生物医药
    assert list(core["id"]) == ["p-a", "p-b"]
    advantage = filter_parks(_parks(), Filters(tiers=("3",)), TAX)
    assert list(advantage["id"]) == ["p-c"]


def test_kind_and_stage_filters():
    assert list(filter_parks(_parks(), Filters(kinds=("chemical_park",)), TAX)["id"]) == ["p-a"]
    assert list(filter_projects(_projects(), Filters(stages=("completed", "planned")), TAX)[
        "id"]) == ["pr-a", "pr-c"]
    assert list(filter_projects(_projects(), Filters(stages=("",)), TAX)["id"]) == ["pr-b"]


def test_text_search_is_width_and_case_insensitive():
    assert list(filter_parks(_parks(), Filters(text="ＤＯＮＧＭＩＮＧ"), TAX)["id"]) == ["p-a"]
    assert list(filter_enterprises(_enterprises(), Filters(text="集团"), TAX)["id"]) == ["e-d"]
    assert search_text(" 东明 石化 ") == "东明石化"


def test_combined_filters_and_empty_result_keeps_columns():
    ents = _enterprises()
    out = filter_enterprises(ents, Filters(counties=("371726",), industries=("BIO",)), TAX)
    assert out.empty
    assert list(out.columns) == list(ents.columns)


@pytest.mark.parametrize("frame", [_enterprises(), _projects()])
def test_located_and_unlocated_partition(frame):
    assert len(located(frame)) + len(unlocated(frame)) == len(frame)
    assert located(frame).geometry.notna().all()
    assert unlocated(frame).geometry.isna().all()
