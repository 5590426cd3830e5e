"""Session state shared by all pages: language and region, initialised once with setdefault."""

from __future__ import annotations

import streamlit as st

from parks.config import DEFAULT_CONFIG
from ui.i18n import LANGS, lang, t
from ui.state import lang_key, remember


def region() -> str:
    return st.session_state.setdefault("region", DEFAULT_CONFIG.default_region)


def sidebar_frame() -> None:
    """Language and city switches at the top of the sidebar (shared by every page)."""
    codes = [r.adcode for r in DEFAULT_CONFIG.regions]
    if st.session_state.get("lang") not in LANGS:  # e.g. a hand-edited link
        st.session_state["lang"] = "zh"
    if st.session_state.get("region") not in codes:
        st.session_state["region"] = DEFAULT_CONFIG.default_region
    st.sidebar.radio(t("language"), LANGS, key="lang", horizontal=True,
                     format_func=lambda code: "中文" if code == "zh" else "English")
    language = lang()
    remember("region", st.sidebar.selectbox(
        t("region"), codes, key=lang_key("region", language, region()),
        format_func=lambda code: DEFAULT_CONFIG.region(code).label(language)))
