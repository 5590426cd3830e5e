"""The area a 四至 encloses: each clause matched to nearby named lines, the four bounds intersected."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from geo.sizhi import SIDES, Clause, Sizhi, name_score

MIN_SCORE = 0.6  # below this a name is another feature's (长江路 vs 长江东路 is 0.6: shown as such)
JOIN_M = 500.0  # parts of one name closer than this are one feature (carriageways, small gaps);
# farther apart they are two places' roads of the same name, and the one nearest the park is taken
STEP_M = 25.0  # bounds are sampled this often: finer than a road's width
SUPPORT_M = 60.0  # a side's edge this close to its matched feature is backed by it, not extended
LINE_KINDS = {"roads": "road", "railways": "rail", "waterways": "water"}


@dataclass(frozen=True)
class SideMatch:
    """What one clause was matched to: OSM names, how surely, their lines (metric CRS)."""

    side: str
    written: str
    osm_names: tuple[str, ...]
    score: float  # 0 when nothing matched
    lines: BaseGeometry | None
    missing: tuple[str, ...]  # names written in the clause that no nearby feature has


@dataclass(frozen=True)
class Enclosure:
    """The area four matched sides enclose (metric CRS), and how much of each side is real."""

    area: Polygon | None
    support: Mapping[str, float]  # per side: share of the area's edge there that follows the feature
    problems: tuple[str, ...]


def _best(lines: gpd.GeoDataFrame, name: str, near: Point) -> tuple[float, str, BaseGeometry | None]:
    """The OSM name that best matches `name` near `near`, its score and its nearby parts."""
    keys = ["name", "name_zh", "ref", "layer"]
    # scored once per distinct name: a county's tiles hold each street in many pieces
    names = lines[keys].drop_duplicates()
    names["score"] = [max(name_score(name, row.name, row.ref, LINE_KINDS[row.layer]),
                          name_score(name, row.name_zh, "", LINE_KINDS[row.layer]))
                      for row in names.itertuples()]
    hits = lines.merge(names, on=keys, how="left")
    hits = hits.assign(shown=hits["name_zh"].where(hits["name_zh"] != "", hits["name"]))
    hits = hits[hits["score"] >= MIN_SCORE]
    if hits.empty:
        return 0.0, "", None
    hits = hits.assign(distance=hits.distance(near))
    ranked = hits.groupby("shown").agg(score=("score", "max"), distance=("distance", "min"))
    shown = ranked.sort_values(["score", "distance"], ascending=[False, True]).index[0]
    group = hits[hits["shown"] == shown]
    clusters = shapely.union_all(group.geometry.buffer(JOIN_M / 2).array)
    nearest = min(getattr(clusters, "geoms", [clusters]), key=near.distance)
    nearby = group[group.intersects(nearest)]
    return float(ranked.loc[shown, "score"]), str(shown), shapely.union_all(nearby.geometry.array)


def match_side(lines: gpd.GeoDataFrame, clause: Clause, near: Point) -> SideMatch:
    """The clause's names matched to `lines` (layer, name, name_zh, ref; metric CRS): for each
    name the best-scoring OSM name, nearest first; the side's score is the weakest name's,
    scaled by the share of names found."""
    found, names, missing, scores = [], [], [], []
    for target in clause.targets:
        score, shown, geometry = _best(lines, target, near)
        if geometry is None:
            missing.append(target)
            continue
        found.append(geometry)
        names.append(shown)
        scores.append(score)
    if not found:
        return SideMatch(clause.side, "、".join(clause.targets), (), 0.0, None, tuple(missing))
    geometry = affinity.translate(shapely.union_all(found), *clause.offset_m)
    score = min(scores) * len(found) / len(clause.targets)
    return SideMatch(clause.side, "、".join(clause.targets), tuple(names), score, geometry,
                     tuple(missing))


def _bound(lines: BaseGeometry, side: str, frame: Polygon) -> np.ndarray:
    """The side's bound as one coordinate per sample across the frame: x(y) for 东/西, y(x) for
    南/北. Where a line crosses a sample several times (dual carriageways) the median is taken;
    beyond the line's ends the bound goes on straight."""
    west, south, east, north = frame.bounds
    vertical = side in ("东", "西")
    samples = np.arange(south, north + STEP_M, STEP_M) if vertical else np.arange(west, east + STEP_M, STEP_M)
    cuts = [LineString([(west, s), (east, s)]) if vertical else LineString([(s, south), (s, north)])
            for s in samples]
    crossings = shapely.intersection(np.array(cuts, dtype=object), lines)
    values = np.full(len(samples), np.nan)
    for i, crossing in enumerate(crossings):
        coords = shapely.get_coordinates(crossing)
        if len(coords):
            values[i] = np.median(coords[:, 0] if vertical else coords[:, 1])
    known = ~np.isnan(values)
    if not known.any():
        return np.empty((0, 2))
    values = np.interp(samples, samples[known], values[known])  # gaps bridged, ends held
    return np.column_stack([values, samples] if vertical else [samples, values])


def _half(bound: np.ndarray, side: str, frame: Polygon) -> Polygon:
    """The part of the frame on the park's side of a bound (west of the 东 bound, …)."""
    west, south, east, north = frame.bounds
    edge = {"东": (west, None), "西": (east, None), "南": (None, north), "北": (None, south)}[side]
    if side in ("东", "西"):
        ring = [*bound, (edge[0], bound[-1, 1]), (edge[0], bound[0, 1])]
    else:
        ring = [*bound, (bound[-1, 0], edge[1]), (bound[0, 0], edge[1])]
    return shapely.make_valid(Polygon(ring)).intersection(frame)


def enclose(matches: Mapping[str, SideMatch], near: Point, margin_m: float = 500.0) -> Enclosure:
    """The area bounded by the four matched sides (the part nearest `near` when they cut out
    several), and for each side how much of the area's edge follows its feature."""
    lines = {side: m.lines for side, m in matches.items() if m.lines is not None}
    if set(lines) != set(SIDES):
        return Enclosure(None, {}, ())
    frame = box(*shapely.union_all(list(lines.values())).buffer(margin_m).bounds)
    bounds = {side: _bound(geometry, side, frame) for side, geometry in lines.items()}
    flat = [side for side, b in bounds.items() if len(b) < 2]
    if flat:
        return Enclosure(None, {}, tuple(f"{s}至 {matches[s].written}: the feature runs along that "
                                         f"side's direction, so it cannot bound it" for s in flat))
    area = frame
    for side, bound in bounds.items():
        area = area.intersection(_half(bound, side, frame))
    parts = [p for p in getattr(area, "geoms", [area]) if isinstance(p, Polygon) and p.area > 1.0]
    if not parts:
        return Enclosure(None, {}, ("the four sides enclose no area: check that 东 lies east of "
                                    "西 and 北 north of 南",))
    piece = min(parts, key=lambda p: p.distance(near))
    return Enclosure(piece, {side: _support(piece, bounds[side], lines[side]) for side in SIDES}, ())


def _support(area: Polygon, bound: np.ndarray, feature: BaseGeometry) -> float:
    """Share of the area's edge along this side's bound that follows the feature itself (the
    rest is the bound carried straight past the feature's end)."""
    edge = area.boundary.intersection(LineString(bound).buffer(1.0))
    if edge.length == 0:
        return 0.0
    return float(edge.intersection(feature.buffer(SUPPORT_M)).length / edge.length)


def outline_of(sizhi: Sizhi, lines: gpd.GeoDataFrame, near: Point
               ) -> tuple[dict[str, SideMatch], Enclosure]:
    """Every clause matched to `lines` and the area the four enclose (metric CRS)."""
    matches = {c.side: match_side(lines, c, near) for c in sizhi.clauses}
    return matches, enclose(matches, near)


def as_multipolygon(area: Polygon | None) -> MultiPolygon | None:
    """The enclosure as the MultiPolygon outlines are stored as."""
    return None if area is None else MultiPolygon([area])
