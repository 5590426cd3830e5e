"""The working store: open_store() picks the backend.

base          the Store interface, commit planning, undo, audit, CSV export
gpkg          GeoPackageStore (its SQL in _gpkg_sql)
postgis       PostGISStore and its pool (its SQL and DSN handling in _postgis_sql)
accounts      editor accounts: scrypt hashes, roles, login throttle
"""

from __future__ import annotations

from pathlib import Path

from parks.config import DATA_DIR
from parks.store.base import Store


def open_store(location: Path | str, *, data_dir: Path = DATA_DIR) -> Store:
    """The store at `location` (Settings.store_location): a postgresql:// URL (PostGIS) or a
    GeoPackage file; created from the CSVs of data_dir on first use."""
    if str(location).startswith(("postgresql://", "postgres://")):
        from parks.store.postgis import open_postgis  # imported here: psycopg only for PostGIS

        return open_postgis(str(location), data_dir=data_dir)
    from parks.store.gpkg import open_geopackage

    return open_geopackage(Path(location), data_dir=data_dir)
