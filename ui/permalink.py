"""Permalinks: page state in the URL (st.query_params), restored once when a link is opened."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

# URL key → session key of the value it carries (lists are comma-separated in the URL)
MAP_PARAMS: Mapping[str, str] = {
    "county": "map_counties", "system": "map_system", "industry": "map_industries",
    "tier": "map_tiers", "kind": "map_kinds", "stage": "map_stages", "q": "map_search",
    "basemap": "map_basemap", "layers": "map_layers", "table": "map_table",
}
LISTS = frozenset({"county", "industry", "tier", "kind", "stage", "layers", "ids"})
SHARED = ("lang", "region")  # every page carries these
KEEP = ("view",)  # written by the map itself (geo/templates/viewsync.js), kept as they are


def _decode(key: str, text: str) -> object:
    if key in LISTS:
        return [part for part in text.split(",") if part] if text else []
    return text


def restore_shared() -> None:
    """Language and city from the URL, once per session (before the sidebar is drawn)."""
    if st.session_state.get("_permalink_shared"):
        return
    st.session_state["_permalink_shared"] = True
    for key in SHARED:
        if key in st.query_params:
            st.session_state[key] = st.query_params[key]


def restore(params: Mapping[str, str], page: str) -> None:
    """Copy URL values into session state once per session and page, before any widget is
    made (widgets then start from them; unknown values are dropped by the widgets' options)."""
    flag = f"_permalink_restored_{page}"
    if st.session_state.get(flag):
        return
    st.session_state[flag] = True
    query = st.query_params
    for key, session_key in params.items():
        if key in query:
            value = _decode(key, query[key])
            if key == "industry":  # the industry list belongs to the chosen system's widget
                session_key = f"map_industries_{query.get('system', 'sei')}"
            st.session_state[session_key] = value


def publish(values: Mapping[str, object]) -> None:
    """Write the page's state to the URL; empty values are left out, `view` is kept."""
    wanted: dict[str, str] = {}
    for key in SHARED:
        wanted[key] = str(st.session_state.get(key, ""))
    for key, value in values.items():
        if value is None:  # a widget with nothing chosen (the closed table)
            continue
        text = ",".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
        if text:
            wanted[key] = text
    for key in KEEP:
        if key in st.query_params:
            wanted[key] = st.query_params[key]
    wanted = {k: v for k, v in wanted.items() if v}
    if dict(st.query_params.to_dict()) != wanted:
        st.query_params.from_dict(wanted)


def map_state(system: str) -> dict[str, object]:
    """The map page's filters and options as URL values."""
    state = {key: st.session_state.get(session_key, "") for key, session_key in
             MAP_PARAMS.items() if key != "industry"}
    state["industry"] = st.session_state.get(f"map_industries_{system}", [])
    return state
