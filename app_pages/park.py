"""Park profile: facts, the park and its surroundings, enterprises and projects, distances."""

import streamlit as st

from parks.analysis.profile import park_profile
from ui import loaders
from ui.i18n import lang, t
from ui.map_tables import record_table
from ui.park_profile import (
    facts_and_map,
    nearest_places,
    outline_members,
    park_picker,
    precision_notice,
)
from ui.park_widgets import bar_chart
from ui.permalink import publish, restore
from ui.plain_text import plain
from ui.session import region

restore("park")
language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
park_id = park_picker(dataset, language)
publish("park")
profile = park_profile(dataset, park_id)
park = profile.park

st.title(plain(park["name_en"] if language == "en" and park["name_en"] else park["name_zh"]))
st.caption(plain(park["name_zh"] if language == "en" else park["name_en"]))
precision_notice(profile, language)
facts_and_map(dataset, profile, language)
nearest_places(profile, language)
outline_members(dataset, park, language)

one, two = st.columns(2)
with one:
    st.subheader(t("park_enterprises"))
    label = "label_en" if language == "en" else "label_zh"
    bar_chart(profile.enterprises_by_industry, label, "count")
with two:
    st.subheader(t("park_projects"))
    bar_chart(profile.projects_by_stage, label, "count", colour="#31688E")
park_names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
for name, frame in (("enterprises", profile.enterprises), ("projects", profile.projects)):
    if len(frame):
        record_table(frame, name, dataset.taxonomy, language, park_names,
                     key=f"park_table_{name}")

st.subheader(t("park_sources"))
for item in profile.sources:
    st.markdown(f"- {item}")
st.caption(f"{t('data_date')}: {profile.as_of or '—'}")
st.page_link("app_pages/compare.py", label=t("park_compare"), query_params={"ids": park_id})
