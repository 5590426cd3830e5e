"""Tests for parks.files.importing/imports: geocoded records, row report, no duplicates, round trips."""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from geo import providers
from geo.rate_limit import RateLimiter
from parks.config import Settings
from parks.files.geocoder import address_geocoder
from parks.files.import_run import ImportOptions, ImportRun, run_import
from parks.files.importing import (
    ImportSettings,
    commit_preview,
    prepare_import,
    report_csv,
    stable_id,
)
from parks.files.uploads import match_headers, read_upload
from parks.model.dataset import read_tables
from parks.model.schema import ENTERPRISES, SPECS
from parks.model.validate import validation_context
from parks.store import open_store
from tests.fake_time import FakeTime
from tests.records import DATA, records_xlsx

SHEET = ("企业名称,注册地址,行业\n"
         "测试生物,山东省菏泽市郓城县随官屯镇工业园,生物医药\n"
         "<b>坏名字</b>,曹县普连集镇,高端装备制造\n"
         "远方公司,河南省濮阳市东明路,新能源\n"
         "无地址公司,,新材料\n"
         "测试生物,山东省菏泽市郓城县随官屯镇工业园,生物医药\n")


@pytest.fixture(scope="module")
def ctx(cache_dir):
    return validation_context(DATA, cache_dir=cache_dir)


def _preview(data: bytes, ctx, name: str = "list.csv", table: str = "enterprises"):
    upload = read_upload(data, name)
    mapping = {m.header: m.field for m in match_headers(list(upload.frame.columns), SPECS[table])}
    stored, _ = read_tables(DATA)
    settings = ImportSettings(table, "371700", f"import: {name}", "2026-11-21")
    return prepare_import(upload, mapping, settings, locate_address=address_geocoder("371700", {}),
                          ctx=ctx,
                          stored=stored)


def test_good_rows_are_kept_bad_rows_reported_by_row_and_field(ctx):
    preview = _preview(SHEET.encode("gbk"), ctx)
    report = preview.report.set_index("row")
    assert list(report["status"]) == ["ok", "error", "error", "ok", "error"]
    assert report.loc[2, "precision"] == "town" and report.loc[2, "town"] == "随官屯镇"
    assert "name_zh: contains HTML markup" in report.loc[3, "message"]
    assert "address: not_in_region" in report.loc[4, "message"]
    assert report.loc[5, "precision"] == "unlocated" and "not drawn" in report.loc[5, "message"]
    assert "same record as row 2" in report.loc[6, "message"]
    assert list(preview.records["name_zh"]) == ["测试生物", "无地址公司"]
    assert set(preview.records["industry"]) == {"BIO", "NMT"}  # labels became codes
    assert preview.failed == 3


def test_the_report_names_the_functional_area_of_a_geocoded_row(ctx):
    sheet = "企业名称,注册地址,行业\n区内公司,菏泽市牡丹区岳程街道长江路1号,生物医药\n"
    report = _preview(sheet.encode("gbk"), ctx).report.set_index("row")
    assert "功能区 菏泽经济开发区" in report.loc[2, "message_zh"]
    assert "functional area 菏泽经济开发区" in report.loc[2, "message"]


def test_the_chinese_report_says_everything_in_chinese(ctx):
    report = _preview(SHEET.encode("gbk"), ctx).report.set_index("row")
    assert "按地址定位（离线地名库" in report.loc[2, "message_zh"]
    assert "：地址不在本地区" in report.loc[4, "message_zh"]
    assert "与第 2 行是同一记录" in report.loc[6, "message_zh"]
    latin = [m for m in report["message_zh"] if re.search(r"[a-z]{3,}", m.split("（")[0])]
    assert latin == []


def test_report_downloads_as_csv_with_bom(ctx):
    data = report_csv(_preview(SHEET.encode("utf-8"), ctx))
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(table.columns) == ["row", "status", "id", "name", "county", "town", "precision",
                                   "functional_area", "message", "changes"]


def test_stable_ids_make_reimport_idempotent(ctx, tmp_path):
    store = open_store(tmp_path / "s.gpkg", data_dir=DATA)
    preview = _preview(SHEET.encode("utf-8"), ctx)
    first = commit_preview(store, preview, user="t", reason="first", ctx=ctx)
    assert first.inserted["enterprises"] == 2
    again = commit_preview(store, _preview(SHEET.encode("utf-8"), ctx), user="t", reason="again",
                           ctx=ctx)
    assert again.inserted["enterprises"] == 0 and again.unchanged["enterprises"] == 2
    assert len(store.read_tables()["enterprises"]) == 92
    assert stable_id(ENTERPRISES, "测试 生物", "郓城县") == stable_id(ENTERPRISES, "测试生物",
                                                                       "郓城县")


def test_nothing_is_stored_until_commit_and_dry_run_stores_nothing(tmp_path, cache_dir, heze):
    path = tmp_path / "list.csv"
    path.write_bytes(SHEET.encode("gbk"))
    store_path = tmp_path / "s.gpkg"
    settings = Settings(store_location=str(store_path), cache_dir=cache_dir)
    options = ImportOptions("371700", "t", "2026-11-21", dry_run=True)
    run = run_import(path, "enterprises", options, settings)
    assert run.committed is None and run.failed == 3
    with open_store(store_path) as store:
        assert len(store.read_tables()["enterprises"]) == len(heze.enterprises)
        assert store.version() == 1
    assert "row 4: error" in run.text
    # three bad rows: the two good ones are not stored either unless asked (--partial)
    whole = run_import(path, "enterprises", replace(options, dry_run=False), settings)
    assert whole.committed is None and whole.withheld and "--partial" in whole.text
    real = run_import(path, "enterprises", replace(options, dry_run=False, partial=True), settings)
    assert real.committed.inserted["enterprises"] == 2
    with open_store(store_path) as store:
        assert len(store.read_tables()["enterprises"]) == len(heze.enterprises) + 2


def test_merged_headers_block_the_whole_file(ctx):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业名称", None, "注册地址"])
    sheet.append(["甲", "x", "曹县"])
    sheet.merge_cells("A1:B1")
    buffer = io.BytesIO()
    book.save(buffer)
    preview = _preview(buffer.getvalue(), ctx, name="m.xlsx")
    assert preview.records.empty
    assert b"merged header" in report_csv(preview)


def test_seed_enterprises_round_trip_through_xlsx(ctx, tmp_path):
    stored, _ = read_tables(DATA)
    original = stored["enterprises"]
    preview = _preview(records_xlsx(original, ENTERPRISES), ctx, name="enterprises.xlsx")
    assert preview.failed == 0
    back = preview.records.sort_values("id").reset_index(drop=True)
    pd.testing.assert_frame_equal(back, original.sort_values("id").reset_index(drop=True))
    store = open_store(tmp_path / "s.gpkg", data_dir=DATA)
    result = commit_preview(store, preview, user="t", reason="round trip", ctx=ctx)
    assert result.unchanged["enterprises"] == len(original) and result.changed == 0


def test_values_that_look_like_formulas_survive_xlsx_as_text(ctx):
    stored, _ = read_tables(DATA)
    frame = stored["enterprises"].head(1).copy()
    frame["note"] = "=1+1 is text here"
    upload = read_upload(records_xlsx(frame, ENTERPRISES), "x.xlsx")
    assert upload.problems == () and upload.frame.iloc[0]["note"] == "=1+1 is text here"


def test_coordinates_in_the_sheet(ctx):
    sheet = ("名称,经度,纬度,坐标系\n甲,115.5,35.2,GCJ-02\n乙,35.2,115.5,WGS-84\n丙,abc,35,\n")
    preview = _preview(sheet.encode(), ctx, name="pts.csv")
    report = preview.report.set_index("row")
    assert report.loc[2, "status"] == "ok" and report.loc[2, "precision"] == "digitised"
    assert preview.records.iloc[0]["crs"] == "GCJ02"
    assert preview.records.iloc[0]["county_adcode"] != ""
    assert "swapped" in report.loc[3, "message"]
    assert "lon: not a number" in report.loc[4, "message"]


def test_cli_import_exit_codes(tmp_path, capsys):
    from parks.__main__ import main

    good = tmp_path / "good.csv"
    good.write_text("企业名称,注册地址\n新公司,巨野县麒麟镇\n", encoding="utf-8")
    store = str(tmp_path / "s.gpkg")
    # no as_of column and no --as-of: refused, never stamped with the import day
    assert main(["import", str(good), "--kind", "enterprises", "--store", store]) == 2
    assert "--as-of" in capsys.readouterr().err
    assert main(["import", str(good), "--kind", "enterprises", "--store", store,
                 "--as-of", "2023-06"]) == 0
    with open_store(Path(store)) as opened:
        firms = opened.read_tables()["enterprises"]
    assert firms.loc[firms["name_zh"] == "新公司", "as_of"].tolist() == ["2023-06"]
    bad = tmp_path / "bad.csv"
    bad.write_text("企业名称,注册地址,数据日期\n外地公司,濮阳市东明路,2024\n", encoding="utf-8")
    assert main(["import", str(bad), "--kind", "enterprises", "--store", store,
                 "--dry-run"]) == 1
    assert "not_in_region" in capsys.readouterr().out
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    assert main(["import", str(tmp_path / "x.pdf"), "--kind", "parks", "--store", store]) == 2


def test_cli_geocode(tmp_path, capsys):
    from parks.__main__ import main

    assert main(["geocode", "郓城县随官屯镇"]) == 0
    assert '"county": "郓城县"' in capsys.readouterr().out
    source = tmp_path / "in.csv"
    source.write_text("名称,地址\n甲,曹县普连集镇\n乙,濮阳市东明路\n丙,牡丹区岳程街道\n",
                      encoding="gbk")
    out = tmp_path / "out.csv"
    assert main(["geocode", "--file", str(source), "--column", "地址", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(table.columns) == ["名称", "地址", "county_adcode", "county", "town",
                                   "functional_area", "lon", "lat", "precision", "status"]
    assert list(table["status"]) == ["ok", "not_in_region", "ok"]
    assert list(table["functional_area"]) == ["", "", "菏泽经济开发区"]
    assert main(["geocode", "--file", str(source), "--column", "nope", "--out", str(out)]) == 2


def test_cli_store_info_and_export(tmp_path, capsys):
    from parks.__main__ import main

    store = str(tmp_path / "s.gpkg")
    assert main(["store", "info", "--store", store]) == 0
    assert "enterprises 90" in capsys.readouterr().out
    out = tmp_path / "out"
    shutil.copytree(DATA, out)  # exporting over the baseline keeps its row order: a clean diff
    assert main(["store", "export", str(out), "--store", store]) == 0
    for name in ("parks.csv", "enterprises.csv", "projects.csv"):
        assert (out / name).read_bytes() == (DATA / name).read_bytes()


def test_online_geocoding_in_an_import_is_rate_limited(ctx, monkeypatch):
    answer = json.loads((Path(__file__).parent / "data" / "provider_responses" /
                         "amap_house_number.json").read_text(encoding="utf-8"))["body"]
    clock, requests = FakeTime(), []

    def fetch(url: str, timeout: float, label: str) -> object:
        requests.append((clock.now, parse_qs(urlsplit(url).query)))
        return answer

    monkeypatch.setattr(providers, "_fetch_json", fetch)
    limiter = RateLimiter(5.0, sleep=clock.sleep, clock=clock.clock)
    locate = address_geocoder("371700", {"geocoder": "amap", "amap_key": "k"}, limiter=limiter)
    sheet = "企业名称,注册地址,行业\n" + "".join(
        f"企业{i},山东省菏泽市郓城县唐塔路{i}号,生物医药\n" for i in range(4))
    upload = read_upload(sheet.encode("utf-8"), "list.csv")
    mapping = {m.header: m.field for m in match_headers(list(upload.frame.columns), ENTERPRISES)}
    stored, _ = read_tables(DATA)
    prepare_import(upload, mapping, ImportSettings("enterprises", "371700", "t", "2026-11-21"),
                   locate_address=locate, ctx=ctx, stored=stored)
    times = [t for t, _ in requests]
    assert len(times) == 4 and len(clock.sleeps) == 3
    assert all(later - earlier >= 0.2 - 1e-9 for earlier, later in itertools.pairwise(times))
    assert {params["city"][0] for _, params in requests} == {"菏泽市"}


def test_credit_codes_are_recognised_checked_and_a_wrong_one_names_its_row(ctx):
    sheet = ("企业名称,统一社会信用代码,注册地址\n"
             "甲公司,91371702ma00000280,山东省菏泽市牡丹区\n"  # synthetic, valid, lower case
             "乙公司,91371702MA00000281,山东省菏泽市牡丹区\n")  # wrong check character
    upload = read_upload(sheet.encode("utf-8"), "list.csv")
    fields = [m.field for m in match_headers(list(upload.frame.columns), ENTERPRISES)]
    assert fields == ["name_zh", "credit_code", "address"]  # not the full name
    preview = _preview(sheet.encode("utf-8"), ctx)
    report = preview.report.set_index("row")
    assert report.loc[2, "status"] == "ok" and report.loc[3, "status"] == "error"
    assert "credit_code: wrong check character 1: GB 32100-2015 gives 0" in report.loc[3, "message"]
    assert "校验位错误" in report.loc[3, "message_zh"]
    assert preview.records["credit_code"].tolist() == ["91371702MA00000280"]
    assert b"\xe6\xa0\xa1\xe9\xaa\x8c\xe4\xbd\x8d" in report_csv(preview, "zh")  # 校验位


def test_a_column_of_codes_is_the_credit_code_whatever_its_header(ctx):
    sheet = "名称,代码\n甲公司,91371702MA00000280\n乙公司,91350100M000100Y43\n"
    upload = read_upload(sheet.encode("utf-8"), "list.csv")
    assert [m.field for m in match_headers(list(upload.frame.columns), ENTERPRISES)] == [
        "name_zh", "id"]  # by the header alone
    matches = match_headers(list(upload.frame.columns), ENTERPRISES, upload.frame)
    assert [(m.field, m.sure) for m in matches] == [("name_zh", True), ("credit_code", True)]


def test_a_known_town_without_a_point_says_why_it_sits_at_the_county_seat(ctx):
    # 仵楼镇 (曹县) is in data/towns.csv without a coordinate
    sheet = "企业名称,地址\n甲公司,山东省菏泽市曹县仵楼镇\n"
    by_sheet = "企业名称,县区,乡镇\n乙公司,曹县,仵楼镇\n"
    for data in (sheet, by_sheet):
        preview = _preview(data.encode("utf-8"), ctx)
        line = preview.report.iloc[0]
        assert (line["status"], line["precision"], line["town"]) == ("ok", "county", "仵楼镇")
        assert "仵楼镇 is known but has no point in data/towns.csv" in line["message"]
        assert "seat of 曹县" in line["message"]
        assert "乡镇「仵楼镇」已知，但 data/towns.csv 中没有它的驻地坐标" in line["message_zh"]
        assert "曹县县城驻地" in line["message_zh"]


def test_the_file_date_is_the_rows_as_of_and_is_checked(ctx):
    preview = _preview("企业名称,地址\n甲公司,山东省菏泽市牡丹区\n".encode(), ctx)
    assert preview.records["as_of"].tolist() == ["2026-11-21"]  # the settings' file date
    from datetime import date

    from parks.files.importing import needs_as_of
    from parks.model.validate import valid_as_of
    assert needs_as_of({"企业名称": "name_zh"}) and not needs_as_of({"日期": "as_of"})
    today = date(2026, 12, 3)
    assert [valid_as_of(t, today) for t in ("2024", "2024-06", "2024-06-30", "2026-12-03")] == [
        True] * 4
    assert [valid_as_of(t, today) for t in ("", "2024-13", "2024-02-30", "2027", "24-06")] == [
        False] * 5


def test_an_old_sheet_with_one_english_column_per_field_imports_it_as_english(ctx):
    """A sheet from before the bilingual split (area_basis, recognition): their text goes to
    <field>_en, the stored Chinese stays, and the report says so."""
    original = read_tables(DATA)[0]["parks"].head(12)
    old = original.drop(columns=["area_basis_zh", "recognition_zh"]).rename(
        columns={"area_basis_en": "area_basis", "recognition_en": "Recognition"})
    data = old.to_csv(index=False).encode("utf-8")
    preview = _preview(data, ctx, name="old-parks.csv", table="parks")
    assert preview.failed == 0, preview.report
    back = preview.records.set_index("id")
    for field in ("area_basis", "recognition"):
        assert back[f"{field}_en"].tolist() == original[f"{field}_en"].tolist()
        # the sheet has no Chinese column: the stored Chinese text is kept, never blanked
        assert back[f"{field}_zh"].tolist() == original[f"{field}_zh"].tolist()
    matches = tuple(match_headers(list(old.columns), SPECS["parks"]))
    legacy = {m.header: m.field for m in matches if m.legacy}
    assert legacy == {"area_basis": "area_basis_en", "Recognition": "recognition_en"}
    assert all(m.sure for m in matches if m.legacy)
    text = ImportRun(preview, matches, None).text
    assert "area_basis → area_basis_en (an old single-language column: imported as the English " \
           "text)" in text


def test_the_report_has_a_functional_area_column_for_geocoded_rows(ctx):
    sheet = ("企业名称,注册地址,行业\n区内公司,菏泽市牡丹区岳程街道长江路1号,生物医药\n"
             "县里公司,郓城县随官屯镇,生物医药\n")
    preview = _preview(sheet.encode("gbk"), ctx)
    report = preview.report.set_index("row")
    assert list(report["functional_area"]) == ["菏泽经济开发区", ""]
    assert "functional_area" not in preview.records.columns  # the report's, not a record field
    table = pd.read_csv(io.BytesIO(report_csv(preview)), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    assert list(table["functional_area"]) == ["菏泽经济开发区", ""]
