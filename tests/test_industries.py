"""Tests for parks.model.industries: the taxonomy file, the two systems, colours, crosswalk, targets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parks.errors import DataValidationError
from parks.model.industries import load_targets, load_taxonomy

DATA = Path(__file__).resolve().parent.parent / "data"
SEED_002 = DATA / "seeds" / "002_fe847ffb49a6497f.txt"


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy(DATA / "industries.csv")


def test_seven_strategic_industries_in_document_order(tax):
    names = [i.label.zh for i in tax.system_members("sei")]
    assert names == ["生物医药", "高端装备制造", "新能源", "新材料", "新一代信息技术", "节能环保",
                     "新兴服务业"]


def test_231_system_has_2_3_and_emerging_clusters(tax):
    members = tax.system_members("231")
    by_tier = {tier: [i.label.zh for i in members if i.h231_tier == tier] for tier in "231"}
    assert by_tier["2"] == ["生物医药", "高端化工"]
    assert by_tier["3"] == ["农副产品精深加工", "机电设备制造", "商贸物流"]
    assert by_tier["1"] == ["新能源新材料", "新一代信息技术", "现代服务业"]


def test_every_subsector_the_policy_names_is_present(tax):
    text = SEED_002.read_text(encoding="utf-8")
    subs = [i for i in tax.industries if i.parent and i.source == "seed-002"]
    assert len(subs) == 4 + 4 + 5 + 5 + 5 + 3 + 6
    for sub in subs:
        # each sub-sector heading appears in the document as "N. <name>。"
        assert re.search(rf"\d\.\s*{re.escape(sub.label.zh)}。", text), sub.label.zh


@pytest.mark.parametrize("system", ["sei", "231"])
def test_colours_are_distinct_within_each_view(tax, system):
    colours = [i.colour for i in tax.system_members(system)]
    assert len(set(colours)) == len(colours)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)


def test_subsectors_take_their_parents_colour_and_unknown_is_grey(tax):
    assert tax.colour("BIO.TCM") == tax.colour("BIO") == "#D55E00"
    assert tax.colour("ECO", "231") == "#9E9E9E"  # 节能环保 has no place in the 231 view
    assert tax.colour("", "sei") == "#9E9E9E"


def test_crosswalk_and_tiers(tax):
    assert tax.in_system("HEM.PARTS", "231") == "MEQ"
    assert tax.in_system("SRV.LOGISTICS", "231") == "LOG"  # sub-sector's own crosswalk wins
    assert tax.in_system("SRV.TOURISM", "231") == "MSRV"
    assert tax.tier("BIO.CHEM") == "2"
    assert tax.tier("CHEM") == "2"
    assert tax.tier("ECO") == ""
    assert tax.in_system("CHEM", "sei") == ""


def test_expand_adds_subsectors_only_below_selected(tax):
    assert tax.expand(["NEN"]) == {"NEN", "NEN.SOLAR", "NEN.WIND", "NEN.HYDROGEN", "NEN.STORAGE",
                                   "NEN.SMARTENERGY"}
    assert tax.expand(["NEN.WIND"]) == {"NEN.WIND"}


def test_bad_taxonomy_lists_every_problem(tmp_path):
    bad = tmp_path / "industries.csv"
    bad.write_text(
        "code,parent,name_zh,name_en,colour,sei_order,h231_tier,h231_order,h231_code,help,source\n"
        "A,,甲,A,red,1,,,,,x\n"
        "A.1,B,乙,B,,,,,,,x\n"
        "C,,丙,C,#000000,,7,1,Z,,x\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_taxonomy(bad)
    reasons = {(p.row, p.field) for p in info.value.problems}
    assert reasons == {(2, "colour"), (3, "parent"), (4, "h231_tier"), (4, "h231_code")}


def test_targets_quote_the_document_verbatim(tax):
    targets = load_targets(DATA / "targets.csv", tax)
    text = re.sub(r"\s+", "", SEED_002.read_text(encoding="utf-8"))
    for row in targets.itertuples(index=False):
        assert re.sub(r"\s+", "", row.text_zh) in text, row.id
        if row.value == row.value:  # not NaN: the number must be in the quoted sentence
            assert f"{row.value:g}" in row.text_zh.replace(" ", ""), row.id


def test_targets_values_and_units_as_written(tax):
    targets = load_targets(DATA / "targets.csv", tax).set_index(["industry", "year",
                                                                 "indicator_zh"])
    assert targets.loc[("BIO", 2025, "生物医药产业集群产值"), ["value", "unit"]].tolist() == [
        1000, "亿元"]
    bio_2027 = targets.loc[("BIO", 2027, "生物医药产业集群产值")]
    assert (bio_2027["value"], bio_2027["qualifier"]) == (1200, "以上")
    assert targets.loc[("NEN", 2025, "新能源装机规模"), "unit"] == "万千瓦"
    assert targets.loc[("NMT", 2027, "新材料产业营业收入"), "qualifier"] == "力争"
    every_sei = {i.code for i in tax.system_members("sei")}
    assert every_sei <= set(targets.index.get_level_values("industry"))


def test_targets_reject_unknown_industry_and_bad_numbers(tmp_path, tax):
    bad = tmp_path / "targets.csv"
    bad.write_text("id,industry,year,indicator_zh,indicator_en,value,unit,qualifier,text_zh,source\n"
                   "T1,XXX,2025,a,a,1,%,,t,s\nT2,BIO,20x5,a,a,many,%,,t,s\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_targets(bad, tax)
    assert {(p.row, p.field) for p in info.value.problems} == {
        (2, "industry"), (3, "year"), (3, "value")}
