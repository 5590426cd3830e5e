"""Editing one record: form values, a moved point and a drawn outline become its new stored row."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPolygon, shape
from shapely.geometry.base import BaseGeometry

from geo.crs import gcj02_to_wgs84, shift_geometry
from parks.errors import DataValidationError, Problem
from parks.model.outlines import OutlineError, area_note, checked, outline_area_km2, outside_county, to_wkt
from parks.model.schema import Record, TableSpec

# set by the point and outline tools, never typed into the form
LOCATION_FIELDS = ("lon", "lat", "crs", "precision", "boundary")
FIXED_FIELDS = ("id", "region_adcode")
REMOVE = "remove"  # the outline argument that clears a stored outline


@dataclass(frozen=True)
class PointEdit:
    """A new WGS-84 position for a record."""

    lon: float
    lat: float


def form_fields(spec: TableSpec) -> tuple[str, ...]:
    """The columns an editor types or picks in the form."""
    return tuple(n for n in spec.names if n not in LOCATION_FIELDS + FIXED_FIELDS)


def typed_point(lon_text: str, lat_text: str, crs: str, *, record_id: str = "") -> PointEdit:
    """Typed coordinates in WGS-84 or GCJ-02 → a WGS-84 point; every problem named at once."""
    problems, values, where = [], {}, record_id or "coordinates"
    for field, text, low, high in (("lon", lon_text, -180, 180), ("lat", lat_text, -90, 90)):
        try:
            value = float(unicodedata.normalize("NFKC", str(text)).strip(" °").replace(",", "."))
        except ValueError:
            problems.append(Problem(where, None, field, str(text), "not a number (decimal degrees)"))
            continue
        if not math.isfinite(value) or not low <= value <= high:
            problems.append(Problem(where, None, field, str(text), f"must be between {low} and {high}"))
        values[field] = value
    lon, lat = values.get("lon"), values.get("lat")
    if lon is not None and lat is not None and abs(lon) <= 90 and (abs(lat) > 90 or lon < lat):
        # Heze lies near 115.5°E 35°N: a longitude below the latitude is almost surely swapped
        problems = [p for p in problems if p.field != "lat"] + [
            Problem(where, None, "lon", str(lon_text), "longitude and latitude look swapped")]
    if problems:
        raise DataValidationError(problems)
    if crs == "GCJ02":
        return PointEdit(*gcj02_to_wgs84(values["lon"], values["lat"]))
    if crs != "WGS84":
        raise ValueError(f"datum must be WGS84 or GCJ02, not {crs!r}")
    return PointEdit(values["lon"], values["lat"])


def clicked_point(lon: float, lat: float, basemap_crs: str = "WGS84") -> PointEdit:
    """A point clicked on the map → WGS-84; a click on 高德 tiles is in GCJ-02."""
    if basemap_crs == "GCJ02":
        lon, lat = gcj02_to_wgs84(lon, lat)
    return PointEdit(lon, lat)


def drawn_outline(features: Sequence[Mapping] | None, basemap_crs: str = "WGS84") -> MultiPolygon | None:
    """Polygons of the Draw layer (GeoJSON features) → one checked MultiPolygon in WGS-84.

    None when nothing is drawn; OutlineError names the first bad polygon."""
    polygons = [shape(f["geometry"]) for f in features or []
                if (f.get("geometry") or {}).get("type") in ("Polygon", "MultiPolygon")]
    if not polygons:
        return None
    if basemap_crs == "GCJ02":
        polygons = [shift_geometry(p, "wgs84") for p in polygons]
    for number, polygon in enumerate(polygons, 1):
        try:
            checked(polygon)
        except OutlineError as exc:
            raise OutlineError(f"polygon {number}: {exc}") from exc
    return checked(shapely.union_all(polygons))


def placed_point(record: Mapping[str, str], point: PointEdit | None) -> PointEdit | None:
    """The point an editor placed: the unsaved one, else a saved surveyed or digitised point
    (in WGS-84); None when the record's point is only its town's or county's seat."""
    if point is not None:
        return point
    if record.get("precision") not in ("surveyed", "digitised"):
        return None
    try:
        lon, lat = float(record.get("lon", "")), float(record.get("lat", ""))
    except ValueError:
        return None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    return PointEdit(*gcj02_to_wgs84(lon, lat)) if record.get("crs") == "GCJ02" else PointEdit(lon, lat)


def outside_outline(outline: BaseGeometry, placed: PointEdit | None) -> bool:
    """True when an editor placed a point and it lies outside the outline (edge counts inside)."""
    return placed is not None and not outline.covers(shapely.Point(placed.lon, placed.lat))


def edited_record(record: Mapping[str, str], fields: Mapping[str, str], *,
                  point: PointEdit | None = None, outline: MultiPolygon | str | None = None,
                  move_inside: bool = False) -> Record:
    """The record after an edit. A moved point makes the position `digitised`. A new outline
    never moves a point the editor placed (unsaved, or saved surveyed/digitised) unless
    `move_inside` asks for it and the point lies outside; otherwise the point goes on the
    outline (a town's or county's seat is nobody's choice) and becomes `digitised`."""
    out = dict(record) | {k: str(v).strip() for k, v in fields.items()
                          if k not in LOCATION_FIELDS + FIXED_FIELDS}
    if outline == REMOVE:
        out["boundary"] = ""
    elif outline is not None:
        out["boundary"] = to_wkt(outline)
        placed = placed_point(record, point)
        if placed is None or (move_inside and outside_outline(outline, placed)):
            inside = outline.point_on_surface()
            point = PointEdit(inside.x, inside.y)
    if point is not None:
        out |= {"lon": f"{point.lon:.6f}", "lat": f"{point.lat:.6f}", "crs": "WGS84",
                "precision": "digitised"}
    return out


def changed_fields(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Field → (before, after) for every field that the edit changes."""
    return {k: (before.get(k, ""), v) for k, v in after.items() if before.get(k, "") != v}


@dataclass(frozen=True)
class OutlineReport:
    """What an editor sees beside a drawn outline."""

    drawn_km2: float
    published_km2: float | None
    note: str  # '' or the >20% warning
    outside_share: float  # of the outline's area, outside the record's county

    @property
    def gap(self) -> float | None:
        """|drawn − published| / published, or None without a published area."""
        if not self.published_km2:
            return None
        return abs(self.drawn_km2 - self.published_km2) / self.published_km2


def outline_report(outline: BaseGeometry, published_km2: float | None,
                   county: BaseGeometry | None) -> OutlineReport:
    """Drawn area, published area, the note when they disagree, and the share outside the county."""
    drawn = outline_area_km2(outline)
    outside = outside_county(outline, county) if county is not None else 0.0
    return OutlineReport(drawn, published_km2, area_note(drawn, published_km2), outside)
