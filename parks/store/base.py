"""The working store: one interface, planned commits and undo shared by every backend."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Self

import pandas as pd

from geo.crs import gcj02_to_wgs84
from parks.errors import DataValidationError, Problem
from parks.model.dataset import read_table
from parks.model.schema import SPECS, TABLES, Record, TableSpec, legacy_renames
from parks.model.text_rules import inert, record_problems
from parks.model.vocab import APPROXIMATE, LOCATED

BASELINE_USER = "baseline"
BASELINE_REASON = "created from data/ CSVs"
AUDIT_COLUMNS = ("seq", "at", "user", "reason", "table_name", "record_id", "action", "before",
                 "after", "version")

Validator = Callable[[dict[str, pd.DataFrame]], list[Problem]]
Key = tuple[str, str]  # (table, record id)
# One encoder for every audit row (json.dumps makes a new one per call: 0.2 s of 1.5 s at 100k),
# compact: the very text SQLite's json_object writes, so a store may build its insert rows' audit
# in SQL (parks/store/_gpkg_sql.audit_inserts) and every row of the audit reads alike.
AUDIT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class StoreError(RuntimeError):
    """The store cannot be used: not a store of this app, locked, read-only, full, closed, or
    replaced underneath; `zh` says it in Chinese where a planner reads it."""

    def __init__(self, message: str, zh: str = "") -> None:
        super().__init__(message)
        self.zh = zh

    def said(self, lang: str) -> str:
        """The message in the interface language (English where no Chinese is written)."""
        return self.zh if lang == "zh" and self.zh else str(self)


class ConflictError(StoreError):
    """Someone else saved the record since it was read; nothing was written."""

    def __init__(self, conflicts: Sequence[tuple[str, str, int, int]]) -> None:
        self.conflicts = tuple(conflicts)  # (table, id, expected revision, current revision)
        ids = ", ".join(f"{t}/{i}" for t, i, _, _ in self.conflicts)
        super().__init__(f"changed by someone else since you opened it: {ids}; reload, check "
                         f"their change, then save again")


@dataclass(frozen=True)
class CommitResult:
    """Counts per table of one commit and the store version after it."""

    inserted: Mapping[str, int]
    updated: Mapping[str, int]
    unchanged: Mapping[str, int]
    version: int
    deleted: Mapping[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        """Number of records inserted, updated or deleted, over all tables."""
        return (sum(self.inserted.values()) + sum(self.updated.values())
                + sum(self.deleted.values()))


class Store(Protocol):
    """What pages, importers and editors need from a store: GeoPackage or PostGIS."""

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

    def store_id(self) -> str:
        """The store's identity, given at creation: a copy keeps it, another store differs."""
        ...

    def revision(self, table: str, record_id: str) -> int:
        """The audit sequence number of the record's last change (0 when it has none)."""
        ...

    def commit(self, changes: Mapping[str, pd.DataFrame], *, user: str, reason: str,
               validate: Validator | None = None,
               deletes: Mapping[str, Sequence[str]] | None = None,
               expected: Mapping[Key, int] | None = None) -> CommitResult:
        """Insert, update (by id) and delete records, atomically and audited.

        Identical rows write nothing. `expected` maps (table, id) to the revision the editor read:
        if any has moved on, ConflictError and nothing is written. `validate` gets the merged
        tables before any write; its problems raise DataValidationError and nothing is written.
        """
        ...

    def undo(self, table: str, record_id: str, *, user: str,
             validate: Validator | None = None) -> CommitResult:
        """Undo the record's last change (itself a new, audited change)."""
        ...

    def audit(self, table: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        """The audit trail (AUDIT_COLUMNS), newest first, optionally of one table and/or record."""
        ...

    def close(self) -> None:
        """Release the store's connections; a closed store raises StoreError when used."""
        ...

    def __enter__(self) -> Self:
        """The store itself: `with open_store(…) as store:` closes it on the way out."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ---- commits: planning, auditing ----

@dataclass(frozen=True)
class Change:
    """One audited change of one record; before/after are None for an insert/delete."""

    table: str
    record_id: str
    action: str  # insert, update, delete
    before: Record | None
    after: Record | None


@dataclass(frozen=True)
class Plan:
    """What a commit will write, worked out (and validated) before anything is written."""

    changes: tuple[Change, ...]
    unchanged: Mapping[str, int]
    merged: dict[str, dict[str, Record]]

    def groups(self) -> dict[tuple[str, str], list[Change]]:
        """(table, action) → its changes in plan order; deletes come last in a plan, so writing
        group by group has the plan's effect."""
        out: dict[tuple[str, str], list[Change]] = {}
        for change in self.changes:
            out.setdefault((change.table, change.action), []).append(change)
        return out

    def counts(self, action: str) -> dict[str, int]:
        """Table name → number of changes with this action ("insert", "update" or "delete")."""
        return {spec.name: sum(1 for c in self.changes if c.table == spec.name
                               and c.action == action) for spec in TABLES}


def plan_commit(stored: Mapping[str, Mapping[str, Record]], prepared: Mapping[str, list[Record]],
                deletes: Mapping[str, Sequence[str]], revisions: Mapping[Key, int],
                expected: Mapping[Key, int], validate: Validator | None) -> Plan:
    """The changes a commit makes to `stored`; raises ConflictError or DataValidationError first."""
    conflicts = [(t, i, want, revisions.get((t, i), 0)) for (t, i), want in expected.items()
                 if revisions.get((t, i), 0) != want]
    if conflicts:
        raise ConflictError(conflicts)
    changes, unchanged = [], {}
    for name, records in prepared.items():
        before = stored[name]
        same = [r for r in records if before.get(r["id"]) == r]
        unchanged[name] = len(same)
        changes += [Change(name, r["id"], "update" if r["id"] in before else "insert",
                           before.get(r["id"]), r) for r in records if before.get(r["id"]) != r]
    for name, ids in deletes.items():
        changes += [Change(name, rid, "delete", stored[name][rid], None)
                    for rid in dict.fromkeys(ids) if rid in stored[name]]
    merged = {name: dict(by_id) for name, by_id in stored.items()}
    for change in changes:
        if change.after is None:
            merged[change.table].pop(change.record_id, None)
        else:
            merged[change.table][change.record_id] = change.after
    merged = {name: dict(sorted(by_id.items())) for name, by_id in merged.items()}
    if text := record_problems((c.table, c.record_id, c.after) for c in changes if c.after):
        raise DataValidationError(text)
    if changes and validate is not None:
        problems = validate(frames(merged))
        if problems:
            raise DataValidationError(problems)
    return Plan(tuple(changes), unchanged, merged)


def frames(records: Mapping[str, Mapping[str, Record]]) -> dict[str, pd.DataFrame]:
    """Records by table and id as text frames with the schema's columns."""
    return {name: pd.DataFrame([list(r.values()) for r in by_id.values()],
                               columns=list(SPECS[name].names), dtype=str)
            for name, by_id in records.items()}


def undo_plan(table: str, record_id: str,
              last: Mapping[str, object] | None) -> tuple[dict[str, pd.DataFrame], dict]:
    """Changes and deletes that undo the record's last audited change."""
    if last is None:
        raise StoreError(f"{table}/{record_id} has no change to undo")
    before = json.loads(last["before"]) if last["before"] else None
    if before is not None:  # audited before the bilingual split: its English text is <field>_en
        before = {legacy_renames(before).get(k, k): v for k, v in before.items()}
    if last["action"] == "insert" or before is None:
        return {}, {table: [record_id]}
    return {table: pd.DataFrame([before], columns=list(SPECS[table].names))}, {}


def undo_last(store: Store, table: str, record_id: str, *, user: str,
              validate: Validator | None = None) -> CommitResult:
    """Undo the record's last audited change through the store's own audit and commit (both
    backends): refused if anyone changed the record since."""
    last = store.audit(table, record_id)
    row = None if last.empty else last.iloc[0].to_dict()
    changes, deletes = undo_plan(table, record_id, row)
    expected = {(table, record_id): int(row["seq"])}  # nobody may have changed it meanwhile
    return store.commit(changes, user=user, reason=f"undo change {row['seq']}",
                        validate=validate, deletes=deletes, expected=expected)


def audit_filters(table: str | None, record_id: str | None) -> dict[str, str]:
    """Audit column → value to match; ValueError for a table the store does not have."""
    if table is not None and table not in SPECS:
        raise ValueError(f"unknown table {table!r}; tables: {', '.join(SPECS)}")
    return {col: value for col, value in (("table_name", table), ("record_id", record_id))
            if value is not None}


def audit_entry(change: Change, at: str, user: str, reason: str, version: int) -> tuple:
    """The values of AUDIT_COLUMNS after seq for one change."""
    dump = lambda r: None if r is None else AUDIT_JSON(r)  # noqa: E731
    return (at, user, reason, change.table, change.record_id, change.action, dump(change.before),
            dump(change.after), version)


def check_commit_args(user: str, reason: str) -> None:
    """Raise ValueError when the user or the reason is blank (the audit trail needs both)."""
    for label, value in (("user", user), ("reason", reason)):
        if not value or not value.strip():
            raise ValueError(f"a commit needs a non-empty {label} for the audit trail")


# ---- choosing, exporting ----


def sibling_tmp(target: Path, suffix: str) -> Path:
    """A unique name next to the target (same file system, so the final rename is atomic)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}{suffix}")


def _in_file_order(frame: pd.DataFrame, existing_csv: Path, spec: TableSpec) -> pd.DataFrame:
    """Rows in the order of the file being replaced, new ids after: a diff shows only edits."""
    existing, problems = read_table(existing_csv, spec)
    if problems or "id" not in existing.columns:
        return frame
    present = set(frame["id"])
    kept = [rid for rid in dict.fromkeys(existing["id"]) if rid in present]
    order = kept + [rid for rid in frame["id"] if rid not in set(kept)]
    return frame.set_index("id", drop=False).loc[order].reset_index(drop=True)


def export_csv(store: Store, folder: Path) -> list[Path]:
    """Write the three tables as UTF-8 CSVs (schema column order, LF) into folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = store.read_tables()
    written = []
    for spec in TABLES:
        target = folder / spec.file
        frame = _in_file_order(tables[spec.name], target, spec).map(inert)  # read_table revives
        tmp = sibling_tmp(target, ".tmp")
        try:
            with tmp.open("x", encoding="utf-8", newline="") as handle:
                frame.to_csv(handle, index=False, lineterminator="\n")
            tmp.replace(target)  # a half-written curated file must never replace a good one
        finally:
            tmp.unlink(missing_ok=True)
        written.append(target)
    return written


Point = tuple[float, float]
GEOMETRY_PRECISIONS = LOCATED - APPROXIMATE  # records stored with a point geometry


def format_problem(found: str | None, expected: str) -> str | None:
    """Why a store written in format `found` cannot be read by this app (format `expected`), or None."""
    if found != expected:
        return f"store format {found!r}, but this app reads format {expected!r}"
    return None


def columns_problem(present: Mapping[str, Sequence[str]], specs: Sequence[TableSpec]
                    ) -> tuple[str | None, list[tuple[str, str]]]:
    """Compare a store's record columns (table → names, geometry left out) with the schema.

    Returns why the tables are not of this schema (or None) and the (table, column) pairs the
    schema gained since the store was made, which the backend adds empty.
    """
    wrong, missing = [], []
    for spec in specs:
        columns = present.get(spec.name, [])
        extra = [c for c in columns if c not in spec.names]
        if not columns or extra:
            wrong.append(f"{spec.name}: " + (f"unknown {', '.join(extra)}" if columns else "no such table"))
        missing += [(spec.name, c) for c in spec.names if c not in columns]
    if wrong:
        return "not of this schema (" + "; ".join(wrong) + ")", []
    return None, missing


def legacy_columns(present: Mapping[str, Sequence[str]], specs: Sequence[TableSpec]
                   ) -> list[tuple[str, str, str]]:
    """(table, old, new) for each single-language column of a store made before the bilingual
    split (area_basis, recognition): the backend renames it to <field>_en (its text is English)."""
    return [(spec.name, old, new) for spec in specs
            for old, new in legacy_renames(present.get(spec.name, ())).items() if new in spec.names]


def renamed(present: Mapping[str, Sequence[str]], renames: Sequence[tuple[str, str, str]]
            ) -> dict[str, list[str]]:
    """`present` as it will be after `renames` (from legacy_columns)."""
    new = {(table, old): name for table, old, name in renames}
    return {table: [new.get((table, c), c) for c in columns] for table, columns in present.items()}


def quote(name: str) -> str:
    """An SQL identifier, double-quoted, so column names never need to be SQL-safe words."""
    return '"' + name.replace('"', '""') + '"'


def record_point(record: Mapping[str, str]) -> Point | None:
    """The WGS-84 point stored as geometry: only surveyed/digitised records with a readable lon/lat."""
    if record.get("precision") not in GEOMETRY_PRECISIONS:
        return None
    try:
        lon, lat = float(record.get("lon", "")), float(record.get("lat", ""))
    except ValueError:
        return None  # not validated yet; the loader reports the bad number, the store just skips it
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    if record.get("crs") == "GCJ02":
        wgs_lon, wgs_lat = gcj02_to_wgs84(lon, lat)
        return float(wgs_lon), float(wgs_lat)
    return lon, lat
