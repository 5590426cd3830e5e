"""The curated seed dataset: it validates, every record is sourced and placed honestly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parks.model.dataset import check_data
from parks.model.schema import TABLES
from parks.model.vocab import PRECISION

DATA = Path(__file__).resolve().parent.parent / "data"


def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


def test_data_files_validate(cache_dir):
    assert check_data(cache_dir=cache_dir) == []


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.name)
def test_every_record_has_source_precision_and_columns_in_order(spec):
    frame = _table(spec.name)
    assert list(frame.columns) == list(spec.names)
    assert (frame["source"].str.strip() != "").all()
    assert frame["precision"].isin(PRECISION.codes).all()
    # a coordinate is only ever written for a surveyed or digitised place
    with_point = frame[frame["lon"] != ""]
    assert with_point["precision"].isin(["surveyed", "digitised"]).all()


def test_every_chemical_park_row_of_the_reference_is_there_with_area_and_sizhi():
    parks = _table("parks").set_index("name_zh")
    expected = {"东明石化产业园": "21.29", "东明石化产业园主片区": "18.07",
                "东明石化产业园玉皇化工片区": "1.02", "东明石化产业园东明石化片区": "2.20",
                "郓城化工产业园": "5.2512", "定陶润鑫化工产业园": "5.40", "菏泽煤化工业园": "19.34"}
    for name, area in expected.items():
        assert parks.loc[name, "kind"] == "chemical_park"
        assert float(parks.loc[name, "area_km2"]) == float(area), name
    for name in ("东明石化产业园主片区", "郓城化工产业园", "鄄城化工产业园", "定陶润鑫化工产业园"):
        assert parks.loc[name, "sizhi"].startswith(("东至", "南至")), name
    assert parks.loc["郓城化工产业园", "sizhi"] == "东至经七路，西至能源大道，南至纬二路南侧，北至鲁南高铁"
    assert parks.loc["巨野县精细化工产业园", "confidence"] in ("low", "unverified")
    assert parks.loc["菏泽煤化工业园", "status"] == "unverified"  # a candidate, not a recognition


def test_the_ninety_seed_enterprises_are_kept():
    ents = _table("enterprises")
    assert len(ents) >= 90  # planners add records; the seed's ninety stay
    names = " ".join(ents["name_zh"])
    for name in ("步长", "赛托生物", "朱氏药业", "龙蟠科技", "东明石化", "安固强", "好品网络"):
        assert name in names, name


def test_the_projects_named_in_the_issue_are_there():
    names = " ".join(_table("projects")["name_zh"])
    for fragment in ("江华机械", "3.16万台", "华星油泵油嘴重型柴油机共轨系统", "步长中药现代化集成",
                     "鹤福食品高标准冷链物流园", "华信龙香平喘胶囊", "达孚番茄红素", "单层石墨烯"):
        assert fragment in names, fragment


def test_stages_are_only_the_four_and_only_where_stated():
    projects = _table("projects")
    assert projects["stage"].isin(["", "planned", "reserve", "under_construction",
                                   "completed"]).all()
    stated = projects[projects["stage"] != ""]
    assert (stated["stage_text"] != "").all()  # every stage quotes the source's words


def test_loaded_heze_dataset(heze):
    assert len(heze.counties) == 9
    assert len(heze.enterprises) == len(_table("enterprises"))  # every row loads
    assert (heze.parks["region_adcode"] == "371700").all()
    located = heze.parks[heze.parks.geometry.notna()]
    assert located.geometry.within(heze.counties.union_all().buffer(0.01)).all()
    airport = heze.parks.set_index("name_zh").loc["菏泽牡丹机场"]
    assert airport["precision"] == "surveyed" and not airport["approximate"]


def test_unlocated_records_have_no_point(heze):
    for frame in (heze.parks, heze.enterprises, heze.projects):
        unlocated = frame[frame["precision"] == "unlocated"]
        assert unlocated.geometry.isna().all()
        assert (unlocated["county_adcode"] == "").all()


@pytest.mark.parametrize("field", ["area_basis", "recognition"])
def test_curated_text_is_in_both_languages_with_the_same_figures(field):
    """Every English curated text has its Chinese translation, which keeps every figure, date
    and document number as written (a translation adds and drops no fact)."""
    import re

    parks = _table("parks")
    filled = parks[parks[f"{field}_en"] != ""]
    assert len(filled) and (filled[f"{field}_zh"] != "").all()
    assert (parks.loc[parks[f"{field}_en"] == "", f"{field}_zh"] == "").all()
    figures = re.compile(r"\d+(?:[.\-/]\d+)*|\[\d+\]")
    for en, zh in zip(filled[f"{field}_en"], filled[f"{field}_zh"], strict=True):
        assert sorted(figures.findall(en)) == sorted(figures.findall(zh)), (en, zh)
        assert not re.search(r"[A-Za-z]{3,}", zh.replace("seed-", "")), zh
