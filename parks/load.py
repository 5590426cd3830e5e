"""Load the curated CSVs, validate them all at once, and place every record on the map (WGS-84)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.boundaries import load_counties
from geo.crs import gcj02_to_wgs84
from geo.gazetteer import Gazetteer, load_gazetteer
from parks.config import DEFAULT_CONFIG, AppConfig, Region
from parks.errors import DataValidationError, Problem
from parks.industries import Taxonomy, load_targets, load_taxonomy
from parks.outlines import outline_areas, outline_problems
from parks.schema import ENTERPRISES, PARKS, PROJECTS, TABLES, TableSpec
from parks.validate import RegionContext, ValidationContext, validate_references, validate_table
from parks.vocab import APPROXIMATE

SPECS: Mapping[str, TableSpec] = {spec.name: spec for spec in TABLES}


@dataclass(frozen=True)
class Dataset:
    """Everything a page needs for one region; record frames are GeoDataFrames in WGS-84."""

    region: Region
    counties: gpd.GeoDataFrame
    parks: gpd.GeoDataFrame
    enterprises: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    taxonomy: Taxonomy
    targets: pd.DataFrame
    sources: pd.DataFrame
    gazetteer: Gazetteer

    @property
    def as_of(self) -> str:
        """Latest date any record holds for (the data date shown on maps and exports)."""
        dates = pd.concat([f["as_of"] for f in (self.parks, self.enterprises, self.projects)])
        dates = dates[dates != ""]
        return str(dates.max()) if len(dates) else ""


def read_table(path: Path, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one CSV as text cells; an unreadable file becomes a problem, not an exception."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        return pd.DataFrame(columns=list(spec.names)), [
            Problem(spec.file, None, "", str(path), "file not found")]
    except UnicodeDecodeError:
        return pd.DataFrame(columns=list(spec.names)), [
            Problem(spec.file, None, "", "", "file is not UTF-8; save it as UTF-8 CSV")]
    except pd.errors.ParserError as exc:
        return pd.DataFrame(columns=list(spec.names)), [
            Problem(spec.file, None, "", "", f"not a readable CSV: {exc}")]
    frame.columns = [c.strip() for c in frame.columns]
    return frame.map(str.strip), []


def region_context(region: Region, data_dir: Path, config: AppConfig,
                   cache_dir: Path | None = None) -> RegionContext:
    counties = load_counties(region.adcode, source=config.boundary_source, cache_dir=cache_dir)
    gaz = load_gazetteer(data_dir / "towns.csv", data_dir / "county_seats.csv", region.adcode)
    return RegionContext(region.adcode, region.name_zh, counties, gaz)


def _subsector_problems(frame: pd.DataFrame, spec: TableSpec, taxonomy: Taxonomy) -> list[Problem]:
    if "subsector" not in frame.columns:
        return []
    problems = []
    for idx, row in frame.iterrows():
        sub, ind = row["subsector"], row["industry"]
        if sub in taxonomy.codes and ind in taxonomy.codes and taxonomy.get(sub).parent != ind:
            problems.append(Problem(spec.file, idx + 2, "subsector", sub,
                                    f"is not a sub-sector of industry {ind}"))
    return problems


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


def _points(frame: pd.DataFrame, gaz: Gazetteer) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 lon/lat per record from its precision; NaN where it is unlocated."""
    lon = np.full(len(frame), np.nan)
    lat = np.full(len(frame), np.nan)
    for i, row in enumerate(frame.itertuples(index=False)):
        if row.precision in ("surveyed", "digitised"):
            x, y = float(row.lon), float(row.lat)
            lon[i], lat[i] = gcj02_to_wgs84(x, y) if row.crs == "GCJ02" else (x, y)
        elif row.precision == "town":
            lon[i], lat[i] = gaz.town_point(row.county_adcode, row.town) or (np.nan, np.nan)
        elif row.precision == "county":
            lon[i], lat[i] = gaz.seat_point(row.county_adcode) or (np.nan, np.nan)
    return lon, lat


def locate(frame: pd.DataFrame, gaz: Gazetteer, counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A GeoDataFrame of validated text records: typed numbers, WGS-84 points, county names."""
    out = frame.copy()
    out["lon"], out["lat"] = _points(out, gaz)
    out["crs"] = np.where(np.isnan(out["lon"]), "", "WGS84")
    out["approximate"] = out["precision"].isin(APPROXIMATE)
    names = counties.set_index("adcode")["name_zh"]
    out["county"] = out["county_adcode"].map(names).fillna("")
    english = gaz.seats.set_index("adcode")["name_en"]
    out["county_en"] = out["county_adcode"].map(english).fillna(out["county"])
    for col in ("area_km2", "investment_yi"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col].replace("", np.nan))
    if "boundary" in out.columns:
        out["outline_km2"] = outline_areas(out["boundary"])
    for col in ("recognition_year", "year"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col].replace("", np.nan)).astype("Int64")
    geometry = gpd.points_from_xy(out["lon"], out["lat"])
    geometry[np.isnan(out["lon"].to_numpy())] = None
    return gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:4326")


def read_tables(data_dir: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    tables, problems = {}, []
    for spec in (PARKS, ENTERPRISES, PROJECTS):
        tables[spec.name], found = read_table(data_dir / spec.file, spec)
        problems += found
    return tables, problems


def validation_context(data_dir: Path, config: AppConfig = DEFAULT_CONFIG,
                       cache_dir: Path | None = None) -> ValidationContext:
    """Taxonomy, counties and gazetteer of every configured region: what validation needs."""
    taxonomy = load_taxonomy(data_dir / "industries.csv")
    contexts = {r.adcode: region_context(r, data_dir, config, cache_dir) for r in config.regions}
    return ValidationContext(taxonomy, contexts)


def check_data(data_dir: Path | None = None, *, config: AppConfig = DEFAULT_CONFIG,
               cache_dir: Path | None = None,
               tables: Mapping[str, pd.DataFrame] | None = None) -> list[Problem]:
    """Every problem of the records (the CSVs, or `tables` from the store), without raising."""
    folder = data_dir or config.data_dir
    try:
        ctx = validation_context(folder, config, cache_dir)
    except DataValidationError as error:  # the taxonomy itself is broken
        return list(error.problems)
    problems: list[Problem] = []
    if tables is None:
        tables, problems = read_tables(folder)
    return problems + validate_tables(tables, ctx)


def load_dataset(region_adcode: str | None = None, *, config: AppConfig = DEFAULT_CONFIG,
                 data_dir: Path | None = None, cache_dir: Path | None = None,
                 tables: Mapping[str, pd.DataFrame] | None = None) -> Dataset:
    """Read (from data/ CSVs, or `tables` from the working store), validate all regions and
    tables, and locate the records of one region.

    Raises DataValidationError listing every problem of every file; nothing is half-loaded.
    """
    data_dir = data_dir or config.data_dir
    region = config.region(region_adcode or config.default_region)
    ctx = validation_context(data_dir, config, cache_dir)
    problems: list[Problem] = []
    if tables is None:
        tables, problems = read_tables(data_dir)
    problems += validate_tables(tables, ctx)
    if problems:
        raise DataValidationError(problems)
    here = ctx.regions[region.adcode]
    located = {name: locate(frame[frame["region_adcode"] == region.adcode].reset_index(drop=True),
                            here.gazetteer, here.counties)
               for name, frame in tables.items()}
    sources = pd.read_csv(data_dir / "sources.csv", dtype=str, keep_default_na=False)
    return Dataset(region, here.counties, located["parks"], located["enterprises"],
                   located["projects"], ctx.taxonomy,
                   load_targets(data_dir / "targets.csv", ctx.taxonomy), sources, here.gazetteer)
