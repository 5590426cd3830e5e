"""Widget state that survives a language switch: the key carries the language, the value does not."""

from __future__ import annotations

from typing import Any

import streamlit as st


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
