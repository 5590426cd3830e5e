"""Load the curated CSVs, validate them all at once, and place every record on the map (WGS-84)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.gazetteer import Gazetteer
from geo.placenames import town_zones
from parks.config import DEFAULT_CONFIG, AppConfig, Region
from parks.errors import DataValidationError, Problem
from parks.model.arrow_text import lookup, numbers, positions
from parks.model.industries import Taxonomy, load_targets
from parks.model.outlines import outline_areas
from parks.model.schema import ENTERPRISES, PARKS, PROJECTS, TableSpec, legacy_renames
from parks.model.text_rules import revive
from parks.model.validate import (
    ValidationContext,
    gazetteer_keys,
    town_key,
    town_keys,
    validate_tables,
    validation_context,
    wgs84_points,
)
from parks.model.vocab import APPROXIMATE


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
    # (county adcode, town) → the functional area administering it (region_zones)
    zones: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @cached_property  # read on every rerun; the frames of a loaded dataset never change
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
    frame = frame.rename(columns=legacy_renames(frame.columns))  # an old file: English text → _en
    out = frame.copy()
    for i in range(frame.shape[1]):  # by position: stripped headers may repeat
        column = _stripped(frame.iloc[:, i])
        if column.str.startswith("'").any():  # a store export's inert formula start
            column = column.map(revive)
        out.isetitem(i, column)
    return out, []


def _stripped(column: pd.Series) -> pd.Series:
    """str.strip of every cell; only cells that start or end with whitespace go through Python."""
    first, last = column.str[:1], column.str[-1:]
    spaces = [c for c in pd.concat([first, last]).unique() if c.isspace()]
    if not spaces:
        return column
    todo = (first.isin(spaces) | last.isin(spaces)).to_numpy()
    out = column.copy()
    out[todo] = [value.strip() for value in column[todo]]
    return out


def _lookup(keys: pd.Series, points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """lon and lat of each key in `points` (indexed by key); NaN where it has none."""
    at = positions(keys, points.index.astype("str"))
    lon, lat = (np.append(points[c].to_numpy(dtype=float), np.nan)[at] for c in ("lon", "lat"))
    return lon, lat


def _points(frame: pd.DataFrame, gaz: Gazetteer) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 lon/lat per record from its precision; NaN where it is unlocated."""
    lon = np.full(len(frame), np.nan)
    lat = np.full(len(frame), np.nan)
    prec = frame["precision"]
    pointed = prec.isin(("surveyed", "digitised")).to_numpy()
    x, y = wgs84_points(numbers(frame["lon"]), numbers(frame["lat"]), (frame["crs"] == "GCJ02").to_numpy())
    lon[pointed], lat[pointed] = x[pointed], y[pointed]
    towns = gaz.towns[gaz.towns["lon"].notna()]
    keys = gazetteer_keys(gaz, with_point=True)
    town_points = towns.assign(key=keys).drop_duplicates("key").set_index("key")
    town = (prec == "town").to_numpy()
    lon[town], lat[town] = _lookup(town_keys(frame["county_adcode"], frame["town"])[town], town_points)
    seat = (prec == "county").to_numpy()
    lon[seat], lat[seat] = _lookup(frame["county_adcode"][seat], gaz.seats.drop_duplicates("adcode")
                                   .set_index("adcode"))
    return lon, lat


def _aliases(data_dir: Path) -> pd.DataFrame:
    """place_aliases.csv (alias, kind, functional_area …); no rows when the folder has none."""
    path = data_dir / "place_aliases.csv"
    if not path.exists():
        return pd.DataFrame(columns=["alias", "kind", "functional_area"])
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def region_zones(data_dir: Path, gaz: Gazetteer) -> dict[tuple[str, str], str]:
    """(county adcode, town) → functional area, from towns.csv's administering units named as
    place_aliases.csv names them (the geocoder's rule); the units' own names without that file."""
    return town_zones(gaz.towns, _aliases(data_dir))


def with_park_zones(located: Mapping[str, gpd.GeoDataFrame],
                    aliases: pd.DataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Functional areas from the parks: a park named as one (菏泽高新技术产业开发区, by
    place_aliases.csv's full names, `aliases`) is in it, and so are its child parks and the
    enterprises and projects it holds (park_id), where their town gives none."""
    full = aliases[aliases["kind"] == "functional_area"]
    named = dict(zip(full["alias"], full["functional_area"], strict=True))
    parks = located["parks"]
    own = parks["functional_area"].mask(parks["functional_area"] == "",
                                        lookup(parks["name_zh"], named))
    own = own.mask(own == "", lookup(parks["parent_id"], dict(zip(parks["id"], own, strict=True))))
    of_park = dict(zip(parks["id"], own, strict=True))
    out = dict(located) | {"parks": parks.assign(functional_area=own)}
    for name in ("enterprises", "projects"):
        frame = located[name]
        area = frame["functional_area"]
        out[name] = frame.assign(functional_area=area.mask(area == "",
                                                           lookup(frame["park_id"], of_park)))
    return out


def locate(frame: pd.DataFrame, gaz: Gazetteer, counties: gpd.GeoDataFrame,
           zones: Mapping[tuple[str, str], str] | None = None) -> gpd.GeoDataFrame:
    """A GeoDataFrame of validated text records: typed numbers, WGS-84 points, county names,
    and the functional area of the record's town (`zones`, from region_zones; "" when none)."""
    out, zone_of = frame.copy(), zones or {}
    places = {town_key(county, town): zone for (county, town), zone in zone_of.items()}
    out["functional_area"] = lookup(town_keys(out["county_adcode"], out["town"]), places)
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
    out[SEARCH_KEY] = search_key(out)  # normalised once here, not on every keystroke
    geometry = gpd.points_from_xy(out["lon"], out["lat"])
    geometry[np.isnan(out["lon"].to_numpy())] = None
    return gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:4326")


def read_tables(data_dir: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The three record tables read from data_dir as text, and every problem reading them."""
    tables, problems = {}, []
    for spec in (PARKS, ENTERPRISES, PROJECTS):
        tables[spec.name], found = read_table(data_dir / spec.file, spec)
        problems += found
    return tables, problems


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
    aliases = _aliases(data_dir)  # read once for the towns' zones and the parks'
    zones = town_zones(here.gazetteer.towns, aliases)
    located = {name: locate(_of_region(frame, region.adcode), here.gazetteer, here.counties, zones)
               for name, frame in tables.items()}
    return assemble(region, ctx, with_park_zones(located, aliases), data_dir, zones)


# The enterprise columns whose values come from a short list (codes, counties, towns, sources,
# dates), held dictionary-encoded: at 1,000,000 enterprises one takes ~1 MB instead of ~16 MB
# as text, 220 MB of the frame's 396 MB (measured on the synthetic register).
CODED = ("region_adcode", "county_adcode", "county", "county_en", "crs", "precision",
         "confidence", "industry", "subsector", "as_of", "source", "town", "functional_area",
         "park_id", "industries_text")


def coded(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with its CODED columns as categoricals (the frame itself when they are)."""
    text = [c for c in CODED if c in frame.columns
            and not isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(text, "category")) if text else frame


def _of_region(frame: pd.DataFrame, adcode: str) -> pd.DataFrame:
    """The rows of one region, numbered from 0; no row copy when every row is of it (the usual
    case: a copy of 1M rows was 0.5 GB at the load's peak)."""
    mine = (frame["region_adcode"] == adcode).to_numpy()
    return (frame if mine.all() else frame[mine]).reset_index(drop=True)


def assemble(region: Region, ctx: ValidationContext, located: Mapping[str, gpd.GeoDataFrame],
             data_dir: Path, zones: Mapping[tuple[str, str], str] | None = None) -> Dataset:
    """The Dataset of located record frames (from load_dataset or a prepared snapshot) with the
    region's counties, gazetteer, taxonomy, targets and sources; `zones` as region_zones gives
    them (derived here when not given)."""
    here = ctx.regions[region.adcode]
    sources = pd.read_csv(data_dir / "sources.csv", dtype=str, keep_default_na=False)
    return Dataset(region, here.counties, located["parks"], coded(located["enterprises"]),
                   located["projects"], ctx.taxonomy,
                   load_targets(data_dir / "targets.csv", ctx.taxonomy), sources, here.gazetteer,
                   region_zones(data_dir, here.gazetteer) if zones is None else zones)


SEARCHED = ("name_zh", "name_en", "full_name", "id")


SEARCH_KEY = "search_key"  # column load_dataset adds: search_key() of each record


def search_text(text: str) -> str:
    """Case- and width-insensitive form for search (全角 → half width, spaces dropped)."""
    return unicodedata.normalize("NFKC", text).lower().replace(" ", "")


def search_key(frame: pd.DataFrame) -> pd.Series:
    """The text a name search looks in: search_text() of names and id, joined (vectorised)."""
    cols = [c for c in SEARCHED if c in frame.columns]
    if not cols or frame.empty:
        return pd.Series("", index=frame.index, dtype="str")
    # straight from pandas' Arrow text, no Python string per cell (4M objects at 1M records)
    parts = [pa.array(frame[c].astype("str").fillna(""), pa.large_string()).cast(pa.string())
             for c in cols]
    text = pc.binary_join_element_wise(*parts, "") if len(parts) > 1 else parts[0]
    folded = pc.replace_substring(pc.utf8_lower(pc.utf8_normalize(text, "NFKC")), " ", "")
    # kept in Arrow (pandas' str): 29 MB for 1M keys against 108 MB as Python objects, and a
    # search 3.5× faster (measured)
    return pd.Series(folded, index=frame.index, dtype="str")
