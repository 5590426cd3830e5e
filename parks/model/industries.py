"""The industry taxonomy: the seven strategic emerging industries, Heze's "231" system and targets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.labels import Label
from parks.errors import DataValidationError, Problem

SYSTEMS = ("sei", "231")  # 战略性新兴产业 (菏政发〔2024〕1号) and the "231" industrial system
TIERS = ("2", "3", "1")
TIER_LABELS = {
    "2": Label("两大核心产业", "2 core industries"),
    "3": Label("三个优势产业", "3 advantage industries"),
    "1": Label("一批新兴产业集群", "Emerging clusters"),
}
SYSTEM_LABELS = {
    "sei": Label("战略性新兴产业（菏政发〔2024〕1号）", "Strategic emerging industries (2024)"),
    "231": Label("“231”特色产业体系", "The \"231\" industrial system"),
}
UNCLASSIFIED_COLOUR = "#9E9E9E"
UNCLASSIFIED = Label("未分类", "unclassified")  # a record with no industry code
_TAXONOMY_COLUMNS = ("code", "parent", "name_zh", "name_en", "colour", "sei_order", "h231_tier",
                     "h231_order", "h231_code", "help", "source")
_TARGET_COLUMNS = ("id", "industry", "year", "indicator_zh", "indicator_en", "value", "unit",
                   "qualifier", "text_zh", "source")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Industry:
    """One node: a top-level industry (no parent) or a sub-sector."""

    code: str
    parent: str
    label: Label  # name_zh, name_en of data/industries.csv
    colour: str
    sei_order: int | None
    h231_tier: str
    h231_order: int | None
    h231_code: str
    help: str
    source: str


@dataclass(frozen=True)
class Taxonomy:
    """All industries, in file order, with lookups used by filters, colours and legends."""

    industries: tuple[Industry, ...]

    def get(self, code: str) -> Industry:
        """The industry with this code; raises KeyError for an unknown code."""
        for ind in self.industries:
            if ind.code == code:
                return ind
        raise KeyError(f"unknown industry code {code!r}")

    @property
    def codes(self) -> frozenset[str]:
        """Every industry and sub-sector code of the taxonomy."""
        return frozenset(i.code for i in self.industries)

    def top(self, code: str) -> Industry:
        """The top-level industry of a code (itself when already top-level)."""
        ind = self.get(code)
        return self.get(ind.parent) if ind.parent else ind

    def system_members(self, system: str) -> tuple[Industry, ...]:
        """Top-level industries of a system, in the system's own order."""
        if system == "sei":
            members = [i for i in self.industries if i.sei_order is not None]
            return tuple(sorted(members, key=lambda i: i.sei_order or 0))
        if system == "231":
            members = [i for i in self.industries if i.h231_order is not None]
            return tuple(sorted(members, key=lambda i: i.h231_order or 0))
        raise ValueError(f"unknown industry system {system!r}; use one of {SYSTEMS}")

    def subsectors(self, code: str) -> tuple[Industry, ...]:
        """The sub-sectors under the industry code, in taxonomy order."""
        return tuple(i for i in self.industries if i.parent == code)

    def in_system(self, code: str, system: str) -> str:
        """The top-level code of `system` that a code belongs to, or '' when it has none."""
        ind = self.get(code)
        if system == "sei":
            top = self.top(code)
            return top.code if top.sei_order is not None else ""
        # 231: a sub-sector may carry its own crosswalk (商贸物流业 → 商贸物流)
        return ind.h231_code or self.top(code).h231_code

    def tier(self, code: str) -> str:
        """The "231" tier ('2', '3' or '1') a code falls in via the crosswalk, or ''."""
        h231 = self.in_system(code, "231")
        return self.get(h231).h231_tier if h231 else ""

    def colour(self, code: str, system: str = "sei") -> str:
        """Marker colour of a code in a system's view; grey when it has no place there."""
        top = self.in_system(code, system) if code else ""
        return self.get(top).colour if top else UNCLASSIFIED_COLOUR

    def expand(self, codes: tuple[str, ...] | list[str]) -> frozenset[str]:
        """A set of codes plus all their sub-sectors (selecting 生物医药 selects 现代中药 too)."""
        out = set(codes)
        out.update(i.code for i in self.industries if i.parent in out)
        return frozenset(out)


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _check_taxonomy(frame: pd.DataFrame, file: str) -> list[Problem]:
    problems = [Problem(file, None, c, "", "missing column") for c in _TAXONOMY_COLUMNS
                if c not in frame.columns]
    if problems:
        return problems
    codes = set(frame["code"])
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        if row.parent and row.parent not in codes:
            problems.append(Problem(file, i, "parent", row.parent, "unknown parent code"))
        if not row.parent and not _COLOUR.match(row.colour):
            problems.append(Problem(file, i, "colour", row.colour, "top level needs a #RRGGBB colour"))
        if bool(row.h231_tier) != bool(row.h231_order):
            problems.append(Problem(file, i, "h231_order", row.h231_order,
                                    "a 231 member needs both a tier and an order"))
        if row.h231_tier and row.h231_tier not in TIERS:
            problems.append(Problem(file, i, "h231_tier", row.h231_tier, "tier must be 2, 3 or 1"))
        if row.h231_code and row.h231_code not in codes:
            problems.append(Problem(file, i, "h231_code", row.h231_code, "unknown crosswalk code"))
    dupes = frame["code"][frame["code"].duplicated()]
    problems += [Problem(file, None, "code", c, "duplicate code") for c in dupes]
    return problems


def load_taxonomy(path: Path) -> Taxonomy:
    """Read data/industries.csv; raise DataValidationError listing every problem."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    problems = _check_taxonomy(frame, path.name)
    if problems:
        raise DataValidationError(problems)
    return Taxonomy(tuple(
        Industry(r.code, r.parent, Label(r.name_zh, r.name_en), r.colour.upper(),
                 _optional_int(r.sei_order), r.h231_tier, _optional_int(r.h231_order), r.h231_code,
                 r.help, r.source)
        for r in frame.itertuples(index=False)
    ))


def load_targets(path: Path, taxonomy: Taxonomy) -> pd.DataFrame:
    """Read data/targets.csv: value as a number (blank for qualitative targets), year as int."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    problems = [Problem(path.name, None, c, "", "missing column") for c in _TARGET_COLUMNS
                if c not in frame.columns]
    if problems:
        raise DataValidationError(problems)
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        if row.industry and row.industry not in taxonomy.codes:
            problems.append(Problem(path.name, i, "industry", row.industry, "unknown industry code"))
        if row.value and pd.isna(pd.to_numeric(row.value, errors="coerce")):
            problems.append(Problem(path.name, i, "value", row.value, "not a number"))
        if not row.year.isdigit():
            problems.append(Problem(path.name, i, "year", row.year, "year must be a number"))
    if problems:
        raise DataValidationError(problems)
    out = frame.copy()
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    out["year"] = out["year"].astype(int)
    return out
