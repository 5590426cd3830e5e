"""Turning an uploaded table into validated, geocoded records, with a report line per row."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.geocode import GeocodeResult
from geo.labels import Label
from geo.normalise import normalise
from geo.reverse import assign_counties, county_index
from parks.errors import Problem
from parks.files.import_merge import carried_fields, change_lines, keep_stored
from parks.files.report_words import NO_ADDRESS, geocoded, messages, not_located
from parks.files.uploads import Upload
from parks.model.credit_code import cleaned, credit_code_problem
from parks.model.industries import Taxonomy
from parks.model.schema import SPECS, TableSpec
from parks.model.text_rules import inert, plain_digits
from parks.model.validate import (
    ValidationContext,
    validate_table,
    validate_tables,
)
from parks.model.vocab import CONFIDENCE, CRS, KIND, LEVEL, PRECISION, STAGE, STATUS
from parks.store.base import CommitResult, Store

# HTML tags, and Markdown links and images: a page would show a link or fetch an image
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|!?\[[^\]]*\]\([^)]*\)")
_TEXT_FIELDS = ("name_zh", "full_name", "name_en", "address", "note", "stage_text")
REPORT_COLUMNS = ["row", "status", "id", "name", "county", "town", "precision", "functional_area",
                  "message", "message_zh", "changes", "changes_zh"]
# changes: of a stored record, "" if new; functional_area: the geocoder's, for a geocoded row
TOWN_WITHOUT_POINT = Label(
    "乡镇「{town}」已知，但 data/towns.csv 中没有它的驻地坐标，记录暂放在{county}县城驻地（定位精度：县区）；"
    "在 towns.csv 补上坐标后即按乡镇定位",
    "the town {town} is known but has no point in data/towns.csv, so the record sits at the seat "
    "of {county} (precision: county) until towns.csv gives the town a point")


LEGACY_NOTE = Label("旧表的单语列：按英文文本导入",
                    "an old single-language column: imported as the English text")


@dataclass(frozen=True)
class ImportSettings:
    """Defaults for what a sheet does not say."""

    table: str  # parks, enterprises or projects
    region: str
    source: str  # e.g. "import: 企业名单.xlsx"
    as_of: str  # the file's date, for rows without one of their own (never the import day)
    confidence: str = "medium"
    crs: str = "WGS84"  # datum of coordinates in the sheet
    clear_empty: bool = False  # an empty cell clears the stored value (else it keeps it)


@dataclass(frozen=True)
class ImportPreview:
    """Records that passed (schema columns, text) and one report line per input row."""

    table: str
    records: pd.DataFrame
    report: pd.DataFrame
    problems: tuple[Problem, ...]

    @property
    def failed(self) -> int:
        """Number of input rows the report marks as errors."""
        return int((self.report["status"] == "error").sum())


def stable_id(spec: TableSpec, name: str, place: str) -> str:
    """The same name and place always give the same id, so a re-import updates, not duplicates."""
    digest = hashlib.sha1(f"{normalise(name)}|{normalise(place)}".encode()).hexdigest()[:10]
    return f"{spec.id_prefix}{digest}"


def _code(value: str, options: Mapping[str, str]) -> str:
    """A code from a code or a label in either language; the value itself when unknown."""
    return options.get(value.strip().casefold(), value.strip())


def _vocab_options(vocab) -> dict[str, str]:
    out = {}
    for term in vocab.terms:
        for label in (term.code, term.label.zh, term.label.en):
            out[label.casefold()] = term.code
    return out


def _industry_options(taxonomy: Taxonomy) -> dict[str, str]:
    out = {}
    for ind in taxonomy.industries:
        for label in (ind.code, ind.label.zh, ind.label.en):
            out[label.casefold()] = ind.code
    return out


def code_options(taxonomy: Taxonomy) -> dict[str, dict[str, str]]:
    """Coded field → (code or label, casefolded) → code; built once per import, not per row
    (rebuilding them per row was a fifth of a 10k-row import)."""
    industries = _industry_options(taxonomy)
    vocabs = {"kind": KIND, "level": LEVEL, "stage": STAGE, "crs": CRS, "precision": PRECISION,
              "confidence": CONFIDENCE, "status": STATUS}
    return {field: _vocab_options(vocab) for field, vocab in vocabs.items()} | {
        "industry": industries, "subsector": industries}


def _apply_codes(rec: dict[str, str], taxonomy: Taxonomy,
                 options: Mapping[str, Mapping[str, str]]) -> None:
    industries = options["industry"]
    for field, choices in options.items():
        if rec.get(field):
            rec[field] = _code(rec[field], choices)
    if rec.get("crs", "").upper().replace("-", "") in ("WGS84", "GCJ02"):
        rec["crs"] = rec["crs"].upper().replace("-", "")
    if rec.get("industries"):
        rec["industries"] = ";".join(_code(c, industries)
                                     for c in re.split(r"[;；,，、]", rec["industries"]) if c)
    sub = rec.get("subsector", "")
    if sub in taxonomy.codes and not rec.get("industry") and taxonomy.get(sub).parent:
        rec["industry"] = taxonomy.get(sub).parent


def _markup_problems(rec: dict[str, str], row: int, file: str) -> list[Problem]:
    return [Problem(file, row, f, rec[f], "contains HTML markup or a Markdown link; remove it "
                    "(text is never run as HTML or shown as a link, but a name with markup is "
                    "almost certainly a copy-paste error)",
                    "含有 HTML 标记或链接标记（如 [文字](网址)），请删除（文字不会被当作网页代码执行或显示为"
                    "链接，但带标记的名称几乎都是复制粘贴错误）")
            for f in _TEXT_FIELDS if _MARKUP.search(rec.get(f, ""))]


def needs_as_of(mapping: Mapping[str, str]) -> bool:
    """True when no column of the sheet holds the records' date: the file's date must be asked."""
    return "as_of" not in mapping.values()


def _town_fallback(rec: dict[str, str], town_points: frozenset[tuple[str, str]],
                   counties: Mapping[str, str]) -> Label | str:
    """A town without a point in data/towns.csv: the record goes to its county seat, and why."""
    if not rec.get("town") or (rec.get("county_adcode", ""), rec["town"]) in town_points:
        return ""
    county = counties.get(rec.get("county_adcode", ""), rec.get("county_adcode", ""))
    return Label(TOWN_WITHOUT_POINT.zh.format(town=rec["town"], county=county),
                 TOWN_WITHOUT_POINT.en.format(town=rec["town"], county=county))


def _locate_row(rec: dict[str, str], locate_address: Callable[[str], GeocodeResult],
                county_of: Callable[[float, float], str],
                settings: ImportSettings) -> tuple[str, Label | str]:
    """Fill county/town/precision of one record; returns (field, error) or ('', warning)."""
    if rec.get("lon") or rec.get("lat"):
        rec.setdefault("crs", settings.crs)
        rec["crs"] = rec["crs"] or settings.crs
        rec["precision"] = rec.get("precision") or "digitised"
        try:
            lon, lat = float(rec["lon"]), float(rec["lat"])
        except ValueError:
            return "", ""  # validation names the bad number
        if not rec.get("county_adcode"):
            rec["county_adcode"] = county_of(lon, lat)
        return "", ""
    if rec.get("precision") or rec.get("county_adcode"):
        rec["precision"] = rec.get("precision") or ("town" if rec.get("town") else "county")
        return "", ""
    address = rec.get("address", "")
    if not address:
        rec["precision"] = "unlocated"
        return "", NO_ADDRESS
    found = locate_address(address)
    if found.status != "ok":
        rec["precision"] = "unlocated"  # the row is rejected for its address, not for this
        return "address", not_located(found)
    rec["county_adcode"], rec["town"] = found.county_adcode, found.town
    rec["precision"], rec["functional_area"] = found.precision, found.functional_area
    if found.precision == "digitised":  # an online service placed the address itself
        rec["lon"], rec["lat"], rec["crs"] = f"{found.lon:.6f}", f"{found.lat:.6f}", "WGS84"
    return "", geocoded(found)


def _record(row: Mapping[str, object], mapping: Mapping[str, str],
            settings: ImportSettings) -> dict[str, str]:
    rec = {field: plain_digits(field, str(row[header])) for header, field in mapping.items()
           if field}
    rec.setdefault("region_adcode", settings.region)
    for field, default in (("source", settings.source), ("as_of", settings.as_of),
                           ("confidence", settings.confidence),
                           ("region_adcode", settings.region)):
        rec[field] = rec.get(field) or default
    return rec


def _same_record(file: str, line: int, record_id: str, first: int, *, given: bool) -> Problem:
    """A row naming a record an earlier row already gave: by its id, or by name and place."""
    if given:
        return Problem(file, line, "id", record_id, f"same id as row {first}",
                       f"与第 {first} 行编号相同")
    return Problem(file, line, "id", record_id, f"same record as row {first} (same name and "
                   "place)", f"与第 {first} 行是同一记录（名称和地点相同）")


def _credit_problems(rec: dict[str, str], row: int, file: str) -> list[Problem]:
    """A 统一社会信用代码 that fails GB 32100-2015, named by row in both languages."""
    if not rec.get("credit_code"):
        return []
    rec["credit_code"] = cleaned(rec["credit_code"])
    wrong = credit_code_problem(rec["credit_code"])
    return [Problem(file, row, "credit_code", rec["credit_code"], wrong.en, wrong.zh)] if wrong else []


def _row_locator(ctx: ValidationContext, settings: ImportSettings,
                 locate_address: Callable[[str], GeocodeResult],
                 ) -> Callable[[dict[str, str]], tuple[str, Label | str]]:
    """_locate_row with county names read as adcodes and, where a known town has no point and
    the sheet states no precision, the record at the county seat with the reason why."""
    county_of = _county_lookup(ctx, settings.region)
    region = ctx.regions[settings.region]
    towns = region.gazetteer.town_points()
    points = frozenset(zip(towns["county_adcode"], towns["town"], strict=True))
    names = dict(zip(region.counties["adcode"], region.counties["name_zh"], strict=True))
    codes = {name: code for code, name in names.items()}

    def locate(rec: dict[str, str]) -> tuple[str, Label | str]:
        rec["county_adcode"] = codes.get(rec.get("county_adcode", ""), rec.get("county_adcode", ""))
        stated = rec.get("precision", "")
        field, message = _locate_row(rec, locate_address, county_of, settings)
        reason = _town_fallback(rec, points, names)
        if field or stated or rec["precision"] not in ("town", "county") or not reason:
            return field, message
        rec["precision"] = "county"
        said = message if isinstance(message, Label) else Label(message, message)
        return "", Label(f"{said.zh}；{reason.zh}" if said.zh else reason.zh,
                         f"{said.en}; {reason.en}" if said.en else reason.en)

    return locate


def _county_lookup(ctx: ValidationContext, region: str) -> Callable[[float, float], str]:
    index = county_index(ctx.regions[region].counties)

    def county_of(lon: float, lat: float) -> str:
        return str(assign_counties(np.array([lon]), np.array([lat]), index)[0])

    return county_of


def _row_problems(frame: pd.DataFrame, spec: TableSpec, ctx: ValidationContext,
                  stored: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """Validation problems of the candidate rows; *_id references may point at stored records
    or at other rows of the same sheet."""
    problems = validate_table(frame, spec, ctx)
    for col in spec.columns:
        if col.dtype != "ref":
            continue
        known = set(stored.get(col.ref, pd.DataFrame(columns=["id"]))["id"])
        if col.ref == spec.name:
            known |= set(frame["id"])
        for idx, value in frame[col.name].items():
            if value and value not in known:
                problems.append(Problem(spec.file, idx + 2, col.name, value,
                                        f"no {col.ref} record has this id",
                                        f"没有这个编号的{SPECS[col.ref].label.zh}记录"))
    return problems


def _give_id(rec: dict[str, str], spec: TableSpec, seen: dict[str, int], file: str,
             line: int) -> list[Problem]:
    """The record's id (its own, else a stable one from name and place); a problem when an
    earlier row gave the same one. `seen` (id → first line) grows by this row."""
    given = bool(rec.get("id"))
    rec["id"] = rec.get("id") or stable_id(spec, rec.get("name_zh", ""),
                                           rec.get("address") or rec.get("county_adcode", ""))
    first = seen.setdefault(rec["id"], line)
    return [_same_record(file, line, rec["id"], first, given=given)] if first != line else []


def _rows(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The frame's rows as dicts, a column at a time: to_dict("records") steps through Arrow
    strings one by one (30 of a 100k-row import's 190 profiled seconds)."""
    names = list(frame.columns)  # a list: iterating an Arrow-backed Index per row is as slow
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def prepare_import(upload: Upload, mapping: Mapping[str, str], settings: ImportSettings, *,
                   locate_address: Callable[[str], GeocodeResult], ctx: ValidationContext,
                   stored: Mapping[str, pd.DataFrame],
                   progress: Callable[[int, int], None] | None = None) -> ImportPreview:
    """Map, code, geocode and validate every row; rows with an error are reported, not kept.

    `mapping` is header → field ('' to skip a column). Row numbers are the sheet's (header = 1).
    """
    spec = SPECS[settings.table]
    locate = _row_locator(ctx, settings, locate_address)
    records, notes, areas, seen, problems = {}, {}, {}, {}, list(upload.problems)
    total, options = len(upload.frame), code_options(ctx.taxonomy)
    rows = _rows(upload.frame)  # dicts, not Series: iterrows was a third of an import
    for n, (idx, row) in enumerate(zip(upload.frame.index, rows, strict=True), start=1):
        line = idx + 2
        rec = _record(row, mapping, settings)
        _apply_codes(rec, ctx.taxonomy, options)
        problems += _markup_problems(rec, line, upload.name) + _credit_problems(rec, line,
                                                                                upload.name)
        field, message = locate(rec)
        if field:
            said = message if isinstance(message, Label) else Label(message, message)
            problems.append(Problem(upload.name, line, field, rec.get(field, ""), said.en, said.zh))
        notes[idx] = message if not field else ""
        areas[idx] = rec.pop("functional_area", "")  # the report's, not a record field
        problems += _give_id(rec, spec, seen, upload.name, line)
        records[idx] = {name: rec.get(name, "") for name in spec.names}
        if progress:
            progress(n, total)
    frame = pd.DataFrame.from_dict(records, orient="index", columns=list(spec.names))
    frame = keep_stored(frame.reindex(upload.frame.index).fillna(""), stored.get(spec.name),
                        carried_fields(mapping), clear_empty=settings.clear_empty)
    found = {(q.row, q.field) for q in problems}  # once: per problem it grew as rows × problems
    problems += [p for p in _row_problems(frame, spec, ctx, stored) if (p.row, p.field) not in found]
    return _preview(spec, upload, frame, problems, (notes, areas), stored.get(spec.name))


def _preview(spec: TableSpec, upload: Upload, frame: pd.DataFrame, problems: list[Problem],
             said: tuple[Mapping[int, Label | str], Mapping[int, str]],
             stored: pd.DataFrame | None) -> ImportPreview:
    """The report (one line per row, with its note and functional area from `said`) and the
    rows without an error."""
    notes, areas = said
    bad_rows = {p.row for p in problems if p.row is not None and p.row >= 2}
    file_level = [p for p in problems if p.row is None or p.row < 2]
    changes = {lang: change_lines(frame, stored, lang) for lang in ("en", "zh")}
    by_row: dict[int | None, list[Problem]] = {}
    for p in problems:  # grouped once: a scan of every problem per row grew with rows × problems
        by_row.setdefault(p.row, []).append(p)
    lines = []
    for idx, rec in zip(frame.index, _rows(frame), strict=True):
        mine = by_row.get(idx + 2, [])
        lines.append((idx + 2, "error" if mine else "ok", rec["id"], rec["name_zh"],
                      rec["county_adcode"], rec["town"], rec["precision"], areas.get(idx, ""),
                      *messages(mine, notes.get(idx, "")), changes["en"][idx],
                      changes["zh"][idx]))
    report = pd.DataFrame(lines, columns=REPORT_COLUMNS)
    good = frame[[idx + 2 not in bad_rows for idx in frame.index]] if not file_level else \
        frame.iloc[0:0]
    return ImportPreview(spec.name, good.reset_index(drop=True), report, tuple(problems))


def report_csv(preview: ImportPreview, lang: str = "en") -> bytes:
    """The report as CSV in UTF-8 with BOM, so Excel shows the Chinese text; one message column,
    in `lang`."""
    table = preview.report.copy()
    file_level = [p for p in preview.problems if p.row is None or p.row < 2]
    if file_level:
        extra = pd.DataFrame([(p.row or "", "error", "", "", "", "", "", "", *messages([p], ""),
                               "", "") for p in file_level], columns=REPORT_COLUMNS)
        table = pd.concat([extra, table], ignore_index=True)
    for column in ("message", "changes"):  # one language per column: the one asked for
        table[column] = table.pop(f"{column}_zh") if lang == "zh" else table[column]
    table = table.drop(columns=["message_zh", "changes_zh"], errors="ignore").map(inert)
    return table.to_csv(index=False).encode("utf-8-sig")


def commit_preview(store: Store, preview: ImportPreview, *, user: str, reason: str,
                   ctx: ValidationContext) -> CommitResult:
    """Store the valid rows in one transaction; the merged tables are validated first (against
    `ctx`), so nothing invalid (and nothing half) is ever written."""
    return store.commit({preview.table: preview.records}, user=user, reason=reason,
                        validate=lambda merged: validate_tables(merged, ctx))
