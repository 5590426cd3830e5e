"""The apps the benchmark serves (ours, the stock baseline, the floor) and our app's data."""

from __future__ import annotations

from pathlib import Path

from bench.server import ROOT
from parks.model.synthetic import write_synthetic_data

APP = ROOT / "serve.py"  # app.py as scripts/run_app.sh serves it (ui.warm_start)
BASELINE_APP = ROOT / "bench" / "baseline_app.py"
FLOOR_APP = ROOT / "bench" / "floor_app.py"


def data_folder(work: Path, n: int) -> Path:
    """The real records plus n synthetic enterprises (made once per run and size)."""
    folder = work / f"data-{n}"
    if not (folder / "enterprises.csv").exists():
        write_synthetic_data(folder, n, seed=0)
    return folder


def app_env(work: Path, n: int) -> dict[str, str]:
    """Environment for the app under test: a data folder of `n` enterprises and its own GeoPackage."""
    return {"HEZE_DATA_DIR": str(data_folder(work, n)), "HEZE_STORE_PATH": str(work / f"store-{n}.gpkg"),
            "DATABASE_URL": ""}  # the GeoPackage store even where PostGIS is configured
