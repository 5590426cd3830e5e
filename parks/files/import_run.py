"""The command line's import: read a file, check its columns, preview, and commit only when asked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from parks.config import Settings
from parks.files.geocoder import address_geocoder
from parks.files.importing import (
    LEGACY_NOTE,
    ImportPreview,
    ImportSettings,
    commit_preview,
    needs_as_of,
    prepare_import,
)
from parks.files.uploads import HeaderMatch, match_headers, read_upload
from parks.model.schema import SPECS
from parks.model.validate import valid_as_of, validation_context
from parks.store import open_store
from parks.store.base import CommitResult


@dataclass(frozen=True)
class ImportOptions:
    """How a command-line import runs (the page asks the same through its controls)."""

    region: str
    user: str = "cli"
    as_of: str = ""  # the file's date, when it has no as_of column
    dry_run: bool = False
    partial: bool = False  # store the valid rows of a file with bad rows (else store none)
    accept_guesses: bool = False  # apply guessed column mappings (else refuse and list them)
    clear_empty: bool = False  # an empty cell clears the stored value (else keeps it)


@dataclass(frozen=True)
class ImportRun:
    """What one CLI import did: the preview, how columns were matched, and the commit (None if
    nothing was stored), and why nothing was stored when the file had bad rows."""

    preview: ImportPreview
    matches: tuple[HeaderMatch, ...]
    committed: CommitResult | None
    withheld: bool = False  # valid rows left unstored because others failed (no --partial)

    @property
    def failed(self) -> int:
        """Rows with errors plus problems of the file itself (no row number, or the header row)."""
        return self.preview.failed + sum(1 for p in self.preview.problems
                                         if p.row is None or p.row < 2)

    @property
    def text(self) -> str:
        """The report as plain text for a terminal."""
        lines = ["columns: " + ", ".join(
            f"{m.header} → {m.field or '(skipped)'}{'' if m.sure else ' (guessed)'}"
            + (f" ({LEGACY_NOTE.en})" if m.legacy else "") for m in self.matches)]
        lines += [f"file: {p}" for p in self.preview.problems if p.row is None or p.row < 2]
        report = self.preview.report  # columns as lists: itertuples steps through Arrow cells
        for row, status, rid, name, message, changes in zip(*(report[c].tolist() for c in (
                "row", "status", "id", "name", "message", "changes")), strict=True):
            lines.append(f"row {row}: {status} {rid} {name} — {message}"
                         + (f" [changes: {changes}]" if changes else ""))
        lines.append(f"{len(self.preview.records)} row(s) valid, {self.preview.failed} with "
                     f"errors; " + self._outcome())
        return "\n".join(lines)

    def _outcome(self) -> str:
        table = self.preview.table
        if self.committed:
            return (f"stored: {self.committed.inserted[table]} new, "
                    f"{self.committed.updated[table]} updated, "
                    f"{self.committed.unchanged[table]} unchanged")
        if self.withheld:
            return ("nothing stored: fix the rows with errors, or run again with --partial to "
                    f"store the {len(self.preview.records)} valid row(s) alone")
        return "nothing stored (dry run or nothing valid)"


def _guesses(matches: tuple[HeaderMatch, ...], path: Path) -> None:
    """ValueError listing every guessed column mapping: the command line cannot ask."""
    guessed = [f"{m.header} → {m.field}" for m in matches if not m.sure]
    if guessed:
        raise ValueError(f"{path.name}: these columns were matched by a guess: "
                         f"{'; '.join(guessed)}; check them and run again with --accept-guesses, "
                         "or rename the headers (python -m parks import --template shows them)")


def run_import(path: Path, kind: str, options: ImportOptions, settings: Settings,
               progress: Callable[[int, int], None] | None = None) -> ImportRun:
    """Import one CSV/XLSX file of `kind` records into the working store (unless a dry run),
    with the store, data folder, boundary cache and online geocoder of `settings`; ValueError
    when the file has no as_of column and no date is given, or a column mapping is a guess."""
    upload = read_upload(path.read_bytes(), path.name)
    matches = tuple(match_headers(list(upload.frame.columns), SPECS[kind], upload.frame))
    mapping = {m.header: m.field for m in matches}
    if needs_as_of(mapping) and not valid_as_of(options.as_of, date.today()):
        raise ValueError(f"{path.name} has no as_of (数据日期) column: give the file's date with "
                         f"--as-of YYYY[-MM[-DD]] (not after today), never the import day")
    if not options.accept_guesses:
        _guesses(matches, path)
    store = open_store(settings.store_location, data_dir=settings.data_dir)
    try:
        ctx = validation_context(settings.data_dir, cache_dir=settings.cache_dir)
        defaults = ImportSettings(kind, options.region, f"import: {path.name}", options.as_of,
                                  clear_empty=options.clear_empty)
        locate = address_geocoder(options.region, settings.services, data_dir=settings.data_dir)
        preview = prepare_import(upload, mapping, defaults, locate_address=locate, ctx=ctx,
                                 stored=store.read_tables(), progress=progress)
        run = ImportRun(preview, matches, None)
        withheld = run.failed > 0 and not options.partial
        if options.dry_run or withheld or not len(preview.records):
            return ImportRun(preview, matches, None, withheld and not options.dry_run)
        committed = commit_preview(store, preview, user=options.user,
                                   reason=f"import {path.name}", ctx=ctx)
        return ImportRun(preview, matches, committed)
    finally:
        store.close()
