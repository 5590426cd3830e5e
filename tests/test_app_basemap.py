"""AppTest of the basemap picker: the offline OSM basemap is the default when its archive exists,
a damaged archive is named, and without one the picker says how to build it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP, login, private_store
from ui.loaders import BASEMAP_DIR, MAPS_DIR


@pytest.fixture
def archive(tiny_archive) -> Path:
    return tiny_archive


@pytest.fixture(autouse=True)
def store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return private_store(monkeypatch, tmp_path / "store")


def _map_page(monkeypatch: pytest.MonkeyPatch, basemap: Path, page: str = "") -> AppTest:
    monkeypatch.setenv("HEZE_BASEMAP", str(basemap))
    at = AppTest.from_file(APP, default_timeout=120).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _map_args(at: AppTest) -> str:
    """The map scripts the page handed to its map component, with those it served as files."""
    args = "".join(element.proto.json_args for element in at.get("component_instance"))
    shelved = dict.fromkeys(re.findall(r"/cache/maps/([0-9a-f]{64}\.js)", args))
    return args + "".join((MAPS_DIR / name).read_text(encoding="utf-8") for name in shelved)


def test_with_an_archive_the_osm_basemap_is_the_default(monkeypatch, archive):
    at = _map_page(monkeypatch, archive)
    picker = at.sidebar.selectbox(key="map_basemap__zh")
    assert picker.value == "osm_local" and picker.options[0] == "OpenStreetMap（离线）"
    assert "osm_vector_layer" in _map_args(at)
    assert not any("basemap build" in c.value for c in at.sidebar.caption)
    assert not at.warning


def test_without_an_archive_the_picker_says_how_to_add_one(monkeypatch, tmp_path):
    at = _map_page(monkeypatch, tmp_path / "none.pmtiles")
    picker = at.sidebar.selectbox(key="map_basemap__zh")
    assert picker.value == "offline" and "OpenStreetMap（离线）" not in picker.options
    assert "osm_vector_layer" not in _map_args(at)
    assert any("python -m parks basemap build" in c.value for c in at.sidebar.caption)


def test_a_damaged_archive_is_named_and_the_outlines_stay(monkeypatch, tmp_path):
    damaged = tmp_path / "damaged.pmtiles"
    damaged.write_bytes(b"PMTiles" + b"\0" * 20)  # cut short, as by a failed copy
    at = _map_page(monkeypatch, damaged)
    assert any("damaged.pmtiles" in w.value and "离线底图无法读取" in w.value for w in at.warning)
    assert at.sidebar.selectbox(key="map_basemap__zh").value == "offline"


def test_the_english_picker_names_it_too(monkeypatch, archive):
    at = _map_page(monkeypatch, archive)
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception, at.exception
    picker = at.sidebar.selectbox(key="map_basemap__en")
    assert picker.value == "osm_local" and picker.options[0] == "OpenStreetMap (offline)"


@pytest.mark.parametrize(("page", "picker", "value"), [
    ("app_pages/nearby.py", "nearby_park", "p-dongming-petrochem"),
    ("app_pages/park.py", "park_pick", "p-yuncheng-chem")])
def test_park_and_nearby_maps_run_on_the_osm_basemap(monkeypatch, archive, page, picker, value):
    at = _map_page(monkeypatch, archive, page)
    at.selectbox(key=picker).set_value(value).run()
    assert not at.exception, at.exception
    assert "osm_vector_layer" in _map_args(at) and "/app/static/cache/basemap/osm-" in _map_args(at)


def test_the_edit_page_offers_the_osm_basemap_to_trace_on(monkeypatch, archive):
    at = login(_map_page(monkeypatch, archive))
    at.switch_page("app_pages/edit.py").run()
    at.radio(key="edit_table__zh").set_value("parks").run()
    at.selectbox(key="edit_record__zh").set_value("p-yuncheng-chem").run()
    at.segmented_control(key="edit_section").set_value("location").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="edit_basemap__zh").value == "osm_local"
    assert "osm_vector_layer" in _map_args(at)


def test_a_publication_removed_under_the_server_is_made_again(monkeypatch, archive):
    at = _map_page(monkeypatch, archive)
    served = list(BASEMAP_DIR.glob("osm-*.pmtiles"))
    assert served
    for path in served:
        path.unlink()  # as when static/cache is cleared while the app runs
    at.run()
    assert not at.exception, at.exception
    assert [p.name for p in BASEMAP_DIR.glob("osm-*.pmtiles")] == [p.name for p in served]
