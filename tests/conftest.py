"""Shared fixtures: the data folder, the curated dataset, a boundary cache, a synthetic OSM archive
and working-store backends."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests import pg

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
REFERENCE_FILES = ("industries.csv", "targets.csv", "towns.csv", "county_seats.csv", "sources.csv")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Boundary cache shared by the session (built once from the installed package)."""
    return tmp_path_factory.mktemp("boundary-cache")


@pytest.fixture(scope="session")
def heze(cache_dir: Path):
    """The curated Heze dataset from data/, loaded once; tests read it and never change it."""
    from parks.model.dataset import load_dataset

    return load_dataset("371700", cache_dir=cache_dir)


@pytest.fixture(scope="session")
def region_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An OSM archive of the synthetic Heze-style region (tests/osm_fixture.py), built once."""
    from geo.osm_archive import build_basemap
    from tests.osm_fixture import REGION_BOX, region_heze_pbf

    folder = tmp_path_factory.mktemp("synthetic-archive")
    pbf = region_heze_pbf(folder / "synthetic-region.osm.pbf")
    build_basemap(pbf, folder / "synthetic-region.pmtiles", REGION_BOX)
    return folder / "synthetic-region.pmtiles"


@pytest.fixture(scope="session")
def tiny_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An OSM archive (zooms 5-14) of the one-of-each synthetic extract, built once."""
    from geo.osm_archive import build_basemap
    from tests.osm_fixture import tiny_heze_pbf

    folder = tmp_path_factory.mktemp("synthetic-tiny")
    out = folder / "tiny.pmtiles"
    build_basemap(tiny_heze_pbf(folder / "synthetic.osm.pbf"), out, (115.3, 35.1, 115.6, 35.3),
                  max_zoom=14)
    return out


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (records included) for tests that break files on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


# ---- working-store backends: every shared store test runs on GeoPackage and on PostGIS ----

BACKENDS = ("gpkg", "postgis")


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The test database's URL; fails (not skips) without one unless HEZE_SKIP_POSTGIS=1."""
    if os.environ.get(pg.SKIP_ENV) == "1":
        pytest.skip(f"{pg.SKIP_ENV}=1: PostgreSQL + PostGIS tests skipped")
    url = pg.database_url()
    if url is None:
        pytest.fail(f"no PostgreSQL test database: {pg.SETUP_HINT}", pytrace=False)
    try:
        pg.query(url, "SELECT 1")
    except psycopg.Error as exc:
        pytest.fail(f"the PostgreSQL test database does not answer ({' '.join(str(exc).split())}): "
                    f"{pg.SETUP_HINT}", pytrace=False)
    return url


@pytest.fixture
def pg_dsn(pg_url: str) -> Iterator[str]:
    """A DSN naming a schema of its own (created by the store, dropped afterwards)."""
    schema = pg.new_schema_name()
    yield pg.with_schema(pg_url, schema)
    pg.drop_schema(pg_url, schema)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where a fresh store of the backend goes: a file path or a DSN with a new schema."""
    if backend == "gpkg":
        return tmp_path / "store" / "heze.gpkg"
    return request.getfixturevalue("pg_dsn")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's GeoPackage store goes (not created yet)."""
    return tmp_path / "store" / "heze.gpkg"


@pytest.fixture
def gpkg_store(store_path: Path, data_copy: Path):
    """A fresh GeoPackage store built from data_copy."""
    from parks.store import open_store

    with open_store(store_path, data_dir=data_copy) as opened:
        yield opened
