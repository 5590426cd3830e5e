"""Tests for parks.files.sheet_template: a template per table comes back through the import."""

from __future__ import annotations

import pytest

from parks.files.geocoder import address_geocoder
from parks.files.importing import ImportSettings, needs_as_of, prepare_import
from parks.files.sheet_template import EXAMPLES, template_fields, template_xlsx
from parks.files.uploads import match_headers, read_upload
from parks.model.dataset import read_tables
from parks.model.schema import SPECS, field_column
from parks.model.validate import validation_context
from tests.records import DATA


@pytest.fixture(scope="module")
def ctx(cache_dir):
    return validation_context(DATA, cache_dir=cache_dir)


@pytest.mark.parametrize("table", list(SPECS))
def test_the_template_round_trips_through_the_import(table, ctx):
    upload = read_upload(template_xlsx(table), f"{table}-template.xlsx")
    headers = list(upload.frame.columns)
    assert headers == [field_column(f).heading.zh for f in template_fields(table)]
    assert "名称" in " ".join(headers) and not any(h.isascii() for h in headers)  # Chinese
    matches = match_headers(headers, SPECS[table], upload.frame)
    assert [m.field for m in matches] == template_fields(table) and all(m.sure for m in matches)
    mapping = {m.header: m.field for m in matches}
    assert not needs_as_of(mapping)  # the template has a 数据日期 column
    stored, _ = read_tables(DATA)
    preview = prepare_import(upload, mapping, ImportSettings(table, "371700", "template", ""),
                             locate_address=address_geocoder("371700", {}), ctx=ctx,
                             stored=stored)
    assert preview.report["status"].tolist() == ["ok"], preview.report.to_dict("records")
    row = preview.records.iloc[0]
    assert "虚构" in row["name_zh"] and (row["county_adcode"], row["as_of"]) == ("371702", "2025-06")
    assert row["confidence"] == "medium"  # the label 中 read back as its code


def test_the_enterprise_example_carries_a_valid_credit_code():
    assert "credit_code" in template_fields("enterprises")
    assert EXAMPLES["enterprises"]["credit_code"].startswith("91371702MA0000")


def test_cli_writes_a_template(tmp_path):
    from parks.__main__ import main

    out = tmp_path / "t.xlsx"
    assert main(["import", "--template", "projects", "--out", str(out)]) == 0
    assert read_upload(out.read_bytes(), "t.xlsx").frame.iloc[0]["中文名称"] == "示例项目（虚构）"
    assert main(["import", "--kind", "projects"]) == 2  # neither a file nor --template


def test_each_header_states_its_length_limit():
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx("enterprises"))).active
    notes = {cell.value: cell.comment.text for cell in sheet[1]}
    assert notes["中文名称"] == "最多 100 个字符" and notes["备注"] == "最多 4,000 个字符"
    english = openpyxl.load_workbook(io.BytesIO(template_xlsx("enterprises", "en"))).active
    assert english["A1"].comment.text.startswith("At most")
