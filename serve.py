"""The app's server: app.py served by Streamlit (`streamlit run serve.py`), which starts loading
the first page's modules and the default region's data as the server starts."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ui.http_cache import ImmutableFiles
from ui.warm_start import warm

_ROOT = Path(__file__).resolve().parent
# only light imports here: this module is imported before the server starts (Streamlit reads
# it to find `app`), and parks.config alone pulls in folium (0.6 s, measured)
# the map page is the default page (app.py); its imports are what a first visitor waits for
_FIRST_PAGE = (_ROOT / "app.py", _ROOT / "app_pages" / "map.py")


@asynccontextmanager
async def _warm_start(_app: object) -> AsyncIterator[None]:
    warm(_FIRST_PAGE)  # returns at once: the server answers meanwhile
    yield


app = st.App(_ROOT / "app.py", lifespan=_warm_start, middleware=[Middleware(ImmutableFiles)])
