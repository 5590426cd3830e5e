"""The site explorer's form: an investor's requirement (industry, chemical, area, hub, counties, weights)."""

from __future__ import annotations

import streamlit as st

from parks.analysis.ranking import COMPONENTS, Requirement, Weights
from parks.analysis.scoring_rules import COMPONENT_LABELS, SCORING_RULES, WEIGHT_HELP
from parks.model.dataset import Dataset
from ui.i18n import t
from ui.permalink import limits
from ui.session import keep_valid


def _industry_codes(dataset: Dataset) -> list[str]:
    """'' (any), the strategic industries each followed by its sub-sectors, then the other "231" ones."""
    tax = dataset.taxonomy
    return [""] + [c for top in tax.system_members("sei") for c in
                   (top.code, *(s.code for s in tax.subsectors(top.code)))] + [
        i.code for i in tax.system_members("231") if not i.sei_order]


def _weights(language: str) -> Weights:
    """One slider per score component; InvalidWeightsError when every weight is zero."""
    with st.expander(t("explorer_weights"), expanded=False):
        cols = st.columns(len(COMPONENTS))
        chosen = {c: col.slider(COMPONENT_LABELS[c].get(language), 0.0, 1.0,
                                getattr(Weights(), c), 0.05, key=f"explorer_w_{c}",
                                help=WEIGHT_HELP[c].get(language))
                  for c, col in zip(COMPONENTS, cols, strict=True)}
        st.caption(SCORING_RULES.get(language))
    return Weights(**chosen)


def requirement_form(dataset: Dataset, language: str) -> Requirement:
    """The requirement as the widgets hold it; InvalidRequirementError when it is not one."""
    tax = dataset.taxonomy
    codes = _industry_codes(dataset)
    names = dict(zip(dataset.counties["adcode"], dataset.counties["name_zh"], strict=True))
    keep_valid("explorer_industry", codes, "")
    keep_valid("explorer_counties", list(names), [])
    one, two, three = st.columns(3)
    industry = one.selectbox(t("explorer_industry"), codes, key="explorer_industry",
                             format_func=lambda c: (("· " if tax.get(c).parent else "")
                                                    + tax.get(c).label.get(language)) if c
                             else t("explorer_any", language))
    chemical = one.checkbox(t("explorer_chemical"), key="explorer_chemical",
                            help=t("explorer_chemical_help"))
    area = two.number_input(t("explorer_area"), *limits("explorer", "area"), step=0.5,
                            key="explorer_area", help=t("explorer_zero_means_none"))
    hub = two.number_input(t("explorer_hub"), *limits("explorer", "hub"), step=5.0,
                           key="explorer_hub", help=t("explorer_zero_means_none"))
    counties = three.multiselect(t("explorer_counties"), list(names), key="explorer_counties",
                                 format_func=lambda c: names[c], placeholder=t("choose"))
    weights = _weights(language)
    return Requirement(industry, chemical, area or None, tuple(counties), hub or None, weights)
