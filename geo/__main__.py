"""Command line of geo/: `python -m geo assets fetch|check` and `python -m geo boundaries crosscheck|info`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import shapely

from geo import vendor
from geo.boundaries import SOURCES, load_counties, normalise_adcode
from geo.crosscheck import crosscheck
from geo.crs import area_km2


def _add_assets(tools: argparse._SubParsersAction) -> None:
    parser = tools.add_parser("assets", help="the vendored JS/CSS of the maps (static/vendor)")
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("fetch", help="download and install the vendor dir")
    fetch.add_argument("--registry", default="",
                       help="npm registry mirror; empty means the public npm registry "
                            "(scripts/setup.sh passes $HEZE_NPM_REGISTRY)")
    check = commands.add_parser("check", help="exit 1 when vendor files are missing")
    for command in (fetch, check):
        command.add_argument("--dest", type=Path, default=vendor.DEFAULT_DEST,
                             help="vendor dir (default: static/vendor of this checkout)")
    parser.set_defaults(run=_assets)


def _add_boundaries(tools: argparse._SubParsersAction) -> None:
    parser = tools.add_parser("boundaries", help="county boundaries of a prefecture city")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("crosscheck", help="compare 天地图 with 高德 county polygons")
    check.add_argument("adcode")
    check.add_argument("--out", type=Path, help="also write the table to this CSV file")
    info = commands.add_parser("info", help="county names and vertex counts")
    info.add_argument("adcode")
    info.add_argument("--source", default="tianditu", choices=SOURCES)
    for command in (check, info):
        command.add_argument("--cache-dir", type=Path, default=None,
                             help="boundary cache (default: .cache/boundaries)")
    parser.set_defaults(run=_boundaries)


def _assets(args: argparse.Namespace) -> int:
    if args.command == "fetch":
        try:
            written = vendor.fetch(args.dest, registry=args.registry or None)
        except vendor.AssetFetchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"{args.dest}: {len(written)} files installed" if written else f"{args.dest}: up to date")
        return 0
    absent = vendor.missing(args.dest)
    for entry in absent:
        print(f"missing: {args.dest / entry}", file=sys.stderr)
    if absent:
        print("run scripts/setup.sh (or: python -m geo assets fetch)", file=sys.stderr)
    return 1 if absent else 0


def _info(city: str, source: str, cache_dir: Path | None) -> pd.DataFrame:
    gdf = load_counties(city, source=source, cache_dir=cache_dir)
    return pd.DataFrame({
        "adcode": gdf["adcode"],
        "name_zh": gdf["name_zh"],
        "n_vertices": shapely.get_num_coordinates(gdf.geometry.to_numpy()),
        "area_km2": area_km2(gdf).round(1),
    })


def _boundaries(args: argparse.Namespace) -> int:
    try:
        if args.command == "crosscheck":
            table = crosscheck(args.adcode, cache_dir=args.cache_dir)
        else:
            table = _info(normalise_adcode(args.adcode), args.source, args.cache_dir)
    except (LookupError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(table.to_string(index=False))
    if getattr(args, "out", None):
        args.out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, index=False)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse argv and run the chosen tool; the exit status is the return value."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    tools = parser.add_subparsers(dest="tool", required=True)
    _add_assets(tools)
    _add_boundaries(tools)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
