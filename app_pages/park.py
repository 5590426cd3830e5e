"""Park profile: facts, the park and its surroundings, enterprises and projects, distances."""

import pandas as pd
import streamlit as st

from parks.analysis.compare import ATTRIBUTES, park_attributes
from parks.analysis.distance import within_radius
from parks.analysis.profile import NEAREST_CATEGORIES, UnknownParkError, park_profile
from parks.display.tables import display_table
from parks.model.vocab import APPROXIMATE, PRECISION
from ui import loaders
from ui.i18n import lang, t
from ui.park_widgets import bar_chart, nearby_map, park_label, park_options
from ui.permalink import publish
from ui.session import region

language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
options = park_options(dataset)
wanted = st.query_params.get("id") or st.session_state.get("park_id") or options[0]
if wanted not in options:
    try:
        park_profile(dataset, wanted)
    except UnknownParkError as error:
        st.error(f"{t('park_unknown')}: {error}")
    wanted = options[0]
park_id = st.selectbox(t("park_pick"), options, index=options.index(wanted), key="park_pick",
                       format_func=lambda i: park_label(dataset, i, language))
st.session_state["park_id"] = park_id
publish({"id": park_id})
profile = park_profile(dataset, park_id)
park = profile.park

st.title(park["name_en"] if language == "en" and park["name_en"] else park["name_zh"])
st.caption(park["name_zh"] if language == "en" else park["name_en"])
precision = PRECISION.label(park["precision"], language)
if park["precision"] == "unlocated":
    st.error(f"{t('park_precision')}: {precision}. "
             f"{profile.unlocated_reason_en if language == 'en' else profile.unlocated_reason}")
elif park["precision"] in APPROXIMATE:
    st.warning(f"{t('park_precision')}: {precision}. {t('park_approximate')}")
else:
    st.success(f"{t('park_precision')}: {precision}")

left, right = st.columns([2, 3])
with left:
    facts = park_attributes(dataset, park_id, language)
    labels = {key: label.get(language) for key, label in ATTRIBUTES}
    facts_table = pd.DataFrame({t("park_attribute"): [labels.get(k, k) for k in facts],
                                t("park_value"): list(facts.values())})
    st.dataframe(facts_table, hide_index=True, width="stretch", key="park_facts", height=560)
with right:
    if pd.notna(park["lon"]):
        nearby = within_radius(dataset, float(park["lon"]), float(park["lat"]), 15.0)
        nearby_map(dataset, nearby, lang=language, key=f"park_map_{park_id}",
                   label=t("park_surroundings"))
        st.caption(t("park_map_caption"))
    else:
        st.info(t("park_no_map"))

st.subheader(t("park_nearest"))
nearest = profile.nearest
if nearest.empty:
    st.caption(profile.unlocated_reason_en if language == "en" else profile.unlocated_reason)
else:
    shown = nearest.assign(
        category=nearest["category"].map(lambda c: NEAREST_CATEGORIES[c].get(language)),
        name=nearest["name_en"] if language == "en" else nearest["name"],
        note=nearest["note"] if language == "en" else nearest["note_zh"])
    st.dataframe(shown[["category", "name", "distance_km", "approximate", "note"]],
                 hide_index=True, width="stretch", key="park_nearest_table")

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
        st.dataframe(display_table(frame, name, dataset.taxonomy, language, park_names),
                     hide_index=True, width="stretch", key=f"park_table_{name}")

st.subheader(t("park_sources"))
for item in profile.sources:
    st.markdown(f"- {item}")
st.caption(f"{t('data_date')}: {profile.as_of or '—'}")
st.page_link("app_pages/compare.py", label=t("park_compare"), query_params={"ids": park_id})
