"""The floor for in-app figures: Streamlit + st_folium showing a map with two clustered points."""

import folium
import streamlit as st
from folium.plugins import FastMarkerCluster
from streamlit_folium import st_folium

from geo.assets import localize

query = st.text_input("名称搜索")
fmap = folium.Map(location=[35.2, 115.6], zoom_start=9, tiles=None)
fmap.options.update(max_zoom=18)  # no tile layer to set it, and marker clusters need it
FastMarkerCluster([[35.2, 115.6], [35.2001, 115.6001 + len(query) * 1e-5]]).add_to(fmap)
localize(fmap)
st_folium(fmap, key="floor", height=700, use_container_width=True, returned_objects=[])
