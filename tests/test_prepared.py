"""Tests for parks.model.prepared: a snapshot is read instead of validating again, and a stale,
partial, corrupted or foreign one is never used."""

from __future__ import annotations

import gc
import json
import weakref

import pyproj
import pytest
from geopandas.testing import assert_geodataframe_equal

from parks.config import DEFAULT_CONFIG
from parks.model import prepared
from parks.model.prepared import SnapshotKey, load_prepared, prepare, snapshot_root
from parks.model.validate import validation_context
from parks.store import open_store
from tests.records import DATA
from tests.stores import AIRPORT_ID, park_record


@pytest.fixture
def counted(monkeypatch):
    """Calls of the validating loader, counted."""
    calls = []
    real = prepared.load_dataset

    def load_dataset(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(prepared, "load_dataset", load_dataset)
    return calls


def _key(store, region="371700", data="d1"):
    return SnapshotKey(store.store_id(), store.version(), region, data)


def _prepare(store, root, data_copy, cache_dir, key=None):
    return prepare(root, key or _key(store), store.read_tables, data_dir=data_copy,
                   cache_dir=cache_dir)


def test_second_load_reads_the_snapshot_without_validating(gpkg_store, store_path, data_copy,
                                                            cache_dir, counted):
    root = snapshot_root(str(store_path), cache_dir)
    assert root == store_path.parent / "heze.gpkg.snapshot"
    first = _prepare(gpkg_store, root, data_copy, cache_dir)
    second = _prepare(gpkg_store, root, data_copy, cache_dir)
    assert len(counted) == 1
    for name in ("parks", "enterprises", "projects"):
        assert_geodataframe_equal(getattr(second, name), getattr(first, name))
        assert list(getattr(second, name).dtypes) == list(getattr(first, name).dtypes)
    assert second.as_of == first.as_of and second.region == first.region
    assert len(second.counties) == len(first.counties)


def test_an_edit_makes_a_new_snapshot_that_shows_it(gpkg_store, store_path, data_copy, cache_dir,
                                                   counted):
    root = snapshot_root(str(store_path), cache_dir)
    _prepare(gpkg_store, root, data_copy, cache_dir)
    gpkg_store.commit({"parks": park_record(gpkg_store, AIRPORT_ID, name_zh="改过的机场")},
                      user="lee", reason="test")
    edited = _prepare(gpkg_store, root, data_copy, cache_dir)
    assert len(counted) == 2
    assert edited.parks.set_index("id").loc[AIRPORT_ID, "name_zh"] == "改过的机场"
    again = load_prepared(root, _key(gpkg_store), data_dir=data_copy, cache_dir=cache_dir)
    assert again.parks.set_index("id").loc[AIRPORT_ID, "name_zh"] == "改过的机场"


@pytest.mark.parametrize("damage", ["bytes", "truncate", "manifest", "missing"])
def test_a_damaged_snapshot_is_ignored_and_rebuilt(gpkg_store, store_path, data_copy, cache_dir,
                                                   counted, damage):
    root = snapshot_root(str(store_path), cache_dir)
    key = _key(gpkg_store)
    _prepare(gpkg_store, root, data_copy, cache_dir)
    target = root / key.name / "enterprises.parquet"
    if damage == "bytes":
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "manifest":
        (root / key.name / "manifest.json").write_text("{not json")
    else:
        target.unlink()
    assert load_prepared(root, key, data_dir=data_copy, cache_dir=cache_dir) is None
    _prepare(gpkg_store, root, data_copy, cache_dir)
    assert len(counted) == 2  # rebuilt …
    assert load_prepared(root, key, data_dir=data_copy, cache_dir=cache_dir) is not None  # … whole


def test_a_snapshot_of_another_key_is_never_used(gpkg_store, store_path, data_copy, cache_dir,
                                                 counted):
    root = snapshot_root(str(store_path), cache_dir)
    key = _key(gpkg_store)
    _prepare(gpkg_store, root, data_copy, cache_dir)
    for other in (SnapshotKey("another-store", key.version, key.region, key.data),
                  SnapshotKey(key.store_id, key.version, key.region, "other-data"),
                  SnapshotKey(key.store_id, key.version, key.region, key.data, code="older")):
        assert load_prepared(root, other, data_dir=data_copy, cache_dir=cache_dir) is None
    # a snapshot copied under another key's folder name: its manifest says whose it is
    foreign = SnapshotKey("another-store", key.version, key.region, key.data)
    (root / key.name).rename(root / foreign.name)
    assert load_prepared(root, foreign, data_dir=data_copy, cache_dir=cache_dir) is None


def test_another_store_at_the_same_version_gets_its_own_snapshot(tmp_path, store_path, data_copy,
                                                                 cache_dir):
    other_path = tmp_path / "other" / "heze.gpkg"
    with (open_store(other_path, data_dir=data_copy) as other,
          open_store(store_path, data_dir=data_copy) as mine):
        assert other.store_id() != mine.store_id()
        assert other.version() == mine.version()
        root = tmp_path / "shared-root"  # as under one cache folder (PostGIS)
        _prepare(mine, root, data_copy, cache_dir)
        assert load_prepared(root, _key(other), data_dir=data_copy, cache_dir=cache_dir) is None


def test_a_store_that_moved_on_while_reading_writes_no_snapshot(gpkg_store, store_path, data_copy,
                                                                cache_dir):
    root = snapshot_root(str(store_path), cache_dir)
    key = _key(gpkg_store)
    prepare(root, key, gpkg_store.read_tables, data_dir=data_copy, cache_dir=cache_dir,
            still=lambda: False)
    assert not (root / key.name).exists()


def test_the_snapshot_is_written_whole_and_old_ones_pruned(gpkg_store, store_path, data_copy,
                                                          cache_dir):
    root = snapshot_root(str(store_path), cache_dir)
    ds = _prepare(gpkg_store, root, data_copy, cache_dir)
    other = SnapshotKey("another-store", 1, "371700", "d")  # a store sharing the folder (PostGIS)
    prepared.write_snapshot(root, other, {n: getattr(ds, n) for n in prepared.FRAMES})
    for n in range(prepared.KEEP + 2):
        ds = _prepare(gpkg_store, root, data_copy, cache_dir, _key(gpkg_store, data=f"d{n}"))
    kept = sorted(p.name for p in root.iterdir())
    assert len(kept) == prepared.KEEP + 1 and not any(name.startswith(".") for name in kept)
    assert other.name in kept
    manifest = json.loads((root / kept[-1] / "manifest.json").read_text())
    assert set(manifest["files"]) == {"parks", "enterprises", "projects"}


def test_a_database_store_keeps_its_snapshots_in_the_cache_folder(tmp_path):
    assert snapshot_root("postgresql://u@db/heze", tmp_path) == tmp_path / "prepared"


def test_every_store_says_its_id_and_a_reopened_store_the_same(store_location, data_copy):
    with open_store(store_location, data_dir=data_copy) as opened:
        first = opened.store_id()
    with open_store(store_location, data_dir=data_copy) as again:
        assert again.store_id() == first != ""


def test_a_kept_extra_is_read_only_for_its_key_code_and_checksum(gpkg_store, store_path,
                                                                  data_copy, cache_dir):
    root = snapshot_root(str(store_path), cache_dir)
    key = _key(gpkg_store)
    _prepare(gpkg_store, root, data_copy, cache_dir)
    assert prepared.write_extra(root, key, "map.json", b"derived", "code-1")
    assert prepared.read_extra(root, key, "map.json", "code-1") == b"derived"
    assert prepared.read_extra(root, key, "map.json", "code-2") is None  # other code: stale
    assert prepared.read_extra(root, key, "other.json", "code-1") is None
    kept = root / key.name / "extra" / "map.json"
    kept.write_bytes(b"damaged")
    assert prepared.read_extra(root, key, "map.json", "code-1") is None


def test_an_extra_of_another_data_version_is_never_used(gpkg_store, store_path, data_copy,
                                                         cache_dir):
    root = snapshot_root(str(store_path), cache_dir)
    old, new = _key(gpkg_store, data="d1"), _key(gpkg_store, data="d2")
    for key in (old, new):
        _prepare(gpkg_store, root, data_copy, cache_dir, key)
    assert prepared.write_extra(root, old, "map.json", b"old map", "c")
    assert prepared.read_extra(root, new, "map.json", "c") is None
    # the old version's file copied into the new one's folder: its sidecar says whose it is
    (root / old.name / "extra").rename(root / new.name / "extra")
    assert prepared.read_extra(root, new, "map.json", "c") is None


def test_an_extra_is_kept_only_beside_a_whole_snapshot_of_its_key(gpkg_store, store_path,
                                                                   data_copy, cache_dir):
    root = snapshot_root(str(store_path), cache_dir)
    key = _key(gpkg_store)
    assert not prepared.write_extra(root, key, "map.json", b"x", "c")
    assert not (root / key.name).exists()
    _prepare(gpkg_store, root, data_copy, cache_dir)
    (root / key.name / "manifest.json").write_text("{}")
    assert not prepared.write_extra(root, key, "map.json", b"x", "c")


def test_a_dataset_read_from_its_snapshot_is_freed_without_the_cycle_collector(
        gpkg_store, store_path, data_copy, cache_dir):
    # ui.warm_start freezes what the server has loaded when its imports end (gc.freeze), which
    # may include the first dataset: a reference cycle through it would then keep a dataset
    # replaced after an edit in memory for good
    root = snapshot_root(str(store_path), cache_dir)
    _prepare(gpkg_store, root, data_copy, cache_dir)
    ds = load_prepared(root, _key(gpkg_store), data_dir=data_copy, cache_dir=cache_dir)
    assert ds is not None and ds.as_of  # a cached property filled, as a page does
    assert len(ds.enterprises.geometry) and len(ds.parks.set_index("id"))
    gone = [weakref.ref(x) for x in (ds, ds.parks, ds.enterprises, ds.projects, ds.counties,
                                     ds.gazetteer, ds.enterprises.geometry.values)]
    was_on = gc.isenabled()
    gc.disable()
    try:
        del ds
        assert [ref() is None for ref in gone] == [True] * len(gone)
    finally:
        if was_on:
            gc.enable()


def test_a_snapshots_crs_is_read_by_its_epsg_code_and_otherwise_whole():
    wgs84 = pyproj.CRS.from_epsg(4326)
    as_written = json.dumps(wgs84.to_json_dict())  # geopandas writes PROJJSON, with its id
    assert prepared._crs(as_written) == wgs84
    assert prepared._crs(as_written) is prepared._crs(as_written)  # parsed once
    custom = pyproj.CRS.from_proj4("+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 "
                                   "+y_0=0 +ellps=GRS80 +units=m +no_defs")
    assert prepared._crs(json.dumps(custom.to_json_dict())) == custom  # no id: parsed whole
    assert prepared._crs("null") is None
    assert prepared._crs(json.dumps("OGC:CRS84")) == pyproj.CRS.from_user_input("OGC:CRS84")


def test_a_snapshot_is_assembled_with_its_own_regions_context_only(cache_dir):
    every = validation_context(DATA, cache_dir=cache_dir)
    assert set(every.regions) == {r.adcode for r in DEFAULT_CONFIG.regions}
    assert len(every.regions) > 1  # else the test below shows nothing
    one = validation_context(DATA, cache_dir=cache_dir, only="371700")
    assert set(one.regions) == {"371700"}
    assert one.regions["371700"].counties.equals(every.regions["371700"].counties)
