"""Every page of the app at N enterprises: time until the page has settled, errors, server memory.

    python bench/pages.py --n 1000000            # lines for people
    python bench/pages.py --n 1000000 --json     # one JSON object
    python bench/pages.py --n 1000000 --shots DIR   # and a screenshot of each page

One server (the GeoPackage store and data folder of bench/measure.py, made once per N), one
browser tab visiting the pages in the sidebar's order twice: the first round pays what each page
derives once per data version, the second shows what a visitor waits for afterwards. A page has
settled when Streamlit's script has stopped and no spinner has shown for 2 s (the 2 s are not
counted). Run it twice on a new N: the first server start also reads and validates the store.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from bench.apps import APP, app_env
from bench.browser import launch
from bench.machine import machine_info
from bench.server import AppServer

PAGES = ("", "explorer", "park", "nearby", "compare", "targets", "chemical", "quality", "import",
         "edit")  # "" is the map, the default page
QUIET_S = 2.0


def settled_s(tab: Page, timeout_s: float = 300.0) -> float:
    """Seconds from now until the script stopped and no spinner showed for QUIET_S (NaN: never)."""
    start, quiet_since = time.perf_counter(), None
    while time.perf_counter() - start < timeout_s:
        state = tab.locator('[data-testid="stApp"]').get_attribute("data-test-script-state")
        if state != "notRunning" or tab.locator('[data-testid="stSpinner"]').count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.perf_counter()
        elif time.perf_counter() - quiet_since >= QUIET_S:
            return quiet_since - start
        time.sleep(0.1)
    return float("nan")


def _memory_mb(server: AppServer) -> dict[str, int]:
    status = Path(f"/proc/{server.process.pid}/status").read_text().splitlines()  # type: ignore[union-attr]
    return {line.split(":")[0]: int(line.split()[1]) // 1024 for line in status
            if line.startswith(("VmRSS", "VmHWM"))}


def tour(n: int, work: Path, shots: Path | None) -> list[dict[str, object]]:
    """One row per page visit (two rounds): page, round, settled_s, errors, VmRSS, VmHWM (MB)."""
    rows: list[dict[str, object]] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        with AppServer(APP, work, app_env(work, n)) as server:
            tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            for round_ in (1, 2):
                for page in PAGES:
                    tab.goto(f"{server.url}/{page}", timeout=600_000)
                    seconds = settled_s(tab)
                    errors = tab.locator('[data-testid="stException"]').all_inner_texts()
                    if shots is not None and round_ == 1:
                        tab.screenshot(path=str(shots / f"{page or 'map'}.png"))
                    rows.append({"page": page or "map", "round": round_,
                                 "settled_s": round(seconds, 2), "errors": errors,
                                 **_memory_mb(server)})
        browser.close()
    return rows


def main() -> None:
    """Run the tour and print its rows (or one JSON object)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic enterprises")
    parser.add_argument("--work", type=Path, default=Path(".cache/bench"),
                        help="folder for the store and data (kept between runs)")
    parser.add_argument("--shots", type=Path, help="folder for one screenshot per page")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    rows = tour(args.n, args.work, args.shots)
    if args.json:
        print(json.dumps({"n": args.n, "machine": machine_info(), "pages": rows}, indent=1))
        return
    for row in rows:
        print(f"{row['round']}  {row['page']:<9} {row['settled_s']:>6} s  RSS {row['VmRSS']:>5} MB"
              f"  peak {row['VmHWM']:>5} MB  {'; '.join(row['errors']) or ''}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
