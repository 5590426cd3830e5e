"""Benchmark: offline geocoding accuracy on the public test set (overall and per category),
addresses/s, points/s."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.boundaries import load_counties
from geo.geocode import geocode
from geo.reverse import assign_counties, county_index
from parks.files.geocoder import region_index

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests" / "data"
REPEAT = "<<REPEAT:菏:5000>>"


def read_cases(name: str) -> pd.DataFrame:
    """A test-address CSV, with the repeat marker expanded into a 5,000-character address."""
    frame = pd.read_csv(TESTS / name, dtype=str, keep_default_na=False)
    frame["address"] = frame["address"].str.replace(REPEAT, "菏" * 5000, regex=False)
    return frame


def accuracy(cases: pd.DataFrame, region: str) -> dict[str, float]:
    """Share of in-region addresses with the right county, and the right town where one is
    expected; failures are listed so a regression is easy to read."""
    index = region_index(region)
    results = [geocode(a, index) for a in cases["address"]]
    ok = cases["expected_status"] == "ok"
    county = np.array([r.county_adcode for r in results]) == cases["expected_county_adcode"]
    town = np.array([r.town for r in results]) == cases["expected_town"]
    wants_town = ok & (cases["expected_town"] != "")
    for i in np.flatnonzero(ok & ~(county & (town | ~wants_town))):
        r = results[i]
        print(f"  miss {cases['id'].iloc[i]}: {cases['address'].iloc[i][:40]} → {r.status} "
              f"{r.county} {r.town} {r.message}")
    return {"county": float(county[ok].mean()), "town": float(town[wants_town].mean()),
            "n": int(ok.sum()), "n_town": int(wants_town.sum())}


def rejected_share(cases: pd.DataFrame, region: str) -> float:
    """Share of the addresses the offline geocoder does not answer with status "ok"."""
    index = region_index(region)
    statuses = [geocode(a, index).status for a in cases["address"]]
    return float(np.mean([s != "ok" for s in statuses]))


def by_category(cases: pd.DataFrame, region: str) -> pd.DataFrame:
    """Per category: addresses, right county, right town (where one is expected), right
    functional area, and rejected (status other than ok where that is expected)."""
    index = region_index(region)
    results = [geocode(a, index) for a in cases["address"]]
    frame = cases.assign(
        status=[r.status for r in results],
        county_ok=[r.county_adcode for r in results] == cases["expected_county_adcode"],
        town_ok=[r.town for r in results] == cases["expected_town"],
        area_ok=[r.functional_area for r in results] == cases["expected_functional_area"])
    ok = frame["expected_status"] == "ok"
    frame["rejected_ok"] = (frame["status"] != "ok") & ~ok
    for i in np.flatnonzero(~(ok & frame["county_ok"] & frame["town_ok"] & frame["area_ok"])
                            & ~frame["rejected_ok"]):
        r = results[i]
        print(f"  miss {cases['id'].iloc[i]}: {cases['address'].iloc[i][:40]} → {r.status} "
              f"{r.county} {r.town} {r.functional_area} {r.message}")
    rows = []
    for category, part in frame.groupby("category", sort=False):
        mine = part[part["expected_status"] == "ok"]
        wants = mine[mine["expected_town"] != ""]
        rows.append({"category": category, "n": len(part),
                     "county": mine["county_ok"].mean() if len(mine) else np.nan,
                     "town": wants["town_ok"].mean() if len(wants) else np.nan,
                     "functional_area": mine["area_ok"].mean() if len(mine) else np.nan,
                     "rejected": part.loc[part["expected_status"] != "ok",
                                          "rejected_ok"].mean()
                     if (part["expected_status"] != "ok").any() else np.nan})
    return pd.DataFrame(rows)


def speed(region: str, addresses: list[str], seconds: float = 2.0) -> float:
    """Addresses geocoded per second of this process's CPU time (one core: the geocoder runs in
    one thread), repeating the list for `seconds`; CPU time, not wall time, so other work on a
    shared machine does not lower the figure."""
    index = region_index(region)
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for address in addresses:
            geocode(address, index)
        done += len(addresses)
    return done / (time.process_time() - start)


def pip_seconds(n: int = 1_000_000) -> float:
    """Best of three: seconds to assign `n` random points in Heze's bounds to their county."""
    counties = load_counties("371700")
    index = county_index(counties)
    rng = np.random.default_rng(0)
    minx, miny, maxx, maxy = counties.total_bounds
    lon, lat = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        assign_counties(lon, lat, index)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Print geocoding accuracy, rejection share and speed, and point-in-county time."""
    heze, jining = read_cases("addresses_heze.csv"), read_cases("addresses_jining.csv")
    rejected = read_cases("addresses_rejected.csv")
    for name, cases, region in (("菏泽", heze, "371700"), ("济宁", jining, "370800")):
        acc = accuracy(cases, region)
        print(f"{name}: county {acc['county']:.1%} of {acc['n']}, town {acc['town']:.1%} "
              f"of {acc['n_town']}")
    print(f"rejected (out of region or malformed): {rejected_share(rejected, '371700'):.1%} "
          f"of {len(rejected)}")
    for name in ("addresses_categories.csv", "addresses_synthetic.csv"):
        print(f"{name}, per category (share right; rejected = not placed in Heze):")
        print(by_category(read_cases(name), "371700").to_string(index=False,
                                                                  float_format="{:.0%}".format))
    rate = speed("371700", list(heze["address"]))
    print(f"offline geocoding: {rate:,.0f} addresses/s (one core, CPU time)")
    print(f"point-in-county, 1,000,000 points: {pip_seconds():.2f} s")


if __name__ == "__main__":
    main()
