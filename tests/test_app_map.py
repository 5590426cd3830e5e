"""AppTest of the map page's reading aids: an empty result names the filter to relax, filters say
which layers they act on, a county choice frames the map on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP, private_store


@pytest.fixture(autouse=True)
def store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every test gets its own working store and editors file."""
    return private_store(monkeypatch, tmp_path / "store")


def _map(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    return at


def test_an_empty_result_names_the_filter_to_relax_in_both_languages():
    at = _map()
    at.multiselect(key="map_counties__zh").set_value(["371728"]).run()  # 东明县
    at.text_input(key="map_search__zh").set_value("郓城").run()  # no 郓城 record lies in 东明
    notes = [i.value for i in at.info]
    assert any("去掉「" in n and "筛选可看到" in n for n in notes), notes
    at.text_input(key="map_search__zh").set_value("没有这个名字").run()
    assert any("去掉「名称搜索」筛选可看到" in i.value for i in at.info)
    en = _map("en")
    en.text_input(key="map_search__en").set_value("no such name").run()
    assert any("Without the Search by name filter" in i.value for i in en.info)


def test_a_filter_that_matches_records_says_nothing_about_relaxing():
    at = _map()
    at.multiselect(key="map_counties__zh").set_value(["371728"]).run()
    assert not any("去掉「" in i.value for i in at.info)


def test_park_kind_and_stage_filters_say_which_layers_they_act_on():
    at = _map()
    assert "仅作用于园区图层" in at.multiselect(key="map_kinds__zh").help
    assert "仅作用于项目图层" in at.multiselect(key="map_stages__zh").help
    en = _map("en")
    assert "parks only" in en.multiselect(key="map_kinds__en").help
