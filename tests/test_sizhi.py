"""Tests for geo.sizhi: 四至 clauses read from the texts planners hold, and name matching."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.sizhi import name_key, name_score, parse_sizhi
from parks.config import DATA_DIR


def _sides(text: str) -> dict[str, tuple[str, ...]]:
    return {c.side: c.targets for c in parse_sizhi(text).clauses}


def test_the_four_clauses_with_a_qualifier():
    parsed = parse_sizhi("东至经七路，西至能源大道，南至纬二路南侧，北至鲁南高铁")
    assert _sides("东至经七路，西至能源大道，南至纬二路南侧，北至鲁南高铁") == {
        "东": ("经七路",), "西": ("能源大道",), "南": ("纬二路",), "北": ("鲁南高铁",)}
    assert parsed.side("南").qualifier == "南侧"
    assert parsed.problems == ()


@pytest.mark.parametrize("text, sides", [
    ("新日铁路以南, 济广高速以西, 淮河路以北, 定胡路以东",  # "X以南": X bounds the north
     {"北": ("新日铁路",), "东": ("济广高速",), "南": ("淮河路",), "西": ("定胡路",)}),
    ("西起福州路，东至菏兰高速公路，北靠新石铁路，南至钱塘路",
     {"西": ("福州路",), "东": ("菏兰高速公路",), "北": ("新石铁路",), "南": ("钱塘路",)}),
    ("东：裕西路、丽水路；西：文明路；南：长安路；北：和谐路",  # 和谐路 is one road
     {"东": ("裕西路", "丽水路"), "西": ("文明路",), "南": ("长安路",), "北": ("和谐路",)}),
    ("东至刘民路 南至规划路 西至科技大道 北至日东高速和万福街道",
     {"东": ("刘民路",), "南": ("规划路",), "西": ("科技大道",), "北": ("日东高速", "万福街道")}),
])
def test_clause_forms(text, sides):
    assert _sides(text) == sides


def test_offsets_in_metres_and_kilometres():
    parsed = parse_sizhi("东至试白路以东1500米，西至试白路，南至城武路，北至富民路北0.2公里")
    assert parsed.side("东").offset_m == (1500.0, 0.0)
    assert parsed.side("北").offset_m == (0.0, 200.0)
    assert parsed.side("东").targets == ("试白路",)


def test_missing_and_doubled_sides_are_problems_all_at_once():
    parsed = parse_sizhi("南至黄河大街、北至四支沟、北环路以北西至陈王路、北环路以南西至雷泽大道")
    assert any("given twice" in p for p in parsed.problems)
    assert any("东" in p and "no clause" in p for p in parsed.problems)
    assert parse_sizhi("").problems == ("no 四至 text",)
    assert any("not a 四至 clause" in p for p in parse_sizhi("见附图；东至经一路").problems)


def test_every_sizhi_in_data_parses_without_raising():
    parks = pd.read_csv(DATA_DIR / "parks.csv", dtype=str, keep_default_na=False)
    texts = [t for t in parks["sizhi"] if "至" in t or "以" in t]
    assert len(texts) >= 10
    parsed = [parse_sizhi(t) for t in texts]
    complete = [p for p in parsed if not p.problems]
    assert len(complete) >= 10  # the published 四至 of the seed parks read as four sides


@pytest.mark.parametrize("written, osm, kind, score", [
    ("鲁南高铁", "鲁南高速铁路", "rail", 0.9),
    ("能源大道", "能源路", "road", 0.9),  # a 大道 written as 路
    ("經七路", "经7路", "road", 1.0),  # traditional characters, numerals as digits
    ("赵王", "赵王河", "water", 0.8),  # a river without 河
    ("洙水河", "洙水路", "road", 0.0),  # same stem, another kind of feature
    ("洙水路", "洙水路", "water", 0.0),  # the layer's kind decides too
    ("长江路", "长江东路", "road", 0.7),
    ("经七路", "合成经7路", "road", 0.0),  # another road, though its name holds this one's
    ("能源大道", "新能源路", "road", 0.0),
    ("日兰高铁", "鲁南高速铁路 (日兰高铁)", "rail", 1.0),  # a name in brackets
    ("经一路", "经二路", "road", 0.0),
])
def test_name_scores(written, osm, kind, score):
    assert name_score(written, osm, "", kind) == score


def test_road_numbers_match_the_ref():
    assert name_key("国道G106").ref == "G106"
    assert name_key("220国道").ref == "G220"
    assert name_score("国道G106", "东明大道", "G106;G220", "road") == 0.95
    assert name_score("国道G106", "东明大道", "G220", "road") == 0.0
