"""Cached loaders: the dataset per region (with the last good copy kept) and the asset URL."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.basemaps import Basemap, resolve
from geo.boundaries import load_context, simplify_for_display
from parks.config import DEFAULT_CONFIG
from parks.display.popups import enterprise_details, prune, write_details
from parks.display.records_map import base_map, located_count
from parks.errors import DataValidationError
from parks.model.dataset import Dataset, load_dataset
from parks.model.validate import ValidationContext, validation_context
from parks.store import default_store_path, open_store
from parks.store.base import Store, StoreError
from ui.i18n import t
from ui.map_widget import PreparedMap, Shelf, prepare_map


def data_fingerprint(data_dir: Path) -> str:
    """Changes whenever a data file changes, so edited CSVs are re-read on the next run."""
    digest = hashlib.sha1()
    for path in sorted(data_dir.glob("*.csv")):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size};".encode())
    return digest.hexdigest()


CACHE_DIR = Path(__file__).resolve().parent.parent / "static" / "cache"  # served as …/app/static/cache
DETAILS_DIR, MAPS_DIR = CACHE_DIR / "details", CACHE_DIR / "maps"


@st.cache_resource
def _open_store(location: str, folder: str) -> Store:
    """One store connection per location for the whole server (the store locks its writes)."""
    return open_store(location, data_dir=Path(folder))


def store_location() -> str:
    """DATABASE_URL (PostGIS) if set, else HEZE_STORE_PATH, else .store/heze.gpkg."""
    return os.environ.get("DATABASE_URL", "").strip() or str(default_store_path())


def store() -> Store:
    """The working store, created from data/ on first use."""
    return _open_store(store_location(), str(data_dir()))


# cache_resource: one copy per process, shared by every session (cache_data would unpickle
# 100k records on every rerun); pages never modify a Dataset's frames (pure functions)
@st.cache_resource(show_spinner="正在载入数据 / Loading data…", max_entries=8)
def _load(region: str, fingerprint: str, folder: str, store_path: str, version: int) -> Dataset:
    del fingerprint, version  # part of the cache key only: a new commit means new data
    tables = _open_store(store_path, folder).read_tables()
    return load_dataset(region, data_dir=Path(folder), tables=tables)


@st.cache_data(show_spinner=False)
def context_counties(region: str) -> gpd.GeoDataFrame:
    """Counties of neighbouring cities, simplified for display (the offline basemap's setting)."""
    return simplify_for_display(load_context(region), tolerance_m=150.0)


@st.cache_resource
def _last_good() -> dict[str, Dataset]:
    """The last dataset that passed validation, per region, shared by all sessions."""
    return {}


def data_dir() -> Path:
    """The data folder: HEZE_DATA_DIR if set (e.g. a shared drive), else the repository's data/."""
    configured = os.environ.get("HEZE_DATA_DIR", "").strip()
    return Path(configured) if configured else DEFAULT_CONFIG.data_dir


def dataset(region: str) -> Dataset | None:
    """The region's dataset; on bad data, show the problems and keep serving the last good one."""
    folder = data_dir()
    key = f"{region}:{folder}"
    try:
        working = store()
        loaded = _load(region, data_fingerprint(folder), str(folder), store_location(),
                       working.version())
    except StoreError as error:
        st.error(f"{t('store_error')}: {error}")
        return _last_good().get(key)
    except DataValidationError as error:
        fallback = _last_good().get(key)
        show_data_error(error, have_fallback=fallback is not None)
        return fallback
    _last_good()[key] = loaded
    return loaded


@st.cache_resource(show_spinner=False)
def _validation_ctx(folder: str, fingerprint: str) -> ValidationContext:
    del fingerprint  # cache key only: reference files changed
    return validation_context(Path(folder))


def validation_ctx() -> ValidationContext:
    """What validation needs (taxonomy, counties, towns of every region), built once per data."""
    folder = data_dir()
    return _validation_ctx(str(folder), data_fingerprint(folder))


def basemap_offline() -> Basemap:
    """The offline basemap (no tiles): the import preview map needs no tile service."""
    return resolve("offline", {})


@st.cache_resource(show_spinner="正在准备企业详情 / Preparing details…", max_entries=16)
def _details(key: str, region: str, lang: str) -> str:
    """Write the popup files of a big enterprise layer once per data version and language."""
    loaded = dataset(region)
    names = dict(zip(loaded.parks["id"], loaded.parks["name_zh"], strict=True))
    folder = DETAILS_DIR / key
    write_details(enterprise_details(loaded.enterprises, loaded.taxonomy, lang, names), folder)
    prune(DETAILS_DIR)
    return key


def _detail_url(loaded: Dataset, lang: str, version: str) -> str:
    """Where the map fetches enterprise popups ('' while enterprises are few: inline popups)."""
    if located_count(loaded.enterprises) <= DEFAULT_CONFIG.marker_limit:
        return ""
    key = hashlib.sha1(f"{version}:{loaded.region.adcode}:{lang}".encode()).hexdigest()[:16]
    _details(key, loaded.region.adcode, lang)
    return f"{cache_url(DETAILS_DIR)}/{key}/{{chunk}}.json"


def data_version() -> str:
    """Changes with every commit to the store and every edit of a data file."""
    return f"{store_location()}@{store().version()}:{data_fingerprint(data_dir())}"


@st.cache_resource(show_spinner="正在绘制地图 / Drawing the map…", max_entries=16)
def _base_map(version: str, region: str, basemap_id: str, look: tuple, key: str, _loaded: Dataset,
              _basemap: Basemap) -> PreparedMap:
    del version, basemap_id  # cache key only
    lang, system, layers, asset_url, view_scope, details = look
    fmap = base_map(_loaded, basemap=_basemap, lang=lang, system=system, layers=layers,
                    asset_base_url=asset_url, view_scope=view_scope,
                    context=context_counties(region), detail_url=details)
    return prepare_map(fmap, key)


def prepared_base_map(loaded: Dataset, *, basemap: Basemap, lang: str, system: str,
                      layers: tuple[str, ...], view_scope: str, key: str) -> PreparedMap:
    """The map page's map of every record, built once per data version and look."""
    drawn = tuple(k for k in layers if k != "choropleth")  # the choropleth is in the update
    version = data_version()  # one look at the store and the files per rerun
    look = (lang, system, drawn, asset_base_url(), view_scope, _detail_url(loaded, lang, version))
    return _base_map(version, loaded.region.adcode, repr(basemap), look, key, loaded, basemap)


def map_shelf() -> Shelf:
    """Where prepared map scripts are served from (ui.map_widget.shelve)."""
    return Shelf(MAPS_DIR, cache_url(MAPS_DIR))


def cache_url(folder: Path) -> str:
    """The URL Streamlit serves a folder under static/cache from."""
    return f"{asset_base_url().rsplit('/', 1)[0]}/cache/{folder.relative_to(CACHE_DIR).as_posix()}"


def asset_base_url() -> str:
    """Where the vendored Leaflet files are served, honouring server.baseUrlPath."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/vendor" if base else "/app/static/vendor"


def show_data_error(error: DataValidationError, *, have_fallback: bool) -> None:
    """Show the data problems as an error with a table of every problem (open when nothing else loads)."""
    st.error(t("data_error") if have_fallback else t("data_error_none"))
    with st.expander(f"{t('problems')} ({len(error.problems)})", expanded=not have_fallback):
        st.dataframe(pd.DataFrame([p.as_dict() for p in error.problems]), hide_index=True,
                     width="stretch")
