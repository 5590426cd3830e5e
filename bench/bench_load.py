"""Benchmark: generate n synthetic enterprises, load and validate them, create and read the store."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parks.model.dataset import load_dataset
from parks.model.synthetic import synthetic_enterprises, write_synthetic_data
from parks.store import open_store

SIZES = (1_000, 10_000, 100_000)
MILLION = 1_000_000
STEPS = ("generate", "write_folder", "load_dataset", "store_create", "read_tables")
T = TypeVar("T")


def _timed(run: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def measure_load(n: int, seed: int = 0) -> dict[str, float]:
    """Seconds per step for n synthetic enterprises (plus the real records):

    generate (the frame in memory), write_folder (a complete data folder as CSV), load_dataset
    (read, validate and locate all CSVs; boundary cache warm), store_create (a new GeoPackage
    store from the folder) and read_tables (all tables back from that store).
    """
    synthetic_enterprises(1, seed=seed)  # warms the boundary cache and imports
    _, generate = _timed(lambda: synthetic_enterprises(n, seed=seed))
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder, write = _timed(lambda: write_synthetic_data(Path(tmp) / "data", n, seed=seed))
        dataset, load = _timed(lambda: load_dataset("371700", data_dir=folder))
        if len(dataset.enterprises) < n:
            raise AssertionError(f"loaded {len(dataset.enterprises)} enterprises, expected ≥ {n}")
        store, create = _timed(lambda: open_store(Path(tmp) / "store.gpkg", data_dir=folder))
        try:
            tables, read = _timed(store.read_tables)
        finally:
            store.close()
        if len(tables["enterprises"]) != len(dataset.enterprises):
            raise AssertionError("the store holds another number of enterprises than the CSV")
    return {"generate": generate, "write_folder": write, "load_dataset": load,
            "store_create": create, "read_tables": read}


def main(argv: Sequence[str] | None = None) -> int:
    """Print load times per step for each dataset size; returns the exit code."""
    cli = argparse.ArgumentParser(description=__doc__)
    cli.add_argument("--million", action="store_true", help="also 1,000,000 enterprises (~1 min)")
    cli.add_argument("--sizes", type=int, nargs="*", help=f"sizes to run (default {SIZES})")
    args = cli.parse_args(argv)
    sizes = [*(args.sizes or SIZES), *([MILLION] if args.million else [])]
    print(f"{'n':>10} " + " ".join(f"{step:>13}" for step in STEPS) + "   (seconds)")
    for n in sizes:
        times = measure_load(n)
        print(f"{n:>10,} " + " ".join(f"{times[step]:>13.2f}" for step in STEPS), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
