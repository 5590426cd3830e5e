"""Tests for parks.files.uploads and parks.files.uploads: encodings, XLSX traps, bad files, header mapping."""

from __future__ import annotations

import io
from datetime import date, datetime
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from parks.files.uploads import MAX_BYTES, UploadError, match_headers, read_upload
from parks.model.schema import ENTERPRISES, PROJECTS

CSV = "企业名称,注册地址\n测试生物,郓城县随官屯镇\n,\n甲公司,曹县\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (CSV.encode("utf-8"), "utf-8"), (CSV.encode("utf-8-sig"), "utf-8 with BOM"),
    (CSV.encode("gbk"), "gb18030"), (CSV.encode("gb18030"), "gb18030"),
])
def test_csv_encodings_are_detected(data, encoding):
    upload = read_upload(data, "list.csv")
    assert upload.encoding == encoding
    assert list(upload.frame["企业名称"]) == ["测试生物", "甲公司"]  # the empty row is dropped
    assert list(upload.frame.index) == [0, 2]  # row numbers still point into the file


def test_tab_and_semicolon_separated():
    assert list(read_upload(CSV.replace(",", "\t").encode(), "x.txt").frame.columns) == [
        "企业名称", "注册地址"]
    assert len(read_upload(CSV.replace(",", ";").encode(), "x.csv").frame) == 2


def _xlsx(rows, merge: str = "") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_formulas_are_reported_and_not_kept():
    upload = read_upload(_xlsx([["名称", "地址"], ["甲", '=HYPERLINK("http://x","郓城")'],
                                ["乙", 123.0]]), "a.xlsx")
    assert upload.encoding == "xlsx"
    assert upload.frame.iloc[0]["地址"] == "" and upload.frame.iloc[1]["地址"] == "123"
    [problem] = upload.problems
    assert (problem.row, problem.field) == (2, "地址") and "formula" in problem.reason


def test_merged_header_cells_are_named():
    upload = read_upload(_xlsx([["名称", None, "地址"], ["甲", "x", "曹县"]], merge="A1:B1"),
                         "m.xlsx")
    assert [(p.row, p.field) for p in upload.problems] == [(1, "A1:B1")]
    assert "merged header" in upload.problems[0].reason


def test_merged_header_cells_are_named_by_both_readers():
    # a formula sends the sheet through openpyxl (it alone tells which cell holds one)
    upload = read_upload(_xlsx([["名称", None, "地址", None], ["甲", "x", "曹县", "=1+1"]],
                               merge="C1:D1"), "m.xlsx")
    assert [(p.row, p.field) for p in upload.problems if "merged" in p.reason] == [(1, "C1:D1")]


def test_the_fast_reader_gives_openpyxls_cells(monkeypatch):
    sheet = [[None, "名称", "日期", "数量", "备注"], [None, "甲", datetime(2025, 6, 1), 3.0, " 有空格 "],
             [None, None, None], [None, "乙", date(2024, 12, 31), 2.5, None],
             [None, "丙", "2025-06", 7, True]]
    data = _xlsx(sheet)
    fast = read_upload(data, "f.xlsx")
    monkeypatch.setattr("parks.files.uploads.scan_workbook",
                        lambda d: SimpleNamespace(problems=[], formulas=True))  # force openpyxl
    slow = read_upload(data, "f.xlsx")
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert list(fast.frame.columns) == ["column 1", "名称", "日期", "数量", "备注"]
    assert fast.frame["日期"].tolist() == ["2025-06-01", "2024-12-31", "2025-06"]
    assert fast.frame["数量"].tolist() == ["3", "2.5", "7"]
    assert fast.frame["备注"].tolist() == ["有空格", "", "True"]
    assert list(fast.frame.index) == [0, 2, 3]  # the blank row dropped, numbers still the sheet's


@pytest.mark.parametrize(("data", "fragment"), [
    (b"", "empty"), (b"%PDF-1.4 ...", "PDF"), (b"\x89PNG\r\n\x1a\n....", "PNG"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "XLS"),
    (b"PK\x03\x04 not really a zip", "XLSX"), (b"\x00\x01\x02" * 100, "binary"),
    (bytes(range(128, 256)) * 20, "UTF-8"),
])
def test_files_that_are_not_tables_get_a_clear_error(data, fragment):
    with pytest.raises(UploadError, match=fragment):
        read_upload(data, "bad.csv")


def test_fifty_megabytes_is_refused_before_reading():
    with pytest.raises(UploadError, match=r"52\.4 MB is too large"):
        read_upload(b"a" * (50 * 1024 * 1024), "big.csv")
    assert MAX_BYTES < 50 * 1024 * 1024


def test_headers_in_chinese_and_english():
    matches = match_headers(["企业名称", "注册地址", "Industry", "经度", "纬度", "备注 ", "xyz"],
                            ENTERPRISES)
    assert [(m.field, m.sure) for m in matches] == [
        ("name_zh", True), ("address", True), ("industry", True), ("lon", True), ("lat", True),
        ("note", True), ("", True)]


def test_close_headers_are_guesses_to_confirm_and_fields_are_not_taken_twice():
    matches = match_headers(["项目名称(全称)", "项目名称", "总投资额（亿元）"], PROJECTS)
    assert matches[0].field == "name_zh" and not matches[0].sure
    assert matches[1].field == ""  # name_zh is taken by the first column
    assert matches[2].field == "investment_yi"
