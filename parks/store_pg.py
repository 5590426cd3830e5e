"""The shared store: PostgreSQL + PostGIS tables in one schema, for many users on many machines."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Self
from urllib.parse import quote, urlencode

import pandas as pd
import psycopg
import shapely
from psycopg import errors, pq, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from parks.config import DATA_DIR
from parks.errors import DataValidationError
from parks.gpkg import record_point
from parks.load import read_tables as read_csv_tables
from parks.schema import TABLES, TableSpec
from parks.store import (
    AUDIT_COLUMNS,
    BASELINE_REASON,
    BASELINE_USER,
    SPECS,
    Change,
    CommitResult,
    Key,
    Plan,
    Record,
    Store,
    StoreError,
    Validator,
    audit_entry,
    check_commit_args,
    frames,
    plan_commit,
    prepare_records,
    undo_plan,
)

DEFAULT_SCHEMA = "heze"
STORE_FORMAT = "pg-1"  # bump when the layout of store_meta/audit changes incompatibly
POOL_SIZE = 4  # connections per store (per app process); each Streamlit session thread borrows one
BOUNDARY = "boundary"  # a WKT outline column; its geometry is kept in boundary_geom
_LOCK_CLASS = 0x48455A45  # 'HEZE': first key of our advisory locks, apart from other apps' locks
_LOCK_TIMEOUT = "30s"  # how long a commit waits for another session's commit
_CONNECT_TIMEOUT_S = 10
_SEARCH_PATH = re.compile(r"(?:-c\s*|--)search_path\s*=\s*(\S+)")
_SECRETS = ("password", "sslpassword")
_PLAIN = ((errors.ReadOnlySqlTransaction, "the store is read-only"),
          (errors.InsufficientPrivilege, "the store is read-only for this database user"),
          (errors.DiskFull, "the database disk is full"),
          (errors.LockNotAvailable, "another session holds the store's write lock"))
# Our tables are always named with their schema; the search path is for PostGIS's types.
_SET_PATH = ("SELECT set_config('search_path', format('%%I, %%s', %s::text, coalesce((SELECT "
             "extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgis'), "
             "'public')), false)")
_GEOMETRY = {"geom": "Point", "boundary_geom": "MultiPolygon"}  # column → type, both EPSG:4326
_AUDIT_DDL = """CREATE TABLE {} (seq bigserial PRIMARY KEY, at timestamptz NOT NULL,
    "user" text NOT NULL, reason text NOT NULL, table_name text NOT NULL, record_id text NOT NULL,
    action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')), before jsonb,
    after jsonb, version bigint NOT NULL)"""


class PostGISStore(Store):
    """A store in one schema of a PostGIS database; threads borrow connections from a small pool."""

    def __init__(self, dsn: str, *, schema: str | None = None, pool_size: int = POOL_SIZE) -> None:
        try:
            params = conninfo_to_dict(dsn)
        except psycopg.Error:
            # libpq's message may quote the DSN, password included: say it in our words only
            raise StoreError("not a PostgreSQL connection URL; expected "
                             "postgresql://user:password@host:port/database") from None
        self._dsn = dsn
        self._schema = schema or dsn_schema(params) or DEFAULT_SCHEMA
        self._location = redact(params, self._schema, url=dsn.startswith("postgres"))
        self._address = f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"
        self._pool = _Pool(self._connect, pool_size, f"the store {self._location} is closed")

    @property
    def schema(self) -> str:
        return self._schema

    @property
    def location(self) -> str:
        return self._location

    def read_tables(self) -> dict[str, pd.DataFrame]:
        with self._session() as conn:  # one snapshot for all three tables
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return frames(_read_records(conn, self._schema))

    def version(self) -> int:
        with self._session(transaction=False) as conn:
            return _read_version(conn, self._schema)

    def revision(self, table: str, record_id: str) -> int:
        with self._session(transaction=False) as conn:
            return _revisions(conn, self._schema, [(table, record_id)]).get((table, record_id), 0)

    def commit(self, changes: Mapping[str, pd.DataFrame], *, user: str, reason: str,
               validate: Validator | None = None,
               deletes: Mapping[str, Sequence[str]] | None = None,
               expected: Mapping[Key, int] | None = None) -> CommitResult:
        check_commit_args(user, reason)
        prepared = prepare_records(changes)
        with self._session() as conn:
            return _apply(conn, self._schema, prepared, deletes or {}, expected or {}, user.strip(),
                          reason.strip(), validate)

    def undo(self, table: str, record_id: str, *, user: str,
             validate: Validator | None = None) -> CommitResult:
        last = self.audit(table, record_id)
        row = None if last.empty else last.iloc[0].to_dict()
        changes, deletes = undo_plan(table, record_id, row)
        expected = {(table, record_id): int(row["seq"])}  # nobody may have changed it meanwhile
        return self.commit(changes, user=user, reason=f"undo change {row['seq']}",
                           validate=validate, deletes=deletes, expected=expected)

    def audit(self, table: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        if table is not None and table not in SPECS:
            raise ValueError(f"unknown table {table!r}; tables: {', '.join(SPECS)}")
        filters = {col: value for col, value in (("table_name", table), ("record_id", record_id))
                   if value is not None}
        with self._session(transaction=False) as conn:
            rows = _read_audit(conn, self._schema, filters)
        return pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))

    def ensure(self, data_dir: Path) -> None:
        """Create the schema and load the baseline from data_dir's CSVs unless the store exists;
        add columns the schema gained since."""
        with self._session(transaction=False) as conn:
            exists = _has_store(conn, self._schema)
        records = None if exists else _baseline(data_dir)  # CSV problems: nothing is created
        with self._session() as conn:
            # Two first starts at once: the second waits here, then finds the first one's store.
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_LOCK_CLASS, self._schema))
            if _has_store(conn, self._schema):
                problem = _layout_problem(conn, self._schema)
                if problem:
                    raise StoreError(f"schema {self._schema} of {self._location} is {problem}; "
                                     f"drop it (it is then rebuilt from data/) or choose another")
            else:
                _create(conn, self._schema, records or _baseline(data_dir))

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostGISStore({self._location!r})"

    def _connect(self) -> psycopg.Connection:
        try:
            conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as exc:
            detail = " ".join(str(exc).split())
            if "refused" in detail or "timeout" in detail or "translate host" in detail:
                raise StoreError(f"cannot reach the database at {self._address} ({detail}); "
                                 f"is PostgreSQL running there?") from None
            raise StoreError(f"cannot connect to the database at {self._address}: {detail}") from None
        try:
            conn.execute(_SET_PATH, (self._schema,))
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def _session(self, *, transaction: bool = True) -> Iterator[psycopg.Connection]:
        """A pooled connection, inside a transaction (rolled back on any exception) by default."""
        try:
            with self._pool.connection() as conn, conn.transaction() if transaction else nullcontext():
                yield conn
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def _error(self, exc: psycopg.Error) -> StoreError:
        detail = " ".join(str(exc).split())
        for kind, plain in _PLAIN:
            if isinstance(exc, kind):
                return StoreError(f"{plain} ({self._location}: {detail}); nothing was written")
        if isinstance(exc, psycopg.OperationalError):  # e.g. the connection broke
            return StoreError(f"the database at {self._address} failed ({detail}); see the audit "
                              f"trail for whether the last change was saved")
        return StoreError(f"the store {self._location} failed: {detail}")


class _Pool:
    """Up to `size` connections, opened on demand and reused; a broken one is dropped."""

    # Not one shared connection under a lock: PostgreSQL runs sessions' reads side by side and
    # serialises commits itself (a row lock), so one slow save never stalls every other page.

    def __init__(self, connect: Callable[[], psycopg.Connection], size: int, closed: str) -> None:
        self._connect, self._closed_message = connect, closed
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[psycopg.Connection] = []
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        with self._slots:
            with self._lock:
                if self._closed:
                    raise StoreError(self._closed_message)
                conn = self._idle.pop() if self._idle else None
            conn = conn or self._connect()
            try:
                yield conn
            finally:
                self._give_back(conn)

    def _give_back(self, conn: psycopg.Connection) -> None:
        healthy = not conn.closed and conn.info.transaction_status == pq.TransactionStatus.IDLE
        with self._lock:
            if healthy and not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed, idle, self._idle = True, self._idle, []
        for conn in idle:
            conn.close()


# ---- connection strings ----

def dsn_schema(params: Mapping[str, str]) -> str | None:
    """The first schema of a search_path given in the DSN's options, if any."""
    found = _SEARCH_PATH.search(params.get("options") or "")
    names = [n.strip().strip('"') for n in found.group(1).split(",")] if found else []
    return next((n for n in names if n and not n.startswith("$")), None)


def redact(params: Mapping[str, str], schema: str, *, url: bool = True) -> str:
    """The connection string without secrets, naming the schema (a display and cache key)."""
    rest = {k: v for k, v in params.items() if k not in _SECRETS}
    if dsn_schema(rest) != schema:
        rest["options"] = f"{rest.get('options', '')} -csearch_path={schema}".strip()
    if not url:
        return make_conninfo("", **rest)
    user, host, port, dbname = (rest.pop(k, "") for k in ("user", "host", "port", "dbname"))
    if "/" in host or "," in host:  # a socket directory or several hosts: not URL netloc material
        rest, host, port = {"host": host, "port": port, **rest}, "", ""
    rest = {k: v for k, v in rest.items() if v}
    netloc = (f"{quote(user)}@" if user else "") + host + (f":{port}" if port else "")
    return f"postgresql://{netloc}/{quote(dbname)}" + (f"?{urlencode(rest)}" if rest else "")


# ---- creating and checking ----

def geometry_columns(spec: TableSpec) -> tuple[str, ...]:
    """The geometry columns kept beside the text columns: a point, and an outline if any."""
    return ("geom", "boundary_geom") if BOUNDARY in spec.names else ("geom",)


def _ident(schema: str, name: str) -> sql.Identifier:
    return sql.Identifier(schema, name)


def _has_store(conn: psycopg.Connection, schema: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = %s AND "
                        "tablename = 'store_meta'", (schema,)).fetchone() is not None


def _baseline(data_dir: Path) -> dict[str, list[Record]]:
    tables, problems = read_csv_tables(data_dir)
    if problems:
        raise DataValidationError(problems)
    return prepare_records(tables)


def _create(conn: psycopg.Connection, schema: str, records: Mapping[str, list[Record]]) -> None:
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
        _create_table(conn, schema, spec)
    audit, meta = _ident(schema, "audit"), _ident(schema, "store_meta")
    conn.execute(sql.SQL(_AUDIT_DDL).format(audit))
    conn.execute(sql.SQL("CREATE INDEX audit_record ON {} (table_name, record_id)").format(audit))
    conn.execute(sql.SQL("CREATE TABLE {} (key text PRIMARY KEY, value text NOT NULL)").format(meta))
    created = datetime.now(UTC).isoformat(timespec="seconds")
    conn.cursor().executemany(sql.SQL("INSERT INTO {} VALUES (%s, %s)").format(meta), [
        ("format", STORE_FORMAT), ("version", "0"), ("created_at", created)])
    _apply(conn, schema, records, {}, {}, BASELINE_USER, BASELINE_REASON, None)


def _create_table(conn: psycopg.Connection, schema: str, spec: TableSpec) -> None:
    texts = [sql.SQL("{} text NOT NULL DEFAULT ''" + (" UNIQUE" if c == "id" else "")).format(
        sql.Identifier(c)) for c in spec.names]
    conn.execute(sql.SQL("CREATE TABLE {} (fid bigserial PRIMARY KEY, {})").format(
        _ident(schema, spec.name), sql.SQL(", ").join(texts)))
    for column in geometry_columns(spec):
        _add_geometry(conn, schema, spec.name, column)


def _add_geometry(conn: psycopg.Connection, schema: str, table: str, column: str) -> None:
    conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} geometry({}, 4326)").format(
        _ident(schema, table), sql.Identifier(column), sql.SQL(_GEOMETRY[column])))
    conn.execute(sql.SQL("CREATE INDEX {} ON {} USING gist ({})").format(
        sql.Identifier(f"{table}_{column}_gist"), _ident(schema, table), sql.Identifier(column)))


def _layout_problem(conn: psycopg.Connection, schema: str) -> str | None:
    """Why the schema is not a store of this app, or None after adding columns the schema gained."""
    fmt = conn.execute(sql.SQL("SELECT value FROM {} WHERE key = 'format'").format(
        _ident(schema, "store_meta"))).fetchone()
    if fmt is None or fmt[0] != STORE_FORMAT:
        return f"store format {fmt and fmt[0]!r}, but this app reads format {STORE_FORMAT!r}"
    wrong, missing = [], []
    for spec in TABLES:
        present = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND "
            "table_name = %s", (schema, spec.name)) if r[0] != "fid" and r[0] not in _GEOMETRY]
        extra = [c for c in present if c not in spec.names]
        if not present or extra:
            wrong.append(f"{spec.name}: " + (f"unknown {', '.join(extra)}" if present else "no such table"))
        missing += [(spec, c) for c in spec.names if c not in present]
    if wrong:
        return "not of this schema (" + "; ".join(wrong) + ")"
    for spec, column in missing:  # empty for every record, as a column added to the CSV would be
        conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} text NOT NULL DEFAULT ''").format(
            _ident(schema, spec.name), sql.Identifier(column)))
        if column == BOUNDARY:
            _add_geometry(conn, schema, spec.name, "boundary_geom")
    return None


# ---- reading ----

def _read_records(conn: psycopg.Connection, schema: str) -> dict[str, dict[str, Record]]:
    """Table name → {id: record} in id order (bytewise, as GeoPackage and Python sort)."""
    out = {}
    for spec in TABLES:
        query = sql.SQL('SELECT {} FROM {} ORDER BY id COLLATE "C"').format(
            sql.SQL(", ").join(map(sql.Identifier, spec.names)), _ident(schema, spec.name))
        records = (dict(zip(spec.names, row, strict=True)) for row in conn.execute(query))
        out[spec.name] = {r["id"]: r for r in records}
    return out


def _read_version(conn: psycopg.Connection, schema: str, *, for_update: bool = False) -> int:
    query = sql.SQL("SELECT value FROM {} WHERE key = 'version'" + (" FOR UPDATE" if for_update
                                                                    else ""))
    return int(conn.execute(query.format(_ident(schema, "store_meta"))).fetchone()[0])


def _revisions(conn: psycopg.Connection, schema: str, keys: Iterable[Key]) -> dict[Key, int]:
    """(table, id) → audit seq of the record's last change (absent when it has none)."""
    query = sql.SQL("SELECT max(seq) FROM {} WHERE table_name = %s AND record_id = %s").format(
        _ident(schema, "audit"))
    found = {key: conn.execute(query, key).fetchone()[0] for key in keys}
    return {key: int(seq) for key, seq in found.items() if seq is not None}


def _read_audit(conn: psycopg.Connection, schema: str, filters: Mapping[str, str]) -> list[tuple]:
    """Audit rows, newest first, in the GeoPackage store's shapes (ISO text time, JSON text)."""
    query = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(map(sql.Identifier, AUDIT_COLUMNS)), _ident(schema, "audit"))
    if filters:
        query += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(
            sql.SQL("{} = %s").format(sql.Identifier(col)) for col in filters)
    rows = conn.execute(query + sql.SQL(" ORDER BY seq DESC"), list(filters.values())).fetchall()
    return [(seq, at.astimezone(UTC).isoformat(timespec="seconds"), user, reason, table, rid,
             action, _json_text(table, before), _json_text(table, after), version)
            for seq, at, user, reason, table, rid, action, before, after, version in rows]


def _json_text(table: str, record: Mapping[str, str] | None) -> str | None:
    """jsonb reorders keys: back to schema order, so the text is what audit_entry wrote."""
    if record is None:
        return None
    names = SPECS[table].names if table in SPECS else ()
    ordered = {c: record[c] for c in names if c in record} | dict(record)
    return json.dumps(ordered, ensure_ascii=False)


# ---- writing ----

def _apply(conn: psycopg.Connection, schema: str, prepared: Mapping[str, list[Record]],
           deletes: Mapping[str, Sequence[str]], expected: Mapping[Key, int], user: str,
           reason: str, validate: Validator | None) -> CommitResult:
    """Plan, validate and write one commit inside the caller's transaction."""
    conn.execute(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}'")
    # The version row lock serialises commits: what is read below cannot change before we commit.
    version = _read_version(conn, schema, for_update=True)
    plan = plan_commit(_read_records(conn, schema), prepared, deletes,
                       _revisions(conn, schema, expected), expected, validate)
    if plan.changes:
        version += 1
        _write(conn, schema, plan, version, user, reason)
    return CommitResult(plan.counts("insert"), plan.counts("update"),
                        {s.name: plan.unchanged.get(s.name, 0) for s in TABLES}, version,
                        plan.counts("delete"))


def _write(conn: psycopg.Connection, schema: str, plan: Plan, version: int, user: str,
           reason: str) -> None:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in plan.changes:  # deletes come last in a plan, so grouping keeps their effect
        groups.setdefault((change.table, change.action), []).append(change)
    for (table, action), changes in groups.items():
        _write_rows(conn, schema, SPECS[table], action, changes)
    _write_audit(conn, schema, [audit_entry(c, at, user, reason, version) for c in plan.changes])
    conn.execute(sql.SQL("UPDATE {} SET value = %s WHERE key = 'version'").format(
        _ident(schema, "store_meta")), (str(version),))


def _write_rows(conn: psycopg.Connection, schema: str, spec: TableSpec, action: str,
                changes: Sequence[Change]) -> None:
    """Insert, update (by id) or delete the changed rows of one table, with their geometries."""
    table, cursor = _ident(schema, spec.name), conn.cursor()
    if action == "delete":
        cursor.executemany(sql.SQL("DELETE FROM {} WHERE id = %s").format(table),
                           [(c.record_id,) for c in changes])
        return
    names = [*map(sql.Identifier, spec.names), *map(sql.Identifier, geometry_columns(spec))]
    marks = [sql.Placeholder()] * len(spec.names) + [
        sql.SQL("ST_GeomFromWKB(%s::bytea, 4326)")] * len(geometry_columns(spec))
    rows = [[*(c.after[n] for n in spec.names), *geometries(spec, c.after)] for c in changes]
    if action == "insert":
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            table, sql.SQL(", ").join(names), sql.SQL(", ").join(marks))
    else:
        query = sql.SQL("UPDATE {} SET {} WHERE id = %s").format(table, sql.SQL(", ").join(
            sql.SQL("{} = {}").format(n, m) for n, m in zip(names, marks, strict=True)))
        rows = [[*row, c.record_id] for row, c in zip(rows, changes, strict=True)]
    cursor.executemany(query, rows)


def _write_audit(conn: psycopg.Connection, schema: str, entries: Sequence[tuple]) -> None:
    """Append audit rows: the values of AUDIT_COLUMNS after seq."""
    query = sql.SQL("INSERT INTO {} ({}) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, "
                    "%s)").format(_ident(schema, "audit"),
                                  sql.SQL(", ").join(map(sql.Identifier, AUDIT_COLUMNS[1:])))
    conn.cursor().executemany(query, entries)


def geometries(spec: TableSpec, record: Mapping[str, str]) -> list[bytes | None]:
    """WKB of the geometry columns: the point as GeoPackage stores it, the outline if drawn."""
    point = record_point(record)
    out = [shapely.to_wkb(shapely.Point(point)) if point else None]
    if BOUNDARY in spec.names:
        out.append(_outline_wkb(record.get(BOUNDARY, "")))
    return out


def _outline_wkb(text: str) -> bytes | None:
    """A valid (Multi)Polygon as MultiPolygon WKB; anything else is left to validation (NULL)."""
    if not text:
        return None
    try:
        geom = shapely.force_2d(shapely.from_wkt(text))
    except (shapely.errors.GEOSException, TypeError, ValueError):
        return None
    if isinstance(geom, shapely.Polygon):
        geom = shapely.MultiPolygon([geom])
    if not isinstance(geom, shapely.MultiPolygon) or geom.is_empty or not geom.is_valid:
        return None
    return shapely.to_wkb(geom)


def open_postgis(dsn: str, *, data_dir: Path = DATA_DIR, schema: str | None = None) -> PostGISStore:
    """Open the PostGIS store (schema from the argument, the DSN's search_path, else "heze"),
    creating it from the CSVs of data_dir on first use (one transaction, audited).
    DataValidationError when the CSVs cannot be read; StoreError when the database cannot be
    used."""
    store = PostGISStore(dsn, schema=schema)
    try:
        store.ensure(Path(data_dir))
    except BaseException:
        store.close()
        raise
    return store
