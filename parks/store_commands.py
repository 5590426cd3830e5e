"""The command line's store upkeep: info, export, check, backup, restore and rebuild."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from parks.config import Settings
from parks.shape_commands import STORE_HELP
from parks.store.base import StoreError

_FILE_ONLY = ("backup", "restore", "rebuild")


def _show(store, last: int) -> None:
    tables = store.read_tables()
    print(f"{store.location} version {store.version()}: " + ", ".join(
        f"{name} {len(frame)}" for name, frame in tables.items()))
    print(store.audit().head(last).to_string(index=False))


def _export(store, args: argparse.Namespace) -> None:
    from parks.store.base import export_csv

    for path in export_csv(store, Path(args.folder or "data")):
        print(path)
    if args.outlines:
        from parks.files.baseline import outlines_geojson

        Path(args.outlines).write_text(outlines_geojson(store.read_tables()["parks"]),
                                       encoding="utf-8")
        print(args.outlines)
    if args.audit:
        from parks.files.baseline import audit_csv

        Path(args.audit).write_bytes(audit_csv(store.audit()))
        print(args.audit)


def _upkeep(args: argparse.Namespace, location: str, settings: Settings) -> int:
    """check, backup, restore, rebuild of a GeoPackage store (PostGIS has the database's own)."""
    from parks.store import upkeep

    if location.startswith(("postgresql://", "postgres://")) and args.action in _FILE_ONLY:
        raise StoreError(f"store {args.action} works on a GeoPackage store; for PostGIS use the "
                         "database's own pg_dump / pg_restore")
    path = Path(location)
    if args.action == "check":
        found = upkeep.check(path)
        print(json.dumps({**vars(found), "ok": found.ok}, ensure_ascii=False))
        return 0 if found.ok else 1
    if args.action == "backup":
        print(upkeep.backup(path, Path(args.folder) if args.folder else None))
        return 0
    if args.action == "restore":
        if not args.folder:
            raise StoreError("store restore needs the backup file: store restore BACKUP.gpkg")
        kept, found = upkeep.restore(Path(args.folder), path)
        print(f"restored {args.folder} (version {found.version}) as {path}; the replaced store "
              f"is kept as {kept or '(there was none)'}; running apps refuse to save until "
              "restarted")
        return 0
    kept = upkeep.rebuild(path, settings.data_dir)
    print(f"rebuilt {path} from {settings.data_dir}; the replaced store is kept as "
          f"{kept or '(there was none)'}")
    return 0


def cmd_store(args: argparse.Namespace, settings: Settings) -> int:
    """Inspect, export, check, back up, restore or rebuild the working store."""
    from parks.store import open_store

    location = str(args.store or settings.store_location)
    if args.action not in ("info", "export"):
        return _upkeep(args, location, settings)
    store = open_store(location, data_dir=settings.data_dir)
    try:
        if args.action == "export":
            _export(store, args)
        else:
            _show(store, args.last)
        return 0
    finally:
        store.close()


def add_store(sub: argparse._SubParsersAction) -> None:
    """The `store` sub-command's arguments."""
    sto = sub.add_parser("store", help="the working store: info and audit, export to CSV, "
                                       "check, backup, restore a backup, rebuild from data/")
    sto.add_argument("action", choices=("info", "export", "check", "backup", "restore", "rebuild"))
    sto.add_argument("folder", nargs="?", default=None,
                     help="export: folder for parks/enterprises/projects.csv (default data/); "
                          "backup: the backup file (default backups/ beside the store); "
                          "restore: the backup file to put back")
    sto.add_argument("--store", help=STORE_HELP)
    sto.add_argument("--last", type=int, default=10, help="info: audit rows to show")
    sto.add_argument("--outlines", help="export: also write the park outlines as this GeoJSON")
    sto.add_argument("--audit", help="export: also write the audit log as this CSV")
    sto.set_defaults(run=cmd_store)
