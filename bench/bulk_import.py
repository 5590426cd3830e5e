"""Bulk import benchmark: an XLSX of n synthetic enterprises with addresses only, imported with
offline geocoding into a new store by the command line, timed with its peak memory.

    python bench/bulk_import.py                 # 100,000 rows, lines for people
    python bench/bulk_import.py --n 10000 --json

The sheet has the import template's Chinese headers; each row names a synthetic enterprise
(合成企业…) and an address 「菏泽市<county><town>合成路<k>号」 built from data/towns.csv, with no
county, town or coordinates, so every row goes through the geocoder as a planner's sheet would.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parks.config import DATA_DIR  # noqa: E402


def town_addresses(data_dir: Path) -> list[str]:
    """「菏泽市<county><town>」 for every current Heze town of data/towns.csv."""
    towns = pd.read_csv(data_dir / "towns.csv", dtype=str)
    towns = towns[(towns["region_adcode"] == "371700") & (towns["current"] == "yes")]
    return ("菏泽市" + towns["county"] + towns["town"]).drop_duplicates().tolist()


FIGURES = ("import_ms", "import_cpu_ms", "import_rss_mb")
HEADERS = ("中文名称", "产业", "地址", "来源", "数据日期", "可信度", "备注")


def write_sheet(path: Path, n: int, seed: int = 0) -> Path:
    """n synthetic enterprise rows with addresses only (write-only mode: memory stays flat)."""
    rng = np.random.default_rng(seed)
    places = town_addresses(DATA_DIR)
    pick = rng.integers(0, len(places), n)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("企业")
    sheet.append(HEADERS)
    for i, at in enumerate(pick):
        sheet.append((f"合成企业{i:07d}", "新材料", f"{places[at]}合成路{i % 500 + 1}号",
                      "合成数据（基准测试）", "2026-12", "低", "synthetic: bench/bulk_import.py"))
    book.save(path)
    return path


# Runs the command and writes its peak RSS (kB) to the file named first. On Linux a child's
# ru_maxrss starts at its parent's resident size (the high-water mark is carried across fork and
# exec; measured: 1,513 MB for `python -c pass` under a 1.5 GB parent), and inside bench/run.py
# the parent holds ~3 GB; this launcher is small, so its child's peak is the child's own.
_LAUNCH = ("import resource, subprocess, sys\n"
           "code = subprocess.call(sys.argv[2:])\n"
           "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
           "open(sys.argv[1], 'w').write(str(peak))\n"
           "sys.exit(code)")


@dataclass(frozen=True)
class Measured:
    """A command's run: seconds, CPU seconds (its own and the small launcher's, ~30 ms), its
    own peak RSS in MB, exit code, stdout and stderr."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    code: int
    out: str
    err: str


def run_measured(command: list[str]) -> Measured:
    """Run `command` from the repository under the small launcher (_LAUNCH)."""
    start = time.perf_counter()
    with (tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err,
          tempfile.TemporaryDirectory() as tmp):
        peak_file = Path(tmp) / "peak"
        child = subprocess.Popen([sys.executable, "-c", _LAUNCH, str(peak_file), *command],
                                 cwd=ROOT, stdout=out, stderr=err)
        _, status, used = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        peak_kb = int(peak_file.read_text() or 0) if peak_file.exists() else 0
        return Measured(seconds, used.ru_utime + used.ru_stime, round(peak_kb / 1024, 1),
                        child.returncode, out.read().decode(errors="replace"),
                        err.read().decode(errors="replace"))


def run_import(sheet: Path, store: Path) -> dict[str, object]:
    """Import the sheet into a new store in a child process: seconds, its CPU and its own peak
    RSS (run_measured)."""
    run = run_measured([sys.executable, "-m", "parks", "import", str(sheet), "--kind",
                        "enterprises", "--store", str(store), "--user", "bench",
                        "--accept-guesses"])
    if run.code != 0:
        raise SystemExit(f"the import failed ({run.code}): {run.err[-600:]}")
    return {"import_ms": round(run.seconds * 1000), "import_cpu_ms": round(run.cpu_seconds * 1000),
            "import_rss_mb": run.peak_mb, "said": run.out.strip().splitlines()[-1:]}


def measure(n: int) -> dict[str, object]:
    """Write the sheet, create the store once (not timed here), import; the figures."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        sheet = write_sheet(Path(tmp) / f"enterprises-{n}.xlsx", n)
        store = Path(tmp) / "store.gpkg"
        subprocess.run([sys.executable, "-m", "parks", "store", "info", "--store", str(store)],
                       cwd=ROOT, check=True, capture_output=True)
        return {"n": n, "sheet_bytes": sheet.stat().st_size, **run_import(sheet, store)}


def main(argv: list[str] | None = None) -> int:
    """Print the import figures for each size; returns the exit code."""
    cli = argparse.ArgumentParser(description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--n", type=int, nargs="*", default=[100_000], help="rows per sheet")
    cli.add_argument("--json", action="store_true", help="one JSON object")
    args = cli.parse_args(argv)
    results = [measure(n) for n in args.n]
    if args.json:
        print(json.dumps({key: {r["n"]: r[key] for r in results} for key in FIGURES}))
    else:
        for r in results:
            print(f"{r['n']:>9,} rows ({r['sheet_bytes'] / 1e6:.1f} MB): {r['import_ms'] / 1000:.1f} s, "
                  f"{r['import_cpu_ms'] / 1000:.1f} s of CPU, peak {r['import_rss_mb']:.0f} MB — {r['said']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
