"""Keeping a GeoPackage store safe: a consistent backup while the app runs, a check, a restore
and an explicit rebuild from data/, each of the last two keeping a backup of what it replaces."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from parks.config import DATA_DIR
from parks.model.schema import TABLES
from parks.store import _gpkg_sql
from parks.store.base import (
    StoreError,
    columns_problem,
    legacy_columns,
    quote,
    renamed,
    sibling_tmp,
)


@dataclass
class Checkup:
    """What `store check` found: the store's id, version and record counts, and every problem."""

    path: str
    store_id: str = ""
    version: int = 0
    records: dict[str, int] = field(default_factory=dict)
    regions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file is a whole, readable store of this app's layout."""
        return not self.problems


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def check(path: Path) -> Checkup:
    """Integrity, layout, format and columns of a GeoPackage store, read-only (never creates,
    never changes the file), and what it holds."""
    found = Checkup(str(path))
    if not Path(path).is_file():
        found.problems.append("no such file")
        return found
    try:
        with closing(_read_only(Path(path))) as conn:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                found.problems += [f"damaged: {line}" for line in integrity[:10]]
            if problem := _gpkg_sql.layout_problem(conn):
                found.problems.append(problem)
                return found
            _holdings(conn, found)
    except sqlite3.Error as exc:
        found.problems.append(f"not a readable store ({exc})")
    return found


def _holdings(conn: sqlite3.Connection, found: Checkup) -> None:
    row = conn.execute(f"SELECT value FROM {_gpkg_sql.META_TABLE} WHERE key = 'store_id'").fetchone()
    found.store_id = row[0] if row else ""
    found.version = _gpkg_sql.read_version(conn)
    present = {spec.name: [r[1] for r in conn.execute(f"PRAGMA table_info({quote(spec.name)})")
                           if r[1] not in ("fid", "geom")] for spec in TABLES}
    problem, _ = columns_problem(renamed(present, legacy_columns(present, TABLES)), TABLES)
    if problem:  # the check the store itself makes when it opens (an older layout is fine)
        found.problems.append(f"{problem}: made by a newer version?")
        return
    regions: set[str] = set()
    for spec in TABLES:
        found.records[spec.name] = conn.execute(
            f"SELECT count(*) FROM {quote(spec.name)}").fetchone()[0]
        if "region_adcode" in present[spec.name]:
            regions |= {r[0] for r in conn.execute(
                f"SELECT DISTINCT region_adcode FROM {quote(spec.name)}") if r[0]}
    found.regions = sorted(regions)


def backup(store: Path, out: Path | None = None) -> Path:
    """A consistent copy of the store (SQLite's online backup: other connections may keep
    writing), by default `backups/<name>-<UTC time>.gpkg` beside it; written under a temporary
    name and renamed, so a half copy never looks like a backup."""
    store = Path(store)
    if not store.is_file():
        raise StoreError(f"{store}: no store to back up")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = Path(out) if out else store.parent / "backups" / f"{store.stem}-{stamp}.gpkg"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = sibling_tmp(target, ".partial")
    try:
        with closing(_read_only(store)) as src, closing(sqlite3.connect(tmp)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
        tmp.replace(target)
    except sqlite3.Error as exc:
        raise StoreError(f"{store}: the backup failed ({exc}); nothing was written") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _put_in_place(source: Path, store: Path) -> None:
    """Copy `source` over the store by rename (a running app sees another file and refuses to
    save until restarted); the old store's -wal/-shm go with it, never applied to the new one."""
    tmp = sibling_tmp(store, ".restoring")
    try:
        with closing(_read_only(source)) as src, closing(sqlite3.connect(tmp)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        if check(store).ok:
            with closing(sqlite3.connect(store)) as old:  # its last WAL pages into the old file
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tmp.replace(store)
        for suffix in ("-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)


def restore(source: Path, store: Path) -> tuple[Path | None, Checkup]:
    """Put a backup back as the store, after keeping a backup of the current one; refused
    (StoreError, nothing changed) when the backup is damaged, of a newer layout, or holds none
    of the current store's regions. Returns the backup of the replaced store (None when there
    was none) and the backup's check."""
    found = check(Path(source))
    if not found.ok:
        raise StoreError(f"{source} cannot be restored: " + "; ".join(found.problems))
    current = check(Path(store))
    if current.ok and current.regions and not set(found.regions) & set(current.regions):
        raise StoreError(f"{source} holds records of region {', '.join(found.regions)}, not "
                         f"{', '.join(current.regions)}; nothing was restored")
    kept = _keep(Path(store)) if Path(store).is_file() else None
    _put_in_place(Path(source), Path(store))
    return kept, found


def _keep(store: Path) -> Path:
    """A backup of a readable store; an unreadable file is kept byte for byte, whatever it is."""
    if check(store).ok:
        return backup(store)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = store.parent / "backups" / f"{store.stem}-{stamp}-unusable{store.suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(store, target)
    return target


def rebuild(store: Path, data_dir: Path = DATA_DIR) -> Path | None:
    """A new store from data/'s CSVs in place of the current one, which is backed up first (the
    one way a store is ever made over another). Returns that backup (None when there was none)."""
    from parks.store.gpkg import open_geopackage

    store = Path(store)
    kept = _keep(store) if store.is_file() else None
    fresh = sibling_tmp(store, ".rebuilt")
    try:
        open_geopackage(fresh, data_dir=data_dir).close()
        _put_in_place(fresh, store)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)
    return kept
