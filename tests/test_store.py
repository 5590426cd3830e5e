"""Tests for parks.store: the working store (GeoPackage and PostGIS), commits, audit and CSV export."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from parks.config import read_settings
from parks.errors import DataValidationError, Problem
from parks.model.dataset import read_tables as read_csv_tables
from parks.model.schema import PARKS, TABLES
from parks.store import _gpkg_sql, open_store
from parks.store import gpkg as store_module
from parks.store.base import Store, StoreError, columns_problem, export_csv, format_problem
from tests import pg
from tests.stores import AIRPORT_ID, park_record, sql_rows


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


def test_the_path_comes_from_the_settings_and_missing_folders_are_made(tmp_path, data_copy):
    path = tmp_path / "a" / "b" / "heze.gpkg"
    location = read_settings({"HEZE_STORE_PATH": str(path)}).store_location
    with open_store(location, data_dir=data_copy) as store:
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
            other.commit({"parks": park_record(other, "p-test-other")}, user="other", reason="first")

    monkeypatch.setattr(store_module, "_build", build_while_another_session_finishes_first)
    with open_store(store_path, data_dir=data_copy) as mine:
        assert "p-test-other" in set(mine.read_tables()["parks"]["id"]) and mine.version() == 2
    assert not list(store_path.parent.glob(".*"))


# ---- GeoPackage ----

def test_commit_inserts_and_updates_with_an_audit_trail(store):
    updated = park_record(store, AIRPORT_ID, note="new note")
    new = park_record(store, "p-test-new", name_zh="测试园区")
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
    frame = park_record(store, AIRPORT_ID, note="once")
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

    new = park_record(store, "p-test-new")
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
    changes = BROKEN_CHANGES[reason](park_record(store, "p-x"))
    with pytest.raises(DataValidationError, match=reason):
        store.commit({"parks": changes}, user="t", reason="bad")
    assert store.version() == 1 and "p-x" not in set(store.read_tables()["parks"]["id"])


def test_unknown_tables_and_anonymous_commits_are_refused(store):
    with pytest.raises(ValueError, match="unknown table"):
        store.commit({"factories": park_record(store, "p-x")}, user="t", reason="typo")
    with pytest.raises(ValueError, match="user"):
        store.commit({"parks": park_record(store, "p-x")}, user=" ", reason="who?")
    assert store.version() == 1


def test_a_failure_half_way_rolls_everything_back(gpkg_store, store_path, monkeypatch):
    gpkg_store.close()
    sha = _sha(store_path)
    store = open_store(store_path)
    before, version, audit = store.read_tables(), store.version(), store.audit()
    real_write = _gpkg_sql.write_records
    calls = []

    def failing_write(*args: object, **kwargs: object) -> None:
        calls.append(args)
        if len(calls) > 1:
            raise OSError("disk full")  # after the first group of rows is written
        real_write(*args, **kwargs)

    monkeypatch.setattr(_gpkg_sql, "write_records", failing_write)
    changes = pd.concat([park_record(store, AIRPORT_ID, note="x"), park_record(store, "p-test-new")])
    with pytest.raises(OSError, match="disk full"):
        store.commit({"parks": changes}, user="t", reason="boom", validate=lambda tables: [])
    assert len(calls) == 2
    with open_store(store_path) as other:  # a second connection sees the file as it was
        _assert_same_tables(other.read_tables(), before)
        assert other.version() == version
        pd.testing.assert_frame_equal(other.audit(), audit)
    monkeypatch.setattr(_gpkg_sql, "write_records", real_write)
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
                record = park_record(target, f"p-test-{prefix}-{i}")
                target.commit({"parks": record}, user=prefix, reason="race")
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
    record = park_record(store, "p-test-new", note="行一\n行二, with comma")
    store.commit({"parks": record}, user="t", reason="x")
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
    store.commit({"parks": park_record(store, AIRPORT_ID, note="edited")}, user="t", reason="x")
    export_csv(store, data_copy)
    old = originals["parks.csv"].decode("utf-8").splitlines()
    new = (data_copy / "parks.csv").read_text(encoding="utf-8").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert len(changed) == 1 and new[changed[0]].startswith(AIRPORT_ID)


# ---- odd files and lifecycle ----

NOT_STORES = {
    "not a database": lambda path: path.write_bytes(b"this is not SQLite" * 200),
    "not a GeoPackage": lambda path: sql_rows(path, "CREATE TABLE t (x)"),
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
    sql_rows(store_path, "ALTER TABLE parks DROP COLUMN note")  # as if the schema gained 'note' later
    with open_store(store_path) as reopened:
        assert set(reopened.read_tables()["parks"]["note"]) == {""}
    sql_rows(store_path, "ALTER TABLE projects ADD COLUMN colour TEXT")
    with pytest.raises(StoreError, match="projects: unknown colour"):
        open_store(store_path)


def _as_before_the_split(path: Path) -> None:
    """The store file as the app before the bilingual split left it: one English column per
    field (area_basis, recognition), and so in the audit's records."""
    for field in ("area_basis", "recognition"):
        sql_rows(path, f"ALTER TABLE parks DROP COLUMN {field}_zh")
        sql_rows(path, f"ALTER TABLE parks RENAME COLUMN {field}_en TO {field}")
    old = {"area_basis_en": "area_basis", "recognition_en": "recognition"}
    with closing(sqlite3.connect(path)) as conn, conn:
        for seq, before in conn.execute("SELECT seq, before FROM audit WHERE before IS NOT NULL"
                                        ).fetchall():
            record = {old.get(k, k): v for k, v in json.loads(before).items()
                      if k not in ("area_basis_zh", "recognition_zh")}
            conn.execute("UPDATE audit SET before = ? WHERE seq = ?",
                         (json.dumps(record, ensure_ascii=False), seq))


def test_a_store_made_before_the_bilingual_split_opens_with_its_text_as_english(gpkg_store,
                                                                               store_path):
    """Its single columns become <field>_en, the Chinese ones are added and filled from data/
    where the English is still data/'s, and a change audited then is undone into the new
    columns."""
    park = "p-yuncheng-chem"
    parks = gpkg_store.read_tables()["parks"].set_index("id")
    gpkg_store.commit({"parks": parks.loc[[park]].reset_index().assign(recognition_en="edited")},
                      user="t", reason="x")
    gpkg_store.close()
    _as_before_the_split(store_path)
    with open_store(store_path) as reopened:
        read = reopened.read_tables()["parks"].set_index("id")
        assert read.loc[park, "recognition_en"] == "edited"
        for field in ("area_basis", "recognition"):
            assert read[f"{field}_en"].drop(park).equals(parks[f"{field}_en"].drop(park))
            assert read[f"{field}_zh"].drop(park).equals(parks[f"{field}_zh"].drop(park))
        # its English was edited: data/'s Chinese no longer translates it, so none is filled
        assert read.loc[park, "recognition_zh"] == ""
        assert read.loc[park, "area_basis_zh"] == parks.loc[park, "area_basis_zh"] != ""
        reopened.undo("parks", park, user="t")
        undone = reopened.read_tables()["parks"].set_index("id").loc[park]
    assert undone["recognition_en"] == parks.loc[park, "recognition_en"]
    columns = [row[1] for row in sql_rows(store_path, "PRAGMA table_info(parks)")]
    assert "area_basis" not in columns and {"area_basis_en", "area_basis_zh"} <= set(columns)


def test_version_follows_commits_and_closed_stores_say_so(store):
    first = store.version()
    store.commit({"parks": park_record(store, "p-test-new")}, user="t", reason="x")
    assert store.version() > first
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.read_tables()


def test_columns_problem_names_every_misfit_and_lists_gained_columns():
    names = {spec.name: list(spec.names) for spec in TABLES}
    assert columns_problem(names, TABLES) == (None, [])
    older = names | {"parks": [c for c in names["parks"] if c != "note"]}
    assert columns_problem(older, TABLES) == (None, [("parks", "note")])
    broken = names | {"parks": [*names["parks"], "colour"], "projects": []}
    problem, gained = columns_problem(broken, TABLES)
    assert problem == "not of this schema (parks: unknown colour; projects: no such table)"
    assert gained == []
    assert format_problem("2", "2") is None
    assert format_problem(None, "2") == "store format None, but this app reads format '2'"
