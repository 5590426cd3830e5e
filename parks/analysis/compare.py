"""Parks side by side: one row per attribute, one column per park, as a table, XLSX or CSV."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.labels import Label
from parks.analysis.membership import members, park_members
from parks.analysis.profile import (
    nearest_hub,
    park_enterprises,
    park_projects,
    park_row,
    projects_by_stage,
    split_sources,
    unlocated_reasons,
)
from parks.model.dataset import Dataset
from parks.model.industries import Taxonomy
from parks.model.schema import BILINGUAL, bilingual_text, field_column
from parks.model.vocab import KIND, LEVEL, PRECISION

MAX_PARKS = 4  # more columns than this no longer fit a screen or an A4 page side by side
# Record fields are labelled as in the schema; the rest are figures the comparison works out.
ATTRIBUTES: tuple[tuple[str, Label], ...] = (
    *((name, field_column(name).label) for name in ("name_zh", "name_en", "kind", "level")),
    ("county", field_column("county_adcode").label),
    ("town", field_column("town").label),
    ("area_km2", field_column("area_km2").heading),
    ("area_basis", BILINGUAL["area_basis"]), ("sizhi", field_column("sizhi").label),
    ("recognition", BILINGUAL["recognition"]), ("industries", field_column("industries").label),
    ("enterprises", Label("园区内企业数", "Enterprises in the park")),
    ("projects", Label("项目数（按阶段）", "Projects (by stage)")),
    ("inside_enterprises", Label("范围内企业（按标绘范围）", "Enterprises inside the outline")),
    ("inside_projects", Label("范围内项目（按标绘范围）", "Projects inside the outline")),
    ("hub", Label("最近物流枢纽", "Nearest logistics hub")),
    *((name, field_column(name).label) for name in ("precision", "source", "as_of")),
)
ATTRIBUTE_HEADER = Label("属性", "Attribute")


class TooManyParksError(ValueError):
    """More parks than fit side by side were asked for."""


def _area_text(area: float, lang: str) -> str:
    # As published (no rounding): the figure must match its source.
    if pd.isna(area):
        return "not published" if lang == "en" else "未公布"
    return f"{area:g}"


def _kind_text(park: pd.Series, lang: str) -> str:
    label = KIND.label(park["kind"], lang)
    sub = park["subkind"]
    # The subkind is Chinese source wording: shown in Chinese only, and only when it adds something.
    return f"{label} · {sub}" if lang != "en" and sub and sub not in label else label


def _recognition_text(park: pd.Series, lang: str) -> str:
    year, batch = park.get("recognition_year"), park["recognition_batch"]
    parts = [bilingual_text(park, "recognition", lang)]
    if batch:
        parts.append(f"batch {batch}" if lang == "en" else f"第{batch}批")
    if not pd.isna(year):
        parts.append(f"year {year}" if lang == "en" else f"{year}年")
    return "; ".join(p for p in parts if p.strip())


def _industry_text(codes: str, taxonomy: Taxonomy, lang: str) -> str:
    items = [c.strip() for c in str(codes).split(";") if c.strip()]
    labels = [taxonomy.get(c).label.get(lang) if c in taxonomy.codes else c for c in items]
    if not labels:
        return "not published" if lang == "en" else "未公布"
    return ", ".join(labels) if lang == "en" else "、".join(labels)


def _stage_text(projects: pd.DataFrame, lang: str) -> str:
    """'14（竣工 2、未注明 12）': the total, then the stages that have projects."""
    table = projects_by_stage(projects)
    label = "label_en" if lang == "en" else "label_zh"
    parts = [f"{r[label]} {r['count']}" for _, r in table.iterrows() if r["count"]]
    total = int(table["count"].sum())
    if not parts:
        return str(total)
    return f"{total} ({', '.join(parts)})" if lang == "en" else f"{total}（{'、'.join(parts)}）"


def _hub_text(dataset: Dataset, park: pd.Series, lang: str) -> str:
    """Nearest logistics hub (port areas included, as in site ranking) with its distance."""
    reason_zh, reason_en = unlocated_reasons(park)
    if reason_zh:
        return reason_en if lang == "en" else reason_zh
    hub = nearest_hub(dataset, park["id"])
    if hub is None:
        return "no logistics hub has a location" if lang == "en" else "无已定位的物流枢纽"
    if lang == "en":
        return f"{hub.name_en} {hub.distance_km:.1f} km" + (f" ({hub.note_en})" if hub.approximate else "")
    return f"{hub.name_zh} {hub.distance_km:.1f} km" + (f"（{hub.note_zh}）" if hub.approximate else "")


NO_OUTLINE = Label("—（无范围）", "— (no outline)")
UNDECIDABLE = Label("{n}（本县待定 {u}：仅知乡镇/县）", "{n} ({u} undecidable in its county)")


def _inside_text(counts: pd.Series, layer: str, lang: str) -> str:
    """Members inside the outline (its 片区' included), the county's undecidable beside; "—"
    with the reason for a park without an outline."""
    if not counts["outlined"]:
        return NO_OUTLINE.get(lang)
    return UNDECIDABLE.format(lang, n=int(counts[layer]), u=int(counts["undecidable"]))


def park_attributes(dataset: Dataset, park_id: str, lang: str = "zh",
                    found: pd.DataFrame | None = None) -> dict[str, str]:
    """Every compared attribute of one park as display text; `found`: the dataset's
    memberships when already at hand (parks.analysis.membership.members)."""
    park = park_row(dataset.parks, park_id)
    en = lang == "en"
    inside = park_members(dataset, found).loc[park_id]
    return {
        "name_zh": park["name_zh"], "name_en": park["name_en"], "kind": _kind_text(park, lang),
        "level": LEVEL.label(park["level"], lang),
        "county": park["county_en"] if en else park["county"], "town": park["town"],
        "area_km2": _area_text(park["area_km2"], lang),
        "area_basis": bilingual_text(park, "area_basis", lang),
        "sizhi": park["sizhi"], "recognition": _recognition_text(park, lang),
        "industries": _industry_text(park["industries"], dataset.taxonomy, lang),
        "enterprises": str(len(park_enterprises(dataset, park_id))),
        "projects": _stage_text(park_projects(dataset, park_id), lang),
        "inside_enterprises": _inside_text(inside, "enterprises", lang),
        "inside_projects": _inside_text(inside, "projects", lang),
        "hub": _hub_text(dataset, park, lang),
        "precision": PRECISION.label(park["precision"], lang),
        "source": "\n".join(split_sources(park["source"])), "as_of": park["as_of"],
    }


def _header(park: pd.Series, lang: str, taken: set[str]) -> str:
    name = (park["name_en"] or park["name_zh"]) if lang == "en" else park["name_zh"]
    return f"{name} ({park['id']})" if name in taken else name


def compare_parks(dataset: Dataset, ids: Sequence[str], lang: str = "zh",
                  found: pd.DataFrame | None = None) -> pd.DataFrame:
    """Attribute rows × park columns (headed by the parks' names); at most MAX_PARKS parks,
    repeated ids counted once; UnknownParkError for an id not in the dataset. `found`: the
    dataset's memberships when already at hand."""
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_PARKS:
        raise TooManyParksError(f"at most {MAX_PARKS} parks can be compared; got {len(unique)}: "
                                f"{', '.join(unique)}")
    table = pd.DataFrame({ATTRIBUTE_HEADER.get(lang): [label.get(lang) for _, label in ATTRIBUTES]},
                         dtype=object)
    found = members(dataset) if found is None and unique else found
    for park_id in unique:
        values = park_attributes(dataset, park_id, lang, found)
        header = _header(park_row(dataset.parks, park_id), lang, set(table.columns))
        table[header] = pd.Series([values[a[0]] for a in ATTRIBUTES], dtype=object)
    return table
