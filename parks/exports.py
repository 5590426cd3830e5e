"""Record tables as XLSX and CSV files that Excel opens correctly (text cells, UTF-8 with BOM)."""

from __future__ import annotations

import io

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
