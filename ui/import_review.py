"""Streamlit pieces of the import page: column mapping editor, progress, preview on the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.labels import Label
from parks.analysis.query import Selection
from parks.files.uploads import HeaderMatch
from parks.model.dataset import Dataset, locate
from parks.model.schema import TableSpec, field_label
from parks.model.vocab import PRECISION
from ui.i18n import t


def mapping_editor(matches: list[HeaderMatch], spec: TableSpec, key: str) -> dict[str, str]:
    """Let the user confirm or change which field each column goes to; returns header → field."""
    fields = ["", *spec.names, "address"]
    table = pd.DataFrame({
        t("import_column"): [m.header for m in matches],
        t("import_field"): [m.field for m in matches],
        t("import_sure"): [m.sure for m in matches],
    })
    if not all(m.sure for m in matches):
        st.warning(t("import_confirm"))
    edited = st.data_editor(
        table, key=key, hide_index=True, width="stretch", disabled=[t("import_column"),
                                                                    t("import_sure")],
        column_config={t("import_field"): st.column_config.SelectboxColumn(
            options=fields, help=t("import_field_help"))})
    mapping = dict(zip(edited[t("import_column")], edited[t("import_field")], strict=True))
    return {header: field or "" for header, field in mapping.items()}


class Progress:
    """A progress bar fed by a callback(done, total)."""

    def __init__(self, label: str) -> None:
        self.bar = st.progress(0.0, text=label)
        self.label = label

    def __call__(self, done: int, total: int) -> None:
        """Move the bar to done/total (every 25 rows and at the end, to keep reruns cheap)."""
        if total and (done == total or done % 25 == 0):
            self.bar.progress(done / total, text=f"{self.label} {done}/{total}")


def preview_selection(dataset: Dataset, table: str, records: pd.DataFrame) -> Selection:
    """The valid rows of an import, located like stored records, alone on the map."""
    located = locate(records[records["region_adcode"] == dataset.region.adcode].reset_index(
        drop=True), dataset.gazetteer, dataset.counties)
    frames = {"parks": dataset.parks.iloc[0:0], "enterprises": dataset.enterprises.iloc[0:0],
              "projects": dataset.projects.iloc[0:0]}
    frames[table] = located
    return Selection(frames["parks"], frames["enterprises"], frames["projects"])


# The report's own columns; id, town and precision are record fields, labelled by the schema.
_REPORT_HEADERS = {"row": Label("行", "Row"), "status": Label("结果", "Result"),
                   "name": Label("名称", "Name"), "county": Label("县区代码", "County code"),
                   "message": Label("说明", "Message")}
_STATUS = {"ok": Label("✔ 通过", "✔ ok"), "error": Label("✘ 错误", "✘ error")}


def report_table(report: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The import report with headers and results in the interface language."""
    out = report.copy()
    out["status"] = out["status"].map({key: label.get(lang) for key, label in _STATUS.items()})
    out["precision"] = out["precision"].map(lambda p: PRECISION.label(p, lang))
    headers = {key: label.get(lang) for key, label in _REPORT_HEADERS.items()}
    headers |= {name: field_label(name, lang) for name in ("id", "town", "precision")}
    return out.rename(columns=headers)
