"""Frozen configuration: regions and map layers, and every setting read from the environment."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from geo.grid_counts import BIN_MIN
from geo.labels import Label

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"


@dataclass(frozen=True)
class Region:
    """A prefecture-level city, loaded by adcode."""

    adcode: str
    label: Label
    central_county: str = ""  # the district of the city seat: where "<city> + street" lies


@dataclass(frozen=True)
class LayerSpec:
    """An overlay of the map page: key, labels, help and whether it starts switched on."""

    key: str
    label: Label
    help: str
    default_on: bool = True


@dataclass(frozen=True)
class AppConfig:
    """The app's fixed configuration: regions, map layers, data folder and tuning values."""
    regions: tuple[Region, ...]
    layers: tuple[LayerSpec, ...]
    data_dir: Path = DATA_DIR
    default_region: str = "371700"
    boundary_source: str = "tianditu"
    spread_spacing_m: float = 350.0  # records sharing a point are fanned out this far apart
    # on the live map they are fanned out on screen instead: this many pixels apart at every
    # zoom (0: in metres, as print does), around a clear disc over the cluster count
    spread_px: float = 24.0
    seat_hole_px: float = 30.0
    # above this many enterprises, one canvas layer instead of a marker each. Measured (headless
    # Chromium, map document to drawn): 300 enterprises 0.65 s as markers vs 0.38 s on the canvas,
    # 1,000: 0.75 s vs 0.28 s; markers stay for the few (DOM tooltips, cluster counts)
    marker_limit: int = 200
    # the canvas layer shows counts per grid cell while more enterprises than this are in view
    # (below zoom 13); a selection this small never shows them, so its update carries no counts
    bin_min: int = BIN_MIN
    # rows a page table shows (all of them go to the exports): a 10k-row table is ~2 MB on the
    # wire and holds the map back while the browser parses it
    table_rows: int = 1000

    def region(self, adcode: str) -> Region:
        """The configured region of `adcode`; KeyError naming the known ones otherwise."""
        for region in self.regions:
            if region.adcode == str(adcode):
                return region
        raise KeyError(f"unknown region {adcode!r}; configured: "
                       f"{', '.join(r.adcode for r in self.regions)}")

    def layer(self, key: str) -> LayerSpec:
        """The layer spec of `key`."""
        for layer in self.layers:
            if layer.key == key:
                return layer
        raise KeyError(key)


DEFAULT_CONFIG = AppConfig(
    regions=(
        Region("371700", Label("菏泽市", "Heze"), central_county="371702"),
        Region("370800", Label("济宁市", "Jining"), central_county="370811"),
    ),
    layers=(
        LayerSpec("counties", Label("县区界", "County boundaries"),
                  "County outlines and names from the installed boundary package (天地图, WGS-84)."),
        LayerSpec("chemical_parks", Label("化工园区", "Chemical parks"),
                  "Provincially recognised chemical parks, their 片区 and unverified candidates."),
        LayerSpec("parks", Label("园区与枢纽", "Parks and hubs"),
                  "Development zones, industrial parks, logistics hubs, digital, health, tourism, markets."),
        LayerSpec("outlines", Label("园区范围", "Park outlines"),
                  "Park outlines digitised by editors, coloured by kind; the tooltip compares the "
                  "drawn and the published area."),
        LayerSpec("enterprises", Label("企业", "Enterprises"),
                  "Enterprises coloured by industry and clustered; hollow markers are approximate."),
        LayerSpec("projects", Label("项目", "Projects"),
                  "Projects coloured by 四个一批 stage; hollow markers are approximate."),
        LayerSpec("choropleth", Label("县区数量分级", "Counts by county"),
                  "County fill by the number of records shown (all layers after filters).",
                  default_on=False),
    ),
)


# the layers that draw records, defined by the table above: county outlines are always drawn
# and the choropleth shades counties, so neither is one
RECORD_LAYERS: tuple[str, ...] = tuple(spec.key for spec in DEFAULT_CONFIG.layers
                                       if spec.key not in ("counties", "choropleth"))


# --- settings: environment variables (and Streamlit secrets), read once by each entry point --------


@dataclass(frozen=True)
class Setting:
    """One setting: its environment variable, default (as the README shows it) and help.
    `secret` names its key in .streamlit/secrets.toml ("" = environment only)."""

    name: str
    default: str
    help: str
    secret: str = ""


SETTINGS: tuple[Setting, ...] = (
    Setting("HEZE_DATA_DIR", "data", "folder of the baseline CSVs (e.g. a shared drive)"),
    Setting("HEZE_STORE_PATH", ".store/heze.gpkg", "the working store file (GeoPackage)"),
    Setting("DATABASE_URL", "", "`postgresql://user:pw@host/db`: keep the working store in "
            "PostGIS instead (wins over `HEZE_STORE_PATH`)"),
    Setting("HEZE_EDITORS_FILE", ".store/editors.json", "editor accounts, scrypt-hashed"),
    Setting("HEZE_CACHE_DIR", ".cache/boundaries", "where derived county boundaries are cached"),
    Setting("HEZE_BASEMAP", ".store/basemap.pmtiles", "the offline OpenStreetMap basemap that "
            "`python -m parks basemap build` writes"),
    Setting("HEZE_NPM_REGISTRY", "https://registry.npmjs.org",
            "npm registry (mirror) `scripts/setup.sh` fetches the map assets from"),
    Setting("HEZE_TIANDITU_KEY", "", "天地图 API key: shows the 天地图 basemap (hidden without "
            "it) and serves 天地图 geocoding", "tianditu_key"),
    Setting("HEZE_CUSTOM_TILE_URL", "", "XYZ tile URL of an intranet tile server, e.g. "
            "`http://tiles.local/{z}/{x}/{y}.png`: shows a \"custom tiles\" basemap",
            "custom_tile_url"),
    Setting("HEZE_CUSTOM_TILE_ATTRIBUTION", "", "attribution shown for the custom tiles",
            "custom_tile_attribution"),
    Setting("HEZE_CUSTOM_TILE_CRS", "WGS84", "datum of the custom tiles: `WGS84` or `GCJ02`",
            "custom_tile_crs"),
    Setting("HEZE_CUSTOM_TILE_SUBDOMAINS", "abc", "letters for `{s}` in the custom tile URL",
            "custom_tile_subdomains"),
    Setting("HEZE_GEOCODER", "offline", "`offline`, `tianditu` or `amap`: geocode imported "
            "addresses online first (offline whenever the service fails)", "geocoder"),
    Setting("HEZE_AMAP_KEY", "", "高德 Web-service key for online geocoding", "amap_key"),
    Setting("HEZE_TIANDITU_GEOCODE_URL", "", "override of the 天地图 geocoding URL (e.g. an "
            "intranet proxy)", "tianditu_geocode_url"),
    Setting("HEZE_AMAP_GEOCODE_URL", "", "override of the 高德 geocoding URL (e.g. an intranet "
            "proxy)", "amap_geocode_url"),
    Setting("HEZE_PUBLIC_URL", "", "the app's address as its users reach it, e.g. "
            "`http://gis.heze.local:8501`: PNG/PDF/PPTX exports then carry a QR code of the link "
            "to what they show (none without it)"),
)
GEOCODERS = ("offline", "tianditu", "amap")
TILE_CRS = ("WGS84", "GCJ02")


class SettingsError(ValueError):
    """Settings that cannot be used; `problems` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("bad settings:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Settings:
    """What the app and the CLI are configured with (see SETTINGS for each one's meaning)."""

    data_dir: Path = DATA_DIR
    store_location: str = field(default=str(REPO / ".store" / "heze.gpkg"), repr=False)  # URL: pw
    editors_file: Path = REPO / ".store" / "editors.json"
    cache_dir: Path = REPO / ".cache" / "boundaries"
    basemap_path: Path = REPO / ".store" / "basemap.pmtiles"
    npm_registry: str = "https://registry.npmjs.org"
    public_url: str = ""  # the app's address for links printed on exports; "" = none
    # the service keys by their secrets.toml names, as geo.basemaps and geo.providers take them
    services: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    @property
    def uses_postgis(self) -> bool:
        """True when the working store is a PostgreSQL URL."""
        return self.store_location.startswith(("postgresql://", "postgres://"))


def _raw(environ: Mapping[str, str], secrets: Mapping[str, object]) -> dict[str, str]:
    """Each setting's value as given ("" when unset): the environment wins over secrets."""
    values = {}
    for setting in SETTINGS:
        value = str(secrets.get(setting.secret, "")).strip() if setting.secret else ""
        values[setting.name] = str(environ.get(setting.name, "")).strip() or value
    return values


def _problems(raw: Mapping[str, str]) -> list[str]:
    problems = []
    url = raw["DATABASE_URL"]
    if url and not url.startswith(("postgresql://", "postgres://")):
        problems.append("DATABASE_URL must start with postgresql:// (the value is not shown)")
    if raw["HEZE_GEOCODER"] and raw["HEZE_GEOCODER"].lower() not in GEOCODERS:
        problems.append(f"HEZE_GEOCODER must be one of {', '.join(GEOCODERS)}, "
                        f"not {raw['HEZE_GEOCODER']!r}")
    if raw["HEZE_CUSTOM_TILE_CRS"] and raw["HEZE_CUSTOM_TILE_CRS"].upper() not in TILE_CRS:
        problems.append(f"HEZE_CUSTOM_TILE_CRS must be {' or '.join(TILE_CRS)}, "
                        f"not {raw['HEZE_CUSTOM_TILE_CRS']!r}")
    for name in ("HEZE_NPM_REGISTRY", "HEZE_CUSTOM_TILE_URL", "HEZE_TIANDITU_GEOCODE_URL",
                 "HEZE_AMAP_GEOCODE_URL", "HEZE_PUBLIC_URL"):
        if raw[name] and urllib.parse.urlsplit(raw[name]).scheme not in ("http", "https"):
            problems.append(f"{name} must be an http(s) URL, not {raw[name]!r}")
    return problems


def _value(raw: Mapping[str, str], name: str) -> str:
    return raw[name] or next(s.default for s in SETTINGS if s.name == name)


def _path(raw: Mapping[str, str], name: str) -> Path:
    """A path as given (relative to the working folder), else the default inside the repository."""
    return Path(raw[name]) if raw[name] else REPO / _value(raw, name)


def read_settings(environ: Mapping[str, str], secrets: Mapping[str, object] | None = None
                  ) -> Settings:
    """Settings from environment variables and (for the service keys) Streamlit secrets.

    Raises SettingsError listing every bad value at once."""
    raw = _raw(environ, secrets or {})
    problems = _problems(raw)
    if problems:
        raise SettingsError(problems)
    services = {s.secret: _value(raw, s.name) for s in SETTINGS if s.secret}
    services["geocoder"] = services["geocoder"].lower()
    services["custom_tile_crs"] = services["custom_tile_crs"].upper()
    return Settings(
        data_dir=_path(raw, "HEZE_DATA_DIR"),
        store_location=raw["DATABASE_URL"] or str(_path(raw, "HEZE_STORE_PATH")),
        editors_file=_path(raw, "HEZE_EDITORS_FILE"),
        cache_dir=_path(raw, "HEZE_CACHE_DIR"),
        basemap_path=_path(raw, "HEZE_BASEMAP"),
        npm_registry=_value(raw, "HEZE_NPM_REGISTRY"),
        public_url=raw["HEZE_PUBLIC_URL"].rstrip("/"),
        services=MappingProxyType(services))


def process_settings(secrets: Mapping[str, object] | None = None) -> Settings:
    """The settings of this process: the one place that reads the environment (the app's and
    the CLI's entry points call it once and pass the value down)."""
    return read_settings(os.environ, secrets)


def debug_requested() -> bool:
    """HEZE_DEBUG set: the command line shows a fault's traceback instead of one line (read
    apart from the settings, which may be what failed)."""
    return bool(os.environ.get("HEZE_DEBUG"))
