"""The browser snapshot export with Debian's Chromium: the map as drawn, at the size asked."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from parks.analysis.query import Selection
from parks.display.print_map import BriefingSpec
from parks.files.exports import export
from parks.model.dataset import load_dataset

pytestmark = pytest.mark.browser


def test_snapshot_of_the_interactive_map(cache_dir):
    ds = load_dataset("371700", cache_dir=cache_dir)
    result = export("snapshot", ds, Selection(ds.parks, ds.enterprises, ds.projects),
                    BriefingSpec(width_px=1000, height_px=700))
    image = Image.open(io.BytesIO(result.data)).convert("RGB")
    assert image.size == (1000, 700)
    pixels = np.asarray(image).astype(int)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 30  # outlines, markers, legend
    # the offline background colour fills the map where no county is drawn
    assert ((pixels == (238, 241, 244)).all(axis=2)).mean() > 0.2
