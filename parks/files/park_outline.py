"""A park's outline from a document (界址点 table, KML, DXF, Shapefile, GeoJSON): checked, saved."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pandas as pd
from shapely.geometry import MultiPolygon

from geo.datum_check import AT_LEAST, NEAR_M, datum_fit
from geo.enclosure import LINE_KINDS
from geo.point_table import CrsGuess, PointTableError, read_outline
from geo.shape_files import SUFFIXES, read_shape_file
from parks.config import Settings
from parks.files.sizhi_outline import osm_features
from parks.files.uploads import UploadError, read_rows
from parks.model.outlines import OutlineError, area_note, checked, outline_area_km2, outside_county, to_wkt
from parks.model.validate import validate_tables, validation_context
from parks.store import open_store
from parks.store.base import CommitResult

OUTSIDE_LIMIT = 0.05  # more of the outline than this outside its county: a wrong zone or CRS
COARSE = ("town", "county", "unlocated")  # a point this coarse moves into the surveyed outline


@dataclass(frozen=True)
class OutlineReport:
    """What an outline import found: the JSON object the CLI prints, and the shape."""

    park: str
    crs: str = ""
    crs_reason: str = ""
    area_km2: float = math.nan
    centroid: tuple[float, float] | None = None
    rings: int = 0
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    crs_warning: str = ""  # among the warnings: the one on how the CRS was read
    shape: MultiPolygon | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict[str, object]:
        """The report as one JSON-ready object (WGS-84 centroid)."""
        return {"park": self.park, "crs": self.crs, "crs_reason": self.crs_reason,
                "area_km2": None if math.isnan(self.area_km2) else round(self.area_km2, 4),
                "centroid": [round(v, 6) for v in self.centroid] if self.centroid else None,
                "rings": self.rings, "problems": list(self.problems),
                "warnings": list(self.warnings)}


def check_outline(park: pd.Series, county: object, data: bytes, name: str,
                  region: tuple[float, float, float, float], crs: str = "auto",
                  osm: Path | None = None) -> OutlineReport:
    """The table read as the park's outline and checked: CRS, rings, self-crossing, inside its
    county, area against the published figure (a warning), and — given OSM data — whether
    WGS-84 degrees were really GCJ-02. Never raises on bad input."""
    try:
        outline = (read_shape_file(data, name, region, crs)
                   if PurePath(name).suffix.lower() in SUFFIXES
                   else read_outline(read_rows(data, name), region, crs))
        shape = checked(outline.shape)
    except PointTableError as error:
        return OutlineReport(park["id"], problems=tuple(error.problems))
    except UploadError as error:  # too big, empty, not a table, unknown encoding
        return OutlineReport(park["id"], problems=(str(error),))
    except OutlineError as error:
        return OutlineReport(park["id"], outline.guess.crs, outline.guess.reason,
                             problems=(str(error),))
    problems, warnings, hint = _datum(shape, outline.guess, crs, osm)
    outside = outside_county(shape, county) if county is not None else 0.0
    if outside > OUTSIDE_LIMIT:
        problems.append(f"{outside:.0%} of the outline lies outside {park['county']}: check the "
                        f"zone or CRS ({outline.guess.reason})")
    area = outline_area_km2(shape)
    note = area_note(area, pd.to_numeric(park.get("area_km2"), errors="coerce"))
    warnings += [note] if note else []
    middle = shape.centroid
    rings = sum(1 + len(part.interiors) for part in shape.geoms)
    return OutlineReport(park["id"], outline.guess.crs, outline.guess.reason, area,
                         (middle.x, middle.y), rings, tuple(problems), tuple(warnings), hint,
                         shape)


def _datum(shape: MultiPolygon, guess: CrsGuess, crs: str, osm: Path | None
           ) -> tuple[list[str], list[str], str]:
    """Problems, warnings and the CRS caveat from checking WGS-84 degrees against the OSM roads:
    GCJ-02 detected is a problem (a warning when WGS-84 was chosen by hand); WGS-84 confirmed
    drops the generic 奥维 caveat."""
    hint = guess.warning
    if guess.crs != "EPSG:4326" or osm is None or not osm.is_file():
        return [], [hint] if hint else [], hint
    message, confirmed = gcj02_check(shape, osm)
    hint = "" if confirmed else hint
    found = [message] if message else []
    return (found, [hint] if hint else [], hint) if crs == "auto" else \
        ([], [*found, *([hint] if hint else [])], hint)


def gcj02_check(shape: MultiPolygon, osm: Path) -> tuple[str, bool]:
    """A message when the outline follows the OSM roads only once read as GCJ-02 (an 奥维 or
    高德 file taken as WGS-84, ~500 m off in Heze), else ""; an unreadable archive says so.
    True when the roads confirm WGS-84 (the edge follows them as read)."""
    west, south, east, north = shape.bounds
    try:
        features = osm_features(osm, (west - 0.02, south - 0.02, east + 0.02, north + 0.02))
    except (OSError, RuntimeError) as error:
        return f"the GCJ-02 check against OpenStreetMap was skipped: {error}", False
    fit = datum_fit(shape, features[features["layer"].isin(list(LINE_KINDS))])
    if not fit.likely_gcj02:
        return "", fit.as_read >= AT_LEAST
    return (f"the outline follows the OpenStreetMap roads only when read as GCJ-02 "
            f"({fit.as_gcj02:.0%} of its edge within {NEAR_M:g} m of one, against "
            f"{fit.as_read:.0%} as WGS-84): 奥维 and 高德 files are GCJ-02 unless set otherwise; "
            f"import it again with the coordinate system gcj02 (--crs gcj02)"), False


def outline_precision(source: str) -> str:
    """The precision an outline read from the file `source` gets: surveyed from an official
    界址点 table, digitised from a drawing or GIS file (KML, DXF, Shapefile, GeoJSON)."""
    return "digitised" if PurePath(source).suffix.lower() in SUFFIXES else "surveyed"


def outlined(record: dict, report: OutlineReport, source: str) -> dict:
    """The park record with the imported outline and its precision (outline_precision); the
    point moved inside the outline when it was only a town or county seat."""
    new = {**record, "boundary": to_wkt(report.shape), "precision": outline_precision(source)}
    if record.get("precision") in COARSE or not record.get("lon"):
        inside = report.shape.representative_point()
        new |= {"lon": f"{inside.x:.6f}", "lat": f"{inside.y:.6f}", "crs": "WGS84"}
    new["note"] = "; ".join(x for x in (record.get("note", ""), f"outline: {source}") if x)
    return new


def import_outline(path: Path, park_id: str, *, settings: Settings, user: str, crs: str = "auto",
                   dry_run: bool = False, osm: Path | None = None
                   ) -> tuple[OutlineReport, CommitResult | None]:
    """Check `path` as the outline of `park_id` (against `osm` or the basemap archive) and,
    unless dry_run or a problem was found, save it in one audited commit naming the file."""
    store = open_store(settings.store_location, data_dir=settings.data_dir)
    try:
        ctx = validation_context(settings.data_dir, cache_dir=settings.cache_dir)
        parks = store.read_tables()["parks"].set_index("id", drop=False)
        if park_id not in parks.index:
            return OutlineReport(park_id, problems=(f"no park with id {park_id!r}",)), None
        park = parks.loc[park_id]
        counties = pd.concat([region.counties for region in ctx.regions.values()])
        county = counties[counties["adcode"] == park["county_adcode"]]
        west, south, east, north = county.total_bounds if len(county) else counties.total_bounds
        named = park.copy()
        named["county"] = county["name_zh"].iloc[0] if len(county) else park["county_adcode"]
        report = check_outline(named, county.geometry.iloc[0] if len(county) else None,
                               path.read_bytes(), path.name,
                               (west - 1, south - 1, east + 1, north + 1), crs,
                               osm=osm or settings.basemap_path)
        if dry_run or report.problems:
            return report, None
        record = outlined(park.to_dict(), report, path.name)
        result = store.commit({"parks": pd.DataFrame([record])}, user=user,
                              reason=f"outline from {path.name}",
                              validate=lambda merged: validate_tables(merged, ctx))
        return report, result
    finally:
        store.close()
