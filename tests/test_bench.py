"""The benchmark's own parts: ratios, the report table, the map documents it times, its web server."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bench import pure
from bench.measure import QUERIES, ratios
from bench.report import table
from bench.site import StaticSite

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def results_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """bench/run.py's results go to a temporary folder, never into the repository's."""
    import bench.run

    monkeypatch.setattr(bench.run, "RESULTS", tmp_path / "results")


def test_ratios_divide_ours_by_stock_per_size_and_skip_missing_baselines() -> None:
    ours = {"render_ms": {1000: 300.0, 10_000: 500.0}, "html_bytes": {1000: 10.0}}
    stock = {"render_ms": {1000: 600.0, 10_000: 0.0}}
    assert ratios(ours, stock) == {"render_ms": {1000: 0.5}}


def test_consecutive_queries_differ_so_each_is_a_filter_change() -> None:
    pairs = zip(QUERIES, QUERIES[1:] + QUERIES[:1], strict=True)
    assert all(a != b for a, b in pairs)


def test_report_table_lists_each_figure_with_baseline_ratio_and_target() -> None:
    results = {
        "machine": {"date": "2026-11-21T10:00:00+08:00", "cpu": "Test CPU", "cores": 2,
                    "memory_gb": 8.0, "chromium": "Chromium 1", "python": "3.11.7"},
        "targets": {"render_ms": {100_000: 1000}, "pip_points_per_s": 2_000_000},
        "render_ms": {100_000: 400}, "baseline": {"render_ms": {100_000: 4000}},
        "pip_points_per_s": 4_000_000, "geocode_per_s": 15_000,
        "baseline_pure": {"pip_points_per_s": 1_000_000, "geocode_per_s": 30_000},
    }
    text = table(results)
    assert "Test CPU, 2 cores" in text and "2026-11-21" in text
    row = next(line for line in text.splitlines() if line.startswith("map document"))
    assert row.split()[-6:] == ["100,000", "400", "4,000", "0.10", "≤", "1,000"]
    pip = next(line for line in text.splitlines() if line.startswith("point-in-county"))
    assert "4.00" in pip and "≥ 2,000,000" in pip


def test_map_documents_hold_every_located_enterprise(heze) -> None:
    dataset = heze
    points = pure.located_points(dataset)
    assert len(points) == int(dataset.enterprises.geometry.notna().sum()) > 0
    html, update = pure.our_map_html(dataset)
    assert "/app/static/vendor/leaflet" in html and "cdn.jsdelivr" not in html
    assert "hzLayers" in update and "map_div" in update
    stock = pure.baseline_map_html(points)
    assert f"{points['lat'].iloc[0]}" in stock and "maxZoom" in stock.replace("max_zoom", "maxZoom")


def test_static_site_serves_documents_and_the_vendored_leaflet(tmp_path: Path) -> None:
    (tmp_path / "doc.html").write_text("<p>地图</p>", encoding="utf-8")
    with StaticSite(tmp_path) as site:
        with urllib.request.urlopen(f"{site.url}/doc.html", timeout=5) as response:
            assert response.read().decode() == "<p>地图</p>"
        if not (ROOT / "static/vendor/leaflet/dist/leaflet.js").exists():
            pytest.skip("static/vendor not fetched (scripts/setup.sh does it)")
        with urllib.request.urlopen(f"{site.url}/app/static/vendor/leaflet/dist/leaflet.js",
                                    timeout=5) as response:
            assert b"Leaflet" in response.read(2000)


def test_bench_command_line_documents_its_options() -> None:
    out = subprocess.run([sys.executable, "bench/run.py", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    for option in ("--json", "--load", "--sizes", "--repeats", "--no-million", "--think", "--load-table",
                   "--import-rows", "--first-map", "--load-n"):
        assert option in out


def test_page_tour_command_line_documents_its_options() -> None:
    out = subprocess.run([sys.executable, "bench/pages.py", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    for option in ("--n", "--json", "--shots", "--work"):
        assert option in out


def test_load_options_reach_the_load_test(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path) -> None:
    import bench.load
    import bench.run

    got: dict[str, object] = {}
    quiet = ["--results", str(tmp_path), "--sizes", "--no-million", "--json", "--import-rows", "0"]
    monkeypatch.setattr(bench.run, "pure_figures", lambda *a, **k: {})
    monkeypatch.setattr(bench.run, "browser_figures", lambda *a, **k: {})
    monkeypatch.setattr(bench.load, "run_load", lambda work, **k: got.update(k) or {"p95": 1})
    bench.run.main([*quiet, "--load",
                    "--sessions", "3", "--think", "2", "5"])
    assert got["sessions"] == 3 and got["think_s"] == (2.0, 5.0) and got["table"] is None
    bench.run.main([*quiet, "--load",
                    "--load-table", "parks"])
    assert got["think_s"] == bench.load.THINK_S == (5.0, 15.0) and got["table"] == "parks"
    assert got["n"] == bench.load.LOAD_N == 10_000
    assert '"load"' in capsys.readouterr().out
    sizes: list[object] = []
    monkeypatch.setattr(bench.load, "run_load", lambda work, **k: sizes.append(k["n"]) or {"n": k["n"]})
    bench.run.main([*quiet, "--load",
                    "--load-n", "10000", "100000"])
    out = json.loads(capsys.readouterr().out)
    assert sizes == [10_000, 100_000] and out["load"] == {"n": 10_000}
    assert out["load_by_n"] == {"10000": {"n": 10_000}, "100000": {"n": 100_000}}
    # every run leaves its JSON in the results folder, the same object it printed
    written = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("*.json"))]
    assert len(written) == 3 and out in written


def test_load_summary_keeps_first_changes_apart() -> None:
    from bench.load import Session, summarise
    users = [Session(i, times_ms=[3000.0 + i, *[100.0 + k for k in range(5)]]) for i in range(20)]
    users[3].errors.append("boom")
    users[4].dropped = True
    got = summarise(users, sessions=20, minutes=2.0, think_s=(5.0, 15.0), rss_mb=240.04)
    assert got["changes"] == 120 and got["errors"] == 1 and got["dropped"] == 1
    assert got["p95_first_change_ms"] == 3018  # 19 of the 20 first changes lie below it
    assert got["p95_later_changes_ms"] == 104
    assert got["p95_filter_ms"] == 3013 and got["max_filter_ms"] == 3019  # the slowest: firsts
    assert got["median_filter_ms"] == 102 and got["server_rss_mb"] == 240.0
    empty = summarise([Session(0)], sessions=1, minutes=1.0, think_s=(5.0, 15.0), rss_mb=1.0)
    assert empty["p95_filter_ms"] is None and empty["p95_first_change_ms"] is None


def test_a_box_area_is_measured_on_the_ellipsoid_not_in_degrees() -> None:
    import geopandas as gpd
    import shapely

    from bench.basemap import area_km2

    box = (115.0, 35.0, 116.0, 36.0)
    shape = gpd.GeoSeries([shapely.segmentize(shapely.box(*box), 0.001)], crs="EPSG:4326")
    utm = float(shape.to_crs(shape.estimate_utm_crs()).area.iloc[0]) / 1e6
    assert area_km2(box) == pytest.approx(utm, rel=2e-3)  # UTM's scale error is below 0.1 %
    assert 10_000 < area_km2(box) < 10_200 and area_km2((24.0, 60.0, 25.0, 61.0)) < 6_200


def test_the_synthetic_county_builds_into_a_measured_archive(tmp_path: Path) -> None:
    from bench.basemap import area_km2, file_bbox, measure, write_county_pbf

    box = (115.0, 35.0, 115.04, 35.03)
    pbf = write_county_pbf(tmp_path / "synthetic-county.osm.pbf", box, houses=2)
    assert file_bbox(pbf) == pytest.approx(box, abs=1e-6)  # the header's box
    got = measure(pbf, box, tmp_path / "county.pmtiles")
    villages = 2 * 2  # a village every 1.5 km: 2 across and 2 up in a box ~3.6 by 3.3 km
    each = 1 + 2 + 4 + 2 + 2  # its name, fields and houses' land, streets, roads out, houses
    assert got["features"] == villages * each + 2  # a river and a railway; no road every 0.05°
    assert got["bytes"] == (tmp_path / "county.pmtiles").stat().st_size > 0
    assert got["bytes_per_1000_km2"] == round(got["bytes"] / area_km2(box) * 1000)
    # the buildings, encoded beside tippecanoe, are added to its zoom-14 tiles at the end
    assert set(got["stages_s"]) == {"reading", "writing", "tippecanoe", "adding"}
    # seconds are printed to 0.01 s, features/s from the unrounded time
    # both sides are rounded (to 1/s and to 0.01 s): a few features a second differ by ~0.4
    assert got["features_per_s"] == pytest.approx(got["features"] / got["seconds"], rel=0.02, abs=1)
    nodes = villages * (1 + 2 * 4 + 4 * 2 + 2 * 3 + 2 * 4) + 2 * 2  # houses' squares: 4 nodes
    assert got["osm_objects"] == nodes + got["features"] - villages  # places are nodes


def test_a_pbf_without_a_header_box_is_measured_from_its_nodes(tmp_path: Path) -> None:
    from bench.basemap import file_bbox
    from tests.osm_fixture import tiny_heze_pbf

    pbf = tiny_heze_pbf(tmp_path / "synthetic-heze.osm.pbf")
    assert file_bbox(pbf) == pytest.approx((115.40, 35.18, 115.50, 35.27))


def test_size_estimates_scale_bytes_per_area_and_say_how() -> None:
    from bench.basemap import estimates

    got = estimates(1_000_000, 50_000_000)
    assert got["heze"] == {"km2": 12_239, "low_bytes": 12_239_000, "high_bytes": 611_950_000,
                           "blend_bytes": round(12_239 * (0.95 * 1_000 + 0.05 * 50_000))}
    assert got["shandong"]["low_bytes"] == 155_800_000 and "Helsinki" in got["method"]
    text = table({"machine": {"date": "d", "cpu": "c", "cores": 1, "memory_gb": 1, "chromium": "x",
                              "python": "3"}, "targets": {}, "basemap": {
        "target_features_per_s": 50_000, "estimates": got, **{name: {
            "area_km2": 2.0, "features": 100, "seconds": 0.5, "features_per_s": 200, "cpu_s": 0.6,
            "osm_objects": 900, "osm_objects_per_s": 1800, "stages_s": {}, "bytes": 10,
            "bytes_per_1000_km2": 5000} for name in
            ("helsinki", "synthetic_county")}}})
    assert "200 features/s (target ≥ 50,000" in text and "heze (12,239 km²): 42 MB (range 12–612 MB)" in text


def test_the_basemap_flag_adds_the_build_figures(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import bench.basemap
    import bench.run

    monkeypatch.setattr(bench.run, "pure_figures", lambda *a, **k: {})
    monkeypatch.setattr(bench.run, "browser_figures", lambda *a, **k: {})
    monkeypatch.setattr(bench.basemap, "basemap_figures", lambda work, **k: {"basemap": {"x": 1}})
    bench.run.main(["--sizes", "--no-million", "--json", "--import-rows", "0", "--basemap"])
    printed = json.loads(capsys.readouterr().out)
    assert printed["basemap"] == {"x": 1} and printed["targets"]["basemap_features_per_s"] == 50_000


def test_report_lists_the_first_map_with_the_snapshot_present() -> None:
    results = {"machine": {"date": "2026-12-03", "cpu": "Test CPU", "cores": 2, "memory_gb": 8.0,
                           "chromium": "Chromium 1", "python": "3.11.7"},
               "targets": {}, "first_map_snapshot_ms": {100_000: 11_700}}
    row = next(line for line in table(results).splitlines() if "snapshot" in line)
    assert row.split()[-4:] == ["100,000", "11,700", "—", "—"]
    results |= {"first_map_returning_ms": {100_000: 3_400}, "floor_first_map_ms": 3_500,
                "floor_first_map_returning_ms": 2_600}
    lines = table(results).splitlines()
    row = next(line for line in lines if "returning browser" in line)
    assert row.split()[-4:] == ["100,000", "3,400", "—", "—"]
    assert "floor, server start → map: first_map_ms 3,500, first_map_returning_ms 2,600" in lines


def test_the_first_map_flag_measures_only_the_first_map(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import bench.run

    got: dict[str, object] = {}
    monkeypatch.setattr(bench.run, "pure_figures", lambda *a, **k: pytest.fail("pure figures run"))
    monkeypatch.setattr(bench.run, "browser_figures", lambda *a, **k: pytest.fail("browser run"))
    monkeypatch.setattr(bench.run, "first_map_figures", lambda sizes, work, **k: got.update(
        sizes=sizes, **k) or {"first_map_snapshot_ms": {100_000: 2900}})
    bench.run.main(["--first-map", "--sizes", "100000", "--repeats", "3", "--json"])
    assert got["sizes"] == [100_000] and got["repeats"] == 3
    assert json.loads(capsys.readouterr().out)["first_map_snapshot_ms"] == {"100000": 2900}


def test_the_json_run_adds_the_bulk_import_figures(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import bench.bulk_import
    import bench.run

    asked: list[int] = []
    monkeypatch.setattr(bench.run, "pure_figures", lambda *a, **k: {})
    monkeypatch.setattr(bench.run, "browser_figures", lambda *a, **k: {})
    monkeypatch.setattr(bench.bulk_import, "measure", lambda n: asked.append(n) or {
        "n": n, "import_ms": 41_000, "import_cpu_ms": 40_000, "import_rss_mb": 738.0})
    bench.run.main(["--sizes", "--no-million", "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert asked == [100_000]
    assert printed["import_ms"] == {"100000": 41_000} and printed["import_rss_mb"] == {"100000": 738.0}
    assert printed["targets"]["import_ms"] == {"100000": 60_000}
    bench.run.main(["--sizes", "--no-million", "--json", "--import-rows", "0"])
    assert asked == [100_000] and "import_ms" not in json.loads(capsys.readouterr().out)


def test_a_returning_browser_visits_every_restart_on_one_port_after_a_first_visit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.restart

    class Context:
        closed = False

        def close(self) -> None:
            self.closed = True

    context, starts = Context(), []
    monkeypatch.setattr(bench.restart, "new_context", lambda browser: context)
    monkeypatch.setattr(bench.restart, "first_map_ms", lambda browser, work, start, visitor=None:
                        starts.append((start, visitor)) or 100 * len(starts))
    got = bench.restart.returning_ms(None, Path("/tmp"), bench.restart.Start(Path("app.py")), 3)
    assert got == [200, 300, 400]  # the first visit fills the cache and is not counted
    assert {visitor for _, visitor in starts} == {context} and context.closed
    assert len({start.port for start, _ in starts}) == 1 and starts[0][0].port


def test_a_measured_commands_peak_memory_is_its_own_not_its_parents() -> None:
    from bench.bulk_import import run_measured

    held = bytearray(400 * 1024 * 1024)  # a large parent, as bench/run.py is (~3 GB)
    held[:: 4096] = b"x" * len(held[:: 4096])  # resident, not just reserved
    run = run_measured([sys.executable, "-c", "big = bytearray(150 * 1024 * 1024); "
                        "big[::4096] = b'y' * len(big[::4096])"])
    assert run.code == 0, run.err
    assert 150 <= run.peak_mb < 300  # the child's own 150 MB, not the parent's 400 MB
    failed = run_measured([sys.executable, "-c", "import sys; print('said'); sys.exit(3)"])
    assert failed.code == 3 and failed.out.strip() == "said"
    del held
