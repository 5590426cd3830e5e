"""Tests for parks.analysis.compare: at most four parks, attribute rows, XLSX and CSV read back."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pandas as pd
import pytest

from parks.analysis.compare import ATTRIBUTES, MAX_PARKS, TooManyParksError, compare_parks
from parks.analysis.profile import UnknownParkError
from parks.files.exports import comparison_csv, comparison_xlsx
from parks.model.dataset import locate
from parks.model.schema import PARKS

IDS = ["p-dongming-petrochem", "p-heze-hitech", "p-yuncheng-chem", "p-chem-unnamed"]


@pytest.fixture(scope="module")
def table(heze):
    return compare_parks(heze, IDS)


def cell(frame: pd.DataFrame, attribute: str, column: str) -> str:
    return frame.set_index(frame.columns[0]).loc[attribute, column]


def test_rows_are_attributes_and_columns_are_park_names(table):
    assert list(table.columns) == ["属性", "东明石化产业园", "菏泽高新技术产业开发区", "郓城化工产业园",
                                   "其余省级化工园区（名称未核实）"]
    assert list(table["属性"]) == [label.zh for _, label in ATTRIBUTES]
    assert cell(table, "面积(km²)", "东明石化产业园") == "21.29"
    assert cell(table, "面积(km²)", "郓城化工产业园") == "5.2512"  # as published, not rounded
    assert cell(table, "面积(km²)", "菏泽高新技术产业开发区") == "未公布"
    assert cell(table, "园区内企业数", "东明石化产业园") == "1"  # 东明石化, via its 片区
    assert cell(table, "项目数（按阶段）", "菏泽高新技术产业开发区") == "14（竣工 2、未注明 12）"
    assert cell(table, "主导产业", "菏泽高新技术产业开发区") == "生物医药、新材料"
    assert cell(table, "认定", "郓城化工产业园").endswith("第1批; 2018年")


def test_nearest_hub_cell_says_when_it_is_approximate(table):
    assert "km（近似" in cell(table, "最近物流枢纽", "东明石化产业园")
    assert cell(table, "最近物流枢纽", "其余省级化工园区（名称未核实）").startswith("位置未知")
    assert cell(table, "定位精度", "东明石化产业园") == "县城驻地（近似）"


def test_english_labels_and_headers(heze):
    frame = compare_parks(heze, IDS[:2], lang="en")
    assert list(frame.columns) == ["Attribute", "Dongming Petrochemical Industrial Park",
                                   "Heze High-tech Industrial Development Zone"]
    assert list(frame["Attribute"]) == [label.en for _, label in ATTRIBUTES]
    assert cell(frame, "Kind", "Dongming Petrochemical Industrial Park") == "chemical park"
    assert cell(frame, "Projects (by stage)", "Heze High-tech Industrial Development Zone") == \
        "14 (completed 2, not stated 12)"
    assert "approximate" in cell(frame, "Nearest logistics hub", "Dongming Petrochemical Industrial Park")


def test_at_most_four_parks(heze):
    assert MAX_PARKS == 4
    with pytest.raises(TooManyParksError, match=r"at most 4 parks.*got 5"):
        compare_parks(heze, [*IDS, "p-juye-edz"])
    # a repeated id is one park
    assert compare_parks(heze, [*IDS, IDS[0]]).shape == (len(ATTRIBUTES), 5)


def test_unknown_id_raises_with_suggestion(heze):
    with pytest.raises(UnknownParkError, match=r"p-heze-hitec.*p-heze-hitech"):
        compare_parks(heze, ["p-heze-hitec"])


def test_no_ids_keeps_the_attribute_column(heze):
    frame = compare_parks(heze, [])
    assert list(frame.columns) == ["属性"] and len(frame) == len(ATTRIBUTES)


def test_xlsx_reads_back(table):
    book = openpyxl.load_workbook(io.BytesIO(comparison_xlsx(table)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header == list(table.columns)
    assert all(c.font.bold for c in sheet[1])
    first = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert first == [label.zh for _, label in ATTRIBUTES]
    values = {row[0].value: [c.value for c in row[1:]] for row in sheet.iter_rows(min_row=2)}
    assert values["面积(km²)"] == ["21.29", "未公布", "5.2512", "未公布"]
    assert values["园区内企业数"] == ["1", "12", "0", "0"]
    assert values["中文名称"] == header[1:]
    # every filled cell is text (openpyxl reads an empty text cell back as None)
    assert {c.data_type for row in sheet.iter_rows() for c in row if c.value is not None} == {"s"}


def test_csv_has_bom_and_the_table(table):
    data = comparison_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(table.columns)
    assert back.iloc[6].tolist() == ["面积(km²)", "21.29", "未公布", "5.2512", "未公布"]
    assert "http://sjsy999.com" in back.iloc[17, 1]


def test_formula_like_names_are_neutralised(heze):
    evil = {"id": "p-evil", "name_zh": '=HYPERLINK("http://x","点我")', "name_en": "+cmd",
            "kind": "industrial_park", "precision": "unlocated", "source": "@seed"}
    frame = pd.DataFrame([{c: evil.get(c, "") for c in PARKS.names}], columns=list(PARKS.names))
    parks = pd.concat([heze.parks, locate(frame, heze.gazetteer, heze.counties)], ignore_index=True)
    table = compare_parks(dataclasses.replace(heze, parks=parks), ["p-evil"])
    sheet = openpyxl.load_workbook(io.BytesIO(comparison_xlsx(table))).active
    assert sheet["B1"].value == "'" + evil["name_zh"] and sheet["B1"].data_type == "s"
    values = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert values["中文名称"].startswith("'=") and values["英文名称"] == "'+cmd"
    assert values["来源"] == "'@seed"
    text = comparison_csv(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text
    # the table itself stays as the data says; only the files are made inert
    assert table.columns[1] == evil["name_zh"]


def test_members_inside_an_outline_with_the_county_undecidable_beside(heze):
    """Synthetic: an outline on a 片区 of 东明石化; one firm put inside it, one known only to
    the county. The 片区 and its park count it; a park without an outline says why not."""
    from shapely.geometry import box

    from parks.analysis.membership import members
    from parks.model.schema import ENTERPRISES
    from tests.records import records

    area, lon, lat = "p-dongming-petrochem-main", 115.09, 35.29
    parks = heze.parks.copy()
    parks.loc[parks["id"] == area, "boundary"] = box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01).wkt
    firms = [{"id": "e-synthetic-in", "name_zh": "合成甲", "industry": "CHEM", "precision": "digitised",
              "county_adcode": "371728", "lon": str(lon), "lat": str(lat), "crs": "WGS84"},
             {"id": "e-synthetic-seat", "name_zh": "合成乙", "industry": "CHEM",
              "precision": "county", "county_adcode": "371728"}]
    data = dataclasses.replace(heze, parks=parks, enterprises=records(heze, ENTERPRISES, firms),
                               projects=heze.projects.iloc[0:0])
    table = compare_parks(data, [area, "p-dongming-petrochem", "p-heze-hitech"],
                          found=members(data))
    inside = table.set_index("属性").loc["范围内企业（按标绘范围）"].tolist()
    assert inside == ["1（本县待定 1：仅知乡镇/县）", "1（本县待定 1：仅知乡镇/县）", "—（无范围）"]
    assert table.set_index("属性").loc["范围内项目（按标绘范围）"].iloc[0].startswith("0（")
    english = compare_parks(data, ["p-heze-hitech"], lang="en")
    assert english.set_index("Attribute").iloc[:, 0]["Projects inside the outline"] == \
        "— (no outline)"


@pytest.mark.parametrize(("lang", "emptied", "shown", "mark"),
                         [("zh", "area_basis_zh", "area_basis_en", "（英文）"),
                          ("en", "area_basis_en", "area_basis_zh", "(Chinese) ")])
def test_curated_text_missing_in_one_language_shows_the_other_marked(heze, lang, emptied, shown,
                                                                     mark):
    parks = heze.parks.copy()
    park = parks["id"] == "p-yuncheng-chem"
    parks.loc[park, emptied] = ""  # synthetic: one language not written yet
    table = compare_parks(dataclasses.replace(heze, parks=parks), ["p-yuncheng-chem"], lang)
    label = "面积口径" if lang == "zh" else "Area basis"
    assert table.iloc[:, 1][table.iloc[:, 0] == label].item() == mark + parks.loc[park, shown].item()
    parks.loc[park, shown] = ""
    table = compare_parks(dataclasses.replace(heze, parks=parks), ["p-yuncheng-chem"], lang)
    assert table.iloc[:, 1][table.iloc[:, 0] == label].item() == ""  # neither: nothing, no mark
