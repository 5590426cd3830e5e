"""How a folium map of records looks, apart from the records: one hashable value, the cache key."""

from __future__ import annotations

from dataclasses import dataclass

from geo.assets import DEFAULT_BASE_URL
from geo.basemaps import Basemap, resolve
from parks.config import RECORD_LAYERS

OFFLINE = resolve("offline", {})  # county outlines only: needs no network and no key


@dataclass(frozen=True)
class MapLook:
    """Everything a map builder needs besides the dataset, the selection and the extent."""

    basemap: Basemap = OFFLINE
    """Tiles and datum under the records (a GCJ-02 basemap shifts every layer while shown)."""
    lang: str = "zh"
    """Language of labels, tooltips, popups and the legend: 'zh' or 'en'."""
    system: str = "sei"
    """Industry system that colours the enterprises (parks.model.industries)."""
    layers: tuple[str, ...] = RECORD_LAYERS
    """Layers switched on: keys of parks.config layers; 'choropleth' is drawn from the filters."""
    asset_base_url: str = DEFAULT_BASE_URL
    """Where the page serves the vendored Leaflet files (geo.assets.localize)."""
    view_scope: str = ""
    """Name under which the map keeps its view in the page URL; '' keeps none."""
    detail_url: str = ""
    """Where the canvas layer fetches enterprise popups ('{chunk}' in it); '' when inline."""
    profile_url: str = ""
    """A park's profile page ('{id}' in it) that popups link to; '' puts no link (exports)."""
    legend_open: bool = True
    """Whether the legend starts unfolded."""

    @property
    def drawn(self) -> tuple[str, ...]:
        """The layers drawn into the map itself: the choropleth travels with each filter."""
        return tuple(key for key in self.layers if key != "choropleth")
