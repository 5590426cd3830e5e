"""The app's Settings (parks.config): built once per session from the environment and secrets."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from parks.config import SETTINGS, Settings, SettingsError, process_settings

_KEY = "settings"


def _secrets() -> Mapping[str, object]:
    keys = {s.secret for s in SETTINGS if s.secret}
    try:
        return {k: v for k, v in st.secrets.items() if k in keys}
    except Exception:  # no secrets.toml at all is normal; never fail a page over it
        return {}


def settings() -> Settings:
    """This session's settings; bad values stop the page with every problem listed."""
    if _KEY not in st.session_state:
        try:
            st.session_state[_KEY] = process_settings(_secrets())
        except SettingsError as error:
            st.error("\n".join(["配置有误 / Bad settings:", *(f"- {p}" for p in error.problems)]))
            st.stop()
    return st.session_state[_KEY]


def server_settings() -> Settings | None:
    """The settings as the server starts, before any session; None when they are bad (the
    first page lists the problems)."""
    try:
        return process_settings(_secrets())
    except SettingsError:
        return None
