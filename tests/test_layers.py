"""Tests for geo.layers: compact point rows, escaping, shared-point fan-out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.crs import distance_m
from geo.layers import point_rows, script_json, spread_coincident


def _points(**kw) -> pd.DataFrame:
    base = {"lon": [115.4], "lat": [35.2], "colour": ["#D55E00"], "hollow": [True],
            "shape": ["circle"], "glyph": [""], "popup": ["<b>ok</b>"], "tooltip": ["a<b>"]}
    return pd.DataFrame(base | kw)


def test_point_rows_round_and_escape_tooltips_only():
    rows = point_rows(_points(lon=[115.123456789]))
    assert rows == [[115.12346, 35.2, "#D55E00", True, "circle", "", "<b>ok</b>", "a&lt;b&gt;"]]


def test_point_rows_name_missing_columns_and_bad_shapes():
    with pytest.raises(ValueError, match=r"lacks columns.*colour"):
        point_rows(_points().drop(columns="colour"))
    with pytest.raises(ValueError, match="unknown marker shape"):
        point_rows(_points(shape=["star"]))


def test_script_json_cannot_close_the_script_element():
    text = script_json(["</script><script>alert(1)</script>"])
    assert "</script>" not in text
    assert text.startswith('["<\\/script>')


def test_spread_moves_only_shared_points_and_keeps_them_close_and_apart():
    lon = np.array([115.4, 115.4, 115.4, 115.9])
    lat = np.array([35.2, 35.2, 35.2, 35.5])
    new_lon, new_lat = spread_coincident(lon, lat, 350.0)
    assert (new_lon[3], new_lat[3]) == (115.9, 35.5)
    shared = list(zip(new_lon[:3], new_lat[:3], strict=True))
    assert len(set(shared)) == 3
    moved = distance_m(new_lon[:3], new_lat[:3], lon[:3], lat[:3])
    assert (moved > 50).all() and (moved < 350).all()
    gaps = [distance_m(*shared[i], *shared[j]) for i in range(3) for j in range(i + 1, 3)]
    assert min(gaps) > 150
    assert (lon == 115.4)[:3].all()  # inputs untouched


def test_spread_handles_a_hundred_records_on_one_seat():
    lon, lat = np.full(100, 115.41), np.full(100, 35.25)
    new_lon, new_lat = spread_coincident(lon, lat, 350.0)
    assert len(set(zip(np.round(new_lon, 6), np.round(new_lat, 6), strict=True))) == 100
    # nearest neighbours stay roughly `spacing` apart, so markers do not pile up
    pts = np.c_[new_lon, new_lat]
    nearest = [np.sort(distance_m(*pts[i], pts[:, 0], pts[:, 1]))[1] for i in range(100)]
    assert np.median(nearest) > 200
