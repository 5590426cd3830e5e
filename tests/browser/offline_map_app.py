"""Streamlit page for the offline-assets browser test: a folium map that loads only vendored JS/CSS."""

from __future__ import annotations

import folium
import streamlit as st
from folium import plugins
from streamlit_folium import st_folium

from geo.assets import localize

PARK = {
    "type": "Feature",
    "properties": {"name": "测试园区"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [[115.38, 35.20], [115.52, 35.20], [115.52, 35.30], [115.38, 35.30], [115.38, 35.20]],
        ],
    },
}
CLUSTERED = ((35.245, 115.44), (35.25, 115.45), (35.255, 115.46))


def build_map() -> folium.Map:
    """Polygon, a cluster of three, awesome-marker icons (both fonts) and one default Leaflet marker."""
    m = folium.Map(location=(35.25, 115.45), zoom_start=10, tiles=None)
    m.options["max_zoom"] = 18  # without tiles nothing sets it, and markercluster throws without it
    folium.GeoJson(PARK, tooltip="测试园区").add_to(m)
    cluster = plugins.MarkerCluster().add_to(m)
    for location in CLUSTERED:
        folium.Marker(location).add_to(cluster)
    folium.Marker((35.33, 115.30), icon=folium.Icon(color="red")).add_to(m)  # glyphicon font
    folium.Marker((35.17, 115.30), icon=folium.Icon(color="green", icon="industry", prefix="fa")).add_to(m)
    folium.Marker((35.15, 115.62), tooltip="default icon").add_to(m)
    plugins.Fullscreen().add_to(m)
    localize(m)
    return m


if __name__ == "__main__":  # streamlit runs the page as __main__; the tests import build_map
    st.title("离线地图资源测试")
    st_folium(build_map(), height=500, returned_objects=[])
