"""Column specifications of the three record tables (parks, enterprises, projects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from parks.model import vocab

Record = dict[str, str]  # one record as text, column name → value (empty string when absent)
DType = Literal["str", "float", "int", "codes", "code", "adcode", "date", "id", "ref", "wkt"]


@dataclass(frozen=True)
class Column:
    """One column: its type, whether a value is required, allowed codes and help text."""

    name: str
    dtype: DType = "str"
    required: bool = False
    allowed: tuple[str, ...] = ()
    help: str = ""
    ref: str = ""  # for dtype "ref": the table whose id this column points to


@dataclass(frozen=True)
class TableSpec:
    """A record table: file name, id prefix and ordered columns."""

    name: str
    file: str
    id_prefix: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _location_columns() -> tuple[Column, ...]:
    return (
        Column("region_adcode", "adcode", True, help="Prefecture adcode: 371700 菏泽, 370800 济宁."),
        Column("county_adcode", "adcode", help="County-level adcode; blank when not known."),
        Column("town", help="乡镇/街道 as spelled in data/towns.csv."),
    )


def _point_columns() -> tuple[Column, ...]:
    return (
        Column("lon", "float", help="Longitude; only for surveyed or digitised points."),
        Column("lat", "float", help="Latitude; only for surveyed or digitised points."),
        Column("crs", "code", allowed=vocab.CRS.codes, help="Datum of lon/lat."),
        Column("precision", "code", True, vocab.PRECISION.codes,
               "How the point is known: surveyed, digitised, town, county or unlocated."),
    )


def _provenance_columns() -> tuple[Column, ...]:
    return (
        Column("source", required=True, help="Seed key (data/sources.csv) and/or URL(s), '; '-separated."),
        Column("as_of", "date", help="Date the fact holds for: YYYY, YYYY-MM or YYYY-MM-DD."),
        Column("confidence", "code", True, vocab.CONFIDENCE.codes),
        Column("note"),
    )


PARKS = TableSpec("parks", "parks.csv", "p-", (
    Column("id", "id", True),
    Column("name_zh", required=True),
    Column("name_en"),
    Column("kind", "code", True, vocab.KIND.codes),
    Column("subkind"),
    Column("level", "code", allowed=vocab.LEVEL.codes),
    Column("parent_id", "ref", ref="parks", help="The containing park or zone."),
    Column("status", "code", allowed=vocab.STATUS.codes),
    *_location_columns(),
    Column("industries", "codes", help="Leading industries as taxonomy codes, ';'-separated."),
    Column("industries_text", help="Leading industries in the source's words."),
    Column("area_km2", "float", help="Area in km² where a source gives it."),
    Column("area_basis", help="What the area figure is (planned, approved, after 调区 …)."),
    Column("sizhi", help="四至: the boundary roads/features as published."),
    Column("boundary", "wkt", help="Park outline drawn by a planner: WKT (Multi)Polygon, WGS-84."),
    Column("recognition"),
    Column("recognition_batch"),
    Column("recognition_year", "int"),
    *_point_columns(),
    *_provenance_columns(),
))

ENTERPRISES = TableSpec("enterprises", "enterprises.csv", "e-", (
    Column("id", "id", True),
    Column("name_zh", required=True),
    Column("full_name"),
    Column("name_en"),
    Column("industry", "code", help="Strategic emerging industry code under which the seed names it."),
    Column("subsector", "code"),
    Column("industries_text"),
    *_location_columns(),
    Column("park_id", "ref", ref="parks"),
    Column("address"),
    *_point_columns(),
    *_provenance_columns(),
))

PROJECTS = TableSpec("projects", "projects.csv", "pr-", (
    Column("id", "id", True),
    Column("name_zh", required=True),
    Column("name_en"),
    Column("enterprise_id", "ref", ref="enterprises"),
    Column("park_id", "ref", ref="parks"),
    Column("industry", "code"),
    Column("subsector", "code"),
    Column("stage", "code", allowed=vocab.STAGE.codes,
           help="四个一批 stage, only where the source says it."),
    Column("stage_text", help="The source's own words on the project's state."),
    Column("investment_yi", "float", help="Investment in 亿元 where given."),
    Column("capacity_text"),
    Column("year", "int"),
    *_location_columns(),
    *_point_columns(),
    *_provenance_columns(),
))

TABLES: tuple[TableSpec, ...] = (PARKS, ENTERPRISES, PROJECTS)

SPECS: Mapping[str, TableSpec] = {spec.name: spec for spec in TABLES}  # by table name
