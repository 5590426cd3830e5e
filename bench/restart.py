"""Server restarts: server start → first map drawn, for our app and the floor, seen by a new
browser (nothing cached) and by a returning one (its cache holds what an earlier visit fetched)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from playwright.sync_api import Browser, BrowserContext, sync_playwright

from bench.apps import APP, FLOOR_APP, app_env, data_folder
from bench.browser import launch, new_context, open_map
from bench.server import AppServer, free_port
from parks.store import open_store

SETTLE_S = 5.0  # first_visit_later_ms: a visit this long after the server answered


@dataclass(frozen=True)
class Start:
    """One server start to time: the app and its environment, when the visit comes, and on
    which port (a returning browser's cache holds files per origin: the same port each time)."""

    script: Path
    env: dict[str, str] = field(default_factory=dict)
    settle_s: float = 0.0
    port: int | None = None


def first_map_ms(browser: Browser, work: Path, start: Start,
                 context: BrowserContext | None = None) -> int:
    """ms from the server's start to the first map drawn, in a new browser context unless one
    is given; with `settle_s`, the visit comes that long after the server answered, and the ms
    are from that visit's navigation (what a user arriving after a restart waits).

    The visitor's tab is open before the server starts, as a user's browser is: opening a
    Playwright context and tab took 0.15-0.45 s here, which the figure used to count. The end
    is the browser's own stamp of the drawn layer, not when this process next polled it."""
    visitor = context or new_context(browser)
    blank = visitor.new_page()
    try:
        began = time.time() * 1000  # epoch ms: the browser's stamps are on the same clock
        with AppServer(start.script, work, start.env, port=start.port) as server:
            if start.settle_s:
                time.sleep(start.settle_s)
                began = time.time() * 1000
            tab, ms = open_map(visitor, server.url, timeout_s=240, page=blank)
            drawn = tab.started + ms
    finally:
        blank.close()
        if context is None:
            visitor.close()
    return round(drawn - began)


def returning_ms(browser: Browser, work: Path, start: Start, repeats: int) -> list[int]:
    """`repeats` restarts, each visited by one browser that saw the app before the first."""
    start = Start(start.script, start.env, port=free_port())
    context = new_context(browser)
    try:
        first_map_ms(browser, work, start, context)  # the visit before the restarts
        return [first_map_ms(browser, work, start, context) for _ in range(repeats)]
    finally:
        context.close()


def first_map_figures(sizes: list[int], work: Path, *, repeats: int, log: TextIO) -> dict[str, object]:
    """Only the server start → first map figures. The floor's (Streamlit + st_folium, two
    points) in a new browser (floor_first_map_ms) and a returning one
    (floor_first_map_returning_ms); then per size: the first start (no snapshot yet,
    first_map_ms), `repeats` restarts with the snapshot (median first_map_snapshot_ms, every
    run in first_map_snapshot_runs), the same seen by a returning browser
    (first_map_returning_ms), and visits SETTLE_S after the start (first_visit_later_ms)."""
    got: dict[str, object] = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            floor = Start(FLOOR_APP)
            got["floor_first_map_ms"] = round(statistics.median(
                first_map_ms(browser, work, floor) for _ in range(repeats)))
            got["floor_first_map_returning_ms"] = round(statistics.median(
                returning_ms(browser, work, floor, repeats)))
            print(f"[bench] floor: server start → map {got['floor_first_map_ms']} ms, returning "
                  f"browser {got['floor_first_map_returning_ms']} ms", file=log, flush=True)
            for n in sizes:
                got = _merge(got, n, _one_size(browser, work, n, repeats))
                print(f"[bench] {n:>9,}: " + ", ".join(f"{k} {got[k][n]}" for k in _KEYS),
                      file=log, flush=True)
        finally:
            browser.close()
    return got


_KEYS = ("first_map_ms", "first_map_snapshot_ms", "first_map_snapshot_runs",
         "first_map_snapshot_vs_floor", "first_map_returning_ms", "first_visit_later_ms")


def _one_size(browser: Browser, work: Path, n: int, repeats: int) -> dict[str, object]:
    open_store(work / f"store-{n}.gpkg", data_dir=data_folder(work, n)).close()
    ours = Start(APP, app_env(work, n))
    first = first_map_ms(browser, work, ours)  # no snapshot yet: this start writes it
    # Each restart right after a floor restart: this machine's speed drifts by a third within
    # minutes (the floor took 2.8 s one day and 3.3-3.7 s the next), so the ratio is taken
    # pair by pair rather than against a floor measured before all of them.
    pairs = [(first_map_ms(browser, work, Start(FLOOR_APP)), first_map_ms(browser, work, ours))
             for _ in range(repeats)]
    runs = [mine for _, mine in pairs]
    later = Start(APP, ours.env, settle_s=SETTLE_S)
    return {"first_map_ms": first, "first_map_snapshot_ms": round(statistics.median(runs)),
            "first_map_snapshot_runs": runs,
            "first_map_snapshot_vs_floor": round(statistics.median(
                mine / floor for floor, mine in pairs), 2),
            "first_map_returning_ms": round(statistics.median(
                returning_ms(browser, work, ours, repeats))),
            "first_visit_later_ms": round(statistics.median(
                first_map_ms(browser, work, later) for _ in range(repeats)))}


def _merge(got: dict[str, object], n: int, figures: dict[str, object]) -> dict[str, object]:
    out = dict(got)
    for key, value in figures.items():
        out[key] = {**out.get(key, {}), n: value}  # type: ignore[dict-item]
    return out
