"""Tiny record tables for tests: write valid CSVs quickly, then break them on purpose."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import Transformer

from geo.crs import METRIC_CRS
from parks.model.dataset import Dataset, locate
from parks.model.schema import ENTERPRISES, PARKS, PROJECTS, TableSpec

DATA = Path(__file__).resolve().parent.parent / "data"
REFERENCE_FILES = ("industries.csv", "targets.csv", "towns.csv", "county_seats.csv", "sources.csv")

PARK = {"id": "p-yuncheng-chem", "name_zh": "郓城化工产业园", "kind": "chemical_park",
        "level": "provincial", "region_adcode": "371700", "county_adcode": "371725",
        "town": "随官屯镇", "industries": "CHEM", "area_km2": "5.2512", "precision": "town",
        "source": "seed-000", "as_of": "2023-07-06", "confidence": "medium"}
AIRPORT = {"id": "p-airport", "name_zh": "菏泽牡丹机场", "kind": "logistics_hub",
           "region_adcode": "371700", "county_adcode": "371703", "lon": "115.73667",
           "lat": "35.21333", "crs": "WGS84", "precision": "surveyed",
           "source": "https://example.org/airports.csv", "as_of": "2021-04-02",
           "confidence": "high"}
ENTERPRISE = {"id": "e-saituo", "name_zh": "赛托生物", "industry": "BIO", "subsector": "BIO.CHEM",
              "region_adcode": "371700", "county_adcode": "371703", "precision": "county",
              "source": "seed-002", "as_of": "2024-01-16", "confidence": "high"}
UNLOCATED = {"id": "e-kunhetang", "name_zh": "坤和堂", "industry": "BIO", "subsector": "BIO.TCM",
             "region_adcode": "371700", "precision": "unlocated", "source": "seed-002",
             "as_of": "2024-01-16", "confidence": "high"}
PROJECT = {"id": "pr-dafu", "name_zh": "达孚番茄红素", "stage": "completed",
           "stage_text": "建成投产", "region_adcode": "371700", "county_adcode": "371702",
           "precision": "county", "source": "seed-003", "as_of": "2018-10-08",
           "confidence": "medium"}


TO_WGS84 = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
TO_UTM = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def records(dataset: Dataset, spec: TableSpec, rows: list[dict[str, str]]) -> gpd.GeoDataFrame:
    """Text rows located the way load_dataset locates them (typed numbers, points, county)."""
    frame = pd.DataFrame([{c: r.get(c, "") for c in spec.names} for r in rows],
                         columns=list(spec.names))
    return locate(frame, dataset.gazetteer, dataset.counties)


def at(origin: tuple[float, float], metres_east: float, metres_north: float = 0.0) -> dict[str, str]:
    """The fields of a surveyed WGS84 point this many metres from origin, measured in UTM 50N."""
    x, y = TO_UTM.transform(*origin)
    lon, lat = TO_WGS84.transform(x + metres_east, y + metres_north)
    return {"lon": repr(lon), "lat": repr(lat), "crs": "WGS84", "precision": "surveyed"}


def write_table(folder: Path, spec: TableSpec, rows: list[dict[str, str]]) -> Path:
    path = folder / spec.file
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(spec.names), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in spec.names})
    return path


def mini_data(folder: Path, *, parks=None, enterprises=None, projects=None) -> Path:
    """A data folder with the real reference files and tiny record tables."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in REFERENCE_FILES:
        shutil.copy(DATA / name, folder / name)
    write_table(folder, PARKS, [PARK, AIRPORT] if parks is None else parks)
    write_table(folder, ENTERPRISES, [ENTERPRISE, UNLOCATED] if enterprises is None else enterprises)
    write_table(folder, PROJECTS, [PROJECT] if projects is None else projects)
    return folder


def records_xlsx(frame: pd.DataFrame, spec: TableSpec) -> bytes:
    """An upload of one sheet with the schema's columns, every cell text (as a planner's list)."""
    import openpyxl  # imported here: only the import tests build workbooks

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = spec.name
    sheet.append(list(spec.names))
    for values in frame.reindex(columns=list(spec.names)).fillna("").astype(str).itertuples(
            index=False):
        sheet.append(list(values))
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
