"""Proximity: pick a park or click the map, choose a radius, see what lies within it."""

import streamlit as st

from parks.analysis.distance import InvalidLocationError, InvalidRadiusError, km_column, within_radius
from parks.analysis.membership import park_at
from parks.display.tables import display_table
from parks.model.schema import SPECS, field_label
from ui import loaders
from ui.i18n import lang, t
from ui.map_tables import shown_rows
from ui.park_widgets import nearby_map, park_label, park_options
from ui.permalink import limits, publish, restore
from ui.plain_text import plain
from ui.session import keep_valid, region

MAP_POINT = ""  # the picker's entry for a point clicked on the map (left out of the link)
restore("nearby")
language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
st.title(t("nearby_title"))
st.caption(t("nearby_intro"))
located = dataset.parks[dataset.parks.geometry.notna()]
options = [i for i in park_options(dataset) if i in set(located["id"])]
picked = st.session_state.get("nearby_point")  # a map click: the picker names it, not a park
if picked:
    st.session_state["nearby_park"] = MAP_POINT
keep_valid("nearby_park", [MAP_POINT, *options] if picked else options, options[0])

one, two = st.columns([3, 1])
park_id = one.selectbox(t("nearby_park"), [MAP_POINT, *options] if picked else options,
                        key="nearby_park", format_func=lambda i: park_label(dataset, i, language)
                        if i != MAP_POINT else t("nearby_map_point").format(lon=picked[0],
                                                                            lat=picked[1]),
                        on_change=lambda: st.session_state.pop("nearby_point", None))
radius = two.slider(t("nearby_radius"), *limits("nearby", "r"), step=1.0, key="nearby_radius")
lon, lat = picked or located.set_index("id").loc[park_id, ["lon", "lat"]].astype(float)
publish("nearby")
try:
    nearby = within_radius(dataset, lon, lat, radius, centre_id=park_id)
except (InvalidRadiusError, InvalidLocationError) as error:
    st.error(plain(error))
    st.stop()
clicked = nearby_map(dataset, nearby, lang=language, key="nearby_map",
                     label=f"{radius:g} km", returned=("last_clicked",))
point = (clicked or {}).get("last_clicked")
click = (point["lng"], point["lat"]) if point else None
# the map keeps returning its last click: only a new one moves the centre (a park picked
# after a click stays picked)
if click and click != st.session_state.get("nearby_click"):
    st.session_state["nearby_click"] = st.session_state["nearby_point"] = click
    st.rerun()
st.caption(t("nearby_click"))
inside, unmapped = park_at(dataset, lon, lat)
st.info(t("nearby_in_chem").format(park=park_label(dataset, inside, language)) if inside else
        t("nearby_not_in_chem").format(n=unmapped))
counts = nearby.counts
cols = st.columns(3)
for col, name in zip(cols, ("parks", "enterprises", "projects"), strict=True):
    col.metric(SPECS[name].label.get(language), counts[name], help=t("nearby_approx").format(
        n=nearby.approximate_counts[name]))
label = "label_en" if language == "en" else "label_zh"
headings = {label: field_label("industry", language),
            **{name: spec.label.get(language) for name, spec in SPECS.items()},
            "approximate": t("nearby_approx_col")}
by_industry = nearby.by_industry.rename(columns=headings)
st.dataframe(by_industry[list(headings.values())],
             hide_index=True, width="stretch", key="nearby_industry")
park_names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
for name, frame in (("parks", nearby.parks), ("enterprises", nearby.enterprises),
                    ("projects", nearby.projects)):
    if len(frame):
        st.markdown(f"**{SPECS[name].label.get(language)}**")
        shown = shown_rows(frame)  # the nearest
        table = display_table(shown, name, dataset.taxonomy, language, park_names)
        table.insert(2, t("chem_distance"), km_column(shown, t("nearby_same_seat")))
        st.dataframe(table, hide_index=True, width="stretch", key=f"nearby_table_{name}")
