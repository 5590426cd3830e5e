"""PostGIS store internals: naming, creating, reading and writing the tables of one schema."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
import shapely
from psycopg import sql

from parks.errors import DataValidationError
from parks.model.dataset import read_tables as read_csv_tables
from parks.model.schema import SPECS, TABLES, Record, TableSpec
from parks.store.base import (
    AUDIT_COLUMNS,
    AUDIT_JSON,
    BASELINE_REASON,
    BASELINE_USER,
    Change,
    CommitResult,
    Key,
    Plan,
    StoreError,
    Validator,
    audit_entry,
    columns_problem,
    format_problem,
    legacy_columns,
    plan_commit,
    record_point,
    renamed,
)
from parks.store.base import quote as quote_ident
from parks.store.intake import prepare_records

_LOCK_TIMEOUT = "30s"  # how long a commit waits for another session's commit
STORE_FORMAT = "pg-1"  # bump when the layout of store_meta/audit changes incompatibly
BOUNDARY = "boundary"  # a WKT outline column; its geometry is kept in boundary_geom
_GEOMETRY = {"geom": "Point", "boundary_geom": "MultiPolygon"}  # column → type, both EPSG:4326
_SEARCH_PATH = re.compile(r"(?:-c\s*|--)search_path\s*=\s*(\S+)")
_SECRETS = ("password", "sslpassword")
_AUDIT_DDL = """CREATE TABLE {audit} (seq bigserial PRIMARY KEY, at timestamptz NOT NULL,
    "user" text NOT NULL, reason text NOT NULL, table_name text NOT NULL, record_id text NOT NULL,
    action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')), before jsonb,
    after jsonb, version bigint NOT NULL);
    CREATE INDEX audit_record ON {audit} (table_name, record_id);
    CREATE TABLE {meta} (key text PRIMARY KEY, value text NOT NULL)"""




def dsn_schema(params: Mapping[str, str]) -> str | None:
    """The first schema of a search_path given in the DSN's options, if any."""
    found = _SEARCH_PATH.search(params.get("options") or "")
    return found.group(1).split(",")[0].strip('"') if found else None


def redact(params: Mapping[str, str], schema: str) -> str:
    """The connection URL without secrets, naming the schema (for display and cache keys)."""
    rest = {k: v for k, v in params.items() if k not in _SECRETS}
    if dsn_schema(rest) != schema:
        rest["options"] = f"{rest.get('options', '')} -csearch_path={schema}".strip()
    user, host, port, dbname = (rest.pop(k, "") for k in ("user", "host", "port", "dbname"))
    if "/" in host or "," in host:  # a socket directory or several hosts: not URL netloc material
        rest, host, port = {"host": host, "port": port, **rest}, "", ""
    query = urlencode({k: v for k, v in rest.items() if v})
    netloc = (f"{quote(user)}@" if user else "") + host + (f":{port}" if port else "")
    return f"postgresql://{netloc}/{quote(dbname)}" + (f"?{query}" if query else "")


def geometry_columns(spec: TableSpec) -> tuple[str, ...]:
    """The geometry columns kept beside the text columns: a point, and an outline if any."""
    return ("geom", "boundary_geom") if BOUNDARY in spec.names else ("geom",)


def schema_sql(schema: str, template: str, table: str = "") -> sql.Composed:
    """SQL naming {meta}, {audit} and {table} in the store's schema (never found by search path)."""
    return sql.SQL(template).format(meta=sql.Identifier(schema, "store_meta"),
                                    audit=sql.Identifier(schema, "audit"),
                                    table=sql.Identifier(schema, table))


def has_store(conn: psycopg.Connection, schema: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = %s AND "
                        "tablename = 'store_meta'", (schema,)).fetchone() is not None


def baseline_records(data_dir: Path) -> dict[str, list[Record]]:
    tables, problems = read_csv_tables(data_dir)
    if problems:
        raise DataValidationError(problems)
    return prepare_records(tables)


def create_store(conn: psycopg.Connection, schema: str, records: Mapping[str, list[Record]]) -> None:
    """Create the extension, schema, tables and indexes, then load the baseline: one transaction."""
    try:
        with conn.transaction():  # a savepoint: only this statement's failure is explained here
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public")
    except psycopg.Error as exc:
        raise StoreError(f"PostGIS is not enabled in this database and cannot be ({exc}); a "
                         f"superuser must run CREATE EXTENSION postgis (Debian package "
                         f"postgresql-15-postgis-3)") from exc
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    for spec in TABLES:
        texts = ", ".join(f"{quote_ident(c)} text NOT NULL DEFAULT ''" for c in spec.names)
        conn.execute(schema_sql(schema, f"CREATE TABLE {{table}} (fid bigserial PRIMARY KEY, {texts}, "
                                f"UNIQUE (id))", spec.name))
        for column in geometry_columns(spec):
            add_geometry(conn, schema, spec.name, column)
    conn.execute(schema_sql(schema, _AUDIT_DDL))  # several statements: only without parameters
    created = datetime.now(UTC).isoformat(timespec="seconds")
    conn.execute(schema_sql(schema, "INSERT INTO {meta} VALUES ('format', %s), ('version', '0'), "
                            "('created_at', %s), ('store_id', %s)"),
                 (STORE_FORMAT, created, uuid.uuid4().hex))
    apply_records(conn, schema, records, {}, {}, BASELINE_USER, BASELINE_REASON, None)


def add_geometry(conn: psycopg.Connection, schema: str, table: str, column: str) -> None:
    conn.execute(schema_sql(schema, f"ALTER TABLE {{table}} ADD COLUMN {column} geometry("
                            f"{_GEOMETRY[column]}, 4326); CREATE INDEX {table}_{column}_gist ON "
                            f"{{table}} USING gist ({column})", table))


def layout_problem(conn: psycopg.Connection, schema: str,
                   fills: Sequence[tuple[str, str, str, str, str]] = ()) -> str | None:
    """Why the schema is not a store of this app, or None after adding columns the schema gained
    (and renaming an old single-language column to its <field>_en)."""
    fmt = conn.execute(schema_sql(schema, "SELECT value FROM {meta} WHERE key = 'format'")).fetchone()
    if problem := format_problem(fmt and fmt[0], STORE_FORMAT):
        return problem
    present = {spec.name: [r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND "
        "table_name = %s", (schema, spec.name)) if r[0] != "fid" and r[0] not in _GEOMETRY]
        for spec in TABLES}
    renames = legacy_columns(present, TABLES)
    problem, missing = columns_problem(renamed(present, renames), TABLES)
    if problem:
        return problem
    for table, old, new in renames:  # a store from before the bilingual split: its text is English
        conn.execute(schema_sql(schema, f"ALTER TABLE {{table}} RENAME COLUMN {quote_ident(old)} TO "
                                f"{quote_ident(new)}", table))
    for table, column in missing:  # empty for every record, as a column added to the CSV would be
        conn.execute(schema_sql(schema, f"ALTER TABLE {{table}} ADD COLUMN {quote_ident(column)} text "
                                f"NOT NULL DEFAULT ''", table))
        if column == BOUNDARY:
            add_geometry(conn, schema, table, "boundary_geom")
    for table, column, text, record_id, english in fills if renames else ():  # see translations
        conn.execute(schema_sql(schema, f"UPDATE {{table}} SET {quote_ident(column)} = %s WHERE "
                                f"id = %s AND {quote_ident(column.removesuffix('_zh') + '_en')} "
                                f"= %s AND {quote_ident(column)} = ''", table),
                     (text, record_id, english))
    return None


def read_records(conn: psycopg.Connection, schema: str) -> dict[str, dict[str, Record]]:
    """Table name → {id: record} in id order (bytewise, as GeoPackage and Python sort)."""
    out = {}
    for spec in TABLES:
        columns = ", ".join(map(quote_ident, spec.names))
        rows = conn.execute(schema_sql(schema, f'SELECT {columns} FROM {{table}} ORDER BY id COLLATE "C"',
                               spec.name))
        records = (dict(zip(spec.names, row, strict=True)) for row in rows)
        out[spec.name] = {r["id"]: r for r in records}
    return out


def store_id(conn: psycopg.Connection, schema: str) -> str:
    """The store's identity, given once at creation; a store made before ids gets one now (''
    in a read-only session, which cannot write anyway)."""
    query = schema_sql(schema, "SELECT value FROM {meta} WHERE key = 'store_id'")
    if row := conn.execute(query).fetchone():
        return str(row[0])
    try:
        with conn.transaction():  # a savepoint: a read-only session's refusal stays here
            conn.execute(schema_sql(schema, "INSERT INTO {meta} VALUES ('store_id', %s) "
                                    "ON CONFLICT DO NOTHING"), (uuid.uuid4().hex,))
    except psycopg.errors.ReadOnlySqlTransaction:
        return ""
    return str(conn.execute(query).fetchone()[0])


def read_version(conn: psycopg.Connection, schema: str, lock: str = "") -> int:
    query = schema_sql(schema, f"SELECT value FROM {{meta}} WHERE key = 'version' {lock}")
    return int(conn.execute(query).fetchone()[0])


def revisions(conn: psycopg.Connection, schema: str, keys: Iterable[Key]) -> dict[Key, int]:
    """(table, id) → audit seq of the record's last change (absent when it has none)."""
    query = schema_sql(schema, "SELECT max(seq) FROM {audit} WHERE table_name = %s AND record_id = %s")
    found = {key: conn.execute(query, key).fetchone()[0] for key in keys}
    return {key: int(seq) for key, seq in found.items() if seq is not None}


def read_audit(conn: psycopg.Connection, schema: str, filters: Mapping[str, str]) -> list[tuple]:
    """Audit rows, newest first, in the GeoPackage store's shapes (ISO text time, JSON text)."""
    where = " AND ".join(f"{quote_ident(col)} = %s" for col in filters)
    query = schema_sql(schema, f"SELECT {', '.join(map(quote_ident, AUDIT_COLUMNS))} FROM {{audit}}"
                       f"{' WHERE ' + where if where else ''} ORDER BY seq DESC")
    return [(seq, at.astimezone(UTC).isoformat(timespec="seconds"), user, reason, table, rid,
             action, json_text(table, before), json_text(table, after), version)
            for seq, at, user, reason, table, rid, action, before, after, version
            in conn.execute(query, list(filters.values()))]


def json_text(table: str, record: Mapping[str, str] | None) -> str | None:
    """jsonb reorders keys: back to schema order, so the text is what audit_entry wrote."""
    if record is None:
        return None
    names = SPECS[table].names if table in SPECS else ()
    return AUDIT_JSON({c: record[c] for c in names if c in record} | dict(record))






def write_rows(conn: psycopg.Connection, schema: str, spec: TableSpec, action: str,
                changes: Sequence[Change]) -> None:
    """Insert, update (by id) or delete the changed rows of one table, with their geometries."""
    if action == "delete":
        conn.cursor().executemany(schema_sql(schema, "DELETE FROM {table} WHERE id = %s", spec.name),
                                  [(c.record_id,) for c in changes])
        return
    names = [*map(quote_ident, spec.names), *geometry_columns(spec)]
    marks = ["%s"] * len(spec.names) + ["ST_GeomFromWKB(%s::bytea, 4326)"] * (len(names) - len(spec.names))
    rows = [[*(c.after[n] for n in spec.names), *geometries(spec, c.after)] for c in changes]
    if action == "insert":
        template = f"INSERT INTO {{table}} ({', '.join(names)}) VALUES ({', '.join(marks)})"
    else:
        sets = ", ".join(f"{n} = {m}" for n, m in zip(names, marks, strict=True))
        template = f"UPDATE {{table}} SET {sets} WHERE id = %s"
        rows = [[*row, c.record_id] for row, c in zip(rows, changes, strict=True)]
    conn.cursor().executemany(schema_sql(schema, template, spec.name), rows)


def write_audit(conn: psycopg.Connection, schema: str, entries: Sequence[tuple]) -> None:
    """Append audit rows: the values of AUDIT_COLUMNS after seq."""
    columns = ", ".join(map(quote_ident, AUDIT_COLUMNS[1:]))
    conn.cursor().executemany(schema_sql(schema, f"INSERT INTO {{audit}} ({columns}) VALUES (%s, %s, %s, "
                                         f"%s, %s, %s, %s::jsonb, %s::jsonb, %s)"), entries)


def geometries(spec: TableSpec, record: Mapping[str, str]) -> list[bytes | None]:
    """WKB of the geometry columns: the point as GeoPackage stores it, the outline if drawn."""
    point = record_point(record)
    out = [shapely.to_wkb(shapely.Point(point)) if point else None]
    return [*out, outline_wkb(record.get(BOUNDARY, ""))] if BOUNDARY in spec.names else out


def outline_wkb(text: str) -> bytes | None:
    """A valid (Multi)Polygon as MultiPolygon WKB; anything else is validation's to report (NULL)."""
    try:
        geom = shapely.force_2d(shapely.from_wkt(text)) if text else None
    except (shapely.errors.GEOSException, TypeError, ValueError):
        return None
    geom = shapely.MultiPolygon([geom]) if isinstance(geom, shapely.Polygon) else geom
    ok = isinstance(geom, shapely.MultiPolygon) and not geom.is_empty and geom.is_valid
    return shapely.to_wkb(geom) if ok else None


def apply_records(conn: psycopg.Connection, schema: str, prepared: Mapping[str, list[Record]],
           deletes: Mapping[str, Sequence[str]], expected: Mapping[Key, int], user: str,
           reason: str, validate: Validator | None) -> CommitResult:
    """Plan, validate and write one commit inside the caller's transaction."""
    conn.execute(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}'")
    # The version row lock serialises commits: what is read below cannot change before we commit.
    version = read_version(conn, schema, "FOR UPDATE")
    plan = plan_commit(read_records(conn, schema), prepared, deletes,
                       revisions(conn, schema, expected), expected, validate)
    if plan.changes:
        version += 1
        write_plan(conn, schema, plan, version, user, reason)
    return CommitResult(plan.counts("insert"), plan.counts("update"),
                        {s.name: plan.unchanged.get(s.name, 0) for s in TABLES}, version,
                        plan.counts("delete"))


def write_plan(conn: psycopg.Connection, schema: str, plan: Plan, version: int, user: str,
           reason: str) -> None:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    for (table, action), changes in plan.groups().items():
        write_rows(conn, schema, SPECS[table], action, changes)
    write_audit(conn, schema, [audit_entry(c, at, user, reason, version) for c in plan.changes])
    conn.execute(schema_sql(schema, "UPDATE {meta} SET value = %s WHERE key = 'version'"), (str(version),))

