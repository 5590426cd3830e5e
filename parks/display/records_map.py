"""The map page's map: every record drawn once; a filter change only sends which ones to show.

streamlit-folium re-creates the map (iframe, scripts, data) whenever its HTML changes. So the map
holds all records of the chosen layers and stays byte-identical while filters change; the
filters travel as a small script (a bitmask per layer, grid counts for the canvas layer, the
county choropleth) that st_folium runs inside the existing map.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.basemaps import Basemap
from geo.cloud import CloudLayer, LayerUpdate, drawable_bins, mask_b64
from geo.crs import wgs84_to_gcj02
from geo.layers import ChoroplethLayer, OutlineLayer, PointLayer, choropleth_group
from geo.maps import build_map, display_layer
from parks.analysis.query import Selection
from parks.config import DEFAULT_CONFIG, AppConfig
from parks.display.popups import shared_note
from parks.display.style import (
    build_legend,
    choropleth_frame,
    county_frame,
    enterprise_cloud,
    enterprise_points,
    outline_layer_frame,
    park_points,
    project_points,
    spread_points,
    text,
)
from parks.model.dataset import Dataset


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


def record_layers(dataset: Dataset, selection: Selection, *, lang: str, system: str,
                  layers: Collection[str], config: AppConfig = DEFAULT_CONFIG,
                  context: gpd.GeoDataFrame | None = None, detail_url: str = "") -> list:
    """The map layers for a selection, in drawing order (outlines first, points last).

    `context`: counties around the region, drawn faintly (the offline basemap's surroundings).
    More than `config.marker_limit` enterprises are drawn as one canvas layer (geo.cloud);
    `detail_url` is where its popups are fetched from ('' when there are none).
    """
    park_names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
    linked = dataset.enterprises[dataset.enterprises["id"].isin(selection.projects["enterprise_id"])]
    ent_names = dict(zip(linked["id"], linked["name_zh"], strict=True))  # projects' firms only
    chem = selection.parks["kind"] == "chemical_park"
    cloud = located_count(selection.enterprises) > config.marker_limit
    points = spread_points({
        "chemical_parks": park_points(selection.parks[chem], dataset.taxonomy, lang),
        "parks": park_points(selection.parks[~chem], dataset.taxonomy, lang),
        "enterprises": enterprise_points(selection.enterprises.iloc[0:0] if cloud else
                                         selection.enterprises, dataset.taxonomy, lang, system,
                                         park_names),
        "projects": project_points(selection.projects, dataset.taxonomy, lang, ent_names),
    }, config.spread_spacing_m, shared_note(lang))
    out: list = []
    if context is not None and len(context):
        frame = context.assign(label=context["name_zh"])
        out.append(OutlineLayer("context", frame, colour="#AEB6BF", weight=0.8, labels=False,
                                in_control=False, css_class="hz-context"))
    if "choropleth" in layers:
        out.append(ChoroplethLayer(config.layer("choropleth").label(lang),
                                   choropleth_frame(dataset, selection, lang), show=True))
    out.append(OutlineLayer(config.layer("counties").label(lang), county_frame(dataset, lang),
                            in_control=False))
    if "outlines" in layers:
        out.append(OutlineLayer(config.layer("outlines").label(lang),
                                outline_layer_frame(selection.parks, lang), weight=2.2,
                                fill_colour="#888888", labels=False, css_class="hz-park-outline"))
    for key, size, cluster in (("enterprises", 14, True), ("projects", 16, False),
                               ("parks", 20, False), ("chemical_parks", 22, False)):
        if key == "enterprises" and cloud and key in layers:
            out.append(enterprise_cloud(selection.enterprises, dataset.taxonomy, lang, system,
                                        config.layer(key).label(lang), detail_url, config.bin_min))
        elif key in layers:
            out.append(PointLayer(config.layer(key).label(lang), points[key], cluster=cluster,
                                  size=size, css_class=f"hz-{key.replace('_', '-')}", key=key))
    return out


def located_count(frame: pd.DataFrame) -> int:
    """How many rows of the frame have a point."""
    return int(frame.geometry.notna().sum()) if len(frame) else 0


def records_map(dataset: Dataset, selection: Selection, *, basemap: Basemap, lang: str = "zh",
                system: str = "sei",
                layers: Collection[str] = ("outlines", "chemical_parks", "parks", "enterprises",
                                           "projects"),
                asset_base_url: str | None = None, config: AppConfig = DEFAULT_CONFIG,
                context: gpd.GeoDataFrame | None = None, view_scope: str = "",
                bounds: tuple[float, float, float, float] | None = None,
                extra: Sequence = (), legend_open: bool = True, detail_url: str = "") -> folium.Map:
    """The map page's map: county outlines, filtered records, legend, chosen basemap.

    `context` (neighbouring counties) is drawn only on the offline basemap, where there are no
    tiles to show the surroundings.
    """
    kwargs = {"asset_base_url": asset_base_url} if asset_base_url else {}
    shown_context = context if basemap.offline else None
    drawn = record_layers(dataset, selection, lang=lang, system=system, layers=layers,
                          config=config, context=shown_context, detail_url=detail_url)
    points_from = next((i for i, layer in enumerate(drawn)
                        if isinstance(layer, PointLayer | CloudLayer)), len(drawn))
    return build_map(
        [*drawn[:points_from], *extra, *drawn[points_from:]],  # circles under the markers
        basemap=basemap, bounds=bounds or tuple(dataset.counties.total_bounds),
        legend=replace(build_legend(dataset.taxonomy, lang, system, layers), open=legend_open),
        offline_notice=text("offline", lang), view_scope=view_scope, **kwargs)
