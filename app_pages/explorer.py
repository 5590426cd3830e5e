"""Site explorer: an investor's requirement → parks ranked, every score explained."""

import pandas as pd
import streamlit as st

from parks.analysis.ranking import (
    COMPONENT_LABELS,
    COMPONENTS,
    SCORING_RULES,
    WEIGHT_HELP,
    InvalidRequirementError,
    Requirement,
    Weights,
    rank_parks,
)
from parks.model.schema import field_label
from ui import loaders
from ui.i18n import lang, t
from ui.park_widgets import component_column
from ui.permalink import publish
from ui.session import region

language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
st.title(t("explorer_title"))
st.caption(t("explorer_intro"))
query = st.query_params
tax = dataset.taxonomy
codes = [""] + [c for top in tax.system_members("sei") for c in
                (top.code, *(s.code for s in tax.subsectors(top.code)))] + [
    i.code for i in tax.system_members("231") if not i.sei_order]
names = dict(zip(dataset.counties["adcode"], dataset.counties["name_zh"], strict=True))

for key, default in (("explorer_industry", query.get("industry", "")),
                     ("explorer_chemical", query.get("chemical") == "1"),
                     ("explorer_area", float(query.get("area", 0) or 0)),
                     ("explorer_hub", float(query.get("hub", 0) or 0))):
    st.session_state.setdefault(key, default)
st.session_state.setdefault("explorer_counties",
                            [c for c in query.get("counties", "").split(",") if c in names])
if st.session_state["explorer_industry"] not in codes:
    st.session_state["explorer_industry"] = ""

one, two, three = st.columns(3)
industry = one.selectbox(t("explorer_industry"), codes, key="explorer_industry",
                         format_func=lambda c: (("· " if tax.get(c).parent else "")
                                                + tax.get(c).label.get(language)) if c
                         else t("explorer_any"))
chemical = one.checkbox(t("explorer_chemical"), key="explorer_chemical",
                        help=t("explorer_chemical_help"))
area = two.number_input(t("explorer_area"), 0.0, 500.0, step=0.5, key="explorer_area",
                        help=t("explorer_zero_means_none"))
hub = two.number_input(t("explorer_hub"), 0.0, 200.0, step=5.0, key="explorer_hub",
                       help=t("explorer_zero_means_none"))
counties = three.multiselect(t("explorer_counties"), list(names), key="explorer_counties",
                             format_func=lambda c: names[c], placeholder=t("choose"))
with st.expander(t("explorer_weights"), expanded=False):
    cols = st.columns(len(COMPONENTS))
    weights = Weights(**{c: col.slider(COMPONENT_LABELS[c].get(language), 0.0, 1.0,
                                       getattr(Weights(), c), 0.05, key=f"explorer_w_{c}",
                                       help=WEIGHT_HELP[c].get(language))
                         for c, col in zip(COMPONENTS, cols, strict=True)})
    st.caption(SCORING_RULES.get(language))
publish({"industry": industry, "chemical": "1" if chemical else "", "area": f"{area:g}" if area
         else "", "hub": f"{hub:g}" if hub else "", "counties": counties})

try:
    ranked = rank_parks(dataset, Requirement(industry, chemical, area or None, tuple(counties),
                                             hub or None, weights))
except InvalidRequirementError as error:
    st.error(str(error))
    st.stop()
normalised = weights.normalised().as_dict()
st.caption(t("explorer_weights_used") + "：" + "，".join(
    f"{COMPONENT_LABELS[c].get(language)} {normalised[c]:.0%}" for c in COMPONENTS))
name = "name_en" if language == "en" else "name_zh"
table = pd.DataFrame({
    "#": range(1, len(ranked) + 1),
    field_label("park_id", language): ranked[name].where(ranked[name] != "", ranked["name_zh"]),
    field_label("county_adcode", language): ranked["county_en" if language == "en" else "county"],
    t("explorer_score"): ranked["score"],
    **{component_column(c, language): ranked[f"{c}_score"] for c in COMPONENTS},
    t("explorer_eligible"): ranked["eligible"].map({True: "✔", False: "✘"}),
})
st.dataframe(table, hide_index=True, width="stretch", key="explorer_table",
             column_config={t("explorer_score"): st.column_config.ProgressColumn(
                 min_value=0, max_value=100, format="%.1f")})
st.subheader(t("explorer_why"))
for rank, row in enumerate(ranked.head(10).itertuples(index=False), start=1):
    title = row.name_en if language == "en" and row.name_en else row.name_zh
    with st.expander(f"{rank}. {title} — {row.score:.1f}", expanded=rank == 1):
        for reason in (row.reasons_en if language == "en" else row.reasons):
            st.markdown(f"- {reason}")
        st.page_link("app_pages/park.py", label=t("explorer_profile"), query_params={"id": row.id})
