"""Command line: `python -m parks geocode …`, `python -m parks import …`, `… synthetic …` and more."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from geo.arrow_memory import use_system_allocator
from geo.geocode import geocode, geocode_many
from parks.config import (
    DEFAULT_CONFIG,
    RECORD_LAYERS,
    Settings,
    SettingsError,
    debug_requested,
    process_settings,
)
from parks.errors import DataValidationError
from parks.files.geocoder import region_index
from parks.files.uploads import UploadError, read_upload
from parks.shape_commands import STORE_HELP, add_basemap, add_compliance, add_outline, with_store
from parks.store_commands import add_store

OUT_COLUMNS = ["county_adcode", "county", "town", "functional_area", "lon", "lat", "precision",
               "status"]


def _geocode_file(args: argparse.Namespace, settings: Settings) -> int:
    upload = read_upload(Path(args.file).read_bytes(), Path(args.file).name)
    if args.column not in upload.frame.columns:
        print(f"error: {args.file} has no column {args.column!r}; columns: "
              f"{', '.join(upload.frame.columns)}", file=sys.stderr)
        return 2
    found = geocode_many(upload.frame[args.column],
                         region_index(args.region, str(settings.data_dir)))
    out = pd.concat([upload.frame.reset_index(drop=True), found[OUT_COLUMNS]], axis=1)
    out.to_csv(args.out, index=False, encoding="utf-8-sig")
    counts = found["status"].value_counts().to_dict()
    print(f"{len(out)} rows → {args.out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_geocode(args: argparse.Namespace, settings: Settings) -> int:
    """Geocode addresses offline (or online first when set) and print one JSON line each."""
    if args.file:
        if not (args.column and args.out):
            print("error: --file needs --column and --out", file=sys.stderr)
            return 2
        return _geocode_file(args, settings)
    if not args.address:
        print("error: give an ADDRESS or --file", file=sys.stderr)
        return 2
    result = geocode(args.address, region_index(args.region, str(settings.data_dir)))
    print(json.dumps(result.as_dict(), ensure_ascii=False))
    return 0 if result.status == "ok" else 1


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the data folder; print every problem and return 1 if there are any."""
    from parks.model.dataset import check_data

    problems = check_data(settings.data_dir, cache_dir=settings.cache_dir)
    for problem in problems:
        print(problem)
    print(f"{settings.data_dir}: " + (f"{len(problems)} problem(s)" if problems else "valid"),
          file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import a CSV/XLSX of records into the working store (or only check it, --dry-run)."""
    from parks.files.import_run import ImportOptions, run_import  # the store: this command only

    if args.template:
        from parks.files.sheet_template import template_xlsx

        Path(args.out or f"{args.template}-template.xlsx").write_bytes(template_xlsx(args.template))
        return 0
    if not (args.file and args.kind):
        raise ValueError("import needs FILE and --kind (or --template TABLE --out FILE)")
    options = ImportOptions(args.region, args.user, args.as_of, args.dry_run, args.partial,
                            args.accept_guesses, args.clear_empty)
    report = run_import(Path(args.file), args.kind, options, with_store(settings, args.store))
    print(report.text)
    return 1 if report.failed else 0


def _new_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def cmd_editors(args: argparse.Namespace, settings: Settings) -> int:
    """Add, reset, remove or list editor accounts."""
    from parks.store.accounts import add_editor, list_editors, remove_editor

    path = Path(args.file) if args.file else settings.editors_file
    if args.action == "list":
        for editor in list_editors(path):
            print(f"{editor.name}\t{editor.role}")
        return 0
    if not args.name:
        raise ValueError(f"editors {args.action} needs a NAME")
    if args.action == "remove":
        remove_editor(args.name, path=path)
        print(f"removed {args.name} from {path}")
        return 0
    role = "admin" if args.admin else "editor"
    add_editor(args.name, _new_password(args), role, path=path, replace=args.action == "passwd")
    print(f"{args.name} ({role}) saved in {path}")
    return 0


def _resolve_counties(values: list[str], region: str, data_dir: Path) -> tuple[str, ...]:
    """County names (郓城县 or 郓城) or adcodes → adcodes; an unknown one is an error."""
    names = region_index(region, str(data_dir)).county_names
    by_name = {n: c for c, n in names.items()} | {n[:-1]: c for c, n in names.items()
                                                    if len(n) > 2}
    out = []
    for value in values:
        code = value if value in names else by_name.get(value)
        if code is None:
            raise KeyError(f"unknown county {value!r}; use one of {', '.join(names.values())}")
        out.append(code)
    return tuple(out)


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """--bbox W,S,E,N in WGS-84 degrees (None when not given)."""
    if not text:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"--bbox takes W,S,E,N in degrees, e.g. 115.2,35.1,115.6,35.4; "
                         f"not {text!r}") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(f"--bbox {text}: needs west < east and south < north, in degrees")
    return west, south, east, north


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write a selection of the dataset in one export format."""
    from parks.analysis.query import Filters, Selection, filter_enterprises, filter_parks, filter_projects
    from parks.display.print_map import BriefingSpec
    from parks.files.exports import export, permalink
    from parks.model.dataset import load_dataset
    from parks.store import open_store

    store = open_store(args.store or settings.store_location, data_dir=settings.data_dir)
    try:
        dataset = load_dataset(args.region, data_dir=settings.data_dir,
                               cache_dir=settings.cache_dir, tables=store.read_tables())
    finally:
        store.close()
    filters = Filters(_resolve_counties(args.county or [], args.region, settings.data_dir),
                      tuple(args.industry or ()), kinds=tuple(args.kind or ()),
                      stages=tuple("" if s == "none" else s for s in args.stage or ()))
    tax = dataset.taxonomy
    selection = Selection(filter_parks(dataset.parks, filters, tax),
                          filter_enterprises(dataset.enterprises, filters, tax),
                          filter_projects(dataset.projects, filters, tax))
    # the OSM archive's geography under the map when there is one, as the app's default basemap
    archive = str(settings.basemap_path) if settings.basemap_path.is_file() else ""
    spec = BriefingSpec(lang=args.lang, title=args.title or "", width_px=args.width,
                        height_px=args.height, dpi=args.dpi, layers=tuple(args.layers),
                        bbox=_bbox(args.bbox), archive=archive)
    spec = replace(spec, link=permalink(settings.public_url, args.region, filters, spec))
    result = export(args.format, dataset, selection, spec, filters)
    Path(args.out).write_bytes(result.data)
    print(f"{args.out}: {args.format}, {len(result.data):,} bytes, "
          f"{sum(len(f) for f in selection.visible(spec.layers).frames().values())} records")
    return 0


def cmd_synthetic(args: argparse.Namespace, settings: Settings) -> int:
    """Write deterministic synthetic enterprises for benchmarks."""
    from parks.model.synthetic import write_synthetic_data

    folder = write_synthetic_data(Path(args.out), args.n, seed=args.seed, region=args.region,
                                  data_dir=settings.data_dir, cache_dir=settings.cache_dir)
    rows = len(pd.read_csv(folder / "enterprises.csv", dtype=str, usecols=["id"]))
    print(f"{folder}: enterprises.csv {rows} rows ({args.n} synthetic)")
    return 0


def add_geocode(sub: argparse._SubParsersAction) -> None:
    """The `geocode` sub-command's arguments."""
    geo = sub.add_parser("geocode", help="address → county, town, point (offline)")
    geo.add_argument("address", nargs="?", help="one address; prints a JSON object")
    geo.add_argument("--file", help="CSV or XLSX with an address column")
    geo.add_argument("--column", help="the address column of --file")
    geo.add_argument("--out", help="CSV to write: input columns + " + ", ".join(OUT_COLUMNS))
    geo.add_argument("--region", default=DEFAULT_CONFIG.default_region, help="city adcode")
    geo.set_defaults(run=cmd_geocode)


def add_check(sub: argparse._SubParsersAction) -> None:
    """The `check` sub-command's arguments."""
    chk = sub.add_parser("check", help="validate the CSVs of the data folder (HEZE_DATA_DIR)")
    chk.set_defaults(run=cmd_check)


def add_import(sub: argparse._SubParsersAction) -> None:
    """The `import` sub-command's arguments."""
    imp = sub.add_parser("import", help="import a CSV/XLSX of parks, enterprises or projects")
    tables = ("parks", "enterprises", "projects")
    imp.add_argument("file", nargs="?")
    imp.add_argument("--kind", choices=tables)
    imp.add_argument("--as-of", default="", help="the file's date (YYYY[-MM[-DD]]) for rows "
                     "without one; needed when the file has no as_of column")
    imp.add_argument("--template", choices=tables, help="write an XLSX template (Chinese "
                     "headers, one example row) to --out instead of importing")
    imp.add_argument("--out", help="where --template writes")
    imp.add_argument("--dry-run", action="store_true", help="report only; store nothing")
    imp.add_argument("--partial", action="store_true",
                     help="store the valid rows even when other rows have errors")
    imp.add_argument("--accept-guesses", action="store_true",
                     help="apply column mappings that were guessed (listed otherwise)")
    imp.add_argument("--clear-empty", action="store_true",
                     help="an empty cell clears the stored value (default: keeps it)")
    imp.add_argument("--region", default=DEFAULT_CONFIG.default_region)
    imp.add_argument("--store", help=STORE_HELP)
    imp.add_argument("--user", default="cli", help="name recorded in the audit trail")
    imp.set_defaults(run=cmd_import)


def add_editors(sub: argparse._SubParsersAction) -> None:
    """The `editors` sub-command's arguments."""
    eds = sub.add_parser("editors", help="accounts that may edit records in the app")
    eds.add_argument("action", choices=("list", "add", "passwd", "remove"),
                     help="passwd: new password (and role) for an existing editor")
    eds.add_argument("name", nargs="?")
    eds.add_argument("--admin", action="store_true", help="may also manage editors")
    eds.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    eds.add_argument("--file", help="editors file (default: HEZE_EDITORS_FILE or .store/)")
    eds.set_defaults(run=cmd_editors)


def add_export(sub: argparse._SubParsersAction) -> None:
    """The `export` sub-command's arguments."""
    exp = sub.add_parser("export", help="briefing map or data of a selection")
    exp.add_argument("--format", required=True,
                     choices=("png", "snapshot", "pdf", "pptx", "html", "csv", "geojson", "xlsx"))
    exp.add_argument("--out", required=True)
    exp.add_argument("--county", nargs="*", help="county names or adcodes")
    exp.add_argument("--industry", nargs="*", help="industry codes (BIO, HEM.PARTS, CHEM …)")
    exp.add_argument("--kind", nargs="*", help="park kinds (chemical_park …)")
    exp.add_argument("--stage", nargs="*", help="project stages (completed …; none = unstated)")
    exp.add_argument("--layers", nargs="*", default=list(RECORD_LAYERS), choices=RECORD_LAYERS,
                     help="what the map and data show (default: all)")
    exp.add_argument("--title")
    exp.add_argument("--lang", default="zh", choices=("zh", "en"))
    exp.add_argument("--width", type=int, default=1600, help="PNG width in pixels")
    exp.add_argument("--height", type=int, default=1200, help="PNG height in pixels")
    exp.add_argument("--dpi", type=int, default=150)
    exp.add_argument("--bbox", help="W,S,E,N: the map shows this view, not the whole region "
                     "(PNG/PDF/PPTX)")
    exp.add_argument("--region", default=DEFAULT_CONFIG.default_region)
    exp.add_argument("--store", help=STORE_HELP)
    exp.set_defaults(run=cmd_export)


def add_synthetic(sub: argparse._SubParsersAction) -> None:
    """The `synthetic` sub-command's arguments."""
    syn = sub.add_parser("synthetic", help="a data folder with n synthetic enterprises (benchmarks)")
    syn.add_argument("--n", type=int, required=True, help="number of synthetic enterprises")
    syn.add_argument("--seed", type=int, default=0, help="same seed, same records")
    syn.add_argument("--out", required=True, help="folder to write (use it as HEZE_DATA_DIR)")
    syn.add_argument("--region", default=DEFAULT_CONFIG.default_region)
    syn.set_defaults(run=cmd_synthetic)


def parser() -> argparse.ArgumentParser:
    """The `python -m parks` argument parser, one sub-command per add_<cmd>()."""
    main = argparse.ArgumentParser(prog="python -m parks", description=__doc__)
    sub = main.add_subparsers(dest="command", required=True)
    for add in (add_geocode, add_check, add_import, add_store, add_editors, add_export, add_outline,
                add_compliance, add_synthetic, add_basemap):
        add(sub)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command, read the settings once (HEZE_*, DATABASE_URL) and run it with them."""
    args = parser().parse_args(argv)
    use_system_allocator()
    try:
        return int(args.run(args, process_settings()))
    except (UploadError, DataValidationError, SettingsError, OSError, KeyError, ValueError,
            RuntimeError, sqlite3.Error) as exc:  # sqlite3: e.g. a disk full on first creation
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a fault of ours: still one line, the traceback on request
        if debug_requested():
            raise
        print(f"error: {type(exc).__name__}: {_one_line(exc)} (an unexpected error: run again "
              "with HEZE_DEBUG=1 to see where)", file=sys.stderr)
        return 3


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:1000] or type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())
