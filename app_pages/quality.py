"""Data-quality page: precision and source counts, failing rows, likely duplicates, weak locations."""

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from parks.analysis.stats import counts_by_precision, counts_by_source, likely_duplicates, place_words
from parks.display.tables import display_table
from parks.model.dataset import check_data
from parks.model.schema import SPECS, field_label
from parks.model.vocab import PRECISION
from ui import loaders
from ui.i18n import lang, t
from ui.session import region


@st.cache_data(show_spinner=False)
def _problems(folder: str, fingerprint: str, version: int, cache: str) -> pd.DataFrame:
    del fingerprint, version  # cache key only
    tables = loaders.store().read_tables()
    found = check_data(Path(folder), cache_dir=Path(cache), tables=tables)
    return pd.DataFrame([p.as_dict() for p in found],
                        columns=["file", "row", "field", "value", "reason"])


language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
frames = {"parks": dataset.parks, "enterprises": dataset.enterprises, "projects": dataset.projects}
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
    by_source = counts_by_source(frames).rename(columns={**{n: SPECS[n].label.get(language) for n in frames},
                                                          "source": field_label("source", language),
                                                          "total": t("total")})
    st.dataframe(by_source, hide_index=True, width="stretch", height=360, key="quality_source")

st.subheader(t("failing_rows"))
folder = loaders.data_dir()
problems = _problems(str(folder), loaders.data_fingerprint(folder), loaders.store().version(),
                     str(loaders.cache_dir()))
if problems.empty:
    st.success(t("all_valid"))
else:
    st.dataframe(problems, hide_index=True, width="stretch", key="quality_problems")

st.subheader(t("duplicates"))
places = place_words(dataset.region.label.zh, list(dataset.counties["name_zh"]))
dupes = pd.concat([likely_duplicates(f, places=places).assign(table=SPECS[name].label.get(language))
                   for name, f in frames.items()])
if dupes.empty:
    st.success(t("no_duplicates"))
else:
    st.dataframe(dupes, hide_index=True, width="stretch", key="quality_dupes")

park_names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
for precision, title in (("county", "county_only"), ("town", "town_only")):
    st.subheader(t(title))
    for name, frame in frames.items():
        weak = frame[frame["precision"] == precision]
        if len(weak):
            st.markdown(f"**{SPECS[name].label.get(language)}** ({len(weak)})")
            st.dataframe(display_table(weak, name, dataset.taxonomy, language, park_names),
                         hide_index=True, width="stretch", key=f"quality_{precision}_{name}")
