"""Tests for parks.store.intake and the store's text screen (parks.model.text_rules.record_problems):
frames become text records cell for cell as before, and the fast screen misses nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parks.errors import DataValidationError
from parks.model.schema import ENTERPRISES, PARKS
from parks.model.text_rules import max_chars, record_problems
from parks.store.intake import prepare_records


def _synthetic_enterprises(n: int) -> list[dict[str, str]]:
    base = dict.fromkeys(ENTERPRISES.names, "")
    return [base | {"id": f"e-synthetic-{i:05d}", "name_zh": f"合成企业{i}"} for i in range(n)]


def _parks(columns: dict[str, list[object]], dtype: str | None = None) -> pd.DataFrame:
    """A parks frame with every required column (blank where the test does not care)."""
    n = len(next(iter(columns.values())))
    required = {c.name: [""] * n for c in PARKS.columns if c.required}
    return pd.DataFrame(required | columns, dtype=dtype)


def test_string_columns_read_as_text_stripped_with_blanks_for_missing():
    frame = _parks({"id": [" p-1 ", "p-2"], "name_zh": ["  甲园区\t", None],
                    "lon": ["115.5", pd.NA]}, dtype="string")
    parks = prepare_records({"parks": frame})["parks"]
    assert parks[0]["id"] == "p-1" and parks[0]["name_zh"] == "甲园区"
    assert parks[1]["name_zh"] == "" and parks[1]["lon"] == ""
    assert list(parks[0]) == list(PARKS.names)  # every schema column, in order
    assert parks[0]["note"] == ""  # a missing optional column is blank


def test_number_and_mixed_columns_read_as_each_cell_reads():
    frame = _parks({"id": ["p-1", "p-2", "p-3"], "lon": [115.25, np.nan, 116.0],
                    "recognition_year": pd.array([2020, None, 2022], dtype="Int64"),
                    "note": [" 备注 ", 3, None]})
    parks = prepare_records({"parks": frame})["parks"]
    assert [p["lon"] for p in parks] == ["115.25", "", "116.0"]
    assert [p["recognition_year"] for p in parks] == ["2020", "", "2022"]
    assert [p["note"] for p in parks] == ["备注", "3", ""]


def test_structural_problems_are_listed_together():
    frame = _parks({"id": ["p-1", "p-1", " "], "colour": ["", "", ""]}, dtype="string")
    with pytest.raises(DataValidationError) as caught:
        prepare_records({"parks": frame})
    assert "colour" in str(caught.value)
    frame = frame.drop(columns="colour")
    with pytest.raises(DataValidationError) as caught:
        prepare_records({"parks": frame})
    text = str(caught.value)
    assert "duplicate id" in text and "every record needs an id" in text


def test_an_empty_frame_gives_no_records():
    assert prepare_records({"parks": pd.DataFrame(columns=list(PARKS.names), dtype="string")}) \
        == {"parks": []}


@pytest.mark.parametrize("bad, field", [
    ("合成\x07企业", "name_zh"),                              # a control character
    ("长" * (max_chars("name_zh") + 1), "name_zh"),          # one over the limit
    ("x" * (max_chars("credit_code") + 1), "credit_code"),  # the smallest limit
])
def test_one_bad_value_among_thousands_is_found(bad, field):
    records = _synthetic_enterprises(5_000)
    records[3_210] = records[3_210] | {field: bad}
    problems = record_problems(("enterprises", r["id"], r) for r in records)
    assert [(p.file, p.field) for p in problems] == [("enterprises/e-synthetic-03210", field)]


def test_values_at_the_limit_and_tabs_or_newlines_pass():
    records = _synthetic_enterprises(100)
    records[5] = records[5] | {"name_zh": "长" * max_chars("name_zh"), "note": "一\t二\n三"}
    assert record_problems(("enterprises", r["id"], r) for r in records) == []


def test_a_non_text_value_or_a_missing_field_is_still_judged():
    records = _synthetic_enterprises(10)
    records[2] = records[2] | {"name_zh": 12345}
    del records[4]["note"]
    assert record_problems(("enterprises", r["id"], r) for r in records) == []
    records[7] = records[7] | {"note": "坏\x00"}
    found = record_problems(("enterprises", r["id"], r) for r in records)
    assert [(p.file, p.field) for p in found] == [("enterprises/e-synthetic-00007", "note")]
