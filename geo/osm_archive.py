"""The OSM archive: one PMTiles file of vector tiles built from an .osm.pbf extract, offline."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import shapely

from geo.archive_layers import add_layers
from geo.mvt_encoding import CHUNK_ROWS, WKB, decoded, polygon_layer, polygons
from geo.pbf_blocks import truncation
from geo.tippecanoe_cli import TippecanoeError, run_tippecanoe, scratch_folder

Bbox = tuple[float, float, float, float]  # west, south, east, north (WGS-84)
# Tiles stop at zoom 14 and the browser enlarges them beyond: a zoom-14 tile's 4096 units are
# still 1 unit per pixel at zoom 18. Measured on a synthetic 10,000 km² county (217,624
# features): zooms 5-14 build in 19 s into 4.5 MB, zooms 5-16 in 33 s into 20 MB.
MIN_ZOOM, MAX_ZOOM = 5, 14
STAMP_PREFIX = "source sha256 "  # the archive's description says what it was built from
ABOUT = ("OpenStreetMap basemap", "© OpenStreetMap contributors (ODbL)")  # name, attribution
KEPT_TAGS = ("name:zh", "name:en", "ref", "admin_level")


class BasemapBuildError(RuntimeError):
    """The archive could not be built; the previous one (if any) is untouched."""


@dataclass(frozen=True)
class TileLayer:
    """One layer of the basemap: where its features come from and from which zoom they show."""

    name: str
    ogr_layer: str  # the GDAL OSM driver's layer: points, lines or multipolygons
    key: str  # the OSM key whose value is the feature's class
    values: tuple[str, ...]  # the classes kept ("" = any value)
    min_zoom: int  # for a class without its own zoom in class_zooms
    help: str
    class_zooms: tuple[tuple[str, int], ...] = ()  # (class, min zoom): minor roads wait

    def min_zooms(self, classes: pd.Series) -> np.ndarray:
        """Each feature's min zoom from its class: class_zooms, else the layer's min_zoom."""
        return classes.map(dict(self.class_zooms)).fillna(self.min_zoom).to_numpy(dtype=int)


LAYERS: tuple[TileLayer, ...] = (
    TileLayer("roads", "lines", "highway", ("motorway", "trunk", "primary", "secondary",
              "tertiary", "motorway_link", "trunk_link", "primary_link", "unclassified",
              "residential", "service", "living_street"), 8, "roads by class, named",
              (("motorway", 6), ("trunk", 6), ("primary", 8), ("secondary", 9), ("tertiary", 10),
               ("motorway_link", 10), ("trunk_link", 10), ("primary_link", 10),
               ("unclassified", 12), ("residential", 12), ("living_street", 12),
               ("service", 14))),
    TileLayer("railways", "lines", "railway", ("rail", "light_rail", "subway", "tram",
              "narrow_gauge"), 7, "railway lines"),
    TileLayer("waterways", "lines", "waterway", ("river", "canal", "stream", "drain"), 8,
              "rivers, canals and streams"),
    TileLayer("water", "multipolygons", "natural", ("water",), 6, "lakes, ponds, reservoirs"),
    TileLayer("landuse", "multipolygons", "landuse", ("industrial", "commercial", "residential",
              "farmland", "retail", "railway"), 10, "land use; industrial land is where parks are"),
    TileLayer("buildings", "multipolygons", "building", ("",), 14, "buildings, at high zoom"),
    TileLayer("places", "points", "place", ("city", "town", "suburb", "village", "hamlet",
              "quarter", "neighbourhood"), 5, "place names from city to village",
              # a province's villages in one zoom-5 tile would be ~10^5 points nobody can read
              (("town", 8), ("suburb", 10), ("village", 11), ("hamlet", 13), ("quarter", 13),
               ("neighbourhood", 13))),
    TileLayer("boundaries", "multipolygons", "boundary", ("administrative",), 5,
              "administrative areas (their outlines)"),
)


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote: features per layer, archive size, zooms, seconds, path."""

    features: Mapping[str, int]
    bytes: int
    min_zoom: int
    max_zoom: int
    seconds: float
    out: str
    unchanged: bool = False

    def as_dict(self) -> dict[str, object]:
        """The report as the JSON object the CLI prints."""
        return {"features": dict(self.features), "bytes": self.bytes, "min_zoom": self.min_zoom,
                "max_zoom": self.max_zoom, "seconds": round(self.seconds, 2), "out": self.out,
                "unchanged": self.unchanged}


# Which closed ways GDAL's OSM driver makes areas: its own default (gdal_data/osmconf.ini)
_CLOSED_WAY_AREAS = ("aeroway,amenity,boundary,building,craft,geological,historic,landuse,leisure,"
                     "military,natural,office,place,shop,sport,tourism,highway=platform,"
                     "public_transport=platform")


def osm_config(layers: tuple[TileLayer, ...] = LAYERS) -> str:
    """GDAL's OSM driver configuration (CONFIG_FILE) that reads the tags the layers use, each
    as its own field under its OSM name, and nothing else."""
    # GDAL's default packs every other tag into one `other_tags` text per feature, which was
    # then searched key by key: reading the synthetic county took 1.32-1.56 s, with the tags as
    # fields 1.10-1.33 s (6 runs each, interleaved).
    lines = [f"closed_ways_are_polygons={_CLOSED_WAY_AREAS}", "attribute_name_laundering=no"]
    for section in ("points", "lines", "multipolygons", "multilinestrings", "other_relations"):
        keys = [layer.key for layer in layers if layer.ogr_layer == section and layer.key]
        fields = dict.fromkeys(["name", *keys, *KEPT_TAGS] if keys else ["name"])
        lines += [f"[{section}]", "osm_id=no", f"attributes={','.join(fields)}", "other_tags=no"]
    return "\n".join(lines) + "\n"


def _read(pbf: Path, ogr_layer: str, bbox: Bbox, config: Path) -> pa.Table:
    """One GDAL layer as Arrow: its fields, and its geometries as WKB in a column `wkb`."""
    with warnings.catch_warnings():  # GDAL warns about every unclosed ring of a clipped extract
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            meta, table = pyogrio.read_arrow(pbf, layer=ogr_layer, bbox=bbox,
                                             CONFIG_FILE=str(config))
        except Exception as exc:  # GDAL's own error types differ by version: say what failed
            raise BasemapBuildError(f"{pbf.name}: cannot be read as an OSM PBF file "
                                    f"({type(exc).__name__}: {exc})") from exc
    shapes = meta["geometry_name"] or "wkb_geometry"
    return table.rename_columns({shapes: WKB}) if shapes != WKB else table


def _valid_wkb(wkb: pa.Array) -> np.ndarray:
    """Which WKB geometries GEOS reads (a clipped extract has rings it refuses), decoded a
    chunk at a time so that no more than a chunk's shapely objects are held."""
    return np.concatenate([~shapely.is_missing(decoded(wkb.slice(at, CHUNK_ROWS)))
                           for at in range(0, len(wkb), CHUNK_ROWS)] or [np.zeros(0, bool)])


def _features(table: pa.Table, layer: TileLayer, *, packed: bool = False) -> pd.DataFrame:
    """The features of one layer with the attributes the style needs: a GeoDataFrame, or with
    packed a frame whose polygons stay WKB (geo.mvt_encoding.WKB) until they are encoded."""
    # Rows are chosen and empty tags filled in Arrow, then the kept rows alone become pandas:
    # on a Shandong-sized extract pandas' fillna and conversion of every row took 3.2 s.
    cls = pc.fill_null(table[layer.key], "")
    keep = (pc.not_equal(cls, "") if layer.values == ("",)
            else pc.is_in(cls, value_set=pa.array(layer.values)))
    keep = pc.and_(keep, pc.is_valid(table[WKB]))
    kept = table.select(["name", *KEPT_TAGS, WKB]).filter(keep)
    shapes = kept[WKB].combine_chunks()
    out = pa.table({"class": cls.filter(keep), **{
        tag: pc.fill_null(kept[tag], "") for tag in ("name", *KEPT_TAGS)}}).to_pandas()
    if packed:
        valid = _valid_wkb(shapes)
        return out[valid].reset_index(drop=True).assign(
            **{WKB: pd.arrays.ArrowExtensionArray(shapes.filter(valid))})
    out = gpd.GeoDataFrame(out, geometry=decoded(shapes), crs="EPSG:4326")
    return out[out.geometry.notna()].reset_index(drop=True)


def read_layers(pbf: Path, bbox: Bbox, layers: tuple[TileLayer, ...] = LAYERS,
                progress: Callable[[str], None] = lambda _: None, *,
                packed: frozenset[str] = frozenset()) -> dict[str, pd.DataFrame]:
    """Every basemap layer's features inside bbox, read from the PBF file: GeoDataFrames, but
    the layers named in packed keep their polygons as WKB; progress is told as each of GDAL's
    passes ends (a province's take half a minute, with nothing to say)."""
    # Each GDAL layer is a whole pass over the file; the Arrow path releases the GIL, so the
    # passes overlap: 4.4 s instead of 7.9 s for bench/basemap.py's synthetic county, 2 cores.
    # Only the tags the layers use, and each pass's table dropped once its layers are taken.
    # Shapely objects only for rows kept, and none for packed layers: a Shandong-sized
    # extract's 2.8 M buildings held 2.1 GB as shapely.
    names = list(dict.fromkeys(layer.ogr_layer for layer in layers))
    with tempfile.TemporaryDirectory(prefix="osmconf-") as folder:
        config = Path(folder) / "osmconf.ini"
        config.write_text(osm_config(layers), encoding="utf-8")
        reading = _Reading(pbf, bbox, layers, packed, config, progress)
        with ThreadPoolExecutor(len(names)) as pool:
            taken = list(pool.map(reading.take, names))
    out = {name: frame for part in taken for name, frame in part.items()}
    return {layer.name: out[layer.name] for layer in layers}


@dataclass(frozen=True)
class _Reading:
    """What each of GDAL's passes over a file reads, and whom it tells when it is done."""

    pbf: Path
    bbox: Bbox
    layers: tuple[TileLayer, ...]
    packed: frozenset[str]  # layers whose polygons stay WKB
    config: Path  # osm_config's file
    progress: Callable[[str], None]

    def take(self, ogr_layer: str) -> dict[str, pd.DataFrame]:
        """The features of the layers read from one GDAL layer (its table freed on return)."""
        started = time.perf_counter()
        table = _read(self.pbf, ogr_layer, self.bbox, self.config)
        taken = {layer.name: _features(table, layer, packed=layer.name in self.packed)
                 for layer in self.layers if layer.ogr_layer == ogr_layer}
        counts = ", ".join(f"{len(frame):,} {name}" for name, frame in taken.items())
        self.progress(f"reading: {ogr_layer} done in {time.perf_counter() - started:.0f} s "
                      f"({counts})")
        return taken


def source_stamp(pbf: Path, bbox: Bbox, min_zoom: int, max_zoom: int) -> str:
    """What an archive is built from: the PBF's bytes, the box, the zooms and the layer table."""
    digest = hashlib.sha256()
    with pbf.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(json.dumps([bbox, min_zoom, max_zoom, [vars(x) for x in LAYERS]]).encode())
    return digest.hexdigest()


def archive_stamp(path: Path) -> str | None:
    """The source stamp written into an archive's metadata, or None (no archive, or unreadable)."""
    if not path.is_file():
        return None
    try:
        from pmtiles.reader import MmapSource, Reader  # imported here: only to read a stamp

        with path.open("rb") as handle:
            description = str(Reader(MmapSource(handle)).metadata().get("description", ""))
    except Exception:  # a damaged archive is rebuilt, never trusted
        return None
    return description.removeprefix(STAMP_PREFIX) if description.startswith(STAMP_PREFIX) else None


def _json_strings(values: pd.Series) -> np.ndarray:
    """Each value as a JSON string literal; encoded once per distinct value (classes repeat)."""
    return values.map({v: json.dumps(v, ensure_ascii=False) for v in values.unique()}).to_numpy()


def feature_lines(frame: gpd.GeoDataFrame, layer: TileLayer) -> np.ndarray:
    """One GeoJSON Feature per row, as text (tippecanoe's line-delimited input), with the
    per-feature min zoom of its class; empty tags are left out (a label falls back past them)."""
    text = ('{"type":"Feature","tippecanoe":{"minzoom":'
            + layer.min_zooms(frame["class"]).astype(str).astype(object) + '},"properties":{'
            + '"class":' + _json_strings(frame["class"]))
    for column in ("name", *KEPT_TAGS):
        values = frame[column]
        text = text + np.where(values != "", f",{json.dumps(column)}:" + _json_strings(values), "")
    return text + '},"geometry":' + shapely.to_geojson(frame.geometry.to_numpy()) + "}"


# Named areas get one label point each: a polygon cut at tile edges would be named in every tile
AREA_NAMES = TileLayer("area_names", "multipolygons", "", ("water", "industrial"), 11,
                       "one point naming each named lake or industrial area")


def area_names(frames: Mapping[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """A point inside each named water body and industrial area, with its names and class."""
    named = [frame[(frame["name"] != "") & frame["class"].isin(AREA_NAMES.values)]
             for frame in (frames.get("water"), frames.get("landuse")) if frame is not None]
    areas = pd.concat(named, ignore_index=True) if named else gpd.GeoDataFrame()
    if areas.empty:
        return gpd.GeoDataFrame({c: [] for c in ("class", "name", *KEPT_TAGS)},
                                geometry=[], crs="EPSG:4326")
    return areas.set_geometry(areas.geometry.representative_point())


def _write_inputs(frames: Mapping[str, pd.DataFrame], folder: Path,
                  skip: tuple[str, ...] = ()) -> list[str]:
    # bench/basemap.py's synthetic county (217,624 features): GeoDataFrame.to_json and a json
    # round trip took 38 of the build's 96 s; vectorised strings, a line per feature, take 2 s.
    args = []
    frames = {**frames, AREA_NAMES.name: area_names(frames)}
    for layer in (*LAYERS, AREA_NAMES):
        frame = frames[layer.name]
        if frame.empty or layer.name in skip:
            continue
        path = folder / f"{layer.name}.geojsonl"
        path.write_text("\n".join(feature_lines(frame, layer)) + "\n", encoding="utf-8")
        args += ["-L", json.dumps({"file": str(path), "layer": layer.name})]
    return args


def last_zoom_layers(max_zoom: int) -> frozenset[str]:
    """The polygon layers drawn at the last zoom alone: read as WKB, and encoded in numpy
    (geo.mvt_encoding) beside tippecanoe. tippecanoe carries a feature through every zoom
    above its own (it splits tiles zoom by zoom): 10 of its 11.6 s for the synthetic county
    were its 177,600 buildings, which numpy encodes in 1 s of CPU."""
    return frozenset(layer.name for layer in LAYERS if layer.ogr_layer == "multipolygons"
                     and layer.min_zoom == max_zoom and not layer.class_zooms)


def _geoframe(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """A layer's frame with shapely polygons (decoded from WKB when it was read packed)."""
    if isinstance(frame, gpd.GeoDataFrame):
        return frame
    return gpd.GeoDataFrame(frame.drop(columns=WKB), geometry=polygons(frame), crs="EPSG:4326")


def _tile(frames: Mapping[str, pd.DataFrame], folder: Path, stamp: str,
          zooms: tuple[int, int], progress: Callable[[str], None]) -> Path:
    """The archive, in folder: tippecanoe's tiles, with the last-zoom layers encoded meanwhile
    (unless they are all there is: tippecanoe then tiles them, to write the archive)."""
    direct = tuple(name for name in sorted(last_zoom_layers(zooms[1])) if not frames[name].empty)
    if all(frames[name].empty for name in frames if name not in direct):
        direct = ()
    partial, whole = folder / "tippecanoe.pmtiles", folder / "archive.pmtiles"
    tiled = {name: frame if name in direct else _geoframe(frame) for name, frame in frames.items()}
    args = _write_inputs(tiled, folder, skip=direct)
    about = (*ABOUT, STAMP_PREFIX + stamp)
    scratch = scratch_folder(sum(path.stat().st_size for path in folder.glob("*.geojsonl")))
    with ThreadPoolExecutor(1) as pool:
        tiling = pool.submit(run_tippecanoe, args, partial if direct else whole, zooms,
                             about=about, progress=progress, scratch=scratch)
        encoded = {name: polygon_layer(frames[name], name, zooms[1]) for name in direct}
        try:
            tiling.result()
        except TippecanoeError as exc:
            raise BasemapBuildError(str(exc)) from exc
    if direct:
        progress(f"adding {', '.join(direct)} at zoom {zooms[1]}")
        fields = {name: {c: "String" for c in ("class", "name", *KEPT_TAGS)
                         if (frames[name][c] != "").any()} for name in direct}
        add_layers(partial, whole, zooms[1], encoded, fields)
    return whole


def sweep_leftovers(folder: Path) -> list[Path]:
    """Remove the work folders of builds that were killed (their process is gone); a build
    still running keeps its own. Returns what was removed."""
    removed = []
    for leftover in folder.glob("basemap-*-*"):
        pid = leftover.name.split("-")[1]
        if not leftover.is_dir() or not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
            continue
        except ProcessLookupError:
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
        except PermissionError:  # another user's live process
            continue
    return removed


def build_basemap(pbf: Path, out: Path, bbox: Bbox, *, min_zoom: int = MIN_ZOOM,
                  max_zoom: int = MAX_ZOOM,
                  progress: Callable[[str], None] = lambda _: None) -> BuildReport:
    """Build one PMTiles archive of bbox from pbf; replace `out` atomically, or do nothing when
    `out` was built from the same input. Raises BasemapBuildError; `out` is then untouched."""
    started = time.perf_counter()
    pbf, out = Path(pbf), Path(out)
    if not pbf.is_file():
        raise BasemapBuildError(f"{pbf}: no such file")
    if cut := truncation(pbf):
        raise BasemapBuildError(f"{pbf.name}: cannot be read as an OSM PBF file ({cut})")
    stamp = source_stamp(pbf, bbox, min_zoom, max_zoom)
    if archive_stamp(out) == stamp:
        return BuildReport({}, out.stat().st_size, min_zoom, max_zoom,
                           time.perf_counter() - started, str(out), unchanged=True)
    box = ", ".join(f"{v:.4f}" for v in bbox)
    progress(f"reading {pbf.name} inside {box}")
    frames = read_layers(pbf, bbox, progress=progress, packed=last_zoom_layers(max_zoom))
    counts = {name: len(frame) for name, frame in frames.items()}
    if not sum(counts.values()):
        raise BasemapBuildError(f"{pbf.name} has no map features inside {box}: "
                                "does the file cover the region?")
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(out.parent)
    with tempfile.TemporaryDirectory(prefix=f"basemap-{os.getpid()}-", dir=out.parent) as tmp:
        folder = Path(tmp)
        progress(f"writing {sum(counts.values()):,} features for tippecanoe")
        _tile(frames, folder, stamp, (min_zoom, max_zoom), progress).replace(out)  # atomic
    return BuildReport(counts, out.stat().st_size, min_zoom, max_zoom,
                       time.perf_counter() - started, str(out))
