"""The edit page's field form: one widget per column, chosen by the column's type and codes."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from parks.model import vocab
from parks.model.dataset import Dataset
from parks.model.edits import form_fields
from parks.model.schema import Column, TableSpec
from ui.i18n import t

_VOCABS = {v.name: v for v in (vocab.KIND, vocab.LEVEL, vocab.STATUS, vocab.STAGE,
                              vocab.CONFIDENCE, vocab.PRECISION)}
_LONG = {"industries_text", "note", "sizhi", "recognition_zh", "recognition_en", "area_basis_zh",
         "area_basis_en", "stage_text", "full_name"}


def _choices(col: Column, value: str, dataset: Dataset,
             lang: str) -> tuple[list[str], Callable[[str], str]] | None:
    """Options and their labels for a coded column; None for free text."""
    if col.allowed:
        term = _VOCABS.get(col.name)
        label = (lambda c: f"{c} · {term.label(c, lang)}" if c else "—") if term else (
            lambda c: c or "—")
        return list(col.allowed), label
    if col.dtype in ("code", "codes") and col.name in ("industry", "subsector", "industries"):
        tax = dataset.taxonomy
        return list(tax.codes), lambda c: f"{c} · {tax.get(c).label.get(lang)}" if c in tax.codes else c
    if col.name == "county_adcode":
        names = dict(zip(dataset.counties["adcode"], dataset.counties["name_zh"], strict=True))
        return list(names), lambda c: f"{names.get(c, c)} ({c})" if c else "—"
    if col.dtype == "ref":
        frame = dataset.parks if col.ref == "parks" else dataset.enterprises
        names = dict(zip(frame["id"], frame["name_zh"], strict=True))
        return list(names), lambda c: f"{names.get(c, c)} ({c})" if c else "—"
    return None


def _widget(col: Column, value: str, dataset: Dataset, lang: str, key: str) -> str:
    label = f"{col.prompt.get(lang)}{' *' if col.required else ''}"
    found = _choices(col, value, dataset, lang)
    if found is None:
        if col.name in _LONG or len(value) > 60:
            return st.text_area(label, value, key=key, help=col.help or None, height=80)
        return st.text_input(label, value, key=key, help=col.help or None)
    options, fmt = found
    if col.dtype == "codes":
        current = [c for c in value.split(";") if c]
        options += [c for c in current if c not in options]  # keep unknown codes visible
        chosen = st.multiselect(label, options, current, key=key, format_func=fmt,
                                help=col.help or None)
        return ";".join(chosen)
    options = ([] if col.required else [""]) + options
    if value not in options:
        options.append(value)
    return st.selectbox(label, options, options.index(value), key=key, format_func=fmt,
                        help=col.help or None)


def field_form(spec: TableSpec, record: Mapping[str, str], dataset: Dataset, lang: str,
               key: str) -> tuple[dict[str, str], str] | None:
    """The form; on submit, the typed values and the reason, else None."""
    with st.form(key):
        columns = st.columns(2)
        values = {}
        for i, name in enumerate(form_fields(spec)):
            with columns[i % 2]:
                values[name] = _widget(spec.column(name), record.get(name, ""), dataset, lang,
                                       f"{key}_{name}")
        reason = st.text_input(t("edit_reason"), key=f"{key}_reason")
        if st.form_submit_button(t("edit_save_fields"), type="primary"):
            return values, reason
    return None
