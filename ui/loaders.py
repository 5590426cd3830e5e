"""Cached loaders: the dataset per region (with the last good copy kept), the asset URL and the
map page's base map."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.basemaps import Basemap, VectorArchive, available_basemaps
from geo.boundaries import load_context, simplify_for_display
from geo.geography import ArchiveUnreadableError
from geo.vector_basemap import publish
from parks.analysis.duplicates import likely_duplicates, place_words
from parks.analysis.membership import Memberships, members, membership_of, park_members
from parks.config import DEFAULT_CONFIG
from parks.display.map_look import MapLook
from parks.display.popups import enterprise_details, prune, write_details
from parks.display.records_map import base_map, located_count
from parks.errors import DataValidationError
from parks.model.dataset import Dataset, check_data
from parks.model.prepared import data_fingerprint, snapshot_root
from parks.model.validate import ValidationContext, validation_context
from parks.store.base import Store, StoreError
from ui import serving
from ui.derived import Place, kept_frame, kept_map
from ui.http_cache import CACHE_DIR, MAPS_DIR
from ui.i18n import lang, t
from ui.map_widget import VENDOR_DIR, MapUpdate, PreparedMap, Shelf, prepare_map, show_live
from ui.settings import settings

DETAILS_DIR = CACHE_DIR / "details"
BASEMAP_DIR = CACHE_DIR / "basemap"  # the OSM archive, linked here so Streamlit serves it


def store_location() -> str:
    """DATABASE_URL (PostGIS) if set, else HEZE_STORE_PATH, else .store/heze.gpkg."""
    return settings().store_location


def store() -> Store:
    """The working store, created from data/ on first use."""
    return serving.open_working_store(store_location(), str(data_dir()))


@st.cache_data(show_spinner=False)
def _context_counties(region: str, cache: str) -> gpd.GeoDataFrame:
    return simplify_for_display(load_context(region, cache_dir=Path(cache)), tolerance_m=150.0)


def context_counties(region: str) -> gpd.GeoDataFrame:
    """Counties of neighbouring cities, simplified for display (the offline basemap's setting)."""
    return _context_counties(region, str(cache_dir()))


def data_dir() -> Path:
    """The data folder: HEZE_DATA_DIR if set (e.g. a shared drive), else the repository's data/."""
    return settings().data_dir


def cache_dir() -> Path:
    """Where derived county boundaries are cached (HEZE_CACHE_DIR)."""
    return settings().cache_dir


def _places() -> tuple[Path, Path, str]:
    return data_dir(), cache_dir(), store_location()


def prefetch(region: str) -> None:
    """On a server's first run, start preparing the region's dataset (ui.serving.prepare_early)."""
    serving.prepare_early(region, *_places())


def dataset(region: str) -> Dataset | None:
    """The region's dataset, from its prepared snapshot when there is one; after an edit the
    old one serves while the new one is prepared; on bad data, show the problems and keep
    serving the last good one."""
    folder, cache, location = _places()
    slot, shared = serving.slot_name(region, folder, location), serving.shared()
    served = shared.get(slot)
    wait = (serving.REBUILD_WAIT_S if served is not None
            and len(served.enterprises) >= serving.BACKGROUND_FROM else None)
    try:
        key, build = serving.job(region, folder, cache, location)
        with st.spinner(t("data_loading")):
            loaded, updating = shared.dataset(slot, key, build, wait)
    except StoreError as error:
        st.error(f"{t('store_error')}: {error.said(lang())}")
        return shared.get(slot)
    except DataValidationError as error:
        fallback = shared.get(slot)
        show_data_error(error, have_fallback=fallback is not None)
        return fallback
    if updating:
        st.caption(t("data_updating"))
    return loaded


_PROBLEM_COLUMNS = ["file", "row", "field", "value", "reason"]


@st.cache_data(show_spinner=False)
def _problems(folder: str, fingerprint: str, version: int, cache: str) -> pd.DataFrame:
    del fingerprint, version  # cache key only
    found = check_data(Path(folder), cache_dir=Path(cache), tables=store().read_tables())
    return pd.DataFrame([p.as_dict() for p in found], columns=_PROBLEM_COLUMNS)


def data_problems(loaded: Dataset | None = None) -> pd.DataFrame:
    """Every problem of the working store's records (the quality page's failing rows), once per
    data version: file, row, field, value, reason. None when `loaded` is served for this very
    version: it was served only once every record of every region passed (reading and checking
    1M records again took 17 s and 0.4 GB, measured)."""
    folder = data_dir()
    fingerprint, version = data_fingerprint(folder), store().version()
    key = serving.shared().key_of(loaded) if loaded is not None else None
    if key is not None and (key.version, key.data) == (version, fingerprint):
        return pd.DataFrame(columns=_PROBLEM_COLUMNS)
    return _problems(str(folder), fingerprint, version, str(cache_dir()))


@st.cache_resource(show_spinner=False)
def _validation_ctx(folder: str, fingerprint: str, cache: str) -> ValidationContext:
    del fingerprint  # cache key only: reference files changed
    return validation_context(Path(folder), cache_dir=Path(cache))


def validation_ctx() -> ValidationContext:
    """What validation needs (taxonomy, counties, towns of every region), built once per data."""
    folder = data_dir()
    return _validation_ctx(str(folder), data_fingerprint(folder), str(cache_dir()))


@st.cache_resource(show_spinner="正在准备企业详情 / Preparing details…", max_entries=16)
def _details(key: str, lang: str, _loaded: Dataset) -> str:
    """Write the popup files of a big enterprise layer once per `key` (data version, region and
    language: the dataset itself is not part of the cache key)."""
    loaded = _loaded
    names = dict(zip(loaded.parks["id"], loaded.parks["name_zh"], strict=True))
    folder = DETAILS_DIR / key
    write_details(enterprise_details(loaded.enterprises, loaded.taxonomy, lang, names,
                                     profile_url(lang, loaded.region.adcode)), folder)
    prune(DETAILS_DIR)
    return key


def _detail_url(loaded: Dataset, lang: str, version: str) -> str:
    """Where the map fetches enterprise popups ('' while enterprises are few: inline popups)."""
    if located_count(loaded.enterprises) <= DEFAULT_CONFIG.marker_limit:
        return ""
    key = hashlib.sha1(f"{version}:{loaded.region.adcode}:{lang}".encode()).hexdigest()[:16]
    _details(key, lang, loaded)
    return f"{cache_url(DETAILS_DIR)}/{key}/{{chunk}}.json"


def data_version() -> str:
    """Changes with every commit to the store and every edit of a data file."""
    return f"{store_location()}@{store().version()}:{data_fingerprint(data_dir())}"


def _place(loaded: Dataset) -> Place | None:
    """Where what is derived from `loaded` is kept on disk: beside its snapshot (None when
    `loaded` is not served here)."""
    key = serving.shared().key_of(loaded)
    return None if key is None else Place(snapshot_root(store_location(), cache_dir()), key)


@st.cache_resource(show_spinner=False, max_entries=8)
def _members(version: str, region: str, _loaded: Dataset) -> pd.DataFrame:
    del version, region  # cache key only
    return kept_frame(_place(_loaded), "members", lambda: members(_loaded))


def memberships(loaded: Dataset) -> pd.DataFrame:
    """Who is inside which park (parks.analysis.membership), once per data version: the park
    and chemical pages read it on every rerun."""
    return _members(data_version(), loaded.region.adcode, loaded)


@st.cache_resource(show_spinner="正在查找疑似重复 / Looking for likely duplicates…", max_entries=8)
def _duplicates(version: str, region: str, _loaded: Dataset) -> pd.DataFrame:
    del version  # cache key only
    places = place_words(_loaded.region.label.zh, list(_loaded.counties["name_zh"]))
    return kept_frame(_place(_loaded), "duplicates", lambda: pd.concat(
        [likely_duplicates(frame, places=places).assign(table=name) for name, frame in
         (("parks", _loaded.parks), ("enterprises", _loaded.enterprises),
          ("projects", _loaded.projects))], ignore_index=True))


def duplicates(loaded: Dataset) -> pd.DataFrame:
    """Likely duplicate pairs of every table (parks.analysis.duplicates; `table` names the
    table), once per data version: at 10^5 records the search takes seconds."""
    return _duplicates(data_version(), loaded.region.adcode, loaded)


@st.cache_resource(show_spinner=False, max_entries=8)
def _inside(version: str, region: str, _loaded: Dataset) -> Memberships:
    found = _members(version, region, _loaded)
    per_park = kept_frame(_place(_loaded), "park_members", lambda: park_members(_loaded, found))
    return membership_of(_loaded, found, per_park)


def inside(loaded: Dataset) -> Memberships:
    """Memberships per record and per park (members per park need every 片区's), once per data
    version: the map page's tables and exports read them on every filter change."""
    return _inside(data_version(), loaded.region.adcode, loaded)


@st.cache_resource(show_spinner="正在绘制地图 / Drawing the map…", max_entries=16)
def _base_map(version: str, region: str, look: MapLook, key: str, _loaded: Dataset) -> PreparedMap:
    del version  # cache key only
    return kept_map(_place(_loaded), (look, key), lambda: prepare_map(
        base_map(_loaded, look, context=context_counties(region)), key))


def show_base_map(loaded: Dataset, look: MapLook, *, update: MapUpdate | None,
                  key: str) -> bool:
    """The map page's map of every record, built once per data version and look, with this
    run's `update` (the filters) applied inside it; True once the browser has drawn it. The
    update is kept under its key and the served dataset's own (never another version's)."""
    version = data_version()  # one look at the store and the files per rerun
    if update is not None and update.key is not None:
        served = serving.shared().key_of(loaded)
        update = replace(update, key=None if served is None else (served, update.key))
    drawn = replace(look, layers=look.drawn, asset_base_url=asset_base_url(),
                    detail_url=_detail_url(loaded, look.lang, version),
                    profile_url=profile_url(look.lang, loaded.region.adcode))
    region = loaded.region.adcode
    return show_live(lambda: _base_map(version, region, drawn, key, loaded),
                     lambda: base_map(loaded, drawn, context=context_counties(region)),
                     key=key, update=update, shelf=map_shelf())


def map_shelf() -> Shelf:
    """Where prepared map scripts are served from (ui.map_widget.shelve)."""
    return Shelf(MAPS_DIR, cache_url(MAPS_DIR), vendor=(asset_base_url(), VENDOR_DIR))


def cache_url(folder: Path) -> str:
    """The URL Streamlit serves a folder under static/cache from."""
    return f"{asset_base_url().rsplit('/', 1)[0]}/cache/{folder.relative_to(CACHE_DIR).as_posix()}"


@st.cache_resource(show_spinner=False)
def _published(path: str, size: int, mtime_ns: int, url: str) -> VectorArchive | str:
    """The archive published once per file version (size and mtime in the key), or the problem."""
    try:
        return publish(Path(path), BASEMAP_DIR, url)
    except (ArchiveUnreadableError, OSError) as error:
        return str(error)


def osm_archive() -> VectorArchive | None:
    """The offline OSM basemap (HEZE_BASEMAP), served by the app; None when there is none. A
    file that cannot be read is named in a warning and the map keeps its outlines."""
    path = settings().basemap_path
    if not path.is_file():
        return None
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, cache_url(BASEMAP_DIR))
    published = _published(*key)
    if not isinstance(published, str) and not all(
            (BASEMAP_DIR / url.rsplit("/", 1)[1]).is_file() for url, _ in published.parts):
        _published.clear()  # static/cache was emptied under the running server: publish again
        published = _published(*key)
    if isinstance(published, str):
        st.warning(t("basemap_unreadable").format(problem=published))
        return None
    return published


def local_basemap() -> Basemap:
    """The best basemap that needs no network: the OSM archive when present, else outlines."""
    return available_basemaps({}, osm_archive())[0]


def profile_url(lang: str, region: str) -> str:
    """The park profile's address for map popups ('{id}' in it), keeping language and city and
    honouring server.baseUrlPath."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/park?id={{id}}&lang={lang}&region={region}"


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
