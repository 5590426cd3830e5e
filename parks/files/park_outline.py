"""A park's outline from a document (界址点 table, KML, DXF, Shapefile, GeoJSON): checked, saved."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pandas as pd
from shapely.geometry import MultiPolygon

from geo.point_table import PointTableError, read_outline
from geo.shape_files import SUFFIXES, read_shape_file
from parks.config import Settings
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
                  region: tuple[float, float, float, float], crs: str = "auto") -> OutlineReport:
    """The table read as the park's outline and checked: CRS, rings, self-crossing, inside its
    county, area against the published figure (a warning). Never raises on bad input."""
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
    problems, warnings = [], [w for w in (outline.guess.warning,) if w]
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
                         (middle.x, middle.y), rings, tuple(problems), tuple(warnings),
                         outline.guess.warning, shape)


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
                   dry_run: bool = False) -> tuple[OutlineReport, CommitResult | None]:
    """Check `path` as the outline of `park_id` and, unless dry_run or a problem was found, save
    it in one audited commit (the audit reason names the file)."""
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
                               (west - 1, south - 1, east + 1, north + 1), crs)
        if dry_run or report.problems:
            return report, None
        record = outlined(park.to_dict(), report, path.name)
        result = store.commit({"parks": pd.DataFrame([record])}, user=user,
                              reason=f"outline from {path.name}",
                              validate=lambda merged: validate_tables(merged, ctx))
        return report, result
    finally:
        store.close()
