"""Tests for parks.analysis.duplicates: near-identical names paired, and how the search narrows
as a table grows (every pair, sorted neighbours, identical names)."""

from __future__ import annotations

import pandas as pd
import pytest

from parks.analysis import duplicates
from parks.analysis.duplicates import COLUMNS, likely_duplicates, place_words, search_method


def test_likely_duplicates_finds_variants_but_not_parent_child():
    frame = pd.DataFrame({
        "id": ["p-a", "p-b", "p-c", "p-d", "p-e", "p-f", "p-g"],
        "name_zh": ["菏泽现代医药港", "现代医药港", "东明石化产业园", "东明石化产业园（主片区）",
                    "郓城化工产业园", "鄄城化工产业园", "山东步长制药产业园"],
        "parent_id": ["", "", "", "p-c", "", "", ""],
        "county_adcode": ["371702", "", "371728", "371728", "371725", "371726", "371702"],
    })
    places = place_words("菏泽市", ["郓城县", "鄄城县", "东明县", "牡丹区"])
    pairs = likely_duplicates(frame, places=places)
    assert {(r.id_a, r.id_b) for r in pairs.itertuples()} == {("p-a", "p-b")}
    # same distinctive name in two counties is two places
    other = frame.assign(name_zh=["步长制药", "步长制药", "x", "y", "z", "w", "v"],
                         county_adcode=["371702", "371703", "", "", "", "", ""])
    assert likely_duplicates(other, places=places).empty


def test_place_words_strip_suffixes_longest_first():
    assert place_words("菏泽市", ["曹县", "郓城县"]) == ("菏泽市", "郓城县", "曹县", "菏泽", "郓城")


def _firms(names: list[str], counties: list[str] | None = None) -> pd.DataFrame:
    """Synthetic enterprises: ids e-0 … in the order of `names`."""
    return pd.DataFrame({"id": [f"e-{i}" for i in range(len(names))], "name_zh": names,
                         "county_adcode": counties or ["371702"] * len(names)})


def test_the_search_narrows_with_the_size_of_the_table():
    assert search_method(duplicates.EVERY_PAIR_UP_TO) == "every_pair"
    assert search_method(duplicates.EVERY_PAIR_UP_TO + 1) == "neighbours"
    assert search_method(duplicates.NEIGHBOURS_UP_TO) == "neighbours"
    assert search_method(duplicates.NEIGHBOURS_UP_TO + 1) == "identical"


NAMES = ["华鲁恒升", "泰山钢铁", "华鲁恒升化工", "黄河制药", "鲁恒升", "泰山钢铁", "东明石化",
         "黄河制药有限公司"]


def test_neighbours_find_shared_beginnings_endings_and_identical_names(monkeypatch):
    monkeypatch.setattr(duplicates, "EVERY_PAIR_UP_TO", 2)
    pairs = likely_duplicates(_firms(NAMES))
    found = {(r.id_a, r.id_b) for r in pairs.itertuples()}
    # 华鲁恒升 / 华鲁恒升化工 (化工 is a generic word), 华鲁恒升 / 鲁恒升 (same ending),
    # 泰山钢铁 twice, 黄河制药 and its 有限公司
    assert {("e-0", "e-2"), ("e-0", "e-4"), ("e-1", "e-5"), ("e-3", "e-7")} <= found
    assert not any("e-6" in pair for pair in found)
    assert list(pairs.columns) == COLUMNS
    assert pairs[["id_a", "id_b"]].apply(tuple, axis=1).is_monotonic_increasing


def test_neighbours_keep_the_county_and_parent_rules(monkeypatch):
    monkeypatch.setattr(duplicates, "EVERY_PAIR_UP_TO", 2)
    frame = _firms(["泰山钢铁", "泰山钢铁", "泰山钢铁", "黄河"], ["371702", "371703", "", "371702"])
    frame["parent_id"] = ["", "", "e-0", ""]
    found = {(r.id_a, r.id_b) for r in likely_duplicates(frame).itertuples()}
    assert found == {("e-1", "e-2")}  # other county: no; child of e-0: no; no county: yes


def test_at_the_largest_sizes_only_identical_names_of_one_county_pair(monkeypatch):
    monkeypatch.setattr(duplicates, "EVERY_PAIR_UP_TO", 1)
    monkeypatch.setattr(duplicates, "NEIGHBOURS_UP_TO", 2)
    frame = _firms(["泰山钢铁", "华鲁恒升", "泰山钢铁有限公司", "泰山钢铁", "华鲁恒升化工", "泰山钢铁"],
                   ["371702", "371702", "371702", "371703", "371702", "371702"])
    pairs = likely_duplicates(frame)
    # one star per group: each copy beside the first; 371703's copy stands alone
    assert [(r.id_a, r.id_b, r.similarity) for r in pairs.itertuples()] == [
        ("e-0", "e-2", 1.0), ("e-0", "e-5", 1.0), ("e-1", "e-4", 1.0)]


@pytest.mark.parametrize("limits", [(1000, 20000), (0, 20000), (0, 0)])
def test_no_records_no_pairs_in_every_mode(monkeypatch, limits):
    monkeypatch.setattr(duplicates, "EVERY_PAIR_UP_TO", limits[0])
    monkeypatch.setattr(duplicates, "NEIGHBOURS_UP_TO", limits[1])
    for frame in (_firms([]), _firms(["甲乙丙", "丁戊己"])):
        pairs = likely_duplicates(frame)
        assert pairs.empty and list(pairs.columns) == COLUMNS
