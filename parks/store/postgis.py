"""The shared store: PostgreSQL + PostGIS tables in one schema, for many users on many machines."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pandas as pd
import psycopg
from psycopg import pq
from psycopg.conninfo import conninfo_to_dict

from parks.config import DATA_DIR
from parks.store._postgis_sql import (
    apply_records,
    baseline_records,
    create_store,
    dsn_schema,
    has_store,
    layout_problem,
    read_audit,
    read_records,
    read_version,
    redact,
    revisions,
    store_id,
)
from parks.store.base import (
    AUDIT_COLUMNS,
    CommitResult,
    Key,
    Store,
    StoreError,
    Validator,
    audit_filters,
    check_commit_args,
    frames,
    undo_last,
)
from parks.store.intake import prepare_records
from parks.store.sighting import Sighting
from parks.store.translations import bilingual_fills

DEFAULT_SCHEMA = "heze"
POOL_SIZE = 4  # connections per store object (one per app process), borrowed per call
_LOCK_CLASS = 0x48455A45  # 'HEZE': first key of our advisory locks, apart from other apps' locks
_CONNECT_TIMEOUT_S = 10
_PLAIN = {"25006": "the store is read-only",  # SQLSTATE → plain words
          "42501": "the store is read-only for this database user",
          "53100": "the database disk is full",
          "55P03": "another session holds the store's write lock"}
# Our tables are always named with their schema; the search path is for PostGIS's types.
_SET_PATH = ("SELECT set_config('search_path', format('%%I, %%s', %s::text, coalesce((SELECT "
             "extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgis'), "
             "'public')), false)")


class PostGISStore(Store):
    """A store in one schema of a PostGIS database; threads borrow connections from a small pool."""

    def __init__(self, dsn: str, *, schema: str | None = None, pool_size: int = POOL_SIZE) -> None:
        try:
            params = conninfo_to_dict(dsn)
        except psycopg.Error:  # libpq's message may quote the DSN, password and all
            raise StoreError("not a PostgreSQL connection URL; expected "
                             "postgresql://user:password@host:port/database") from None
        self._dsn = dsn
        self._schema = schema or dsn_schema(params) or DEFAULT_SCHEMA
        self._location = redact(params, self._schema)
        self._address = f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"
        self._pool = _Pool(self._connect, pool_size, f"the store {self._location} is closed")
        self._seen = Sighting(None, "", 0)  # what ensure() finds

    @property
    def schema(self) -> str:
        """The PostgreSQL schema that holds this store's tables."""
        return self._schema

    @property
    def location(self) -> str:
        """The DSN with its password left out."""
        return self._location

    def read_tables(self) -> dict[str, pd.DataFrame]:
        """The three record tables, read in one repeatable-read transaction (one snapshot)."""
        with self._session() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return frames(read_records(conn, self._schema))

    def version(self) -> int:
        """The store version kept in the schema's meta table."""
        with self._session(transaction=False) as conn:
            return read_version(conn, self._schema)

    def store_id(self) -> str:
        """The store's identity kept in the schema's meta table, as read when it was opened
        (every commit checks it is still the same: no query on every page run)."""
        return self._seen.store_id

    def revision(self, table: str, record_id: str) -> int:
        """The audit sequence number of the record's last change (0 when it has none)."""
        with self._session(transaction=False) as conn:
            return revisions(conn, self._schema, [(table, record_id)]).get((table, record_id), 0)

    def commit(self, changes: Mapping[str, pd.DataFrame], *, user: str, reason: str,
               validate: Validator | None = None,
               deletes: Mapping[str, Sequence[str]] | None = None,
               expected: Mapping[Key, int] | None = None) -> CommitResult:
        """Apply the changes in one transaction, audited (see Store.commit)."""
        check_commit_args(user, reason)
        prepared = prepare_records(changes)
        with self._session() as conn:
            now = Sighting(None, store_id(conn, self._schema),
                           read_version(conn, self._schema, "FOR UPDATE"))
            if (problem := self._seen.problem(now)) is not None:
                raise problem  # the schema was dropped and made again, or an old copy put back
            result = apply_records(conn, self._schema, prepared, deletes or {}, expected or {},
                                   user.strip(), reason.strip(), validate)
        self._seen.version = max(self._seen.version, result.version)
        return result

    def undo(self, table: str, record_id: str, *, user: str,
             validate: Validator | None = None) -> CommitResult:
        """Undo the record's last change as a new, audited change."""
        return undo_last(self, table, record_id, user=user, validate=validate)

    def audit(self, table: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        """The audit trail, newest first, optionally of one table and/or record."""
        filters = audit_filters(table, record_id)
        with self._session(transaction=False) as conn:
            rows = read_audit(conn, self._schema, filters)
        return pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))

    def ensure(self, data_dir: Path) -> None:
        """Create the store from data_dir's CSVs unless it exists; add columns the schema gained."""
        with self._session(transaction=False) as conn:
            exists = has_store(conn, self._schema)
        records = None if exists else baseline_records(data_dir)  # CSV problems: nothing is created
        with self._session() as conn:
            # Two first starts at once: the second waits here, then finds the first one's store.
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_LOCK_CLASS, self._schema))
            if not has_store(conn, self._schema):
                create_store(conn, self._schema, records or baseline_records(data_dir))
            elif problem := layout_problem(conn, self._schema, bilingual_fills(data_dir)):
                raise StoreError(f"schema {self._schema} of {self._location} is {problem}. It is "
                                 "left as it is: `python -m parks store check` says more; or "
                                 "choose another schema")
            self._seen = Sighting(None, store_id(conn, self._schema),
                                  read_version(conn, self._schema))

    def close(self) -> None:
        """Close the connection pool; later use raises StoreError."""
        self._pool.close()

    def __repr__(self) -> str:
        return f"PostGISStore({self._location!r})"

    def _connect(self) -> psycopg.Connection:
        try:
            conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as exc:  # refused, unknown host, wrong password …
            raise StoreError(f"cannot reach the database at {self._address} "
                             f"({' '.join(str(exc).split())})") from None
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
        detail, plain = " ".join(str(exc).split()), _PLAIN.get(exc.sqlstate or "")
        if plain:
            return StoreError(f"{plain} ({self._location}: {detail}); nothing was written")
        return StoreError(f"the store {self._location} failed: {detail}")


class _Pool:
    """Up to `size` connections, opened on demand and reused; a broken one is dropped."""

    # Not one shared connection under a lock: PostgreSQL runs sessions' reads side by side and
    # serialises commits itself (a row lock), so one slow save never stalls every other page.

    def __init__(self, connect: Callable[[], psycopg.Connection], size: int, closed: str) -> None:
        self._connect, self._closed_message = connect, closed
        self._slots, self._lock = threading.BoundedSemaphore(size), threading.Lock()
        self._idle: list[psycopg.Connection] = []
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        with self._slots:  # more threads than slots wait here
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
        reusable = not conn.closed and conn.info.transaction_status == pq.TransactionStatus.IDLE
        with self._lock:
            if reusable and not self._closed:
                self._idle.append(conn)
                return
        conn.close()  # broken, or mid-transaction after an error, or the store was closed

    def close(self) -> None:
        with self._lock:
            self._closed, idle, self._idle = True, self._idle, []
        for conn in idle:
            conn.close()


def open_postgis(dsn: str, *, data_dir: Path = DATA_DIR, schema: str | None = None) -> PostGISStore:
    """Open the PostGIS store (schema from the argument, the DSN's search_path, else "heze"),
    creating it from the CSVs of data_dir on first use, in one audited transaction.
    DataValidationError when the CSVs cannot be read; StoreError when the database cannot be used."""
    store = PostGISStore(dsn, schema=schema)
    try:
        store.ensure(Path(data_dir))
    except BaseException:
        store.close()
        raise
    return store




