"""Tests for parks.display.style: marker styles, shared-point fan-out, choropleth, the records map."""

from __future__ import annotations

import json
import re

from parks.analysis.query import Filters, Selection, filter_parks
from parks.display.map_look import MapLook
from parks.display.records_map import records_map
from parks.display.style import build_legend, choropleth_frame, park_points


def _all(ds) -> Selection:
    return Selection(ds.parks, ds.enterprises, ds.projects)


def test_chemical_parks_are_diamonds_and_approximate_ones_hollow(heze):
    pts = park_points(heze.parks, heze.taxonomy, "zh")
    parks = heze.parks.loc[pts.index]
    chem = parks["kind"] == "chemical_park"
    assert (pts.loc[chem, "shape"] == "diamond").all()
    assert (pts.loc[~chem, "shape"] == "square").all()
    assert (pts["hollow"] == parks["precision"].isin(["town", "county"])).all()
    assert not pts.loc[parks["name_zh"] == "菏泽牡丹机场", "hollow"].iloc[0]


def test_records_map_draws_every_located_record_once_and_apart(heze):
    html = records_map(heze, _all(heze), MapLook()).get_root().render()
    rows = [r for block in re.findall(r"var rows = (\[.*?\]);\n", html) for r in json.loads(block)]
    located = sum(f.geometry.notna().sum() for f in (heze.parks, heze.enterprises, heze.projects))
    assert len(rows) == located
    positions = {(r[0], r[1], r[8], r[9]) for r in rows}  # point and on-screen offset
    assert len(positions) == len(rows)  # records sharing a seat are fanned out
    assert "hz-legend" in html


def test_names_with_html_are_escaped_in_the_map(heze):
    parks = heze.parks.copy()
    parks.loc[parks.index[0], "name_zh"] = "<script>alert(1)</script>"
    selection = Selection(parks, heze.enterprises.iloc[0:0], heze.projects.iloc[0:0])
    html = records_map(heze, selection, MapLook()).get_root().render()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_choropleth_counts_filtered_records(heze):
    chem = filter_parks(heze.parks, Filters(kinds=("chemical_park",)), heze.taxonomy)
    selection = Selection(chem, heze.enterprises.iloc[0:0], heze.projects.iloc[0:0])
    frame = choropleth_frame(heze, selection, "zh").set_index("adcode")
    per_county = chem["county_adcode"].value_counts()
    assert frame["value"].to_dict() == {a: int(per_county.get(a, 0)) for a in frame.index}
    assert frame.loc["371728", "value"] >= 4  # 东明县: the park and its three 片区
    most, fewest = frame["value"].idxmax(), frame["value"].idxmin()
    assert frame.loc[most, "fill"] != frame.loc[fewest, "fill"]


def test_legend_follows_layers_and_colour_system(heze):
    sei = build_legend(heze.taxonomy, "zh", "sei", ("enterprises",))
    titles = [s.title for s in sei.sections]
    assert "企业（颜色：产业）" in titles and not any("园区" in t for t in titles)
    items = [i.label for s in build_legend(heze.taxonomy, "en", "231", ("enterprises",)).sections
             for i in s.items]
    assert "High-end chemicals" in items and "Biomedicine" in items


def test_the_legend_lists_only_the_classes_drawn(heze):
    from parks.display.style import legend_keys

    chem = heze.parks[heze.parks["kind"] == "chemical_park"]
    bio = heze.enterprises[heze.enterprises["industry"] == "BIO"]
    selection = Selection(chem, bio, heze.projects.iloc[0:0])
    layers = ("parks", "chemical_parks", "enterprises", "projects")
    legend = build_legend(heze.taxonomy, "zh", "sei", layers,
                          legend_keys(selection, heze.taxonomy, "sei"))
    rows = {s.title: [i.label for i in s.items] for s in legend.sections}
    assert rows["园区（形状/字：类型）"] == ["化 化工园区"]
    assert rows["企业（颜色：产业）"] == ["生物医药"]
    assert "项目（颜色：阶段）" not in rows  # no project drawn
    html = records_map(heze, selection, MapLook(layers=layers)).get_root().render()
    assert "生物医药" in html and "新能源" not in html and "开发区/新区" not in html
    full = build_legend(heze.taxonomy, "zh", "sei", layers)  # print's: every class of the layers
    assert "新能源" in [i.label for s in full.sections for i in s.items]
