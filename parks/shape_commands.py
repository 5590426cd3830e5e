"""The command line's geography: park outlines from documents, chemical-park compliance, the OSM basemap."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from parks.config import DEFAULT_CONFIG, Settings

STORE_HELP = "working store: a file or postgresql:// URL (default: DATABASE_URL, HEZE_STORE_PATH or .store/)"


def with_store(settings: Settings, store: str | None) -> Settings:
    """--store, when given, wins over HEZE_STORE_PATH and DATABASE_URL."""
    return replace(settings, store_location=store) if store else settings


def cmd_outline(args: argparse.Namespace, settings: Settings) -> int:
    """Import a park's outline from a document; print what was read (or one JSON object)."""
    from parks.files.park_outline import import_outline

    report, committed = import_outline(Path(args.file), args.park, crs=args.crs,
                                       dry_run=args.dry_run, user=args.user,
                                       osm=Path(args.osm) if args.osm else None,
                                       settings=with_store(settings, args.store))
    print(json.dumps(report.as_dict(), ensure_ascii=False) if args.json else "\n".join(
        [*(f"{key}: {value}" for key, value in report.as_dict().items()),
         "saved" if committed else "not saved"]))
    return 1 if report.problems else 0


def cmd_sizhi(args: argparse.Namespace, settings: Settings) -> int:
    """A park's candidate outline from its 四至 and OSM data; exit 1 when there is none."""
    from parks.files.sizhi_outline import park_candidate

    report = park_candidate(args.park, settings=with_store(settings, args.store),
                            osm=Path(args.osm) if args.osm else None)
    print(json.dumps(report.as_dict(), ensure_ascii=False) if args.json else "\n".join(
        f"{key}: {value}" for key, value in report.as_dict().items()))
    return 1 if report.problems or report.shape is None else 0


def cmd_compliance(args: argparse.Namespace, settings: Settings) -> int:
    """化工企业入园率 from the park outlines: overall, by county, the enterprises outside."""
    from parks.analysis.compliance import compliance
    from parks.model.dataset import load_dataset

    dataset = load_dataset(args.region, data_dir=settings.data_dir, cache_dir=settings.cache_dir)
    result = compliance(dataset, tuple(args.county or ()))
    print(json.dumps(result.as_dict(), ensure_ascii=False) if args.json else
          "\n\n".join([str(result.overall), result.by_county.to_string(index=False),
                       result.outside.to_string(index=False)]))
    return 0


def add_compliance(sub: argparse._SubParsersAction) -> None:
    """The `compliance` sub-command's arguments."""
    com = sub.add_parser("compliance", help="化工企业入园率 from the park outlines")
    com.add_argument("--region", default=DEFAULT_CONFIG.default_region, help="city adcode")
    com.add_argument("--county", action="append", help="county adcode (repeatable)")
    com.add_argument("--json", action="store_true", help="print one JSON object")
    com.set_defaults(run=cmd_compliance)


def add_outline(sub: argparse._SubParsersAction) -> None:
    """The `outline` sub-command's arguments."""
    out = sub.add_parser("outline", help="park outlines from documents")
    cmds = out.add_subparsers(dest="outline_command", required=True)
    imp = cmds.add_parser("import", help="a park's outline from a document")
    imp.add_argument("file", help="a 界址点 table (CSV/TXT/XLSX: point number, X, Y in any "
                     "order, optional 圈号), KML/KMZ, DXF, zipped Shapefile or GeoJSON")
    imp.add_argument("--park", required=True, help="the park's id")
    imp.add_argument("--crs", default="auto",
                     help="auto (detect, with the reason), EPSG:n, wgs84 or gcj02")
    imp.add_argument("--dry-run", action="store_true", help="check only; store nothing")
    imp.add_argument("--osm", help="an .osm.pbf to check degrees against (default: the basemap); "
                     "an outline that follows its roads only as GCJ-02 is refused")
    imp.add_argument("--json", action="store_true", help="print one JSON object")
    imp.add_argument("--store", help=STORE_HELP)
    imp.add_argument("--user", default="cli", help="name recorded in the audit trail")
    imp.set_defaults(run=cmd_outline)
    siz = cmds.add_parser("sizhi", help="a candidate outline from the park's 四至 and OSM data")
    siz.add_argument("--park", required=True, help="the park's id")
    siz.add_argument("--osm", help="an .osm.pbf extract (default: the built basemap archive)")
    siz.add_argument("--json", action="store_true", help="print one JSON object")
    siz.add_argument("--store", help=STORE_HELP)
    siz.set_defaults(run=cmd_sizhi)


def cmd_basemap(args: argparse.Namespace, settings: Settings) -> int:
    """Build the offline OpenStreetMap basemap from a .osm.pbf file; print one JSON object."""
    from geo.osm_archive import build_basemap
    from parks.files.osm_area import parse_bbox, region_bbox

    bbox = (parse_bbox(args.bbox) if args.bbox
            else region_bbox(args.region, cache_dir=settings.cache_dir))
    out = Path(args.out) if args.out else settings.basemap_path
    try:
        report = build_basemap(Path(args.file), out, bbox, min_zoom=args.min_zoom,
                               max_zoom=args.max_zoom,
                               progress=lambda text: print(text, file=sys.stderr, flush=True))
    except KeyboardInterrupt:
        print(f"interrupted: {out} is as it was before", file=sys.stderr)
        return 130  # the shell's code for Ctrl-C
    print(json.dumps(report.as_dict(), ensure_ascii=False))
    return 0


def add_basemap(sub: argparse._SubParsersAction) -> None:
    """The `basemap` sub-command's arguments."""
    bm = sub.add_parser("basemap", help="the offline OpenStreetMap basemap")
    cmds = bm.add_subparsers(dest="basemap_command", required=True)
    build = cmds.add_parser("build", help="build it from a .osm.pbf extract (PMTiles)")
    build.add_argument("file", help="an OpenStreetMap .osm.pbf file (a province or custom extract)")
    where = build.add_mutually_exclusive_group()
    where.add_argument("--region", default=DEFAULT_CONFIG.default_region,
                       help="clip to this region's counties plus a margin (default 371700)")
    where.add_argument("--bbox", help="clip to W,S,E,N (WGS-84 degrees) instead")
    build.add_argument("--out", help="archive to write (default: HEZE_BASEMAP or .store/)")
    from geo.osm_archive import MAX_ZOOM, MIN_ZOOM
    build.add_argument("--min-zoom", type=int, default=MIN_ZOOM, help=f"default {MIN_ZOOM}")
    build.add_argument("--max-zoom", type=int, default=MAX_ZOOM,
                       help=f"default {MAX_ZOOM}; the map enlarges the last zoom's tiles beyond")
    build.set_defaults(run=cmd_basemap)
