"""Showing a folium map through st_folium without reruns on pan or zoom."""

from __future__ import annotations

import folium
from streamlit_folium import st_folium


def show_map(fmap: folium.Map, *, key: str, height: int = 700) -> None:
    """Render the map; returned_objects=[] keeps panning and zooming from rerunning the page."""
    st_folium(fmap, key=key, height=height, use_container_width=True, returned_objects=[])
