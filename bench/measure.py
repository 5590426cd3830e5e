"""The benchmark's measurements per size: server-side figures, map documents and the running apps."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import TextIO

from playwright.sync_api import BrowserContext, sync_playwright

from bench import pure
from bench.apps import APP, BASELINE_APP, FLOOR_APP, app_env, data_folder
from bench.basemap import TARGET_FEATURES_PER_S
from bench.browser import change_filter, close, launch, new_context, open_map
from bench.restart import Start, first_map_ms
from bench.server import AppServer
from bench.site import StaticSite
from parks.model.dataset import load_dataset
from parks.store import open_store

# The targets, by size.
TARGETS = {"render_ms": {100_000: 1000, 10_000: 600}, "filter_ms": {100_000: 1000, 10_000: 500},
           "payload_bytes": {100_000: 3_000_000}, "server_rss_mb": {100_000: 400},
           "pip_points_per_s": 2_000_000, "load_p95_filter_ms": 3000,
           "basemap_features_per_s": TARGET_FEATURES_PER_S}
# issue 21's targets for creating the store and a bulk import (bench/bulk_import.py)
TARGETS |= {"store_create_ms": {100_000: 5000}, "import_ms": {100_000: 60_000},
            "import_rss_mb": {100_000: 1024}}
QUERIES = ("1", "23", "", "7", "45", "")  # consecutive values differ: each one is a change
STOCK_UP_TO = 100_000  # larger N: our app alone (a full run stays under 35 minutes)
APP_KEYS = ("app_render_ms", "page_ready_ms", "filter_ms", "payload_bytes", "server_rss_mb",
            "first_map_ms")


def ratios(ours: dict[str, dict[int, float]], stock: dict[str, dict[int, float]]) -> dict[str, dict]:
    """Our figure divided by the stock one, per figure and size (sizes without a stock figure left out)."""
    return {key: {n: round(v / stock[key][n], 3) for n, v in values.items() if stock[key].get(n)}
            for key, values in ours.items() if key in stock}


def pure_figures(sizes: list[int], work: Path, *, log: TextIO) -> dict[str, object]:
    """Per size: load, map build and HTML bytes (ours and stock; the documents are written to
    work/site for the browser); point-in-county and geocoding rates."""
    ours: dict[str, dict[int, float]] = {"build_ms": {}, "html_bytes": {}, "load_ms": {}}
    stock: dict[str, dict[int, float]] = {"build_ms": {}, "html_bytes": {}}
    site = work / "site"
    site.mkdir(exist_ok=True)
    for n in sizes:
        folder = data_folder(work, n)
        start = time.perf_counter()
        dataset = load_dataset("371700", data_dir=folder)
        ours["load_ms"][n] = round((time.perf_counter() - start) * 1000)
        got = pure.build(dataset, repeats=3 if n < 1_000_000 else 1)
        ours["build_ms"][n], ours["html_bytes"][n] = round(got["build_ms"]), got["html_bytes"]
        stock["build_ms"][n], stock["html_bytes"][n] = (round(got["baseline_build_ms"]),
                                                        got["baseline_html_bytes"])
        (site / f"ours-{n}.html").write_text(pure.our_map_html(dataset)[0], encoding="utf-8")
        (site / f"stock-{n}.html").write_text(pure.baseline_map_html(pure.located_points(dataset)),
                                              encoding="utf-8")
        print(f"[bench] {n:>9,}: load {ours['load_ms'][n]} ms, build {ours['build_ms'][n]} ms "
              f"(stock {stock['build_ms'][n]} ms), HTML {got['html_bytes']:,} B "
              f"(stock {got['baseline_html_bytes']:,} B)", file=log, flush=True)
    pip, pip_stock = pure.pip_rates()
    geo, geo_stock = pure.geocode_rates()
    print(f"[bench] point-in-county {pip:,.0f}/s (sjoin {pip_stock:,.0f}/s), "
          f"geocoding {geo:,.0f}/s (naive scan {geo_stock:,.0f}/s)", file=log, flush=True)
    return {**ours, "pip_points_per_s": round(pip), "geocode_per_s": round(geo),
            "baseline_pure": {**stock, "pip_points_per_s": round(pip_stock),
                              "geocode_per_s": round(geo_stock)}}


def document_ms(context: BrowserContext, url: str, repeats: int) -> float:
    """Median ms from navigation to the drawn enterprise layer of a map document (warm cache)."""
    close(open_map(context, url)[0])  # first visit fills the cache with Leaflet and plugins
    times = []
    for _ in range(repeats):
        tab, ms = open_map(context, url)
        times.append(ms)
        close(tab)
    return statistics.median(times)


def app_figures(context: BrowserContext, server: AppServer, repeats: int) -> dict[str, float]:
    """A running app: cold first map, median navigation and filter change, bytes, peak memory."""
    tab, first = open_map(context, server.url, timeout_s=240)
    close(tab)
    renders, readies, payloads = [], [], []
    for _ in range(repeats):
        tab, ms = open_map(context, server.url)
        readies.append(tab.search_shown_ms())
        time.sleep(0.5)  # messages after the draw (tables below the map) are payload too
        renders.append(ms)
        payloads.append(tab.ws_bytes[0])
        close(tab)
    tab, _ = open_map(context, server.url)
    filters = [change_filter(tab, QUERIES[i % len(QUERIES)]) for i in range(2 * repeats)]
    close(tab)
    return {"first_map_ms": round(first), "app_render_ms": round(statistics.median(renders)),
            "page_ready_ms": round(statistics.median(readies)),
            "filter_ms": round(statistics.median(filters)),
            "payload_bytes": round(statistics.median(payloads)),
            "server_rss_mb": round(server.peak_rss_mb(), 1)}


def browser_figures(sizes: list[int], work: Path, *, repeats: int, log: TextIO) -> dict[str, object]:
    """Per size, in headless Chromium: the map documents (render_ms), then each running app."""
    ours: dict[str, dict[int, float]] = {k: {} for k in ("render_ms", *APP_KEYS)}
    stock: dict[str, dict[int, float]] = {k: {} for k in ("render_ms", *APP_KEYS)}
    with sync_playwright() as playwright, StaticSite(work / "site") as site:
        browser = launch(playwright)
        try:
            floor = _floor(browser, work, repeats)
            print(f"[bench] floor (Streamlit + st_folium, 2 points): {floor}", file=log, flush=True)
            for n in sizes:
                _one_size(browser, work, n, repeats, site.url, ours, stock, log)
        finally:
            browser.close()
    return {**ours, "baseline": stock, "ratio": ratios(ours, stock), "floor": floor}


def _floor(browser: object, work: Path, repeats: int) -> dict[str, float]:
    with AppServer(FLOOR_APP, work, {}) as server:
        context = new_context(browser)
        try:
            got = app_figures(context, server, repeats)
        finally:
            context.close()
    return {k: got[k] for k in ("app_render_ms", "page_ready_ms", "filter_ms", "payload_bytes",
                                "server_rss_mb")}


def _one_size(browser: object, work: Path, n: int, repeats: int, site_url: str,
              ours: dict, stock: dict, log: TextIO) -> None:
    points = work / f"points-{n}.csv"
    pure.located_points(load_dataset("371700", data_dir=data_folder(work, n))).to_csv(points, index=False)
    start = time.perf_counter()  # once, as a deployment does: the server then only serves
    open_store(work / f"store-{n}.gpkg", data_dir=data_folder(work, n)).close()
    ours.setdefault("store_create_ms", {})[n] = round((time.perf_counter() - start) * 1000)
    runs = (("ours", ours, APP, app_env(work, n)),
            ("stock", stock, BASELINE_APP, {"BENCH_POINTS": str(points)}))
    for name, into, script, env in runs[:1] if n > STOCK_UP_TO else runs:
        context = new_context(browser)
        try:
            into["render_ms"][n] = round(document_ms(context, f"{site_url}/{name}-{n}.html", repeats))
            with AppServer(script, work, env) as server:
                got = app_figures(context, server, repeats)
        finally:
            context.close()
        for key in APP_KEYS:
            into[key][n] = got[key]
        if name == "ours":  # the first start wrote the prepared snapshot: a restart reads it
            ours.setdefault("first_map_snapshot_ms", {})[n] = first_map_ms(
                browser, work, Start(APP, app_env(work, n)))
            ours.setdefault("server_rss_restart_mb", {})[n] = restart_peak_mb(browser, work, n)
        print(f"[bench] {n:>9,} {name:>5}: render_ms {into['render_ms'][n]}, "
              + ", ".join(f"{k} {v}" for k, v in got.items()), file=log, flush=True)


def restart_peak_mb(browser: object, work: Path, n: int) -> float:
    """The peak memory of a server started with the prepared snapshot present (as after every
    restart but the first), after a first map and two filter changes; server_rss_mb is the
    first start's, which also reads and validates the store and writes the snapshot."""
    with AppServer(APP, work, app_env(work, n)) as server:
        context = new_context(browser)
        try:
            tab = open_map(context, server.url, timeout_s=240)[0]
            for query in QUERIES[:2]:
                change_filter(tab, query)
            close(tab)
        finally:
            context.close()
        return round(server.peak_rss_mb(), 1)
