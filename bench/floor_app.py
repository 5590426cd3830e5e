"""The floor for in-app figures: Streamlit + st_folium showing a map with two clustered points."""

import streamlit as st
from streamlit_folium import st_folium

from bench.stock import cluster_map

query = st.text_input("名称搜索")
# the second point moves with the text: every change is a new map, as in the stock app
points = [[35.2, 115.6], [35.2001, 115.6001 + len(query) * 1e-5]]
st_folium(cluster_map(points), key="floor", height=700, use_container_width=True, returned_objects=[])
