"""The size limits an uploaded table must keep, checked in an XLSX's ZIP before openpyxl opens it.

openpyxl builds every cell of every sheet in memory, padding rows to the widest one: a 5 KB
workbook with one cell at XFD1048576 asks for 17 billion cells (MemoryError after 90 s), and a
310 KB workbook holding one 300 MB string peaked at 3.5 GB. So the sheets' XML is streamed first
in 1 MB pieces, never held whole, counting what openpyxl would build.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from types import MappingProxyType

MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000  # rows × columns, as openpyxl pads them
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_XML_MB = 400  # a sheet's XML unpacked (100k rows × 30 columns is ~120 MB)
MAX_OTHER_MB = 100  # shared strings, styles and every other part of the workbook
LIMITS = MappingProxyType({
    "rows": (MAX_ROWS, "data rows of one sheet or CSV"),
    "columns": (MAX_COLUMNS, "columns of one sheet or CSV"),
    "cells": (MAX_CELLS, "rows × columns of one sheet (empty cells count: Excel's grid is kept)"),
    "cell_chars": (MAX_CELL_CHARS, "characters in one cell (Excel's own limit)"),
    "xml_mb": (MAX_XML_MB, "MB of one sheet's XML once unpacked"),
    "other_mb": (MAX_OTHER_MB, "MB of any other part of the workbook once unpacked"),
})
_CHUNK = 1 << 20
_CELL_REF = re.compile(rb"<c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW_REF = re.compile(rb"<row\b[^>]*?\br=\"([0-9]{1,7})\"")
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_FORMULA = re.compile(rb"<f[\s/>]")  # a cell's formula element (never <font>, <fill>: other parts)


@dataclass
class _Scan:
    """What one part's XML holds so far: bytes, the farthest row and column, the longest text."""

    bytes: int = 0
    rows: int = 0
    columns: int = 0
    run: int = 0  # bytes since the last '<': the text of one cell still being read
    longest: int = 0
    formulas: bool = False  # a cell holds a formula (<f>): only openpyxl's reader tells which


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _feed(scan: _Scan, piece: bytes) -> None:
    scan.bytes += len(piece)
    refs = _CELL_REF.findall(piece)
    # the few distinct column letters, and the rows' numbers in C: a loop over every cell took
    # 12 of a 100k-row import's 190 profiled seconds
    scan.columns = max([scan.columns, *map(_column_number, {letters for letters, _ in refs})])
    scan.rows = max([scan.rows, *map(int, [row for _, row in refs]),
                     *map(int, _ROW_REF.findall(piece))])
    scan.formulas = scan.formulas or _FORMULA.search(piece) is not None
    last = piece.rfind(b"<")
    if last < 0:
        scan.run += len(piece)
    else:
        first = piece.find(b"<")
        scan.longest = max(scan.longest, scan.run + first,
                           max((len(t) for t in piece[first:last].split(b"<")), default=0))
        scan.run = len(piece) - last
    scan.longest = max(scan.longest, scan.run)


def _scan(book: zipfile.ZipFile, name: str, limit_bytes: int) -> _Scan:
    """Stream one part; stop as soon as it passes a limit (never more than one piece held)."""
    scan, tail = _Scan(), b""
    with book.open(name) as stream:
        while piece := stream.read(_CHUNK):
            _feed(scan, tail + piece)  # the tail: a reference cut between two pieces
            scan.bytes -= len(tail)
            tail = piece[-64:]
            if scan.bytes > limit_bytes or scan.longest > MAX_CELL_CHARS * 4 + 64 or (
                    scan.rows * scan.columns > MAX_CELLS):
                break
    return scan


@dataclass(frozen=True)
class WorkbookScan:
    """What streaming an XLSX found: every limit it passes, in words ([] when none), and whether
    any sheet holds a formula."""

    problems: list[str]
    formulas: bool


def scan_workbook(data: bytes) -> WorkbookScan:
    """Stream every part of an XLSX once, without opening it as a workbook."""
    problems, formulas = [], False
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for info in book.infolist():
            sheet = bool(_SHEET.fullmatch(info.filename))
            limit = (MAX_XML_MB if sheet else MAX_OTHER_MB) * 1_000_000
            scan = _scan(book, info.filename, limit)
            where = info.filename.removeprefix("xl/worksheets/").removesuffix(".xml")
            if scan.bytes > limit:
                problems.append(f"{where}: more than {limit // 1_000_000} MB once unpacked")
            if scan.longest > MAX_CELL_CHARS * 4 + 64:  # UTF-8: up to 4 bytes a character
                problems.append(f"{where}: a cell longer than {MAX_CELL_CHARS:,} characters")
            if sheet:
                problems += _grid_problems(where, scan.rows, scan.columns)
                formulas = formulas or scan.formulas
    return WorkbookScan(problems, formulas)


def _grid_problems(where: str, rows: int, columns: int) -> list[str]:
    out = []
    if rows > MAX_ROWS + 1:  # the header row is not a data row
        out.append(f"{where}: {rows:,} rows; the limit is {MAX_ROWS:,}")
    if columns > MAX_COLUMNS:
        out.append(f"{where}: {columns:,} columns; the limit is {MAX_COLUMNS:,}")
    if rows * columns > MAX_CELLS and rows <= MAX_ROWS + 1 and columns <= MAX_COLUMNS:
        out.append(f"{where}: {rows:,} rows × {columns:,} columns; the limit is "
                   f"{MAX_CELLS:,} cells")
    return out


def frame_problems(rows: int, columns: int) -> list[str]:
    """The same row and column limits for a table read from CSV."""
    return _grid_problems("the table", rows + 1, columns)
