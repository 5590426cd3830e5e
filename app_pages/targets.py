"""Targets page: the 2025/2027 targets of 菏政发〔2024〕1号 beside what the dataset records."""

import altair as alt
import pandas as pd
import streamlit as st

from parks.analysis.stats import records_by_industry, targets_wide
from parks.model.schema import SPECS, field_label
from ui import loaders
from ui.i18n import lang, t
from ui.session import region

language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
tax = dataset.taxonomy
frames = {"parks": dataset.parks, "enterprises": dataset.enterprises,
          "projects": dataset.projects}

st.title(t("targets_title"))
st.caption(t("targets_intro"))

st.subheader(t("records_by_industry"))
counts = records_by_industry(frames, tax, "sei")
counts["label"] = counts["industry"].map(lambda c: tax.get(c).label.get(language))
counts["table_label"] = counts["table"].map(lambda name: SPECS[name].label.get(language))
order = [i.label.get(language) for i in tax.system_members("sei")]
chart = alt.Chart(counts).mark_bar().encode(
    y=alt.Y("label:N", sort=order, title=None),
    x=alt.X("count:Q", title=None),
    yOffset="table_label:N",
    color=alt.Color("table_label:N", title=None, scale=alt.Scale(scheme="dark2")),
    tooltip=["label", "table_label", "count"],
).properties(height=380)
st.altair_chart(chart, width="stretch")

st.subheader(t("industry_targets"))
targets = dataset.targets
for ind in tax.system_members("sei"):
    codes = {ind.code, *(s.code for s in tax.subsectors(ind.code))}
    st.markdown(f"<span style='color:{ind.colour};font-size:1.3em'>■</span> "
                f"**{ind.label.get(language)}**", unsafe_allow_html=True)
    left, right = st.columns([3, 2])
    with left:
        wide = pd.concat([targets_wide(targets, code, language) for code in sorted(codes)])
        st.dataframe(wide.fillna("").rename(columns={"indicator": t("indicator")}),
                     hide_index=True, width="stretch", key=f"targets_{ind.code}")
        numeric = targets[targets["industry"].isin(codes) & targets["value"].notna()].copy()
        if len(numeric):
            name = numeric["indicator_en" if language == "en" else "indicator_zh"]
            numeric["indicator"] = name + "（" + numeric["unit"] + "）"
            numeric["year"] = numeric["year"].astype(str)
            bars = alt.Chart(numeric).mark_bar(color=ind.colour).encode(
                x=alt.X("year:N", title=None), y=alt.Y("value:Q", title=None),
                column=alt.Column("indicator:N", title=None,
                                  header=alt.Header(labelLimit=150, labelFontSize=10)),
                tooltip=["indicator", "year", "value", "unit", "qualifier", "text_zh"],
            ).properties(width=120, height=140).resolve_scale(y="independent")
            st.altair_chart(bars)
    with right:
        sub = counts[counts["industry"] == ind.code]
        for col, row in zip(st.columns(3), sub.itertuples(index=False), strict=False):
            col.metric(row.table_label, int(row.count))

st.subheader(t("overall_targets"))
st.dataframe(targets_wide(targets, "", language).rename(columns={"indicator": t("indicator")}),
             hide_index=True, width="stretch", key="targets_overall")
with st.expander(t("targets_source_text")):
    shown = targets[["id", "industry", "year", "text_zh", "source"]].rename(
        columns={"text_zh": t("targets_source_text"), **{c: field_label(c, language) for c in
                                                         ("id", "industry", "year", "source")}})
    st.dataframe(shown, hide_index=True, width="stretch", key="targets_source")
