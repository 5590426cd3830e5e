"""Server-side measurements: map build and HTML size, point-in-county and geocoding throughput."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from streamlit_folium import _get_feature_group_string

from bench.stock import cluster_map
from geo.basemaps import resolve
from geo.boundaries import load_context, load_counties, simplify_for_display
from geo.geocode import geocode
from geo.normalise import normalise
from geo.reverse import assign_counties, county_index
from parks.analysis.query import Filters, Selection, filter_enterprises, filter_parks, filter_projects
from parks.config import RECORD_LAYERS
from parks.display.map_look import MapLook
from parks.display.records_map import base_map, filter_update
from parks.files.geocoder import region_index
from parks.model.dataset import Dataset

ROOT = Path(__file__).resolve().parent.parent


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of `repeats` calls of `run`, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def our_map_html(dataset: Dataset, query: str = "") -> tuple[str, str]:
    """What the map page sends for one run: filter, build the live map, render map and update."""
    filters = Filters(text=query)
    selection = Selection(filter_parks(dataset.parks, filters, dataset.taxonomy),
                          filter_enterprises(dataset.enterprises, filters, dataset.taxonomy),
                          filter_projects(dataset.projects, filters, dataset.taxonomy))
    context = simplify_for_display(load_context(dataset.region.adcode), tolerance_m=150.0)
    look = MapLook(resolve("offline", {}), "zh", "sei", RECORD_LAYERS,
                   asset_base_url="/app/static/vendor",
                   detail_url="/app/static/cache/details/bench/{chunk}.json")
    base = base_map(dataset, look, context=context)  # as ui.loaders.show_base_map composes it
    return base.get_root().render(), _update_js(filter_update(dataset, selection, look))


def _update_js(update: folium.FeatureGroup) -> str:
    """The update as the map page sends it (ui.map_widget.show_prepared)."""
    return _get_feature_group_string(update, map=folium.Map(tiles=None))


def baseline_map_html(points: pd.DataFrame) -> str:
    """The stock path (bench/baseline_app.py): one FastMarkerCluster of every point."""
    return cluster_map(points[["lat", "lon"]].to_numpy().tolist()).get_root().render()


def located_points(dataset: Dataset) -> pd.DataFrame:
    """name, lon, lat of every enterprise with a point (what the baseline app draws)."""
    frame = dataset.enterprises[dataset.enterprises.geometry.notna()]
    return pd.DataFrame({"name": frame["name_zh"], "lon": frame["lon"].astype(float),
                         "lat": frame["lat"].astype(float)})


def build(dataset: Dataset, repeats: int) -> dict[str, float]:
    """Median ms to build and render one map run, and its bytes — ours and the baseline's."""
    points = located_points(dataset)
    html, update = our_map_html(dataset)
    base = baseline_map_html(points)
    return {"build_ms": median_ms(lambda: our_map_html(dataset), repeats),
            "html_bytes": len(html.encode()) + len(update.encode()),
            "baseline_build_ms": median_ms(lambda: baseline_map_html(points), repeats),
            "baseline_html_bytes": len(base.encode())}


def pip_rates(n: int = 1_000_000, region: str = "371700") -> tuple[float, float]:
    """Points per second assigned to their county: ours, and geopandas.sjoin (the stock way)."""
    counties = load_counties(region)
    index = county_index(counties)
    rng = np.random.default_rng(0)
    minx, miny, maxx, maxy = counties.total_bounds
    lon, lat = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    ours = median_ms(lambda: assign_counties(lon, lat, index), 3)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    stock = median_ms(lambda: gpd.sjoin(points, counties[["adcode", "geometry"]], predicate="within"), 3)
    return n / ours * 1000, n / stock * 1000


def geocode_rates(region: str = "371700", seconds: float = 2.0) -> tuple[float, float]:
    """Addresses per second (tests/data/addresses_heze.csv): our geocoder, and a naive scan that
    looks for every county and town name of the region in each address."""
    addresses = list(pd.read_csv(ROOT / "tests/data/addresses_heze.csv", dtype=str,
                                 keep_default_na=False)["address"].str.slice(0, 200))
    index = region_index(region)
    towns = pd.read_csv(ROOT / "data/towns.csv", dtype=str, keep_default_na=False)
    names = [*load_counties(region)["name_zh"], *towns[towns["county_adcode"].str.startswith(
        region[:4])]["town"]]

    def naive(address: str) -> list[str]:
        text = normalise(address)
        return [name for name in names if name in text]

    return (_rate(lambda a: geocode(a, index), addresses, seconds),
            _rate(naive, addresses, seconds))


def _rate(run: Callable[[str], object], items: list[str], seconds: float) -> float:
    """Items per second of this process's CPU time (one core; others' load on a shared machine
    does not count), as bench_geocode.speed measures."""
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for item in items:
            run(item)
        done += len(items)
    return done / (time.process_time() - start)
