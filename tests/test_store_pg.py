"""Tests for parks.store.postgis: what only the PostGIS store has (schema, geometry, roles, sessions)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import psycopg
import pytest
import shapely
from psycopg.conninfo import conninfo_to_dict

from geo.crs import gcj02_to_wgs84
from parks.config import read_settings
from parks.model.schema import ENTERPRISES, PARKS, TABLES
from parks.store import _postgis_sql as pg_sql
from parks.store import open_store, postgis
from parks.store.base import ConflictError, StoreError
from parks.store.postgis import PostGISStore, open_postgis
from tests import pg

AIRPORT_ID = "p-heze-airport"
AIRPORT = (115.73667, 35.21333)
PARK = "p-yuncheng-chem"
HAS_OUTLINES = "boundary" in PARKS.names
OUTLINE = "POLYGON ((115.70 35.20, 115.76 35.20, 115.76 35.24, 115.70 35.24, 115.70 35.20))"


@pytest.fixture
def store(pg_dsn: str, data_copy: Path):
    with open_store(pg_dsn, data_dir=data_copy) as opened:
        yield opened


@pytest.fixture
def sql(pg_url: str) -> Callable[..., list[tuple]]:
    """Rows of one statement on a connection of its own (schema-qualify the store's tables)."""
    return lambda statement, params=None: pg.query(pg_url, statement, params)


def _record(store: PostGISStore, record_id: str, **cells: str) -> dict[str, str]:
    parks = store.read_tables()["parks"]
    return parks[parks["id"] == record_id].iloc[0].to_dict() | cells


def _save(store: PostGISStore, record: dict[str, str], **kwargs: object):
    return store.commit({"parks": pd.DataFrame([record])}, user="编辑", reason="test", **kwargs)


def _run_together(*jobs: Callable[[], object]) -> list[object]:
    """Run the jobs on threads released at once; each result or the exception it raised."""
    start, results = threading.Barrier(len(jobs)), [None] * len(jobs)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = jobs[i]()
        except Exception as exc:  # returned to the test, which says what it expects
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# ---- what is created ----

def test_the_extension_schema_and_tables_are_created(store, sql):
    schema = store.schema
    assert schema.startswith("heze_test_")
    assert sql("SELECT 1 FROM pg_extension WHERE extname = 'postgis'") == [(1,)]
    tables = {r[0] for r in sql("SELECT tablename FROM pg_tables WHERE schemaname = %s",
                                  (schema,))}
    assert tables == {"parks", "enterprises", "projects", "audit", "store_meta"}
    for spec in TABLES:
        columns = sql("SELECT column_name, data_type, is_nullable, column_default FROM "
                        "information_schema.columns WHERE table_schema = %s AND table_name = %s "
                        "ORDER BY ordinal_position", (schema, spec.name))
        assert [c[0] for c in columns] == ["fid", *spec.names, *pg_sql.geometry_columns(spec)]
        texts = [c for c in columns if c[0] in spec.names]
        assert {c[1:] for c in texts} == {("text", "NO", "''::text")}
    meta = dict(sql(f"SELECT key, value FROM {schema}.store_meta"))
    assert meta.keys() == {"format", "version", "created_at", "store_id"} and meta["version"] == "1"
    with pytest.raises(psycopg.errors.UniqueViolation):
        sql(f"INSERT INTO {schema}.parks (id) VALUES (%s)", (AIRPORT_ID,))
    with pytest.raises(psycopg.errors.CheckViolation):
        sql(f"INSERT INTO {schema}.audit (at, \"user\", reason, table_name, record_id, "
              f"action, version) VALUES (now(), 'x', 'x', 'parks', 'p-x', 'rename', 1)")


def test_geometry_columns_are_typed_and_indexed(store, sql):
    kinds = sql("SELECT f_table_name, f_geometry_column, type, srid FROM geometry_columns "
                  "WHERE f_table_schema = %s", (store.schema,))
    expected = {(s.name, "geom", "POINT", 4326) for s in TABLES}
    if HAS_OUTLINES:
        expected.add(("parks", "boundary_geom", "MULTIPOLYGON", 4326))
    assert set(kinds) == expected
    indexes = [r[0] for r in sql("SELECT indexdef FROM pg_indexes WHERE schemaname = %s",
                                   (store.schema,))]
    for table, column, _, _ in expected:
        assert any(f".{table} USING gist ({column})" in d for d in indexes), (table, column)
    assert any("audit USING btree (table_name, record_id)" in d for d in indexes)


def test_only_surveyed_points_become_geometry(store, sql):
    rows = sql(f"SELECT id, ST_X(geom), ST_Y(geom) FROM {store.schema}.parks "
                 f"WHERE geom IS NOT NULL")
    assert [r[0] for r in rows] == [AIRPORT_ID]
    assert rows[0][1:] == pytest.approx(AIRPORT)
    assert sql(f"SELECT count(*) FROM {store.schema}.enterprises WHERE geom IS NOT NULL "
                 f"AND precision IN ('town', 'county')") == [(0,)]


def test_gcj02_points_are_stored_in_wgs84_and_follow_edits(store, sql):
    gcj = (115.742613, 35.21286)
    _save(store, _record(store, PARK, precision="digitised", crs="GCJ02", lon=str(gcj[0]),
                         lat=str(gcj[1])))
    query = f"SELECT ST_X(geom), ST_Y(geom) FROM {store.schema}.parks WHERE id = %s"
    assert sql(query, (PARK,))[0] == pytest.approx(tuple(map(float, gcj02_to_wgs84(*gcj))))
    _save(store, _record(store, PARK, precision="town"))  # no longer a measured point
    assert sql(query, (PARK,)) == [(None, None)]


@pytest.mark.skipif(not HAS_OUTLINES, reason="the parks schema has no boundary column")
def test_outlines_become_multipolygons(store, sql):
    _save(store, _record(store, PARK, boundary=OUTLINE))
    _save(store, _record(store, AIRPORT_ID, boundary="POLYGON ((1 1, 2 2"))  # unreadable: no geometry
    rows = dict(sql(f"SELECT id, ST_AsText(boundary_geom) FROM {store.schema}.parks "
                      f"WHERE boundary <> ''"))
    assert rows[AIRPORT_ID] is None
    geom = shapely.from_wkt(rows[PARK])
    assert geom.geom_type == "MultiPolygon" and geom.equals(shapely.from_wkt(OUTLINE))


def test_a_schema_without_outlines_has_only_points():
    no_outline = replace(PARKS, columns=tuple(c for c in PARKS.columns if c.name != "boundary"))
    assert pg_sql.geometry_columns(no_outline) == ("geom",)
    assert pg_sql.geometry_columns(ENTERPRISES) == ("geom",)
    record = {"precision": "surveyed", "lon": "115.5", "lat": "35.2", "crs": "WGS84"}
    assert shapely.from_wkb(pg_sql.geometries(no_outline, record)[0]).equals(
        shapely.Point(115.5, 35.2))


# ---- connections, secrets, roles ----

def test_the_location_hides_the_password(store, pg_url):
    password = conninfo_to_dict(pg_url)["password"]
    assert password
    shown = [store.location, repr(store), f"{store.location}@v{store.version()}"]
    assert all(password not in text for text in shown)
    assert store.location.startswith("postgresql://heze@") and store.schema in store.location
    store.close()
    with pytest.raises(StoreError, match="closed") as caught:
        store.version()
    assert password not in str(caught.value)


def test_an_unreachable_database_is_a_named_error(data_copy):
    with pytest.raises(StoreError, match=r"cannot reach the database at 127\.0\.0\.1:9") as caught:
        open_store("postgresql://heze:s3cret-pw@127.0.0.1:9/heze_test", data_dir=data_copy)
    assert "s3cret-pw" not in str(caught.value)
    with pytest.raises(StoreError, match="not a PostgreSQL connection URL") as caught:
        open_store("postgresql://heze:s3cret%zz@127.0.0.1/x", data_dir=data_copy)  # bad escape
    assert "s3cret" not in str(caught.value) and caught.value.__cause__ is None  # libpq quotes it


def test_a_read_only_session_says_so_and_loses_nothing(store, pg_dsn, data_copy):
    before, version = store.read_tables(), store.version()
    read_only = pg_dsn + "%20-cdefault_transaction_read_only%3Don"
    with open_store(read_only, data_dir=data_copy) as reader:
        assert reader.schema == store.schema and reader.version() == version
        with pytest.raises(StoreError, match=r"read-only.*nothing was written"):
            _save(reader, _record(reader, PARK, note="不会写入"))
    for name, frame in store.read_tables().items():
        pd.testing.assert_frame_equal(frame, before[name])
    assert store.version() == version


def test_database_url_selects_postgis_and_a_schema_can_be_named(pg_url, data_copy, tmp_path):
    schema = pg.new_schema_name()
    settings = read_settings({"DATABASE_URL": pg.with_schema(pg_url, schema),
                              "HEZE_STORE_PATH": str(tmp_path / "unused.gpkg")})
    try:
        with open_store(settings.store_location, data_dir=data_copy) as by_env:
            assert isinstance(by_env, PostGISStore) and by_env.schema == schema
        with open_postgis(pg_url, data_dir=data_copy, schema=schema) as by_name:
            assert by_name.version() == 1 and by_name.location.endswith(f"search_path%3D{schema}")
    finally:
        pg.drop_schema(pg_url, schema)


# ---- sessions at once ----

def test_two_sessions_saving_the_same_revision_the_second_is_told(store, pg_dsn):
    other = open_store(pg_dsn)  # another process: its own connections
    try:
        seen = store.revision("parks", PARK)
        expected = {("parks", PARK): seen}
        _save(store, _record(store, PARK, note="甲"), expected=expected)
        with pytest.raises(ConflictError, match=PARK):
            _save(other, _record(other, PARK, note="乙"), expected=expected)
        seen = store.revision("parks", PARK)
        results = _run_together(  # both read revision `seen`, both save at once: one wins
            lambda: _save(store, _record(store, PARK, note="丙"), expected={("parks", PARK): seen}),
            lambda: _save(other, _record(other, PARK, note="丁"), expected={("parks", PARK): seen}))
    finally:
        other.close()
    assert sorted(type(r).__name__ for r in results) == ["CommitResult", "ConflictError"]
    assert _record(store, PARK)["note"] in ("丙", "丁")


def test_a_first_start_from_two_threads_makes_one_baseline(pg_dsn, data_copy, monkeypatch):
    real, created = postgis.create_store, []
    monkeypatch.setattr(postgis, "create_store", lambda *args: created.append(real(*args)))
    results = _run_together(*[lambda: open_store(pg_dsn, data_dir=data_copy)] * 2)
    assert all(isinstance(r, PostGISStore) for r in results), results
    store = results[0]
    try:
        assert len(created) == 1  # the second start waited for the lock, then found the store
        records = sum(len(frame) for frame in store.read_tables().values())
        assert len(store.audit()) == records and store.version() == 1
        assert results[1].version() == 1
    finally:
        for opened in results:
            opened.close()


def test_a_failure_half_way_rolls_everything_back(store, monkeypatch):
    before, version, audit = store.read_tables(), store.version(), store.audit()
    real, calls = pg_sql.write_rows, []

    def failing(*args: object) -> None:
        calls.append(args)
        if len(calls) > 1:
            raise OSError("disk full")  # after the first rows are written
        real(*args)

    monkeypatch.setattr(pg_sql, "write_rows", failing)
    record = _record(store, AIRPORT_ID, note="x")
    changes = pd.DataFrame([record, record | {"id": "p-test-new"}])
    with pytest.raises(OSError, match="disk full"):
        store.commit({"parks": changes}, user="t", reason="boom")
    assert len(calls) == 2
    for name, frame in store.read_tables().items():
        pd.testing.assert_frame_equal(frame, before[name])
    assert store.version() == version
    pd.testing.assert_frame_equal(store.audit(), audit)


# ---- an existing schema ----

def test_schema_columns_are_added_and_unknown_ones_refused(store, pg_dsn, sql):
    schema = store.schema
    store.close()
    sql(f"ALTER TABLE {schema}.parks DROP COLUMN note")  # as if 'note' came later
    with open_store(pg_dsn) as reopened:
        assert set(reopened.read_tables()["parks"]["note"]) == {""}
        _save(reopened, _record(reopened, PARK, note="新列"))
    sql(f"ALTER TABLE {schema}.projects ADD COLUMN colour text")
    with pytest.raises(StoreError, match="projects: unknown colour"):
        open_store(pg_dsn)


def test_a_store_made_before_the_bilingual_split_opens_with_its_text_as_english(store, pg_dsn,
                                                                               sql):
    """Its single area_basis/recognition columns are renamed <field>_en; the Chinese ones are
    added and filled from data/ where the English is data/'s (as on GeoPackage)."""
    schema, parks = store.schema, store.read_tables()["parks"].set_index("id")
    store.close()
    for field in ("area_basis", "recognition"):
        sql(f"ALTER TABLE {schema}.parks DROP COLUMN {field}_zh")
        sql(f"ALTER TABLE {schema}.parks RENAME COLUMN {field}_en TO {field}")
    with open_store(pg_dsn) as reopened:
        read = reopened.read_tables()["parks"].set_index("id")
        _save(reopened, _record(reopened, PARK, recognition_zh="山东省省级化工园区"))
    for field in ("area_basis", "recognition"):
        assert read[f"{field}_en"].equals(parks[f"{field}_en"])
        assert read[f"{field}_zh"].equals(parks[f"{field}_zh"])  # data/'s Chinese, not blanks
        assert (read[f"{field}_zh"] != "").sum() > 10


def test_a_schema_that_is_not_a_store_is_a_named_error(store, pg_dsn, sql):
    sql(f"UPDATE {store.schema}.store_meta SET value = 'x' WHERE key = 'format'")
    with pytest.raises(StoreError, match=f"schema {store.schema} of .* store format 'x'"):
        open_store(pg_dsn)


def test_audit_text_is_the_same_as_the_geopackage_store(store, tmp_path, data_copy):
    with open_store(tmp_path / "s.gpkg", data_dir=data_copy) as gpkg_store:
        for target in (store, gpkg_store):
            _save(target, _record(target, PARK, note="同一修改"))
            target.commit({}, user="编辑", reason="删除", deletes={"parks": [AIRPORT_ID]})
        trails = [s.audit("parks").drop(columns=["seq", "at"]) for s in (store, gpkg_store)]
        at = [s.audit()["at"].iloc[0] for s in (store, gpkg_store)]
    pd.testing.assert_frame_equal(trails[0], trails[1])
    assert all(len(t) == 25 and t.endswith("+00:00") for t in at)


def test_control_characters_and_overlong_values_are_refused_as_in_the_geopackage(store):
    from parks.errors import DataValidationError

    with pytest.raises(DataValidationError) as error:
        _save(store, _record(store, PARK, name_zh="坏\x01名", note="长" * 4001))
    assert "U+0001" in str(error.value) and "4,001 characters" in str(error.value)
    assert store.read_tables()["parks"].set_index("id").loc[PARK, "name_zh"] != "坏\x01名"
