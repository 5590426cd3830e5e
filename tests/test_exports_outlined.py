"""Exports of parks that have outlines: who is inside which park, the 入园率 sheet and line, and
an export of the current view, which holds only what the view shows."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image

from parks.analysis.query import Filters, Selection, filter_enterprises, filter_parks, filter_projects
from parks.display.print_map import BriefingSpec
from parks.files.exports import export

CHEM = Filters(kinds=("chemical_park",))


@pytest.fixture(scope="module")
def everything(heze):
    return Selection(heze.parks, heze.enterprises, heze.projects)


def _select(ds, filters: Filters) -> Selection:
    return Selection(filter_parks(ds.parks, filters, ds.taxonomy),
                     filter_enterprises(ds.enterprises, filters, ds.taxonomy),
                     filter_projects(ds.projects, filters, ds.taxonomy))


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


@pytest.fixture(scope="module")
def outlined(heze):
    from tests.records import outlined_world

    world = outlined_world(heze)
    return world, Selection(world.parks, world.enterprises, world.projects)


def test_data_exports_carry_the_park_each_record_lies_in(outlined):
    world, shown = outlined
    data = export("csv", world, shown, BriefingSpec()).data
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    firms = table[table["layer_code"] == "enterprises"].set_index("编号")
    assert firms.loc["e-in-area", "入园判定编号"] == "p-chem-east"
    assert firms.loc["e-in-area", "入园判定"] == "合成p-chem-east"
    assert firms.loc["e-outside", "入园判定"] == ""
    assert firms.loc["e-seat", "入园判定"] == "待定（仅知乡镇/县）"
    assert (table.loc[table["layer_code"] == "parks", "入园判定"] == "").all()
    english = export("geojson", world, shown, BriefingSpec(lang="en")).data
    props = {f["properties"]["id"]: f["properties"] for f in json.loads(english)["features"]}
    assert props["e-seat"]["in_park"] == "undecidable (town/county only)"


def test_the_xlsx_has_a_rate_sheet_only_when_chemical_enterprises_are_shown(outlined):
    world, shown = outlined
    book = openpyxl.load_workbook(io.BytesIO(export("xlsx", world, shown, BriefingSpec()).data))
    rows = list(book["入园率"].values)
    assert rows[0] == ("县区", "化工企业", "园内", "园外", "待定（仅知乡镇/县，或本县化工园区尚无范围）",
                       "入园率")
    assert rows[1] == ("全部", 5, 2, 2, 1, "50.0%")  # e-pharma is not chemical
    assert rows[2] == ("牡丹区", 5, 2, 2, 1, "50.0%")
    firms = list(book["enterprises"].values)
    assert "in_park" in firms[0]
    pharma = replace(shown, enterprises=shown.enterprises[shown.enterprises["id"] == "e-pharma"])
    book = openpyxl.load_workbook(io.BytesIO(export("xlsx", world, pharma, BriefingSpec()).data))
    assert "入园率" not in book.sheetnames


def test_briefings_print_the_rate_and_the_members_of_outlined_parks(outlined, heze, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pptx = pytest.importorskip("pptx")
    world, shown = outlined
    pdf = export("pdf", world, shown, BriefingSpec()).data
    (tmp_path / "synthetic-briefing.pdf").write_bytes(pdf)
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "化工企业入园率 50.0%（园内 2 · 园外 2 · 待定 1）" in text
    assert "合成p-chem范围内企业 3、项目 0" in text  # its own two and its 片区's one
    deck = pptx.Presentation(io.BytesIO(export("pptx", world, shown, BriefingSpec(lang="en")).data))
    texts = [s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame]
    assert any(t.startswith("Chemical firms in chemical parks: 50.0%") for t in texts)
    real = pypdf.PdfReader(io.BytesIO(export("pdf", heze, _select(heze, CHEM), BriefingSpec(),
                                             CHEM).data)).pages[0].extract_text()
    assert "化工企业入园率 —，尚无化工园区范围" in real


def test_the_png_prints_the_figures_line_above_the_note(outlined, tmp_path):
    world, shown = outlined
    spec = BriefingSpec(width_px=1200, height_px=900, dpi=120)
    data = export("png", world, shown, spec).data
    (tmp_path / "synthetic-briefing.png").write_bytes(data)
    pixels = _png(data)
    band = pixels[900 - int(0.055 * 900) - 14:900 - int(0.055 * 900), 30:700]
    blue = (band[..., 2] > band[..., 0] + 40)  # the figures line is dark blue, the note brown
    assert blue.mean() > 0.005


def test_an_export_of_the_current_view_holds_only_what_the_view_shows(outlined, heze):
    world, shown = outlined
    # around the synthetic industrial park only: its outline, e-other-park; not p-chem's points
    view = (115.49, 35.20, 115.53, 35.24)
    data = export("csv", world, shown, BriefingSpec(bbox=view)).data
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert set(table["编号"]) == {"p-other", "e-other-park"}
    whole = export("csv", world, shown, BriefingSpec()).data
    assert len(pd.read_csv(io.BytesIO(whole), encoding="utf-8-sig")) > len(table)
    # a park whose point lies outside the view but whose outline reaches into it is in the view
    edge = shown.within((115.475, 35.20, 115.49, 35.25))
    assert "p-chem" in set(edge.parks["id"]) and "p-other" not in set(edge.parks["id"])
    html = export("html", world, shown, BriefingSpec(bbox=view)).data.decode("utf-8")
    assert re.search(r"fitBounds\(\s*\[\[35\.2,\s*115\.49\],\s*\[35\.24,\s*115\.53\]\]", html)


def test_selection_within_no_box_is_the_same_selection(everything):
    assert everything.within(None) is everything
    empty = everything.within((0.0, 0.0, 1.0, 1.0))
    assert len(empty.parks) == 0 and list(empty.parks.columns) == list(everything.parks.columns)
