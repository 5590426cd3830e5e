"""Column specifications of the three record tables (parks, enterprises, projects)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from geo.labels import Label
from parks.model import vocab

Record = dict[str, str]  # one record as text, column name → value (empty string when absent)
DType = Literal["str", "float", "int", "codes", "code", "adcode", "date", "id", "ref", "wkt",
                "uscc"]


KM2 = Label("km²", "km²")
YI = Label("亿元", "100M yuan")


@dataclass(frozen=True)
class Column:
    """One column: its zh/en label, type, whether a value is required, allowed codes and help."""

    name: str
    label: Label
    dtype: DType = "str"
    required: bool = False
    allowed: tuple[str, ...] = ()
    help: str = ""
    ref: str = ""  # for dtype "ref": the table whose id this column points to
    unit: Label | None = None  # shown after the label in table headings
    # the edit form's wording where it must say more than the label (codes, as written, …)
    form_label: Label | None = None

    @property
    def heading(self) -> Label:
        """The label with its unit, as a table heading: 面积(km²) / Area (km²)."""
        if self.unit is None:
            return self.label
        return Label(f"{self.label.zh}({self.unit.zh})", f"{self.label.en} ({self.unit.en})")

    @property
    def prompt(self) -> Label:
        """How the edit form asks for the value: its form label, else the heading."""
        return self.form_label or self.heading


@dataclass(frozen=True)
class TableSpec:
    """A record table: file name, id prefix and ordered columns."""

    name: str
    label: Label
    file: str
    id_prefix: str
    columns: tuple[Column, ...]

    @cached_property  # asked once per record by the store: 3.6 of a 100k creation's 18 s profiled
    def names(self) -> tuple[str, ...]:
        """The column names, in file order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called `name`."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _location_columns() -> tuple[Column, ...]:
    return (
        Column("region_adcode", Label("城市", "City"), "adcode", required=True,
               help="Prefecture adcode: 371700 菏泽, 370800 济宁."),
        Column("county_adcode", Label("县区", "County"), "adcode",
               help="County-level adcode; blank when not known."),
        Column("town", Label("乡镇/街道", "Town"), form_label=Label("乡镇/街道", "Town or subdistrict"),
               help="乡镇/街道 as spelled in data/towns.csv."),
    )


def _point_columns() -> tuple[Column, ...]:
    return (
        Column("lon", Label("经度", "Longitude"), "float",
               help="Longitude; only for surveyed or digitised points."),
        Column("lat", Label("纬度", "Latitude"), "float",
               help="Latitude; only for surveyed or digitised points."),
        Column("crs", Label("坐标系", "Datum"), "code", allowed=vocab.CRS.codes, help="Datum of lon/lat."),
        Column("precision", Label("定位精度", "Precision"), "code", required=True,
               allowed=vocab.PRECISION.codes,
               help="How the point is known: surveyed, digitised, town, county or unlocated."),
    )


def _provenance_columns() -> tuple[Column, ...]:
    return (
        Column("source", Label("来源", "Source"), required=True,
               help="Seed key (data/sources.csv) and/or URL(s), '; '-separated."),
        Column("as_of", Label("数据日期", "As of"), "date",
               help="Date the fact holds for: YYYY, YYYY-MM or YYYY-MM-DD."),
        Column("confidence", Label("可信度", "Confidence"), "code", required=True,
               allowed=vocab.CONFIDENCE.codes),
        Column("note", Label("备注", "Note")),
    )


PARKS = TableSpec("parks", Label("园区", "Parks"), "parks.csv", "p-", (
    Column("id", Label("编号", "ID"), "id", required=True),
    Column("name_zh", Label("中文名称", "Chinese name"), required=True),
    Column("name_en", Label("英文名称", "English name")),
    Column("kind", Label("类型", "Kind"), "code", required=True, allowed=vocab.KIND.codes),
    Column("subkind", Label("细类（原文）", "Sub-kind (as written)")),
    Column("level", Label("级别", "Level"), "code", allowed=vocab.LEVEL.codes),
    Column("parent_id", Label("上级园区", "Parent park"), "ref", ref="parks",
           help="The containing park or zone."),
    Column("status", Label("状态", "Status"), "code", allowed=vocab.STATUS.codes),
    *_location_columns(),
    Column("industries", Label("主导产业", "Leading industries"), "codes",
           form_label=Label("主导产业（代码）", "Industries (codes)"),
           help="Leading industries as taxonomy codes, ';'-separated."),
    Column("industries_text", Label("产业（原文）", "Industries (as written)"),
           help="Leading industries in the source's words."),
    Column("area_km2", Label("面积", "Area"), "float", unit=KM2,
           form_label=Label("公布面积 km²", "Published area km²"),
           help="Area in km² where a source gives it."),
    Column("area_basis_zh", Label("面积口径（中文）", "Area basis (Chinese)"),
           help="What the area figure is, in Chinese (规划面积、批复后、调区后 …)."),
    Column("area_basis_en", Label("面积口径（英文）", "Area basis (English)"),
           help="What the area figure is, in English (planned, approved, after 调区 …)."),
    Column("sizhi", Label("四至", "Bounds (四至)"), help="四至: the boundary roads/features as published."),
    Column("boundary", Label("标绘范围", "Drawn outline"), "wkt",
           help="Park outline drawn by a planner: WKT (Multi)Polygon, WGS-84."),
    Column("recognition_zh", Label("认定（中文）", "Recognition (Chinese)"),
           help="Formal recognition, in Chinese."),
    Column("recognition_en", Label("认定（英文）", "Recognition (English)"),
           help="Formal recognition, in English."),
    Column("recognition_batch", Label("认定批次", "Recognition batch")),
    Column("recognition_year", Label("认定年份", "Recognition year"), "int"),
    *_point_columns(),
    *_provenance_columns(),
))

ENTERPRISES = TableSpec("enterprises", Label("企业", "Enterprises"), "enterprises.csv", "e-", (
    Column("id", Label("编号", "ID"), "id", required=True),
    Column("name_zh", Label("中文名称", "Chinese name"), required=True),
    Column("full_name", Label("全称", "Full name")),
    # the registered identity: matches the firm in 工商/税务 registers, checked by its own digit
    Column("credit_code", Label("统一社会信用代码", "Unified social credit code"), "uscc",
           help="18 characters (GB 32100-2015); the 18th is a check character."),
    Column("name_en", Label("英文名称", "English name")),
    Column("industry", Label("产业", "Industry"), "code",
           help="Strategic emerging industry code under which the seed names it."),
    Column("subsector", Label("细分领域", "Sub-sector"), "code"),
    Column("industries_text", Label("产业（原文）", "Industries (as written)")),
    *_location_columns(),
    Column("park_id", Label("园区", "Park"), "ref", ref="parks",
           form_label=Label("所在园区", "Park")),
    Column("address", Label("地址", "Address")),
    *_point_columns(),
    *_provenance_columns(),
))

PROJECTS = TableSpec("projects", Label("项目", "Projects"), "projects.csv", "pr-", (
    Column("id", Label("编号", "ID"), "id", required=True),
    Column("name_zh", Label("中文名称", "Chinese name"), required=True),
    Column("name_en", Label("英文名称", "English name")),
    Column("enterprise_id", Label("企业", "Enterprise"), "ref", ref="enterprises"),
    Column("park_id", Label("园区", "Park"), "ref", ref="parks",
           form_label=Label("所在园区", "Park")),
    Column("industry", Label("产业", "Industry"), "code"),
    Column("subsector", Label("细分领域", "Sub-sector"), "code"),
    Column("stage", Label("阶段", "Stage"), "code", allowed=vocab.STAGE.codes,
           help="四个一批 stage, only where the source says it."),
    Column("stage_text", Label("阶段（原文）", "Stage (as written)"),
           help="The source's own words on the project's state."),
    Column("investment_yi", Label("投资", "Investment"), "float", unit=YI,
           form_label=Label("投资（亿元）", "Investment (亿元)"),
           help="Investment in 亿元 where given."),
    Column("capacity_text", Label("规模", "Capacity"),
           form_label=Label("规模（原文）", "Capacity (as written)")),
    Column("year", Label("年份", "Year"), "int"),
    *_location_columns(),
    *_point_columns(),
    *_provenance_columns(),
))

TABLES: tuple[TableSpec, ...] = (PARKS, ENTERPRISES, PROJECTS)

SPECS: Mapping[str, TableSpec] = {spec.name: spec for spec in TABLES}  # by table name

# A column has the same label in every table that has it (test_labels checks this).
_COLUMNS: Mapping[str, Column] = {col.name: col for spec in TABLES for col in spec.columns}


# Curated text kept in both languages: <field>_zh and <field>_en, each shown in its own language.
BILINGUAL: Mapping[str, Label] = {"area_basis": Label("面积口径", "Area basis"),
                                  "recognition": Label("认定", "Recognition")}
# Columns of older files and stores (one English column) and what they are now.
LEGACY_COLUMNS: Mapping[str, str] = {name: f"{name}_en" for name in BILINGUAL}
# Put before text shown in the other language because its own is empty.
OTHER_LANGUAGE = Label("（英文）", "(Chinese) ")


def bilingual_text(record: Mapping[str, object], field: str, lang: str) -> str:
    """A BILINGUAL field of one record in `lang`; the other language's text after
    OTHER_LANGUAGE when its own is empty; "" when both are."""
    own, other = (f"{field}_en", f"{field}_zh") if lang == "en" else (f"{field}_zh", f"{field}_en")
    text = str(record.get(own, "") or "").strip()
    if text:
        return text
    fallback = str(record.get(other, "") or "").strip()
    return f"{OTHER_LANGUAGE.get(lang)}{fallback}" if fallback else ""


def legacy_renames(columns: Iterable[str]) -> dict[str, str]:
    """Old column → its new name, for the LEGACY_COLUMNS among `columns` whose new name is not
    there too (an old sheet, CSV or store: its English text becomes <field>_en)."""
    present = set(columns)
    return {old: new for old, new in LEGACY_COLUMNS.items() if old in present and new not in present}


def field_column(name: str) -> Column:
    """The column called `name` in any record table; KeyError naming the known fields."""
    try:
        return _COLUMNS[name]
    except KeyError:
        raise KeyError(f"unknown field {name!r}; known: {', '.join(_COLUMNS)}") from None


def field_label(name: str, lang: str) -> str:
    """The label of a record field in `lang`: field_label("kind", "en") == "Kind"."""
    return field_column(name).label.get(lang)


def field_heading(name: str, lang: str) -> str:
    """The label of a record field with its unit, for table headings: 面积(km²)."""
    return field_column(name).heading.get(lang)


# Columns the data exports show as labels and keep as codes in <column>_code (an import reads
# those back as the field itself, or leaves them out where its table has no such field)
CODED = ("layer", "kind", "industry", "subsector", "industries", "stage", "precision")
