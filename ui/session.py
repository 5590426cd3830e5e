"""Session state shared by all pages: language and region, set up by init_session() before navigation."""

from __future__ import annotations

from typing import Any

import streamlit as st

from geo.labels import LANGS
from parks.config import DEFAULT_CONFIG
from parks.model.schema import field_label
from ui.i18n import lang, t
from ui.permalink import shared_from_link

_READY = "_session_ready"


def init_session() -> None:
    """Set up every shared key before navigation: from the link once per session, then kept to
    a known language and region (a hand-edited link may carry anything)."""
    if not st.session_state.get(_READY):
        st.session_state[_READY] = True
        st.session_state.update(shared_from_link())
    if st.session_state.get("lang") not in LANGS:
        st.session_state["lang"] = LANGS[0]
    if st.session_state.get("region") not in [r.adcode for r in DEFAULT_CONFIG.regions]:
        st.session_state["region"] = DEFAULT_CONFIG.default_region


def region() -> str:
    """The chosen region's adcode (init_session sets it before any page runs)."""
    return st.session_state.get("region", DEFAULT_CONFIG.default_region)


def app_heading(language: str, adcode: str) -> str:
    """The app's name with the chosen city, for the page title and the browser tab: the name
    itself names no city (菏泽 in 济宁 would be wrong)."""
    return f"{t('app_title', language)} · {DEFAULT_CONFIG.region(adcode).label.get(language)}"


def sidebar_frame() -> None:
    """Language and city switches at the top of the sidebar (shared by every page)."""
    codes = [r.adcode for r in DEFAULT_CONFIG.regions]
    st.sidebar.radio(t("language"), LANGS, key="lang", horizontal=True,
                     format_func=lambda code: "中文" if code == "zh" else "English")
    language = lang()
    remember("region", st.sidebar.selectbox(
        field_label("region_adcode", language), codes, key=lang_key("region", language, region()),
        format_func=lambda code: DEFAULT_CONFIG.region(code).label.get(language)))


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


def keep_valid(name: str, options: list | tuple, fallback: Any, *, most: int | None = None) -> None:
    """Before the `name` widget is made, drop a session value (from a link, or chosen before the
    data changed) that is not among its options, and list items past `most`: a widget refuses
    such a value."""
    if name in st.session_state:
        value = _valid(st.session_state[name], options, fallback)
        st.session_state[name] = value[:most] if isinstance(value, list) else value


def _valid(value: Any, options: list | tuple, fallback: Any) -> Any:
    if isinstance(value, list | tuple):
        return [v for v in value if v in options]
    return value if value in options else fallback


def remember(name: str, value: Any) -> Any:
    """Record the language-independent value of a widget and hand it back."""
    st.session_state[name] = value
    return value
