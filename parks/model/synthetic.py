"""Deterministic synthetic enterprises (clearly fake names and ids) for benchmarks and scale tests."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.boundaries import load_counties
from geo.gazetteer import load_gazetteer
from geo.reverse import CountyIndex, assign_counties, county_index
from parks.config import DATA_DIR, DEFAULT_CONFIG
from parks.model.industries import Taxonomy, load_taxonomy
from parks.model.schema import ENTERPRISES, PARKS, PROJECTS

SOURCE = "synthetic"
NOTE = "synthetic record for benchmarks and tests"
AS_OF = "2025-01-01"
CONFIDENCE = "low"
NAME_PREFIX = "合成企业"  # "synthetic enterprise": never the name of a real firm
# Share of each precision: most points surveyed, some known to the town or only the county.
DEFAULT_SHARES: Mapping[str, float] = MappingProxyType({"surveyed": 0.80, "town": 0.15, "county": 0.05})
PRECISIONS = ("surveyed", "town", "county", "unlocated")
_MIN_DRAW = 1024  # smallest batch of candidate points drawn per rejection-sampling round


def industry_mix(data_dir: Path, taxonomy: Taxonomy) -> pd.DataFrame:
    """(industry, subsector, weight) pairs to draw from, weights summing to 1.

    Weights follow the real register (data/enterprises.csv), so a synthetic map is coloured
    as the real one is: an industry's weight is its number of real enterprises, unclassified
    ("") included (13% today); within an industry each taxonomy sub-sector weighs its real
    count + 1, so sub-sectors without a real firm yet (e.g. NEN.SOLAR) still appear. Without
    any real enterprise every top-level industry weighs the same.
    """
    real = pd.read_csv(data_dir / ENTERPRISES.file, dtype=str, keep_default_na=False,
                       encoding="utf-8-sig", usecols=["industry", "subsector"])
    codes = taxonomy.codes
    real = real[real["industry"].isin(codes | {""})]
    per_industry = real["industry"].value_counts()
    if per_industry.empty:
        per_industry = pd.Series(1, index=[i.code for i in taxonomy.industries if not i.parent])
    rows = []
    for industry, count in sorted(per_industry.items()):
        mine = real[real["industry"] == industry]["subsector"].value_counts()
        subs = {s.code: mine.get(s.code, 0) + 1 for s in taxonomy.subsectors(industry)} if industry else {}
        if mine.get("", 0) or not subs:
            subs[""] = mine.get("", 0) or 1
        total = sum(subs.values())
        rows += [(industry, sub, count * w / total) for sub, w in subs.items()]
    mix = pd.DataFrame(rows, columns=["industry", "subsector", "weight"])
    mix["weight"] /= mix["weight"].sum()
    return mix


def precision_counts(n: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Exact record counts per precision summing to n (largest remainders get the rest)."""
    unknown = [p for p in shares if p not in PRECISIONS]
    if unknown or any(s < 0 for s in shares.values()) or abs(sum(shares.values()) - 1) > 1e-9:
        raise ValueError(f"precision shares must be non-negative, sum to 1 and use {PRECISIONS}; "
                         f"got {dict(shares)}")
    exact = {p: n * s for p, s in shares.items()}
    counts = {p: int(v) for p, v in exact.items()}
    by_remainder = sorted(exact, key=lambda p: (counts[p] - exact[p], PRECISIONS.index(p)))
    for p in by_remainder[: n - sum(counts.values())]:
        counts[p] += 1
    return counts


def points_inside(rng: np.random.Generator, index: CountyIndex, count: int,
                  decimals: int = 6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`count` points uniformly distributed inside the counties (rounded), and their counties.

    Vectorised rejection sampling: candidates are drawn in the counties' bounding box and those
    that (after rounding) fall in no county are dropped.
    """
    minx, miny = index.bounds[:, 0].min(), index.bounds[:, 1].min()
    maxx, maxy = index.bounds[:, 2].max(), index.bounds[:, 3].max()
    lons, lats, codes, got = [], [], [], 0
    while got < count:
        size = max(_MIN_DRAW, 2 * (count - got))  # more than half of the box is inside
        lon = np.round(rng.uniform(minx, maxx, size), decimals)
        lat = np.round(rng.uniform(miny, maxy, size), decimals)
        county = assign_counties(lon, lat, index)
        keep = np.flatnonzero(county != "")[: count - got]
        lons.append(lon[keep])
        lats.append(lat[keep])
        codes.append(county[keep])
        got += keep.size
    return (np.concatenate(lons) if lons else np.empty(0), np.concatenate(lats) if lats else np.empty(0),
            np.concatenate(codes) if codes else np.empty(0, dtype=object))


def _town_choices(data_dir: Path, region: str) -> pd.DataFrame:
    """Current towns of the region that have a point: county_adcode, town."""
    gaz = load_gazetteer(data_dir / "towns.csv", data_dir / "county_seats.csv", region)
    towns = gaz.towns[(gaz.towns["current"] == "yes") & gaz.towns["lon"].notna()]
    towns = towns.drop_duplicates(["county_adcode", "town"])
    return towns[["county_adcode", "town"]].reset_index(drop=True)


def text(values: np.ndarray | str, n: int) -> pd.Series:
    """A text column of n rows: a scalar repeated, or an array of str (factorised: fast for few values)."""
    if isinstance(values, str):
        return pd.Series(values, index=pd.RangeIndex(n), dtype=str)
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return pd.Series(pd.Categorical.from_codes(codes, uniques)).astype(str)


def decimal_text(values: np.ndarray, decimals: int = 6) -> pd.Series:
    """Numbers as fixed-point text ('115.123400'), as f"{x:.6f}" writes them; "" for NaN. Vectorised."""
    scale, finite = 10**decimals, np.isfinite(values)
    scaled = np.rint(np.abs(np.where(finite, values, 0.0)) * scale).astype(np.int64)
    whole = pd.Series(scaled // scale).astype(str)
    fraction = pd.Series(scaled % scale).astype(str).str.zfill(decimals)
    signed = pd.Series(np.where(values < 0, "-", ""), dtype=str) + whole + "." + fraction
    return signed.where(pd.Series(finite), "")


def _locations(rng: np.random.Generator, precision: np.ndarray, counties: gpd.GeoDataFrame,
               towns: pd.DataFrame) -> dict[str, pd.Series]:
    """county_adcode, town, lon, lat and crs per record, as text columns, from its precision."""
    n = len(precision)
    county, town_name = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    surveyed = np.flatnonzero(precision == "surveyed")
    lon[surveyed], lat[surveyed], county[surveyed] = points_inside(rng, county_index(counties),
                                                                   surveyed.size)
    town = np.flatnonzero(precision == "town")
    if town.size and towns.empty:
        raise ValueError("precision 'town' needs towns with a point in towns.csv for this region")
    pick = rng.integers(0, max(len(towns), 1), town.size)
    county[town] = towns["county_adcode"].to_numpy()[pick]
    town_name[town] = towns["town"].to_numpy()[pick]
    seat = np.flatnonzero(precision == "county")
    county[seat] = counties["adcode"].to_numpy()[rng.integers(0, len(counties), seat.size)]
    return {"county_adcode": text(county, n), "town": text(town_name, n), "lon": decimal_text(lon),
            "lat": decimal_text(lat), "crs": text(np.where(np.isnan(lon), "", "WGS84"), n)}


def _numbered(prefix: str, n: int) -> pd.Series:
    """prefix + zero-padded running number (at least five digits) for 0 … n-1."""
    width = max(5, len(str(n - 1)))
    return prefix + pd.Series(np.arange(n)).astype(str).str.zfill(width)


def synthetic_enterprises(n: int, *, seed: int = 0, region: str = "371700", data_dir: Path = DATA_DIR,
                          cache_dir: Path | None = None,
                          shares: Mapping[str, float] = DEFAULT_SHARES) -> pd.DataFrame:
    """`n` clearly synthetic enterprises of `region` as a text frame (ENTERPRISES columns, "" empty).

    The same (n, seed, shares) and data give the same frame. Industries follow the real register
    (see industry_mix); surveyed points are WGS-84 and uniform inside the region's counties,
    each with the county it falls in; town records name a town of data/towns.csv with a point.
    """
    if n < 0 or seed < 0:
        raise ValueError(f"n and seed must not be negative, got n={n}, seed={seed}")
    rng = np.random.default_rng(seed)
    mix = industry_mix(data_dir, load_taxonomy(data_dir / "industries.csv"))
    drawn = rng.choice(len(mix), size=n, p=mix["weight"].to_numpy())
    counts = precision_counts(n, shares)
    precision = rng.permutation(np.repeat(np.array(list(counts), dtype=object), list(counts.values())))
    counties = load_counties(region, source=DEFAULT_CONFIG.boundary_source, cache_dir=cache_dir)
    columns = {name: text("", n) for name in ENTERPRISES.names}
    columns |= _locations(rng, precision, counties, _town_choices(data_dir, region))
    columns |= {"id": _numbered(f"e-syn-{seed}-", n), "name_zh": _numbered(NAME_PREFIX, n),
                "industry": text(mix["industry"].to_numpy(dtype=object)[drawn], n),
                "subsector": text(mix["subsector"].to_numpy(dtype=object)[drawn], n),
                "region_adcode": text(region, n), "precision": text(precision, n),
                "source": text(SOURCE, n), "as_of": text(AS_OF, n),
                "confidence": text(CONFIDENCE, n), "note": text(NOTE, n)}
    return pd.DataFrame(columns, columns=list(ENTERPRISES.names))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a record table as the curated files are: UTF-8 without BOM, LF, no index."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        frame.to_csv(handle, index=False, lineterminator="\n")
    return path


def write_synthetic_data(folder: Path, n: int, *, seed: int = 0, region: str = "371700",
                         data_dir: Path = DATA_DIR, cache_dir: Path | None = None) -> Path:
    """A complete data folder (usable as HEZE_DATA_DIR): data_dir's reference files, parks and
    projects, and enterprises.csv = the real enterprises followed by `n` synthetic ones."""
    folder, data_dir = Path(folder), Path(data_dir)
    if folder.resolve() == data_dir.resolve():
        raise ValueError(f"refusing to write synthetic records into the source folder {data_dir}")
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(data_dir.glob("*.csv")):  # reference tables (towns, industries …) and records
        if path.name != ENTERPRISES.file:
            shutil.copyfile(path, folder / path.name)
    for spec in (PARKS, PROJECTS):
        if not (data_dir / spec.file).exists():
            raise FileNotFoundError(f"{data_dir / spec.file} is needed for a complete data folder")
    real = pd.read_csv(data_dir / ENTERPRISES.file, dtype=str, keep_default_na=False,
                       encoding="utf-8-sig").reindex(columns=list(ENTERPRISES.names), fill_value="")
    fake = synthetic_enterprises(n, seed=seed, region=region, data_dir=data_dir, cache_dir=cache_dir)
    write_csv(pd.concat([real, fake], ignore_index=True), folder / ENTERPRISES.file)
    return folder
