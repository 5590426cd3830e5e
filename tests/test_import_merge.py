"""An import updates only what its file carries (issue 19, hole 2), says each change before the
commit, asks before guessing columns or storing part of a bad file (hole 10)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parks.config import Settings
from parks.files.geocoder import address_geocoder
from parks.files.import_merge import carried_fields, keep_stored
from parks.files.import_run import ImportOptions, run_import
from parks.files.importing import ImportSettings, commit_preview, prepare_import
from parks.files.uploads import match_headers, read_upload
from parks.model.schema import ENTERPRISES
from parks.model.validate import validation_context
from parks.store import open_store
from tests.records import DATA

FIRM = "e-saituo-bio"  # a seed enterprise with full name, industry, county, note …


@pytest.fixture
def store(store_location):
    """A fresh store of each backend (GeoPackage, PostGIS): partial updates behave the same."""
    with open_store(store_location, data_dir=DATA) as opened:
        yield opened


def _import(store, sheet: str, *, clear_empty: bool = False, lang_file: str = "f.csv"):
    upload = read_upload(sheet.encode("utf-8"), lang_file)
    mapping = {m.header: m.field for m in match_headers(list(upload.frame.columns), ENTERPRISES)}
    ctx = validation_context(DATA)
    preview = prepare_import(upload, mapping, ImportSettings("enterprises", "371700", "t", "2026-01",
                                                             clear_empty=clear_empty),
                             locate_address=address_geocoder("371700", {}), ctx=ctx,
                             stored=store.read_tables())
    return preview, ctx


def _stored(store) -> pd.Series:
    firms = store.read_tables()["enterprises"]
    return firms.set_index("id").loc[FIRM]


def test_a_sheet_of_a_few_columns_changes_only_those_and_says_what_changes(store):
    before = _stored(store)
    preview, ctx = _import(store, f"id,name_zh,source\n{FIRM},新名字,新来源\n")
    report = preview.report.iloc[0]
    assert "中文名称：" in report["changes_zh"] and "→ 新名字" in report["changes_zh"]
    assert "full_name" not in report["changes"]  # nothing else is said to change …
    result = commit_preview(store, preview, user="t", reason="few columns", ctx=ctx)
    after = _stored(store)
    assert result.updated["enterprises"] == 1 and after["name_zh"] == "新名字"
    for field in ("full_name", "industry", "subsector", "county_adcode", "park_id", "note",
                  "lon", "lat", "precision"):
        assert after[field] == before[field], field  # … and nothing else changes
    assert (after["source"], after["as_of"]) == ("新来源", "2026-01")  # the change's provenance


def test_empty_cells_keep_stored_values_unless_clearing_is_asked(store):
    before = _stored(store)
    assert before["note"]
    kept, _ = _import(store, f"id,name_zh,note\n{FIRM},{before['name_zh']},\n")
    assert kept.records.iloc[0]["note"] == before["note"] and kept.report.iloc[0]["changes"] == ""
    cleared, _ = _import(store, f"id,name_zh,note\n{FIRM},{before['name_zh']},\n", clear_empty=True)
    assert cleared.records.iloc[0]["note"] == ""
    assert "备注：" in cleared.report.iloc[0]["changes_zh"] and "→ ∅" in cleared.report.iloc[0][
        "changes_zh"]


def test_reimporting_the_original_sheet_after_an_edit_keeps_the_edit(store):
    firm = store.read_tables()["enterprises"].set_index("id").loc[[FIRM]].reset_index()
    firm["note"] = "编辑补充的备注"
    store.commit({"enterprises": firm}, user="编辑", reason="edit")
    sheet = f"id,name_zh,industry\n{FIRM},{firm['name_zh'][0]},{firm['industry'][0]}\n"
    preview, ctx = _import(store, sheet)
    result = commit_preview(store, preview, user="t", reason="again", ctx=ctx)
    assert result.unchanged["enterprises"] == 1 and _stored(store)["note"] == "编辑补充的备注"


def test_keep_stored_leaves_new_records_and_the_callers_frame_alone():
    stored = pd.DataFrame({"id": ["a"], "name_zh": ["甲"], "note": ["旧"], "source": ["s"],
                           "as_of": ["2020"], "confidence": ["low"], "region_adcode": ["371700"]})
    frame = pd.DataFrame({"id": ["a", "b"], "name_zh": ["甲", "乙"], "note": ["", "新"],
                          "source": ["t", "t"], "as_of": ["2026", "2026"],
                          "confidence": ["medium", "medium"], "region_adcode": ["371700"] * 2})
    copy = frame.copy()
    out = keep_stored(frame, stored, carried_fields({"名称": "name_zh", "备注": "note"}))
    pd.testing.assert_frame_equal(frame, copy)
    assert list(out["note"]) == ["旧", "新"]
    assert list(out["source"]) == ["s", "t"]  # nothing else changed: provenance stays stored
    assert carried_fields({"地址": "address"}) >= {"lon", "lat", "precision", "town"}


def test_cli_asks_before_applying_guessed_columns_and_reads_full_width_digits(tmp_path, capsys):
    from parks.__main__ import main

    sheet = tmp_path / "g.csv"
    sheet.write_text("企业名称,经度数值,纬度,数据日期\n全角公司,１１５.４８,３５.２５,2024\n",
                     encoding="utf-8")
    store = str(tmp_path / "s.gpkg")
    assert main(["import", str(sheet), "--kind", "enterprises", "--store", store]) == 2
    err = capsys.readouterr().err
    assert "经度数值 → lon" in err and "--accept-guesses" in err
    assert main(["import", str(sheet), "--kind", "enterprises", "--store", store,
                 "--accept-guesses"]) == 0
    with open_store(Path(store)) as opened:
        firm = opened.read_tables()["enterprises"].set_index("name_zh").loc["全角公司"]
    assert (firm["lon"], firm["lat"]) == ("115.48", "35.25")


def test_two_rows_with_one_explicit_id_are_said_to_share_the_id(store):
    preview, _ = _import(store, "id,name_zh,address\ne-x,甲公司,郓城县\ne-x,乙公司,曹县\n")
    assert "same id as row 2" in preview.report.iloc[1]["message"]
    assert "与第 2 行编号相同" in preview.report.iloc[1]["message_zh"]


def test_run_import_with_clear_empty_option(tmp_path, store, store_location):
    sheet = tmp_path / "c.csv"
    sheet.write_text(f"id,name_zh,note,as_of\n{FIRM},{_stored(store)['name_zh']},,2025\n",
                     encoding="utf-8")
    settings = Settings(store_location=str(store_location))
    run = run_import(sheet, "enterprises", ImportOptions("371700", clear_empty=True), settings)
    assert run.committed is not None and run.committed.updated["enterprises"] == 1
    assert _stored(store)["note"] == ""


def test_the_import_page_asks_whether_empty_cells_clear():
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from ui.import_review import import_settings

        chosen = import_settings("enterprises", "371700", "f.csv", {"数据日期": "as_of"}, "zh")
        st.write(f"clear={chosen.clear_empty}")

    at = AppTest.from_function(page).run()
    box = at.checkbox(key="import_clear_empty")
    assert box.label == "空白单元格清空已有记录的对应字段" and not box.value
    assert at.markdown[0].value == "clear=False"
    box.check().run()
    assert at.markdown[0].value == "clear=True"
