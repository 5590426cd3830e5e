"""Tests for geo.underlay: the synthetic archive's geography drawn under a static map, looked at
pixel by pixel at a city close-up."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from PIL import Image

from geo.static_map import Frame, compose, to_png
from geo.static_marks import to_mercator
from geo.underlay import INDUSTRIAL, LAND, WATER, draw_underlay, place_name
from tests.osm_fixture import CITY

LON, LAT = CITY
CLOSE = (LON - 0.04, LAT - 0.04, LON + 0.04, LAT + 0.04)


def _sheet(archive, lang: str = "zh") -> tuple[np.ndarray, Figure]:
    figure = compose([], CLOSE, Frame("合成市"), width_px=1000, height_px=750, dpi=100,
                     archive=archive, lang=lang)
    return np.asarray(Image.open(io.BytesIO(to_png(figure))).convert("RGB")).astype(int), figure


def _colour_at(pixels: np.ndarray, figure: Figure, lon: float, lat: float) -> np.ndarray:
    """The colour where (lon, lat) lands on the map."""
    x, y = to_mercator(np.array([lon]), np.array([lat]))
    col, row = figure.axes[0].transData.transform((x[0], y[0]))
    return pixels[round(pixels.shape[0] - row), round(col)]


def _is(colour: np.ndarray, name: str, tolerance: int = 4) -> bool:
    return bool(np.abs(colour - np.array(to_rgb(name)) * 255).max() <= tolerance)


@pytest.fixture(scope="module")
def close_up(region_archive):
    return _sheet(region_archive)


def test_a_city_close_up_shows_the_lake_industrial_land_and_streets(close_up):
    pixels, figure = close_up
    assert _is(_colour_at(pixels, figure, LON - 0.0175, LAT - 0.0175), WATER)  # mid-lake
    assert _is(_colour_at(pixels, figure, LON + 0.0175, LAT + 0.0175), INDUSTRIAL)
    assert _is(_colour_at(pixels, figure, LON - 0.0325, LAT + 0.0325), LAND)  # beyond the streets
    street = _colour_at(pixels, figure, LON + 0.01, LAT + 0.0125)  # on 合成街8, mid-block
    assert _is(street, "#FFFFFF", tolerance=12)  # a white road, with grey casing either side
    assert [t.get_text() for t in figure.axes[0].texts].count("合成市") == 1


def test_place_names_follow_the_language():
    assert place_name({"name": "合成市", "name:zh": "", "name:en": "Synthetic City"}, "en") == \
        "Synthetic City"
    assert place_name({"name": "Helsinki", "name:zh": "赫尔辛基", "name:en": ""}, "zh") == "赫尔辛基"
    assert place_name({"name": "合成村", "name:zh": "", "name:en": ""}, "en") == "合成村"


def test_english_sheets_name_places_in_english(region_archive):
    _, figure = _sheet(region_archive, "en")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "Synthetic City" in texts and "合成市" not in texts


def test_a_place_name_makes_way_for_a_text_already_on_the_map(region_archive):
    figure = Figure(figsize=(8, 6), dpi=100)
    ax = figure.add_axes((0, 0, 1, 1))
    xs, ys = to_mercator(np.array(CLOSE[::2]), np.array(CLOSE[1::2]))
    ax.set_xlim(*xs)
    ax.set_ylim(*ys)
    x, y = to_mercator(np.array([LON]), np.array([LAT]))
    ax.text(x[0], y[0], "牡丹区", fontsize=9)  # a county name where the city's name would go
    draw_underlay(ax, region_archive, (*xs, *ys), 800, "zh")
    assert [t.get_text() for t in ax.texts] == ["牡丹区"]
    assert len(ax.collections) > 3 and len(ax.patches) == 2  # streets; the lake, industry
