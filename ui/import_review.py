"""Streamlit pieces of the import page: column mapping editor, progress, preview on the map."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import streamlit as st

from geo.labels import Label
from parks.analysis.query import Selection
from parks.analysis.stats import FUNCTIONAL_AREA
from parks.errors import DataValidationError
from parks.files.importing import (
    LEGACY_NOTE,
    ImportPreview,
    ImportSettings,
    commit_preview,
    needs_as_of,
)
from parks.files.sheet_template import template_xlsx
from parks.files.uploads import MAX_MB, HeaderMatch
from parks.model.dataset import Dataset, locate
from parks.model.schema import SPECS, TableSpec, field_label
from parks.model.validate import valid_as_of
from parks.model.vocab import PRECISION
from parks.store.base import StoreError
from ui import loaders
from ui.i18n import lang as interface_lang
from ui.i18n import t


def mapping_editor(matches: list[HeaderMatch], spec: TableSpec, key: str, lang: str
                   ) -> dict[str, str]:
    """Let the user confirm or change which field each column goes to, fields named by their
    labels in `lang`; returns header → field code."""
    labels = {"": "", **{name: field_label(name, lang) for name in spec.names},
              "address": t("import_address", lang)}
    fields = {label: code for code, label in labels.items()}
    table = pd.DataFrame({
        t("import_column"): [m.header for m in matches],
        t("import_field"): [labels.get(m.field, m.field) for m in matches],
        t("import_sure"): [m.sure for m in matches],
    })
    if not all(m.sure for m in matches):
        st.warning(t("import_confirm"))
    old = [f"{m.header} → {m.field}" for m in matches if m.legacy]
    if old:
        st.info(f"{LEGACY_NOTE.get(interface_lang())}: {'、'.join(old)}")
    edited = st.data_editor(
        table, key=key, hide_index=True, width="stretch", disabled=[t("import_column"),
                                                                    t("import_sure")],
        column_config={t("import_field"): st.column_config.SelectboxColumn(
            options=list(fields), help=t("import_field_help"))})
    mapping = dict(zip(edited[t("import_column")], edited[t("import_field")], strict=True))
    return {header: fields.get(label or "", "") for header, label in mapping.items()}


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
        drop=True), dataset.gazetteer, dataset.counties, dataset.zones)
    frames = {"parks": dataset.parks.iloc[0:0], "enterprises": dataset.enterprises.iloc[0:0],
              "projects": dataset.projects.iloc[0:0]}
    frames[table] = located
    return Selection(frames["parks"], frames["enterprises"], frames["projects"])


# The report's own columns; id, town and precision are record fields, labelled by the schema.
_REPORT_HEADERS = {"row": Label("行", "Row"), "status": Label("结果", "Result"),
                   "name": Label("名称", "Name"), "county": Label("县区代码", "County code"),
                   "message": Label("说明", "Message"),
                   "changes": Label("对已有记录的改动", "Changes to the stored record"),
                   "functional_area": FUNCTIONAL_AREA}
_STATUS = {"ok": Label("✔ 通过", "✔ ok"), "error": Label("✘ 错误", "✘ error")}


def report_table(report: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The import report with headers and results in the interface language."""
    out = report.copy()
    out["status"] = out["status"].map({key: label.get(lang) for key, label in _STATUS.items()})
    out["precision"] = out["precision"].map(lambda p: PRECISION.label(p, lang))
    for column in ("message", "changes"):  # the interface language's column
        out[column] = out.pop(f"{column}_zh") if lang == "zh" else out[column]
    out = out.drop(columns=["message_zh", "changes_zh"], errors="ignore")
    headers = {key: label.get(lang) for key, label in _REPORT_HEADERS.items()}
    headers |= {name: field_label(name, lang) for name in ("id", "town", "precision")}
    return out.rename(columns=headers)


TEMPLATE = Label("下载{table}导入模板（XLSX，中文表头，含一行示例）",
                 "Download the {table} template (XLSX, Chinese headers, one example row)")
FILE_DATE = Label("文件数据日期（文件中没有“数据日期”列）",
                  "The file's data date (the file has no as-of column)")
FILE_DATE_HELP = Label("这些记录反映的日期，例如 2024、2024-06 或 2024-06-30；不是今天的导入日期。"
                       "地图和导出的数据日期取所示记录中最新的日期。",
                       "The date the records hold for, e.g. 2024, 2024-06 or 2024-06-30, not "
                       "today's import date: the map's and exports' data date is the newest one shown.")
FILE_DATE_BAD = Label("请填写文件的数据日期（YYYY、YYYY-MM 或 YYYY-MM-DD，不晚于今天）后再检查。",
                      "Give the file's data date (YYYY, YYYY-MM or YYYY-MM-DD, not after today) "
                      "before checking.")


def file_box(table: str, lang: str):  # -> streamlit UploadedFile | None
    """The table's template to download, then the uploader, whose limit is the one read_upload
    keeps (uploads.MAX_MB), said in its label."""
    st.download_button(TEMPLATE.format(lang, table=SPECS[table].label.get(lang)),
                       template_xlsx(table), file_name=f"{table}-template.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"import_template_{table}")
    return st.file_uploader(t("import_file", lang).format(mb=MAX_MB), type=["csv", "xlsx", "txt"],
                            key="import_file", max_upload_size=MAX_MB)


def file_date(mapping: Mapping[str, str], lang: str) -> str | None:
    """The file's data date: '' when a column holds the rows' dates, else asked for; None while
    it is missing or unreadable (today's date is never assumed)."""
    if not needs_as_of(mapping):
        return ""
    text = st.text_input(FILE_DATE.get(lang), key="import_as_of", help=FILE_DATE_HELP.get(lang),
                         placeholder="2024-06").strip()
    if valid_as_of(text, date.today()):
        return text
    st.info(FILE_DATE_BAD.get(lang))
    return None


CLEAR_EMPTY = Label("空白单元格清空已有记录的对应字段",
                    "Empty cells clear the stored record's field")
CLEAR_EMPTY_HELP = Label("默认不勾选：文件中没有的列和空白单元格都保留已有记录的原值；"
                         "每条记录将改动哪些字段，检查后在报告中列出。",
                         "Off by default: columns the file lacks and empty cells keep the "
                         "stored values; the report lists each record's changes before saving.")


def import_settings(kind: str, region: str, filename: str, mapping: Mapping[str, str],
                    lang: str) -> ImportSettings | None:
    """What the import fills in and how it treats empty cells, asked on the page; None while
    the file's date is still to be given."""
    as_of = file_date(mapping, lang)
    clear = st.checkbox(CLEAR_EMPTY.get(lang), key="import_clear_empty",
                        help=CLEAR_EMPTY_HELP.get(lang))
    if as_of is None:
        return None
    return ImportSettings(kind, region, f"import: {filename}", as_of, clear_empty=clear)


def commit_import(preview: ImportPreview, *, user: str, filename: str, language: str) -> None:
    """Store the preview's valid rows and say how many; a store that refuses (replaced under the
    app, full, read-only) or a merged table that fails its checks is said, never a traceback."""
    try:
        result = commit_preview(loaders.store(), preview, user=user, reason=f"import {filename}",
                                ctx=loaders.validation_ctx())
    except StoreError as error:
        st.error(error.said(language))
        return
    except DataValidationError as error:
        st.error(t("edit_invalid", language))
        st.dataframe(pd.DataFrame([p.as_dict() for p in error.problems]), hide_index=True)
        return
    st.session_state.pop("import_preview", None)
    table = preview.table
    st.success(t("import_done", language).format(new=result.inserted[table],
                                             updated=result.updated[table],
                                             same=result.unchanged[table]))
