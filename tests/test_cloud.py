"""Tests for geo.cloud: the compact payload keeps positions to metres, masks and bins count right."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from geo.basemaps import resolve
from geo.cloud import HOLLOW_BIT, CloudLayer, LayerUpdate, frame_bounds, mask_b64, pack, quantise
from geo.crs import distance_m, wgs84_to_gcj02
from geo.grid_counts import grid_bins
from geo.maps import build_map, display_layer

RNG = np.random.default_rng(3)
LON = RNG.uniform(114.8, 116.4, 5000)
LAT = RNG.uniform(34.6, 35.9, 5000)


def _layer(n: int = 5000, **kw) -> CloudLayer:
    return CloudLayer("企业", "enterprises", LON[:n], LAT[:n], RNG.integers(0, 3, n),
                      RNG.random(n) < 0.3, ("#D55E00", "#0072B2", "#9E9E9E"), **kw)


def _u16(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<u2")


def test_quantised_positions_stay_within_a_few_metres():
    payload = pack(_layer())
    x0, y0, x1, y1 = payload["b"]
    lon = x0 + _u16(payload["x"]) * (x1 - x0) / 65535
    lat = y0 + _u16(payload["y"]) * (y1 - y0) / 65535
    assert max(distance_m(a, b, c, d) for a, b, c, d in zip(lon, lat, LON, LAT, strict=True)) < 2.0
    assert len(base64.b64decode(payload["x"])) == 2 * 5000  # two bytes a coordinate


def test_category_byte_carries_colour_and_hollow():
    layer = _layer()
    cats = np.frombuffer(base64.b64decode(pack(layer)["c"]), np.uint8)
    assert np.array_equal(cats & 0x7F, layer.category)
    assert np.array_equal((cats & HOLLOW_BIT) > 0, layer.hollow)


def test_mask_is_one_bit_per_point_least_significant_first():
    mask = np.zeros(20, bool)
    mask[[0, 9, 19]] = True
    bits = base64.b64decode(mask_b64(mask))
    assert list(bits) == [0b00000001, 0b00000010, 0b00001000]


def test_grid_bins_count_every_point_once():
    bins = grid_bins(LON, LAT, 0.05)
    counts = np.frombuffer(base64.b64decode(bins["n"]), "<u4")
    cells = np.frombuffer(base64.b64decode(bins["i"]), "<u4")
    assert counts.sum() == len(LON) and bins["max"] == counts.max()
    ix, iy = cells % bins["nx"], cells // bins["nx"]
    first = (bins["x0"] + ix[0] * 0.05 <= LON) & (bins["x0"] + (ix[0] + 1) * 0.05 > LON) & (
        bins["y0"] + iy[0] * 0.05 <= LAT) & (bins["y0"] + (iy[0] + 1) * 0.05 > LAT)
    assert first.sum() == counts[0]
    assert grid_bins(np.array([]), np.array([]))["i"] == ""


def test_bad_layers_are_refused():
    with pytest.raises(ValueError, match="same length"):
        CloudLayer("x", "x", LON[:3], LAT[:2], np.zeros(3, int), np.zeros(3, bool), ("#000",))
    with pytest.raises(ValueError, match="no colour"):
        CloudLayer("x", "x", LON[:3], LAT[:3], np.array([0, 1, 5]), np.zeros(3, bool), ("#000",))


def test_quantise_clips_to_the_frame():
    assert list(quantise(np.array([-1.0, 0.0, 0.5, 1.0, 2.0]), 0.0, 1.0)) == [0, 0, 32768, 65535, 65535]
    x0, y0, x1, y1 = frame_bounds(LON, LAT)
    assert x0 < LON.min() and x1 > LON.max() and y0 < LAT.min() and y1 > LAT.max()


def test_map_holds_the_payload_not_a_marker_per_point():
    fmap = build_map([_layer(detail_url="/d/{chunk}.json")], basemap=resolve("offline", {}),
                     bounds=(114.8, 34.6, 116.4, 35.9))
    html = fmap.get_root().render()
    assert "window.hzLayers[opts.key]" in html and '"detailUrl":"/d/{chunk}.json"' in html
    assert html.count("L.marker(") == 0 and len(html) < 120_000  # 5,000 points


def test_gaode_basemap_shifts_the_points():
    shifted = display_layer(_layer(10), resolve("amap", {}))
    lon, lat = wgs84_to_gcj02(LON[:10], LAT[:10])
    assert np.allclose(shifted.lon, lon) and np.allclose(shifted.lat, lat)


def test_update_script_is_safe_inside_a_script_element():
    update = LayerUpdate({"enterprises": {"mask": mask_b64(np.ones(3, bool)), "note": "</script>"}})
    script = update._template.module.script(update)
    assert "</script>" not in script
    payload = script[script.index("{", script.index("updates =")):script.index("layers =")]
    decoded = json.loads(payload.rstrip().rstrip(",").replace("<\\/", "</"))
    assert decoded["enterprises"]["note"] == "</script>"
