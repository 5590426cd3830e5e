"""Validation of record tables: every problem (file, row, field, value, reason) is collected at once."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import gcj02_to_wgs84
from geo.gazetteer import Gazetteer
from parks.errors import Problem
from parks.industries import Taxonomy
from parks.schema import Column, TableSpec

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
    taxonomy: Taxonomy
    regions: Mapping[str, RegionContext]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _cell_problem(col: Column, value: str, ctx: ValidationContext) -> str:
    """Reason a non-empty cell is bad, or '' when it is fine."""
    if col.allowed and value not in col.allowed:
        return f"not one of: {', '.join(col.allowed)}"
    if col.dtype == "float" and _number(value) is None:
        return "not a number"
    if col.dtype == "float" and col.name in ("area_km2", "investment_yi") and _number(value) < 0:
        return "must not be negative"
    if col.dtype == "int" and not value.isdigit():
        return "not a whole number"
    if col.dtype == "date" and not _DATE.match(value):
        return "not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if col.dtype == "id" and not _ID.match(value):
        return "ids use lower-case letters, digits and '-'"
    if col.dtype == "codes":
        unknown = [c for c in value.split(";") if c.strip() not in ctx.taxonomy.codes]
        return f"unknown industry code(s): {', '.join(unknown)}" if unknown else ""
    if col.dtype == "code" and col.name in ("industry", "subsector") and value not in ctx.taxonomy.codes:
        return "unknown industry code"
    return ""


def _cell_problems(frame: pd.DataFrame, spec: TableSpec, ctx: ValidationContext) -> Iterator[Problem]:
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        for idx, value in frame[col.name].items():
            if not value:
                if col.required:
                    yield Problem(spec.file, idx + 2, col.name, "", "required value is empty")
                continue
            reason = _cell_problem(col, value, ctx)
            if reason:
                yield Problem(spec.file, idx + 2, col.name, value, reason)


def _wgs84_point(row: pd.Series) -> tuple[float, float] | None:
    lon, lat = _number(row["lon"]), _number(row["lat"])
    if lon is None or lat is None:
        return None
    if row["crs"] == "GCJ02":
        lon, lat = (float(v) for v in gcj02_to_wgs84(lon, lat))
    return lon, lat


def _point_problem(row: pd.Series, region: RegionContext) -> tuple[str, str]:
    """(field, reason) when a stated point is outside its region or county, else ('', '')."""
    point = _wgs84_point(row)
    if point is None:
        return "", ""
    area = shapely.buffer(region.counties.union_all(), _TOLERANCE_DEG)
    if not shapely.contains_xy(area, *point):
        if shapely.contains_xy(area, point[1], point[0]):
            return "lon", f"lon and lat look swapped ({point[0]}, {point[1]})"
        return "lon", f"point ({point[0]:.5f}, {point[1]:.5f}) lies outside {region.name}"
    county = region.counties[region.counties["adcode"] == row["county_adcode"]]
    if len(county) and not shapely.contains_xy(
            shapely.buffer(county.geometry.iloc[0], _TOLERANCE_DEG), *point):
        return "county_adcode", f"point lies outside county {county['name_zh'].iloc[0]}"
    return "", ""


def _location_reason(row: pd.Series, region: RegionContext) -> tuple[str, str]:
    """(field, reason) for an inconsistent location, else ('', '')."""
    prec, county, town = row["precision"], row["county_adcode"], row["town"]
    has_point = bool(row["lon"] or row["lat"])
    if county and county not in set(region.counties["adcode"]):
        return "county_adcode", f"not a county of {region.name}"
    if town and county and not region.gazetteer.has_town(county, town):
        return "town", "unknown 乡镇/街道 for this county (spell it as in data/towns.csv)"
    if prec in ("surveyed", "digitised"):
        if not (row["lon"] and row["lat"] and row["crs"]):
            return "lon", f"precision '{prec}' needs lon, lat and crs"
        return _point_problem(row, region)
    if has_point:
        return "lon", f"precision '{prec}' must not carry lon/lat (points are derived)"
    if prec == "town" and region.gazetteer.town_point(county, town) is None:
        return "town", "precision 'town' needs a town that has a point in data/towns.csv"
    if prec == "county" and not county:
        return "county_adcode", "precision 'county' needs a county"
    if prec == "unlocated" and county:
        return "precision", "a county is known: use precision 'county' (or better)"
    return "", ""


def _location_problems(frame: pd.DataFrame, spec: TableSpec,
                       ctx: ValidationContext) -> Iterator[Problem]:
    for idx, row in frame.iterrows():
        region = ctx.regions.get(row["region_adcode"])
        if region is None:
            if row["region_adcode"]:
                yield Problem(spec.file, idx + 2, "region_adcode", row["region_adcode"],
                              f"unknown region; known: {', '.join(ctx.regions)}")
            continue
        field, reason = _location_reason(row, region)
        if reason:
            yield Problem(spec.file, idx + 2, field, str(row[field]), reason)


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
    clean = frame.drop(index={p.row - 2 for p in problems
                              if p.row and p.field in bad_location_fields})
    problems += _location_problems(clean, spec, ctx)
    return sorted(problems, key=lambda p: (p.row or 0, p.field))


def validate_references(tables: Mapping[str, pd.DataFrame],
                        specs: Mapping[str, TableSpec]) -> list[Problem]:
    """Problems where a *_id column points at a record that does not exist."""
    ids = {name: set(frame["id"]) for name, frame in tables.items() if "id" in frame.columns}
    problems = []
    for name, frame in tables.items():
        for col in specs[name].columns:
            if col.dtype != "ref" or col.name not in frame.columns:
                continue
            for idx, value in frame[col.name].items():
                if value and value not in ids.get(col.ref, set()):
                    problems.append(Problem(specs[name].file, idx + 2, col.name, value,
                                            f"no {col.ref} record has this id"))
    return problems
