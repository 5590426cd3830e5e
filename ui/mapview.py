"""Showing a folium map through st_folium without reruns on pan or zoom."""

from __future__ import annotations

import folium
from streamlit_folium import st_folium


def show_map(fmap: folium.Map, *, key: str, height: int = 700,
             returned_objects: list[str] | None = None,
             update: folium.FeatureGroup | None = None) -> dict | None:
    """Render the map; by default nothing is returned, so panning and zooming never rerun the
    page (the proximity page asks for last_clicked only: a click is a deliberate choice).

    `update` runs inside the map already shown (parks.livemap): while `fmap` stays the same,
    a filter change costs a small script instead of a new map."""
    return st_folium(fmap, key=key, height=height, use_container_width=True,
                     returned_objects=returned_objects or [], feature_group_to_add=update)
