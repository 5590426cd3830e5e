"""Widget state that survives a language switch: the key carries the language, the value does not."""

from __future__ import annotations

from typing import Any

import streamlit as st


def lang_key(name: str, lang: str, initial: Any) -> str:
    """Key of the `name` widget in `lang`, seeded with the value chosen in any language.

    A widget whose option labels change (中文 ↔ English) must be a new widget, or the browser
    keeps the old labels; seeding it from `name` keeps the user's choice across the switch.
    """
    key = f"{name}__{lang}"
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(name, initial)
    return key


def remember(name: str, value: Any) -> Any:
    """Record the language-independent value of a widget and hand it back."""
    st.session_state[name] = value
    return value
