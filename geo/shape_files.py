"""Outlines from drawing and GIS files: KML/KMZ, DXF, zipped Shapefile and GeoJSON, to WGS-84."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path, PurePath

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from shapely.geometry import MultiPolygon, Polygon

from geo.crs import gcj02_to_wgs84
from geo.point_table import Bbox, CrsGuess, Outline, PointTableError, detect, given

SUFFIXES = (".kml", ".kmz", ".dxf", ".zip", ".geojson", ".json")
GCJ_HINT = ("奥维互动地图 exports GCJ-02 unless set otherwise: if the outline sits ~500 m off "
            "the roads it follows, import it again with --crs gcj02")


def read_shapes(data: bytes, name: str) -> gpd.GeoSeries:
    """Every geometry of the file (its CRS as the file declares it, or none)."""
    suffix = PurePath(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="outline-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        source = f"/vsizip/{path}" if suffix == ".zip" else str(path)  # LIBKML opens .kmz
        try:
            with warnings.catch_warnings():  # GDAL's notes on DXF entities it skips
                warnings.simplefilter("ignore", RuntimeWarning)
                frame = pyogrio.read_dataframe(source, columns=[], read_geometry=True)
        except Exception as exc:  # GDAL's error types vary by driver and version
            raise PointTableError([f"{name}: cannot be read ({type(exc).__name__}: {exc})"]
                                  ) from exc
    return frame.geometry


def polygons(shapes: gpd.GeoSeries, name: str) -> MultiPolygon:
    """The areas among the shapes: polygons as they are, closed lines (CAD polylines) as
    polygons; several become one multi-part outline."""
    found = []
    for geom in shapes.dropna():
        for part in getattr(geom, "geoms", [geom]):
            if isinstance(part, Polygon):
                found.append(part)
            elif part.geom_type == "LineString" and part.is_closed and len(part.coords) >= 4:
                found.append(Polygon(part.coords))
    if not found:
        raise PointTableError([f"{name}: no closed shape (polygon or closed polyline) in it"])
    merged = shapely.union_all(found)
    return merged if isinstance(merged, MultiPolygon) else MultiPolygon([merged])


def read_shape_file(data: bytes, name: str, region: Bbox, crs: str = "auto") -> Outline:
    """A drawing or GIS file as an outline. KML is WGS-84 unless `crs` says gcj02; a Shapefile
    needs its .prj; a DXF carries no CRS, so it is detected from the coordinates (see
    geo.point_table.detect) unless given."""
    suffix = PurePath(name).suffix.lower()
    shapes = read_shapes(data, name)
    shape = polygons(shapes, name)
    if suffix in (".kml", ".kmz"):
        guess = _lonlat(crs, "KML: longitude/latitude", GCJ_HINT)
    elif shapes.crs is not None and crs == "auto":
        guess = CrsGuess(f"EPSG:{shapes.crs.to_epsg()}" if shapes.crs.to_epsg() else
                         shapes.crs.to_wkt(), east_first=True,
                         reason=f"{name}: the file's own CRS ({shapes.crs.name})")
    elif suffix == ".zip" and crs == "auto":
        raise PointTableError([f"{name}: the Shapefile has no .prj: give its CRS (--crs EPSG:n)"])
    else:
        xy = shapely.get_coordinates(shape)
        guess = detect(xy[:, 0], xy[:, 1], region) if crs == "auto" else \
            given(crs, xy[:, 0], xy[:, 1], region)
    return Outline(_to_wgs84(shape, guess), guess, len(shapely.get_coordinates(shape)))


def _lonlat(crs: str, what: str, hint: str) -> CrsGuess:
    if crs.lower() == "gcj02":
        return CrsGuess("GCJ02", east_first=True, reason=f"{what} in GCJ-02, as given")
    return CrsGuess("EPSG:4326", east_first=True, reason=f"{what} taken as WGS-84", warning=hint)


def _to_wgs84(shape: MultiPolygon, guess: CrsGuess) -> MultiPolygon:
    if guess.crs == "GCJ02":
        return shapely.transform(shape, lambda xy: np.c_[gcj02_to_wgs84(xy[:, 0], xy[:, 1])])
    if guess.crs == "EPSG:4326":
        return shape
    moved = gpd.GeoSeries([shape], crs=guess.crs)
    if not guess.east_first:
        moved = gpd.GeoSeries([shapely.transform(shape, lambda xy: xy[:, ::-1])], crs=guess.crs)
    return moved.to_crs("EPSG:4326").iloc[0]
