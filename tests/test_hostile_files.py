"""Hostile files written by the tests (issue 19): huge grids and strings in small XLSX files,
broken XML, rows wider than the header, control characters, formula starts, overlong values.
Each is refused or made inert with a message naming the file, row or field; none reaches a store
or breaks an export; no traceback."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from parks.errors import DataValidationError
from parks.files.exports import export
from parks.files.importing import ImportSettings, prepare_import, report_csv
from parks.files.uploads import UploadError, match_headers, read_upload
from parks.model.dataset import read_table
from parks.model.schema import ENTERPRISES, SPECS
from parks.model.validate import validation_context
from parks.store import open_store
from parks.store.base import export_csv
from tests.records import DATA


@pytest.fixture(scope="module")
def ctx(cache_dir):
    return validation_context(DATA, cache_dir=cache_dir)


def _xlsx(cells: dict[str, str]) -> bytes:
    book = openpyxl.Workbook()
    for ref, value in cells.items():
        book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _replaced(data: bytes, part: str, content: bytes) -> bytes:
    """The workbook with one part's XML swapped for `content` (synthetic hostile XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == part else src.read(info))
    return out.getvalue()


def _preview(data: bytes, ctx, name: str):
    upload = read_upload(data, name)
    mapping = {m.header: m.field for m in match_headers(list(upload.frame.columns), ENTERPRISES)}
    from parks.files.geocoder import address_geocoder
    from parks.model.dataset import read_tables

    stored, _ = read_tables(DATA)
    return prepare_import(upload, mapping, ImportSettings("enterprises", "371700", "t", "2026-01"),
                          locate_address=address_geocoder("371700", {}), ctx=ctx, stored=stored)


def test_a_tiny_workbook_with_a_cell_at_the_grid_end_is_refused_before_reading():
    data = _xlsx({"A1": "名称", "XFD1048576": "x"})
    assert len(data) < 10_000
    with pytest.raises(UploadError) as error:
        read_upload(data, "far.xlsx")
    assert "far.xlsx" in str(error.value) and "1,048,576 rows" in str(error.value)
    assert "16,384 columns" in str(error.value)


def test_a_workbook_holding_one_huge_string_is_refused_with_little_memory():
    base = _xlsx({"A1": "名称", "A2": "x"})
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    huge = (b"<worksheet " + ns + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            + "名称".encode() + b'</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>'
            + b"a" * 60_000_000 + b"</t></is></c></row></sheetData></worksheet>")
    data = _replaced(base, "xl/worksheets/sheet1.xml", huge)
    assert len(data) < 1_000_000  # 60 MB of text packs into a small file
    tracemalloc.start()
    try:
        with pytest.raises(UploadError, match="a cell longer than 32,767 characters"):
            read_upload(data, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 60_000_000  # never the whole string: the parts are streamed in 1 MB pieces


def test_broken_xml_in_a_workbook_is_a_clear_refusal():
    data = _replaced(_xlsx({"A1": "名称"}), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row")
    with pytest.raises(UploadError, match=r"broken\.xlsx: not a readable XLSX workbook"):
        read_upload(data, "broken.xlsx")


def test_a_csv_row_wider_than_its_header_is_named():
    data = "名称,地址\n甲,郓城县\n乙,曹县,多余\n丙,定陶区,,\n".encode()
    with pytest.raises(UploadError) as error:
        read_upload(data, "wide.csv")
    assert "row 3 (3 cells)" in str(error.value) and "row 4" not in str(error.value)
    # an empty cell past the header (a separator at the line's end) loses nothing: read
    assert read_upload("名称,地址\n甲,郓城县,\n".encode(), "ok.csv").frame.shape == (1, 2)


def test_cli_import_of_a_wide_csv_is_one_line(tmp_path, capsys):
    from parks.__main__ import main

    wide = tmp_path / "wide.csv"
    wide.write_text("名称,地址,数据日期\n甲,郓城县,2024,多余\n", encoding="utf-8")
    assert main(["import", str(wide), "--kind", "enterprises", "--store",
                 str(tmp_path / "s.gpkg"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "wide.csv" in err and "row 2" in err and "Traceback" not in err


def test_control_characters_are_refused_naming_row_and_field_and_word_breaks_kept(ctx):
    filler = "甲" * 5000  # the NUL lies past the first 4 KB, where the binary check looks
    sheet = (f"企业名称,注册地址,备注\n控制字符\x01公司,郓城县随官屯镇,\n"
             f"换行公司,郓城县随官屯镇,第一行\x0b第二行\n零字节公司,郓城县,{filler}\x00\n")
    preview = _preview(sheet.encode("utf-8"), ctx, "ctl.csv")
    report = preview.report.set_index("row")
    assert report.loc[2, "status"] == "error" and "U+0001" in report.loc[2, "message"]
    assert "name_zh" in report.loc[2, "message"]
    assert report.loc[4, "status"] == "error" and "U+0000" in report.loc[4, "message"]
    assert report.loc[3, "status"] == "ok"
    assert list(preview.records["note"]) == ["第一行\n第二行"]  # Word's line break is a newline


def test_a_store_refuses_control_characters_and_overlong_values(tmp_path):
    with open_store(tmp_path / "s.gpkg", data_dir=DATA) as store:
        firm = store.read_tables()["enterprises"].iloc[[0]].copy()
        firm["name_zh"] = "坏\x01名"
        firm["note"] = "长" * 4001
        with pytest.raises(DataValidationError) as error:
            store.commit({"enterprises": firm}, user="t", reason="hostile")
        text = str(error.value)
        assert "U+0001" in text and "name_zh" in text and "4,001 characters" in text
        assert store.read_tables()["enterprises"].iloc[0]["name_zh"] != "坏\x01名"


def test_ten_megabyte_name_is_refused_at_import(ctx):
    preview = _preview(("企业名称,注册地址\n" + "长" * 1_000_000 + ",郓城县\n").encode(), ctx, "long.csv")
    message = preview.report.set_index("row").loc[2, "message"]
    assert "1,000,000 characters" in message and "limit for this field is 100" in message
    assert len(message) < 400  # the value is cut in the report, not echoed whole


def test_exports_of_stored_control_characters_and_formula_starts_are_inert(heze, tmp_path):
    from dataclasses import replace

    from parks.analysis.query import Selection
    from parks.display.print_map import BriefingSpec

    firms = heze.enterprises.copy()
    firms.loc[firms.index[0], "name_zh"] = "旧库\x0b里的\x01名字"  # stored before the checks
    firms.loc[firms.index[1], "name_zh"] = "+cmd|' /C calc'!A0"
    world = replace(heze, enterprises=firms)
    data = export("xlsx", world, Selection(world.parks.iloc[0:0], firms, world.projects.iloc[0:0]),
                  BriefingSpec()).data  # openpyxl refused \x01 (IllegalCharacterError) before
    names = [row[1] for row in openpyxl.load_workbook(io.BytesIO(data))["enterprises"].values]
    assert "旧库\n里的名字" in names and "'+cmd|' /C calc'!A0" in names


def test_report_and_store_export_neutralise_formula_starts_and_read_back_unchanged(ctx, tmp_path):
    preview = _preview("企业名称,注册地址\n@SUM(1+1)*cmd,郓城县\n-2+3,郓城县\n".encode(), ctx, "f.csv")
    report = pd.read_csv(io.BytesIO(report_csv(preview)), dtype=str, encoding="utf-8-sig")
    assert set(report["name"]) == {"'@SUM(1+1)*cmd", "'-2+3"}
    with open_store(tmp_path / "s.gpkg", data_dir=DATA) as store:
        firm = store.read_tables()["enterprises"].iloc[[0]].copy()
        firm["name_zh"] = "=HYPERLINK(\"http://x\")"
        firm["lon"] = "-5"  # a plain number stays a number
        store.commit({"enterprises": firm}, user="t", reason="hostile")
        folder = Path(tmp_path / "out")
        export_csv(store, folder)
    raw = (folder / "enterprises.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw
    back, _ = read_table(folder / "enterprises.csv", SPECS["enterprises"])
    assert back.iloc[0]["name_zh"] == "=HYPERLINK(\"http://x\")" and back.iloc[0]["lon"] == "-5"


def test_a_full_disk_while_the_store_is_first_made_is_one_line(tmp_path, capsys, monkeypatch):
    import sqlite3

    from parks.__main__ import main

    real = sqlite3.connect

    def full(*args, **kwargs):
        conn = real(*args, **kwargs)
        conn.set_authorizer(lambda action, *rest: (sqlite3.SQLITE_DENY if action ==
                                                   sqlite3.SQLITE_INSERT else sqlite3.SQLITE_OK))
        return conn

    monkeypatch.setattr(sqlite3, "connect", full)  # every insert fails, as on a full disk
    code = main(["store", "info", "--store", str(tmp_path / "s.gpkg")])
    err = capsys.readouterr().err
    assert code in (2, 3) and err.startswith("error: ") and err.count("\n") == 1
    assert "Traceback" not in err
