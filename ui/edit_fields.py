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
_LABELS = {
    "name_zh": ("中文名称", "Chinese name"), "name_en": ("英文名称", "English name"),
    "kind": ("类型", "Kind"), "subkind": ("细类（原文）", "Sub-kind (as written)"),
    "level": ("级别", "Level"), "parent_id": ("上级园区", "Parent park"),
    "status": ("状态", "Status"), "county_adcode": ("县区", "County"),
    "town": ("乡镇/街道", "Town (乡镇/街道)"), "industries": ("主导产业（代码）", "Industries (codes)"),
    "industries_text": ("产业（原文）", "Industries (as written)"),
    "area_km2": ("公布面积 km²", "Published area km²"), "area_basis": ("面积口径", "Area basis"),
    "sizhi": ("四至", "Bounds (四至)"), "recognition": ("认定", "Recognition"),
    "recognition_batch": ("认定批次", "Recognition batch"),
    "recognition_year": ("认定年份", "Recognition year"), "source": ("来源", "Source"),
    "as_of": ("数据日期", "As of"), "confidence": ("可信度", "Confidence"),
    "note": ("备注", "Note"), "full_name": ("全称", "Full name"),
    "industry": ("产业", "Industry"), "subsector": ("细分领域", "Sub-sector"),
    "park_id": ("所在园区", "Park"), "address": ("地址", "Address"),
    "enterprise_id": ("企业", "Enterprise"), "stage": ("阶段", "Stage"),
    "stage_text": ("阶段（原文）", "Stage (as written)"),
    "investment_yi": ("投资（亿元）", "Investment (亿元)"),
    "capacity_text": ("规模（原文）", "Capacity (as written)"), "year": ("年份", "Year"),
}
_LONG = {"industries_text", "note", "sizhi", "recognition", "stage_text", "full_name"}


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
    zh, en = _LABELS.get(col.name, (col.name, col.name))
    label = f"{en if lang == 'en' else zh}{' *' if col.required else ''}"
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
