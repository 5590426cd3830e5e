"""The offline OSM basemap in the browser: the archive published for serving, and its Leaflet layer."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import mmap
import os
import shutil
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import ClassVar

import folium
from folium.elements import JSCSSMixin
from pmtiles.tile import zxy_to_tileid

from geo.basemaps import VectorArchive
from geo.geography import (
    ArchiveUnreadableError,
    archive_header,
    label_keys,
    mercator_extent,
    tile_bytes,
)
from geo.labels import Label
from geo.layers import script_json, template
from geo.tiles import tile_range

# Streamlit's static route refuses files over 200 MB (MAX_APP_STATIC_FILE_SIZE in its server
# config), so a larger archive is served as parts the layer reads as one
PART_BYTES = 190 * 2**20
_JSD = "https://cdn.jsdelivr.net/npm"  # never fetched: geo.assets.localize maps it to static/vendor
PMTILES_JS = f"{_JSD}/pmtiles@4.5.0/dist/pmtiles.js"
PROTOMAPS_JS = f"{_JSD}/protomaps-leaflet@5.1.0/dist/protomaps-leaflet.js"
ATTRIBUTION = Label('© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者',
                    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                    'contributors')


@dataclass(frozen=True)
class Fill:
    """Polygons of one layer (optionally some classes) filled from a zoom on."""

    layer: str
    colour: str
    min_zoom: int
    classes: tuple[str, ...] = ()
    opacity: float = 1.0


@dataclass(frozen=True)
class Line:
    """Lines of one layer (optionally some classes): colour, width stops [(zoom, px)], dashes."""

    layer: str
    colour: str
    widths: tuple[tuple[int, float], ...]
    min_zoom: int
    classes: tuple[str, ...] = ()
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Text:
    """Names of one layer's features (optionally some classes) from a zoom on, at a size."""

    layer: str
    size: int
    min_zoom: int
    classes: tuple[str, ...] = ()
    along: bool = False  # along the line (roads, rivers) rather than centred on the point
    colour: str = "#3C3C3C"


_MAJOR = ("motorway", "trunk", "primary", "motorway_link", "trunk_link", "primary_link")
_MINOR = ("unclassified", "residential", "living_street", "service")
_RAIL = ("rail", "light_rail", "subway", "narrow_gauge", "tram")

# A muted style: pale land, grey-white roads, soft blue water, so the app's coloured symbols
# stay the strongest thing on the map; industrial land is tinted because parks lie there.
BACKGROUND = "#F3F2EE"
FILLS: tuple[Fill, ...] = (
    Fill("landuse", "#ECEFE0", 10, ("farmland",)),
    Fill("landuse", "#E8E5E1", 10, ("residential", "commercial", "retail", "railway")),
    Fill("landuse", "#EADBE6", 9, ("industrial",)),
    Fill("water", "#BCD5E8", 6),
    Fill("buildings", "#DDD8D0", 14, opacity=0.9),
)
LINES: tuple[Line, ...] = (
    Line("boundaries", "#B7A9C4", ((5, 0.8), (12, 1.6)), 5, dash=(4, 3)),
    Line("waterways", "#9CC0DE", ((8, 0.6), (12, 1.5), (16, 4.0)), 8, ("river", "canal")),
    Line("waterways", "#A9CAE4", ((12, 0.5), (16, 1.5)), 12, ("stream", "drain")),
    Line("roads", "#FFFFFF", ((12, 1.0), (16, 5.0)), 12, _MINOR),
    Line("roads", "#FBF6E8", ((9, 1.0), (12, 2.0), (16, 8.0)), 9, ("secondary", "tertiary")),
    # major roads: a grey casing under a pale yellow fill, so they read on pale land
    Line("roads", "#C9C3B8", ((6, 1.6), (10, 2.8), (13, 4.6), (16, 12.0)), 6, _MAJOR),
    Line("roads", "#F6E7C2", ((6, 0.8), (10, 1.6), (13, 3.0), (16, 10.0)), 6, _MAJOR),
    Line("railways", "#8C8C8C", ((7, 0.8), (12, 1.5), (16, 2.5)), 7, _RAIL, dash=(6, 4)),
)
TEXTS: tuple[Text, ...] = (
    Text("places", 16, 5, ("city",), colour="#222222"),
    Text("places", 13, 8, ("town", "suburb")),
    Text("places", 11, 11, ("village", "quarter", "neighbourhood")),
    Text("places", 10, 13, ("hamlet",)),
    Text("roads", 11, 12, (*_MAJOR, "secondary", "tertiary"), along=True, colour="#6B5F4B"),
    Text("roads", 10, 15, _MINOR, along=True, colour="#6B6B6B"),
    Text("waterways", 11, 11, ("river", "canal"), along=True, colour="#4C7FA8"),
    Text("area_names", 11, 12, ("water",), colour="#4C7FA8"),
    Text("area_names", 11, 12, ("industrial",), colour="#7A5A74"),
)


def style_json() -> str:
    """The style table as JSON for the Leaflet layer's script."""
    return script_json({"background": BACKGROUND, "fills": [asdict(f) for f in FILLS],
                        "lines": [asdict(x) for x in LINES], "texts": [asdict(x) for x in TEXTS]})


def publish(archive: Path, folder: Path, url: str, *, part_bytes: int = PART_BYTES) -> VectorArchive:
    """The archive made servable from `folder` (seen by browsers at `url`): a hard link, or a
    copy, in parts no bigger than a static file may be; older publications are removed."""
    archive = Path(archive)
    header = archive_header(archive)
    stat = archive.stat()
    stamp = hashlib.sha1(f"{archive.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    count = max(1, -(-stat.st_size // part_bytes))
    names = [f"osm-{stamp.hexdigest()[:12]}-{i}.pmtiles" for i in range(count)]
    folder.mkdir(parents=True, exist_ok=True)
    sizes = [min(part_bytes, stat.st_size - i * part_bytes) for i in range(count)]
    for i, (name, size) in enumerate(zip(names, sizes, strict=True)):
        target = folder / name
        if not target.is_file() or target.stat().st_size != size:
            _place(archive, target, i * part_bytes, size, whole=count == 1)
    for old in folder.glob("osm-*.pmtiles"):
        if old.name not in names:
            old.unlink(missing_ok=True)
    parts = tuple((f"{url.rstrip('/')}/{name}", size) for name, size in zip(names, sizes, strict=True))
    return VectorArchive(str(archive), parts, header["min_zoom"], header["max_zoom"])


def _place(archive: Path, target: Path, offset: int, size: int, *, whole: bool) -> None:
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    if whole:
        try:  # a hard link costs no disk; across file systems it fails and a copy is made
            os.link(archive, partial)
        except OSError:
            shutil.copyfile(archive, partial)
    else:
        with archive.open("rb") as src, partial.open("wb") as dst:
            src.seek(offset)
            for _ in range(0, size, 1 << 24):
                dst.write(src.read(min(1 << 24, size - dst.tell())))
    partial.replace(target)


UNREADABLE = Label("离线底图文件无法读取（请刷新页面；若仍如此，请重新生成底图）",
                   "The offline basemap's file cannot be read (reload the page; if it persists, "
                   "build the basemap again)")
EXCERPT_BYTES = 24 * 2**20  # tiles a standalone page carries (base64 makes the page ~4/3 larger)
EXCERPT_TILES = 20_000  # per zoom: stop before listing a province at street level
EXCERPT_NOTE = Label("本文件内含底图至第 {z} 级，更大比例尺为放大显示",
                     "basemap detail in this file to zoom {z}; closer views are enlarged")


def _collect(mapping: mmap.mmap, header: dict, archive: VectorArchive,
             bbox: tuple[float, float, float, float], budget: int) -> tuple[dict[int, bytes], int]:
    """Tiles by id covering bbox, whole zooms from the lowest while they fit; the top zoom."""
    tiles: dict[int, bytes] = {}
    top, used, directories = archive.min_zoom, 0, {}
    for zoom in range(archive.min_zoom, archive.max_zoom + 1):
        cols, rows = tile_range(*mercator_extent(bbox), zoom)
        if zoom > archive.min_zoom and len(cols) * len(rows) > EXCERPT_TILES:
            break
        ids = [zxy_to_tileid(zoom, x, y) for x in cols for y in rows]
        found = {i: tile_bytes(mapping, header, i, directories) for i in ids}
        size = sum(len(tile) for tile in found.values())
        if zoom > archive.min_zoom and used + size > budget:
            break
        tiles |= {key: bytes(tile) for key, tile in found.items() if tile}
        top, used = zoom, used + size
    return tiles, top


def excerpt(archive: VectorArchive, bbox: tuple[float, float, float, float], *, lang: str = "zh",
            budget: int = EXCERPT_BYTES) -> VectorArchive:
    """The archive's tiles covering bbox, zoom by zoom while they fit the budget, as one small
    archive to embed in a standalone page (its note says how far the detail goes). Raises
    ArchiveUnreadableError."""
    from pmtiles.writer import Writer

    header = archive_header(archive.path)
    try:
        with Path(archive.path).open("rb") as handle, \
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapping:
            tiles, top = _collect(mapping, header, archive, bbox, budget)
    except Exception as exc:  # directories damaged past the header: the page goes without it
        raise ArchiveUnreadableError(f"{Path(archive.path).name}: cannot be read "
                                     f"({type(exc).__name__}: {exc})") from exc
    if not tiles:
        raise ArchiveUnreadableError(f"{archive.path}: no tiles inside the map's extent")
    buffer = io.BytesIO()
    writer = Writer(buffer)
    for tile_id in sorted(tiles):
        writer.write_tile(tile_id, tiles[tile_id])
    writer.finalize(dict(header), {})
    note = "" if top == archive.max_zoom else EXCERPT_NOTE.get(lang).format(z=top)
    return replace(archive, parts=(), max_zoom=top, embedded=buffer.getvalue(), note=note)


class OsmVectorLayer(JSCSSMixin, folium.map.Layer):
    """The archive drawn by protomaps-leaflet: read over HTTP range requests from its parts,
    or from an excerpt embedded in the page (a standalone export)."""

    _template = template("osm_basemap.js")
    default_js: ClassVar[list[tuple[str, str]]] = [("pmtiles", PMTILES_JS),
                                                   ("protomaps-leaflet", PROTOMAPS_JS)]

    def __init__(self, archive: VectorArchive, *, lang: str = "zh",
                 name: str = "OpenStreetMap") -> None:
        super().__init__(name=name, overlay=False, control=False, show=True)
        self._name = "OsmVectorLayer"
        self.parts = script_json([list(part) for part in archive.parts])
        self.embedded = script_json(base64.b64encode(archive.embedded).decode("ascii"))
        self.max_zoom = int(archive.max_zoom)
        self.labels = script_json(label_keys(lang))
        self.style = style_json()
        note = f" · {html.escape(archive.note)}" if archive.note else ""
        self.attribution = script_json(ATTRIBUTION.get(lang) + note)
        self.unreadable = script_json(UNREADABLE.get(lang))
