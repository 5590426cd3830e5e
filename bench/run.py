"""Scale benchmark: the map app against a stock folium + streamlit-folium app, 1k to 100k
enterprises, and ours alone at 1M.

    python bench/run.py            # table for people
    python bench/run.py --json     # one JSON object (render_ms, filter_ms, payload_bytes, …)
    python bench/run.py --load     # also 20 browser sessions changing filters for 2 minutes
    python bench/run.py --load --load-n 10000 100000   # … on the 10k and on the 100k app
    python bench/run.py --load --load-table parks   # the same with the parks table open
    python bench/run.py --basemap  # also the OSM basemap build (bench/basemap.py)
    python bench/run.py --import-rows 0   # without the 100k-row XLSX import
    python bench/run.py --first-map --sizes 100000 --repeats 5   # only server start → first map

Synthetic enterprises (parks.model.synthetic) are added to the real records; the server and the
browser run on this machine only (nothing leaves localhost).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.machine import machine_info
from bench.measure import TARGETS, browser_figures, pure_figures
from bench.report import table
from bench.restart import first_map_figures
from geo.arrow_memory import use_system_allocator
from parks.model.schema import TABLES

RESULTS = Path(__file__).resolve().parent / "results"

SIZES = (1_000, 10_000, 100_000)
MILLION = (1_000_000,)  # also run unless --no-million: the pure steps, and the live app (ours alone)


def _parser() -> argparse.ArgumentParser:
    """The command line: sizes, repeats and which figures besides the default ones."""
    cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    cli.add_argument("--sizes", type=int, nargs="*", default=list(SIZES), help="enterprise counts")
    cli.add_argument("--no-million", action="store_true",
                     help="skip 1,000,000 (the pure steps and the live app)")
    cli.add_argument("--repeats", type=int, default=5, help="navigations and filter changes per size")
    cli.add_argument("--load", action="store_true", help="also the 20-session load test")
    cli.add_argument("--load-n", type=int, nargs="*", default=[10_000], metavar="N",
                     help="enterprises in the load test's app, one run per N (default 10000)")
    cli.add_argument("--sessions", type=int, default=20)
    cli.add_argument("--minutes", type=float, default=2.0)
    cli.add_argument("--think", type=float, nargs=2, default=None, metavar=("MIN", "MAX"),
                     help="seconds a load-test user looks at the map between changes")
    cli.add_argument("--load-table", choices=[spec.name for spec in TABLES], default=None,
                     help="load-test users open the page with this table open under the map")
    cli.add_argument("--import-rows", type=int, default=100_000,
                     help="rows of the XLSX import with geocoding (bench/bulk_import.py); 0 skips")
    cli.add_argument("--basemap", action="store_true",
                     help="also the OSM basemap build: features/s, bytes per 1,000 km²")
    cli.add_argument("--results", type=Path, default=RESULTS,
                     help="folder the run's JSON is written to (one file per run)")
    cli.add_argument("--first-map", action="store_true",
                     help="only server start → first map (no snapshot, then --repeats restarts "
                          "with it: first_map_snapshot_ms) for --sizes; nothing else")
    return cli


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (and optionally the load test), print a table or JSON; returns the exit code."""
    args = _parser().parse_args(argv)
    use_system_allocator()  # as scripts/bench.sh, the app's server and `python -m parks` have it
    log = sys.stderr if args.json else sys.stdout
    results: dict[str, object] = {"machine": machine_info(), "targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="heze-bench-") as tmp:
        work = Path(tmp)
        if args.first_map:
            results |= first_map_figures(args.sizes, work, repeats=args.repeats, log=log)
        else:
            sizes = [*args.sizes, *([] if args.no_million else MILLION)]
            results |= pure_figures(sizes, work, log=log)
            results |= browser_figures(sizes, work, repeats=args.repeats, log=log)
        if args.import_rows and not args.first_map:
            from bench.bulk_import import FIGURES, measure

            got = measure(args.import_rows)
            results |= {key: {args.import_rows: got[key]} for key in FIGURES}
        if args.load:
            from bench.load import THINK_S, run_load

            think = tuple(args.think) if args.think else THINK_S
            runs = {n: run_load(work, sessions=args.sessions, minutes=args.minutes, think_s=think,
                                table=args.load_table, n=n, log=log) for n in args.load_n}
            results["load"] = runs[args.load_n[0]]  # the key earlier results files have
            results["load_by_n"] = runs
        if args.basemap:
            from bench.basemap import basemap_figures

            results |= basemap_figures(work, log=log)
    saved = write_results(results, args.results)
    print(f"[bench] results written to {saved}", file=log)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        print(table(results))
    return 0


def write_results(results: dict[str, object], folder: Path) -> Path:
    """The run's JSON as `folder`/<UTC date and time>.json (a new file per run, never replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.now(UTC):%Y-%m-%d-%H%M%S}"
    path, more = folder / f"{stamp}.json", 1
    while path.exists():  # two runs in one second
        more += 1
        path = folder / f"{stamp}-{more}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.exit(main())
