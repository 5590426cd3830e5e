"""Tests for geo.point_table: a synthetic park outline written as 界址点 tables in each surveyors'
convention, read back within 0.5 m; bad tables named by row, ring or zone."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon

from geo.crs import wgs84_to_gcj02
from geo.point_table import PointTableError, coordinate, read_outline
from parks.files.uploads import read_rows

REGION = (114.7, 34.5, 116.5, 36.0)  # Heze with a margin
# invented for these tests: a park with a notch and a hole, near Heze's city
SHELL = [(115.450, 35.220), (115.480, 35.220), (115.480, 35.245), (115.465, 35.245),
         (115.465, 35.235), (115.450, 35.235)]
HOLE = [(115.470, 35.225), (115.475, 35.225), (115.475, 35.230), (115.470, 35.230)]
PARK = MultiPolygon([Polygon(SHELL, [HOLE])])
UTM = Transformer.from_crs("EPSG:4326", "EPSG:32650", always_xy=True)


def _metres_apart(a: MultiPolygon, b: MultiPolygon) -> float:
    return shapely.hausdorff_distance(shapely.transform(a, lambda xy: np.c_[UTM.transform(*xy.T)]),
                                      shapely.transform(b, lambda xy: np.c_[UTM.transform(*xy.T)]))


def _projected(crs: str) -> list[tuple[float, float]]:
    to = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return [to.transform(lon, lat) for lon, lat in [*SHELL, *HOLE]]


def _dms(value: float) -> str:
    d = int(value)
    m = int((value - d) * 60)
    return f"{d}°{m}′{(value - d - m / 60) * 3600:.4f}″"


def _table(rows: list[tuple], header: str, *, preamble: str = "") -> bytes:
    """A CSV 界址点 table: point number, two coordinates, ring (1 = shell, 2 = hole)."""
    lines = [preamble, header] if preamble else [header]
    rings = [1] * len(SHELL) + [2] * len(HOLE)
    lines += [",".join(map(str, (f"J{i + 1}", *row, ring))) for i, (row, ring) in
              enumerate(zip(rows, rings, strict=True))]
    return "\n".join(lines).encode("utf-8")


CONVENTIONS = {  # name → (the two columns per point, header, crs argument, expected CRS)
    "zone-prefixed, X first": (lambda: [(n, e) for e, n in _projected("EPSG:4526")],
                               "点号,X,Y,圈号", "auto", "EPSG:4526"),
    "central meridian, X first": (lambda: [(n, e) for e, n in _projected("EPSG:4547")],
                                  "点号,X,Y,圈号", "auto", "EPSG:4547"),
    "6° zone 20, Y first": (lambda: _projected("EPSG:4498"), "点号,Y,X,圈号", "auto", "EPSG:4498"),
    "度分秒, latitude first": (lambda: [(_dms(lat), _dms(lon)) for lon, lat in [*SHELL, *HOLE]],
                            "点号,纬度,经度,圈号", "auto", "EPSG:4326"),
    "GCJ-02 longitude/latitude": (
        lambda: [tuple(float(v) for v in wgs84_to_gcj02(lon, lat)) for lon, lat in [*SHELL, *HOLE]],
        "点号,经度,纬度,圈号", "gcj02", "GCJ02"),
}


@pytest.mark.parametrize("name", list(CONVENTIONS))
def test_a_table_in_each_convention_comes_back_within_half_a_metre(name):
    rows, header, crs, expected = CONVENTIONS[name]
    data = _table(rows(), header, preamble="山东省人民政府关于某合成化工园区认定的批复,界址点坐标表（合成）")
    outline = read_outline(read_rows(data, "synthetic.csv"), REGION, crs)
    assert outline.guess.crs == expected, outline.guess.reason
    assert outline.points == len(SHELL) + len(HOLE)
    assert len(outline.shape.geoms) == 1 and len(outline.shape.geoms[0].interiors) == 1
    assert _metres_apart(outline.shape, PARK) < 0.5


def test_the_reason_says_what_was_read():
    rows, header, _, _ = CONVENTIONS["zone-prefixed, X first"]
    guess = read_outline(read_rows(_table(rows(), header), "t.csv"), REGION).guess
    assert "zone 38" in guess.reason and "X (northing) first" in guess.reason
    rows, header, _, _ = CONVENTIONS["central meridian, X first"]
    rows_read = read_rows(_table(rows(), header), "t.csv")
    assert "central meridian 114°E" in read_outline(rows_read, REGION).guess.reason


def test_an_xlsx_without_closing_point_and_with_a_repeated_point_reads_the_same(tmp_path):
    north_east = [(n, e) for e, n in _projected("EPSG:4526")][: len(SHELL)]
    rows = [north_east[0], *north_east[:3], north_east[2], *north_east[3:], north_east[0]]
    frame = pd.DataFrame([["界址点成果表（合成）", "", ""], ["序号", "纵坐标", "横坐标"],
                          *[[i + 1, f"{n:.3f}", f"{e:.3f}"] for i, (n, e) in enumerate(rows)]])
    buffer = io.BytesIO()
    frame.to_excel(buffer, header=False, index=False)
    outline = read_outline(read_rows(buffer.getvalue(), "synthetic.xlsx"), REGION)
    assert _metres_apart(outline.shape, MultiPolygon([Polygon(SHELL)])) < 0.5


def test_old_datums_are_read_as_given_with_an_honest_warning():
    rows, header, _, _ = CONVENTIONS["zone-prefixed, X first"]
    outline = read_outline(read_rows(_table(rows(), header), "t.csv"), REGION, "EPSG:2414")  # Beijing 54
    assert "Beijing 1954" in outline.guess.reason and "~100 m" in outline.guess.warning


def test_bad_tables_are_named():
    rows = [(n, e) for e, n in _projected("EPSG:4526")]
    rows[2] = (rows[2][0], rows[2][1] + 1_000_000)  # one point in zone 39
    with pytest.raises(PointTableError, match="several zones mixed: 38, 39"):
        read_outline(read_rows(_table(rows, "点号,X,Y,圈号"), "t.csv"), REGION)
    short = "点号,X,Y,圈号\nJ1,3900000.1,38600000.2,1\nJ2,3900100.1,38600000.2,1\n"
    with pytest.raises(PointTableError, match=r"ring 1 \(rows 2, 3\) has fewer than 3"):
        read_outline(read_rows(short.encode(), "t.csv"), REGION)
    with pytest.raises(PointTableError, match="no row holds two coordinates"):
        read_outline(read_rows("说明\n只有文字\n".encode(), "t.txt"), REGION)
    far = [(n, e - 38_000_000) for n, e in [(n, e) for e, n in _projected("EPSG:4526")]]
    far = [(n + 3_000_000, e) for n, e in far]  # 3,000 km north: no meridian fits Heze
    with pytest.raises(PointTableError, match="no central meridian puts these points"):
        read_outline(read_rows(_table(far, "点号,X,Y,圈号"), "t.csv"), REGION)


def test_coordinates_in_dms_and_numbers():
    assert coordinate("115°30′36″") == pytest.approx(115.51)
    assert coordinate("115度30分36秒") == pytest.approx(115.51)
    assert coordinate(" 3908430.93 ") == 3908430.93
    assert np.isnan(coordinate("J1"))


def test_a_zone_that_puts_the_outline_elsewhere_names_the_zone_that_fits():
    rows = [(n, e + 1_000_000) for e, n in _projected("EPSG:4526")]  # written as zone 39, not 38
    with pytest.raises(PointTableError, match=r"zone 39 .* outside the region; zone 38 would put "
                                              r"them inside.*EPSG:4526"):
        read_outline(read_rows(_table(rows, "点号,X,Y,圈号"), "t.csv"), REGION)


def test_the_readme_examples_read_as_the_readme_says():
    """Each row of README's table of conventions is detected as the CRS its 'Read as' names."""
    import re
    from pathlib import Path

    from geo.point_table import coordinate, detect

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| [^|]+ \| `J1,([^,`]+),([^`]+)` \| ([^|]+) \|$", text, re.M)
    assert len(rows) == 5
    heze = (114.8, 34.6, 116.5, 35.9)
    for first, second, read_as in rows:
        a, b = np.array([coordinate(first)] * 3), np.array([coordinate(second)] * 3)
        wanted = re.search(r"EPSG:\d+", read_as)
        assert detect(a, b, heze).crs == (wanted.group(0) if wanted else "EPSG:4326"), read_as
