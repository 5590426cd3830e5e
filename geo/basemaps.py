"""Registry of basemaps (offline outlines, OSM, Esri, 高德, 天地图, custom) and their datums."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from geo.labels import Label


@dataclass(frozen=True)
class TileSource:
    """One XYZ tile layer."""

    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18


@dataclass(frozen=True)
class VectorArchive:
    """An offline OSM vector-tile archive (PMTiles): its file, the URLs serving it, its zooms."""

    path: str  # on disk: static maps and exports read it
    parts: tuple[tuple[str, int], ...]  # (URL, bytes) in order; together they are the archive
    min_zoom: int = 5
    max_zoom: int = 16
    # an excerpt carried inside a standalone page instead of parts served over HTTP
    embedded: bytes = field(default=b"", repr=False, compare=False)
    note: str = ""  # what the excerpt leaves out, shown with the attribution

    @property
    def size(self) -> int:
        """The archive's size in bytes (served parts, or the embedded excerpt)."""
        return sum(size for _, size in self.parts) or len(self.embedded)


@dataclass(frozen=True)
class Basemap:
    """A basemap choice: its tile layers, the datum its tiles use, and the setting it needs."""

    key: str
    label: Label
    help: str
    tiles: tuple[TileSource, ...] = ()
    crs: str = "WGS84"  # GCJ02 tiles need the data shifted to GCJ-02 while they are shown
    needs: str = ""  # settings key that must be set for this basemap to be offered
    archive: VectorArchive | None = None  # vector tiles served by the app itself

    @property
    def offline(self) -> bool:
        """True for the outlines-only basemap (drawn from the app's own data alone)."""
        return not self.tiles and self.archive is None


_TDT = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
        "&TILECOL={x}&tk={key}")

OSM_LOCAL = "osm_local"
BASEMAPS: tuple[Basemap, ...] = (
    Basemap(OSM_LOCAL, Label("OpenStreetMap（离线）", "OpenStreetMap (offline)"),
            "Roads, water, railways, places and land use from an OpenStreetMap extract, served "
            "by the app itself; needs no network. Build it once with "
            "`python -m parks basemap build FILE.osm.pbf`."),
    Basemap("offline", Label("离线底图（县界）", "Offline (county outlines)"),
            "County outlines only, drawn from the installed boundary package; needs no network."),
    Basemap("osm", Label("OpenStreetMap", "OpenStreetMap"), "OpenStreetMap standard tiles (WGS-84).",
            (TileSource("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                        "© OpenStreetMap contributors", "", 19),)),
    Basemap("esri", Label("Esri 影像", "Esri imagery"), "Esri World Imagery satellite tiles (WGS-84).",
            (TileSource("https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/"
                        "MapServer/tile/{z}/{y}/{x}",
                        "Tiles © Esri — Esri, Maxar, Earthstar Geographics", "", 19),)),
    Basemap("amap", Label("高德地图", "Amap (高德)"),
            "高德 road map. Its tiles are GCJ-02, so the data is shifted to GCJ-02 while shown.",
            (TileSource("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                        "&style=8&x={x}&y={y}&z={z}", "© 高德地图 AutoNavi", "1234", 18),),
            crs="GCJ02"),
    Basemap("tianditu", Label("天地图", "Tianditu (天地图)"),
            "National basemap (CGCS2000 ≈ WGS-84); needs a key in Streamlit secrets.",
            (TileSource(_TDT.replace("{layer}", "vec"), "© 天地图 国家地理信息公共服务平台",
                        "01234567", 18),
             TileSource(_TDT.replace("{layer}", "cva"), "", "01234567", 18)),
            needs="tianditu_key"),
    Basemap("custom", Label("自定义瓦片", "Custom tiles"),
            "An intranet or other tile server set in settings (custom_tile_url).",
            needs="custom_tile_url"),
)


def available_basemaps(settings: Mapping[str, str], archive: VectorArchive | None = None
                       ) -> tuple[Basemap, ...]:
    """The basemaps that can be offered: those needing a setting are hidden without it, the
    offline OSM basemap without an archive; with one it comes first (the default)."""
    offered = []
    for base in BASEMAPS:
        if base.key == OSM_LOCAL:
            if archive is not None:
                offered.append(replace(base, archive=archive))
        elif not base.needs or settings.get(base.needs, "").strip():
            offered.append(resolve(base.key, settings))
    return tuple(offered)


def resolve(key: str, settings: Mapping[str, str]) -> Basemap:
    """The basemap `key` with keys and URLs from settings filled in."""
    base = next((b for b in BASEMAPS if b.key == key), None)
    if base is None:
        raise KeyError(f"unknown basemap {key!r}; known: {', '.join(b.key for b in BASEMAPS)}")
    if base.key == "tianditu":
        token = settings.get("tianditu_key", "").strip()
        tiles = tuple(replace(t, url=t.url.replace("{key}", token)) for t in base.tiles)
        return replace(base, tiles=tiles)
    if base.key == "custom":
        url = settings.get("custom_tile_url", "").strip()
        if not url:
            return base
        crs = settings.get("custom_tile_crs", "WGS84").strip().upper() or "WGS84"
        if crs not in ("WGS84", "GCJ02"):
            raise ValueError(f"custom_tile_crs must be WGS84 or GCJ02, not {crs!r}")
        tile = TileSource(url, settings.get("custom_tile_attribution", "").strip() or url,
                          settings.get("custom_tile_subdomains", "abc"))
        return replace(base, tiles=(tile,), crs=crs)
    return base
