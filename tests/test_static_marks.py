"""Tests for geo.static_marks and the briefing legend: a print with more cloud points in view than
the layer's bin_min draws counts per grid cell, coloured and explained as the live map's."""

from __future__ import annotations

import io
import itertools

import numpy as np
from PIL import Image

from geo.cloud import CloudLayer
from geo.grid_counts import RAMP, ramp_ranges
from geo.maps import Legend, LegendItem, LegendSection
from geo.static_map import Frame, compose, to_png
from geo.static_marks import prints_binned
from parks.display.print_map import DENSITY, drawn_legend

BOX = (115.40, 35.20, 115.60, 35.35)  # W, S, E, N: synthetic, somewhere in Heze
BLUE = "#1f5fbf"


def _cloud(n: int, bin_min: int, *, outside: int = 0) -> CloudLayer:
    """n synthetic points packed around the box's middle (a few cells), `outside` far east."""
    rng = np.random.default_rng(3)
    lon = np.r_[rng.normal(115.5, 0.01, n), np.full(outside, 117.0)]
    lat = np.r_[rng.normal(35.27, 0.01, n), np.full(outside, 35.27)]
    return CloudLayer("合成企业", "enterprises", lon, lat, np.zeros(n + outside, np.uint8),
                      np.zeros(n + outside, bool), (BLUE,), bin_min=bin_min)


def _pixels(layer: CloudLayer) -> np.ndarray:
    figure = compose([layer], BOX, Frame("合成"), width_px=800, height_px=600, dpi=100)
    return np.asarray(Image.open(io.BytesIO(to_png(figure))).convert("RGB")).astype(int)


def _share(image: np.ndarray, test) -> float:
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    return float(test(r, g, b).mean())


def test_only_points_in_view_count_towards_binning():
    assert prints_binned(_cloud(101, 100), BOX)
    assert not prints_binned(_cloud(100, 100, outside=500), BOX)


def test_a_crowded_print_draws_counts_per_cell_not_dots():
    binned, dotted = _pixels(_cloud(3000, 100)), _pixels(_cloud(3000, 10**6))
    reddish = lambda r, g, b: (r > 180) & (g < 170) & (b < 140)  # noqa: E731  RAMP's oranges/reds
    blue = lambda r, g, b: (b > 150) & (r < 90)  # noqa: E731
    assert _share(binned, reddish) > 0.002 and _share(binned, blue) == 0
    assert _share(dotted, blue) > 0.002 and _share(dotted, reddish) == 0


def test_ramp_ranges_cover_every_count_once():
    for top in (1, 7, 5726, 10**6):
        ranges = ramp_ranges(top)
        assert ranges[0][1] == 1 and ranges[-1][2] == top
        assert all(b[1] == a[2] + 1 for a, b in itertools.pairwise(ranges))
        assert [c for c, _, _ in ranges] == [c for c in RAMP if c in {r[0] for r in ranges}]


def test_the_legend_says_what_the_cells_count_and_drops_the_dot_colours():
    legend = Legend("图例", (LegendSection("企业", (LegendItem("合成产业", BLUE),)),))
    binned = drawn_legend(legend, [_cloud(3000, 100)], "zh", BOX)
    titles = [s.title for s in binned.sections]
    assert titles == [DENSITY.get("zh")]
    counted = binned.sections[0].items
    assert counted[0].label.startswith("1") and all(i.shape == "fill" for i in counted)
    dotted = drawn_legend(legend, [_cloud(3000, 10**6)], "zh", BOX)
    assert [s.title for s in dotted.sections] == ["企业"]
