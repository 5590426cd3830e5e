"""Heze Park Map (菏泽产业园区地图): page config, shared sidebar and navigation."""

import streamlit as st

from ui.context import sidebar_frame
from ui.i18n import lang, t

st.set_page_config(page_title="菏泽产业园区地图 · Heze Park Map", layout="wide")
sidebar_frame()
pages = [
    st.Page("app_pages/map.py", title=t("page_map", lang()), default=True,
            url_path="map"),
    st.Page("app_pages/targets.py", title=t("page_targets", lang()),
            url_path="targets"),
    st.Page("app_pages/quality.py", title=t("page_quality", lang()),
            url_path="quality"),
    st.Page("app_pages/import_data.py", title=t("page_import", lang()),
            url_path="import"),
]
st.navigation(pages).run()
