"""Tests for parks.analysis.stats: counts by county, industry, precision, source; targets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parks.analysis.stats import (
    counts_by_county,
    counts_by_functional_area,
    counts_by_industry,
    counts_by_precision,
    counts_by_source,
    target_label,
    targets_wide,
)
from parks.model.industries import load_targets, load_taxonomy

DATA = Path(__file__).resolve().parent.parent / "data"
TAX = load_taxonomy(DATA / "industries.csv")


def test_counts_by_county_includes_zero_counties():
    counties = pd.DataFrame({"adcode": ["371702", "371703", "371721"],
                             "name_zh": ["牡丹区", "定陶区", "曹县"]})
    parks = pd.DataFrame({"county_adcode": ["371702", "371702", ""]})
    ents = pd.DataFrame({"county_adcode": ["371703"]})
    out = counts_by_county({"parks": parks, "enterprises": ents}, counties)
    assert out.set_index("adcode")["total"].to_dict() == {"371702": 2, "371703": 1, "371721": 0}


def test_counts_by_industry_counts_each_top_once_per_record():
    frame = pd.DataFrame({"industries": ["CHEM;NMT.CHEMICAL;NMT", "BIO", ""]})
    sei = counts_by_industry(frame, TAX, "sei")
    assert sei["NMT"] == 1 and sei["BIO"] == 1 and sei["HEM"] == 0
    assert list(sei.index)[:2] == ["BIO", "HEM"]
    h231 = counts_by_industry(frame, TAX, "231")
    assert h231["CHEM"] == 1 and h231["NENM"] == 1


def test_counts_by_precision_in_vocabulary_order():
    frames = {"parks": pd.DataFrame({"precision": ["town", "county", "county"]}),
              "projects": pd.DataFrame({"precision": ["unlocated"]})}
    table = counts_by_precision(frames)
    assert list(table.index) == ["surveyed", "digitised", "town", "county", "unlocated"]
    assert table.loc["county", "parks"] == 2 and table.loc["unlocated", "projects"] == 1


def test_counts_by_source_splits_seed_keys_and_hosts():
    frames = {"parks": pd.DataFrame({"source": [
        "seed-002; http://gxt.shandong.gov.cn/art/2024/x.html", "seed-002", "note only"]})}
    table = counts_by_source(frames).set_index("source")
    assert table.loc["seed-002", "total"] == 2
    assert table.loc["gxt.shandong.gov.cn", "total"] == 1
    assert table.loc["(other)", "total"] == 1


def test_targets_wide_and_labels():
    targets = load_targets(DATA / "targets.csv", TAX)
    wide = targets_wide(targets, "BIO").set_index("indicator")
    assert wide.loc["生物医药产业集群产值", "2025"] == "1000 亿元"
    assert wide.loc["生物医药产业集群产值", "2027"] == "1200 亿元以上"
    assert target_label(360, "亿元", "力争") == "力争 360 亿元"
    assert target_label(8, "%", "左右") == "8%左右"
    assert targets_wide(targets, "NO-SUCH").empty


def test_counts_by_functional_area_counts_records_in_a_zone_per_table():
    frames = {"parks": pd.DataFrame({"functional_area": ["菏泽高新区", ""]}),
              "enterprises": pd.DataFrame({"functional_area": ["菏泽经济开发区", "菏泽高新区",
                                                               "菏泽经济开发区", ""]}),
              "projects": pd.DataFrame({"county_adcode": ["371702"]})}  # never located: no column
    table = counts_by_functional_area(frames)
    assert table.to_dict("records") == [
        {"functional_area": "菏泽经济开发区", "parks": 0, "enterprises": 2, "projects": 0, "total": 2},
        {"functional_area": "菏泽高新区", "parks": 1, "enterprises": 1, "projects": 0, "total": 2}]
    empty = counts_by_functional_area({"parks": pd.DataFrame({"functional_area": [""]})})
    assert empty.empty and list(empty.columns) == ["functional_area", "parks", "total"]


def test_counts_by_source_of_a_filtered_categorical_column_counts_only_what_its_rows_cite():
    # the enterprise frame holds `source` as a categorical: a filter keeps every category
    cited = pd.DataFrame({"source": pd.Series(["seed-001", "seed-002", "seed-002"],
                                              dtype="category")}).iloc[1:]
    table = counts_by_source({"enterprises": cited})
    assert table["source"].tolist() == ["seed-002"]
    assert table["total"].tolist() == [2]
