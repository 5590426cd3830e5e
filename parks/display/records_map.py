"""The map page's map: every record drawn once; a filter change only sends which ones to show.

streamlit-folium re-creates the map (iframe, scripts, data) whenever its HTML changes. So the map
holds all records of the chosen layers and stays byte-identical while filters change; the
filters travel as a small script (a bitmask per layer, grid counts for the canvas layer, the
county choropleth) that st_folium runs inside the existing map.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.basemaps import Basemap
from geo.cloud import CloudLayer, LayerUpdate, mask_b64
from geo.crs import wgs84_to_gcj02
from geo.grid_counts import drawable_bins
from geo.labels import Label
from geo.layers import ChoroplethLayer, OutlineLayer, PointLayer, choropleth_group
from geo.maps import Layer, build_map, display_layer, fit_update
from parks.analysis.query import Selection
from parks.config import DEFAULT_CONFIG, AppConfig
from parks.display.map_look import MapLook
from parks.display.popups import shared_note
from parks.display.style import (
    OFFLINE,
    build_legend,
    choropleth_frame,
    county_frame,
    enterprise_cloud,
    enterprise_points,
    legend_keys,
    outline_layer_frame,
    park_points,
    project_points,
    seat_points,
    spread_points,
)
from parks.model.dataset import Dataset


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
                  basemap: Basemap, *, cloud: bool,
                  bin_min: int = DEFAULT_CONFIG.bin_min) -> dict[str, dict[str, object]]:
    """Per drawn layer: which of its points (in drawing order) the filters keep; for the canvas
    layer also grid counts, when the kept points are more than the canvas ever shows as points
    (at 10k, 63 KB of counts per filter change that were never drawn), or {"all": True} when
    the filters keep every point."""
    everything = _layer_frames({"parks": dataset.parks, "enterprises": dataset.enterprises,
                                "projects": dataset.projects})
    chosen = _layer_frames(selection.frames())
    out: dict[str, dict[str, object]] = {}
    for key, frame in everything.items():
        if key not in layers:
            continue
        if key == "enterprises" and cloud and len(chosen[key]) == len(frame):
            # every point kept: the canvas shows its own (a first map's update was 150 KB of
            # mask and counts at 100k enterprises, measured)
            out[key] = {"all": True}
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


def base_map(dataset: Dataset, look: MapLook, *, context: gpd.GeoDataFrame | None = None,
             config: AppConfig = DEFAULT_CONFIG) -> folium.Map:
    """Every record of the look's layers (the choropleth aside): the same map for any filter."""
    everything = Selection(dataset.parks, dataset.enterprises, dataset.projects).visible(look.layers)
    return records_map(dataset, everything, replace(look, layers=look.drawn), context=context,
                       config=config)


def filter_update(dataset: Dataset, selection: Selection, look: MapLook, *,
                  counties: Collection[str] = (), config: AppConfig = DEFAULT_CONFIG
                  ) -> folium.FeatureGroup:
    """The filter applied to base_map: masks, grid counts, the county choropleth, and the box
    of the chosen `counties` (of the region when none) for the map to frame."""
    # the same test record_layers applied to base_map's records
    cloud = "enterprises" in look.layers and located_count(dataset.enterprises) > config.marker_limit
    update = folium.FeatureGroup(name="filters", control=False)
    if "choropleth" in look.layers:  # counts change with every filter: part of the update
        update = choropleth_group(display_layer(_choropleth(dataset, selection, look, config),
                                                look.basemap))
        update.control = False
    updates = layer_updates(dataset, selection, look.drawn, look.basemap, cloud=cloud,
                            bin_min=config.bin_min)
    shown = sorted(legend_keys(selection, dataset.taxonomy, look.system))  # the legend's rows
    update.add_child(LayerUpdate(updates | {"_fit": fit_update(
        county_box(dataset, counties, look.basemap)), "_legend": {"keys": shown}}))
    return update


def county_box(dataset: Dataset, counties: Collection[str],
               basemap: Basemap) -> tuple[float, float, float, float]:
    """W, S, E, N around the chosen counties (all of them when none), in the basemap's datum."""
    chosen = dataset.counties[dataset.counties["adcode"].isin(counties)]
    west, south, east, north = (chosen if len(chosen) else dataset.counties).total_bounds
    if basemap.crs == "GCJ02":
        (west, east), (south, north) = (np.asarray(v) for v in
                                        wgs84_to_gcj02(np.array([west, east]), np.array([south, north])))
    return float(west), float(south), float(east), float(north)


def _choropleth(dataset: Dataset, selection: Selection, look: MapLook,
                config: AppConfig) -> ChoroplethLayer:
    return ChoroplethLayer(config.layer("choropleth").label.get(look.lang),
                           choropleth_frame(dataset, selection, look.lang), show=True)


def record_layers(dataset: Dataset, selection: Selection, look: MapLook, *,
                  context: gpd.GeoDataFrame | None = None,
                  config: AppConfig = DEFAULT_CONFIG) -> list[Layer]:
    """The map layers for a selection, in drawing order (outlines first, points last).

    `context`: counties around the region, drawn faintly (the offline basemap's surroundings).
    More than `config.marker_limit` enterprises are drawn as one canvas layer (geo.cloud), whose
    popups are fetched from `look.detail_url`.
    """
    return [*_area_layers(dataset, selection, look, context, config),
            *_point_layers(dataset, selection, look, config)]


def _area_layers(dataset: Dataset, selection: Selection, look: MapLook,
                 context: gpd.GeoDataFrame | None, config: AppConfig) -> list[Layer]:
    """Surrounding counties, the choropleth, county outlines and park outlines."""
    out: list[Layer] = []
    if context is not None and len(context):
        frame = context.assign(label=context["name_zh"])
        out.append(OutlineLayer("context", frame, colour="#AEB6BF", weight=0.8, labels=False,
                                in_control=False, css_class="hz-context"))
    if "choropleth" in look.layers:
        out.append(_choropleth(dataset, selection, look, config))
    out.append(OutlineLayer(config.layer("counties").label.get(look.lang),
                            county_frame(dataset, look.lang), in_control=False))
    if "outlines" in look.layers:
        out.append(OutlineLayer(config.layer("outlines").label.get(look.lang),
                                outline_layer_frame(selection.parks, look.lang), weight=2.2,
                                fill_colour="#888888", labels=False, css_class="hz-park-outline"))
    return out


def _point_layers(dataset: Dataset, selection: Selection, look: MapLook,
                  config: AppConfig) -> list[Layer]:
    """Enterprises (markers, or one canvas layer when many), projects, parks, chemical parks."""
    lang, cloud = look.lang, located_count(selection.enterprises) > config.marker_limit
    points = _points(dataset, selection, look, config, cloud=cloud)
    out: list[Layer] = []
    # each layer in its own pane, stacked in this order: parks are never under enterprise clusters
    for key, size, cluster, z in (("enterprises", 14, True, 610), ("projects", 16, False, 615),
                                  ("parks", 20, False, 620), ("chemical_parks", 22, False, 625)):
        if key == "enterprises" and cloud and key in look.layers:
            out.append(enterprise_cloud(selection.enterprises, dataset.taxonomy, lang, look.system,
                                        config.layer(key).label.get(lang), look.detail_url,
                                        config.bin_min))
        elif key in look.layers:
            out.append(PointLayer(config.layer(key).label.get(lang), points[key], cluster=cluster,
                                  size=size, css_class=f"hz-{key.replace('_', '-')}", key=key,
                                  z_index=z))
    return out


def _points(dataset: Dataset, selection: Selection, look: MapLook, config: AppConfig, *,
            cloud: bool) -> dict[str, pd.DataFrame]:
    """Marker frames per point layer, records sharing a point fanned out (none when `cloud`)."""
    park_names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
    linked = dataset.enterprises[dataset.enterprises["id"].isin(selection.projects["enterprise_id"])]
    ent_names = dict(zip(linked["id"], linked["name_zh"], strict=True))  # projects' firms only
    chem = selection.parks["kind"] == "chemical_park"
    tax, lang = dataset.taxonomy, look.lang
    firms = selection.enterprises.iloc[0:0] if cloud else selection.enterprises
    points = {
        "chemical_parks": park_points(selection.parks[chem], tax, lang, look.profile_url),
        "parks": park_points(selection.parks[~chem], tax, lang, look.profile_url),
        "projects": project_points(selection.projects, tax, lang, ent_names),
        "enterprises": enterprise_points(firms, tax, lang, look.system, park_names,
                                         look.profile_url),
    }
    if config.spread_px:  # on screen: apart at every zoom
        return seat_points(points, config.spread_px, config.seat_hole_px, shared_note(lang),
                           clustered=("enterprises",))
    return spread_points(points, config.spread_spacing_m, shared_note(lang))


def located_count(frame: pd.DataFrame) -> int:
    """Records of `frame` with a point."""
    return int(frame.geometry.notna().sum()) if len(frame) else 0


def records_map(dataset: Dataset, selection: Selection, look: MapLook, *,
                context: gpd.GeoDataFrame | None = None,
                bounds: tuple[float, float, float, float] | None = None,
                extra: Sequence[Layer] = (), config: AppConfig = DEFAULT_CONFIG) -> folium.Map:
    """A map of records: county outlines, the selection, legend, the look's basemap.

    Drawn by the map page (through base_map), the nearby, park and import pages and the HTML
    export. `context` (neighbouring counties) is drawn only on the offline basemap, where there
    are no tiles to show the surroundings; `extra` layers go under the markers.
    """
    shown_context = context if look.basemap.offline else None
    drawn = record_layers(dataset, selection, look, context=shown_context, config=config)
    points_from = next((i for i, layer in enumerate(drawn)
                        if isinstance(layer, PointLayer | CloudLayer)), len(drawn))
    return build_map(
        [*drawn[:points_from], *extra, *drawn[points_from:]],  # circles under the markers
        basemap=look.basemap, bounds=bounds or tuple(dataset.counties.total_bounds),
        legend=replace(build_legend(dataset.taxonomy, look.lang, look.system, look.layers,
                                    legend_keys(selection, dataset.taxonomy, look.system)),
                       open=look.legend_open),
        offline_notice=OFFLINE.get(look.lang), view_scope=look.view_scope,
        asset_base_url=look.asset_base_url, lang=look.lang)


RANKED = Label("排名园区（数字：名次）", "Ranked parks (number: rank)")


def ranked_map(dataset: Dataset, park_ids: Sequence[str], look: MapLook, *,
               context: gpd.GeoDataFrame | None = None,
               config: AppConfig = DEFAULT_CONFIG) -> folium.Map:
    """records_map of the ranked parks alone, each numbered by its rank (1 for park_ids[0]) in
    its kind's symbol, framed on those with a point; parks sharing a seat fanned out."""
    parks = dataset.parks.set_index("id").loc[list(park_ids)].reset_index()
    parks = parks.assign(_rank=range(1, len(parks) + 1))
    points = park_points(parks, dataset.taxonomy, look.lang)
    ranks = parks.loc[points.index, "_rank"].astype(str)
    points = points.assign(glyph=ranks.to_numpy(),
                           tooltip=(ranks + ". " + points["tooltip"]).to_numpy()).iloc[::-1]
    # drawn last rank first: where symbols overlap, the better rank lies on top
    spread = spread_points({"ranked": points}, config.spread_spacing_m, shared_note(look.lang))
    layer = PointLayer(RANKED.get(look.lang), spread["ranked"], size=24, css_class="hz-parks",
                       key="ranked")
    nothing = Selection(dataset.parks.iloc[0:0], dataset.enterprises.iloc[0:0],
                        dataset.projects.iloc[0:0])
    return records_map(dataset, nothing, replace(look, layers=("parks", "chemical_parks")),
                       context=context, bounds=_padded(points), extra=[layer], config=config)


def _padded(points: pd.DataFrame, pad: float = 0.05) -> tuple[float, float, float, float] | None:
    """The box around the points, a little larger; None (the region) when there are none."""
    if points.empty:
        return None
    return (points["lon"].min() - pad, points["lat"].min() - pad,
            points["lon"].max() + pad, points["lat"].max() + pad)
