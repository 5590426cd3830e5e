"""The benchmark's own parts: ratios, the report table, the map documents it times, its web server."""

from __future__ import annotations

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
    for option in ("--json", "--load", "--sizes", "--repeats", "--no-million", "--think", "--load-table"):
        assert option in out


def test_load_options_reach_the_load_test(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import bench.load
    import bench.run

    got: dict[str, object] = {}
    monkeypatch.setattr(bench.run, "pure_figures", lambda *a, **k: {})
    monkeypatch.setattr(bench.run, "browser_figures", lambda *a, **k: {})
    monkeypatch.setattr(bench.load, "run_load", lambda work, **k: got.update(k) or {"p95": 1})
    bench.run.main(["--sizes", "--no-million", "--json", "--load", "--sessions", "3", "--think", "2", "5"])
    assert got["sessions"] == 3 and got["think_s"] == (2.0, 5.0) and got["table"] is None
    bench.run.main(["--sizes", "--no-million", "--json", "--load", "--load-table", "parks"])
    assert got["think_s"] == bench.load.THINK_S == (5.0, 15.0) and got["table"] == "parks"
    assert '"load"' in capsys.readouterr().out


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
