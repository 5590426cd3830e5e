"""Streamlit pieces shared by the investor pages: park picker, map around a point, charts."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from geo.layers import CircleLayer
from parks.analysis.distance import Nearby
from parks.analysis.query import Selection
from parks.analysis.scoring_rules import COMPONENT_LABELS
from parks.display.map_look import MapLook
from parks.display.records_map import ranked_map, records_map
from parks.model.dataset import Dataset
from ui import loaders
from ui.map_widget import show_map


def park_label(dataset: Dataset, park_id: str, lang: str) -> str:
    """The park's name with its county in brackets, in the language."""
    row = dataset.parks.set_index("id").loc[park_id]
    name = row["name_en"] if lang == "en" and row["name_en"] else row["name_zh"]
    return f"{name}（{row['county'] or '—'}）" if lang != "en" else f"{name} ({row['county_en']})"


def park_options(dataset: Dataset, kinds: tuple[str, ...] = ()) -> list[str]:
    """Park ids for a picker, sorted by kind, county and name; only these kinds when given."""
    parks = dataset.parks if not kinds else dataset.parks[dataset.parks["kind"].isin(kinds)]
    return list(parks.sort_values(["kind", "county_adcode", "name_zh"])["id"])


def area_bounds(lon: float, lat: float, radius_km: float) -> tuple[float, float, float, float]:
    """WGS-84 box around a circle, a little larger, for the map's first view."""
    dlat = radius_km * 1.15 / 111.32
    dlon = dlat / max(math.cos(math.radians(lat)), 0.2)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def nearby_map(dataset: Dataset, nearby: Nearby, *, lang: str, key: str, label: str,
               returned: tuple[str, ...] = ()) -> dict | None:
    """Records within the radius on the best offline basemap, with the circle drawn."""
    selection = Selection(nearby.parks, nearby.enterprises, nearby.projects)
    circle = CircleLayer("radius", nearby.lon, nearby.lat, nearby.radius_km * 1000, tooltip=label)
    look = MapLook(loaders.local_basemap(), lang, asset_base_url=loaders.asset_base_url(),
                   legend_open=False)
    fmap = records_map(dataset, selection, look,
                       context=loaders.context_counties(dataset.region.adcode),
                       bounds=area_bounds(nearby.lon, nearby.lat, nearby.radius_km),
                       extra=[circle])
    return show_map(fmap, key=key, height=520, returned_objects=list(returned))


def ranked_parks_map(dataset: Dataset, park_ids: list[str], *, lang: str, key: str) -> None:
    """The ranked parks on the best offline basemap, numbered by rank."""
    look = MapLook(loaders.local_basemap(), lang, asset_base_url=loaders.asset_base_url(),
                   legend_open=False)
    fmap = ranked_map(dataset, park_ids, look,
                      context=loaders.context_counties(dataset.region.adcode))
    show_map(fmap, key=key, height=420)


def bar_chart(frame: pd.DataFrame, label: str, value: str, colour: str = "#0072B2") -> None:
    """A horizontal bar chart of value by label, longest bar first ("—" when all are zero)."""
    if frame.empty or frame[value].sum() == 0:
        st.caption("—")
        return
    chart = alt.Chart(frame).mark_bar(color=colour).encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None),
        x=alt.X(f"{value}:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1)),
        tooltip=[label, value]).properties(height=max(80, 26 * len(frame)))
    st.altair_chart(chart, width="stretch")


def component_column(component: str, lang: str, most: float) -> str:
    """产业分（满分 40）… — the component's points of the total, out of `most`; distinct from
    the 县区 column that names the county."""
    label = COMPONENT_LABELS[component].get(lang)
    return f"{label} points (of {most:.0f})" if lang == "en" else f"{label}分（满分 {most:.0f}）"
