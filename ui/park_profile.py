"""Parts of the park profile page: park picker, precision notice, facts and map, nearest places, members."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from parks.analysis.compare import ATTRIBUTES, park_attributes
from parks.analysis.distance import within_radius
from parks.analysis.membership import undecidable_by_county
from parks.analysis.profile import (
    NEAREST_CATEGORIES,
    ParkProfile,
    UnknownParkError,
    descendant_ids,
    park_profile,
)
from parks.model.dataset import Dataset
from parks.model.schema import field_label
from parks.model.vocab import APPROXIMATE, PRECISION
from ui import loaders
from ui.i18n import t
from ui.park_widgets import nearby_map, park_label, park_options
from ui.plain_text import plain
from ui.session import remember


def park_picker(dataset: Dataset, language: str) -> str:
    """The chosen park: from the link or the last visit, else the first one with a place on the
    map (an unlocated placeholder first showed an empty map); an unknown id is said."""
    options = park_options(dataset)
    located = set(dataset.parks.loc[dataset.parks["precision"] != "unlocated", "id"])
    first = next((i for i in options if i in located), options[0])
    wanted = st.session_state.get("park_id") or first
    if wanted not in options:
        try:
            park_profile(dataset, wanted)
        except UnknownParkError as error:
            st.error(f"{t('park_unknown')}: {plain(error)}")
        wanted = first
    return remember("park_id", st.selectbox(
        t("park_pick"), options, index=options.index(wanted), key="park_pick",
        format_func=lambda i: park_label(dataset, i, language)))


def precision_notice(profile: ParkProfile, language: str) -> None:
    """How exactly the park is located, said plainly: unlocated, approximate or exact."""
    park = profile.park
    precision = PRECISION.label(park["precision"], language)
    if park["precision"] == "unlocated":
        reason = profile.unlocated_reason_en if language == "en" else profile.unlocated_reason
        st.error(f"{t('park_precision')}: {precision}. {plain(reason)}")
    elif park["precision"] in APPROXIMATE:
        st.warning(f"{t('park_precision')}: {precision}. {t('park_approximate')}")
    else:
        st.success(f"{t('park_precision')}: {precision}")


def facts_and_map(dataset: Dataset, profile: ParkProfile, language: str) -> None:
    """The park's attributes on the left, the park and its surroundings on the right."""
    park, park_id = profile.park, profile.park["id"]
    left, right = st.columns([2, 3])
    with left:
        facts = park_attributes(dataset, park_id, language, loaders.memberships(dataset))
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


def nearest_places(profile: ParkProfile, language: str) -> None:
    """The nearest place of each category, or why there is none."""
    st.subheader(t("park_nearest"))
    nearest = profile.nearest
    if nearest.empty:
        st.caption(profile.unlocated_reason_en if language == "en" else profile.unlocated_reason)
        return
    shown = nearest.assign(
        category=nearest["category"].map(lambda c: NEAREST_CATEGORIES[c].get(language)),
        name=nearest["name_en"] if language == "en" else nearest["name"],
        note=nearest["note"] if language == "en" else nearest["note_zh"])
    headers = {"category": t("nearest_category", language), "name": t("nearest_name", language),
               "distance_km": t("chem_distance", language),
               "approximate": t("nearest_approximate", language),
               "note": field_label("note", language)}
    st.dataframe(shown[list(headers)].rename(columns=headers), hide_index=True,
                 width="stretch", key="park_nearest_table")


def outline_members(dataset: Dataset, park: pd.Series, language: str) -> None:
    """Who is inside the park by its outline (derived, never typed), with the records of its
    county that cannot be decided beside the figure."""
    st.subheader(t("park_members"))
    if not str(park.get("boundary", "") or ""):
        st.caption(t("park_no_outline"))
        return
    found = loaders.memberships(dataset)
    family = {park["id"], *descendant_ids(dataset.parks, park["id"])}  # its 片区' members too
    mine = found[found["park_id"].isin(family)]
    layers = {"enterprises": dataset.enterprises, "projects": dataset.projects}
    undecidable = int(undecidable_by_county(dataset, found).get(park["county_adcode"], 0))
    one, two, three = st.columns(3)
    one.metric(t("park_members_enterprises"), int((mine["layer"] == "enterprises").sum()))
    two.metric(t("park_members_projects"), int((mine["layer"] == "projects").sum()))
    three.metric(t("park_members_undecidable"), undecidable, help=t("park_members_help"))
    names = pd.concat([frame[["id", "name_zh", "name_en"]] for frame in layers.values()])
    listed = mine.merge(names, on="id")
    if len(listed):
        column = "name_en" if language == "en" else "name_zh"
        # st.text: names are shown as written, never read as Markdown
        st.text("、".join(listed[column].where(listed[column] != "", listed["name_zh"])))
