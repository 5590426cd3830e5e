"""Reading uploaded spreadsheets (CSV in UTF-8/GBK/GB18030, XLSX) into text frames, safely."""

from __future__ import annotations

import csv
import difflib
import io
import re
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time

import pandas as pd

from parks.errors import Problem
from parks.files.sheet_limits import frame_problems, scan_workbook
from parks.model.credit_code import looks_like_credit_codes
from parks.model.schema import BILINGUAL, CODED, TableSpec
from parks.model.text_rules import line_breaks

MAX_MB = 20  # the one upload limit: read_upload refuses more, the app's uploaders say and enforce it
MAX_BYTES = MAX_MB * 1024 * 1024
ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig reads plain UTF-8 too; GB18030 ⊃ GBK ⊃ GB2312
_MAGIC = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
          b"\xd0\xcf\x11\xe0": "an old binary Office file (XLS/DOC): save it as XLSX or CSV",
          b"GIF8": "a GIF image", b"\x1f\x8b": "a gzip archive"}


MERGED_HEADER = "merged header cells: unmerge them so each column has its own header"


class UploadError(ValueError):
    """The file as a whole cannot be read (too big, not a spreadsheet, unknown encoding)."""


@dataclass(frozen=True)
class Upload:
    """An uploaded table: text cells under the original headers, and what reading found."""

    name: str
    frame: pd.DataFrame
    encoding: str  # utf-8, utf-8 with BOM, gb18030 or xlsx
    problems: tuple[Problem, ...] = ()


def read_upload(data: bytes, filename: str) -> Upload:
    """Read CSV or XLSX bytes; raise UploadError for files that are not readable tables."""
    _check(data, filename)
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, filename)
    return _read_csv(data, filename)


def read_rows(data: bytes, filename: str) -> pd.DataFrame:
    """Every cell of a CSV, TXT or XLSX file as text, no header row assumed (a 界址点 table may
    carry document text above its points; TXT cells may be split by spaces); the same checks
    as read_upload."""
    _check(data, filename)
    if data.startswith(b"PK\x03\x04"):
        rows = [[_cell_text(c) for c in row] for row in _first_sheet(data, filename).iter_rows()]
    else:
        text, _ = _decode(data, filename)
        rows = [re.split(r"\s*[,，\t;；]\s*|\s+", line.strip()) for line in text.splitlines()]
    width = max((len(row) for row in rows), default=0)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows]).fillna("")


def _check(data: bytes, filename: str) -> None:
    """Too big, empty, or another kind of file: UploadError saying which."""
    if len(data) > MAX_BYTES:
        raise UploadError(f"{filename}: {len(data) / 1e6:.1f} MB is too large; the limit is "
                          f"{MAX_MB} MB — split the file")
    if not data.strip():
        raise UploadError(f"{filename}: the file is empty")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise UploadError(f"{filename}: not a spreadsheet — this is {what}")


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise UploadError(f"{filename}: not a text CSV (binary content); upload CSV or XLSX")
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig":
            return text, "utf-8 with BOM" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return text, "gb18030"
    raise UploadError(f"{filename}: text is neither UTF-8 nor GBK/GB18030; save as UTF-8 CSV")


def _read_csv(data: bytes, filename: str) -> Upload:
    text, encoding = _decode(data, filename)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    _check_widths(text, delimiter, filename)
    try:  # index_col=False: pandas would take a first column without header as the index
        with warnings.catch_warnings():  # cells past the header are empty (_check_widths)
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                sep=delimiter, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UploadError(f"{filename}: not a readable CSV table ({exc})") from exc
    if too_big := frame_problems(*frame.shape):
        raise UploadError(f"{filename}: too large to read — " + "; ".join(too_big))
    frame, problems = _clean(frame, filename)
    return Upload(filename, frame, encoding, tuple(problems))


def _check_widths(text: str, delimiter: str, filename: str) -> None:
    """UploadError naming the rows with more cells than the header (empty trailing cells are
    fine): their extra values would have no column and be lost or shift the row."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))  # a long cell: the checks say
    try:
        rows = csv.reader(io.StringIO(text), delimiter=delimiter)
        width = len(next(rows, []))
        long = [(n, len(row)) for n, row in enumerate(rows, start=2)
                if len(row) > width and any(cell.strip() for cell in row[width:])]
    except csv.Error as exc:
        raise UploadError(f"{filename}: not a readable CSV table ({exc})") from exc
    if long:
        shown = ", ".join(f"row {n} ({cells} cells)" for n, cells in long[:10])
        more = f" and {len(long) - 10} more" if len(long) > 10 else ""
        raise UploadError(f"{filename}: {len(long)} rows have more cells than the header's "
                          f"{width}: {shown}{more} — check for a separator inside a value")


def _scanned(data: bytes, filename: str) -> bool:
    """UploadError when the workbook is unreadable or too big; whether a sheet holds formulas."""
    try:
        scan = scan_workbook(data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise UploadError(f"{filename}: not a readable XLSX workbook ({exc})") from exc
    if scan.problems:
        raise UploadError(f"{filename}: too large to read — " + "; ".join(scan.problems))
    return scan.formulas


def _unreadable(filename: str, exc: Exception) -> UploadError:
    # any reader failure on an untrusted file (bad XML, odd types) is a refusal
    return UploadError(f"{filename}: not a readable XLSX workbook "
                       f"({type(exc).__name__}: {str(exc)[:200]})")


def _first_sheet(data: bytes, filename: str):  # -> openpyxl Worksheet
    import openpyxl  # imported here: only XLSX uploads need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:
        raise _unreadable(filename, exc) from exc
    return book.worksheets[0]


def _read_xlsx(data: bytes, filename: str) -> Upload:
    if not _scanned(data, filename):  # no formula to report: the fast reader (14x openpyxl's)
        return _read_values(data, filename)
    sheet = _first_sheet(data, filename)
    problems = [Problem(filename, 1, str(rng), "", MERGED_HEADER) for rng in
                sheet.merged_cells.ranges if rng.min_row == 1]
    rows = list(sheet.iter_rows())
    if not rows:
        raise UploadError(f"{filename}: the first sheet is empty")
    header = [_cell_text(c) or f"column {i + 1}" for i, c in enumerate(rows[0])]
    problems += _formula_problems(rows, header, filename)
    body = [["" if c.data_type == "f" else _cell_text(c) for c in row] for row in rows[1:]]
    return _upload(filename, header, body, problems)


def _read_values(data: bytes, filename: str) -> Upload:
    """The first sheet's values through calamine (Rust): 10k rows in 0.2 s, openpyxl's 2.9 s."""
    from python_calamine import CalamineWorkbook  # imported here: only XLSX uploads need it

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)  # from A1, as openpyxl's grid
        merged = sheet.merged_cell_ranges or []
    except Exception as exc:
        raise _unreadable(filename, exc) from exc
    if not rows:
        raise UploadError(f"{filename}: the first sheet is empty")
    problems = [Problem(filename, 1, f"{_letters(a[1])}1:{_letters(b[1])}{b[0] + 1}", "",
                        MERGED_HEADER) for a, b in merged if a[0] == 0]
    header = [_value_text(v) or f"column {i + 1}" for i, v in enumerate(rows[0])]
    return _upload(filename, header, [[_value_text(v) for v in row] for row in rows[1:]], problems)


def _upload(filename: str, header: list[str], body: list[list[str]],
            problems: list[Problem]) -> Upload:
    frame = pd.DataFrame(body, columns=header, dtype=str).fillna("")
    frame, found = _clean(frame, filename, formulas=False)
    return Upload(filename, frame, "xlsx", tuple(problems + found))


def _letters(column: int) -> str:
    """A 0-based column number as Excel's letters (0 → A, 27 → AB)."""
    out = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def _formula_problems(rows: list, header: list[str], filename: str) -> list[Problem]:
    """XLSX cells that hold formulas (not text that happens to start with '=')."""
    return [Problem(filename, n, header[i], str(cell.value),
                    "a formula is not imported: paste values instead")
            for n, row in enumerate(rows[1:], start=2) for i, cell in enumerate(row)
            if cell.data_type == "f"]


def _cell_text(cell: object) -> str:
    return _value_text(getattr(cell, "value", None))


def _value_text(value: object) -> str:
    """A cell's value as text: whole numbers without '.0', a date cell as its date (openpyxl
    reads one as midnight of that day, calamine as the date)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    return str(value).strip()


def _clean(frame: pd.DataFrame, filename: str, *,
           formulas: bool = True) -> tuple[pd.DataFrame, list[Problem]]:
    """Strip cells and headers, drop empty rows; in a CSV a cell starting with '=' is a formula
    for Excel: it is reported and emptied, never kept."""
    out = frame.copy()
    out.columns = [str(c).strip() for c in out.columns]
    for i in range(out.shape[1]):  # a column at a time: DataFrame.map took 7 s for 100k rows
        out.isetitem(i, pd.array([line_breaks(str(v)).strip() for v in out.iloc[:, i].tolist()],
                                 dtype="str"))  # back to Arrow text: Python strings weigh 3x
    problems = []
    for col in out.columns if formulas else ():
        for idx in out.index[out[col].str.startswith("=")]:
            problems.append(Problem(filename, idx + 2, col, out.at[idx, col],
                                    "a formula is not imported: paste values instead"))
            out.at[idx, col] = ""
    out = out[(out != "").any(axis=1)]
    dupes = [c for c in out.columns if list(out.columns).count(c) > 1]
    problems += [Problem(filename, 1, c, "", "duplicate header") for c in sorted(set(dupes))]
    return out, problems


# Header spellings seen in planners' sheets, by field; the field name itself always counts.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "id", "ID", "记录编号", "代码"),
    "name_zh": ("名称", "企业名称", "单位名称", "园区名称", "项目名称", "企业", "公司名称", "name",
                "中文名称", "名字"),
    "full_name": ("全称", "企业全称", "注册名称", "统一社会信用代码名称", "fullname"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "uscc", "creditcode",
                    "统一社会信用代码证号", "组织机构代码证号"),
    "name_en": ("英文名称", "英文名", "englishname", "name(en)"),
    "address": ("地址", "注册地址", "详细地址", "经营地址", "住所", "address", "location", "所在地",
                "企业地址", "项目地址", "地点"),
    "county_adcode": ("县区代码", "行政区划代码", "区划代码", "adcode", "countycode"),
    "town": ("乡镇", "乡镇街道", "镇街", "乡镇/街道", "街道", "town", "township"),
    "industry": ("产业", "行业", "所属产业", "产业类别", "industry", "sector", "战略性新兴产业"),
    "subsector": ("细分领域", "细分产业", "子行业", "subsector", "产业细分"),
    "industries": ("主导产业", "主导产业代码", "leadingindustries", "industries"),
    "kind": ("类型", "园区类型", "kind", "type"),
    "level": ("级别", "层级", "level"),
    "park_id": ("园区编号", "所在园区编号", "parkid"),
    "enterprise_id": ("企业编号", "enterpriseid"),
    "stage": ("阶段", "项目阶段", "进度", "stage", "四个一批"),
    "stage_text": ("进展", "进展情况", "进度说明", "stagetext"),
    "investment_yi": ("投资", "总投资", "投资额", "总投资(亿元)", "投资(亿元)", "investment",
                      "投资亿元"),
    "capacity_text": ("规模", "建设规模", "产能", "capacity"),
    "year": ("年份", "年度", "year"),
    "area_km2": ("面积", "面积(km2)", "面积(平方公里)", "规划面积", "area", "areakm2"),
    "sizhi": ("四至", "四至范围", "bounds"),
    "lon": ("经度", "lon", "lng", "longitude", "x"),
    "lat": ("纬度", "lat", "latitude", "y"),
    "crs": ("坐标系", "crs", "datum", "坐标系统"),
    "precision": ("定位精度", "精度", "precision"),
    "source": ("来源", "数据来源", "出处", "source"),
    "as_of": ("日期", "数据日期", "截至日期", "asof", "date", "时间"),
    "confidence": ("可信度", "置信度", "confidence"),
    "note": ("备注", "说明", "note", "notes", "remark"),
}
_STRIP = re.compile(r"[\s_\-:：（）()/\\]+")


def _key(header: str) -> str:
    return _STRIP.sub("", header).casefold()


@dataclass(frozen=True)
class HeaderMatch:
    """How one sheet column maps to a schema field, and how sure the match is."""

    header: str
    field: str  # '' when the column is not imported
    score: float  # 1.0 exact, < 1 a guess the user should confirm

    @property
    def legacy(self) -> bool:
        """True for an old single-language column (area_basis, 面积口径 …) taken as <field>_en."""
        return bool(self.field) and _LEGACY.get(_key(self.header)) == self.field

    @property
    def sure(self) -> bool:
        """True for an exact match or a column left out; a guess needs the user's confirmation."""
        return self.score >= 1.0 or not self.field


# An old sheet's single-language column (its name or label): its text was English, so it is <field>_en.
_LEGACY = {_key(spelling): f"{name}_en" for name, label in BILINGUAL.items()
           for spelling in (name, label.zh, label.en)}


def _candidates(spec: TableSpec) -> dict[str, str]:
    """Normalised spelling → field, for the fields of this table (plus 'address'): the field
    names, the schema's labels of this table (a template's headers come back as they went
    out), then the synonyms."""
    fields = [*spec.names, "address"]
    out = {_key(field): field for field in fields}
    for col in spec.columns:
        for label in (col.label, col.heading):
            out.setdefault(_key(label.zh), col.name)
            out.setdefault(_key(label.en), col.name)
    for field in fields:
        for spelling in SYNONYMS.get(field, ()):
            out.setdefault(_key(spelling), field)
    for key, field in _LEGACY.items():
        if field in spec.names:
            out.setdefault(key, field)
    for field in fields:  # the data exports' code columns carry the field's own values
        out.setdefault(_key(f"{field}_code"), field)
    return out


def _exported_elsewhere(key: str, known: Mapping[str, str]) -> bool:
    """A data export's code column of a field this table lacks: left out, never guessed (a
    parks export's industries_code is no enterprise's industries_text)."""
    return key not in known and key in {_key(f"{column}_code") for column in CODED}


def _holds_credit_codes(frame: pd.DataFrame | None, header: str, spec: TableSpec) -> bool:
    """A column whose cells are 统一社会信用代码 (their check characters agree), whatever its header."""
    return (frame is not None and header in frame.columns and "credit_code" in spec.names
            and looks_like_credit_codes(list(frame.loc[:, frame.columns == header].iloc[:200, 0])))


def match_headers(headers: list[str], spec: TableSpec,
                  frame: pd.DataFrame | None = None) -> list[HeaderMatch]:
    """One match per header: exact synonyms are sure; close spellings are guesses to confirm;
    a field is taken by at most one header (the first, best one). With the sheet's `frame`, a
    column of valid 统一社会信用代码 is the credit code whatever its header says."""
    known = _candidates(spec)
    matches, taken = [], set()
    for header in headers:
        key = _key(header)
        field, score = known.get(key, ""), 1.0
        if _holds_credit_codes(frame, header, spec):
            field = "credit_code"
        if not field and _exported_elsewhere(key, known):
            matches.append(HeaderMatch(header, "", 0.0))
            continue
        if not field:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
            contained = [k for k in known if len(k) >= 2 and (k in key or key in k)]
            guess = close[0] if close else (max(contained, key=len) if contained else "")
            field, score = known.get(guess, ""), 0.6 if guess else 0.0
        if field in taken:
            field, score = "", 0.0
        taken.add(field)
        matches.append(HeaderMatch(header, field, score if field else 0.0))
    return matches
