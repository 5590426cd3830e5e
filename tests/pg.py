"""The PostgreSQL test database: where it is, a fresh schema per test, and plain SQL on it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql

from parks.store.postgis import PostGISStore

ROOT = Path(__file__).resolve().parent.parent
URL_FILE = ROOT / ".cache" / "pg-test-url"  # written by scripts/setup.sh --dev
URL_ENV = "TEST_DATABASE_URL"
SKIP_ENV = "HEZE_SKIP_POSTGIS"
SETUP_HINT = (f"run scripts/setup.sh --dev (it installs PostgreSQL + PostGIS, starts it and writes "
              f"{URL_FILE.relative_to(ROOT)}), or set {URL_ENV}=postgresql://…, or set "
              f"{SKIP_ENV}=1 to skip the PostGIS tests")


def database_url() -> str | None:
    """TEST_DATABASE_URL, else the URL set-up wrote, else None."""
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    if URL_FILE.is_file():
        return URL_FILE.read_text(encoding="utf-8").strip() or None
    return None


def new_schema_name() -> str:
    return f"heze_test_{uuid.uuid4().hex[:12]}"


def with_schema(url: str, schema: str) -> str:
    """The URL with the schema as its search path: how a store is pointed at a schema."""
    options = urlencode({"options": f"-csearch_path={schema}"})
    return f"{url}{'&' if '?' in url else '?'}{options}"


def schema_of(dsn: str) -> str:
    return PostGISStore(dsn).schema  # parsed only: the constructor does not connect


def query(url: str, statement: str, params: tuple | None = None) -> list[tuple]:
    """Rows of one statement on a fresh autocommit connection (as another client would see)."""
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def schema_exists(url: str, schema: str) -> bool:
    return bool(query(url, "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)))


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET lock_timeout = '20s'")  # a test that left a transaction open fails loudly
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
