"""Editing through either store backend: revisions, conflicts, deletes, undo, a killed save, bad disks."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from psycopg import errors as pg_errors

from parks.errors import DataValidationError, Problem
from parks.store import _gpkg_sql, open_store
from parks.store import _postgis_sql as pg_sql
from parks.store.base import ConflictError, StoreError

ROOT = Path(__file__).resolve().parent.parent
PARK = "p-yuncheng-chem"

# How each backend's database refuses a write, and the function to make refuse (in a test).
REFUSALS = {
    ("gpkg", "read-only"): lambda: sqlite3.OperationalError("attempt to write a readonly database"),
    ("gpkg", "disk is full"): lambda: sqlite3.OperationalError("database or disk is full"),
    ("postgis", "read-only"): lambda: pg_errors.ReadOnlySqlTransaction(
        "cannot execute INSERT in a read-only transaction"),
    ("postgis", "disk is full"): lambda: pg_errors.DiskFull(
        'could not extend file "base/16384/16385": No space left on device'),
}
AUDIT_WRITERS = {"gpkg": (_gpkg_sql, "write_audit"), "postgis": (pg_sql, "write_audit")}
# A child process writes the rows, says so, then sleeps until it is killed mid-transaction.
ROW_WRITERS = {"gpkg": ("parks.store._gpkg_sql", "write_records"),
               "postgis": ("parks.store._postgis_sql", "write_rows")}


@pytest.fixture
def store(store_location, data_copy):
    opened = open_store(store_location, data_dir=data_copy)
    yield opened
    opened.close()


def _record(store, table: str, record_id: str) -> dict[str, str]:
    frame = store.read_tables()[table]
    return frame[frame["id"] == record_id].iloc[0].to_dict()


def _save(store, record: dict[str, str], table: str = "parks", **kwargs):
    return store.commit({table: pd.DataFrame([record])}, user="编辑甲", reason="test", **kwargs)


def test_revision_moves_with_each_change(store):
    first = store.revision("parks", PARK)
    assert first > 0  # the baseline is an audited insert
    _save(store, _record(store, "parks", PARK) | {"note": "改一下"})
    assert store.revision("parks", PARK) > first
    assert store.revision("parks", "p-no-such") == 0


def test_second_editor_is_told_and_nothing_is_overwritten(store):
    seen = store.revision("parks", PARK)  # both editors opened the record at this revision
    record = _record(store, "parks", PARK)
    _save(store, record | {"note": "甲的修改"}, expected={("parks", PARK): seen})
    version = store.version()
    with pytest.raises(ConflictError, match=PARK) as info:
        _save(store, record | {"note": "乙的修改"}, expected={("parks", PARK): seen})
    assert info.value.conflicts[0][:2] == ("parks", PARK)
    assert _record(store, "parks", PARK)["note"] == "甲的修改"
    assert store.version() == version


def test_delete_is_audited_and_undo_brings_it_back(store):
    before = _record(store, "projects", "pr-dafu-lycopene")
    result = store.commit({}, user="编辑甲", reason="删除", deletes={"projects": [before["id"]]})
    assert result.deleted["projects"] == 1
    assert before["id"] not in set(store.read_tables()["projects"]["id"])
    assert store.audit("projects", before["id"]).iloc[0]["action"] == "delete"
    store.undo("projects", before["id"], user="编辑甲")
    assert _record(store, "projects", before["id"]) == before


def test_undo_an_update_and_an_insert(store):
    original = _record(store, "parks", PARK)
    _save(store, original | {"area_km2": "6.0"})
    store.undo("parks", PARK, user="编辑乙")
    assert _record(store, "parks", PARK) == original
    assert store.audit("parks", PARK).iloc[0]["reason"].startswith("undo change")
    new = original | {"id": "p-brand-new", "name_zh": "新园区"}
    _save(store, new)
    store.undo("parks", "p-brand-new", user="编辑乙")
    assert "p-brand-new" not in set(store.read_tables()["parks"]["id"])
    with pytest.raises(StoreError, match="no change to undo"):
        store.undo("parks", "p-never-existed", user="编辑乙")


def test_validation_refuses_and_writes_nothing(store):
    version = store.version()

    def refuse(_tables):
        return [Problem("parks.csv", 2, "boundary", "…", "self-intersecting polygon")]

    with pytest.raises(DataValidationError, match="self-intersecting"):
        _save(store, _record(store, "parks", PARK) | {"note": "x"}, validate=refuse)
    assert store.version() == version


@pytest.mark.parametrize("fragment", ["read-only", "disk is full"])
def test_read_only_or_full_store_says_so_and_loses_nothing(store, backend, monkeypatch, fragment):
    before, version, audit_rows = store.read_tables(), store.version(), len(store.audit())

    def broken(*args):
        raise REFUSALS[backend, fragment]()

    monkeypatch.setattr(*AUDIT_WRITERS[backend], broken)  # the rows are written by then
    with pytest.raises(StoreError, match=f"{fragment}.*nothing was written"):
        _save(store, _record(store, "parks", PARK) | {"note": "不会写入"})
    monkeypatch.undo()
    after = store.read_tables()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    assert store.version() == version and len(store.audit()) == audit_rows


def test_a_save_killed_half_way_leaves_the_store_as_it_was(store_location, backend, data_copy):
    open_store(store_location, data_dir=data_copy).close()
    module, function = ROW_WRITERS[backend]
    script = textwrap.dedent(f"""
        import os, sys, time, pandas as pd
        sys.path.insert(0, {str(ROOT)!r})
        from parks.store import open_store
        import {module} as target
        real = target.{function}
        def slow(*args, **kwargs):
            real(*args, **kwargs)
            print("WRITING", flush=True)
            time.sleep(60)  # killed here: rows written, transaction not committed
        target.{function} = slow
        store = open_store(os.environ["STORE_LOCATION"])
        frame = store.read_tables()["parks"]
        row = frame[frame["id"] == {PARK!r}].copy()
        row["note"] = "half"
        store.commit({{"parks": row}}, user="x", reason="killed")
    """)
    env = os.environ | {"STORE_LOCATION": str(store_location)}  # a DSN's password stays off argv
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env=env)
    try:
        assert child.stdout.readline().strip() == "WRITING"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
    time.sleep(0.2)
    store = open_store(store_location, data_dir=data_copy)
    try:
        assert _record(store, "parks", PARK)["note"] != "half"
        assert (store.audit()["reason"] != "killed").all()
        _save(store, _record(store, "parks", PARK) | {"note": "after the crash"})  # still usable
    finally:
        store.close()
