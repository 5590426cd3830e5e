"""Heze Park Map (菏泽产业园区地图): page config, shared sidebar and navigation."""

import streamlit as st

from ui import first_paint, loaders
from ui.i18n import lang, t
from ui.login import login_box, session_editor
from ui.page_style import page_style
from ui.permalink import entering
from ui.session import app_heading, init_session, region, sidebar_frame
from ui.settings import settings

st.set_page_config(page_title=t("app_title", "zh"), layout="wide")
page_style()
settings()  # read once per session; bad values stop here, every problem listed
init_session()
loaders.prefetch(region())  # a server's first run: the data loads while the page is imported
st.set_page_config(page_title=app_heading(lang(), region()))  # the tab names the chosen city
editor = session_editor()
map_page = st.Page("app_pages/map.py", title=t("page_map", lang()), default=True, url_path="map")
pages = [
    map_page,
    st.Page("app_pages/explorer.py", title=t("page_explorer", lang()), url_path="explorer"),
    st.Page("app_pages/park.py", title=t("page_park", lang()), url_path="park"),
    st.Page("app_pages/nearby.py", title=t("page_nearby", lang()), url_path="nearby"),
    st.Page("app_pages/compare.py", title=t("page_compare", lang()), url_path="compare"),
    st.Page("app_pages/targets.py", title=t("page_targets", lang()),
            url_path="targets"),
    st.Page("app_pages/chemical.py", title=t("page_chemical", lang()), url_path="chemical"),
    st.Page("app_pages/quality.py", title=t("page_quality", lang()),
            url_path="quality"),
    st.Page("app_pages/import_data.py", title=t("page_import", lang()),
            url_path="import"),
    st.Page("app_pages/edit.py", title=t("page_edit", lang()), url_path="edit"),
    # listed for admins only; a direct link still opens it and the page itself checks the role
    st.Page("app_pages/admin.py", title=t("page_admin", lang()), url_path="admin",
            visibility="visible" if editor is not None and editor.is_admin else "hidden"),
]
page = st.navigation(pages)
if not first_paint.begin(map_page=page is map_page):  # a first map: the sidebar once the map is drawn
    sidebar_frame()
    login_box()
entering(page.url_path)  # links are read when a page is entered, not on its reruns
page.run()
