"""Session state shared by all pages: language and region, initialised once with setdefault."""

from __future__ import annotations

from typing import Any

import streamlit as st

from parks.config import DEFAULT_CONFIG
from ui.i18n import LANGS, lang, t


def region() -> str:
    """The session's region adcode (the configured default until the user picks one)."""
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


def lang_key(name: str, lang: str, initial: Any, options: list | tuple | None = None) -> str:
    """Key of the `name` widget in `lang`, seeded with the value chosen in any language.

    A widget whose option labels change (中文 ↔ English) must be a new widget, or the browser
    keeps the old labels; seeding it from `name` keeps the user's choice across the switch.
    With `options`, a seeded value that is not an option (an old or hand-made link) is dropped.
    """
    key = f"{name}__{lang}"
    if key not in st.session_state:
        value = st.session_state.get(name, initial)
        if options is not None:
            value = _valid(value, options, initial)
        st.session_state[key] = value
    return key


def _valid(value: Any, options: list | tuple, fallback: Any) -> Any:
    if isinstance(value, list | tuple):
        return [v for v in value if v in options]
    return value if value in options else fallback


def remember(name: str, value: Any) -> Any:
    """Record the language-independent value of a widget and hand it back."""
    st.session_state[name] = value
    return value
