"""Stock-folium baseline for bench/run.py: every point in one FastMarkerCluster, shown with st_folium.

Reads BENCH_POINTS (CSV: name, lon, lat), offers the same name search as the map page and
rebuilds the whole map on each change — what a plain folium + streamlit-folium app does.
"""

import os

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from bench.stock import cluster_map


@st.cache_data
def points(path: str) -> pd.DataFrame:
    """The benchmark points (name, lon, lat) from a CSV, cached across reruns."""
    return pd.read_csv(path, dtype={"name": str, "lon": float, "lat": float})


frame = points(os.environ["BENCH_POINTS"])
query = st.text_input("名称搜索")
shown = frame[frame["name"].str.contains(query, regex=False)] if query else frame
st.metric("企业", len(shown))
st_folium(cluster_map(shown[["lat", "lon"]].to_numpy().tolist()), key="baseline", height=700,
          use_container_width=True, returned_objects=[])
