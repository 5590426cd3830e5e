"""The benchmark's table for people: each figure, the stock baseline, the ratio and the target."""

from __future__ import annotations

from collections.abc import Mapping

ROWS = (("render_ms", "map document: navigation → drawn (ms)"),
        ("app_render_ms", "app: navigation → map drawn (ms)"),
        ("page_ready_ms", "app: navigation → name search shown (ms)"),
        ("filter_ms", "filter change → redrawn (ms)"),
        ("payload_bytes", "bytes sent to the browser"), ("server_rss_mb", "server peak memory (MB)"),
        ("server_rss_restart_mb", "server peak memory after a restart (MB)"),
        ("first_map_ms", "app: first map after start (ms)"),
        ("first_map_snapshot_ms", "app: server start → map, snapshot (ms)"),
        ("first_map_returning_ms", "app: the same, a returning browser (ms)"),
        ("first_visit_later_ms", "app: first visit 5 s after start → map (ms)"))
PURE_ROWS = (("build_ms", "map build + render, one run (ms)"), ("html_bytes", "map HTML + update (bytes)"),
             ("load_ms", "load + validate the records (ms)"),
             ("store_create_ms", "create the store from the CSVs (ms)"),
             ("import_ms", "XLSX import with geocoding (ms)"),
             ("import_cpu_ms", "XLSX import with geocoding (CPU ms)"),
             ("import_rss_mb", "XLSX import, peak memory (MB)"))


def _fmt(value: object) -> str:
    if isinstance(value, float | int):
        return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2f}"
    return "—" if value is None else str(value)


def _target(targets: Mapping, key: str, n: int) -> str:
    goal = targets.get(key)
    if isinstance(goal, Mapping) and n in goal:
        return f"≤ {goal[n]:,}"
    return ""


def _lines(results: Mapping, rows: tuple, stock: Mapping) -> list[str]:
    out = []
    for key, label in rows:
        for n, value in sorted(results.get(key, {}).items()):
            base = stock.get(key, {}).get(n)
            ratio = f"{value / base:.2f}" if base else "—"
            out.append(f"{label:<38} {n:>9,} {_fmt(value):>12} {_fmt(base):>12} {ratio:>7} "
                       f"{_target(results['targets'], key, n):>10}")
    return out


def table(results: Mapping) -> str:
    """The results as a plain-text table: machine line, then ours, stock, ratio and target per figure."""
    machine = results["machine"]
    head = (f"Heze Park Map benchmark — {machine['date']} — {machine['cpu']}, {machine['cores']} cores, "
            f"{machine['memory_gb']} GB, {machine['chromium']}, Python {machine['python']}")
    cols = f"{'figure':<38} {'N':>9} {'ours':>12} {'stock':>12} {'ratio':>7} {'target':>10}"
    lines = [head, "", cols, "-" * len(cols)]
    lines += _lines(results, ROWS, results.get("baseline", {}))
    lines += _lines(results, PURE_ROWS, results.get("baseline_pure", {}))
    stock = results.get("baseline_pure", {})
    for key, label in (("pip_points_per_s", "point-in-county (points/s, 1M; stock = sjoin)"),
                       ("geocode_per_s", "geocoding (addresses/s; stock = naive scan)")):
        if key in results:
            ratio = results[key] / stock[key] if stock.get(key) else float("nan")
            goal = results["targets"].get(key)
            lines.append(f"{label:<48} {_fmt(results[key]):>12} {_fmt(stock.get(key)):>12} {ratio:>7.2f} "
                         f"{'≥ ' + format(goal, ',') if goal else '':>10}")
    restarts = {k: results[k] for k in ("floor_first_map_ms", "floor_first_map_returning_ms")
                if k in results}
    if restarts:  # bench/restart.py: the floor's own restart, the yardstick for ours
        lines += ["", "floor, server start → map: " + ", ".join(
            f"{k.removeprefix('floor_')} {_fmt(v)}" for k, v in restarts.items())]
    if "floor" in results:
        lines += ["", "floor (Streamlit + st_folium, a 2-point map): "
                  + ", ".join(f"{k} {_fmt(v)}" for k, v in results["floor"].items())]
    for load in (results.get("load_by_n") or {"": results["load"]} if "load" in results else {}).values():
        lines += ["", "load: " + ", ".join(f"{k} {_fmt(v)}" for k, v in load.items())]
    if "basemap" in results:
        lines += ["", *basemap_lines(results["basemap"])]
    return "\n".join(lines)


def basemap_lines(figures: Mapping) -> list[str]:
    """The basemap build figures (bench/basemap.py) as lines: one per input, one per estimate."""
    out = []
    for name in ("helsinki", "synthetic_county"):
        got = figures[name]
        out.append(f"basemap build, {name} ({got['area_km2']:,} km²): {got['features']:,} features "
                   f"in {got['seconds']} s = {got['features_per_s']:,} features/s (target ≥ "
                   f"{figures['target_features_per_s']:,}; seconds by stage {got['stages_s']}, "
                   f"CPU {got['cpu_s']} s; {got['osm_objects']:,} OSM objects read = "
                   f"{got['osm_objects_per_s']:,}/s), "
                   f"{got['bytes']:,} B = {got['bytes_per_1000_km2']:,} B per 1,000 km²")
    for name, est in figures["estimates"].items():
        if name != "method":
            out.append(f"estimated archive for {name} ({est['km2']:,} km²): "
                       f"{est['blend_bytes'] / 1e6:,.0f} MB (range "
                       f"{est['low_bytes'] / 1e6:,.0f}–{est['high_bytes'] / 1e6:,.0f} MB)")
    return [*out, "method: " + figures["estimates"]["method"]]
