"""Filters over the record frames: county, industry (incl. "231" tier), kind, stage and name search."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd

from parks.industries import Taxonomy


@dataclass(frozen=True)
class Filters:
    """What the user asked to see; empty tuples mean "no restriction"."""

    counties: tuple[str, ...] = ()  # county adcodes
    industries: tuple[str, ...] = ()  # taxonomy codes (a top-level code includes its sub-sectors)
    tiers: tuple[str, ...] = ()  # "231" tiers: '2', '3', '1'
    kinds: tuple[str, ...] = ()  # park kinds
    stages: tuple[str, ...] = ()  # project stages; '' selects projects whose stage is not stated
    text: str = ""  # name search


def normalise(text: str) -> str:
    """Case- and width-insensitive form for search (全角 → half width, spaces dropped)."""
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


def record_codes(frame: pd.DataFrame) -> pd.Series:
    """Industry codes of each record: parks' `industries` list, or industry + subsector."""
    if "industries" in frame.columns:
        return frame["industries"].map(lambda s: tuple(c.strip() for c in s.split(";") if c.strip()))
    return frame.apply(lambda r: tuple(c for c in (r["industry"], r["subsector"]) if c), axis=1)


def _industry_mask(frame: pd.DataFrame, filters: Filters, taxonomy: Taxonomy) -> pd.Series:
    codes = record_codes(frame)
    mask = pd.Series(True, index=frame.index)
    if filters.industries:
        # strategic-industry codes match themselves and their sub-sectors; a "231"-only node
        # (高端化工, 机电设备制造 …) also matches the strategic codes crosswalked to it
        sei = [c for c in filters.industries if taxonomy.in_system(c, "sei")]
        wanted = taxonomy.expand(sei)
        wanted_231 = frozenset(c for c in filters.industries if c not in sei)
        mask &= codes.map(lambda cs: any(
            c in wanted or taxonomy.in_system(c, "231") in wanted_231 for c in cs))
    if filters.tiers:
        mask &= codes.map(lambda cs: any(taxonomy.tier(c) in filters.tiers for c in cs))
    return mask


def _text_mask(frame: pd.DataFrame, text: str) -> pd.Series:
    needle = normalise(text)
    cols = [c for c in ("name_zh", "name_en", "full_name", "id") if c in frame.columns]
    hay = frame[cols].astype(str).agg(" ".join, axis=1).map(normalise)
    return hay.str.contains(needle, regex=False)


def _common_mask(frame: pd.DataFrame, filters: Filters, taxonomy: Taxonomy) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    if filters.counties:
        mask &= frame["county_adcode"].isin(filters.counties)
    if filters.industries or filters.tiers:
        mask &= _industry_mask(frame, filters, taxonomy)
    if filters.text.strip():
        mask &= _text_mask(frame, filters.text)
    return mask


def filter_parks(parks: pd.DataFrame, filters: Filters, taxonomy: Taxonomy) -> pd.DataFrame:
    """Parks matching the filters (same columns; empty frame when none match)."""
    mask = _common_mask(parks, filters, taxonomy)
    if filters.kinds:
        mask &= parks["kind"].isin(filters.kinds)
    return parks[mask].copy()


def filter_enterprises(enterprises: pd.DataFrame, filters: Filters,
                       taxonomy: Taxonomy) -> pd.DataFrame:
    """Enterprises matching the filters; park kind and project stage do not apply to them."""
    return enterprises[_common_mask(enterprises, filters, taxonomy)].copy()


def filter_projects(projects: pd.DataFrame, filters: Filters, taxonomy: Taxonomy) -> pd.DataFrame:
    mask = _common_mask(projects, filters, taxonomy)
    if filters.stages:
        mask &= projects["stage"].isin(filters.stages)
    return projects[mask].copy()


def located(frame: pd.DataFrame) -> pd.DataFrame:
    """Records that have a point (everything but precision 'unlocated')."""
    return frame[frame.geometry.notna()].copy() if "geometry" in frame else frame.iloc[0:0].copy()


def unlocated(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame.geometry.isna()].copy() if "geometry" in frame else frame.copy()
