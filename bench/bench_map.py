"""Benchmark: map build time and HTML size for the seed data and for synthetic enterprises."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.basemaps import resolve
from parks.load import Dataset, load_dataset
from parks.symbology import Selection, records_map


def synthetic_enterprises(ds: Dataset, n: int, seed: int = 7) -> pd.DataFrame:
    """n enterprises at random points inside the region (named 合成企业, never saved)."""
    rng = np.random.default_rng(seed)
    union = ds.counties.union_all()
    minx, miny, maxx, maxy = union.bounds
    xs, ys = [], []
    while len(xs) < n:
        x = rng.uniform(minx, maxx, n)
        y = rng.uniform(miny, maxy, n)
        inside = ds.counties.sindex.query(gpd.points_from_xy(x, y), predicate="within")[0]
        xs.extend(x[np.unique(inside)])
        ys.extend(y[np.unique(inside)])
    base = ds.enterprises.iloc[[0]]
    frame = pd.concat([base] * n, ignore_index=True)
    codes = [i.code for i in ds.taxonomy.system_members("sei")]
    frame["id"] = [f"e-synthetic-{i}" for i in range(n)]
    frame["name_zh"] = [f"合成企业{i}" for i in range(n)]
    frame["industry"] = rng.choice(codes, n)
    frame["subsector"] = ""
    frame["precision"] = rng.choice(["surveyed", "town", "county"], n)
    frame["lon"], frame["lat"] = xs[:n], ys[:n]
    return frame.set_geometry(gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")


def measure(ds: Dataset, selection: Selection, repeats: int) -> tuple[float, float, int]:
    """Median seconds to build the folium map, to render its HTML, and the HTML size in bytes."""
    builds, renders, size = [], [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        fmap = records_map(ds, selection, basemap=resolve("offline", {}))
        mid = time.perf_counter()
        html = fmap.get_root().render()
        end = time.perf_counter()
        builds.append(mid - start)
        renders.append(end - mid)
        size = len(html.encode("utf-8"))
    return statistics.median(builds), statistics.median(renders), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic", type=int, nargs="*", default=[10_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    ds = load_dataset("371700")
    print(f"load_dataset (validate + locate, warm boundary cache): {time.perf_counter() - start:.2f} s")
    cases = [("seed data", Selection(ds.parks, ds.enterprises, ds.projects))]
    for n in args.synthetic:
        cases.append((f"seed + {n:,} synthetic enterprises",
                      Selection(ds.parks, synthetic_enterprises(ds, n), ds.projects)))
    print(f"{'case':<40} {'records':>8} {'build s':>8} {'render s':>9} {'HTML MB':>8}")
    for name, sel in cases:
        build, render, size = measure(ds, sel, args.repeats)
        count = sum(len(f) for f in sel.frames().values())
        print(f"{name:<40} {count:>8,} {build:>8.3f} {render:>9.3f} {size / 1e6:>8.2f}")


if __name__ == "__main__":
    main()
