"""The working store: open_store() picks the backend; base, gpkg and postgis hold the rest."""

from __future__ import annotations

import os
from pathlib import Path

from parks.config import DATA_DIR
from parks.store.base import Store

STORE_PATH_ENV = "HEZE_STORE_PATH"
DATABASE_URL_ENV = "DATABASE_URL"
DEFAULT_STORE_PATH = DATA_DIR.parent / ".store" / "heze.gpkg"


def default_store_path() -> Path:
    """The GeoPackage path from HEZE_STORE_PATH, else the default under the app folder."""
    return Path(os.environ.get(STORE_PATH_ENV) or DEFAULT_STORE_PATH)


def open_store(location: Path | str | None = None, *, data_dir: Path = DATA_DIR) -> Store:
    """The store at `location`, else DATABASE_URL (PostGIS), else HEZE_STORE_PATH / .store/
    (GeoPackage); created from the CSVs of data_dir on first use."""
    target = location if location is not None else (os.environ.get(DATABASE_URL_ENV)
                                                    or default_store_path())
    if str(target).startswith(("postgresql://", "postgres://")):
        from parks.store.postgis import open_postgis  # imported here: psycopg only for PostGIS

        return open_postgis(str(target), data_dir=data_dir)
    from parks.store.gpkg import open_geopackage

    return open_geopackage(Path(target), data_dir=data_dir)
