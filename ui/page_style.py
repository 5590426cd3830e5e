"""Page-wide CSS that keeps a rerun cheap for the browser."""

from __future__ import annotations

import streamlit as st

# Streamlit fades an element being recomputed over 1 s (after 0.5 s): on a busy machine every
# frame of that fade is composited in software while the rerun is still running, which slows
# the rerun further. The element is dimmed at the same moment, without the animation.
STALE_WITHOUT_FADE = """<style>
[data-testid="stElementContainer"][data-stale="true"] { transition: opacity 0s linear 0.5s !important; }
</style>"""


def page_style() -> None:
    st.html(STALE_WITHOUT_FADE)  # a style-only block takes no room on the page
