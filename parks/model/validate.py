"""Validation of record tables: every problem (file, row, field, value, reason) is collected at once."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.boundaries import load_counties
from geo.crs import gcj02_to_wgs84
from geo.gazetteer import Gazetteer, load_gazetteer
from parks.config import DEFAULT_CONFIG, AppConfig, Region
from parks.errors import Problem
from parks.model.arrow_text import among, numbers
from parks.model.credit_code import credit_code_problem
from parks.model.industries import Taxonomy, load_taxonomy
from parks.model.outlines import OutlineError, outside_county, parse_outline
from parks.model.schema import SPECS, Column, TableSpec
from parks.model.text_rules import text_reasons

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TOLERANCE_DEG = 0.01  # ~1 km: border vertices of the two boundary sources differ by ~200 m


@dataclass(frozen=True)
class RegionContext:
    """What validation needs to know of one region: its counties and gazetteer."""

    adcode: str
    name: str
    counties: gpd.GeoDataFrame  # adcode, name_zh, geometry (WGS-84)
    gazetteer: Gazetteer


@dataclass(frozen=True)
class ValidationContext:
    """What validation needs: the industry taxonomy and each region's counties and gazetteer."""

    taxonomy: Taxonomy
    regions: Mapping[str, RegionContext]


def valid_as_of(text: str, today: date) -> bool:
    """A date as records write it (YYYY, YYYY-MM or YYYY-MM-DD), real and not after `today`."""
    text = text.strip()
    if not _DATE.match(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1] * (2 - text.count("-"))
    try:
        return date(*parts) <= today
    except ValueError:
        return False


def _credit_reason(value: str) -> str:
    wrong = credit_code_problem(value)
    return wrong.en if wrong else ""


# dtypes whose cells are checked by their form alone: dtype → reason ('' when fine)
_TEXT_CHECKS = {"id": lambda v: "" if _ID.match(v) else "ids use lower-case letters, digits and '-'",
                "uscc": _credit_reason}


def _cell_problem(col: Column, value: str, ctx: ValidationContext) -> str:
    """Reason a non-empty cell is bad, or '' when it is fine."""
    if col.allowed and value not in col.allowed:
        return f"not one of: {', '.join(col.allowed)}"
    if col.dtype == "int" and not value.isdigit():
        return "not a whole number"
    if col.dtype == "date" and not _DATE.match(value):
        return "not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if col.dtype in _TEXT_CHECKS:
        return _TEXT_CHECKS[col.dtype](value)
    if col.dtype == "codes":
        unknown = [c for c in value.split(";") if c.strip() not in ctx.taxonomy.codes]
        return f"unknown industry code(s): {', '.join(unknown)}" if unknown else ""
    if col.dtype == "code" and col.name in ("industry", "subsector") and value not in ctx.taxonomy.codes:
        return "unknown industry code"
    return ""


def _checked(col: Column) -> bool:
    """Whether _cell_problem can find fault with a non-empty cell of this column at all (numbers
    are checked a whole column at once, in _column_reasons)."""
    return bool(col.allowed) or col.dtype in ("int", "date", "id", "codes", "uscc") or (
        col.dtype == "code" and col.name in ("industry", "subsector"))


def _column_reasons(values: pd.Series, col: Column, ctx: ValidationContext) -> np.ndarray:
    """The reason each cell of a column is bad ('' when fine); each distinct value is checked once."""
    reasons = np.full(len(values), "", dtype=object)
    filled = (values != "").to_numpy()
    if col.required:
        reasons[~filled] = "required value is empty"
    if _checked(col):
        bad = {v: r for v in values[filled].unique() if (r := _cell_problem(col, v, ctx))}
        if bad:
            hit = values.isin(list(bad)).to_numpy()
            reasons[hit] = values[hit].map(bad).to_numpy(dtype=object)
    if col.dtype == "float":  # one Arrow parse: a Python float() per distinct point was 1M calls
        x = numbers(values)
        unreasoned = filled & (reasons == "")  # a value not allowed is said first
        reasons[unreasoned & np.isnan(x)] = "not a number"
        if col.name in ("area_km2", "investment_yi"):
            reasons[unreasoned & (x < 0)] = "must not be negative"
    return reasons


def _cell_problems(frame: pd.DataFrame, spec: TableSpec, ctx: ValidationContext) -> Iterator[Problem]:
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        values = frame[col.name]
        reasons = _column_reasons(values, col, ctx)
        text = text_reasons(values, col.name)
        for pos in np.flatnonzero(reasons != ""):
            if pos not in text:
                yield Problem(spec.file, int(frame.index[pos]) + 2, col.name, values.iat[pos],
                              reasons[pos])
        for pos, reason in text.items():  # a cut value: a 10 MB name is not echoed back
            yield Problem(spec.file, int(frame.index[pos]) + 2, col.name, values.iat[pos][:80],
                          reason.en, reason.zh)


def wgs84_points(lon: np.ndarray, lat: np.ndarray, gcj02: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat in WGS-84: where gcj02, converted one point at a time, exactly as a single point is
    (a batch iterates until its slowest point converges, which moves the last digits)."""
    lon, lat = np.array(lon, dtype=float), np.array(lat, dtype=float)
    for i in np.flatnonzero(gcj02 & np.isfinite(lon) & np.isfinite(lat)):
        lon[i], lat[i] = (float(v) for v in gcj02_to_wgs84(lon[i], lat[i]))
    return lon, lat


def _point_reasons(rows: pd.DataFrame, region: RegionContext) -> tuple[np.ndarray, np.ndarray]:
    """(field, reason) per row whose stated point is outside its region or county, '' elsewhere."""
    field = np.full(len(rows), "", dtype=object)
    reason = np.full(len(rows), "", dtype=object)
    x, y = wgs84_points(numbers(rows["lon"]), numbers(rows["lat"]), (rows["crs"] == "GCJ02").to_numpy())
    known = np.isfinite(x) & np.isfinite(y)
    if not known.any():
        return field, reason
    area = shapely.buffer(region.counties.union_all(), _TOLERANCE_DEG)
    inside = known & shapely.contains_xy(area, x, y)
    for i in np.flatnonzero(known & ~inside):
        swapped = shapely.contains_xy(area, y[i], x[i])
        field[i] = "lon"
        reason[i] = (f"lon and lat look swapped ({float(x[i])}, {float(y[i])})" if swapped else
                     f"point ({x[i]:.5f}, {y[i]:.5f}) lies outside {region.name}")
    stated = rows["county_adcode"].to_numpy()
    for code, name, geom in zip(region.counties["adcode"], region.counties["name_zh"],
                                region.counties.geometry, strict=True):
        mine = np.flatnonzero(inside & (stated == code))
        if mine.size:
            out = mine[~shapely.contains_xy(shapely.buffer(geom, _TOLERANCE_DEG), x[mine], y[mine])]
            field[out], reason[out] = "county_adcode", f"point lies outside county {name}"
    return field, reason


_TOWN_SEP = "\x1f"  # in no adcode: a key splits back into its county and town


def town_key(county: str, town: str) -> str:
    """The text key of one (county, town), as town_keys makes them."""
    return f"{county}{_TOWN_SEP}{town}"


def town_keys(county: pd.Series, town: pd.Series) -> pd.Series:
    """One text key per (county, town): unambiguous, as a county is an adcode wherever it is used."""
    return county.astype(str) + _TOWN_SEP + town.astype(str)


def gazetteer_keys(gazetteer: Gazetteer, *, with_point: bool) -> pd.Series:
    """town_keys of the gazetteer's towns: all of them, or only those with a point."""
    towns = gazetteer.towns[gazetteer.towns["lon"].notna()] if with_point else gazetteer.towns
    return town_keys(towns["county_adcode"], towns["town"])


def _location_reasons(rows: pd.DataFrame, region: RegionContext) -> tuple[np.ndarray, np.ndarray]:
    """(field, reason) per row for an inconsistent location ('' when fine); the first rule that
    applies to a row decides, as the rules are listed."""
    prec, county, town = rows["precision"], rows["county_adcode"], rows["town"]
    has_point = (rows["lon"] != "") | (rows["lat"] != "")
    pointed = prec.isin(("surveyed", "digitised"))
    complete = (rows["lon"] != "") & (rows["lat"] != "") & (rows["crs"] != "")
    keys = town_keys(county, town)
    rules = [
        ((county != "") & ~county.isin(region.counties["adcode"]), "county_adcode",
         f"not a county of {region.name}"),
        ((town != "") & (county != "")
         & ~keys.isin(gazetteer_keys(region.gazetteer, with_point=False)), "town",
         "unknown 乡镇/街道 for this county (spell it as in data/towns.csv)"),
        (pointed & ~complete, "lon", "precision '{precision}' needs lon, lat and crs"),
        (pointed, None, None),  # a complete point: only its place can be wrong
        (has_point, "lon", "precision '{precision}' must not carry lon/lat (points are derived)"),
        ((prec == "town") & ~keys.isin(gazetteer_keys(region.gazetteer, with_point=True)), "town",
         "precision 'town' needs a town that has a point in data/towns.csv"),
        ((prec == "county") & (county == ""), "county_adcode", "precision 'county' needs a county"),
        ((prec == "unlocated") & (county != ""), "precision",
         "a county is known: use precision 'county' (or better)"),
    ]
    return _first_rule(rows, region, rules)


def _first_rule(rows: pd.DataFrame, region: RegionContext,
                rules: list[tuple[pd.Series, str | None, str | None]]) -> tuple[np.ndarray, np.ndarray]:
    """(field, reason) per row from the first rule whose mask holds; a reason naming
    {precision} is formatted for the rows it hits only (a text per row of 1M was 200 MB)."""
    field = np.full(len(rows), "", dtype=object)
    reason = np.full(len(rows), "", dtype=object)
    todo = np.ones(len(rows), dtype=bool)
    for mask, name, why in rules:
        hit = todo & mask.to_numpy(dtype=bool)
        if name is None and hit.any():  # the point rule: field and reason from the point itself
            field[hit], reason[hit] = _point_reasons(rows[hit], region)
        elif name is not None:
            field[hit] = name
            reason[hit] = ([why.format(precision=p) for p in rows["precision"][hit]]
                           if "{precision}" in why else why)
        todo &= ~hit
    return field, reason


_LOCATION_FIELDS = ("precision", "county_adcode", "town", "lon", "lat", "crs")


def _location_problems(frame: pd.DataFrame, spec: TableSpec,
                       ctx: ValidationContext) -> Iterator[Problem]:
    field = np.full(len(frame), "", dtype=object)
    reason = np.full(len(frame), "", dtype=object)
    region_code = frame["region_adcode"]
    unknown = ((region_code != "") & ~region_code.isin(list(ctx.regions))).to_numpy()
    field[unknown] = "region_adcode"
    reason[unknown] = f"unknown region; known: {', '.join(ctx.regions)}"
    located = frame[list(_LOCATION_FIELDS)]  # a row copy of these only: all columns was 576 MB at 1M
    for code, region in ctx.regions.items():
        mine = (region_code == code).to_numpy()
        if mine.all():
            field, reason = _location_reasons(located, region)
        elif mine.any():
            field[mine], reason[mine] = _location_reasons(located[mine], region)
    for pos in np.flatnonzero(reason != ""):
        yield Problem(spec.file, int(frame.index[pos]) + 2, field[pos],
                      str(frame[field[pos]].iat[pos]), reason[pos])


def validate_table(frame: pd.DataFrame, spec: TableSpec, ctx: ValidationContext) -> list[Problem]:
    """Every problem of one table: missing columns, bad cells, duplicate ids, bad locations."""
    missing = [c for c in spec.names if c not in frame.columns]
    if missing:
        return [Problem(spec.file, None, c, "", "missing column") for c in missing]
    problems = list(_cell_problems(frame, spec, ctx))
    for idx in frame.index[frame["id"].duplicated(keep="first") & (frame["id"] != "")]:
        problems.append(Problem(spec.file, idx + 2, "id", frame.at[idx, "id"], "duplicate id"))
    for idx in frame.index[(frame["id"] != "") & ~frame["id"].str.startswith(spec.id_prefix)]:
        problems.append(Problem(spec.file, idx + 2, "id", frame.at[idx, "id"],
                                f"{spec.name} ids start with '{spec.id_prefix}'"))
    bad_location_fields = {"precision", "lon", "lat", "crs", "region_adcode"}
    bad_rows = {p.row - 2 for p in problems if p.row and p.field in bad_location_fields}
    clean = frame.drop(index=bad_rows) if bad_rows else frame  # a drop of none copies every row
    problems += _location_problems(clean, spec, ctx)
    return sorted(problems, key=lambda p: (p.row or 0, p.field))


def validate_references(tables: Mapping[str, pd.DataFrame],
                        specs: Mapping[str, TableSpec]) -> list[Problem]:
    """Problems where a *_id column points at a record that does not exist."""
    ids = {name: frame["id"] for name, frame in tables.items() if "id" in frame.columns}
    problems = []
    for name, frame in tables.items():
        for col in specs[name].columns:
            if col.dtype != "ref" or col.name not in frame.columns:
                continue
            values = frame[col.name]
            dangling = (values != "").to_numpy() & ~among(values, ids.get(col.ref, ()))
            problems += [Problem(specs[name].file, int(idx) + 2, col.name, value,
                                 f"no {col.ref} record has this id")
                         for idx, value in values[dangling].items()]
    return problems


def region_context(region: Region, data_dir: Path, config: AppConfig,
                   cache_dir: Path | None = None) -> RegionContext:
    """The counties (from the configured boundary source) and gazetteer of one region."""
    counties = load_counties(region.adcode, source=config.boundary_source, cache_dir=cache_dir)
    gaz = load_gazetteer(data_dir / "towns.csv", data_dir / "county_seats.csv", region.adcode)
    return RegionContext(region.adcode, region.label.zh, counties, gaz)


def _subsector_problems(frame: pd.DataFrame, spec: TableSpec, taxonomy: Taxonomy) -> list[Problem]:
    if "subsector" not in frame.columns:
        return []
    codes = list(taxonomy.codes)
    parents = {i.code: i.parent for i in reversed(taxonomy.industries)}  # the first of a code wins
    sub, ind = frame["subsector"], frame["industry"]
    wrong = sub.isin(codes) & ind.isin(codes) & (sub.map(parents) != ind)
    return [Problem(spec.file, int(idx) + 2, "subsector", sub[idx],
                    f"is not a sub-sector of industry {ind[idx]}") for idx in frame.index[wrong]]


def validate_tables(tables: Mapping[str, pd.DataFrame], ctx: ValidationContext) -> list[Problem]:
    """All problems of all tables, including cross-table references."""
    problems: list[Problem] = []
    for name, frame in tables.items():
        problems += validate_table(frame, SPECS[name], ctx)
        problems += _subsector_problems(frame, SPECS[name], ctx.taxonomy)
        if name == "parks":
            problems += outline_problems(frame, ctx)
    if not any(p.row is None and p.reason == "missing column" for p in problems):
        problems += validate_references(tables, SPECS)
    return problems


def validation_context(data_dir: Path, config: AppConfig = DEFAULT_CONFIG,
                       cache_dir: Path | None = None, *,
                       only: str | None = None) -> ValidationContext:
    """Taxonomy, counties and gazetteer of every configured region (of region `only` when
    given, an adcode): what validation needs."""
    taxonomy = load_taxonomy(data_dir / "industries.csv")
    contexts = {r.adcode: region_context(r, data_dir, config, cache_dir) for r in config.regions
                if only is None or r.adcode == only}
    return ValidationContext(taxonomy, contexts)


def outline_problems(frame: pd.DataFrame, ctx: ValidationContext,
                     file: str = "parks.csv") -> Iterator[Problem]:
    """Problems of the `boundary` cells: unreadable, invalid, or outside the record's county."""
    if "boundary" not in frame.columns:
        return
    for idx, row in frame[frame["boundary"] != ""].iterrows():
        try:
            geom = parse_outline(row["boundary"])
        except OutlineError as exc:
            yield Problem(file, idx + 2, "boundary", row["boundary"][:60], str(exc))
            continue
        region = ctx.regions.get(row["region_adcode"])
        if region is None:
            continue
        county = region.counties[region.counties["adcode"] == row["county_adcode"]]
        if len(county) and outside_county(geom, county.geometry.iloc[0]) > 0.05:
            name = county["name_zh"].iloc[0]
            yield Problem(file, idx + 2, "boundary", row["boundary"][:60],
                          f"the outline lies outside its county {name}; check the county or "
                          f"redraw it")

