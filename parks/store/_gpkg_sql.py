"""The store's file in SQL: GeoPackage 1.4 core tables, WGS-84 point record tables, audit and metadata."""

from __future__ import annotations

import sqlite3
import struct
import uuid
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter

import pandas as pd

from parks.model.schema import Record, TableSpec
from parks.store.base import (
    AUDIT_COLUMNS,
    columns_problem,
    format_problem,
    legacy_columns,
    quote,
    record_point,
    renamed,
)

APPLICATION_ID = 0x47504B47  # 'GPKG'
USER_VERSION = 10400  # GeoPackage 1.4.0
WGS84_SRS_ID = 4326
TIMESTAMP_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"  # the format gpkg_contents.last_change requires
STORE_FORMAT = "2"  # bump when the layout of store_meta/audit changes incompatibly
AUDIT_TABLE = "audit"
META_TABLE = "store_meta"

# The three rows every GeoPackage must hold (GeoPackage 1.4, Requirements 11 and 116).
_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AUTHORITY["EPSG","4326"]]'
)
_SRS_ROWS = (
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined",
     "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined",
     "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", WGS84_SRS_ID, "EPSG", 4326, _WGS84_WKT,
     "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
)

_CORE_DDL = (
    """CREATE TABLE gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
        organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
        definition TEXT NOT NULL, description TEXT)""",
    f"""CREATE TABLE gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT ({TIMESTAMP_SQL}),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
)


def point_blob(lon: float, lat: float, srs_id: int = WGS84_SRS_ID) -> bytes:
    """A GeoPackage binary point: 'GP' header (version 0, little-endian, no envelope) then WKB."""
    flags = 0b0000_0001  # bit 0: little-endian; bits 1-3 = 0: no envelope; bit 4 = 0: not empty
    header = struct.pack("<2sBBi", b"GP", 0, flags, srs_id)
    return header + struct.pack("<BIdd", 1, 1, lon, lat)  # WKB: little-endian, type 1 (Point), x, y




# ---- creating ----

def _create_point_table(conn: sqlite3.Connection, spec: TableSpec) -> None:
    cols = ", ".join(f"{quote(c)} TEXT" + (" NOT NULL UNIQUE" if c == "id" else "") for c in spec.names)
    # The declared type of the geometry column must be its geometry type name (GeoPackage Req. 25);
    # SQLite keeps the blob unchanged whatever the declared type.
    conn.execute(f"CREATE TABLE {quote(spec.name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
                 f"geom POINT, {cols})")
    description = (f"Heze Park Map {spec.name}; geometry only for surveyed/digitised points "
                   f"(town/county points are derived by the app)")
    conn.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                 "VALUES (?, 'features', ?, ?, ?)", (spec.name, spec.name, description, WGS84_SRS_ID))
    conn.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POINT', ?, 0, 0)",
                 (spec.name, WGS84_SRS_ID))


def _create_audit_and_meta(conn: sqlite3.Connection, created_at: str) -> None:
    conn.execute(f"""CREATE TABLE {AUDIT_TABLE} (seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL, "user" TEXT NOT NULL, reason TEXT NOT NULL, table_name TEXT NOT NULL,
        record_id TEXT NOT NULL, action TEXT NOT NULL CHECK (action IN ('insert', 'update',
        'delete')), before TEXT, after TEXT, version INTEGER NOT NULL)""")
    # Registered as an attributes table so QGIS lists the audit trail next to the layers.
    conn.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
                 "VALUES (?, 'attributes', 'audit', ?)",
                 (AUDIT_TABLE, "Who changed which record when, with the row before and after"))
    conn.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.executemany(f"INSERT INTO {META_TABLE} VALUES (?, ?)",
                     [("format", STORE_FORMAT), ("version", "0"), ("created_at", created_at),
                      ("store_id", uuid.uuid4().hex)])


def index_audit(conn: sqlite3.Connection) -> None:
    """The audit's index by record, made once its baseline rows are in (cheaper than keeping it
    up to date row by row)."""
    conn.execute(f"CREATE INDEX audit_record ON {AUDIT_TABLE} (table_name, record_id)")


def create_store(conn: sqlite3.Connection, specs: Sequence[TableSpec], created_at: str) -> None:
    """Stamp an empty database as a GeoPackage and create the record, audit and metadata tables."""
    # Both pragmas live in the file header, which is how QGIS/GDAL recognise the format.
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {USER_VERSION}")
    for ddl in _CORE_DDL:
        conn.execute(ddl)
    conn.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", _SRS_ROWS)
    for spec in specs:
        _create_point_table(conn, spec)
    _create_audit_and_meta(conn, created_at)


# ---- checking an existing file ----

def layout_problem(conn: sqlite3.Connection) -> str | None:
    """Why the database is not a store of this app, or None; raises sqlite3 errors for non-databases."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        return f"not a GeoPackage (application_id {app_id:#x})"
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (META_TABLE,)).fetchone() is None:
        return f"a GeoPackage but not a Heze Park Map store (no {META_TABLE} table)"
    fmt = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'format'").fetchone()
    return format_problem(fmt and fmt[0], STORE_FORMAT)


def update_columns(conn: sqlite3.Connection, specs: Sequence[TableSpec],
                   fills: Sequence[tuple[str, str, str, str, str]] = ()) -> str | None:
    """Add TEXT columns the schema gained since the file was made (an old single-language column
    is renamed to its <field>_en, its Chinese filled from `fills` where the English is still
    the same); describe a mismatch otherwise."""
    present = {spec.name: [row[1] for row in conn.execute(f"PRAGMA table_info({quote(spec.name)})")
                           if row[1] not in ("fid", "geom")] for spec in specs}
    renames = legacy_columns(present, specs)
    problem, missing = columns_problem(renamed(present, renames), specs)
    if problem:
        return problem
    if missing or renames:
        conn.execute("BEGIN IMMEDIATE")
        for table, old, new in renames:  # a store from before the bilingual split
            conn.execute(f"ALTER TABLE {quote(table)} RENAME COLUMN {quote(old)} TO {quote(new)}")
        for table, column in missing:  # empty for every record, as a column added to the CSV would be
            conn.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column)} TEXT DEFAULT ''")
        for table, column, text, record_id, english in fills if renames else ():
            english_column = column.removesuffix("_zh") + "_en"
            conn.execute(f"UPDATE {quote(table)} SET {quote(column)} = ? WHERE id = ? AND "
                         f"{quote(english_column)} = ? AND {quote(column)} = ''",
                         (text, record_id, english))
        conn.execute("COMMIT")
    return problem


# ---- reading and writing ----

def read_records(conn: sqlite3.Connection, specs: Sequence[TableSpec]) -> dict[str, dict[str, Record]]:
    """Table name → {id: record} in id order; NULL cells (e.g. edited in QGIS) read as ""."""
    out = {}
    for spec in specs:
        cols = ", ".join(map(quote, spec.names))
        rows = conn.execute(f"SELECT {cols} FROM {quote(spec.name)} ORDER BY id").fetchall()
        records = ({c: "" if v is None else str(v) for c, v in zip(spec.names, row, strict=True)}
                   for row in rows)
        out[spec.name] = {r["id"]: r for r in records}
    return out


def read_frames(conn: sqlite3.Connection, specs: Sequence[TableSpec],
                batch: int = 20_000) -> dict[str, pd.DataFrame]:
    """Table name → text frame in id order (NULL reads as ""), a batch of rows at a time: a
    row of Python strings costs ~10x its text, so 100k records at once would need ~250 MB."""
    out = {}
    for spec in specs:
        cols = ", ".join(map(quote, spec.names))
        cursor = conn.execute(f"SELECT {cols} FROM {quote(spec.name)} ORDER BY id")
        parts = [pd.DataFrame(rows, columns=list(spec.names), dtype=object).fillna("").astype(str)
                 for rows in iter(lambda c=cursor: c.fetchmany(batch), [])]
        out[spec.name] = (pd.concat(parts, ignore_index=True) if parts
                          else pd.DataFrame(columns=list(spec.names), dtype=str))
    return out


def write_records(conn: sqlite3.Connection, spec: TableSpec, records: Sequence[Mapping[str, str]],
                  *, exists: bool) -> None:
    """Update the rows with the records' ids (exists) or insert new ones, with their point
    geometries, in one executemany: a statement per record was most of a store creation."""
    pick = itemgetter(*spec.names)
    rows = [(_geometry(record), *pick(record)) for record in records]
    table = quote(spec.name)
    if exists:
        sets = ", ".join(f"{quote(c)} = ?" for c in spec.names)
        conn.executemany(f"UPDATE {table} SET geom = ?, {sets} WHERE id = ?",
                         [[*row, record["id"]] for row, record in zip(rows, records, strict=True)])
    else:
        cols = ", ".join(map(quote, spec.names))
        marks = ", ".join("?" * (len(spec.names) + 1))
        conn.executemany(f"INSERT INTO {table} (geom, {cols}) VALUES ({marks})", rows)


def _geometry(record: Mapping[str, str]) -> bytes | None:
    point = record_point(record)
    return point_blob(*point) if point else None


def delete_records(conn: sqlite3.Connection, spec: TableSpec, record_ids: Sequence[str]) -> None:
    conn.executemany(f"DELETE FROM {quote(spec.name)} WHERE id = ?", [(i,) for i in record_ids])


def revisions(conn: sqlite3.Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(table, id) → audit seq of the record's last change (absent when it has none)."""
    out = {}
    for table, record_id in keys:
        row = conn.execute(f"SELECT MAX(seq) FROM {AUDIT_TABLE} WHERE table_name = ? AND "
                           f"record_id = ?", (table, record_id)).fetchone()
        if row and row[0] is not None:
            out[(table, record_id)] = int(row[0])
    return out


def write_audit(conn: sqlite3.Connection, entries: Sequence[Sequence[object]]) -> None:
    """Append audit rows, in order: the values of AUDIT_COLUMNS after seq."""
    cols = ", ".join(map(quote, AUDIT_COLUMNS[1:]))
    marks = ", ".join("?" * (len(AUDIT_COLUMNS) - 1))
    conn.executemany(f"INSERT INTO {AUDIT_TABLE} ({cols}) VALUES ({marks})", entries)


def last_fid(conn: sqlite3.Connection, spec: TableSpec) -> int:
    """The highest row number the table has given or holds (AUTOINCREMENT gives higher ones)."""
    row = conn.execute(f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), "
                       f"COALESCE((SELECT MAX(fid) FROM {quote(spec.name)}), 0))",
                       (spec.name,)).fetchone()
    return int(row[0])


def audit_inserts(conn: sqlite3.Connection, spec: TableSpec, after_fid: int,
                  head: tuple[str, str, str, int]) -> None:
    """Audit the rows inserted after `after_fid` in one statement, each row's JSON made by
    SQLite (base.AUDIT_JSON's very text): at 100k records Python's encoding and binding of
    the JSON were 3 of a store creation's 8 CPU-seconds. head = (at, user, reason, version)."""
    cols = ", ".join(map(quote, AUDIT_COLUMNS[1:]))
    pairs = ", ".join(f"'{name.replace(chr(39), chr(39) * 2)}', {quote(name)}" for name in spec.names)
    conn.execute(f"INSERT INTO {AUDIT_TABLE} ({cols}) SELECT ?, ?, ?, ?, id, 'insert', NULL, "
                 f"json_object({pairs}), ? FROM {quote(spec.name)} WHERE fid > ? ORDER BY fid",
                 (*head[:3], spec.name, head[3], after_fid))


def read_audit(conn: sqlite3.Connection, filters: Mapping[str, str]) -> list[tuple[object, ...]]:
    """Audit rows, newest first, where each filter column equals its value."""
    sql = f"SELECT {', '.join(map(quote, AUDIT_COLUMNS))} FROM {AUDIT_TABLE}"
    if filters:
        sql += " WHERE " + " AND ".join(f"{quote(col)} = ?" for col in filters)
    return conn.execute(sql + " ORDER BY seq DESC", list(filters.values())).fetchall()


def store_id(conn: sqlite3.Connection) -> str:
    """The store's identity, given once at creation (a copy keeps it, another store differs);
    a store made before ids existed gets one now, or '' when the file is read-only."""
    row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'store_id'").fetchone()
    if row:
        return str(row[0])
    try:
        conn.execute(f"INSERT OR IGNORE INTO {META_TABLE} VALUES ('store_id', ?)",
                     (uuid.uuid4().hex,))  # OR IGNORE: two processes opening it at once
    except sqlite3.OperationalError:  # read-only: the file identity still guards it
        return ""
    return str(conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'store_id'").fetchone()[0])


def read_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'version'").fetchone()[0])


def write_version(conn: sqlite3.Connection, version: int) -> None:
    conn.execute(f"UPDATE {META_TABLE} SET value = ? WHERE key = 'version'", (str(version),))


def set_bounds(conn: sqlite3.Connection, table: str, records: Iterable[Mapping[str, str]]) -> None:
    """Record a feature table's extent (NULL when it has no point) and mark it as changed now."""
    pts = [p for p in map(record_point, records) if p is not None]
    bounds = (
        (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
        if pts else (None, None, None, None)
    )
    conn.execute(f"UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, "
                 f"last_change = {TIMESTAMP_SQL} WHERE table_name = ?", (*bounds, table))
