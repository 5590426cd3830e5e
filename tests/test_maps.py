"""Tests for geo.maps and geo.basemaps: layers, legend, offline fallback, GCJ-02 display shift."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.basemaps import available_basemaps, resolve
from geo.layers import OutlineLayer, PointLayer
from geo.maps import Legend, LegendItem, LegendSection, build_map, legend_html

EXTERNAL = re.compile(r"""(?:src|href)=["'](https?://[^"']+)""")


def _points() -> pd.DataFrame:
    return pd.DataFrame({"lon": [115.5], "lat": [35.2], "colour": ["#882255"], "hollow": [False],
                         "shape": ["diamond"], "glyph": ["化"], "popup": ["<b>p</b>"],
                         "tooltip": ["t"]})


def _outline() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"label": ["甲县"], "label_lon": [115.5], "label_lat": [35.2]},
                            geometry=[box(115.3, 35.0, 115.7, 35.4)], crs="EPSG:4326")


def _render(basemap_key: str, settings=None) -> str:
    layers = [OutlineLayer("counties", _outline()), PointLayer("parks", _points())]
    legend = Legend("图例", (LegendSection("园区", (LegendItem("化工园区", "#882255", "diamond"),)),))
    fmap = build_map(layers, basemap=resolve(basemap_key, settings or {}),
                     bounds=(115.3, 35.0, 115.7, 35.4), legend=legend, offline_notice="离线")
    return fmap.get_root().render()


def _rows(html: str) -> list:
    return json.loads(re.search(r"var rows = (\[.*?\]);", html).group(1))


def test_offline_map_has_no_tiles_and_no_external_assets():
    html = _render("offline")
    assert "L.tileLayer" not in html
    assert EXTERNAL.findall(html) == []
    assert "/app/static/vendor/leaflet/dist/leaflet.js" in html
    assert "hz-legend" in html and "化工园区" in html
    assert "L.control.layers" in html and "maxZoom" in html


def test_tile_basemaps_get_a_fallback_to_the_offline_look():
    html = _render("osm")
    assert "tile.openstreetmap.org" in html
    assert "tileerror" in html and '"离线"' in html


def test_amap_shifts_data_to_gcj02_only_for_display():
    wgs = _rows(_render("osm"))[0]
    gcj = _rows(_render("amap"))[0]
    assert wgs[:2] == [115.5, 35.2]
    assert 0.004 < gcj[0] - wgs[0] < 0.007 and -0.001 < gcj[1] - wgs[1] < 0.0
    outline = _outline()
    before = outline.copy()
    _render("amap")
    pd.testing.assert_frame_equal(pd.DataFrame(outline), pd.DataFrame(before))  # input untouched


def test_tianditu_and_custom_need_settings():
    keys = [b.key for b in available_basemaps({})]
    assert keys == ["offline", "osm", "esri", "amap"]
    keys = [b.key for b in available_basemaps({"tianditu_key": "abc",
                                                "custom_tile_url": "http://t/{z}/{x}/{y}.png"})]
    assert keys[-2:] == ["tianditu", "custom"]
    tdt = resolve("tianditu", {"tianditu_key": "abc"})
    assert all("tk=abc" in t.url for t in tdt.tiles) and len(tdt.tiles) == 2
    custom = resolve("custom", {"custom_tile_url": "http://t/{z}/{x}/{y}.png",
                                "custom_tile_crs": "gcj02"})
    assert custom.crs == "GCJ02" and custom.tiles[0].url.startswith("http://t/")
    with pytest.raises(ValueError, match="custom_tile_crs"):
        resolve("custom", {"custom_tile_url": "x", "custom_tile_crs": "BD09"})
    with pytest.raises(KeyError, match="unknown basemap"):
        resolve("google", {})


def test_legend_text_is_escaped():
    html = legend_html(Legend("<b>", (LegendSection("s", (LegendItem("<i>x</i>", "#000"),)),)))
    assert "<i>x" not in html and "&lt;i&gt;x&lt;/i&gt;" in html


def test_view_bounds_and_fit_view_are_inverse_enough():
    from geo.maps import fit_view, view_bounds

    box = (115.2, 35.1, 115.6, 35.4)
    west, south, east, north = view_bounds(fit_view(box, 1000, 700), 1000, 700)
    assert west <= 115.2 and south <= 35.1 and east >= 115.6 and north >= 35.4  # all of it
    assert east - west < 2 * 0.4 or north - south < 2 * 0.3  # and not much more
    assert view_bounds("abc") is None and view_bounds("95,115,9") is None
    w, s, e, n = view_bounds("35.25,115.47,9", 700, 700)
    assert w < 115.47 < e and s < 35.25 < n and abs((e - w) - 1.92) < 0.01  # 700 px at z9
