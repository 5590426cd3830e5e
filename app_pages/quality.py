"""Data-quality page: precision, source and functional-area counts, failing rows, likely duplicates,
weak locations."""

import altair as alt
import streamlit as st

from parks.analysis.duplicates import search_method
from parks.analysis.stats import (
    counts_by_functional_area,
    counts_by_precision,
    counts_by_source,
)
from parks.display.tables import count_headings
from parks.model.schema import SPECS
from parks.model.vocab import PRECISION
from ui import loaders
from ui.i18n import lang, t
from ui.map_tables import record_table, shown_rows
from ui.session import region

language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
frames = {"parks": dataset.parks, "enterprises": dataset.enterprises, "projects": dataset.projects}
headings = {**count_headings(frames, language), "total": t("total")}
st.title(t("quality_title"))

left, right = st.columns(2)
with left:
    st.subheader(t("by_precision"))
    table = counts_by_precision(frames)
    table.index = [PRECISION.label(code, language) for code in table.index]
    table.columns = [SPECS[c].label.get(language) for c in table.columns]
    st.dataframe(table, width="stretch", key="quality_precision")
    long = table.reset_index(names="precision").melt("precision", var_name="table")
    st.altair_chart(alt.Chart(long).mark_bar().encode(
        y=alt.Y("precision:N", sort=list(table.index), title=None),
        x=alt.X("value:Q", title=None), color=alt.Color("table:N", title=None),
        tooltip=["precision", "table", "value"]).properties(height=180), width="stretch")
with right:
    st.subheader(t("by_source"))
    st.dataframe(counts_by_source(frames).rename(columns=headings), hide_index=True, width="stretch",
                 height=360, key="quality_source")

st.subheader(t("by_functional_area"))  # the zones Heze's statistics report beside the counties
areas = counts_by_functional_area(frames)
if areas.empty:
    st.info(t("no_functional_area"))
else:
    st.dataframe(areas.rename(columns=headings), hide_index=True, width="stretch", key="quality_areas")

st.subheader(t("failing_rows"))
problems = loaders.data_problems(dataset)
if problems.empty:
    st.success(t("all_valid"))
else:
    st.dataframe(problems, hide_index=True, width="stretch", key="quality_problems")

st.subheader(t("duplicates"))
dupes = loaders.duplicates(dataset)
biggest, largest = max((len(f), name) for name, f in frames.items())  # the narrowest search
if (method := search_method(biggest)) != "every_pair":
    st.caption(t(f"duplicates_{method}").format(n=biggest, table=SPECS[largest].label.get(language)))
if dupes.empty:
    st.success(t("no_duplicates"))
else:
    shown = shown_rows(dupes)
    st.dataframe(shown.assign(table=shown["table"].map(lambda n: SPECS[n].label.get(language))),
                 hide_index=True, width="stretch", key="quality_dupes")

park_names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
for precision, title in (("county", "county_only"), ("town", "town_only")):
    st.subheader(t(title))
    for name, frame in frames.items():
        weak = frame[frame["precision"] == precision]
        if len(weak):
            st.markdown(f"**{SPECS[name].label.get(language)}** ({len(weak):,})")
            record_table(weak, name, dataset.taxonomy, language, park_names,
                         key=f"quality_{precision}_{name}")
