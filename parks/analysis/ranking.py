"""Site ranking: which parks fit an investor's requirement, by weighted components that explain themselves."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from parks.analysis.membership import held_by, industry_members
from parks.analysis.profile import Nearest, category_candidates, descendant_ids, nearest_in
from parks.analysis.scoring_rules import COMPONENT_LABELS
from parks.model.dataset import Dataset
from parks.model.industries import Taxonomy
from parks.model.vocab import LEVEL

COMPONENTS = ("industry", "compliance", "area", "logistics", "county")
CANDIDATE_KINDS = ("chemical_park", "development_zone", "industrial_park")
ENTERPRISE_BONUS = 0.1
ENTERPRISE_BONUS_CAP = 0.3
CROSSWALK_SCORE = 0.6  # same "231" industry only: related, not the same chain
UNVERIFIED_SCORE = 0.5
AREA_UNKNOWN_SCORE = 0.5
DISTANCE_SCALE_KM = 20.0  # with no limit, a hub 20 km away halves the logistics score
PART_SUBKIND = "片区"  # a part of its parent park, folded into the parent's row
RANK_COLUMNS = ["id", "name_zh", "name_en", "kind", "level", "county", "county_en", "precision",
                "area_km2", "score", *(f"{c}_score" for c in COMPONENTS),
                *(f"{c}_points" for c in COMPONENTS), "eligible", "firms", "hub_name",
                "hub_km", "hub_approximate", "reasons", "reasons_en", "parts"]


class InvalidRequirementError(ValueError):
    """A requirement that cannot be scored (unknown code, negative area, …); says what arrived."""


class InvalidWeightsError(InvalidRequirementError):
    """Weights that are negative, not finite, or all zero."""


def _finite_non_negative(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value >= 0


@dataclass(frozen=True)
class Weights:
    """How much each component counts; any scale (normalised before use), each ≥ 0."""

    industry: float = 0.40
    compliance: float = 0.20
    area: float = 0.15
    logistics: float = 0.15
    county: float = 0.10

    def __post_init__(self) -> None:
        bad = {c: v for c, v in self.as_dict().items() if not _finite_non_negative(v)}
        if bad:
            raise InvalidWeightsError(f"weights must be finite numbers ≥ 0; got {bad}")
        if sum(self.as_dict().values()) == 0:
            raise InvalidWeightsError("at least one weight must be above 0; got all zero")

    def as_dict(self) -> dict[str, float]:
        """Component name → this park's score for it."""
        return {c: getattr(self, c) for c in COMPONENTS}

    def normalised(self) -> Weights:
        """The same proportions, summing to 1."""
        total = sum(self.as_dict().values())
        return Weights(**{c: v / total for c, v in self.as_dict().items()})


def _positive_or_none(name: str, value: float | None) -> None:
    if value is not None and not (_finite_non_negative(value) and value > 0):
        raise InvalidRequirementError(f"{name} must be a number above 0 or None; got {value!r}")


@dataclass(frozen=True)
class Requirement:
    """What an investor needs; `industry` '' means any industry."""

    industry: str = ""  # taxonomy code: top level or sub-sector, strategic or "231"
    chemical: bool = False  # a chemical project: only recognised chemical parks are eligible
    min_area_km2: float | None = None
    counties: tuple[str, ...] = ()  # preferred county adcodes; empty = no preference
    hub_within_km: float | None = None
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        _positive_or_none("min_area_km2", self.min_area_km2)
        _positive_or_none("hub_within_km", self.hub_within_km)
        if not isinstance(self.counties, tuple) or not all(isinstance(c, str) for c in self.counties):
            raise InvalidRequirementError(f"counties must be a tuple of adcodes; got {self.counties!r}")


@dataclass(frozen=True)
class Part:
    """One component of one park: score 0–1, reasons (zh, en), and whether it rules the park out."""

    score: float
    zh: tuple[str, ...]
    en: tuple[str, ...]
    eligible: bool = True


# eq=False: holds frames.
@dataclass(frozen=True, eq=False)
class _Context:
    dataset: Dataset
    requirement: Requirement
    weights: Weights  # normalised
    firms: pd.Series  # park id → enterprises of the wanted top-level industry inside; <NA>: no outline
    hubs: pd.DataFrame  # every logistics hub, port areas included
    held: pd.DataFrame  # non-chemical park id → the chemical park holding its outline / point


def industry_match(codes: tuple[str, ...], wanted: str, taxonomy: Taxonomy) -> tuple[float, str]:
    """Base fit of a park's leading industries to `wanted` and the code that earned it:
    same code, parent or sub-sector 1.0; same "231" industry only 0.6; else (0.0, '')."""
    ind = taxonomy.get(wanted)
    family = {wanted, ind.parent, *(s.code for s in taxonomy.subsectors(wanted))} - {""}
    known = sorted((c for c in codes if c in taxonomy.codes), key=lambda c: c != wanted)
    for code in known:
        if code in family:
            return 1.0, code
    h231 = taxonomy.in_system(wanted, "231")
    for code in known:
        if h231 and taxonomy.in_system(code, "231") == h231:
            return CROSSWALK_SCORE, code
    return 0.0, ""


def _match_reason(base: float, code: str, wanted: str, codes: tuple[str, ...],
                  taxonomy: Taxonomy) -> tuple[str, str]:
    want = taxonomy.get(wanted)
    if base == 1.0:
        found = taxonomy.get(code)
        return f"主导产业含 {found.label.zh}（1.0）", f"leading industries include {found.label.en} (1.0)"
    if base > 0:
        found, h231 = taxonomy.get(code), taxonomy.get(taxonomy.in_system(wanted, "231"))
        return (f"主导产业 {found.label.zh} 与 {want.label.zh} 同属“231”产业 {h231.label.zh}（{base:.1f}）",
                f"leading industry {found.label.en} shares the \"231\" industry {h231.label.en} "
                f"with {want.label.en} ({base:.1f})")
    known = [taxonomy.get(c) for c in codes if c in taxonomy.codes]
    zh = "、".join(i.label.zh for i in known) or "未公布"
    en = ", ".join(i.label.en for i in known) or "not published"
    return (f"主导产业（{zh}）不含 {want.label.zh}（0）",
            f"leading industries ({en}) do not include {want.label.en} (0)")


def _industry_part(park: pd.Series, ctx: _Context) -> Part:
    tax, wanted = ctx.dataset.taxonomy, ctx.requirement.industry
    if not wanted:
        return Part(1.0, ("未指定产业（1.0）",), ("no industry required (1.0)",))
    codes = tuple(c.strip() for c in str(park["industries"]).split(";") if c.strip())
    base, code = industry_match(codes, wanted, tax)
    zh, en = _match_reason(base, code, wanted, codes, tax)
    top = tax.top(wanted)
    count = ctx.firms.get(park["id"], pd.NA)
    if pd.isna(count):
        return Part(base, (zh, f"园区及其片区尚无标绘范围，园内{top.label.zh}企业无从统计（不加分）"),
                    (en, f"neither the park nor any of its parts has an outline yet: enterprises of "
                         f"{top.label.en} inside cannot be counted (no bonus)"))
    bonus = round(min(ENTERPRISE_BONUS * count, ENTERPRISE_BONUS_CAP), 1)
    total = min(1.0, base + bonus)
    capped_zh = "，合计封顶 1.0" if base + bonus > 1.0 else ""
    capped_en = ", total capped at 1.0" if base + bonus > 1.0 else ""
    return Part(total, (zh, f"园区内已有同产业（{top.label.zh}）企业 {count} 家（+{bonus:.1f}{capped_zh}）"),
                (en, f"{count} enterprise(s) of {top.label.en} already in the park "
                     f"(+{bonus:.1f}{capped_en})"))


def _compliance_part(park: pd.Series, *, chemical: bool, ctx: _Context) -> Part:
    unverified = park["status"] == "unverified" or park["confidence"] == "unverified"
    if not chemical:
        if park["status"] == "unverified":
            return Part(UNVERIFIED_SCORE, ("园区状态未核实（0.5）",), ("park status unverified (0.5)",))
        return Part(1.0, ("非化工项目，无化工园区准入要求（1.0）",),
                    ("not a chemical project: no chemical-park rule applies (1.0)",))
    if park["kind"] != "chemical_park":
        return _inside_chemical_part(park, ctx)
    if unverified:
        return Part(UNVERIFIED_SCORE, ("化工园区认定未核实，投资前须向主管部门确认（0.5）",),
                    ("chemical park whose recognition is not confirmed: check with the authorities "
                     "before investing (0.5)",))
    level_zh, level_en = LEVEL.label(park["level"], "zh"), LEVEL.label(park["level"], "en")
    if level_zh:
        return Part(1.0, (f"{level_zh}化工园区（合规）",), (f"{level_en} chemical park (compliant)",))
    return Part(1.0, ("认定化工园区的片区（合规）",), ("part of a recognised chemical park (compliant)",))


def _inside_chemical_part(park: pd.Series, ctx: _Context) -> Part:
    """A park that is no chemical park counts as inside one only from its own outline lying
    within a chemical park's outline; its point inside one is said, never counted."""
    parks = ctx.dataset.parks.set_index("id", drop=False)
    outline, point = ctx.held.loc[park["id"]] if park["id"] in ctx.held.index else ("", "")
    if outline:
        holder = parks.loc[outline]
        part = _compliance_part(holder, chemical=True, ctx=ctx)
        return Part(part.score, tuple(f"范围位于{holder['name_zh']}范围内：{r}" for r in part.zh),
                    tuple(f"its outline lies within {holder['name_en'] or holder['name_zh']}'s "
                          f"outline: {r}" for r in part.en), part.eligible)
    zh, en = "化工项目须进入认定化工园区：本园区不是化工园区（不合格）", (
        "a chemical project must go to a recognised chemical park: this park is not one "
        "(not eligible)")
    if point and not str(park.get("boundary", "") or ""):  # with an outline: that decided
        holder = parks.loc[point]
        zh += f"；其位置点在{holder['name_zh']}范围内，但本园区无标绘范围，不算园内"
        en += (f"; its point lies in {holder['name_en'] or holder['name_zh']}'s outline, but "
               "without an outline of its own it does not count as inside")
    return Part(0.0, (zh,), (en,), eligible=False)


def _area_part(area: float, minimum: float | None) -> Part:
    if minimum is None:
        return Part(1.0, ("未设面积要求（1.0）",), ("no minimum area (1.0)",))
    if pd.isna(area):
        return Part(AREA_UNKNOWN_SCORE, ("面积未公布（0.5）",), ("area not published (0.5)",))
    if area >= minimum:
        return Part(1.0, (f"面积 {area:.2f} km² ≥ 要求 {minimum:g} km²（1.0）",),
                    (f"area {area:.2f} km² ≥ required {minimum:g} km² (1.0)",))
    score = area / minimum
    formula = f"{area:.2f}/{minimum:g} = {score:.2f}"
    return Part(score, (f"面积 {area:.2f} km² < 要求 {minimum:g} km²（{formula}）",),
                (f"area {area:.2f} km² < required {minimum:g} km² ({formula})",))


def logistics_score(distance_km: float, within_km: float | None) -> tuple[float, str]:
    """Logistics component of a distance and the formula that gave it (shown in reasons)."""
    d = distance_km
    if within_km is None:
        score = 1 / (1 + d / DISTANCE_SCALE_KM)
        return score, f"1/(1+{d:.1f}/{DISTANCE_SCALE_KM:g}) = {score:.2f}"
    if d <= within_km:
        return 1.0, f"≤ {within_km:g} km → 1.00"
    score = max(0.0, 1 - (d - within_km) / within_km)
    return score, f"max(0, 1−({d:.1f}−{within_km:g})/{within_km:g}) = {score:.2f}"


def _logistics_part(park: pd.Series, hub: Nearest | None, within_km: float | None) -> Part:
    if pd.isna(park["lon"]) or pd.isna(park["lat"]):
        return Part(0.0, ("位置未知，无法计算距离（0）",),
                    ("location unknown: no distance can be computed (0)",))
    if hub is None:
        return Part(0.0, ("无已定位的物流枢纽（0）",), ("no logistics hub has a location (0)",))
    if hub.approximate and hub.distance_km < 0.05:
        # both ends sit on the same county or town seat: 0 km says nothing, so it counts as
        # unknown (like an unpublished area), never as a perfect score
        return Part(0.5, (f"最近物流枢纽 {hub.name_zh}：近似，两者同取一个驻地位置，"
                          "实际距离未知（0.5）",),
                    (f"nearest logistics hub {hub.name_en} and the park are both placed at the "
                     "same seat: true distance unknown (0.5)",))
    score, formula = logistics_score(hub.distance_km, within_km)
    note_zh = f"（{hub.note_zh}）" if hub.approximate else ""
    note_en = f" ({hub.note_en})" if hub.approximate else ""
    return Part(score, (f"最近物流枢纽 {hub.name_zh} {hub.distance_km:.1f} km{note_zh}，得分 {formula}",),
                (f"nearest logistics hub {hub.name_en} {hub.distance_km:.1f} km{note_en}, score {formula}",))


def _county_part(park: pd.Series, preferred: tuple[str, ...], counties: pd.DataFrame) -> Part:
    if not preferred:
        return Part(1.0, ("未设偏好县区（1.0）",), ("no preferred county (1.0)",))
    here_zh = park["county"] or "县区未知"
    here_en = park["county_en"] or "county unknown"
    if park["county_adcode"] in preferred:
        return Part(1.0, (f"位于偏好县区 {here_zh}（1.0）",), (f"in preferred county {here_en} (1.0)",))
    names = counties.set_index("adcode")["name_zh"].reindex(list(preferred)).fillna("")
    return Part(0.0, (f"{here_zh} 不在偏好县区（{'、'.join(names)}）（0）",),
                (f"{here_en} is not a preferred county (0)",))


def _reasons(parts: Mapping[str, Part], weights: Weights, lang: str) -> list[str]:
    out = []
    for comp, part in parts.items():
        label = COMPONENT_LABELS[comp].get(lang)
        lines = list(part.en if lang == "en" else part.zh)
        if getattr(weights, comp) == 0:
            lines[0] += " — weight 0, not counted" if lang == "en" else "（权重为 0，不计入总分）"
        out += [f"{label}: {line}" if lang == "en" else f"{label}：{line}" for line in lines]
    return out


def _score_park(park: pd.Series, ctx: _Context) -> dict[str, object]:
    req = ctx.requirement
    family = {park["id"], *descendant_ids(ctx.dataset.parks, park["id"])}
    hub = nearest_in(park, ctx.hubs, "logistics_hub", family)
    parts = {
        "industry": _industry_part(park, ctx),
        "compliance": _compliance_part(park, chemical=req.chemical, ctx=ctx),
        "area": _area_part(park["area_km2"], req.min_area_km2),
        "logistics": _logistics_part(park, hub, req.hub_within_km),
        "county": _county_part(park, req.counties, ctx.dataset.counties),
    }
    # Components are shown with two decimals; the score is computed from exactly those.
    shown = {c: round(p.score, 2) for c, p in parts.items()}
    score = round(100 * sum(getattr(ctx.weights, c) * s for c, s in shown.items()), 1)
    row = {col: park[col] for col in ("id", "name_zh", "name_en", "kind", "level", "county",
                                      "county_en", "precision", "area_km2")}
    row |= {"score": score, **{f"{c}_score": s for c, s in shown.items()},
            # one scale: each component's points of the 0–100 total
            **{f"{c}_points": round(100 * getattr(ctx.weights, c) * s, 1) for c, s in shown.items()},
            "eligible": all(p.eligible for p in parts.values()),
            "firms": ctx.firms.get(park["id"], pd.NA), "parts": (),
            "hub_name": hub.name_zh if hub else "", "hub_km": hub.distance_km if hub else float("nan"),
            "hub_approximate": bool(hub and hub.approximate),
            "reasons": _reasons(parts, ctx.weights, "zh"),
            "reasons_en": _reasons(parts, ctx.weights, "en")}
    return row


def candidate_parks(parks: pd.DataFrame) -> pd.DataFrame:
    """Parks a manufacturing investor can site in. Placeholders for parks whose names are not
    known (名称未核实) and that have no location are left out: nobody can go and look at them."""
    placeholder = parks["name_zh"].str.contains("未核实") & parks["lon"].isna()
    return parks[parks["kind"].isin(CANDIDATE_KINDS) & ~placeholder]


def _check(dataset: Dataset, req: Requirement) -> None:
    if req.industry and req.industry not in dataset.taxonomy.codes:
        raise InvalidRequirementError(
            f"unknown industry code {req.industry!r}; use a code of data/industries.csv "
            f"(e.g. BIO, BIO.TCM, CHEM, MEQ)")
    unknown = sorted(set(req.counties) - set(dataset.counties["adcode"]))
    if unknown:
        raise InvalidRequirementError(
            f"unknown county adcode(s) {unknown}; known: {sorted(dataset.counties['adcode'])}")


def _firms_of(dataset: Dataset, industry: str) -> pd.Series:
    """Enterprises of the wanted top-level industry inside each park's outline (its 片区
    included); <NA> for a park without outline. From outlines, never from park_id: a firm's
    park_id is a claim, its point inside an outline is what the map shows."""
    if not industry:
        return pd.Series(dtype="Int64")
    return industry_members(dataset, dataset.taxonomy.top(industry).code)


def _fold_parts(table: pd.DataFrame, parks: pd.DataFrame) -> pd.DataFrame:
    """片区 rows folded into their park's row (`parts`: id, name_zh, name_en, score, eligible
    of each, in rank order) when the park is ranked too; the others stay rows of their own."""
    info = parks.set_index("id")[["subkind", "parent_id"]].fillna("").reindex(table["id"])
    parent = info["parent_id"].where(info["subkind"] == PART_SUBKIND, "").to_numpy()
    folded = (parent != "") & pd.Series(parent).isin(set(table["id"])).to_numpy()
    parts: dict[str, list[tuple]] = {}
    for row, owner in zip(table[folded].itertuples(index=False), parent[folded], strict=True):
        parts.setdefault(owner, []).append((row.id, row.name_zh, row.name_en, row.score,
                                            row.eligible))
    kept = table[~folded].copy()
    kept["parts"] = [tuple(parts.get(i, ())) for i in kept["id"]]
    return kept.reset_index(drop=True)


def _tie_order(table: pd.DataFrame, *, chemical: bool) -> pd.DataFrame:
    """Eligible first, then by score, ties broken by scoring_rules.TIE_RULE."""
    levels = {t.code: i for i, t in enumerate(LEVEL.terms)}
    keys = table.assign(_firms=table["firms"].astype("Int64").fillna(0).astype(int),
                        # chemical-park land is kept for chemical projects
                        _kind_fit=chemical | (table["kind"] != "chemical_park"),
                        _level=table["level"].fillna("").map(levels).fillna(len(levels)))
    order = ["eligible", "score", "industry_score", "_firms", "_kind_fit", "compliance_score",
             "_level", "name_zh", "id"]
    keys = keys.sort_values(order, ascending=[False] * 6 + [True] * 3, kind="mergesort")
    return table.loc[keys.index].reset_index(drop=True)


def rank_parks(dataset: Dataset, requirement: Requirement) -> pd.DataFrame:
    """One row per candidate park (its 片区 in `parts`), eligible parks first, then by score
    (0–100), best first, ties by TIE_RULE; an empty frame with the same columns when there is
    no candidate."""
    _check(dataset, requirement)
    ctx = _Context(dataset, requirement, requirement.weights.normalised(),
                   _firms_of(dataset, requirement.industry),
                   category_candidates(dataset.parks, "hub_or_port"),
                   held_by(dataset.parks) if requirement.chemical else pd.DataFrame())
    rows = [_score_park(park, ctx) for _, park in candidate_parks(dataset.parks).iterrows()]
    if not rows:
        return pd.DataFrame(columns=RANK_COLUMNS)
    # THE CHEMICAL RULE: eligibility sorts before score, so no park outside a chemical park
    # (by outline) ever ranks above one for a chemical project, however well it scores otherwise.
    table = _tie_order(pd.DataFrame(rows, columns=RANK_COLUMNS), chemical=requirement.chemical)
    return _fold_parts(table, dataset.parks)
