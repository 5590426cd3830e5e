"""A park's candidate outline from its 四至 text and OpenStreetMap data, with how sure it is."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPolygon, Point

from geo.crs import METRIC_CRS
from geo.enclosure import LINE_KINDS, SideMatch, as_multipolygon, outline_of
from geo.geography import read_geography
from geo.osm_archive import LAYERS, Bbox, read_layers
from geo.sizhi import parse_sizhi
from parks.config import Settings
from parks.model.dataset import load_dataset
from parks.model.outlines import area_note, outline_area_km2, outside_county
from parks.store import open_store

SOURCE = "四至 + OpenStreetMap"  # the source an accepted candidate is saved with
RADIUS_KM = {"surveyed": 8.0, "digitised": 8.0, "town": 8.0}  # else (county seat): COUNTY_RADIUS_KM
COUNTY_RADIUS_KM = 15.0  # a county's parks lie within ~15 km of its seat
NEAR_KM = {"town": 3.0}  # the area should lie this close to a town point; county: COUNTY_RADIUS_KM
OUTSIDE_LIMIT = 0.05  # as for imported outlines: more outside the county is a wrong match
_TILES = 100  # archive tiles read at most: a 16 km box at zoom 14, a 30 km box at zoom 13
_KEEP = ("roads", "railways", "waterways", "landuse")
LEVELS = ((0.75, "high"), (0.5, "medium"), (0.0, "low"))


@dataclass(frozen=True)
class SizhiReport:
    """What `outline sizhi` found: the JSON object the CLI prints, and the candidate's shape."""

    park: str
    area_km2: float = math.nan
    centroid: tuple[float, float] | None = None
    matched: dict[str, str] = field(default_factory=dict)  # side → OSM name(s)
    sides: tuple[dict, ...] = ()  # per clause: written, osm, score, support
    confidence: float = 0.0
    level: str = ""
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    landuse: tuple[dict, ...] = ()  # OSM industrial areas near the park: other candidates
    osm: str = ""  # the file the features came from
    shape: MultiPolygon | None = field(default=None, compare=False, repr=False)
    landuse_shapes: tuple[MultiPolygon, ...] = field(default=(), compare=False, repr=False)

    def as_dict(self) -> dict[str, object]:
        """The report as one JSON-ready object (WGS-84 centroid)."""
        return {"park": self.park,
                "area_km2": None if math.isnan(self.area_km2) else round(self.area_km2, 4),
                "centroid": [round(v, 6) for v in self.centroid] if self.centroid else None,
                "matched": self.matched, "confidence": self.confidence, "level": self.level,
                "problems": list(self.problems), "notes": list(self.notes),
                "sides": list(self.sides), "landuse": list(self.landuse), "osm": self.osm}


def search_place(park: pd.Series, county: object) -> tuple[Point | None, float]:
    """Where to look (WGS-84) and how far (km): the park's point, else its county's middle."""
    lon, lat = (pd.to_numeric(park.get(key), errors="coerce") for key in ("lon", "lat"))
    if not (math.isnan(lon) or math.isnan(lat)) and park.get("precision") != "unlocated":
        return Point(lon, lat), RADIUS_KM.get(str(park.get("precision")), COUNTY_RADIUS_KM)
    if county is not None:
        return county.representative_point(), COUNTY_RADIUS_KM
    return None, 0.0


def search_box(near: Point, radius_km: float) -> Bbox:
    """A WGS-84 box `radius_km` around a point."""
    dlat = radius_km / 111.32
    dlon = dlat / math.cos(math.radians(near.y))
    return near.x - dlon, near.y - dlat, near.x + dlon, near.y + dlat


def osm_features(source: Path, bbox: Bbox) -> gpd.GeoDataFrame:
    """Named roads, railways, waterways and land use in bbox (metric CRS), from a .osm.pbf
    extract or from the built basemap archive; columns layer, class, name, name_zh, ref."""
    if source.name.endswith(".pbf"):
        frames = read_layers(source, bbox, tuple(layer for layer in LAYERS if layer.name in _KEEP))
    else:  # the archive's highest zoom that fits _TILES tiles
        frames = read_geography(source, bbox, width_px=1e6, max_tiles=_TILES).layers
    parts = [frame.assign(layer=name) for name, frame in frames.items()
             if name in _KEEP and len(frame)]
    if not parts:
        return gpd.GeoDataFrame(columns=["layer", "class", "name", "name_zh", "ref", "geometry"],
                                geometry="geometry", crs=METRIC_CRS)
    merged = pd.concat([p.to_crs(METRIC_CRS) for p in parts], ignore_index=True)
    merged = merged.rename(columns={"name:zh": "name_zh"})
    return gpd.GeoDataFrame(merged[["layer", "class", "name", "name_zh", "ref"]].fillna(""),
                            geometry=merged.geometry, crs=METRIC_CRS)


def _level(confidence: float) -> str:
    return next(name for floor, name in LEVELS if confidence >= floor)


def _side_rows(matches: dict[str, SideMatch], support: dict[str, float]) -> tuple[dict, ...]:
    return tuple({"side": side, "written": m.written, "osm": "、".join(m.osm_names),
                  "score": round(m.score, 2), "support": round(support.get(side, 0.0), 2),
                  "missing": list(m.missing)} for side, m in matches.items())


def _confidence(matches: dict[str, SideMatch], support: dict[str, float], area_km2: float,
                published: float, distance_km: float, near_km: float) -> float:
    """Names × how much of each side follows its feature × area against the published one ×
    distance from where the park is known to be."""
    names = math.prod(m.score for m in matches.values()) ** (1 / max(len(matches), 1))
    followed = 0.5 + 0.5 * sum(support.values()) / max(len(support), 1)
    gap = abs(area_km2 - published) / published if published > 0 else math.nan
    size = 0.9 if math.isnan(gap) else 1.0 if gap <= 0.2 else 0.8 if gap <= 0.5 else 0.5
    place = 1.0 if distance_km <= near_km else 0.7
    return round(names * followed * size * place, 2)


def industrial_areas(features: gpd.GeoDataFrame, near: Point, limit: int = 5
                     ) -> tuple[tuple[dict, ...], tuple[MultiPolygon, ...]]:
    """OSM industrial land near the park, nearest first: other candidates for its outline.
    Pieces cut at tile edges are joined again (per name; unnamed ones where they touch)."""
    land = features[(features["layer"] == "landuse") & (features["class"] == "industrial")]
    land = land[land.geom_type.isin(["Polygon", "MultiPolygon"])]
    if land.empty:
        return (), ()
    named = land[land["name"] != ""].dissolve("name").reset_index()[["name", "geometry"]]
    unnamed = land[land["name"] == ""].dissolve().explode(index_parts=False)
    areas = pd.concat([named, unnamed.assign(name="")[["name", "geometry"]]], ignore_index=True)
    areas = gpd.GeoDataFrame(areas, geometry="geometry", crs=METRIC_CRS)
    areas = areas.assign(distance=areas.distance(near)).sort_values("distance").head(limit)
    wgs = areas.to_crs("EPSG:4326")
    rows = tuple({"name": row.name, "area_km2": round(row.geometry.area / 1e6, 4),
                  "distance_km": round(row.distance / 1000, 2)} for row in areas.itertuples())
    shapes = tuple(g if isinstance(g, MultiPolygon) else MultiPolygon([g]) for g in wgs.geometry)
    return rows, shapes


def _notes(park: pd.Series, matches: dict[str, SideMatch], support: dict[str, float],
           sizhi_clauses: tuple, area_km2: float) -> list[str]:
    notes = [f"{c.side}至 {'、'.join(c.targets)}{c.qualifier}: drawn on the feature's centre line"
             for c in sizhi_clauses if c.qualifier and c.offset_m == (0.0, 0.0)]
    notes += [f"{side}至: {'、'.join(m.missing)} not found; the side follows {'、'.join(m.osm_names)}"
              for side, m in matches.items() if m.missing and m.lines is not None]
    notes += [f"{side}至 {matches[side].written}: the feature runs along {share:.0%} of that side; "
              f"the rest is carried straight on from its end" for side, share in support.items()
              if share < 0.5]
    note = area_note(area_km2, pd.to_numeric(park.get("area_km2"), errors="coerce"))
    return [*notes, *([note] if note else [])]


def sizhi_candidate(park: pd.Series, county: object, source: Path) -> SizhiReport:
    """The outline the park's 四至 encloses on the OSM features of `source` (.osm.pbf or the
    basemap archive), with which clause matched which feature and how sure it is. Problems
    leave no candidate; never raises on bad input (an unreadable file is a problem too)."""
    base = {"park": str(park["id"]), "osm": source.name}
    sizhi = parse_sizhi(str(park.get("sizhi", "") or ""))
    near, radius = search_place(park, county)
    if near is None:
        return SizhiReport(**base, problems=(*sizhi.problems, "the park has no point and no county"))
    near_m = gpd.GeoSeries([near], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
    try:
        features = osm_features(source, search_box(near, radius))
    except (OSError, RuntimeError) as error:  # ArchiveUnreadableError, BasemapBuildError
        return SizhiReport(**base, problems=(str(error),))
    landuse, landuse_shapes = industrial_areas(features, near_m)
    base |= {"landuse": landuse, "landuse_shapes": landuse_shapes}
    if sizhi.problems:
        return SizhiReport(**base, problems=sizhi.problems)
    matches, enclosure = outline_of(sizhi, features[features["layer"].isin(list(LINE_KINDS))], near_m)
    sides = _side_rows(matches, dict(enclosure.support))
    base |= {"matched": {s: "、".join(m.osm_names) for s, m in matches.items() if m.osm_names},
             "sides": sides}
    problems = [f"{s}至 {m.written}: no road, railway or waterway of that name within "
                f"{radius:g} km" for s, m in matches.items() if m.lines is None]
    if problems or enclosure.area is None:
        return SizhiReport(**base, problems=(*problems, *enclosure.problems))
    return _candidate(park, county, base, sizhi.clauses, matches, enclosure, near_m, radius)


def _candidate(park: pd.Series, county: object, base: dict, clauses: tuple,
               matches: dict[str, SideMatch], enclosure, near_m: Point, radius: float
               ) -> SizhiReport:
    shape = gpd.GeoSeries([as_multipolygon(enclosure.area)], crs=METRIC_CRS).to_crs("EPSG:4326").iloc[0]
    area = outline_area_km2(shape)
    support = dict(enclosure.support)
    outside = outside_county(shape, county) if county is not None else 0.0
    problems = [f"{outside:.0%} of the candidate lies outside the park's county: the names "
                f"matched features of another place"] if outside > OUTSIDE_LIMIT else []
    published = pd.to_numeric(park.get("area_km2"), errors="coerce")
    near_km = NEAR_KM.get(str(park.get("precision")), radius)
    confidence = _confidence(matches, support, area, published if published == published else 0.0,
                             enclosure.area.distance(near_m) / 1000, near_km)
    middle = shape.centroid
    return SizhiReport(**base, area_km2=area, centroid=(middle.x, middle.y), confidence=confidence,
                       level=_level(confidence), problems=tuple(problems),
                       notes=tuple(_notes(park, matches, support, clauses, area)),
                       shape=None if problems else shape)


def park_candidate(park_id: str, *, settings: Settings, osm: Path | None = None) -> SizhiReport:
    """The candidate for a park of the working store (its 四至 as edited there), from `osm` or,
    without it, the region's built basemap archive."""
    source = osm or settings.basemap_path
    if not source.is_file():
        return SizhiReport(park_id, problems=(
            f"no OpenStreetMap data at {source}: build the basemap (python -m parks basemap "
            f"build FILE.osm.pbf) or pass --osm FILE.osm.pbf",))
    store = open_store(settings.store_location, data_dir=settings.data_dir)
    try:
        tables = store.read_tables()
    finally:
        store.close()
    raw = tables["parks"][tables["parks"]["id"] == park_id]
    if raw.empty:
        return SizhiReport(park_id, problems=(f"no park with id {park_id!r}",))
    dataset = load_dataset(raw["region_adcode"].iloc[0], data_dir=settings.data_dir,
                           cache_dir=settings.cache_dir, tables=tables)
    park = dataset.parks[dataset.parks["id"] == park_id].iloc[0]
    county = dataset.counties[dataset.counties["adcode"] == park["county_adcode"]]
    return sizhi_candidate(park, county.geometry.iloc[0] if len(county) else None, source)
