"""Tests for ui.permalink's tables: URL text ↔ session values round trip, unreadable values reported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui.permalink import FLAG, LIST, NUMBER, PAGES, SHARED, Param, decode, encode, limits

ROOT = Path(__file__).resolve().parent.parent

STATES = {
    "map": {"map_counties": ["371728", "371725"], "map_system": "231",
            "map_industries_231": ["231.A"], "map_industries_sei": ["NMT"], "map_tiers": [],
            "map_kinds": ["chemical_park"], "map_stages": ["", "planned"], "map_search": "东明",
            "map_basemap": "offline", "map_layers": ["parks", "projects"], "map_table": "parks"},
    "explorer": {"explorer_industry": "NMT.CHEMICAL", "explorer_chemical": True,
                 "explorer_area": 2.5, "explorer_hub": 30.0, "explorer_counties": ["371728"]},
    "park": {"park_id": "p-yuncheng-chem"},
    "nearby": {"nearby_park": "p-dongming-petrochem", "nearby_radius": 5.0,
               "nearby_point": (115.1, 35.25)},
    "compare": {"compare_ids": ["p-dongming-petrochem", "p-yuncheng-chem"]},
    "edit": {"edit_record": "e-0001"},
    "chemical": {"chem_counties": ["371728"]},
}


def test_every_page_table_has_a_round_trip_case():
    assert set(STATES) == set(PAGES)


@pytest.mark.parametrize("page", sorted(STATES))
def test_state_round_trips_through_the_url(page):
    params = PAGES[page]
    text = encode(params, STATES[page])
    restored = decode(params, text)
    assert restored.unreadable == []
    for key, value in restored.values.items():
        expected = STATES[page][key]
        assert value == (list(expected) if isinstance(expected, list) else expected), key
    # every non-empty value made it into the link and back
    assert {k for k, v in STATES[page].items() if v} - {"map_industries_sei"} == set(restored.values)


def test_map_industries_follow_the_system_of_the_link():
    params = PAGES["map"]
    assert encode(params, STATES["map"])["industry"] == "231.A"  # the chosen system's list only
    assert decode(params, {"industry": "NMT"}).values == {"map_industries_sei": ["NMT"]}
    assert decode(params, {"system": "231", "industry": "231.A,231.B"}).values == {
        "map_system": "231", "map_industries_231": ["231.A", "231.B"]}


def test_empty_and_off_values_are_left_out_of_the_link():
    state = {"explorer_industry": "", "explorer_chemical": False, "explorer_area": 0.0,
             "explorer_hub": 0, "explorer_counties": []}
    assert encode(PAGES["explorer"], state) == {}
    assert encode(PAGES["nearby"], {"nearby_park": "p", "nearby_radius": 10.0}) == {
        "park": "p", "r": "10"}  # no point chosen: no `at`
    assert encode(PAGES["map"], {"map_table": None, "map_system": "sei"}) == {"system": "sei"}


def test_the_unstated_stage_survives_the_link():
    params = PAGES["map"]
    assert encode(params, {"map_stages": [""]}) == {"stage": "unstated"}
    assert decode(params, {"stage": "unstated,planned"}).values == {"map_stages": ["", "planned"]}


def test_numbers_and_points_are_written_readably():
    assert encode(PAGES["explorer"], {"explorer_area": 2.50, "explorer_hub": 30.0}) == {
        "area": "2.5", "hub": "30"}
    assert encode(PAGES["nearby"], {"nearby_point": (115.123456789, 35.2)}) == {
        "at": "35.20000,115.12346"}


@pytest.mark.parametrize(("query", "unreadable", "values"), [
    ({"area": "big", "hub": "12"}, ["area=big"], {"explorer_hub": 12.0}),
    ({"area": "-3", "chemical": "1"}, ["area=-3"], {"explorer_chemical": True}),  # below the minimum
    ({"hub": "nan"}, ["hub=nan"], {}),
    ({"area": ""}, ["area="], {}),
])
def test_unreadable_numbers_are_reported_and_the_rest_restored(query, unreadable, values):
    restored = decode(PAGES["explorer"], query)
    assert restored.unreadable == unreadable
    assert restored.values == values


@pytest.mark.parametrize("at", ["35.2", "a,b", "35.2,115.1,9", ""])
def test_unreadable_point_is_reported(at):
    restored = decode(PAGES["nearby"], {"at": at, "r": "60", "park": "p"})
    assert restored.unreadable == ["r=60", f"at={at}"]  # in table order; r is past the 50 km slider
    assert restored.values == {"nearby_park": "p"}


def test_flags_and_lists_read_leniently():
    params = (Param("f", "flag", FLAG), Param("l", "list", LIST), Param("n", "num", NUMBER))
    assert decode(params, {"f": "yes", "l": ",a,,b,", "n": "1e1"}).values == {
        "flag": False, "list": ["a", "b"], "num": 10.0}


def test_shared_keys_are_plain_text():
    assert decode(SHARED, {"lang": "en", "region": "370800", "x": "1"}).values == {
        "lang": "en", "region": "370800"}


def test_limits_are_the_bounds_of_the_table():
    assert limits("nearby", "r") == (1.0, 50.0)
    with pytest.raises(LookupError, match="no bounds"):
        limits("park", "id")


def _called(path: Path, name: str) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name
            and node.args and isinstance(node.args[0], ast.Constant)]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_page_with_a_table_restores_and_publishes_it(page):
    path = ROOT / "app_pages" / f"{page}.py"
    assert _called(path, "restore") == [page] and _called(path, "publish") == [page]


def test_no_page_reads_the_url_by_hand():
    for path in (ROOT / "app_pages").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "st.query_params" not in text, path.name
