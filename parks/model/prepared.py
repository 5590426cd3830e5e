"""A prepared snapshot: a region's validated, located record frames written once per data version
as Parquet beside the store, and read at start instead of reading and validating the store again."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import tempfile
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib.metadata import version as package_version
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyproj
from pyarrow import parquet

from parks.config import DEFAULT_CONFIG, AppConfig
from parks.model.dataset import Dataset, assemble, load_dataset
from parks.model.validate import validation_context

FORMAT = 1  # bump when the folder's layout changes
FRAMES = ("parks", "enterprises", "projects")
MANIFEST = "manifest.json"
KEEP = 3  # snapshots kept per store and region: the newest, and a few an older server may still be reading
_ROOT = Path(__file__).resolve().parent.parent.parent
# the code that derives the frames: a change to any of it makes every snapshot stale
_CODE = ("parks/model/*.py", "parks/config.py", "geo/*.py")
_LIBRARIES = ("pandas", "geopandas", "pyarrow", "shapely", "numpy")


@cache
def code_digest(patterns: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    """A digest of the repository's files matching `patterns` and the `libraries`' versions."""
    digest = hashlib.sha256(f"format {FORMAT};".encode())
    for library in libraries:
        digest.update(f"{library} {package_version(library)};".encode())
    for path in sorted(p for pattern in patterns for p in _ROOT.glob(pattern)):
        digest.update(path.relative_to(_ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def code_version() -> str:
    """A digest of the deriving code and the libraries that write and read the frames."""
    return code_digest(_CODE, _LIBRARIES)


def data_fingerprint(data_dir: Path) -> str:
    """Changes whenever a data file changes, so edited CSVs are re-read on the next run."""
    digest = hashlib.sha1()
    for path in sorted(data_dir.glob("*.csv")):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size};".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class SnapshotKey:
    """Everything that changes a region's prepared frames: the store (its id, so a snapshot of
    another store is never read, and its version), the region, data/'s fingerprint, the code."""

    store_id: str
    version: int
    region: str
    data: str
    code: str = field(default_factory=code_version)

    @property
    def name(self) -> str:
        """The snapshot's folder name: store, region, version and a digest of the whole key."""
        digest = hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()
        return f"{self.kind}-v{self.version}-{digest[:16]}"

    @property
    def kind(self) -> str:
        """What the snapshots of one store and region share (a newer version replaces them)."""
        return f"{self.region}-{self.store_id[:12]}"


def snapshot_root(location: str, cache_dir: Path) -> Path:
    """Where a store's snapshots live: `<file>.snapshot/` beside a GeoPackage; for a database
    (a DSN) under the cache folder, one per server (the store id in the key tells stores apart)."""
    if "://" in location or location.startswith(("postgres", "host=", "dbname=")):
        return cache_dir / "prepared"
    path = Path(location)
    return path.with_name(path.name + ".snapshot")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_snapshot(root: Path, key: SnapshotKey, frames: Mapping[str, gpd.GeoDataFrame]) -> Path:
    """Write the frames under root/key.name atomically (a temporary folder renamed into place):
    a reader finds the whole snapshot or none. Returns the snapshot's folder."""
    root.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{key.name}-", dir=root))
    try:
        files = {}
        for name in FRAMES:
            frame = frames[name]
            frame.to_parquet(temp / f"{name}.parquet", index=False)
            files[name] = {"sha256": _sha256((temp / f"{name}.parquet").read_bytes()),
                           "object": [c for c in frame.columns if frame[c].dtype == object]}
        (temp / MANIFEST).write_text(json.dumps({"key": asdict(key), "files": files}, indent=1))
        final = root / key.name
        if final.exists():  # a broken or half-deleted copy: moved aside, never mixed with ours
            final.rename(root / f".stale-{uuid.uuid4().hex}")
        temp.rename(final)
    finally:
        for leftover in [temp, *root.glob(".stale-*")]:
            shutil.rmtree(leftover, ignore_errors=True)
    prune(root, key.kind)
    return final


def prune(root: Path, kind: str, keep: int = KEEP) -> None:
    """Delete all but the newest `keep` snapshots of one store and region (SnapshotKey.kind):
    the stores sharing a cache folder keep theirs."""
    found = sorted(root.glob(f"{kind}-v*"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in found[keep:]:
        shutil.rmtree(old, ignore_errors=True)


@cache
def _crs(text: str) -> pyproj.CRS | None:
    """The CRS a GeoParquet file names (JSON), parsed once per process: by its EPSG code when it
    has one (a parse of geopandas' PROJJSON took 20 ms, of the code under 1 ms, measured)."""
    value = json.loads(text)
    ident = value.get("id") if isinstance(value, dict) else None
    if isinstance(ident, dict) and ident.get("authority") == "EPSG" and "code" in ident:
        return pyproj.CRS.from_epsg(int(ident["code"]))
    return None if value is None else pyproj.CRS.from_user_input(value)


def whole_table(data: bytes) -> pa.Table:
    """Parquet bytes as one Arrow table, read whole: not through pyarrow.dataset, as
    parquet.read_table and geopandas.read_parquet are (47 ms of imports while a server starts,
    measured)."""
    return parquet.ParquetFile(pa.BufferReader(data)).read()


def _read_frame(data: bytes) -> gpd.GeoDataFrame:
    """A snapshot file as its GeoDataFrame (whole_table, then its WKB columns)."""
    table = whole_table(data)
    geo = json.loads(table.schema.metadata[b"geo"])
    columns = geo["columns"]
    if any(spec.get("encoding") != "WKB" for spec in columns.values()):
        return gpd.read_parquet(io.BytesIO(data))  # not as write_snapshot writes it
    frame = table.to_pandas()
    for name, spec in columns.items():
        crs = _crs(json.dumps(spec.get("crs", "OGC:CRS84")))
        frame[name] = gpd.GeoSeries.from_wkb(frame[name].to_numpy(), index=frame.index, crs=crs)
    return gpd.GeoDataFrame(frame, geometry=geo["primary_column"])


def read_snapshot(root: Path, key: SnapshotKey) -> dict[str, gpd.GeoDataFrame] | None:
    """The frames of the snapshot for `key`, or None when there is none, or it is partial, for
    another key, or any file's checksum differs from its manifest (it is then never used)."""
    folder = root / key.name
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        if manifest["key"] != asdict(key):
            return None
        frames = {}
        for name in FRAMES:
            entry = manifest["files"][name]
            data = (folder / f"{name}.parquet").read_bytes()
            if _sha256(data) != entry["sha256"]:
                return None
            frame = _read_frame(data)
            frames[name] = frame.astype(dict.fromkeys(entry["object"], object))
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
    return frames


def load_prepared(root: Path, key: SnapshotKey, *, config: AppConfig = DEFAULT_CONFIG,
                  data_dir: Path | None = None, cache_dir: Path | None = None) -> Dataset | None:
    """The region's Dataset from its snapshot (no reading or validating of the records), or None
    when there is no usable snapshot for `key`."""
    frames = read_snapshot(root, key)
    if frames is None:
        return None
    folder = data_dir or config.data_dir
    region = config.region(key.region)  # its context only: a start reads no other region's files
    ctx = validation_context(folder, config, cache_dir, only=region.adcode)
    return assemble(region, ctx, frames, folder)


def prepare(root: Path, key: SnapshotKey, tables: Callable[[], Mapping[str, pd.DataFrame]], *,
            config: AppConfig = DEFAULT_CONFIG, data_dir: Path | None = None,
            cache_dir: Path | None = None, still: Callable[[], bool] = lambda: True) -> Dataset:
    """The region's Dataset: from its snapshot when there is a good one; else the store's
    `tables` read and validated (load_dataset) and the snapshot written for the next start —
    unless `still()` says the store moved on while reading (the frames would not be `key`'s).

    Raises DataValidationError as load_dataset does; a snapshot that cannot be written (a
    read-only folder) only costs the next start its time."""
    if (ready := load_prepared(root, key, config=config, data_dir=data_dir,
                               cache_dir=cache_dir)) is not None:
        return ready
    loaded = load_dataset(key.region, config=config, data_dir=data_dir, cache_dir=cache_dir,
                          tables=tables())
    if still():
        frames = {"parks": loaded.parks, "enterprises": loaded.enterprises,
                  "projects": loaded.projects}
        with contextlib.suppress(OSError):
            write_snapshot(root, key, frames)
    return loaded


def _extra(root: Path, key: SnapshotKey, name: str) -> tuple[Path, Path]:
    folder = root / key.name / "extra"
    return folder / name, folder / f"{name}.json"


def write_extra(root: Path, key: SnapshotKey, name: str, data: bytes, code: str) -> bool:
    """Keep `data`, derived from `key`'s frames by the code of digest `code`, in key's snapshot
    folder (deleted with it). Only beside a whole snapshot of `key`: returns False when there is
    none (nothing is written) or the folder cannot be written."""
    path, sidecar = _extra(root, key, name)
    try:
        if json.loads((root / key.name / MANIFEST).read_text())["key"] != asdict(key):
            return False
        path.parent.mkdir(exist_ok=True)
        for target, content in ((path, data), (sidecar, json.dumps(
                {"key": asdict(key), "code": code, "sha256": _sha256(data)}).encode())):
            temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
            temp.write_bytes(content)
            temp.replace(target)  # the sidecar last: until then a reader finds no match
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


def read_extra(root: Path, key: SnapshotKey, name: str, code: str) -> bytes | None:
    """What write_extra kept under `name` for `key` and `code`; None when there is nothing, or
    it was kept for another key or code, or its checksum differs (it is then never used)."""
    path, sidecar = _extra(root, key, name)
    try:
        meta = json.loads(sidecar.read_text())
        data = path.read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict):
        return None
    wanted = {"key": asdict(key), "code": code, "sha256": _sha256(data)}
    return data if all(meta.get(k) == v for k, v in wanted.items()) else None
