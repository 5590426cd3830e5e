"""Tests for ui.derived and its use in ui.loaders: the map page's prepared map and the memberships
are kept beside the snapshot, read on a restart instead of derived again, and never read for
another data version or code."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from streamlit.testing.v1 import AppTest

from parks.model.prepared import FRAMES, SnapshotKey, write_snapshot
from parks.store import open_store
from tests.apptest import private_world, restarted, shown
from tests.stores import AIRPORT_ID, park_record
from ui import derived, loaders
from ui.derived import Place, kept_frame, kept_map
from ui.map_widget import PreparedMap

MAP = PreparedMap("script", "header", "<div></div>", "map_1", ("a.css",), ("a.js", "b.js"), "h")


@pytest.fixture
def place(tmp_path, heze) -> Place:
    """A whole snapshot of the Heze records (key version 1) to keep things beside."""
    key = SnapshotKey("store", 1, "371700", "d", code="c")
    write_snapshot(tmp_path, key, {name: getattr(heze, name) for name in FRAMES})
    return Place(tmp_path, key)


def _counted(calls: list, made: object):
    return lambda: calls.append(1) or made


def test_a_kept_map_is_read_back_whole_instead_of_built(place):
    calls: list = []
    assert kept_map(place, ("look", "key"), _counted(calls, MAP)) == MAP
    assert kept_map(place, ("look", "key"), _counted(calls, None)) == MAP
    assert len(calls) == 1
    assert kept_map(place, ("other look", "key"), _counted(calls, MAP)) == MAP
    assert len(calls) == 2  # another look is another map


def test_a_kept_map_of_another_version_or_code_is_not_used(place, monkeypatch):
    calls: list = []
    kept_map(place, "look", _counted(calls, MAP))
    newer = Place(place.root, SnapshotKey("store", 2, "371700", "d", code="c"))
    (place.root / place.key.name).rename(place.root / newer.key.name)  # the old files, new name
    rebuilt = PreparedMap("new", "", "", "m", (), (), "n")
    assert kept_map(newer, "look", _counted(calls, rebuilt)) == rebuilt
    monkeypatch.setattr(derived, "_code", lambda: "changed code")
    assert kept_map(newer, "look", _counted(calls, MAP)) == MAP
    assert len(calls) == 3


def test_nothing_is_kept_without_a_place(tmp_path):
    calls: list = []
    for _ in range(2):
        assert kept_map(None, "look", _counted(calls, MAP)) == MAP
    assert len(calls) == 2 and not any(tmp_path.iterdir())


def test_a_kept_frame_keeps_its_dtypes_and_index(place):
    frame = pd.DataFrame({"id": ["e1", "e2"], "n": [1, 2], "name": ["甲", "乙"]}, index=[5, 7])
    frame = frame.astype({"id": object, "name": "str"})
    calls: list = []
    kept_frame(place, "members", _counted(calls, frame))
    again = kept_frame(place, "members", _counted(calls, None))
    assert len(calls) == 1
    assert_frame_equal(again, frame)


def _page() -> None:
    import streamlit as st

    from parks.display.map_look import MapLook
    from tests.stores import AIRPORT_ID
    from ui import loaders

    loaded = loaders.dataset("371700")
    loaders.show_base_map(loaded, MapLook(), update=None, key="m")
    inside = loaders.inside(loaded)
    st.write(inside.names[AIRPORT_ID] + f" {len(inside.records)}")


def _restart() -> AppTest:
    return restarted(_page)


@pytest.fixture
def counted(monkeypatch, tmp_path, data_copy, cache_dir):
    """A private store; calls of the map builder and the membership steps counted."""
    path = private_world(monkeypatch, tmp_path / "store", data_copy, cache_dir)
    calls: dict[str, int] = {}
    for name in ("base_map", "members", "park_members"):
        real = getattr(loaders, name)

        def wrapper(*args, _real=real, _name=name, **kwargs):
            calls[_name] = calls.get(_name, 0) + 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(loaders, name, wrapper)
    return path, calls


def test_a_restart_reads_the_map_and_memberships_kept_with_the_snapshot(counted):
    path, calls = counted
    first = shown(_restart())
    assert calls == {"base_map": 1, "members": 1, "park_members": 1}
    assert shown(_restart()) == first
    assert calls == {"base_map": 1, "members": 1, "park_members": 1}  # read, not derived
    with open_store(path) as store:
        store.commit({"parks": park_record(store, AIRPORT_ID, name_zh="改过的机场")}, user="lee",
                     reason="test")
    assert shown(_restart()).startswith("改过的机场")  # a new version: derived again
    assert calls == {"base_map": 2, "members": 2, "park_members": 2}
