"""四至 → candidate outline timing: how long the edit page's button takes on a county's OSM data.

    python bench/sizhi.py            # lines for people
    python bench/sizhi.py --json     # one JSON object

On bench/basemap.py's synthetic rural county (a village every 1.5 km with streets, houses and
fields; named regional roads every 0.05°), a synthetic park bounded by four of its named roads
is enclosed from the .osm.pbf and from the built archive, searched around a county seat
(15 km) and a town (8 km), as parks.files.sizhi_outline does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from bench.basemap import COUNTY_BOX, write_county_pbf
from bench.machine import machine_info
from geo.osm_archive import build_basemap
from parks.files.sizhi_outline import sizhi_candidate

# tertiary roads every 0.05°: 9 and 11 run at 115.45 / 115.55°E, 横9 and 横11 at 35.45 / 35.55°N
SIZHI = "东至合成tertiary11，西至合成tertiary9，南至合成tertiary横9，北至合成tertiary横11"
SEAT = (115.5, 35.5)


def _park(precision: str) -> pd.Series:
    return pd.Series({"id": "synthetic-park", "lon": SEAT[0], "lat": SEAT[1], "area_km2": "",
                      "precision": precision, "sizhi": SIZHI})


def timings(source: Path, repeats: int) -> dict[str, object]:
    """Median seconds of a candidate from `source`, around a county seat and a town."""
    out: dict[str, object] = {}
    for precision in ("county", "town"):
        seconds, report = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            report = sizhi_candidate(_park(precision), None, source)
            seconds.append(time.perf_counter() - start)
        out[precision] = {"median_s": round(statistics.median(seconds), 2),
                          "max_s": round(max(seconds), 2), "area_km2": round(report.area_km2, 2),
                          "confidence": report.confidence, "problems": list(report.problems)}
    return out


def main(argv: list[str] | None = None) -> int:
    """Build the synthetic county once, time candidates from the PBF and the archive."""
    cli = argparse.ArgumentParser(description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--json", action="store_true", help="print one JSON object")
    cli.add_argument("--repeats", type=int, default=3)
    args = cli.parse_args(argv)
    figures: dict[str, object] = {"machine": machine_info(), "load_average_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="heze-bench-sizhi-") as tmp:
        pbf = write_county_pbf(Path(tmp) / "synthetic-county.osm.pbf")
        archive = Path(tmp) / "synthetic-county.pmtiles"
        build_basemap(pbf, archive, COUNTY_BOX)
        figures["sizhi"] = {"pbf": timings(pbf, args.repeats),
                            "archive": timings(archive, args.repeats)}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        for source, runs in figures["sizhi"].items():
            for where, got in runs.items():
                print(f"四至 candidate from the {source}, around a {where}: {got['median_s']} s "
                      f"median ({got['max_s']} s max), {got['area_km2']} km², "
                      f"confidence {got['confidence']} {got['problems'] or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
