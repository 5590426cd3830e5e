"""Data-quality page: precision and source counts, failing rows, likely duplicates, weak locations."""

from pathlib import Path

import pandas as pd
import streamlit as st

from parks.load import check_data
from parks.stats import counts_by_precision, counts_by_source, likely_duplicates
from parks.tables import display_table
from parks.vocab import PRECISION
from ui import loaders
from ui.context import region
from ui.i18n import lang, t


@st.cache_data(show_spinner=False)
def _problems(folder: str, fingerprint: str) -> pd.DataFrame:
    del fingerprint  # cache key only
    return pd.DataFrame([p.as_dict() for p in check_data(Path(folder))],
                        columns=["file", "row", "field", "value", "reason"])


language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
frames = {"parks": dataset.parks, "enterprises": dataset.enterprises,
          "projects": dataset.projects}
st.title(t("quality_title"))

left, right = st.columns(2)
with left:
    st.subheader(t("by_precision"))
    table = counts_by_precision(frames)
    table.index = [PRECISION.label(code, language) for code in table.index]
    table.columns = [t(c) for c in table.columns]
    st.dataframe(table, width="stretch", key="quality_precision")
    st.bar_chart(table, horizontal=True, stack=True)
with right:
    st.subheader(t("by_source"))
    st.dataframe(counts_by_source(frames), hide_index=True, width="stretch", height=360,
                 key="quality_source")

st.subheader(t("failing_rows"))
folder = loaders.data_dir()
problems = _problems(str(folder), loaders.data_fingerprint(folder))
if problems.empty:
    st.success(t("all_valid"))
else:
    st.dataframe(problems, hide_index=True, width="stretch", key="quality_problems")

st.subheader(t("duplicates"))
dupes = pd.concat([likely_duplicates(f).assign(table=t(name)) for name, f in frames.items()])
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
            st.markdown(f"**{t(name)}** ({len(weak)})")
            st.dataframe(display_table(weak, name, dataset.taxonomy, language, park_names),
                         hide_index=True, width="stretch", key=f"quality_{precision}_{name}")
