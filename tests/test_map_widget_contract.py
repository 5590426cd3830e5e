"""ui.map_widget against the installed streamlit-folium: the private names and component arguments
the fast path relies on, the pinned version, and the plain st_folium fallback when they differ."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import folium
import pytest
import streamlit_folium as sf
from streamlit.testing.v1 import AppTest

import ui.map_widget as mw
from tests.apptest import APP, private_store

ROOT = Path(__file__).resolve().parent.parent
RERUN_HINT = ("re-check ui/map_widget.py against streamlit_folium/__init__.py (st_folium's own "
              "call of _component_func), then update PRIVATE_NAMES, component_args and "
              "VERIFIED_VERSION")


def _pinned() -> str:
    pins = dict(line.split("==", 1) for line in
                (ROOT / "requirements.txt").read_text(encoding="utf-8").split() if "==" in line)
    return pins["streamlit-folium"]


def test_the_installed_streamlit_folium_is_the_verified_one():
    assert _pinned() == mw.VERIFIED_VERSION, (
        f"requirements.txt pins streamlit-folium {_pinned()} but the fast path was verified "
        f"against {mw.VERIFIED_VERSION}: {RERUN_HINT}")
    assert mw.installed_version() == mw.VERIFIED_VERSION, (
        f"streamlit-folium {mw.installed_version()} is installed, the fast path was verified "
        f"against {mw.VERIFIED_VERSION}: {RERUN_HINT}")


def test_every_private_name_the_fast_path_uses_exists():
    gone = [name for name in mw.PRIVATE_NAMES if not hasattr(sf, name)]
    assert not gone, f"streamlit_folium no longer has {gone}: {RERUN_HINT}"


def test_the_component_gets_the_keywords_st_folium_sends():
    sent = mw.st_folium_keywords()
    assert sent is not None, "st_folium's call of _component_func was not found in its source"
    assert sent - {"on_change"} == mw.COMPONENT_KEYWORDS, (
        f"st_folium sends {sorted(sent - mw.COMPONENT_KEYWORDS - {'on_change'})} that the fast "
        f"path does not, and not {sorted(mw.COMPONENT_KEYWORDS - sent)} that it does: {RERUN_HINT}")
    assert mw.fast_path_problems() == [] and mw.fast_path_ready()


def test_the_module_uses_no_streamlit_folium_name_left_out_of_the_list():
    tree = ast.parse((ROOT / "ui" / "map_widget.py").read_text(encoding="utf-8"))
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id == "sf"}
    assert used - {"st_folium"} <= set(mw.PRIVATE_NAMES), used - set(mw.PRIVATE_NAMES)


def _map() -> tuple[folium.Map, folium.FeatureGroup]:
    fmap = folium.Map(location=[35.2, 115.5], zoom_start=8, tiles=None)
    folium.Marker([35.25, 115.44], tooltip="牡丹区").add_to(fmap)
    update = folium.FeatureGroup(name="filters", control=False)
    folium.CircleMarker([35.3, 115.6], radius=4).add_to(update)
    return fmap, update


def _ids_out(value: object) -> object:
    """folium's random element ids removed: two builds of one map compare equal."""
    return re.sub(r"_[0-9a-f]{32}", "_ID", value) if isinstance(value, str) else value


def test_the_fast_path_sends_what_st_folium_sends_for_the_same_map(monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(sf, "_component_func", lambda **kwargs: calls.append(kwargs))
    fmap, update = _map()
    sf.st_folium(fmap, key="k", returned_objects=[], use_container_width=True,
                 feature_group_to_add=update)
    fmap, update = _map()
    mw.show_prepared(mw.prepare_map(fmap, "k"), update=mw.MapUpdate(lambda: update))
    theirs, ours = ({k: _ids_out(v) for k, v in call.items() if k != "on_change"} for call in calls)
    assert theirs.keys() == ours.keys()
    differ = sorted(k for k in theirs if theirs[k] != ours[k])
    assert not differ, f"the fast path sends other values for {differ}: {RERUN_HINT}"


def test_a_changed_protocol_is_named_and_turns_the_fast_path_off(monkeypatch):
    def newer_st_folium(fig, key=None):
        return sf._component_func(script="", header="", html="", id="", key=key, height=700,
                                  width=None, returned_objects=[], default={}, zoom=None,
                                  center=None, feature_groups=None, return_on_hover=False)

    monkeypatch.setattr(sf, "st_folium", newer_st_folium)
    monkeypatch.delattr(sf, "_get_header")
    problems = mw.fast_path_problems()
    assert any("_get_header" in p for p in problems)
    assert any("'feature_groups'" in p for p in problems)  # sent by st_folium, not by us
    assert any("'css_links'" in p and "'feature_group'" in p for p in problems)  # gone
    mw.fast_path_ready.cache_clear()
    try:
        assert not mw.fast_path_ready()
    finally:
        mw.fast_path_ready.cache_clear()


def _map_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    private_store(monkeypatch, tmp_path / "store")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _maps(at: AppTest) -> list:
    return [e for e in at.get("component_instance")
            if e.proto.component_name == "streamlit_folium.st_folium"]


def test_without_the_fast_path_the_map_page_shows_plain_st_folium(monkeypatch, tmp_path):
    fast: list[object] = []
    monkeypatch.setattr(mw, "fast_path_ready", lambda: False)
    monkeypatch.setattr(mw, "show_prepared", lambda *a, **k: fast.append(a))
    plain: list[object] = []
    real_st_folium = mw.st_folium
    monkeypatch.setattr(mw, "st_folium",
                        lambda fmap, **k: plain.append(k) or real_st_folium(fmap, **k))
    at = _map_page(monkeypatch, tmp_path)
    assert not fast and len(plain) == 1 and len(_maps(at)) == 1
    assert plain[0]["feature_group_to_add"] is not None and plain[0]["returned_objects"] == []
    assert not at.error


def test_with_the_fast_path_the_map_page_sends_the_prepared_map(monkeypatch, tmp_path):
    plain: list[object] = []
    monkeypatch.setattr(mw, "st_folium", lambda *a, **k: plain.append(a))
    at = _map_page(monkeypatch, tmp_path)
    assert not plain and len(_maps(at)) == 1
