"""A store replaced, deleted or put back under a running app refuses to save (both backends);
backup, check, restore and rebuild keep what they replace and never lose an edit (issue 19, 1)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from parks.store import open_store
from parks.store.base import StoreError
from parks.store.upkeep import backup, check, rebuild, restore
from tests.stores import AIRPORT_ID


def _edit(store, note: str):
    parks = store.read_tables()["parks"]
    row = parks[parks["id"] == AIRPORT_ID].copy()
    row["note"] = note
    return store.commit({"parks": row.reset_index(drop=True)}, user="编辑", reason="test")


def _note(location, data_dir: Path) -> str:
    with open_store(location, data_dir=data_dir) as store:
        parks = store.read_tables()["parks"]
    return parks.set_index("id").loc[AIRPORT_ID, "note"]


def test_a_deleted_store_file_refuses_the_next_save_and_says_so(gpkg_store, store_path):
    _edit(gpkg_store, "before")
    store_path.unlink()
    with pytest.raises(StoreError) as error:
        _edit(gpkg_store, "into a deleted file")
    assert "deleted" in str(error.value) and "Nothing was saved" in str(error.value)
    assert "存储文件已被删除" in error.value.said("zh")
    assert "move it away" not in str(error.value)


def test_a_replaced_or_older_store_refuses_the_next_save(gpkg_store, store_path, data_copy,
                                                         tmp_path):
    other = tmp_path / "other.gpkg"
    open_store(other, data_dir=data_copy).close()  # another store, same records
    shutil.move(other, store_path)  # mv: another file at the path
    with pytest.raises(StoreError, match="another store is there now"):
        _edit(gpkg_store, "lost?")


def test_a_store_put_back_to_an_older_copy_refuses_the_next_save(store_path, data_copy, tmp_path):
    running = open_store(store_path, data_dir=data_copy)
    try:
        old = backup(store_path, tmp_path / "old.gpkg")
        start = running.version()
        _edit(running, "v1")  # the app's own edit: one version on
        with closing(sqlite3.connect(store_path)) as conn, closing(sqlite3.connect(old)) as src:
            src.backup(conn)  # an older copy written into the same file, through SQLite
        with pytest.raises(StoreError, match=f"went back from version {start + 1} to {start}"):
            _edit(running, "v2")
    finally:
        running.close()


def test_backup_while_running_check_and_restore_keep_every_edit(gpkg_store, store_path,
                                                                data_copy, tmp_path):
    result = _edit(gpkg_store, "edited before the backup")
    copy = backup(store_path)
    assert copy.parent == store_path.parent / "backups" and copy.suffix == ".gpkg"
    found = check(copy)
    assert found.ok and found.version == result.version and found.records["parks"] > 0
    assert "371700" in found.regions
    _edit(gpkg_store, "edited after the backup")
    kept, _ = restore(copy, store_path)
    assert _note(store_path, data_copy) == "edited before the backup"
    assert _note(kept, data_copy) == "edited after the backup"  # the replaced store is kept
    with pytest.raises(StoreError, match="changed underneath"):  # the running app was told
        _edit(gpkg_store, "after the restore")


def test_restore_refuses_a_damaged_foreign_or_newer_backup(gpkg_store, store_path, tmp_path):
    damaged = tmp_path / "damaged.gpkg"
    damaged.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)
    with pytest.raises(StoreError, match="cannot be restored"):
        restore(damaged, store_path)
    copy = backup(store_path, tmp_path / "copy.gpkg")
    with closing(sqlite3.connect(copy)) as conn:  # a synthetic store of another city only
        for table in ("parks", "enterprises", "projects"):
            conn.execute(f"UPDATE {table} SET region_adcode = '999900'")
        conn.commit()
    with pytest.raises(StoreError, match="region 999900, not 370800, 371700"):
        restore(copy, store_path)
    newer = backup(store_path, tmp_path / "newer.gpkg")
    with closing(sqlite3.connect(newer)) as conn:
        conn.execute("ALTER TABLE parks ADD COLUMN from_the_future TEXT")
        conn.commit()
    with pytest.raises(StoreError, match="from_the_future"):
        restore(newer, store_path)
    assert check(store_path).ok  # the store itself untouched by the refusals


def test_an_unusable_store_is_left_alone_and_rebuild_keeps_a_backup(store_path, data_copy):
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"my thesis, not a store")
    with pytest.raises(StoreError) as error:
        open_store(store_path, data_dir=data_copy)
    assert "store check" in str(error.value) and "move it away" not in str(error.value)
    assert store_path.read_bytes() == b"my thesis, not a store"  # never built over
    kept = rebuild(store_path, data_copy)
    assert kept is not None and kept.read_bytes() == b"my thesis, not a store"
    assert check(store_path).ok and check(store_path).records["parks"] > 0


def test_cli_check_backup_restore_and_postgis_refusal(gpkg_store, store_path, tmp_path, capsys):
    from parks.__main__ import main

    assert main(["store", "check", "--store", str(store_path)]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said["ok"] and said["records"]["parks"] > 0
    target = tmp_path / "b.gpkg"
    assert main(["store", "backup", str(target), "--store", str(store_path)]) == 0
    assert target.is_file() and check(target).ok
    assert main(["store", "restore", str(target), "--store", str(store_path)]) == 0
    assert "running apps refuse to save" in capsys.readouterr().out
    assert main(["store", "backup", "--store", "postgresql://u:p@localhost/db"]) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert main(["store", "check", "--store", str(tmp_path / "none.gpkg")]) == 1
    assert not (tmp_path / "none.gpkg").exists()  # check never creates a store


@pytest.mark.parametrize("backend", ["pg"])
def test_a_postgis_store_made_again_underneath_refuses_the_next_save(store_location, data_copy):
    from parks.store.postgis import PostGISStore

    running = open_store(store_location, data_dir=data_copy)
    try:
        _edit(running, "v1")
        with running._session() as conn:  # an administrator drops and re-creates the store
            conn.execute(f"DROP SCHEMA {running.schema} CASCADE")
        open_store(store_location, data_dir=data_copy).close()
        assert isinstance(running, PostGISStore)
        with pytest.raises(StoreError, match="another store is there now"):
            _edit(running, "v2")
    finally:
        running.close()


def test_the_import_page_says_a_refused_save_instead_of_a_traceback(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui import loaders

    class Refusing:
        def commit(self, *args, **kwargs):
            raise StoreError("The store was changed underneath the running app",
                             "存储已被另一份替换。本次未保存任何内容。")

    monkeypatch.setattr(loaders, "store", lambda: Refusing())
    monkeypatch.setattr(loaders, "validation_ctx", lambda: None)

    def page():
        import pandas as pd

        from parks.files.importing import ImportPreview
        from ui.import_review import commit_import

        preview = ImportPreview("enterprises", pd.DataFrame(), pd.DataFrame(), ())
        commit_import(preview, user="lee", filename="f.csv", language="zh")

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["存储已被另一份替换。本次未保存任何内容。"]
