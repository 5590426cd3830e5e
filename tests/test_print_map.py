"""Briefing frames tell the truth: the shown records' date, the filters and layers drawn."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from parks.analysis.query import Filters, Selection, filter_enterprises, filter_parks, filter_projects
from parks.analysis.stats import data_date, source_keys
from parks.display.print_map import BriefingSpec, briefing_frame, source_line


def _select(ds, filters: Filters) -> Selection:
    tax = ds.taxonomy
    return Selection(filter_parks(ds.parks, filters, tax),
                     filter_enterprises(ds.enterprises, filters, tax),
                     filter_projects(ds.projects, filters, tax))


def test_data_date_is_the_newest_as_of_of_the_records_and_skips_undated():
    frames = {"parks": pd.DataFrame({"as_of": ["2018-10-08", "", "2016-12"]}),
              "enterprises": pd.DataFrame({"as_of": ["2024-01-16"]}),
              "projects": pd.DataFrame({"as_of": pd.Series([], dtype=object)})}
    assert data_date(frames) == "2024-01-16"
    assert data_date({"parks": pd.DataFrame({"as_of": ["", ""]})}) == ""


def test_an_import_elsewhere_does_not_date_the_briefing(heze):
    # one record imported today (dated today) in 曹县: a map of 东明县 keeps its own date
    imported = heze.enterprises.iloc[[0]].assign(id="synthetic-import", county_adcode="371721",
                                                 as_of="2026-12-03")
    ds = replace(heze, enterprises=pd.concat([heze.enterprises, imported]))
    filters = Filters(counties=("371728",))
    selection = _select(ds, filters)
    newest = max(d for f in selection.frames().values() for d in f["as_of"] if d)
    frame = briefing_frame(ds, selection, BriefingSpec(), filters)
    assert newest != "2026-12-03"
    assert frame.data_date == f"数据日期：截至 {newest}（所示记录的最新日期）"
    english = briefing_frame(ds, selection, BriefingSpec(lang="en"), filters)
    assert english.data_date == f"Data date: as of {newest} (the newest date of the records shown)"


def test_subtitle_says_a_park_kind_filter_applies_to_parks_only(heze):
    filters = Filters(kinds=("chemical_park",))
    frame = briefing_frame(heze, _select(heze, filters), BriefingSpec(), filters)
    assert "类型（仅园区）：化工园区" in frame.subtitle
    assert f"企业 {len(heze.enterprises)}" in frame.subtitle  # every enterprise is drawn, and said
    parks_only = BriefingSpec(layers=("chemical_parks",))
    alone = briefing_frame(heze, _select(heze, filters), parks_only, filters)
    assert "类型：化工园区" in alone.subtitle and "企业" not in alone.subtitle


def test_subtitle_leaves_out_a_filter_of_a_layer_not_drawn(heze):
    filters = Filters(stages=("completed",))
    frame = briefing_frame(heze, _select(heze, filters), BriefingSpec(layers=("parks",)), filters)
    assert "阶段" not in frame.subtitle and "项目" not in frame.subtitle


def test_legend_lists_only_the_symbols_drawn(heze):
    filters = Filters(kinds=("chemical_park",))  # every layer on, only chemical parks pass
    frame = briefing_frame(heze, _select(heze, filters), BriefingSpec(), filters)
    labels = [item.label for section in frame.legend.sections for item in section.items]
    assert any("化工园区" in label for label in labels)
    assert not any("开发区" in label for label in labels)  # no development zone is drawn
    stages = set(heze.projects.loc[heze.projects["geometry"].notna(), "stage"])
    assert ("谋划" in labels) == ("planned" in stages)


def test_the_source_line_of_enterprises_alone_names_the_documents_they_cite(heze):
    shown = _select(heze, Filters(counties=("371728",))).enterprises
    selection = Selection(heze.parks.iloc[:0], shown, heze.projects.iloc[:0])
    titles = dict(zip(heze.sources["key"], heze.sources["short_title"], strict=True))
    cited = {titles[k] for s in set(shown["source"]) for k in source_keys(s) if k in titles}
    line = source_line(selection, heze, "zh")
    assert cited and all(title in line for title in cited)
