"""Briefings show the view asked for and carry a QR code of their permalink when one is set."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from PIL import Image

from geo.static_map import qr_matrix
from parks.analysis.query import Filters, Selection
from parks.display.print_map import BriefingSpec, map_bounds
from parks.files.exports import export, permalink

# around 东明县's seat: a view a planner zoomed to, well inside the region
DONGMING = (114.95, 35.15, 115.25, 35.40)
LINK = "http://gis.heze.local:8501/?lang=zh&region=371700&kind=chemical_park"


@pytest.fixture(scope="module")
def everything(heze):
    return Selection(heze.parks, heze.enterprises, heze.projects)


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L")).astype(int)


def test_the_map_shows_the_view_asked_else_the_region(heze, everything):
    region = tuple(float(v) for v in heze.counties.total_bounds)
    assert map_bounds(heze, BriefingSpec()) == region
    assert map_bounds(heze, BriefingSpec(bbox=DONGMING)) == DONGMING
    spec = BriefingSpec(width_px=800, height_px=600, dpi=80)
    whole = _png(export("png", heze, everything, spec).data)
    view = _png(export("png", heze, everything, BriefingSpec(width_px=800, height_px=600, dpi=80,
                                                              bbox=DONGMING)).data)
    # the map area differs: the view is a zoomed-in part, not the region again
    assert np.abs(whole[80:520, 30:600] - view[80:520, 30:600]).mean() > 5


def test_the_cli_takes_a_bbox_and_refuses_a_bad_one(tmp_path, capsys):
    from parks.__main__ import main

    out, store = tmp_path / "v.png", str(tmp_path / "s.gpkg")
    args = ["export", "--format", "png", "--out", str(out), "--width", "600", "--height", "450",
            "--dpi", "60", "--store", store]
    assert main([*args, "--bbox", ",".join(map(str, DONGMING))]) == 0 and out.exists()
    assert main([*args, "--bbox", "115.3,35.4,115.2,35.1"]) == 2
    assert "--bbox" in capsys.readouterr().err


def _qr_found(pixels: np.ndarray, link: str) -> bool:
    """Whether the image's first dark block (top left) is the QR code of `link`: its top row
    (two finder patterns, n modules wide) gives the module size, then each module is sampled."""
    code = qr_matrix(link)[2:-2, 2:-2].astype(bool)  # without the quiet zone
    dark = pixels < 128
    rows = np.nonzero(dark.any(axis=1))[0]
    if not len(rows):
        return False
    top = rows[0]
    left = int(np.nonzero(dark[top])[0][0])
    right = int(np.nonzero(dark[top])[0][-1])
    module = (right - left + 1) / len(code)
    centres = (np.arange(len(code)) + 0.5) * module
    ys, xs = (top + centres).astype(int), (left + centres).astype(int)
    if ys[-1] >= dark.shape[0] or xs[-1] >= dark.shape[1]:
        return False
    return bool((dark[np.ix_(ys, xs)] == code).mean() > 0.97)


def test_png_carries_the_qr_code_of_its_link_only_when_there_is_one(heze, everything):
    spec = BriefingSpec(width_px=1200, height_px=900, dpi=100, link=LINK)
    with_link = _png(export("png", heze, everything, spec).data)
    corner = with_link[600:900, 915:1200]  # the foot of the legend column
    assert _qr_found(corner, LINK)
    without = _png(export("png", heze, everything, BriefingSpec(width_px=1200, height_px=900,
                                                                 dpi=100)).data)
    assert not _qr_found(without[600:900, 915:1200], LINK)


def test_pdf_and_pptx_carry_the_qr_code(heze, everything):
    pypdf = pytest.importorskip("pypdf")
    pptx = pytest.importorskip("pptx")
    linked, plain = BriefingSpec(link=LINK), BriefingSpec()
    pdf = [pypdf.PdfReader(io.BytesIO(export("pdf", heze, everything, s).data)).pages[0]
           for s in (linked, plain)]
    assert len(pdf[0].images) == len(pdf[1].images) + 1
    assert "扫码打开在线地图" in pdf[0].extract_text()
    decks = [pptx.Presentation(io.BytesIO(export("pptx", heze, everything, s).data))
             for s in (linked, plain)]
    pictures = [sum(shape.shape_type == 13 for shape in d.slides[0].shapes) for d in decks]
    assert pictures == [2, 1]  # the map, and the QR code


def test_the_permalink_names_what_the_briefing_shows():
    assert permalink("", "371700", Filters(), BriefingSpec()) == ""
    spec = BriefingSpec(lang="en", layers=("chemical_parks", "enterprises"), bbox=DONGMING)
    link = permalink("http://gis.local:8501/", "371700",
                     Filters(counties=("371728",), kinds=("chemical_park",), stages=("",)), spec)
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://gis.local:8501/"
    assert query["lang"] == "en" and query["region"] == "371700"
    assert query["county"] == "371728" and query["kind"] == "chemical_park"
    assert query["stage"] == "unstated" and query["layers"] == "chemical_parks,enterprises"
    lat, lon, zoom = (float(v) for v in query["view"].split(","))
    assert 35.15 < lat < 35.40 and 114.95 < lon < 115.25 and 8 <= zoom <= 14
