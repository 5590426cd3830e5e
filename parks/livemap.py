"""The map page's map: every record drawn once; a filter change only sends which ones to show.

streamlit-folium re-creates the map (iframe, scripts, data) whenever its HTML changes. So the map
holds all records of the chosen layers and stays byte-identical while filters change; the
filters travel as a small script (a bitmask per layer, grid counts for the canvas layer, the
county choropleth) that st_folium runs inside the existing map.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.basemaps import Basemap
from geo.cloud import LayerUpdate, drawable_bins, mask_b64
from geo.crs import wgs84_to_gcj02
from geo.layers import ChoroplethLayer, choropleth_group
from geo.maps import display_layer
from parks.config import DEFAULT_CONFIG, AppConfig
from parks.load import Dataset
from parks.symbology import Selection, choropleth_frame, located_count, records_map


@dataclass(frozen=True)
class LiveMap:
    """The map (same HTML for every filter) and the filter's update for st_folium."""

    base: folium.Map
    update: folium.FeatureGroup


def _layer_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    chem = frames["parks"]["kind"] == "chemical_park"
    return {"chemical_parks": frames["parks"][chem], "parks": frames["parks"][~chem],
            "enterprises": frames["enterprises"], "projects": frames["projects"]}


def _display_xy(frame: pd.DataFrame, basemap: Basemap) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = frame["lon"].to_numpy(float), frame["lat"].to_numpy(float)
    if basemap.crs == "GCJ02":
        lon, lat = (np.asarray(v) for v in wgs84_to_gcj02(lon, lat))
    return lon, lat


def layer_updates(dataset: Dataset, selection: Selection, layers: Collection[str],
                  basemap: Basemap, cloud: bool,
                  bin_min: int = DEFAULT_CONFIG.bin_min) -> dict[str, dict[str, object]]:
    """Per drawn layer: which of its points (in drawing order) the filters keep; for the canvas
    layer also grid counts, when the kept points are more than the canvas ever shows as points
    (at 10k, 63 KB of counts per filter change that were never drawn)."""
    everything = _layer_frames({"parks": dataset.parks, "enterprises": dataset.enterprises,
                                "projects": dataset.projects})
    chosen = _layer_frames(selection.frames())
    out: dict[str, dict[str, object]] = {}
    for key, frame in everything.items():
        if key not in layers:
            continue
        drawn = frame.index[frame.geometry.notna().to_numpy()] if len(frame) else frame.index
        out[key] = {"mask": mask_b64(drawn.isin(chosen[key].index))}
        if key == "enterprises" and cloud:
            kept = chosen[key]  # coordinates of the located ones, without copying the frame
            located = kept.geometry.notna().to_numpy() if len(kept) else np.zeros(0, bool)
            lon, lat = _display_xy(kept, basemap)
            bins = drawable_bins(lon[located], lat[located], bin_min)
            if bins is not None:
                out[key]["bins"] = bins
    return out


def base_map(dataset: Dataset, *, basemap: Basemap, lang: str, system: str, layers: Collection[str],
             asset_base_url: str, view_scope: str = "", context: gpd.GeoDataFrame | None = None,
             detail_url: str = "", config: AppConfig = DEFAULT_CONFIG) -> folium.Map:
    """Every record of `layers` (the choropleth aside): the same map for any filter."""
    everything = Selection(dataset.parks, dataset.enterprises, dataset.projects).visible(layers)
    return records_map(dataset, everything, basemap=basemap, lang=lang, system=system,
                       layers=_drawn(layers), asset_base_url=asset_base_url, config=config,
                       context=context, view_scope=view_scope, detail_url=detail_url)


def _drawn(layers: Collection[str]) -> tuple[str, ...]:
    return tuple(k for k in layers if k != "choropleth")


def filter_update(dataset: Dataset, selection: Selection, *, basemap: Basemap, lang: str,
                  layers: Collection[str], config: AppConfig = DEFAULT_CONFIG) -> folium.FeatureGroup:
    """The filter applied to base_map: masks, grid counts and the county choropleth."""
    # the same test record_layers applied to base_map's records
    cloud = "enterprises" in layers and located_count(dataset.enterprises) > config.marker_limit
    update = folium.FeatureGroup(name="filters", control=False)
    if "choropleth" in layers:  # counts change with every filter: part of the update
        shaded = ChoroplethLayer(config.layer("choropleth").label(lang),
                                 choropleth_frame(dataset, selection, lang), show=True)
        update = choropleth_group(display_layer(shaded, basemap))
        update.control = False
    update.add_child(LayerUpdate(layer_updates(dataset, selection, _drawn(layers), basemap, cloud,
                                               config.bin_min)))
    return update


def live_map(dataset: Dataset, selection: Selection, *, basemap: Basemap, lang: str, system: str,
             layers: Collection[str], asset_base_url: str, view_scope: str = "",
             context: gpd.GeoDataFrame | None = None, detail_url: str = "",
             config: AppConfig = DEFAULT_CONFIG) -> LiveMap:
    """All records of `layers` in the map; `selection` (the filtered records) in the update."""
    base = base_map(dataset, basemap=basemap, lang=lang, system=system, layers=layers,
                    asset_base_url=asset_base_url, view_scope=view_scope, context=context,
                    detail_url=detail_url, config=config)
    update = filter_update(dataset, selection, basemap=basemap, lang=lang, layers=layers, config=config)
    return LiveMap(base, update)
