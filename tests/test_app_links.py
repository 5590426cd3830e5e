"""AppTest of links: each page restores its state from the address and writes it back."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP, private_store


@pytest.fixture(autouse=True)
def store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every test gets its own working store and editors file."""
    return private_store(monkeypatch, tmp_path / "store")


def _link(page: str, **params: str) -> AppTest:
    """The app entered on `page` through a link carrying params (as st.page_link does)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params.clear()
    at.query_params.update(params)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_links_restore_each_page_and_the_page_writes_them_back(monkeypatch):
    park = _link("app_pages/park.py", id="p-yuncheng-chem")
    assert park.selectbox(key="park_pick").value == "p-yuncheng-chem"
    assert park.title[0].value == "郓城化工产业园"
    explorer = _link("app_pages/explorer.py", industry="NMT.CHEMICAL", chemical="1", area="2.5",
                     counties="371728,999999")
    assert explorer.selectbox(key="explorer_industry").value == "NMT.CHEMICAL"
    assert explorer.checkbox(key="explorer_chemical").value is True
    assert explorer.number_input(key="explorer_area").value == 2.5
    assert explorer.multiselect(key="explorer_counties").value == ["371728"]  # unknown dropped
    assert explorer.query_params["counties"] == "371728" and explorer.query_params["area"] == "2.5"
    nearby = _link("app_pages/nearby.py", park="p-dongming-petrochem", r="5", at="35.25000,115.10000")
    assert nearby.slider(key="nearby_radius").value == 5.0
    assert nearby.session_state["nearby_point"] == (115.1, 35.25)
    assert nearby.query_params["at"] == "35.25000,115.10000" and nearby.query_params["r"] == "5"
    compare = _link("app_pages/compare.py", ids="p-dongming-petrochem,nope,p-yuncheng-chem")
    assert compare.multiselect(key="compare_ids").value == ["p-dongming-petrochem", "p-yuncheng-chem"]


def test_a_later_rerun_keeps_the_choice_not_the_link(monkeypatch):
    at = _link("app_pages/park.py", id="p-yuncheng-chem")
    at.selectbox(key="park_pick").set_value("p-dongming-petrochem").run()
    assert not at.exception
    assert at.selectbox(key="park_pick").value == "p-dongming-petrochem"
    assert at.query_params["id"] == "p-dongming-petrochem"


def test_unreadable_link_values_are_reported_not_crashing(monkeypatch):
    explorer = _link("app_pages/explorer.py", area="big", hub="999", chemical="1")
    assert any("area=big" in w.value and "hub=999" in w.value for w in explorer.warning)
    assert explorer.checkbox(key="explorer_chemical").value is True  # the readable rest is kept
    assert explorer.number_input(key="explorer_area").value == 0.0
    nearby = _link("app_pages/nearby.py", at="here", r="0")
    assert any("at=here" in w.value and "r=0" in w.value for w in nearby.warning)
    assert nearby.slider(key="nearby_radius").value == 10.0 and "at" not in nearby.query_params


def test_shared_keys_from_a_link_are_checked_once(monkeypatch):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "fr", "region": "000000"})
    at.run()
    assert not at.exception
    assert at.session_state["lang"] == "zh" and at.session_state["region"] == "371700"
    assert at.query_params["lang"] == "zh" and at.query_params["region"] == "371700"


def test_the_chemical_parks_page_says_what_is_decidable():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("app_pages/chemical.py").run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["化工企业"]) == int(metrics["无法判定"]) > 0  # no outlines in data/ yet
    assert metrics["入园率"] == "—" and "尚无可判定" in at.info[0].value
    at.multiselect(key="chem_counties").set_value(["371703"]).run()  # 定陶区
    assert not at.exception, at.exception
    assert int({m.label: m.value for m in at.metric}["化工企业"]) == 1
    assert at.query_params["county"] == "371703"  # a shared link opens the same county
