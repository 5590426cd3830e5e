"""A visitor's first page, when it is the map: the map drawn before the rest of the page."""

from __future__ import annotations

import streamlit as st

from ui.map_widget import assets_servable, fast_path_ready

_PAINTED = "_first_paint_done"  # False while a first paint waits for the map, else True
_BEGUN = "_first_paint_begun"  # begin() ran on this run (a fragment's own rerun skips it)

# Why: the browser builds every widget of a page before it starts the map's frame, and the
# map's own scripts then wait for the page's. At 1k enterprises navigation → map drawn took
# 1.45× the floor page's time with the whole page and 1.11× with the map first (15 visits
# each, side by side with the floor). The rest follows in a second run once the frame says so.


def begin(*, map_page: bool) -> bool:
    """Whether this run shows the map page down to its map only (the sidebar and what is below
    the map come once the map is drawn): a session's first page is the map, in a browser (AppTest
    has none), and the map's frame can say it is drawn (the fast path with its Leaflet files).
    Any other run shows its whole page, as do all later ones."""
    first = (not st.session_state.get(_PAINTED) and map_page
             and bool(st.context.headers.get("User-Agent"))
             and fast_path_ready() and assets_servable())
    st.session_state[_BEGUN] = first
    st.session_state[_PAINTED] = not first
    return first


def told() -> bool:
    """On a first paint, whether this run came from the map's frame: the map part's own rerun
    (no begin() before it), which on a first paint only the frame's drawn message starts. Asked
    before the filters and the map's update are worked out again, for nothing."""
    begun = st.session_state.get(_BEGUN, False)
    st.session_state[_BEGUN] = False
    return not begun


def active() -> bool:
    """True while the map page should show its map only (begin decided so on this session and
    the map has not said it is drawn yet)."""
    return st.session_state.get(_PAINTED) is False


def drawn() -> None:
    """The map's frame has said the map is drawn: the whole page, in a full rerun."""
    st.session_state[_PAINTED] = True
    st.rerun()
