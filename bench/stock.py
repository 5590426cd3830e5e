"""The stock folium map the benchmark compares against: points in one FastMarkerCluster."""

from __future__ import annotations

from collections.abc import Sequence

import folium
from folium.plugins import FastMarkerCluster

from geo.assets import localize


def cluster_map(latlon: Sequence[Sequence[float]]) -> folium.Map:
    """A plain folium map of Heze with every [lat, lon] in one FastMarkerCluster, Leaflet vendored."""
    fmap = folium.Map(location=[35.2, 115.6], zoom_start=9, tiles=None)
    fmap.options.update(max_zoom=18)  # no tile layer to set it, and marker clusters need it
    FastMarkerCluster([list(p) for p in latlon]).add_to(fmap)
    localize(fmap)  # these machines have no CDN
    return fmap
