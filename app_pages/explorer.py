"""Site explorer: an investor's requirement → parks ranked, every score explained."""

import pandas as pd
import streamlit as st

from parks.analysis.ranking import COMPONENTS, InvalidRequirementError, rank_parks
from parks.analysis.scoring_rules import COMPONENT_LABELS, PARTS_RULE, TIE_RULE
from parks.model.schema import field_label
from ui import loaders
from ui.explorer_form import requirement_form
from ui.i18n import lang, t
from ui.park_widgets import component_column, ranked_parks_map
from ui.permalink import publish, restore
from ui.plain_text import plain
from ui.session import region

restore("explorer")
language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
st.title(t("explorer_title"))
st.caption(t("explorer_intro"))
try:
    requirement = requirement_form(dataset, language)
    ranked = rank_parks(dataset, requirement)
except InvalidRequirementError as error:
    st.error(plain(error))
    st.stop()
finally:
    publish("explorer")  # the link keeps what was asked, even when it cannot be ranked

normalised = requirement.weights.normalised().as_dict()
colon, comma = (": ", ", ") if language == "en" else ("：", "，")
st.caption(t("explorer_weights_used") + colon + comma.join(
    f"{COMPONENT_LABELS[c].get(language)} {normalised[c]:.0%}" for c in COMPONENTS))
name = "name_en" if language == "en" else "name_zh"
table = pd.DataFrame({
    "#": range(1, len(ranked) + 1),
    field_label("park_id", language): ranked[name].where(ranked[name] != "", ranked["name_zh"]),
    t("explorer_parts"): ranked["parts"].map(len),
    field_label("county_adcode", language): ranked["county_en" if language == "en" else "county"],
    t("explorer_score"): ranked["score"],
    **{component_column(c, language, 100 * normalised[c]): ranked[f"{c}_points"]
       for c in COMPONENTS},
    t("explorer_eligible"): ranked["eligible"].map({True: "✔", False: "✘"}),
})
st.dataframe(table, hide_index=True, width="stretch", key="explorer_table",
             column_config={t("explorer_score"): st.column_config.ProgressColumn(
                 min_value=0, max_value=100, format="%.1f")})
st.caption((" " if language == "en" else "").join(
    [t("explorer_points"), PARTS_RULE.get(language), TIE_RULE.get(language)]))
if requirement.industry and ranked["firms"].isna().all():
    st.caption(t("explorer_no_outlines"))
ranked_parks_map(dataset, list(ranked["id"].head(10)), lang=language, key="explorer_map")
st.subheader(t("explorer_why"))
for rank, row in enumerate(ranked.head(10).itertuples(index=False), start=1):
    title = row.name_en if language == "en" and row.name_en else row.name_zh
    with st.expander(f"{rank}. {title} — {row.score:.1f}", expanded=rank == 1):
        for reason in (row.reasons_en if language == "en" else row.reasons):
            st.markdown(f"- {reason}")
        for _, zh, en, score, _ok in row.parts:
            part = en or zh if language == "en" else zh
            st.markdown("- " + t("explorer_part").format(name=part, score=score))
        st.page_link("app_pages/park.py", label=t("explorer_profile"), query_params={"id": row.id})
