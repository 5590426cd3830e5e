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


ORIGIN = (115.45, 35.22)  # near Heze's city; every park and firm of outlined_world is synthetic


def synthetic_park(park_id: str, kind: str, west: float, south: float, east: float, north: float,
                   **fields: str) -> dict[str, str]:
    """A synthetic park of 牡丹区 whose outline is the box west…east × south…north."""
    return {"id": park_id, "name_zh": f"合成{park_id}", "kind": kind, "region_adcode": "371700",
            "county_adcode": "371702", "precision": "digitised", "crs": "WGS84",
            "lon": repr((west + east) / 2), "lat": repr((south + north) / 2),
            "boundary": f"MULTIPOLYGON ((({west} {south}, {east} {south}, {east} {north}, "
                        f"{west} {north}, {west} {south})))",
            "source": "synthetic", "as_of": "2026-01-01", "confidence": "low", **fields}


def synthetic_firm(firm_id: str, place: dict, subsector: str = "NMT.CHEMICAL") -> dict[str, str]:
    """A synthetic enterprise of 牡丹区 at `place` (at(…), or a coarse precision)."""
    return {"id": firm_id, "name_zh": f"合成{firm_id}", "industry": subsector.split(".")[0],
            "subsector": subsector, "region_adcode": "371700", "county_adcode": "371702",
            **place, "source": "synthetic", "as_of": "2026-01-01", "confidence": "low"}


def outlined_world(heze: Dataset) -> Dataset:
    """Heze with three synthetic outlined parks (a chemical park, its 片区, an industrial park)
    and six enterprises: inside each, outside all, known to the county only, one not chemical."""
    from dataclasses import replace

    parks = [synthetic_park("p-chem", "chemical_park", 115.44, 35.21, 115.48, 35.24),
             synthetic_park("p-chem-east", "chemical_park", 115.465, 35.215, 115.478, 35.235,
                            parent_id="p-chem"),  # a 片区
             synthetic_park("p-other", "industrial_park", 115.50, 35.21, 115.52, 35.23)]
    firms = [synthetic_firm("e-in-area", at(ORIGIN, 2300, 800)),  # in the 片区 (and the park)
             synthetic_firm("e-in-park", at(ORIGIN, 500, 800)),  # in the park, west of the 片区
             synthetic_firm("e-outside", at(ORIGIN, 0, 5000)),  # 5 km north of everything
             synthetic_firm("e-other-park", at(ORIGIN, 5500, 800)),  # in the industrial park
             synthetic_firm("e-seat", {"precision": "county"}),  # known to its county only
             synthetic_firm("e-pharma", at(ORIGIN, 600, 900), "BIO.TCM")]  # not chemical
    return replace(heze, parks=records(heze, PARKS, parks),
                   enterprises=records(heze, ENTERPRISES, firms), projects=heze.projects.iloc[0:0])
