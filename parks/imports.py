"""The whole import, as the command line runs it: read, map, geocode, validate, commit, report."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from parks.config import DEFAULT_CONFIG
from parks.geocoding import address_geocoder
from parks.headers import HeaderMatch, match_headers
from parks.importers import ImportPreview, ImportSettings, prepare_import
from parks.load import SPECS, validate_tables, validation_context
from parks.store import CommitResult, Store, open_store
from parks.uploads import read_upload


@dataclass(frozen=True)
class ImportRun:
    preview: ImportPreview
    matches: tuple[HeaderMatch, ...]
    committed: CommitResult | None

    @property
    def failed(self) -> int:
        return self.preview.failed + sum(1 for p in self.preview.problems
                                         if p.row is None or p.row < 2)

    @property
    def text(self) -> str:
        """The report as plain text for a terminal."""
        lines = ["columns: " + ", ".join(
            f"{m.header} → {m.field or '(skipped)'}{'' if m.sure else ' (guessed)'}"
            for m in self.matches)]
        for p in self.preview.problems:
            if p.row is None or p.row < 2:
                lines.append(f"file: {p}")
        for row in self.preview.report.itertuples(index=False):
            lines.append(f"row {row.row}: {row.status} {row.id} {row.name} — {row.message}")
        ok = len(self.preview.records)
        lines.append(f"{ok} row(s) valid, {self.preview.failed} with errors; " + (
            f"stored: {self.committed.inserted[self.preview.table]} new, "
            f"{self.committed.updated[self.preview.table]} updated, "
            f"{self.committed.unchanged[self.preview.table]} unchanged"
            if self.committed else "nothing stored (dry run or nothing valid)"))
        return "\n".join(lines)


def commit_preview(store: Store, preview: ImportPreview, *, user: str, reason: str,
                   data_dir: Path | None = None) -> CommitResult:
    """Store the valid rows in one transaction; the merged tables are validated first, so
    nothing invalid (and nothing half) is ever written."""
    ctx = validation_context(data_dir or DEFAULT_CONFIG.data_dir)
    return store.commit({preview.table: preview.records}, user=user, reason=reason,
                        validate=lambda merged: validate_tables(merged, ctx))


def run_import(path: Path, kind: str, *, region: str, dry_run: bool, store_path: Path | None,
               user: str, as_of: str, online: Mapping[str, str] | None = None,
               progress: Callable[[int, int], None] | None = None) -> ImportRun:
    """Import one CSV/XLSX file of `kind` records into the working store (unless dry_run).

    `online`: geocoder settings (geocoder, amap_key, …); offline when empty."""
    upload = read_upload(path.read_bytes(), path.name)
    matches = tuple(match_headers(list(upload.frame.columns), SPECS[kind]))
    mapping = {m.header: m.field for m in matches}
    store = open_store(store_path)
    try:
        ctx = validation_context(DEFAULT_CONFIG.data_dir)
        settings = ImportSettings(kind, region, f"import: {path.name}", as_of)
        preview = prepare_import(upload, mapping, settings,
                                 locate_address=address_geocoder(region, online or {}), ctx=ctx,
                                 stored=store.read_tables(), progress=progress)
        committed = None
        if not dry_run and len(preview.records):
            committed = commit_preview(store, preview, user=user, reason=f"import {path.name}")
        return ImportRun(preview, matches, committed)
    finally:
        store.close()
