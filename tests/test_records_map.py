"""Tests for parks.display.records_map and parks.display.popups: one map for every
filter; filters as small updates."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from typing import NamedTuple

import folium
import numpy as np
import pandas as pd
import pytest

from geo.basemaps import resolve
from parks.analysis.query import Filters, Selection, filter_enterprises, filter_parks, filter_projects
from parks.config import DEFAULT_CONFIG, RECORD_LAYERS
from parks.display import popups
from parks.display.map_look import MapLook
from parks.display.popups import enterprise_details, prune, write_details
from parks.display.records_map import base_map, filter_update, layer_updates

LAYERS = RECORD_LAYERS
FEW = replace(DEFAULT_CONFIG, marker_limit=10, bin_min=2)  # the 90 seed enterprises count as "many"


def _select(ds, **filters) -> Selection:
    f = Filters(**filters)
    return Selection(filter_parks(ds.parks, f, ds.taxonomy),
                     filter_enterprises(ds.enterprises, f, ds.taxonomy),
                     filter_projects(ds.projects, f, ds.taxonomy))


class _Live(NamedTuple):
    """What the map page sends: the map of every record, and the filter's update."""

    base: folium.Map
    update: folium.FeatureGroup


def _live(ds, selection, config=DEFAULT_CONFIG, layers=LAYERS, basemap="offline") -> _Live:
    look = MapLook(resolve(basemap, {}), "zh", "sei", layers, asset_base_url="/app/static/vendor")
    return _Live(base_map(ds, look, config=config),
                 filter_update(ds, selection, look, config=config))


def _update(live) -> dict:
    script = next(c for c in live.update._children.values() if type(c).__name__ == "LayerUpdate")
    return json.loads(script.updates.replace("<\\/", "</"))


def _bits(text: str, n: int) -> np.ndarray:
    return np.unpackbits(np.frombuffer(base64.b64decode(text), np.uint8), bitorder="little")[:n]


@pytest.mark.parametrize("config", [DEFAULT_CONFIG, FEW], ids=["markers", "canvas"])
def test_the_map_is_the_same_for_every_filter(heze, config):
    everything = _live(heze, _select(heze), config).base.get_root().render()
    dongming = _live(heze, _select(heze, counties=("371728",)), config).base.get_root().render()
    strip = lambda html: re.sub(r"_[0-9a-f]{32}", "", html)  # noqa: E731
    assert strip(everything) == strip(dongming)


def test_masks_keep_exactly_the_filtered_records(heze):
    selection = _select(heze, counties=("371728",))  # 东明县
    updates = _update(_live(heze, selection))
    located = heze.enterprises[heze.enterprises.geometry.notna()]
    kept = _bits(updates["enterprises"]["mask"], len(located)).astype(bool)
    assert set(located[kept]["id"]) == set(selection.enterprises.dropna(subset=["lon"])["id"])
    assert 0 < kept.sum() < len(located)
    chem = heze.parks[(heze.parks["kind"] == "chemical_park") & heze.parks.geometry.notna()]
    kept = _bits(updates["chemical_parks"]["mask"], len(chem)).astype(bool)
    assert set(chem[kept]["county"]) == {"东明县"}


def test_many_enterprises_become_a_canvas_layer_with_bins(heze):
    live = _live(heze, _select(heze, counties=("371728",)), FEW)
    html = live.base.get_root().render()
    assert "window.hzLayers[opts.key]" in html and html.count("hz-enterprises") == 0
    bins = _update(live)["enterprises"]["bins"]
    counts = np.frombuffer(base64.b64decode(bins["n"]), "<u4")
    dongming = _select(heze, counties=("371728",)).enterprises
    assert counts.sum() == dongming.geometry.notna().sum()
    assert "bins" not in _update(_live(heze, _select(heze)))["enterprises"]  # markers: no bins


def test_a_canvas_keeping_every_point_is_told_so_without_a_mask_or_counts(heze):
    assert _update(_live(heze, _select(heze), FEW))["enterprises"] == {"all": True}
    dongming = _update(_live(heze, _select(heze, counties=("371728",)), FEW))["enterprises"]
    assert "all" not in dongming and {"mask", "bins"} <= dongming.keys()
    markers = _update(_live(heze, _select(heze)))["enterprises"]  # DOM markers: always a mask
    assert "all" not in markers and _bits(markers["mask"], 1).size == 1


def test_grid_counts_are_sent_only_for_more_points_than_bin_min(heze):
    dongming = _select(heze, counties=("371728",))
    located = int(dongming.enterprises.geometry.notna().sum())
    assert located > 2
    at_limit = replace(FEW, bin_min=located)  # the canvas draws these as points: no counts
    assert "bins" not in _update(_live(heze, dongming, at_limit))["enterprises"]
    assert "bins" in _update(_live(heze, dongming, replace(FEW, bin_min=located - 1)))["enterprises"]
    everything = int(heze.enterprises.geometry.notna().sum())
    html = _live(heze, dongming, replace(FEW, bin_min=everything)).base.get_root().render()
    assert 'unpackBins({"x0":0.0,"y0":0.0,"d":0.01,"nx":1,"i":"","n":"","max":0})' in html


def test_choropleth_follows_the_filter_in_the_update(heze):
    live = _live(heze, _select(heze, counties=("371728",)), layers=(*LAYERS, "choropleth"))
    assert '"value": ' not in live.base.get_root().render()  # the map itself has none …
    live.base.add_child(live.update)  # … st_folium runs the update inside it
    values = [int(v) for v in re.findall(r'"value": (\d+)', live.base.get_root().render())]
    assert len(values) == 9 and sum(v > 0 for v in values) == 1  # only 东明县 counts


def test_layers_not_drawn_get_no_update(heze):
    updates = layer_updates(heze, _select(heze), ("parks",), resolve("offline", {}), cloud=False)
    assert set(updates) == {"parks"}


def test_details_files_hold_name_and_escaped_popup_in_drawing_order(heze, tmp_path):
    frame = heze.enterprises.copy()
    frame.loc[frame.index[0], "name_zh"] = "<b>坏</b>名"
    names = dict(zip(heze.parks["id"], heze.parks["name_zh"], strict=True))
    rows = list(enterprise_details(frame, heze.taxonomy, "zh", names))
    located = frame[frame.geometry.notna()]
    assert [r[0] for r in rows] == list(located["name_zh"])
    assert write_details(rows, tmp_path / "d" / "k1", chunk=10) == -(-len(rows) // 10) > 1
    first = json.loads((tmp_path / "d" / "k1" / "0.json").read_text(encoding="utf-8"))
    assert len(first) == 10 and first[0][1] == rows[0][1]
    if located.index[0] == frame.index[0]:
        assert "&lt;b&gt;坏&lt;/b&gt;名" in first[0][1] and "<b>坏" not in first[0][1]
    assert write_details(rows, tmp_path / "d" / "k1", chunk=10) == len(list(
        (tmp_path / "d" / "k1").glob("*.json")))  # done once, kept
    for k in range(8):
        write_details(rows[:5], tmp_path / "d" / f"old{k}")
    prune(tmp_path / "d", keep=3)
    assert len(list((tmp_path / "d").iterdir())) == 3


def test_a_look_is_a_cache_key_and_draws_the_choropleth_apart():
    look = MapLook(resolve("amap", {}), "en", layers=(*LAYERS, "choropleth"))
    assert look == MapLook(resolve("amap", {}), "en", layers=(*LAYERS, "choropleth"))
    assert hash(look) == hash(replace(look)) and hash(look) != hash(replace(look, lang="zh"))
    assert look.drawn == LAYERS
    assert {spec.key for spec in DEFAULT_CONFIG.layers} == {*RECORD_LAYERS, "counties", "choropleth"}


def test_popups_on_the_main_map_link_to_the_park_profile(heze):
    look = MapLook(resolve("offline", {}), "zh", "sei", LAYERS, asset_base_url="/app/static/vendor",
                   profile_url="/park?id={id}&lang=zh&region=371700")
    page = base_map(heze, look).get_root().render()
    # the markers' popups travel as JSON in the page: quotes escaped
    assert r'href=\"/park?id=p-yuncheng-chem&amp;lang=zh&amp;region=371700\" target=\"_top\"' in page
    plain = base_map(heze, replace(look, profile_url="")).get_root().render()
    assert r'target=\"_top\"' not in plain


def _drawn_points(fmap: folium.Map) -> list[list]:
    """Point rows of every JsonPoints layer of a map, in drawing order."""
    from geo.layers import JsonPoints

    return [row for child in _walk(fmap) if isinstance(child, JsonPoints)
            for row in json.loads(child.rows)]


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def test_ranked_map_numbers_the_ranked_parks_and_draws_nothing_else(heze):
    from parks.display.records_map import ranked_map

    ids = ["p-heze-hitech", "p-dongming-petrochem", "p-yuncheng-chem"]
    fmap = ranked_map(heze, ids, MapLook())
    rows = _drawn_points(fmap)
    assert sorted(r[5] for r in rows) == ["1", "2", "3"]  # the glyph: the rank
    tips = {r[5]: r[7] for r in rows}
    assert tips["1"] == "1. 菏泽高新技术产业开发区" and tips["3"] == "3. 郓城化工产业园"
    shapes = {r[5]: r[4] for r in rows}
    assert shapes["1"] == "square" and shapes["2"] == "diamond"  # the kind's symbol kept
    html = fmap.get_root().render()
    assert any(name in html for name in ("排名园区（数字：名次）",
                                         json.dumps("排名园区（数字：名次）")[1:-1]))
    assert "合成" not in html and len(rows) == 3  # no enterprise, no project, no other park


def _seat_groups(heze) -> list:
    """The main map's point rows grouped by their shared coordinate (groups of two or more)."""
    from geo.layers import PointLayer
    from parks.display.records_map import record_layers

    look = MapLook(lang="zh", layers=LAYERS)
    everything = Selection(heze.parks, heze.enterprises, heze.projects)
    frames = [layer.frame.assign(layer=layer.key) for layer in
              record_layers(heze, everything, look) if isinstance(layer, PointLayer)]
    rows = pd.concat(frames, ignore_index=True)
    groups = rows.groupby([rows["lon"].round(6), rows["lat"].round(6)])
    return [g for _, g in groups if len(g) > 1]


def test_symbols_on_one_seat_are_apart_on_screen_and_clear_of_the_cluster_count(heze):
    groups = _seat_groups(heze)
    assert max(len(g) for g in groups) >= 10  # 牡丹区's seat holds many records
    step, hole = DEFAULT_CONFIG.spread_px, DEFAULT_CONFIG.seat_hole_px
    for group in groups:
        xy = group[["dx", "dy"]].to_numpy(float)
        apart = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
        assert apart[np.triu_indices(len(xy), 1)].min() >= step - 0.5  # none covers another
        if (group["layer"] == "enterprises").any():  # their cluster count sits on the seat
            others = group[group["layer"] != "enterprises"]
            assert np.hypot(others["dx"], others["dy"]).min() >= hole - 0.5
            assert (group["lead"] > 0).all()  # leader lines stop short of the count


def test_parks_are_drawn_above_enterprise_clusters_in_their_own_panes(heze):
    html = _live(heze, _select(heze)).base.get_root().render()
    z = {key: int(re.search(rf'createPane\(\s*"hz-pane-{key}".*?zIndex = (\d+)', html, re.S)[1])
         for key in ("enterprises", "projects", "parks", "chemical_parks")}
    assert z["enterprises"] < z["projects"] < z["parks"] < z["chemical_parks"] < 640  # labels
    assert 'clusterPane: pane' in html and '"hz-pane-enterprises"' in html


def test_the_update_frames_the_chosen_counties_or_the_region(heze):
    look = MapLook(resolve("offline", {}), "zh", "sei", LAYERS)
    counties = heze.counties.set_index("adcode")

    def fitted(*codes):
        update = filter_update(heze, _select(heze, counties=codes), look, counties=codes)
        script = next(c for c in update._children.values() if type(c).__name__ == "LayerUpdate")
        (south, west), (north, east) = json.loads(script.updates)["_fit"]["bounds"]
        return west, south, east, north

    assert fitted("371728") == pytest.approx(tuple(counties.loc[["371728"]].total_bounds), abs=1e-4)
    both = ("371728", "371702")  # 东明县 and 牡丹区: their union
    assert fitted(*both) == pytest.approx(tuple(counties.loc[list(both)].total_bounds), abs=1e-4)
    assert fitted() == pytest.approx(tuple(heze.counties.total_bounds), abs=1e-4)
    html = _live(heze, _select(heze)).base.get_root().render()
    assert 'window.hzLayers["_fit"]' in html and "window.hzViewRestored" in html


def test_details_come_a_chunk_of_rows_at_a_time_in_drawing_order(heze, monkeypatch):
    monkeypatch.setattr(popups, "CHUNK", 7)  # several chunks from the seed's enterprises
    names = dict(zip(heze.parks["id"], heze.parks["name_zh"], strict=True))
    rows = list(enterprise_details(heze.enterprises, heze.taxonomy, "zh", names))
    located = heze.enterprises[heze.enterprises.geometry.notna()]
    assert len(located) > 2 * 7
    assert [r[0] for r in rows] == list(located["name_zh"])


def test_details_already_written_read_no_record(tmp_path):
    folder = tmp_path / "details" / "k1"
    assert write_details(iter([["甲", "<p>甲</p>"]]), folder) == 1
    not_a_frame = object()  # reading it would fail: a restart finding the files reads nothing
    assert write_details(enterprise_details(not_a_frame, None, "zh", {}), folder) == 1
