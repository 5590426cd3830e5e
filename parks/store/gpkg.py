"""The embedded store: one GeoPackage file (QGIS opens it), shared by threads under a lock."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from parks.config import DATA_DIR
from parks.errors import DataValidationError
from parks.model.dataset import read_tables as read_csv_tables
from parks.model.schema import LEGACY_COLUMNS, SPECS, TABLES, Record
from parks.store import _gpkg_sql
from parks.store.base import (
    AUDIT_COLUMNS,
    BASELINE_REASON,
    BASELINE_USER,
    CommitResult,
    Key,
    Plan,
    Store,
    StoreError,
    Validator,
    audit_entry,
    audit_filters,
    check_commit_args,
    plan_commit,
    sibling_tmp,
    undo_last,
)
from parks.store.intake import prepare_records
from parks.store.sighting import Sighting
from parks.store.translations import bilingual_fills

_BUSY_TIMEOUT_S = 30.0  # how long a commit waits for another process's write lock
_PLAIN = {"attempt to write a readonly database": "the store file is read-only",
          "database or disk is full": "the disk is full",
          "database is locked": "another process holds the store's write lock"}


def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    for raw, plain in _PLAIN.items():
        if raw in text:
            return f"{plain} ({text}); nothing was written"
    return text


class GeoPackageStore(Store):
    """A store in one GeoPackage file; one connection shared by threads under a lock."""

    def __init__(self, path: Path, data_dir: Path = DATA_DIR) -> None:
        self._path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = _connect(self._path, data_dir)
        self._seen = self._sighting(self._conn)

    def _sighting(self, conn: sqlite3.Connection) -> Sighting:
        """The file at the path now, and the id and version of the store this connection reads."""
        try:
            found = self._path.stat()
            file = (found.st_dev, found.st_ino)
        except FileNotFoundError:
            file = None
        return Sighting(file, _gpkg_sql.store_id(conn), _gpkg_sql.read_version(conn))

    def _check_sighting(self, conn: sqlite3.Connection) -> None:
        """Refuse to write when the file was deleted, replaced or put back to an older copy
        since this app opened it (it would write into a file nobody reads any more)."""
        now = self._sighting(conn)
        if (problem := self._seen.problem(now)) is not None:
            raise problem
        self._seen.version = now.version

    @property
    def path(self) -> Path:
        """The GeoPackage file."""
        return self._path

    @property
    def location(self) -> str:
        """The GeoPackage file's path as text."""
        return str(self._path)

    def read_tables(self) -> dict[str, pd.DataFrame]:
        """The three record tables, read in one transaction (one consistent snapshot)."""
        with self._lock, self._transaction("BEGIN") as conn:
            return _gpkg_sql.read_frames(conn, TABLES)

    def version(self) -> int:
        """The store version kept in the file's meta table."""
        with self._lock:
            version = _gpkg_sql.read_version(self._connection())
            self._seen.version = max(self._seen.version, version)
            return version

    def store_id(self) -> str:
        """The store's identity kept in the file's meta table, as read when it was opened (every
        commit checks it is still the same: no query on every page run)."""
        return self._seen.store_id

    def revision(self, table: str, record_id: str) -> int:
        """The audit sequence number of the record's last change (0 when it has none)."""
        with self._lock:
            return _gpkg_sql.revisions(self._connection(), [(table, record_id)]).get(
                (table, record_id), 0)

    def commit(self, changes: Mapping[str, pd.DataFrame], *, user: str, reason: str,
               validate: Validator | None = None,
               deletes: Mapping[str, Sequence[str]] | None = None,
               expected: Mapping[Key, int] | None = None) -> CommitResult:
        """Apply the changes in one write transaction, audited (see Store.commit)."""
        check_commit_args(user, reason)
        prepared = prepare_records(changes)
        with self._lock, self._transaction("BEGIN IMMEDIATE") as conn:
            self._check_sighting(conn)
            result = _apply(conn, prepared, deletes or {}, expected or {}, user.strip(),
                            reason.strip(), validate)
            self._seen.version = result.version
            return result

    def undo(self, table: str, record_id: str, *, user: str,
             validate: Validator | None = None) -> CommitResult:
        """Undo the record's last change as a new, audited change."""
        return undo_last(self, table, record_id, user=user, validate=validate)

    def audit(self, table: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        """The audit trail, newest first, optionally of one table and/or record."""
        filters = audit_filters(table, record_id)
        with self._lock:
            rows = _gpkg_sql.read_audit(self._connection(), filters)
        return pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))

    def close(self) -> None:
        """Close the file's connection; later use raises StoreError."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

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
                raise StoreError(f"the store {self._path} failed: {_explain(exc)}") from exc
            raise


def _apply(conn: sqlite3.Connection, prepared: Mapping[str, list[Record]],
           deletes: Mapping[str, Sequence[str]], expected: Mapping[Key, int], user: str,
           reason: str, validate: Validator | None) -> CommitResult:
    """Plan, validate and write one commit inside the caller's write transaction."""
    stored = _gpkg_sql.read_records(conn, TABLES)  # read under the write lock: the plan cannot go stale
    plan = plan_commit(stored, prepared, deletes, _gpkg_sql.revisions(conn, expected), expected,
                       validate)
    version = _gpkg_sql.read_version(conn)
    if plan.changes:
        version += 1
        _write(conn, plan, version, user, reason)
    return CommitResult(plan.counts("insert"), plan.counts("update"),
                        {s.name: plan.unchanged.get(s.name, 0) for s in TABLES}, version,
                        plan.counts("delete"))


def _write(conn: sqlite3.Connection, plan: Plan, version: int, user: str, reason: str) -> None:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    for (table, action), changes in plan.groups().items():
        spec = SPECS[table]
        if action == "insert":  # audited by SQLite from the rows themselves (audit_inserts)
            last = _gpkg_sql.last_fid(conn, spec)
            _gpkg_sql.write_records(conn, spec, [c.after for c in changes], exists=False)
            _gpkg_sql.audit_inserts(conn, spec, last, (at, user, reason, version))
            continue
        if action == "delete":
            _gpkg_sql.delete_records(conn, spec, [c.record_id for c in changes])
        else:
            _gpkg_sql.write_records(conn, spec, [c.after for c in changes], exists=True)
        _gpkg_sql.write_audit(conn, [audit_entry(c, at, user, reason, version) for c in changes])
    for name in {c.table for c in plan.changes}:
        _gpkg_sql.set_bounds(conn, name, plan.merged[name].values())
    _gpkg_sql.write_version(conn, version)


def _connect(path: Path, data_dir: Path) -> sqlite3.Connection:
    # mode=rw: opening must never create an empty file where the store was expected.
    uri = path.resolve().as_uri() + "?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the store {path}: {exc}") from exc
    try:
        problem = _gpkg_sql.layout_problem(conn) or _gpkg_sql.update_columns(
            conn, TABLES, _fills(conn, data_dir))
        if not problem:
            conn.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
    except sqlite3.Error as exc:  # e.g. "file is not a database"
        problem = f"not a usable store ({exc})"
    if problem:
        conn.close()
        raise StoreError(f"{path} is {problem}. It is left as it is: `python -m parks store "
                         "check` says more, `python -m parks store restore BACKUP` puts a backup "
                         "back, or set HEZE_STORE_PATH to another file",
                         f"{path} 无法作为存储使用（{problem}），文件保持原样：运行 `python -m parks "
                         "store check` 查看原因，`python -m parks store restore 备份文件` 恢复备份，"
                         "或用 HEZE_STORE_PATH 指定另一个文件")
    return conn


def _fills(conn: sqlite3.Connection, data_dir: Path) -> list:
    """data/'s Chinese texts, read only for a store still holding a single-language column."""
    parks = {row[1] for row in conn.execute("PRAGMA table_info(parks)")}
    return bilingual_fills(data_dir) if parks & set(LEGACY_COLUMNS) else []


def _build(tmp: Path, records: Mapping[str, list[Record]]) -> None:
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        # A file nobody sees until it is published whole: no journal to keep, no sync to wait
        # for, and a page cache that holds the tables being filled (100k records: 15 s → 5 s).
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -131072"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        _gpkg_sql.create_store(conn, TABLES, datetime.now(UTC).isoformat(timespec="seconds"))
        _apply(conn, records, {}, {}, BASELINE_USER, BASELINE_REASON, None)
        _gpkg_sql.index_audit(conn)
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


def open_geopackage(path: Path, *, data_dir: Path = DATA_DIR) -> GeoPackageStore:
    """Open the GeoPackage store, creating it from the CSVs of data_dir on first run (atomically,
    audited). DataValidationError when the CSVs cannot be read; StoreError when the file at
    path is not a usable store."""
    target = Path(path)
    if not target.exists():
        tables, problems = read_csv_tables(data_dir)
        if problems:
            raise DataValidationError(problems)
        records = prepare_records(tables)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = sibling_tmp(target, ".building")
        try:
            _build(tmp, records)
            _publish(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + "-journal").unlink(missing_ok=True)
    return GeoPackageStore(target, data_dir)
