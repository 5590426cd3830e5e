"""Tests for ui.loaders.dataset and Serving: a restart reads the prepared snapshot instead of
validating, an edit shows after its rebuild, and the old data serves while it runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from parks.model import prepared
from parks.model.prepared import SnapshotKey
from parks.store import open_store
from tests.apptest import private_world, restarted, shown
from tests.stores import AIRPORT_ID, park_record
from ui import loaders, serving


def _page() -> None:
    import streamlit as st

    from ui import loaders

    loaded = loaders.dataset("371700")
    if loaded is not None:
        st.write(loaded.parks.set_index("id").loc["p-heze-airport", "name_zh"])


@pytest.fixture
def world(monkeypatch, tmp_path, data_copy, cache_dir):
    """A private store and data folder; calls of the validating loader counted."""
    path = private_world(monkeypatch, tmp_path / "store", data_copy, cache_dir)
    calls = []
    real = prepared.load_dataset
    monkeypatch.setattr(prepared, "load_dataset", lambda *a, **k: calls.append(a) or real(*a, **k))
    return path, calls


def _restart() -> AppTest:
    return restarted(_page)


def _edit(path: Path, name: str) -> None:
    with open_store(path) as store:
        store.commit({"parks": park_record(store, AIRPORT_ID, name_zh=name)}, user="lee",
                     reason="test")


def test_a_restart_reads_the_snapshot_and_does_not_validate(world):
    path, calls = world
    first = shown(_restart())
    assert len(calls) == 1
    assert any((path.parent / "heze.gpkg.snapshot").iterdir())
    assert shown(_restart()) == first
    assert len(calls) == 1  # the second start read the snapshot


def test_an_edit_shows_on_the_next_load(world):
    path, calls = world
    at = _restart()
    shown(at)
    _edit(path, "改过的机场")
    assert shown(at) == "改过的机场"
    assert shown(_restart()) == "改过的机场" and len(calls) == 2  # the restart reads it too


def _map_page() -> None:
    import folium
    import streamlit as st

    from parks.display.map_look import MapLook
    from tests.stores import AIRPORT_ID
    from ui import loaders
    from ui.map_widget import MapUpdate

    loaded = loaders.dataset("371700")
    made = st.session_state.setdefault("made", [])  # what each update was made from

    def make() -> folium.FeatureGroup:
        made.append(loaded.parks.set_index("id").loc[AIRPORT_ID, "name_zh"])
        return folium.FeatureGroup(name="filters", control=False)

    loaders.show_base_map(loaded, MapLook(), update=MapUpdate(make, key="default view"), key="m")


def test_the_maps_update_is_kept_for_the_data_served_and_made_again_after_an_edit(world):
    path, _ = world
    at = restarted(_map_page)
    for _ in range(2):
        at.run()
        assert not at.exception, at.exception
    assert len(at.session_state["made"]) == 1  # the rerun sent the kept one
    _edit(path, "改过的机场")
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["made"][1:] == ["改过的机场"]  # the new data's, not the old kept


def test_the_old_data_serves_while_the_new_snapshot_is_built(world, monkeypatch):
    path, _ = world
    monkeypatch.setattr(serving, "BACKGROUND_FROM", 0)
    monkeypatch.setattr(serving, "REBUILD_WAIT_S", 0.0)
    gate = threading.Event()
    real = prepared.load_dataset
    monkeypatch.setattr(prepared, "load_dataset", lambda *a, **k: gate.wait(60) and real(*a, **k))
    at = _restart()
    gate.set()
    old = shown(at)
    gate.clear()
    _edit(path, "改过的机场")
    assert shown(at) == old  # the rebuild waits at the gate: the old data serves …
    assert any("正在准备新版本" in c.value for c in at.caption)
    assert shown(at) == old
    gate.set()
    for _ in range(100):  # … until the new one is whole
        if shown(at) == "改过的机场":
            break
        threading.Event().wait(0.1)
    assert shown(at) == "改过的机场" and not at.caption


def _key(store_id: str = "s1", version: int = 1) -> SnapshotKey:
    return SnapshotKey(store_id, version, "371700", "d", code="c")


def test_a_failed_rebuild_is_raised_and_tried_again():
    shared, built = serving.Serving(), []

    def broken():
        built.append(1)
        raise ValueError("bad")

    for _ in range(2):
        with pytest.raises(ValueError, match="bad"):
            shared.dataset("slot", _key(), broken, None)
    assert len(built) == 2 and shared.get("slot") is None


def test_another_stores_data_is_never_served_meanwhile(heze):
    shared, gate = serving.Serving(), threading.Event()
    shared.dataset("slot", _key("s1"), lambda: heze, None)

    def slow():
        gate.wait(60)
        return heze

    threading.Timer(0.3, gate.set).start()
    got, updating = shared.dataset("slot", _key("s2"), slow, 0.0)  # waits despite the 0 s
    assert got is heze and not updating and gate.is_set()


def test_a_prefetch_starts_the_first_load_once_and_the_page_waits_for_it(heze):
    shared, gate, built = serving.Serving(), threading.Event(), []

    def slow():
        built.append(1)
        gate.wait(60)
        return heze

    shared.start("slot", _key(), slow)
    shared.start("slot", _key(), slow)  # already being prepared: not started twice
    threading.Timer(0.3, gate.set).start()
    assert shared.dataset("slot", _key(), slow, None) == (heze, False)
    shared.start("slot", _key(), slow)  # served: nothing to start
    assert len(built) == 1


def test_the_app_prefetches_the_data_on_a_servers_first_run(world, monkeypatch):
    _, calls = world
    started = []
    real = serving.Serving.start
    monkeypatch.setattr(serving.Serving, "start", lambda *a: started.append(a[1]) or real(*a))
    at = AppTest.from_file(str(Path(loaders.__file__).parent.parent / "app.py"),
                           default_timeout=120)
    st.cache_resource.clear()
    at.run()
    assert not at.exception, at.exception
    at.run()  # served now: no second prefetch
    assert len(started) == 1 and started[0].startswith("371700:") and len(calls) == 1


def _problems_page() -> None:
    import streamlit as st

    from ui import loaders

    loaded = loaders.dataset("371700")
    st.write(f"{len(loaders.data_problems(loaded))} problems")


def _problems_page_without_the_dataset() -> None:
    import streamlit as st

    from ui import loaders

    st.write(f"{len(loaders.data_problems())} problems")


def test_failing_rows_are_not_looked_for_again_in_the_data_being_served(world, monkeypatch):
    checked = []
    real = loaders.check_data
    monkeypatch.setattr(loaders, "check_data", lambda *a, **k: checked.append(1) or real(*a, **k))
    # served for this version: it passed every check, so the store is not read again
    assert shown(restarted(_problems_page)) == "0 problems"
    assert checked == []
    assert shown(AppTest.from_function(_problems_page_without_the_dataset)) == "0 problems"
    assert checked == [1]


def test_the_server_takes_arrow_buffers_from_the_system_allocator():
    import pyarrow as pa

    # ui.serving, imported first as the server starts, chose it: Arrow's own pool kept freed
    # buffers (0.2 GB at 1M records)
    assert serving is not None and pa.default_memory_pool().backend_name == "system"
