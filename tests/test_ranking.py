"""Tests for parks.analysis.ranking: the chemical rule, each component's arithmetic, weights and reasons."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from parks.analysis.ranking import (
    COMPONENT_LABELS,
    COMPONENTS,
    RANK_COLUMNS,
    InvalidRequirementError,
    InvalidWeightsError,
    Requirement,
    Weights,
    industry_match,
    logistics_score,
    rank_parks,
)
from parks.model.schema import ENTERPRISES, PARKS
from tests.records import at, records

HUB = {"id": "p-hub", "name_zh": "测试物流园", "name_en": "Test hub", "kind": "logistics_hub",
       "subkind": "公路港", "precision": "surveyed", "lon": "115.5", "lat": "35.2", "crs": "WGS84",
       "county_adcode": "371702"}


def east_of_hub(km: float) -> dict[str, str]:
    """lon/lat of a point `km` due east of HUB, measured in UTM 50N."""
    return at((115.5, 35.2), km * 1000)


def park(pid: str, **fields: str) -> dict[str, str]:
    base = {"id": pid, "name_zh": pid, "kind": "industrial_park", "status": "operating",
            "confidence": "high", "county_adcode": "371702", **east_of_hub(5)}
    return base | fields


def world(heze, parks: list[dict[str, str]], enterprises: list[dict[str, str]] = ()):
    """A dataset whose only records are HUB, `parks` and `enterprises`."""
    return dataclasses.replace(heze, parks=records(heze, PARKS, [HUB, *parks]),
                               enterprises=records(heze, ENTERPRISES, list(enterprises)),
                               projects=heze.projects.iloc[0:0])


def firm(eid: str, park_id: str, industry: str = "BIO") -> dict[str, str]:
    return {"id": eid, "name_zh": eid, "industry": industry, "park_id": park_id,
            "precision": "unlocated"}


def scores(table: pd.DataFrame, column: str) -> dict[str, float]:
    return dict(zip(table["id"], table[column], strict=True))


# --- the chemical rule -------------------------------------------------------------------------

def test_chemical_rule_adversarial(heze):
    """A non-chemical park perfect on everything else still ranks below the weakest chemical park."""
    perfect = park("p-perfect", industries="CHEM", area_km2="50", **east_of_hub(0.1))
    weakest = park("p-weak", kind="chemical_park", status="unverified", confidence="unverified",
                   area_km2="0.1", county_adcode="371721", **east_of_hub(150))
    firms = [firm(f"e-{i}", "p-perfect", "CHEM") for i in range(5)]
    req = Requirement(industry="CHEM", chemical=True, min_area_km2=10, counties=("371702",),
                      hub_within_km=5, weights=Weights(1, 0, 1, 1, 1))
    table = rank_parks(world(heze, [perfect, weakest], firms), req)
    assert list(table["id"]) == ["p-weak", "p-perfect"]
    assert scores(table, "score")["p-perfect"] > scores(table, "score")["p-weak"]
    assert scores(table, "eligible") == {"p-weak": True, "p-perfect": False}
    assert any("不是化工园区（不合格）" in r for r in table.iloc[1]["reasons"])


def test_chemical_requirement_on_real_data_puts_only_chemical_parks_first(heze):
    for weights in (Weights(), Weights(1, 0, 1, 1, 1), Weights(0, 0, 0, 1, 0)):
        table = rank_parks(heze, Requirement(industry="CHEM", chemical=True, weights=weights))
        eligible = table[table["eligible"]]
        assert set(eligible["kind"]) == {"chemical_park"}
        assert table["eligible"].tolist() == sorted(table["eligible"], reverse=True)
        assert (table.loc[~table["eligible"], "kind"] != "chemical_park").all()
        assert table.iloc[0]["kind"] == "chemical_park"


def test_unconfirmed_chemical_park_below_confirmed_at_equal_other_scores(heze):
    confirmed = park("p-confirmed", kind="chemical_park", level="provincial", industries="CHEM")
    unconfirmed = park("p-unconfirmed", kind="chemical_park", level="provincial",
                       industries="CHEM", status="unverified")
    for weights in (Weights(), Weights(1, 0, 1, 1, 1)):
        table = rank_parks(world(heze, [unconfirmed, confirmed]),
                           Requirement(industry="CHEM", chemical=True, weights=weights))
        assert list(table["id"]) == ["p-confirmed", "p-unconfirmed"]
        assert scores(table, "compliance_score") == {"p-confirmed": 1.0, "p-unconfirmed": 0.5}
    assert "省级化工园区（合规）" in " ".join(table.iloc[0]["reasons"])
    assert "认定未核实" in " ".join(table.iloc[1]["reasons"])


def test_non_chemical_requirement_halves_unverified_parks_only(heze):
    table = rank_parks(world(heze, [park("p-ok"), park("p-unverified", status="unverified"),
                                    park("p-chem", kind="chemical_park")]), Requirement())
    assert scores(table, "compliance_score") == {"p-ok": 1.0, "p-unverified": 0.5, "p-chem": 1.0}
    assert table["eligible"].all()


# --- industry ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("codes", "wanted", "expected"), [
    (("BIO",), "BIO", 1.0),
    (("BIO",), "BIO.TCM", 1.0),  # the required sub-sector's parent
    (("BIO.TCM",), "BIO", 1.0),  # a sub-sector of the required top
    (("BIO.CHEM",), "BIO.TCM", 0.6),  # sibling sub-sector: same "231" industry only
    (("NMT",), "NEN", 0.6),  # 新能源 and 新材料 are both 新能源新材料 in "231"
    (("HEM",), "MEQ", 0.6),  # strategic 高端装备 crosswalks to "231" 机电设备制造
    (("SRV.LOGISTICS",), "LOG", 0.6),
    (("NMT.CHEMICAL",), "CHEM", 0.0),  # 化工新材料 is 新材料 in "231", not 高端化工
    (("ECO.RECYCLING",), "ECO", 1.0),
    (("NMT",), "ECO", 0.0),
    ((), "BIO", 0.0),
])
def test_industry_match(heze, codes, wanted, expected):
    assert industry_match(codes, wanted, heze.taxonomy)[0] == expected


def outlined(pid: str, km: float, **fields: str) -> dict[str, str]:
    """A park whose point is `km` east of HUB and whose outline is a ~2 km square around it."""
    centre = east_of_hub(km)
    return park(pid, **(centre | {"precision": "digitised"}),
                boundary=_square(float(centre["lon"]), float(centre["lat"]), 0.01), **fields)


def firm_in(eid: str, km: float, industry: str = "BIO", park_id: str = "") -> dict[str, str]:
    """A surveyed enterprise `km` east of HUB (inside the outline of outlined(…, km))."""
    return {"id": eid, "name_zh": eid, "industry": industry, "park_id": park_id,
            **at((115.5, 35.2), km * 1000, 100)}


def test_enterprise_bonus_comes_from_outlines_counts_parts_and_is_capped(heze):
    """Who is inside is decided by the outlines (parks.analysis.membership), a 片区's firms
    counting for its park; a park_id claim alone counts for nothing."""
    parks = [outlined("p-none", 10), outlined("p-two", 20), outlined("p-five", 30),
             outlined("p-child", 40, parent_id="p-two"), park("p-claimed"),
             park("p-bio", industries="BIO")]
    firms = [firm_in("e-1", 20), firm_in("e-2", 40), firm_in("e-x", 20, "HEM"),
             *(firm_in(f"e-5{i}", 30) for i in range(4)), firm_in("e-t", 30, ""),
             firm("e-claim", "p-claimed"), firm("e-claim2", "p-claimed")]
    firms[4] |= {"subsector": "BIO.TCM", "industry": ""}  # a sub-sector names its top industry
    table = rank_parks(world(heze, parks, firms), Requirement(industry="BIO.TCM"))
    got = scores(table, "industry_score")
    assert got["p-none"] == 0.0 and got["p-two"] == 0.2 and got["p-five"] == 0.3
    assert got["p-claimed"] == 0.0 and got["p-bio"] == 1.0
    assert scores(table, "firms")["p-five"] == 4 and pd.isna(scores(table, "firms")["p-claimed"])
    reasons = dict(zip(table["id"], table["reasons"], strict=True))
    assert any("企业 4 家（+0.3）" in r for r in reasons["p-five"])
    assert any("企业 0 家（+0.0）" in r for r in reasons["p-none"])
    # no outline: the figure is hidden, and the reason says why
    assert not any("家" in r for r in reasons["p-claimed"])
    assert any("尚无标绘范围" in r and "不加分" in r for r in reasons["p-claimed"])


def test_industry_bonus_never_lifts_total_above_one(heze):
    firms = [firm_in(f"e-{i}", 10) for i in range(3)]
    table = rank_parks(world(heze, [outlined("p-bio", 10, industries="BIO")], firms),
                       Requirement(industry="BIO"))
    assert table.iloc[0]["industry_score"] == 1.0
    assert any("企业 3 家" in r and "封顶 1.0" in r for r in table.iloc[0]["reasons"])


def test_real_data_hides_the_in_park_count_while_no_park_has_an_outline(heze):
    table = rank_parks(heze, Requirement(industry="BIO"))
    assert table["firms"].isna().all()
    assert not any("企业 0 家" in r for rs in table["reasons"] for r in rs)
    assert all(any("尚无标绘范围" in r for r in rs) for rs in table["reasons"])


# --- 片区, ties and the scale ------------------------------------------------------------------

def test_parts_are_folded_into_their_park(heze):
    table = rank_parks(heze, Requirement(industry="CHEM", chemical=True))
    family = [i for i in heze.parks["id"] if i.startswith("p-dongming-petrochem")]
    assert len(family) == 4
    assert list(table["id"]).count("p-dongming-petrochem") == 1
    assert not set(family[1:]) & set(table["id"])  # the three 片区 are no rows of their own
    parts = table.set_index("id").loc["p-dongming-petrochem", "parts"]
    assert sorted(p[0] for p in parts) == sorted(set(family) - {"p-dongming-petrochem"})
    assert all(isinstance(p[3], float) for p in parts)  # each part's own score


def test_a_part_whose_park_is_no_candidate_stays_a_row(heze):
    parts = [park("p-part", subkind="片区", parent_id="p-hub"),  # HUB is no site
             park("p-inner-chem", kind="chemical_park", subkind="化工园区", parent_id="p-zone"),
             park("p-zone", kind="development_zone")]
    table = rank_parks(world(heze, parts), Requirement())
    assert set(table["id"]) == {"p-part", "p-inner-chem", "p-zone"}  # only 片区 fold


def test_ties_are_broken_by_the_stated_rule(heze):
    """生物医药 gave a four-way tie at 92.5 with a chemical park first: equal totals go by
    industry, firms inside, non-chemical park for a non-chemical project, compliance, level, name."""
    same = {"industries": "BIO", "county_adcode": "371702"}
    parks = [park("p-a-chem", kind="chemical_park", level="provincial", name_zh="甲", **same),
             park("p-b-county", level="county", name_zh="乙", **same),
             park("p-c-prov", level="provincial", name_zh="丙", **same),
             park("p-d-none", name_zh="丁", **same), park("p-e-none", name_zh="戊", **same)]
    table = rank_parks(world(heze, parks), Requirement(industry="BIO"))
    assert table["score"].nunique() == 1
    assert list(table["id"]) == ["p-c-prov", "p-b-county", "p-d-none", "p-e-none", "p-a-chem"]
    real = rank_parks(heze, Requirement(industry="BIO"))
    top = real[real["score"] == real["score"].iloc[0]]
    assert len(top) > 1 and top.iloc[0]["kind"] != "chemical_park"
    assert top.iloc[0]["id"] == "p-heze-hitech"  # the provincial zone before unranked parks


def test_components_are_points_of_the_total(heze):
    req = Requirement(industry="BIO", min_area_km2=3, hub_within_km=15,
                      weights=Weights(4, 2, 1.5, 1.5, 1))
    table = rank_parks(heze, req)
    w = req.weights.normalised().as_dict()
    points = table[[f"{c}_points" for c in COMPONENTS]]
    for c in COMPONENTS:
        assert np.allclose(table[f"{c}_points"], 100 * w[c] * table[f"{c}_score"], atol=0.051)
        assert table[f"{c}_points"].max() <= 100 * w[c] + 1e-9
    assert ((points.sum(axis=1) - table["score"]).abs() <= 0.05 * len(COMPONENTS)).all()


# --- area, logistics, county -------------------------------------------------------------------

def test_min_area_rule_including_unknown_area(heze):
    parks = [park("p-big", area_km2="6"), park("p-exact", area_km2="3"), park("p-unknown"),
             park("p-half", area_km2="1.5")]
    table = rank_parks(world(heze, parks), Requirement(min_area_km2=3))
    assert scores(table, "area_score") == {"p-big": 1.0, "p-exact": 1.0, "p-unknown": 0.5,
                                           "p-half": 0.5}
    reasons = table.set_index("id")["reasons"]
    assert "面积：面积 6.00 km² ≥ 要求 3 km²（1.0）" in reasons["p-big"]
    assert "面积：面积未公布（0.5）" in reasons["p-unknown"]
    untouched = rank_parks(world(heze, parks), Requirement())
    assert set(untouched["area_score"]) == {1.0}


def test_logistics_score_formula():
    assert logistics_score(0.0, None)[0] == 1.0
    assert logistics_score(20.0, None)[0] == pytest.approx(0.5)
    assert logistics_score(15.0, 10)[0] == pytest.approx(0.5)
    assert logistics_score(10.0, 10)[0] == 1.0
    assert logistics_score(25.0, 10)[0] == 0.0  # never below zero


@pytest.mark.parametrize(("within", "expected"), [(None, 0.57), (20, 1.0), (10, 0.5), (5, 0.0)])
def test_hub_within_km_decay(heze, within, expected):
    table = rank_parks(world(heze, [park("p-15", **east_of_hub(15))]),
                       Requirement(hub_within_km=within))
    row = table.iloc[0]
    assert row["hub_km"] == 15.0 and row["logistics_score"] == expected
    assert not row["hub_approximate"]
    assert any(r.startswith("物流：最近物流枢纽 测试物流园 15.0 km") for r in row["reasons"])


def test_approximate_distances_are_labelled(heze):
    at_seat = park("p-seat", precision="county", lon="", lat="", crs="", county_adcode="371703")
    unlocated = park("p-nowhere", precision="unlocated", lon="", lat="", crs="", county_adcode="")
    table = rank_parks(world(heze, [at_seat, unlocated]), Requirement()).set_index("id")
    assert table.loc["p-seat", "hub_approximate"]
    assert any("近似：园区位置取县城驻地" in r for r in table.loc["p-seat", "reasons"])
    assert any("approximate: park at the county seat" in r for r in table.loc["p-seat", "reasons_en"])
    assert table.loc["p-nowhere", "logistics_score"] == 0.0
    assert "物流：位置未知，无法计算距离（0）" in table.loc["p-nowhere", "reasons"]


def test_real_approximate_hub_distances_say_so(heze):
    table = rank_parks(heze, Requirement(industry="BIO"))
    approx = table[table["hub_approximate"]]
    assert len(approx) > 0
    for reasons in approx["reasons"]:
        assert any(r.startswith("物流：") and "近似" in r for r in reasons)


def test_same_seat_distance_counts_as_unknown_not_as_perfect(heze):
    table = rank_parks(heze, Requirement(industry="BIO"))
    same_seat = table[table["hub_approximate"] & (table["hub_km"] < 0.05)]
    assert len(same_seat) > 0
    assert (same_seat["logistics_score"] == 0.5).all()
    assert all(any("实际距离未知" in r for r in reasons) for reasons in same_seat["reasons"])


def test_counties_preference(heze):
    table = rank_parks(heze, Requirement(counties=("371728",)))
    in_dongming = table["county"] == "东明县"
    assert (table.loc[in_dongming, "county_score"] == 1.0).all()
    assert (table.loc[~in_dongming, "county_score"] == 0.0).all()
    assert any("不在偏好县区（东明县）" in r for r in table.loc[~in_dongming].iloc[0]["reasons"])
    assert set(rank_parks(heze, Requirement())["county_score"]) == {1.0}


# --- weights, score and the table ---------------------------------------------------------------

def test_weights_normalised_and_validated():
    w = Weights(2, 2, 2, 2, 2).normalised()
    assert all(v == pytest.approx(0.2) for v in w.as_dict().values())
    assert sum(Weights().normalised().as_dict().values()) == pytest.approx(1.0)
    for bad in ({"industry": -0.1}, {"area": float("nan")}, {"county": float("inf")}):
        with pytest.raises(InvalidWeightsError, match="≥ 0"):
            Weights(**bad)
    with pytest.raises(InvalidWeightsError, match="all zero"):
        Weights(0, 0, 0, 0, 0)


def test_score_is_the_weighted_sum_of_shown_components(heze):
    req = Requirement(industry="BIO", min_area_km2=3, hub_within_km=15,
                      weights=Weights(4, 2, 1.5, 1.5, 1))
    table = rank_parks(heze, req)
    w = req.weights.normalised().as_dict()
    for _, row in table.iterrows():
        expected = 100 * sum(w[c] * row[f"{c}_score"] for c in COMPONENTS)
        assert row["score"] == round(expected, 1)
        assert 0 <= row["score"] <= 100
    eligible = table[table["eligible"]]
    assert eligible["score"].is_monotonic_decreasing


def test_zero_weight_component_is_ignored(heze):
    only_industry = Weights(industry=1, compliance=0, area=0, logistics=0, county=0)
    table = rank_parks(heze, Requirement(industry="BIO", min_area_km2=100, counties=("371721",),
                                         weights=only_industry))
    assert (table["score"] == (100 * table["industry_score"]).round(1)).all()
    assert all(any("权重为 0" in r and r.startswith("面积") for r in rs) for rs in table["reasons"])


def test_every_row_explains_every_component(heze):
    table = rank_parks(heze, Requirement(industry="HEM", min_area_km2=2, counties=("371702",)))
    assert len(table) > 10
    for zh, en in zip(table["reasons"], table["reasons_en"], strict=True):
        assert {r.split("：")[0] for r in zh} == {v.zh for v in COMPONENT_LABELS.values()}
        assert {r.split(": ")[0] for r in en} == {v.en for v in COMPONENT_LABELS.values()}


def test_candidates_only_and_placeholders_skipped(heze):
    parks = [park("p-ok"), park("p-tour", kind="tourism_area"), park("p-hubish", kind="logistics_hub"),
             park("p-ph（名称未核实）", name_zh="某园区（名称未核实）", precision="unlocated", lon="",
                  lat="", crs=""),
             park("p-ph-ind", name_zh="某化工园区（名称未核实）", precision="unlocated", lon="",
                  lat="", crs="", industries="CHEM")]
    table = rank_parks(world(heze, parks), Requirement())
    assert set(table["id"]) == {"p-ok"}  # unnamed, unlocated placeholders are no sites
    real = rank_parks(heze, Requirement())
    assert set(real["kind"]) <= {"chemical_park", "development_zone", "industrial_park"}


def test_empty_result_keeps_columns(heze):
    table = rank_parks(world(heze, []), Requirement(industry="BIO", chemical=True))
    assert table.empty and list(table.columns) == RANK_COLUMNS


def test_bad_requirements_say_what_arrived(heze):
    with pytest.raises(InvalidRequirementError, match="'XYZ'"):
        rank_parks(heze, Requirement(industry="XYZ"))
    with pytest.raises(InvalidRequirementError, match="999999"):
        rank_parks(heze, Requirement(counties=("999999",)))
    with pytest.raises(InvalidRequirementError, match="min_area_km2"):
        Requirement(min_area_km2=-1)
    with pytest.raises(InvalidRequirementError, match="hub_within_km"):
        Requirement(hub_within_km=0)
    with pytest.raises(InvalidRequirementError, match="tuple"):
        Requirement(counties=["371702"])  # type: ignore[arg-type]


def test_ranking_leaves_the_dataset_alone(heze):
    before = heze.parks.copy()
    rank_parks(heze, Requirement(industry="BIO"))
    pd.testing.assert_frame_equal(heze.parks, before)
    assert not np.any(heze.parks.columns.str.endswith("_score"))


# --- inside a chemical park: from an outline only ----------------------------------------------

def _square(lon: float, lat: float, half: float) -> str:
    w, s, e, n = lon - half, lat - half, lon + half, lat + half
    return f"MULTIPOLYGON ((({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s})))"


def test_a_site_counts_as_inside_a_chemical_park_only_from_its_own_outline(heze):
    """Synthetic: a chemical park's outline holds one industrial park's outline (counts), the
    point of an industrial park without outline (does not), and half of another's (does not)."""
    centre = east_of_hub(5)
    lon, lat = float(centre["lon"]), float(centre["lat"])
    chem = park("p-chem", kind="chemical_park", level="provincial", name_zh="合成化工园",
                boundary=_square(lon, lat, 0.02), precision="digitised")
    inner = park("p-inner", boundary=_square(lon + 0.005, lat, 0.005), precision="digitised")
    bare = park("p-bare", precision="surveyed")  # its point sits inside the chemical outline
    across = park("p-across", boundary=_square(lon + 0.02, lat, 0.005), precision="digitised")
    table = rank_parks(world(heze, [chem, inner, bare, across]),
                       Requirement(industry="CHEM", chemical=True))
    eligible = dict(zip(table["id"], table["eligible"], strict=True))
    assert eligible == {"p-chem": True, "p-inner": True, "p-bare": False, "p-across": False}
    assert scores(table, "compliance_score")["p-inner"] == 1.0
    reasons = dict(zip(table["id"], table["reasons"], strict=True))
    assert "范围位于合成化工园范围内" in " ".join(reasons["p-inner"])
    assert "不算园内" in " ".join(reasons["p-bare"])  # said, never counted
    assert "不算园内" not in " ".join(reasons["p-across"])  # its own outline decided it
