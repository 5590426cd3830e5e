"""Records as files: XLSX and CSV that Excel opens correctly, GeoJSON; formulas neutralised."""

from __future__ import annotations

import io
import json

import pandas as pd

from parks.schema import TableSpec


def records_xlsx(frame: pd.DataFrame, spec: TableSpec) -> bytes:
    """One sheet with the schema's columns; every cell is text, so codes like 371702 stay codes
    and a value starting with '=' stays a value (never a formula)."""
    import openpyxl  # imported here: only XLSX export needs it

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = spec.name
    sheet.append(list(spec.names))
    for values in frame.reindex(columns=list(spec.names)).fillna("").astype(str).itertuples(
            index=False):
        sheet.append(list(values))
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def records_csv(frame: pd.DataFrame, spec: TableSpec) -> bytes:
    """The schema's columns as CSV in UTF-8 with BOM (Excel shows the Chinese text)."""
    return frame.reindex(columns=list(spec.names)).to_csv(index=False).encode("utf-8-sig")


EXPORT_COLUMNS = ["layer", "id", "name_zh", "name_en", "kind", "industry", "subsector",
                  "industries", "stage", "investment_yi", "county_adcode", "county", "town",
                  "precision", "approximate", "lon", "lat", "source", "as_of", "confidence"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP
    CSV-injection advice); numbers are left alone."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: f"'{v}" if isinstance(v, str)
                                    and v.startswith(_FORMULA_START) else v)
    return out


def selection_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All shown records in one table: the layer they belong to, codes, place, precision,
    WGS-84 point (blank when unlocated), source and date."""
    parts = []
    for layer, frame in frames.items():
        part = pd.DataFrame({"layer": layer}, index=frame.index)
        for col in EXPORT_COLUMNS[1:]:
            part[col] = frame[col] if col in frame.columns else ""
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    table = pd.concat(parts, ignore_index=True)
    table["lon"] = pd.to_numeric(table["lon"], errors="coerce").round(6)
    table["lat"] = pd.to_numeric(table["lat"], errors="coerce").round(6)
    return table[EXPORT_COLUMNS]


def selection_csv(frames: dict[str, pd.DataFrame]) -> bytes:
    """CSV in UTF-8 with BOM, formulas neutralised."""
    return neutralise(selection_table(frames)).to_csv(index=False).encode("utf-8-sig")


def selection_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per layer (records as stored, plus county, WGS-84 point, approximate flag);
    every text cell stays text."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for layer, frame in frames.items():
        sheet = book.create_sheet(layer)
        table = selection_table({layer: frame}).drop(columns="layer")
        sheet.append(list(table.columns))
        for row in neutralise(table).itertuples(index=False):
            sheet.append(["" if pd.isna(v) else v for v in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def selection_geojson(frames: dict[str, pd.DataFrame]) -> bytes:
    """A FeatureCollection in WGS-84; records without a location have a null geometry."""
    table = selection_table(frames)
    features = []
    for row in table.to_dict("records"):
        lon, lat = row["lon"], row["lat"]
        geometry = None if pd.isna(lon) else {"type": "Point", "coordinates": [lon, lat]}
        props = {k: (None if isinstance(v, float) and pd.isna(v) else v)
                 for k, v in row.items() if k not in ("lon", "lat")}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, default=str).encode("utf-8")
