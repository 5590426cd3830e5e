"""One park's profile: its family of 片区, the enterprises and projects inside it, and what is near it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import distance_m
from geo.labels import Label
from parks.model.dataset import Dataset
from parks.model.industries import UNCLASSIFIED, Taxonomy
from parks.model.vocab import APPROXIMATE, PRECISION, STAGE

NEAREST_COLUMNS = ["category", "name", "name_en", "id", "distance_km", "approximate", "note",
                   "note_zh"]
NEAREST_CATEGORIES: dict[str, Label] = {
    "logistics_hub": Label("物流枢纽", "logistics hub"),
    "port_area": Label("港口作业区", "port area"),
    "rail_freight": Label("铁路货场", "rail freight yard"),
    "airport": Label("机场", "airport"),
    "county_seat": Label("县城驻地", "county seat"),
}
INDUSTRY_COLUMNS = ["industry", "label_zh", "label_en", "count"]
STAGE_COLUMNS = ["stage", "label_zh", "label_en", "count"]
PORT_AREA = "作业区"
# Two approximate points closer than this sit on the same seat: their distance says nothing.
SAME_SPOT_M = 50.0
_SEAT = {"county": Label("县城驻地", "county seat"), "town": Label("乡镇驻地", "town seat")}


class UnknownParkError(KeyError):
    """A park id that is not in the dataset; `suggestions` lists similar ids as 'id (name)'."""

    def __init__(self, park_id: str, suggestions: tuple[str, ...] = ()) -> None:
        self.park_id = park_id
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else \
            "; no park has a similar id or name"
        super().__init__(f"unknown park id {park_id!r}{hint}")

    def __str__(self) -> str:  # KeyError would otherwise show the message in quotes
        return str(self.args[0])


@dataclass(frozen=True)
class Nearest:
    """The nearest place of one category, with how far and how well both ends are located."""

    category: str
    id: str
    name_zh: str
    name_en: str
    distance_km: float  # straight line in UTM 50N, 1 decimal
    approximate: bool  # either end is only known to its town or county seat
    note_zh: str
    note_en: str


# eq=False: the fields are frames, which have no single truth value to compare by.
@dataclass(frozen=True, eq=False)
class ParkProfile:
    """Everything the profile page shows about one park; frames are copies, never the dataset's."""

    park: pd.Series
    parent: pd.Series | None
    children: gpd.GeoDataFrame
    descendant_ids: tuple[str, ...]
    enterprises: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    enterprises_by_industry: pd.DataFrame
    projects_by_stage: pd.DataFrame
    nearest: pd.DataFrame
    unlocated_reason: str  # '' when the park has a point
    unlocated_reason_en: str
    sources: tuple[str, ...]
    as_of: str


def suggest_parks(parks: pd.DataFrame, text: str, limit: int = 3) -> tuple[str, ...]:
    """Ids (with names) of parks whose id or name resembles `text`, best first."""
    names = dict(zip(parks["id"], parks["name_zh"], strict=True))
    by_name = {n: i for i, n in names.items()}
    hits = difflib.get_close_matches(text, list(names), n=limit, cutoff=0.5)
    hits += [by_name[n] for n in difflib.get_close_matches(text, list(by_name), n=limit, cutoff=0.5)]
    if text.strip():
        hits += [i for i, n in names.items() if text in i or text in n]
    unique = list(dict.fromkeys(hits))[:limit]
    return tuple(f"{i} ({names[i]})" for i in unique)


def park_row(parks: pd.DataFrame, park_id: str) -> pd.Series:
    """The one row of a park; UnknownParkError (with suggestions) when the id is not there."""
    hit = parks[parks["id"] == park_id]
    if hit.empty:
        raise UnknownParkError(park_id, suggest_parks(parks, park_id))
    return hit.iloc[0]


def descendant_ids(parks: pd.DataFrame, park_id: str) -> tuple[str, ...]:
    """Children, grandchildren … of a park via parent_id (breadth first; cycles cut)."""
    children: dict[str, list[str]] = {}
    for child, parent in zip(parks["id"], parks["parent_id"].fillna(""), strict=True):
        children.setdefault(parent, []).append(child)
    found: list[str] = []
    queue = list(children.get(park_id, []))
    while queue:
        current = queue.pop(0)
        if current == park_id or current in found:
            continue
        found.append(current)
        queue += children.get(current, [])
    return tuple(found)


def park_enterprises(dataset: Dataset, park_id: str) -> gpd.GeoDataFrame:
    """Enterprises whose park_id is the park or any of its descendants."""
    family = {park_id, *descendant_ids(dataset.parks, park_id)}
    return dataset.enterprises[dataset.enterprises["park_id"].isin(family)].copy()


def park_projects(dataset: Dataset, park_id: str) -> gpd.GeoDataFrame:
    """Projects in the park's family by park_id, or by an enterprise that is in it."""
    family = {park_id, *descendant_ids(dataset.parks, park_id)}
    firms = set(park_enterprises(dataset, park_id)["id"])
    projects = dataset.projects
    mask = projects["park_id"].isin(family) | projects["enterprise_id"].isin(firms)
    return projects[mask].copy()


def enterprise_top(row: pd.Series, taxonomy: Taxonomy) -> str:
    """Top-level industry of an enterprise (its industry, else its sub-sector's parent), or ''."""
    code = row.get("industry", "") or row.get("subsector", "")
    return taxonomy.top(code).code if code in taxonomy.codes else ""


def enterprises_by_industry(enterprises: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Enterprises per top-level industry ('' = unclassified), most first."""
    if enterprises.empty:
        return pd.DataFrame(columns=INDUSTRY_COLUMNS)
    tops = enterprises.apply(enterprise_top, axis=1, taxonomy=taxonomy)
    counts = tops.value_counts()
    order = {ind.code: i for i, ind in enumerate(taxonomy.industries)}
    rows = [(code, *_industry_labels(code, taxonomy), int(n)) for code, n in counts.items()]
    # most first; unclassified last among equals; then the taxonomy's own order
    rows.sort(key=lambda r: (-r[3], r[0] == "", order.get(r[0], len(order))))
    return pd.DataFrame(rows, columns=INDUSTRY_COLUMNS)


def _industry_labels(code: str, taxonomy: Taxonomy) -> tuple[str, str]:
    label = taxonomy.get(code).label if code else UNCLASSIFIED
    return label.zh, label.en


def projects_by_stage(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects per 四个一批 stage, every stage listed (zeros too), then '' = stage not stated."""
    counts = projects["stage"].fillna("").value_counts() if len(projects) else pd.Series(dtype=int)
    rows = [(t.code, t.label.zh, t.label.en, int(counts.get(t.code, 0))) for t in STAGE.terms]
    rows.append(("", "未注明", "not stated", int(counts.get("", 0))))
    return pd.DataFrame(rows, columns=STAGE_COLUMNS)


def approximate_note(park_precision: str, target_precision: str, metres: float,
                     lang: str = "zh", target: str = "") -> str:
    """Why a distance is approximate ('' when both ends are exact points); `target` names the
    other end (e.g. 物流枢纽 / logistics hub)."""
    ends = [p in APPROXIMATE for p in (park_precision, target_precision)]
    if not any(ends):
        return ""
    if metres < SAME_SPOT_M:
        return ("近似：两点取同一驻地位置，实际距离未知" if lang != "en"
                else "approximate: both placed at the same seat, true distance unknown")
    if lang == "en":
        parts = [f"park at the {_SEAT[park_precision].en}"] if ends[0] else []
        parts += [f"{target or 'target'} at its {_SEAT[target_precision].en}"] if ends[1] else []
        return "approximate: " + "; ".join(parts)
    parts = [f"园区位置取{_SEAT[park_precision].zh}"] if ends[0] else []
    parts += [f"{target or '目标'}位置取{_SEAT[target_precision].zh}"] if ends[1] else []
    return "近似：" + "，".join(parts)


def nearest_in(park: pd.Series, candidates: pd.DataFrame, category: str,
               exclude: frozenset[str] | set[str] = frozenset()) -> Nearest | None:
    """The located candidate (not in `exclude`) nearest to the park's point; None when either
    side has no point."""
    if pd.isna(park["lon"]) or pd.isna(park["lat"]) or candidates.empty:
        return None
    lon = candidates["lon"].to_numpy(dtype=float)
    lat = candidates["lat"].to_numpy(dtype=float)
    ok = ~np.isnan(lon) & ~np.isnan(lat) & ~candidates["id"].isin(exclude).to_numpy()
    if not ok.any():
        return None
    metres = np.full(len(candidates), np.inf)
    metres[ok] = distance_m(park["lon"], park["lat"], lon[ok], lat[ok])
    approx = candidates["precision"].isin(APPROXIMATE).to_numpy()
    # Ties (many records share a seat) go to the better-located candidate, then by id.
    i = int(np.lexsort((candidates["id"].to_numpy(dtype=str), approx, metres))[0])
    best, m = candidates.iloc[i], float(metres[i])
    args = (park["precision"], best["precision"], m)
    target = NEAREST_CATEGORIES.get(category, Label("", ""))
    return Nearest(category, str(best["id"]), str(best["name_zh"]),
                   str(best.get("name_en", "") or best["name_zh"]), round(m / 1000, 1),
                   bool(park["precision"] in APPROXIMATE or best["precision"] in APPROXIMATE),
                   approximate_note(*args, lang="zh", target=target.zh),
                   approximate_note(*args, lang="en", target=target.en))


def category_candidates(parks: pd.DataFrame, category: str) -> pd.DataFrame:
    """Parks of one nearby-place category ('hub_or_port' = any logistics hub, port areas too)."""
    subkind = parks["subkind"].fillna("")
    masks = {
        "logistics_hub": (parks["kind"] == "logistics_hub") & ~subkind.str.contains(PORT_AREA),
        "hub_or_port": parks["kind"] == "logistics_hub",
        "port_area": subkind.str.contains(PORT_AREA),
        "rail_freight": subkind.str.contains("铁路"),
        "airport": subkind == "机场",
    }
    return parks[masks[category]]


def nearest_hub(dataset: Dataset, park_id: str, hubs: pd.DataFrame | None = None) -> Nearest | None:
    """Nearest logistics hub of any subkind, port areas included (what site ranking uses), other
    than the park and its own 片区; pass `hubs` (category 'hub_or_port') to reuse a selection."""
    park = park_row(dataset.parks, park_id)
    pool = category_candidates(dataset.parks, "hub_or_port") if hubs is None else hubs
    return nearest_in(park, pool, "logistics_hub", {park_id, *descendant_ids(dataset.parks, park_id)})


def _seat_candidates(dataset: Dataset, county_adcode: str) -> pd.DataFrame:
    seats = dataset.gazetteer.seats
    seats = seats[seats["adcode"] == county_adcode]
    # The seat point is the seat itself, so this end of the distance is exact.
    return pd.DataFrame({"id": seats["adcode"], "name_zh": seats["name_zh"],
                         "name_en": seats["name_en"], "lon": seats["lon"], "lat": seats["lat"],
                         "precision": "surveyed"})


def nearest_places(dataset: Dataset, park_id: str) -> pd.DataFrame:
    """Straight-line distance (km) to the nearest place of each category; rows with no located
    candidate are left out; an empty frame when the park itself has no point."""
    park = park_row(dataset.parks, park_id)
    exclude = {park_id, *descendant_ids(dataset.parks, park_id)}
    found = [nearest_in(park, category_candidates(dataset.parks, cat), cat, exclude)
             for cat in ("logistics_hub", "port_area", "rail_freight", "airport")]
    found.append(nearest_in(park, _seat_candidates(dataset, park["county_adcode"]), "county_seat"))
    rows = [(n.category, n.name_zh, n.name_en, n.id, n.distance_km, n.approximate, n.note_en,
             n.note_zh) for n in found if n is not None]
    return pd.DataFrame(rows, columns=NEAREST_COLUMNS).astype(
        {"distance_km": float, "approximate": bool})


def unlocated_reasons(park: pd.Series) -> tuple[str, str]:
    """(zh, en) explanation of why a park has no point; ('', '') when it has one."""
    if pd.notna(park["lon"]) and pd.notna(park["lat"]):
        return "", ""
    if park["precision"] == "unlocated":
        return ("位置未知（未定位），无法计算距离",
                "location unknown (unlocated): distances cannot be computed")
    label_zh, label_en = PRECISION.label(park["precision"], "zh"), PRECISION.label(park["precision"], "en")
    return (f"定位精度为“{label_zh}”，但缺少该驻地的坐标，无法计算距离",
            f"precision is '{label_en}' but that seat has no point: distances cannot be computed")


def split_sources(source: str) -> tuple[str, ...]:
    """The items of a source cell ('; '-separated seed keys and URLs)."""
    return tuple(item.strip() for item in str(source).split(";") if item.strip())


def park_profile(dataset: Dataset, park_id: str) -> ParkProfile:
    """The profile of one park; UnknownParkError (with similar ids) for an unknown id."""
    park = park_row(dataset.parks, park_id).copy()
    parks = dataset.parks
    parent = parks[(parks["id"] == park["parent_id"]) & (park["parent_id"] != "")]
    enterprises = park_enterprises(dataset, park_id)
    projects = park_projects(dataset, park_id)
    reason_zh, reason_en = unlocated_reasons(park)
    return ParkProfile(
        park=park,
        parent=parent.iloc[0].copy() if len(parent) else None,
        children=parks[parks["parent_id"] == park_id].copy(),
        descendant_ids=descendant_ids(parks, park_id),
        enterprises=enterprises,
        projects=projects,
        enterprises_by_industry=enterprises_by_industry(enterprises, dataset.taxonomy),
        projects_by_stage=projects_by_stage(projects),
        nearest=nearest_places(dataset, park_id),
        unlocated_reason=reason_zh,
        unlocated_reason_en=reason_en,
        sources=split_sources(park["source"]),
        as_of=str(park["as_of"]),
    )
