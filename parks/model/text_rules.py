"""What stored text may hold: a length limit per field and no control characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from itertools import chain
from operator import itemgetter, methodcaller
from types import MappingProxyType

import numpy as np
import pandas as pd

from geo.labels import Label
from parks.errors import Problem
from parks.model.schema import SPECS

# Characters per field (a Chinese character counts one). Generous beside data/ (longest note 613,
# source 298, name_en 86) yet far below what breaks a page or a spreadsheet cell (XLSX: 32,767).
# A field named `x_zh`/`x_en` takes the limit of `x` when it has none of its own.
MAX_CHARS = MappingProxyType({
    "id": 64, "credit_code": 18, "name_zh": 100, "name_en": 200, "full_name": 200,
    "address": 300, "town": 50,
    "industries_text": 1_000, "stage_text": 1_000, "capacity_text": 1_000, "sizhi": 1_000,
    "area_basis": 1_000, "recognition": 1_000, "source": 2_000, "note": 4_000,
    "boundary": 2_000_000,  # an outline's WKT: a surveyed 界址点 list runs to thousands of points
})
DEFAULT_MAX_CHARS = 500
# C0 controls and DEL; tab and newline are kept (a note's lines). XLSX refuses these outright
# (openpyxl's IllegalCharacterError) and a NUL ends a C string in GDAL's drivers.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\x0b": "\n"}  # Windows and Word's (vertical tab)


# Numbers typed with a Chinese input method: full-width digits, point, minus (１１５.４８)
_NUMERIC = {"lon", "lat", "area_km2", "investment_yi", "year", "recognition_year", "as_of",
            "credit_code"}


def plain_digits(field: str, value: str) -> str:
    """A numeric field's full-width characters as ASCII (NFKC: １１５．４８ → 115.48); other
    fields as typed (a name keeps its full-width brackets)."""
    return unicodedata.normalize("NFKC", value) if field in _NUMERIC else value


def max_chars(field: str) -> int:
    """The length limit of a field (its own, its base name's without _zh/_en, else the default)."""
    base = field.removesuffix("_zh").removesuffix("_en")
    return MAX_CHARS.get(field) or MAX_CHARS.get(base) or DEFAULT_MAX_CHARS


def line_breaks(text: str) -> str:
    """Windows' and Word's line breaks as plain newlines (what they mean), other text as is."""
    for old, new in _LINE_BREAKS.items():
        text = text.replace(old, new)
    return text


def text_reason(field: str, value: str) -> Label | None:
    """Why a stored value of `field` is refused, in both languages; None when it is fine."""
    if (found := CONTROL.search(value)) is not None:
        code, at = f"U+{ord(found.group()):04X}", found.start() + 1
        return Label(f"含控制字符（{code}，第 {at} 个字符）：请删除后再导入",
                     f"holds a control character ({code}) at position {at}: remove it")
    if len(value) > (limit := max_chars(field)):
        return Label(f"{len(value):,} 个字符，超过此字段上限 {limit:,}",
                     f"{len(value):,} characters; the limit for this field is {limit:,}")
    return None


def text_reasons(values: pd.Series, field: str) -> dict[int, Label]:
    """Position → text_reason of every refused cell, checking only the cells that can fail."""
    text = values.astype(str)
    suspect = (text.str.len() > max_chars(field)) | text.str.contains(CONTROL)
    return {int(pos): reason for pos in np.flatnonzero(suspect.to_numpy())
            if (reason := text_reason(field, text.iat[pos])) is not None}


# A cell a spreadsheet would run as a formula (OWASP CSV injection); plain numbers are harmless
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def inert(value: object) -> object:
    """Text made safe to leave the app in a CSV/XLSX: control characters dropped (XLSX refuses
    them), a formula start behind an apostrophe; numbers and non-text as they are."""
    if not isinstance(value, str):
        return value
    text = CONTROL.sub("", line_breaks(value))
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def revive(value: str) -> str:
    """inert undone for a value read back (a curated CSV written by the store export)."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def record_problems(records: Iterable[tuple[str, str, Mapping[str, str]]]) -> list[Problem]:
    """Every value of (table, id, record) triples with a control character or over its limit:
    what a store refuses whatever its caller validated."""
    triples = list(records)
    tables = {table for table, _, _ in triples}
    if not any(_suspect(t, [r for table, _, r in triples if table == t]) for t in tables):
        return []  # the common case, screened in C: 0.2 s for 100k records, where this loop took 1.2
    limits = {name: {n: max_chars(n) for n in spec.names} for name, spec in SPECS.items()}
    out = []
    for table, record_id, record in triples:
        if CONTROL.search("\t".join(map(str, record.values()))) or any(
                len(str(v)) > limits[table].get(k, 0) for k, v in record.items()):
            out += [Problem(f"{table}/{record_id}", None, name, str(value)[:80], why.en, why.zh)
                    for name, value in record.items()
                    if (why := text_reason(name, str(value))) is not None]
    return out


def _suspect(table: str, records: list[Mapping[str, str]]) -> bool:
    """Whether any record of the table may hold a control character or a value over its limit
    (a field the table does not have counts as limit 0, so the exact check sees it)."""
    names = SPECS[table].names if table in SPECS else ()
    limits = {n: max_chars(n) for n in names}
    try:
        if CONTROL.search("\t".join(chain.from_iterable(map(methodcaller("values"), records)))):
            return True
        return any(max(map(len, map(itemgetter(k), records)), default=0) > limits.get(k, 0)
                   for k in set().union(*records))
    except (TypeError, KeyError):  # a value that is not text, a record without a field: look closer
        return True
