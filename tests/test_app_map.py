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


def _filters_unshown_and_shown() -> None:
    """A page reading the sidebar's values without widgets (a first paint), then with them."""
    import streamlit as st

    from ui import loaders
    from ui.map_filters import filter_widgets, map_option_widgets
    from ui.session import init_session, region

    init_session()
    dataset = loaders.dataset(region())
    unshown = filter_widgets(dataset, "zh", shown=False), map_option_widgets("zh", shown=False)
    st.session_state["unshown"] = unshown
    st.session_state["shown"] = filter_widgets(dataset, "zh"), map_option_widgets("zh")


def test_a_first_paint_reads_the_values_the_sidebar_widgets_then_show():
    at = AppTest.from_function(_filters_unshown_and_shown, default_timeout=120)
    at.session_state["map_counties"] = ["371722"]  # as a link leaves them (ui.permalink)
    at.session_state["map_search"] = "生物"
    at.session_state["map_layers"] = ["parks", "enterprises"]
    at.run()
    assert not at.exception
    (filters, options) = at.session_state["unshown"]
    assert (filters, options) == at.session_state["shown"]
    assert filters.counties == ("371722",) and filters.text == "生物"
    assert options.layers == ("parks", "enterprises")
    assert at.sidebar.multiselect(key="map_counties__zh").value == ["371722"]  # the widget agrees
