"""Streamlit AppTest of curated text in both languages: the park profile and the comparison show
each language's own area basis and recognition, and mark the other's when its own is empty."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from parks.model.dataset import read_tables
from parks.store import open_store
from tests.apptest import APP, login, private_store, stored
from tests.records import DATA

IDS = ["p-dongming-petrochem", "p-yuncheng-chem", "p-heze-hitech"]
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")  # km² and ha are the only Latin the Chinese text keeps


@pytest.fixture(autouse=True)
def store_path(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """Every test gets its own working store and editors file."""
    return private_store(monkeypatch, tmp_path / "store")


@pytest.fixture(scope="module")
def parks() -> pd.DataFrame:
    return read_tables(DATA)[0]["parks"].set_index("id")


def _page(page: str, language: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = language
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _profile_facts(park_id: str, language: str) -> pd.Series:
    at = _page("app_pages/park.py", language)
    at.selectbox(key="park_pick").set_value(park_id).run()
    assert not at.exception, at.exception
    facts = at.dataframe[0].value
    return facts.set_index(facts.columns[0])[facts.columns[1]]


def _cells(frame: pd.DataFrame) -> list[str]:
    return [str(v) for v in frame.to_numpy().ravel()]


def test_the_profile_in_chinese_shows_chinese_curated_text(parks):
    for park_id in IDS:
        facts = _profile_facts(park_id, "zh")
        park = parks.loc[park_id]
        assert facts["面积口径"] == park["area_basis_zh"]
        assert facts["认定"].startswith(park["recognition_zh"])
        for shown in (facts["面积口径"], facts["认定"]):
            assert not LATIN_WORD.search(shown), shown
        assert not {park["area_basis_en"], park["recognition_en"]} & set(facts)


def test_the_profile_in_english_shows_english_curated_text(parks):
    facts = _profile_facts("p-heze-hitech", "en")
    park = parks.loc["p-heze-hitech"]
    assert facts["Area basis"] == park["area_basis_en"]
    assert facts["Recognition"].startswith(park["recognition_en"])
    assert park["area_basis_zh"] not in set(facts)


@pytest.mark.parametrize(("language", "own", "other"), [("zh", "_zh", "_en"), ("en", "_en", "_zh")])
def test_the_comparison_shows_each_languages_own_curated_text(parks, language, own, other):
    at = _page("app_pages/compare.py", language)
    at.multiselect(key="compare_ids").set_value(IDS).run()
    assert not at.exception, at.exception
    cells = _cells(at.dataframe[0].value)
    for park_id in IDS:
        park = parks.loc[park_id]
        assert park[f"area_basis{own}"] in cells
        assert park[f"area_basis{other}"] not in cells
        assert not any(park[f"recognition{other}"] in c for c in cells)
    if language == "zh":
        rows = at.dataframe[0].value.set_index("属性")
        for row in ("面积口径", "认定"):
            assert not any(LATIN_WORD.search(str(v)) for v in rows.loc[row]), rows.loc[row]


def test_an_empty_chinese_text_falls_back_to_the_english_marked(store_path, parks):
    with open_store(store_path, data_dir=DATA) as store:  # the store the app then opens
        stored = store.read_tables()["parks"]
        row = stored[stored["id"] == "p-yuncheng-chem"].assign(recognition_zh="")
        store.commit({"parks": row}, user="test", reason="synthetic: Chinese text not written yet")
    facts = _profile_facts("p-yuncheng-chem", "zh")
    assert facts["认定"].startswith("（英文）" + parks.loc["p-yuncheng-chem", "recognition_en"])
    assert facts["面积口径"] == parks.loc["p-yuncheng-chem", "area_basis_zh"]


def test_the_edit_page_has_a_field_per_language_and_saves_the_chinese_text(store_path, parks):
    at = login(AppTest.from_file(APP, default_timeout=120).run())
    at.switch_page("app_pages/edit.py").run()
    at.radio(key="edit_table__zh").set_value("parks").run()
    at.selectbox(key="edit_record__zh").set_value("p-yuncheng-chem").run()
    areas = {w.label: w for w in at.main.text_area if w.label.startswith("认定")}
    assert set(areas) == {"认定（中文）", "认定（英文）"}
    assert areas["认定（英文）"].value == parks.loc["p-yuncheng-chem", "recognition_en"]
    areas["认定（中文）"].input("山东省省级化工园区（第1批）")
    next(b for b in at.main.button if b.label.startswith("保存字段")).click().run()
    assert not at.exception, at.exception
    saved = stored(store_path, "parks", "p-yuncheng-chem")
    assert saved["recognition_zh"] == "山东省省级化工园区（第1批）"
    assert saved["recognition_en"] == parks.loc["p-yuncheng-chem", "recognition_en"]
