"""Settings from Streamlit secrets and environment variables (HEZE_*), as a plain mapping."""

from __future__ import annotations

import os
from types import MappingProxyType

import streamlit as st

KEYS = {
    "tianditu_key": "天地图 API key; without it the 天地图 basemap is hidden.",
    "custom_tile_url": "XYZ tile URL of an intranet tile server, e.g. http://tiles.local/{z}/{x}/{y}.png",
    "custom_tile_attribution": "Attribution text shown for the custom tiles.",
    "custom_tile_crs": "Datum of the custom tiles: WGS84 (default) or GCJ02.",
    "custom_tile_subdomains": "Subdomain letters for {s} in the custom URL (default abc).",
    "geocoder": "Address geocoding: offline (default), tianditu or amap (needs the key below).",
    "amap_key": "高德 Web-service key for online geocoding (geocoder = amap).",
    "tianditu_geocode_url": "Override of the 天地图 geocoding URL (e.g. an intranet proxy).",
    "amap_geocode_url": "Override of the 高德 geocoding URL (e.g. an intranet proxy).",
}


def _secrets() -> dict[str, str]:
    try:
        return {k: str(v) for k, v in st.secrets.items() if k in KEYS}
    except Exception:  # no secrets.toml at all is normal; never fail a page over it
        return {}


def settings() -> MappingProxyType:
    """Secrets first, then HEZE_<KEY> environment variables override them."""
    values = _secrets()
    for key in KEYS:
        env = os.environ.get(f"HEZE_{key.upper()}")
        if env is not None:
            values[key] = env
    return MappingProxyType(values)
