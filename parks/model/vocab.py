"""Controlled vocabularies of the records (precision, park kind, stage, …) with zh/en labels and help."""

from __future__ import annotations

from dataclasses import dataclass

from geo.labels import Label

_NO_GLYPH = Label("", "")  # immutable, so one shared default is safe


@dataclass(frozen=True)
class Term:
    """One allowed value of a coded field, with its labels, help text and map style."""

    code: str
    label: Label
    help: str = ""
    colour: str = ""
    glyph: Label = _NO_GLYPH  # a letter that tells kinds apart without colour


@dataclass(frozen=True)
class Vocabulary:
    """An ordered, frozen set of terms; lookups by code."""

    name: str
    terms: tuple[Term, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the vocabulary, in order."""
        return tuple(t.code for t in self.terms)

    def get(self, code: str) -> Term:
        """The term of `code`."""
        for term in self.terms:
            if term.code == code:
                return term
        raise KeyError(f"{self.name}: unknown code {code!r}; allowed: {', '.join(self.codes)}")

    def label(self, code: str, lang: str) -> str:
        """The label of `code` in `lang` (the code itself when unknown)."""
        if not code:
            return ""
        try:
            return self.get(code).label.get(lang)
        except KeyError:
            return code


PRECISION = Vocabulary("precision", (
    Term("surveyed", Label("实测", "surveyed"), "A published or measured coordinate of the place itself."),
    Term("digitised", Label("图上标绘", "digitised"), "Drawn or placed on the map by a planner."),
    Term("town", Label("乡镇驻地（近似）", "town seat (approx.)"),
         "Known only to its 乡镇/街道: drawn at the town seat, not at the site."),
    Term("county", Label("县城驻地（近似）", "county seat (approx.)"),
         "Known only to its county: drawn at the county seat, not at the site."),
    Term("unlocated", Label("位置未知", "location unknown"),
         "Not even the county is known: counted in tables, never drawn."),
))
APPROXIMATE = frozenset({"town", "county"})
LOCATED = frozenset({"surveyed", "digitised", "town", "county"})

# Colours: Paul Tol's colour-blind-safe "muted" scheme, one per kind; glyphs keep kinds
# distinguishable without colour.
KIND = Vocabulary("kind", (
    Term("chemical_park", Label("化工园区", "chemical park"),
         "Provincially recognised (or candidate) chemical park; new chemical projects must go here.",
         "#882255", Label("化", "C")),
    Term("development_zone", Label("开发区/新区", "development zone"), "Economic, high-tech or new area.",
         "#332288", Label("区", "Z")),
    Term("industrial_park", Label("产业园", "industrial park"), "Specialised industrial park.",
         "#117733", Label("园", "P")),
    Term("logistics_hub", Label("物流枢纽", "logistics hub"),
         "Airport, rail or road freight hub, port area (作业区), cold chain, bonded site.",
         "#44AA99", Label("流", "L")),
    Term("digital_park", Label("数字经济园区", "digital-economy park"), "Data centre or digital park.",
         "#88CCEE", Label("数", "D")),
    Term("health_park", Label("医养健康", "health park"), "Health, medical or elderly-care site.",
         "#CC6677", Label("医", "H")),
    Term("tourism_area", Label("文旅景区", "tourism area"), "Tourism or culture site.",
         "#999933", Label("旅", "T")),
    Term("market", Label("专业市场", "market"), "Wholesale or specialised market.",
         "#DDCC77", Label("市", "M")),
))

# Sequential viridis steps (colour-blind safe): later stages are darker.
STAGE = Vocabulary("stage", (
    Term("planned", Label("谋划", "planned"), "谋划一批: being conceived.", "#FDE725"),
    Term("reserve", Label("储备", "reserve"), "储备一批: prepared, waiting to start.", "#35B779"),
    Term("under_construction", Label("开工", "under construction"), "开工一批: construction started.",
         "#31688E"),
    Term("completed", Label("竣工", "completed"), "竣工一批: built or in production.", "#440154"),
))
STAGE_UNKNOWN_COLOUR = "#9E9E9E"

LEVEL = Vocabulary("level", (
    Term("national", Label("国家级", "national")),
    Term("provincial", Label("省级", "provincial")),
    Term("city", Label("市级", "city")),
    Term("county", Label("县级", "county")),
))

STATUS = Vocabulary("status", (
    Term("operating", Label("运营", "operating")),
    Term("planned", Label("规划", "planned")),
    Term("under_construction", Label("在建", "under construction")),
    Term("unverified", Label("未核实", "unverified"), "No source confirms the place or its status."),
    Term("unknown", Label("不详", "unknown")),
))

CONFIDENCE = Vocabulary("confidence", (
    Term("high", Label("高", "high")),
    Term("medium", Label("中", "medium")),
    Term("low", Label("低", "low")),
    Term("unverified", Label("未核实", "unverified")),
))

CRS = Vocabulary("crs", (
    Term("WGS84", Label("WGS-84", "WGS-84"), "GPS, OpenStreetMap, 天地图 (CGCS2000 ≈ WGS-84)."),
    Term("GCJ02", Label("GCJ-02（高德）", "GCJ-02 (Amap)"), "高德/腾讯 coordinates; converted on load."),
))
