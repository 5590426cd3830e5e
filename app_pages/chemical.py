"""化工企业入园率: chemical enterprises inside vs outside chemical parks, from the park outlines."""

import math

import pandas as pd
import streamlit as st

from parks.analysis.compliance import CHEMICAL, compliance
from parks.model.schema import field_label
from ui import loaders
from ui.i18n import lang, t
from ui.map_filters import county_names
from ui.permalink import publish, restore
from ui.session import region

restore("chemical")
language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
st.title(t("chem_title"))
st.caption(t("chem_intro"))
names = county_names(dataset, language)
chosen = st.multiselect(field_label("county_adcode", language), list(names), key="chem_counties",
                        format_func=names.get, placeholder=t("choose"))
publish("chemical")
result = compliance(dataset, tuple(chosen), loaders.memberships(dataset))
overall = result.overall
columns = st.columns(5)
for column, key in zip(columns, ("chemical", "inside", "outside", "undecidable"), strict=False):
    column.metric(t("chem_firms") if key == "chemical" else t(f"chem_{key}"), overall[key])
rate = overall["rate"]
columns[4].metric(t("chem_rate"), "—" if math.isnan(rate) else f"{rate:.0%}")
if math.isnan(rate):
    st.info(t("chem_no_rate"))

st.subheader(t("chem_by_county"))
by_county = result.by_county.assign(
    county=result.by_county["county_adcode"].map(names).fillna("").replace("", t("chem_county_unknown")),
    rate=result.by_county["rate"].map(lambda r: "—" if math.isnan(r) else f"{r:.0%}"))
st.dataframe(by_county.drop(columns="county_adcode").rename(columns={
    "county": field_label("county_adcode", language), "chemical": t("chem_firms"), "inside": t("chem_inside"),
    "outside": t("chem_outside"), "undecidable": t("chem_undecidable"), "rate": t("chem_rate")}),
    hide_index=True, width="stretch", key="chem_by_county")

st.subheader(t("chem_outside_list"))
park_names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
outside = result.outside.assign(nearest_park=result.outside["nearest_park"].map(park_names))
if outside.empty:
    st.caption(t("chem_none_outside"))
else:
    st.dataframe(outside.drop(columns="id").rename(columns={
        "name_zh": field_label("enterprise_id", language),
        "county": field_label("county_adcode", language), "nearest_park": t("chem_nearest"),
        "distance_km": t("chem_distance"), "to_outline": t("chem_to_outline")}),
        hide_index=True, width="stretch", key="chem_outside")
with st.expander(t("chem_codes")):
    st.dataframe(pd.DataFrame({
        t("chem_code"): [c.code for c in CHEMICAL],
        field_label("industry", language): [dataset.taxonomy.get(c.code).label.get(language)
                                            if c.code in dataset.taxonomy.codes else ""
                                            for c in CHEMICAL],
        t("chem_why"): [c.help for c in CHEMICAL]}), hide_index=True)
