"""The GeoPackage store as a file other tools read: OGC layout, point geometry in WGS-84, GDAL."""

from __future__ import annotations

import json
import sqlite3
import struct

import pyogrio
import pytest
import shapely

from geo.crs import distance_m, gcj02_to_wgs84
from parks.model.schema import PARKS
from parks.store.base import AUDIT_JSON
from tests.stores import AIRPORT, AIRPORT_ID, park_record, sql_rows


def _decode_point(blob: bytes) -> tuple[float, float]:
    """Decode a GeoPackage binary point by hand (header, then WKB), independently of parks.store._gpkg_sql."""
    magic, version, flags = struct.unpack_from("<2sBB", blob)
    assert (magic, version) == (b"GP", 0)
    assert flags & 0b1 == 1, "little-endian header"
    assert (flags >> 1) & 0b111 == 0, "no envelope"
    assert not flags & 0b1_0000, "not the empty geometry"
    (srs_id,) = struct.unpack_from("<i", blob, 4)
    assert srs_id == 4326
    byte_order, geom_type, x, y = struct.unpack_from("<BIdd", blob, 8)
    assert (byte_order, geom_type, len(blob)) == (1, 1, 8 + 21)
    assert shapely.from_wkb(blob[8:]).equals(shapely.Point(x, y))
    return x, y



def test_the_file_is_a_geopackage(gpkg_store, store_path):
    assert store_path.is_file()
    assert not list(store_path.parent.glob(".*")), "no temporary build file is left behind"
    assert sql_rows(store_path, "PRAGMA application_id") == [(0x47504B47,)]  # 'GPKG'
    assert sql_rows(store_path, "PRAGMA user_version") == [(10400,)]
    srs = {row[0]: row[1:] for row in sql_rows(store_path, "SELECT srs_id, organization, "
                                           "organization_coordsys_id, definition FROM gpkg_spatial_ref_sys")}
    assert srs[-1] == ("NONE", -1, "undefined") and srs[0] == ("NONE", 0, "undefined")
    assert srs[4326][:2] == ("EPSG", 4326) and srs[4326][2].startswith('GEOGCS["WGS 84"')
    contents = {row[0]: row[1:] for row in sql_rows(store_path, "SELECT table_name, data_type, identifier, "
                                                "srs_id, min_x, min_y, max_x, max_y FROM gpkg_contents")}
    assert contents["parks"] == ("features", "parks", 4326, *AIRPORT, *AIRPORT)
    assert contents["enterprises"][:3] == ("features", "enterprises", 4326)
    assert contents["projects"][:3] == ("features", "projects", 4326)
    assert contents["audit"][0] == "attributes"
    assert sql_rows(store_path, "SELECT * FROM gpkg_geometry_columns ORDER BY table_name") == [
        (name, "geom", "POINT", 4326, 0, 0) for name in ("enterprises", "parks", "projects")]
    columns = [row[1] for row in sql_rows(store_path, "PRAGMA table_info(parks)")]
    assert columns == ["fid", "geom", *PARKS.names]
    with pytest.raises(sqlite3.IntegrityError):  # id is UNIQUE
        sql_rows(store_path, f"INSERT INTO parks (id) VALUES ('{AIRPORT_ID}')")


def test_only_stored_coordinates_become_geometry(gpkg_store, store_path):
    rows = sql_rows(store_path, "SELECT id, precision, geom FROM parks")
    with_geom = {rid: _decode_point(geom) for rid, _, geom in rows if geom is not None}
    assert with_geom.keys() == {AIRPORT_ID}
    assert with_geom[AIRPORT_ID] == pytest.approx(AIRPORT)
    approximate = [geom for _, precision, geom in rows if precision in ("town", "county")]
    assert approximate and all(geom is None for geom in approximate)


def test_gcj02_points_are_stored_in_wgs84(gpkg_store, store_path):
    gcj = (115.742613, 35.21286)
    park = park_record(gpkg_store, "p-test-gcj", precision="digitised", crs="GCJ02", lon=str(gcj[0]),
                 lat=str(gcj[1]))
    gpkg_store.commit({"parks": park}, user="t", reason="gcj test")
    point = _decode_point(sql_rows(store_path, "SELECT geom FROM parks WHERE id = 'p-test-gcj'")[0][0])
    assert point == pytest.approx(tuple(map(float, gcj02_to_wgs84(*gcj))), abs=1e-9)
    assert 400 < distance_m(*point, *gcj) < 700


def test_gdal_reads_the_store(gpkg_store, store_path):
    layers = dict(pyogrio.list_layers(store_path))
    assert {layers[name] for name in ("parks", "enterprises", "projects")} == {"Point"}
    parks = pyogrio.read_dataframe(store_path, layer="parks")
    assert len(parks) == len(gpkg_store.read_tables()["parks"])
    assert parks.crs.to_epsg() == 4326
    located = parks[parks.geometry.notna()]
    assert list(located["id"]) == [AIRPORT_ID]
    assert (located.geometry.x.iloc[0], located.geometry.y.iloc[0]) == pytest.approx(AIRPORT)
    audit = pyogrio.read_dataframe(store_path, layer="audit", read_geometry=False)
    assert len(audit) == len(gpkg_store.audit())


# ---- commits ----



def test_sqlite_audits_inserts_in_the_very_text_python_writes(gpkg_store):
    """Inserted rows are audited by SQLite's json_object (one statement, not 100k encodings):
    the text equals base.AUDIT_JSON of the record, for the baseline and for a later insert
    whose text needs escaping."""
    tricky = 'a "quoted" back\\slash\nnew line\ttab 😀 𠀀 /'
    gpkg_store.commit({"parks": park_record(gpkg_store, "p-test-synthetic", note=tricky)},
                      user="t", reason="insert", validate=lambda tables: [])
    tables = gpkg_store.read_tables()
    audit = gpkg_store.audit()
    inserts = audit[audit["action"] == "insert"]
    assert len(inserts) == sum(len(frame) for frame in tables.values())
    for _, row in inserts.iterrows():
        frame = tables[row["table_name"]]
        record = frame[frame["id"] == row["record_id"]].iloc[0].to_dict()
        assert row["after"] == AUDIT_JSON(record), row["record_id"]
    assert json.loads(inserts[inserts["record_id"] == "p-test-synthetic"].iloc[0]["after"])[
        "note"] == tricky
