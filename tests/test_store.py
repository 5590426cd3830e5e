"""Tests for parks.store: the working store (GeoPackage and PostGIS), commits, audit and CSV export."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import threading
from contextlib import closing
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import shapely

from geo.crs import distance_m, gcj02_to_wgs84
from parks import gpkg
from parks import store_gpkg as store_module
from parks.errors import DataValidationError, Problem
from parks.load import read_tables as read_csv_tables
from parks.schema import PARKS, TABLES
from parks.store import (
    Store,
    StoreError,
    export_csv,
    open_store,
    store_fingerprint,
)
from tests import pg

AIRPORT_ID = "p-heze-airport"
AIRPORT = (115.73667, 35.21333)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "heze.gpkg"


@pytest.fixture
def gpkg_store(store_path: Path, data_copy: Path):
    with open_store(store_path, data_dir=data_copy) as opened:
        yield opened


@pytest.fixture
def store(store_location: Path | str, data_copy: Path):
    """A fresh store of each backend (see conftest.store_location)."""
    with open_store(store_location, data_dir=data_copy) as opened:
        yield opened


def _absent(location: Path | str) -> bool:
    """Nothing of a store exists at the location: no file (or folder), no schema."""
    if isinstance(location, Path):
        return not location.parent.exists() or not any(location.parent.iterdir())
    return not pg.schema_exists(location, pg.schema_of(location))


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("id").reset_index(drop=True)


def _csv_tables(folder: Path) -> dict[str, pd.DataFrame]:
    tables, problems = read_csv_tables(folder)
    assert problems == []
    return {name: _by_id(frame) for name, frame in tables.items()}


def _assert_same_tables(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def _decode_point(blob: bytes) -> tuple[float, float]:
    """Decode a GeoPackage binary point by hand (header, then WKB), independently of parks.gpkg."""
    magic, version, flags = struct.unpack_from("<2sBB", blob)
    assert (magic, version) == (b"GP", 0)
    assert flags & 0b1 == 1, "little-endian header"
    assert (flags >> 1) & 0b111 == 0, "no envelope"
    assert not flags & 0b1_0000, "not the empty geometry"
    (srs_id,) = struct.unpack_from("<i", blob, 4)
    assert srs_id == 4326
    byte_order, geom_type, x, y = struct.unpack_from("<BIdd", blob, 8)
    assert (byte_order, geom_type, len(blob)) == (1, 1, 8 + 21)
    assert shapely.from_wkb(blob[8:]).equals(shapely.Point(x, y))
    return x, y


def _park(store: Store, record_id: str, **cells: str) -> pd.DataFrame:
    """One full park record: a stored row with some cells replaced (and possibly a new id)."""
    parks = store.read_tables()["parks"]
    row = parks[parks["id"] == AIRPORT_ID].copy()
    row["id"] = record_id
    for column, value in cells.items():
        row[column] = value
    return row.reset_index(drop=True)


def _sql(path: Path, query: str) -> list[tuple]:
    """Rows of one query on a fresh connection (as another tool would open the file)."""
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute(query).fetchall()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- creation ----

def test_first_run_creates_the_store_from_the_csvs(store, data_copy):
    assert store.version() == 1
    tables = store.read_tables()
    _assert_same_tables(tables, _csv_tables(data_copy))
    for spec in TABLES:
        assert tuple(tables[spec.name].columns) == spec.names
        assert tables[spec.name]["id"].is_monotonic_increasing
    audit = store.audit()
    assert len(audit) == sum(len(frame) for frame in tables.values())
    assert set(audit["user"]) == {"baseline"} and set(audit["reason"]) == {"created from data/ CSVs"}
    assert set(audit["action"]) == {"insert"} and audit["before"].isna().all()


def test_second_open_does_not_reread_the_csvs(store_location, data_copy):
    open_store(store_location, data_dir=data_copy).close()
    parks_csv = data_copy / "parks.csv"
    parks_csv.write_text(parks_csv.read_text(encoding="utf-8").replace("菏泽牡丹机场", "改名机场"),
                         encoding="utf-8")
    (data_copy / "projects.csv").unlink()
    with open_store(store_location, data_dir=data_copy) as store:
        parks = store.read_tables()["parks"].set_index("id")
        assert parks.loc[AIRPORT_ID, "name_zh"] == "菏泽牡丹机场"
        assert store.version() == 1


def test_the_default_path_comes_from_the_environment_and_missing_folders_are_made(
        tmp_path, data_copy, monkeypatch):
    path = tmp_path / "a" / "b" / "heze.gpkg"
    monkeypatch.setenv("HEZE_STORE_PATH", str(path))
    with open_store(data_dir=data_copy) as store:
        assert store.path == path and path.is_file()


def test_unreadable_csvs_are_refused_and_nothing_is_created(store_location, data_copy):
    (data_copy / "projects.csv").unlink()
    (data_copy / "enterprises.csv").write_bytes("id,name_zh\ne-1,菏泽\n".encode("gbk"))
    with pytest.raises(DataValidationError) as caught:
        open_store(store_location, data_dir=data_copy)
    reasons = {(p.file, p.reason) for p in caught.value.problems}
    assert ("projects.csv", "file not found") in reasons
    assert ("enterprises.csv", "file is not UTF-8; save it as UTF-8 CSV") in reasons
    assert _absent(store_location)


def test_csvs_the_store_cannot_hold_are_refused(store_location, data_copy):
    parks_csv = data_copy / "parks.csv"
    frame = pd.read_csv(parks_csv, dtype=str, keep_default_na=False)
    frame["extra"] = "x"
    frame.to_csv(parks_csv, index=False)
    with pytest.raises(DataValidationError, match="unknown column"):
        open_store(store_location, data_dir=data_copy)
    assert _absent(store_location)


def test_a_store_another_session_created_meanwhile_is_kept(store_path, data_copy, monkeypatch):
    real_build = store_module._build

    def build_while_another_session_finishes_first(tmp: Path, records: object) -> None:
        real_build(tmp, records)
        monkeypatch.setattr(store_module, "_build", real_build)
        with open_store(store_path, data_dir=data_copy) as other:
            other.commit({"parks": _park(other, "p-test-other")}, user="other", reason="first")

    monkeypatch.setattr(store_module, "_build", build_while_another_session_finishes_first)
    with open_store(store_path, data_dir=data_copy) as mine:
        assert "p-test-other" in set(mine.read_tables()["parks"]["id"]) and mine.version() == 2
    assert not list(store_path.parent.glob(".*"))


# ---- GeoPackage ----

def test_the_file_is_a_geopackage(gpkg_store, store_path):
    assert store_path.is_file()
    assert not list(store_path.parent.glob(".*")), "no temporary build file is left behind"
    assert _sql(store_path, "PRAGMA application_id") == [(0x47504B47,)]  # 'GPKG'
    assert _sql(store_path, "PRAGMA user_version") == [(10400,)]
    srs = {row[0]: row[1:] for row in _sql(store_path, "SELECT srs_id, organization, "
                                           "organization_coordsys_id, definition FROM gpkg_spatial_ref_sys")}
    assert srs[-1] == ("NONE", -1, "undefined") and srs[0] == ("NONE", 0, "undefined")
    assert srs[4326][:2] == ("EPSG", 4326) and srs[4326][2].startswith('GEOGCS["WGS 84"')
    contents = {row[0]: row[1:] for row in _sql(store_path, "SELECT table_name, data_type, identifier, "
                                                "srs_id, min_x, min_y, max_x, max_y FROM gpkg_contents")}
    assert contents["parks"] == ("features", "parks", 4326, *AIRPORT, *AIRPORT)
    assert contents["enterprises"][:3] == ("features", "enterprises", 4326)
    assert contents["projects"][:3] == ("features", "projects", 4326)
    assert contents["audit"][0] == "attributes"
    assert _sql(store_path, "SELECT * FROM gpkg_geometry_columns ORDER BY table_name") == [
        (name, "geom", "POINT", 4326, 0, 0) for name in ("enterprises", "parks", "projects")]
    columns = [row[1] for row in _sql(store_path, "PRAGMA table_info(parks)")]
    assert columns == ["fid", "geom", *PARKS.names]
    with pytest.raises(sqlite3.IntegrityError):  # id is UNIQUE
        _sql(store_path, f"INSERT INTO parks (id) VALUES ('{AIRPORT_ID}')")


def test_only_stored_coordinates_become_geometry(gpkg_store, store_path):
    rows = _sql(store_path, "SELECT id, precision, geom FROM parks")
    with_geom = {rid: _decode_point(geom) for rid, _, geom in rows if geom is not None}
    assert with_geom.keys() == {AIRPORT_ID}
    assert with_geom[AIRPORT_ID] == pytest.approx(AIRPORT)
    approximate = [geom for _, precision, geom in rows if precision in ("town", "county")]
    assert approximate and all(geom is None for geom in approximate)


def test_gcj02_points_are_stored_in_wgs84(gpkg_store, store_path):
    gcj = (115.742613, 35.21286)
    park = _park(gpkg_store, "p-test-gcj", precision="digitised", crs="GCJ02", lon=str(gcj[0]),
                 lat=str(gcj[1]))
    gpkg_store.commit({"parks": park}, user="t", reason="gcj test")
    point = _decode_point(_sql(store_path, "SELECT geom FROM parks WHERE id = 'p-test-gcj'")[0][0])
    assert point == pytest.approx(tuple(map(float, gcj02_to_wgs84(*gcj))), abs=1e-9)
    assert 400 < distance_m(*point, *gcj) < 700


def test_gdal_reads_the_store(gpkg_store, store_path):
    layers = dict(pyogrio.list_layers(store_path))
    assert {layers[name] for name in ("parks", "enterprises", "projects")} == {"Point"}
    parks = pyogrio.read_dataframe(store_path, layer="parks")
    assert len(parks) == len(gpkg_store.read_tables()["parks"])
    assert parks.crs.to_epsg() == 4326
    located = parks[parks.geometry.notna()]
    assert list(located["id"]) == [AIRPORT_ID]
    assert (located.geometry.x.iloc[0], located.geometry.y.iloc[0]) == pytest.approx(AIRPORT)
    audit = pyogrio.read_dataframe(store_path, layer="audit", read_geometry=False)
    assert len(audit) == len(gpkg_store.audit())


# ---- commits ----

def test_commit_inserts_and_updates_with_an_audit_trail(store):
    updated = _park(store, AIRPORT_ID, note="new note")
    new = _park(store, "p-test-new", name_zh="测试园区")
    result = store.commit({"parks": pd.concat([updated, new])}, user="alice", reason="review 1")
    assert result.inserted == {"parks": 1, "enterprises": 0, "projects": 0}
    assert result.updated == {"parks": 1, "enterprises": 0, "projects": 0}
    assert result.unchanged["parks"] == 0 and result.changed == 2
    assert result.version == store.version() == 2
    parks = store.read_tables()["parks"].set_index("id")
    assert parks.loc[AIRPORT_ID, "note"] == "new note"
    assert parks.loc["p-test-new", "name_zh"] == "测试园区"
    trail = store.audit("parks", AIRPORT_ID)
    assert list(trail["action"]) == ["update", "insert"]  # newest first
    latest = trail.iloc[0]
    assert (latest["user"], latest["reason"], latest["version"]) == ("alice", "review 1", 2)
    assert json.loads(latest["before"])["note"] != "new note"
    assert json.loads(latest["after"]) == parks.loc[AIRPORT_ID].to_dict() | {"id": AIRPORT_ID}
    with pytest.raises(ValueError, match="unknown table"):
        store.audit("factories")
    inserted = store.audit(record_id="p-test-new").iloc[0]
    assert inserted["action"] == "insert" and inserted["before"] is None
    assert (store.audit()["version"] == 2).sum() == 2


def test_missing_optional_columns_are_filled_with_empty_cells(store):
    minimal = pd.DataFrame([{"id": "p-test-min", "name_zh": "最小园区", "kind": "industrial_park",
                             "region_adcode": "371700", "precision": "unlocated", "source": "test",
                             "confidence": "low"}])
    assert store.commit({"parks": minimal}, user="t", reason="minimal").inserted["parks"] == 1
    row = store.read_tables()["parks"].set_index("id").loc["p-test-min"]
    assert row["name_en"] == "" and row["note"] == "" and row["kind"] == "industrial_park"


def test_committing_the_same_records_again_changes_nothing(store, data_copy):
    frame = _park(store, AIRPORT_ID, note="once")
    first = store.commit({"parks": frame}, user="t", reason="first")
    audit_rows = len(store.audit())
    second = store.commit({"parks": frame}, user="t", reason="again")
    assert first.updated["parks"] == 1
    assert second.changed == 0 and second.unchanged["parks"] == 1
    assert second.version == first.version == store.version()
    assert len(store.audit()) == audit_rows
    # re-importing the untouched baseline files: every other row is unchanged, nothing is written
    baseline, _ = read_csv_tables(data_copy)
    again = store.commit(baseline, user="t", reason="re-import")
    assert again.updated["parks"] == 1  # only the airport's note differs from the file
    assert again.unchanged == {name: len(f) - (name == "parks") for name, f in baseline.items()}


def test_validate_sees_the_merged_tables_and_its_problems_abort(store):
    before, version, audit_rows = store.read_tables(), store.version(), len(store.audit())
    seen: dict[str, pd.DataFrame] = {}

    def validate(tables: dict[str, pd.DataFrame]) -> list[Problem]:
        seen.update(tables)
        return [Problem("parks.csv", 2, "kind", "bad", "not a kind")]

    new = _park(store, "p-test-new")
    with pytest.raises(DataValidationError, match="not a kind"):
        store.commit({"parks": new}, user="t", reason="bad", validate=validate)
    assert seen.keys() == {"parks", "enterprises", "projects"}
    assert len(seen["parks"]) == len(before["parks"]) + 1 and "p-test-new" in set(seen["parks"]["id"])
    assert seen["parks"]["id"].is_monotonic_increasing
    _assert_same_tables(store.read_tables(), before)
    assert store.version() == version and len(store.audit()) == audit_rows
    ok = store.commit({"parks": new}, user="t", reason="good", validate=lambda tables: [])
    assert ok.inserted["parks"] == 1 and ok.version == version + 1


BROKEN_CHANGES = {
    "unknown column": lambda frame: frame.assign(bogus="1"),
    "missing column": lambda frame: frame.drop(columns="name_zh"),
    "every record needs an id": lambda frame: frame.assign(id=""),
    "duplicate id": lambda frame: pd.concat([frame, frame]),
}


@pytest.mark.parametrize("reason", BROKEN_CHANGES)
def test_changes_the_store_cannot_hold_are_refused(store, reason):
    changes = BROKEN_CHANGES[reason](_park(store, "p-x"))
    with pytest.raises(DataValidationError, match=reason):
        store.commit({"parks": changes}, user="t", reason="bad")
    assert store.version() == 1 and "p-x" not in set(store.read_tables()["parks"]["id"])


def test_unknown_tables_and_anonymous_commits_are_refused(store):
    with pytest.raises(ValueError, match="unknown table"):
        store.commit({"factories": _park(store, "p-x")}, user="t", reason="typo")
    with pytest.raises(ValueError, match="user"):
        store.commit({"parks": _park(store, "p-x")}, user=" ", reason="who?")
    assert store.version() == 1


def test_a_failure_half_way_rolls_everything_back(gpkg_store, store_path, monkeypatch):
    gpkg_store.close()
    sha = _sha(store_path)
    store = open_store(store_path)
    before, version, audit = store.read_tables(), store.version(), store.audit()
    real_write = gpkg.write_record
    calls = []

    def failing_write(*args: object, **kwargs: object) -> None:
        calls.append(args)
        if len(calls) > 1:
            raise OSError("disk full")  # after the first row is written
        real_write(*args, **kwargs)

    monkeypatch.setattr(gpkg, "write_record", failing_write)
    changes = pd.concat([_park(store, AIRPORT_ID, note="x"), _park(store, "p-test-new")])
    with pytest.raises(OSError, match="disk full"):
        store.commit({"parks": changes}, user="t", reason="boom", validate=lambda tables: [])
    assert len(calls) == 2
    with open_store(store_path) as other:  # a second connection sees the file as it was
        _assert_same_tables(other.read_tables(), before)
        assert other.version() == version
        pd.testing.assert_frame_equal(other.audit(), audit)
    monkeypatch.setattr(gpkg, "write_record", real_write)
    _assert_same_tables(store.read_tables(), before)
    store.close()
    assert _sha(store_path) == sha


def test_concurrent_commits_from_threads_all_land(store, store_location):
    second = open_store(store_location)  # another connection, as another process has
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(target: Store, prefix: str) -> None:
        try:
            start.wait()
            for i in range(5):
                target.commit({"parks": _park(target, f"p-test-{prefix}-{i}")}, user=prefix, reason="race")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, f"{n}"))
               for n, s in enumerate((store, store, second, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    second.close()
    assert errors == []
    ids = set(store.read_tables()["parks"]["id"])
    assert {f"p-test-{n}-{i}" for n in range(4) for i in range(5)} <= ids
    assert store.version() == 1 + 20
    assert (store.audit()["reason"] == "race").sum() == 20


# ---- export ----

def test_export_round_trips(store, tmp_path):
    store.commit({"parks": _park(store, "p-test-new", note="行一\n行二, with comma")}, user="t", reason="x")
    paths = export_csv(store, tmp_path / "export")
    assert [p.name for p in paths] == [spec.file for spec in TABLES]
    _assert_same_tables(_csv_tables(tmp_path / "export"), store.read_tables())
    raw = paths[0].read_bytes()
    assert b"\r\n" not in raw and not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").splitlines()[0] == ",".join(PARKS.names)


def test_export_over_the_baseline_changes_only_edited_lines(store, data_copy):
    originals = {spec.file: (data_copy / spec.file).read_bytes() for spec in TABLES}
    export_csv(store, data_copy)
    assert {spec.file: (data_copy / spec.file).read_bytes() for spec in TABLES} == originals
    store.commit({"parks": _park(store, AIRPORT_ID, note="edited")}, user="t", reason="x")
    export_csv(store, data_copy)
    old = originals["parks.csv"].decode("utf-8").splitlines()
    new = (data_copy / "parks.csv").read_text(encoding="utf-8").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert len(changed) == 1 and new[changed[0]].startswith(AIRPORT_ID)


# ---- odd files and lifecycle ----

NOT_STORES = {
    "not a database": lambda path: path.write_bytes(b"this is not SQLite" * 200),
    "not a GeoPackage": lambda path: _sql(path, "CREATE TABLE t (x)"),
    "empty file": lambda path: path.touch(),
}


@pytest.mark.parametrize("kind", NOT_STORES)
def test_a_file_that_is_not_a_store_is_a_named_error(tmp_path, data_copy, kind):
    path = tmp_path / "heze.gpkg"
    NOT_STORES[kind](path)
    content = path.read_bytes()
    with pytest.raises(StoreError, match=f"{path} is not a"):
        open_store(path, data_dir=data_copy)
    assert path.read_bytes() == content, "never overwritten or rebuilt"


def test_schema_columns_are_added_and_unknown_ones_refused(gpkg_store, store_path):
    gpkg_store.close()
    _sql(store_path, "ALTER TABLE parks DROP COLUMN note")  # as if the schema gained 'note' later
    with open_store(store_path) as reopened:
        assert set(reopened.read_tables()["parks"]["note"]) == {""}
    _sql(store_path, "ALTER TABLE projects ADD COLUMN colour TEXT")
    with pytest.raises(StoreError, match="projects: unknown colour"):
        open_store(store_path)


def test_fingerprint_follows_the_version_and_closed_stores_say_so(store):
    first = store_fingerprint(store)
    assert store.location in first
    store.commit({"parks": _park(store, "p-test-new")}, user="t", reason="x")
    assert store_fingerprint(store) != first
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.read_tables()
