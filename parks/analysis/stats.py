"""Tables behind charts and the data-quality page: counts by county, functional area, industry,
precision, source; targets."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

import pandas as pd

from geo.labels import Label
from parks.analysis.query import record_codes
from parks.model.industries import Taxonomy
from parks.model.vocab import PRECISION

_URL = re.compile(r"https?://([^/\s;)]+)")
_SEED = re.compile(r"\bseed-\d{3}\b")



def counts_by_county(frames: Mapping[str, pd.DataFrame], counties: pd.DataFrame) -> pd.DataFrame:
    """One row per county (adcode, name_zh, one column per frame, total), zeros included."""
    out = counties[["adcode", "name_zh"]].copy().reset_index(drop=True)
    for name, frame in frames.items():
        counts = frame["county_adcode"].value_counts()
        out[name] = out["adcode"].map(counts).fillna(0).astype(int)
    out["total"] = out[list(frames)].sum(axis=1) if frames else 0
    return out


# a derived column (the zone administering a record's town), not a schema field
FUNCTIONAL_AREA = Label("功能区", "Functional area")


def counts_by_functional_area(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per functional area holding a record (functional_area, one column per frame,
    total), largest first; records outside every area are not counted (they are the rest of
    their county). Frames without the column (never located) count nothing."""
    areas = {name: (f["functional_area"] if "functional_area" in f.columns
                    else pd.Series(dtype=str)) for name, f in frames.items()}
    found = sorted({a for col in areas.values() for a in col if a})
    out = pd.DataFrame({"functional_area": found})
    for name, col in areas.items():
        out[name] = out["functional_area"].map(col.value_counts()).fillna(0).astype(int)
    out["total"] = out[list(frames)].sum(axis=1) if frames else 0
    return out.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)


def counts_by_industry(frame: pd.DataFrame, taxonomy: Taxonomy, system: str = "sei") -> pd.Series:
    """Records per top-level industry of a system; a record with several codes counts once each."""
    per_top: Counter[str] = Counter()
    for codes, records in record_codes(frame).value_counts().items():  # per distinct code set
        for top in {taxonomy.in_system(c, system) for c in codes} - {""}:
            per_top[top] += int(records)
    order = [i.code for i in taxonomy.system_members(system)]
    return pd.Series([per_top[c] for c in order], index=order, dtype=int, name="count")


def counts_by_precision(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Precision × table counts, in the vocabulary's order."""
    data = {name: f["precision"].value_counts() for name, f in frames.items()}
    table = pd.DataFrame(data).reindex(list(PRECISION.codes)).fillna(0).astype(int)
    table.index.name = "precision"
    return table


def source_keys(source: str) -> list[str]:
    """The citable keys in a source cell: seed keys and web hosts."""
    keys = _SEED.findall(source) + [h.lower() for h in _URL.findall(source)]
    return keys or ["(other)"]


def counts_by_source(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """How many records cite each seed document or web host."""
    counted: Counter[tuple[str, str]] = Counter()
    for name, frame in frames.items():
        # per distinct text; a categorical column also counts the texts its rows no longer hold
        for source, records in frame["source"].value_counts().loc[lambda n: n > 0].items():
            for key in set(source_keys(source)):
                counted[key, name] += int(records)
    if not counted:
        return pd.DataFrame(columns=["source", *frames, "total"])
    table = pd.DataFrame([(key, name, n) for (key, name), n in counted.items()],
                         columns=["source", "table", "n"])
    pivot = table.pivot_table(index="source", columns="table", values="n", aggfunc="sum",
                              fill_value=0)
    pivot = pivot.reindex(columns=list(frames), fill_value=0)
    pivot["total"] = pivot.sum(axis=1)
    return pivot.sort_values("total", ascending=False).reset_index()


def target_label(value: float, unit: str, qualifier: str) -> str:
    """A target as the document writes it: 1200 亿元以上, 力争 360 亿元, 8% 左右."""
    if pd.isna(value):
        return ""
    number = f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}"
    if qualifier in ("力争", "突破", "基本达到"):
        return f"{qualifier} {number}"
    return f"{number}{qualifier}"


def targets_wide(targets: pd.DataFrame, industry: str, lang: str = "zh") -> pd.DataFrame:
    """One row per indicator of an industry ('' = overall), one column per year."""
    rows = targets[targets["industry"] == industry].copy()
    if rows.empty:
        return pd.DataFrame(columns=["indicator"])
    rows["indicator"] = rows["indicator_en" if lang == "en" else "indicator_zh"]
    rows["label"] = [target_label(r.value, r.unit, r.qualifier) or r.text_zh
                     for r in rows.itertuples(index=False)]
    wide = rows.pivot_table(index="indicator", columns="year", values="label", aggfunc="first",
                            sort=False).fillna("")
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index()


def records_by_industry(frames: Mapping[str, pd.DataFrame], taxonomy: Taxonomy,
                        system: str = "sei") -> pd.DataFrame:
    """Long table: industry code, table name, count — for the targets page chart."""
    parts = []
    for name, frame in frames.items():
        counts = counts_by_industry(frame, taxonomy, system)
        parts.append(pd.DataFrame({"industry": counts.index, "table": name,
                                   "count": counts.to_numpy()}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["industry", "table", "count"])


_STAGE_RANK = {"completed": 0, "under_construction": 1, "reserve": 2, "planned": 3, "": 4}


def main_projects(projects: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """Projects for a briefing table: furthest along first, then the largest investment."""
    if projects.empty:
        return projects.iloc[0:0].copy()
    order = projects.assign(
        _rank=projects["stage"].map(_STAGE_RANK).fillna(4),
        _money=pd.to_numeric(projects["investment_yi"], errors="coerce").fillna(-1))
    top = order.sort_values(["_rank", "_money", "name_zh"], ascending=[True, False, True])
    return top.drop(columns=["_rank", "_money"]).head(limit)


def data_date(frames: Mapping[str, pd.DataFrame]) -> str:
    """The newest `as_of` among these records ('' when none has one): the date a map or export
    of them holds for, never the day of the last import of some other records."""
    dates = [f["as_of"] for f in frames.values() if "as_of" in f.columns and len(f)]
    if not dates:
        return ""
    stated = pd.concat(dates).fillna("").astype(str).str.strip()
    stated = stated[stated != ""]
    return str(stated.max()) if len(stated) else ""
