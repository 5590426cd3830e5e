"""Tests for geo.shape_files: a synthetic outline written by the tests as KML (WGS-84 and
GCJ-02), GeoJSON, a zipped Shapefile (with and without .prj) and a DXF, read back within 0.5 m."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon

from geo.crs import wgs84_to_gcj02
from geo.point_table import PointTableError
from geo.shape_files import read_shape_file

REGION = (114.7, 34.5, 116.5, 36.0)
# invented for these tests: two 片区 of a synthetic park near Heze's city
PARTS = [Polygon([(115.450, 35.220), (115.470, 35.220), (115.470, 35.235), (115.450, 35.235)]),
         Polygon([(115.480, 35.225), (115.490, 35.225), (115.490, 35.232), (115.480, 35.232)])]
PARK = MultiPolygon(PARTS)
UTM = Transformer.from_crs("EPSG:4326", "EPSG:32650", always_xy=True)


def _metres_apart(a, b) -> float:
    def metric(g):
        return shapely.transform(g, lambda xy: np.c_[UTM.transform(xy[:, 0], xy[:, 1])])

    return shapely.hausdorff_distance(metric(a), metric(b))


def _kml(parts: list[Polygon]) -> bytes:
    marks = "".join(
        "<Placemark><name>合成片区</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        + " ".join(f"{x},{y},0" for x, y in part.exterior.coords)
        + "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>" for part in parts)
    return ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
            f"<Document>{marks}</Document></kml>").encode()


def _written(frame: gpd.GeoDataFrame, folder: Path, name: str, driver: str) -> bytes:
    path = folder / name
    frame.to_file(path, driver=driver)
    return path.read_bytes()


def test_kml_in_wgs84_and_in_gcj02(tmp_path):
    outline = read_shape_file(_kml(PARTS), "synthetic.kml", REGION)
    assert outline.guess.crs == "EPSG:4326" and "GCJ-02" in outline.guess.warning
    assert _metres_apart(outline.shape, PARK) < 0.5
    shifted = [shapely.transform(p, lambda xy: np.c_[wgs84_to_gcj02(xy[:, 0], xy[:, 1])])
               for p in PARTS]
    as_gcj = read_shape_file(_kml(shifted), "aowei.kml", REGION, "gcj02")
    assert as_gcj.guess.crs == "GCJ02" and _metres_apart(as_gcj.shape, PARK) < 0.5
    taken_as_wgs = read_shape_file(_kml(shifted), "aowei.kml", REGION)
    assert _metres_apart(taken_as_wgs.shape, PARK) > 100  # what the warning is about


def test_kmz_geojson_and_zipped_shapefile(tmp_path):
    kmz = io.BytesIO()
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.writestr("doc.kml", _kml(PARTS))
    assert _metres_apart(read_shape_file(kmz.getvalue(), "s.kmz", REGION).shape, PARK) < 0.5
    frame = gpd.GeoDataFrame({"名称": ["合成一区", "合成二区"]}, geometry=PARTS, crs="EPSG:4326")
    geojson = _written(frame, tmp_path, "s.geojson", "GeoJSON")
    assert _metres_apart(read_shape_file(geojson, "s.geojson", REGION).shape, PARK) < 0.5
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_crs("EPSG:4527").to_file(folder / "park.shp", encoding="gbk")  # zone 39, GBK names
    shp = io.BytesIO()
    with zipfile.ZipFile(shp, "w") as archive:
        for part in folder.iterdir():
            archive.write(part, part.name)
    outline = read_shape_file(shp.getvalue(), "s.zip", REGION)
    assert outline.guess.crs == "EPSG:4527" and _metres_apart(outline.shape, PARK) < 0.5
    bare = io.BytesIO()
    with zipfile.ZipFile(bare, "w") as archive:
        for part in folder.iterdir():
            if part.suffix != ".prj":
                archive.write(part, part.name)
    with pytest.raises(PointTableError, match=r"s\.zip: the Shapefile has no \.prj"):
        read_shape_file(bare.getvalue(), "s.zip", REGION)


def test_dxf_polylines_in_a_survey_crs_are_detected(tmp_path):
    projected = gpd.GeoSeries([p.exterior for p in PARTS], crs="EPSG:4326").to_crs("EPSG:4547")
    dxf = _written(gpd.GeoDataFrame(geometry=projected), tmp_path, "s.dxf", "DXF")
    outline = read_shape_file(dxf, "s.dxf", REGION)
    assert outline.guess.crs == "EPSG:4547" and "central meridian 114°E" in outline.guess.reason
    assert _metres_apart(outline.shape, PARK) < 0.5
    open_lines = gpd.GeoSeries([shapely.LineString([(500000, 3900000), (500100, 3900100)])],
                               crs="EPSG:4547")
    with pytest.raises(PointTableError, match="no closed shape"):
        read_shape_file(_written(gpd.GeoDataFrame(geometry=open_lines), tmp_path, "o.dxf", "DXF"),
                        "o.dxf", REGION)
