"""The working store: the curated CSVs copied into an audited GeoPackage that imports and edits commit to."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, Self

import pandas as pd

from parks import gpkg
from parks.config import DATA_DIR
from parks.errors import DataValidationError, Problem
from parks.load import read_table
from parks.load import read_tables as read_csv_tables
from parks.schema import TABLES, TableSpec

STORE_PATH_ENV = "HEZE_STORE_PATH"
DEFAULT_STORE_PATH = DATA_DIR.parent / ".store" / "heze.gpkg"
BASELINE_USER = "baseline"
BASELINE_REASON = "created from data/ CSVs"
SPECS: Mapping[str, TableSpec] = {spec.name: spec for spec in TABLES}
_BUSY_TIMEOUT_S = 30.0  # how long a commit waits for another process's write lock

Validator = Callable[[dict[str, pd.DataFrame]], list[Problem]]
Record = gpkg.Record


class StoreError(RuntimeError):
    """The store cannot be used: not a database, not a store of this app, locked or closed."""


@dataclass(frozen=True)
class CommitResult:
    """Counts per table of one commit and the store version after it."""

    inserted: Mapping[str, int]
    updated: Mapping[str, int]
    unchanged: Mapping[str, int]
    version: int

    @property
    def changed(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values())


class Store(Protocol):
    """What pages and importers need from a store; GeoPackage now, PostGIS later."""

    @property
    def location(self) -> str:
        """Where the store lives (a path, or a DSN without secrets), for display and cache keys."""
        ...

    def read_tables(self) -> dict[str, pd.DataFrame]:
        """Table name → text frame with the schema's columns in order, rows by id, "" when empty."""
        ...

    def version(self) -> int:
        """A number that grows with every successful commit."""
        ...

    def commit(self, changes: Mapping[str, pd.DataFrame], *, user: str, reason: str,
               validate: Validator | None = None) -> CommitResult:
        """Insert or update full records by id, atomically and audited; identical rows write nothing.

        validate gets the merged tables (stored + changes) before any write, and only when something
        would be written; its problems raise DataValidationError and nothing is written.
        """
        ...

    def audit(self, table: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        """The audit trail (gpkg.AUDIT_COLUMNS), newest first, optionally of one table and/or record."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class _Diff:
    inserts: tuple[Record, ...]
    updates: tuple[tuple[Record, Record], ...]  # (before, after)
    unchanged: int


class GeoPackageStore(Store):
    """A store in one GeoPackage file; one connection shared by threads under a lock."""

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = _connect(self._path)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def location(self) -> str:
        return str(self._path)

    def read_tables(self) -> dict[str, pd.DataFrame]:
        with self._lock, self._transaction("BEGIN") as conn:  # one snapshot for all three tables
            return _frames(gpkg.read_records(conn, TABLES))

    def version(self) -> int:
        with self._lock:
            return gpkg.read_version(self._connection())

    def commit(self, changes: Mapping[str, pd.DataFrame], *, user: str, reason: str,
               validate: Validator | None = None) -> CommitResult:
        for label, value in (("user", user), ("reason", reason)):
            if not value or not value.strip():
                raise ValueError(f"a commit needs a non-empty {label} for the audit trail")
        prepared = prepare_records(changes)
        with self._lock, self._transaction("BEGIN IMMEDIATE") as conn:
            return _apply(conn, prepared, user.strip(), reason.strip(), validate)

    def audit(self, table: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        if table is not None and table not in SPECS:
            raise ValueError(f"unknown table {table!r}; tables: {', '.join(SPECS)}")
        filters = {col: value for col, value in (("table_name", table), ("record_id", record_id))
                   if value is not None}
        with self._lock:
            rows = gpkg.read_audit(self._connection(), filters)
        return pd.DataFrame(rows, columns=list(gpkg.AUDIT_COLUMNS))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GeoPackageStore({str(self._path)!r})"

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the store {self._path} is closed")
        return self._conn

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        try:
            conn.execute(begin)
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"the store {self._path} failed: {exc}") from exc
            raise


# ---- records: normalising, diffing, merging ----

def _cell(value: object) -> str:
    if isinstance(value, str):
        return value.strip()  # as parks.load.read_table does, so a re-import compares equal
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _records(frame: pd.DataFrame, spec: TableSpec) -> tuple[list[Record], list[Problem]]:
    columns = [str(c).strip() for c in frame.columns]
    problems = [Problem(spec.file, None, c, "", "unknown column; the store keeps only the schema's columns")
                for c in dict.fromkeys(columns) if c not in spec.names]
    problems += [Problem(spec.file, None, c, "", "duplicate column")
                 for c in dict.fromkeys(columns) if columns.count(c) > 1]
    problems += [Problem(spec.file, None, col.name, "", "missing column")
                 for col in spec.columns if col.required and col.name not in columns]
    if problems:
        return [], problems
    records, seen = [], set()
    for pos, row in enumerate(frame.itertuples(index=False, name=None)):
        given = {c: _cell(v) for c, v in zip(columns, row, strict=True)}
        record = {name: given.get(name, "") for name in spec.names}  # missing optional columns → ""
        if not record["id"]:
            problems.append(Problem(spec.file, pos + 2, "id", "", "every record needs an id"))
        elif record["id"] in seen:
            problems.append(Problem(spec.file, pos + 2, "id", record["id"], "duplicate id"))
        seen.add(record["id"])
        records.append(record)
    return records, problems


def prepare_records(frames: Mapping[str, pd.DataFrame]) -> dict[str, list[Record]]:
    """Full text records per table in schema order; DataValidationError lists every structural problem."""
    unknown = [name for name in frames if name not in SPECS]
    if unknown:
        raise ValueError(f"unknown table(s) {', '.join(map(repr, unknown))}; tables: {', '.join(SPECS)}")
    prepared, problems = {}, []
    for name, frame in frames.items():
        prepared[name], found = _records(frame, SPECS[name])
        problems += found
    if problems:
        raise DataValidationError(problems)
    return prepared


def _diff(stored: Mapping[str, Record], records: list[Record]) -> _Diff:
    inserts = tuple(r for r in records if r["id"] not in stored)
    updates = tuple((stored[r["id"]], r) for r in records if r["id"] in stored and stored[r["id"]] != r)
    return _Diff(inserts, updates, len(records) - len(inserts) - len(updates))


def _merge(stored: Mapping[str, Mapping[str, Record]],
           prepared: Mapping[str, list[Record]]) -> dict[str, dict[str, Record]]:
    merged = {}
    for name, by_id in stored.items():
        combined = {**by_id, **{r["id"]: r for r in prepared.get(name, [])}}
        merged[name] = dict(sorted(combined.items()))
    return merged


def _frames(records: Mapping[str, Mapping[str, Record]]) -> dict[str, pd.DataFrame]:
    return {name: pd.DataFrame([list(r.values()) for r in by_id.values()],
                               columns=list(SPECS[name].names), dtype=str)
            for name, by_id in records.items()}


# ---- writing ----

def _write_diffs(conn: sqlite3.Connection, diffs: Mapping[str, _Diff], version: int, user: str,
                 reason: str) -> None:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    for name, diff in diffs.items():
        for before, after in [(None, r) for r in diff.inserts] + list(diff.updates):
            gpkg.write_record(conn, SPECS[name], after, exists=before is not None)
            gpkg.write_audit(conn, (at, user, reason, name, after["id"],
                                    "insert" if before is None else "update",
                                    None if before is None else json.dumps(before, ensure_ascii=False),
                                    json.dumps(after, ensure_ascii=False), version))


def _apply(conn: sqlite3.Connection, prepared: Mapping[str, list[Record]], user: str, reason: str,
           validate: Validator | None) -> CommitResult:
    """Diff, validate and write one commit inside the caller's write transaction."""
    stored = gpkg.read_records(conn, TABLES)  # read under the write lock, so the diff cannot go stale
    diffs = {name: _diff(stored[name], records) for name, records in prepared.items()}
    version = gpkg.read_version(conn)
    touched = [name for name, d in diffs.items() if d.inserts or d.updates]
    if touched:
        merged = _merge(stored, prepared)
        problems = validate(_frames(merged)) if validate is not None else []
        if problems:
            raise DataValidationError(problems)
        version += 1
        _write_diffs(conn, diffs, version, user, reason)
        for name in touched:
            gpkg.set_bounds(conn, name, merged[name].values())
        gpkg.write_version(conn, version)
    return CommitResult(_counts(diffs, lambda d: len(d.inserts)), _counts(diffs, lambda d: len(d.updates)),
                        _counts(diffs, lambda d: d.unchanged), version)


def _counts(diffs: Mapping[str, _Diff], pick: Callable[[_Diff], int]) -> dict[str, int]:
    return {spec.name: pick(diffs[spec.name]) if spec.name in diffs else 0 for spec in TABLES}


# ---- opening and creating ----

def _connect(path: Path) -> sqlite3.Connection:
    # mode=rw: opening must never create an empty file where the store was expected.
    uri = path.resolve().as_uri() + "?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the store {path}: {exc}") from exc
    try:
        problem = gpkg.layout_problem(conn) or gpkg.columns_problem(conn, TABLES)
        if not problem:
            conn.execute("PRAGMA journal_mode = WAL")  # readers never block the writer, nor it them
    except sqlite3.Error as exc:  # e.g. "file is not a database"
        problem = f"not a usable store ({exc})"
    if problem:
        conn.close()
        raise StoreError(f"{path} is {problem}; move it away (it is then rebuilt from data/) or set "
                         f"{STORE_PATH_ENV} to another file")
    return conn


def _build(tmp: Path, records: Mapping[str, list[Record]]) -> None:
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("BEGIN")
        gpkg.create_store(conn, TABLES, datetime.now(UTC).isoformat(timespec="seconds"))
        _apply(conn, records, BASELINE_USER, BASELINE_REASON, None)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _publish(tmp: Path, target: Path) -> None:
    try:
        # Unlike os.replace, a hard link never overwrites a store another session finished first
        # (replacing it would strand that session's connection and lose its commits).
        os.link(tmp, target)
    except FileExistsError:
        pass  # built from the same CSVs by someone else: theirs is as good as ours
    except OSError:
        tmp.replace(target)  # file systems without hard links


def _sibling_tmp(target: Path, suffix: str) -> Path:
    # A unique name next to the target (same file system, so the final rename is atomic); created
    # with the default permissions, unlike mkstemp's owner-only files.
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}{suffix}")


def default_store_path() -> Path:
    return Path(os.environ.get(STORE_PATH_ENV) or DEFAULT_STORE_PATH)


def open_store(path: Path | None = None, *, data_dir: Path = DATA_DIR) -> GeoPackageStore:
    """Open the store, creating it from the CSVs of data_dir on first run (atomically, audited).

    Raises DataValidationError when the CSVs cannot be read or lack the structure the store needs
    (full validation needs boundaries and is the loader's job), StoreError when the file at path is
    not a usable store.
    """
    target = Path(path) if path is not None else default_store_path()
    if not target.exists():
        tables, problems = read_csv_tables(data_dir)
        if problems:
            raise DataValidationError(problems)
        records = prepare_records(tables)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _sibling_tmp(target, ".building")
        try:
            _build(tmp, records)
            _publish(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + "-journal").unlink(missing_ok=True)
    return GeoPackageStore(target)


# ---- export ----

def _in_file_order(frame: pd.DataFrame, existing_csv: Path, spec: TableSpec) -> pd.DataFrame:
    """Rows in the order of the file being replaced, new ids after, so a diff shows only real edits."""
    existing, problems = read_table(existing_csv, spec)
    if problems or "id" not in existing.columns:
        return frame
    present = set(frame["id"])
    kept = [rid for rid in dict.fromkeys(existing["id"]) if rid in present]
    order = kept + [rid for rid in frame["id"] if rid not in set(kept)]
    return frame.set_index("id", drop=False).loc[order].reset_index(drop=True)


def export_csv(store: Store, folder: Path) -> list[Path]:
    """Write the three tables as UTF-8 CSVs (schema column order, LF) into folder; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = store.read_tables()
    written = []
    for spec in TABLES:
        target = folder / spec.file
        frame = _in_file_order(tables[spec.name], target, spec)
        tmp = _sibling_tmp(target, ".tmp")
        try:
            with tmp.open("x", encoding="utf-8", newline="") as handle:
                frame.to_csv(handle, index=False, lineterminator="\n")
            tmp.replace(target)  # a half-written curated file must never replace a good one
        finally:
            tmp.unlink(missing_ok=True)
        written.append(target)
    return written


def store_fingerprint(store: Store) -> str:
    """A cache key that changes whenever the store's content does."""
    return f"{store.location}@v{store.version()}"
