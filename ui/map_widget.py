"""Showing a folium map through st_folium without reruns on pan or zoom."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import folium
import streamlit_folium as sf
from streamlit_folium import st_folium

from geo.assets import walk


def show_map(fmap: folium.Map, *, key: str, height: int = 700,
             returned_objects: list[str] | None = None,
             update: folium.FeatureGroup | None = None) -> dict | None:
    """Render the map; by default nothing is returned, so panning and zooming never rerun the
    page (the proximity page asks for last_clicked only: a click is a deliberate choice).

    `update` runs inside the map already shown (parks.display.records_map): while `fmap` stays the same,
    a filter change costs a small script instead of a new map."""
    return st_folium(fmap, key=key, height=height, use_container_width=True,
                     returned_objects=returned_objects or [], feature_group_to_add=update)


@dataclass(frozen=True)
class PreparedMap:
    """A map as st_folium sends it (script, header, html, links), prepared once and reused:
    for 100,000 points st_folium's own preparation costs ~0.3 s on every rerun."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    script_hash: str


def prepare_map(fmap: folium.Map, key: str) -> PreparedMap:
    """What st_folium(fmap, key=key) would compute (streamlit-folium 0.27's own steps)."""
    fmap.get_root().render()
    fmap.render()
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    css, js = [], []
    for element in walk(fmap):
        css += [href for _, href in getattr(element, "default_css", [])]
        js += [src for _, src in getattr(element, "default_js", [])]
    return PreparedMap(script, header, html, sf.get_full_id(fmap), tuple(dict.fromkeys(css)),
                       tuple(dict.fromkeys(js)), sf.generate_js_hash(script, key, return_on_hover=False))


@dataclass(frozen=True)
class Shelf:
    """A folder Streamlit serves (`url`), where prepared map scripts are written as files."""

    folder: Path
    url: str
    keep: int = 32  # newest files kept: more than the prepared maps cached at once


# Runs in the map's frame in place of the script: the script file (loaded before it, like
# Leaflet) left the text in window.__hzMaps; a script element runs it as st_folium would.
_RUN_SHELVED = ("(function () {{ const s = document.createElement('script'); "
                "s.text = window.__hzMaps[{name}]; delete window.__hzMaps[{name}]; "
                "document.body.appendChild(s); }})();")


def shelve(prepared: PreparedMap, shelf: Shelf) -> tuple[str, list[str]]:
    """The script and links to send for `prepared`, its script being served from `shelf`.

    st_folium runs the script only when its frame has no map yet, but Streamlit sends every
    argument on every rerun: 0.4 MB per filter change at 10k. A file is fetched once per frame
    and cached by the browser (17 KB per filter change instead of 475 KB, measured)."""
    name = f"{prepared.script_hash}.js"
    path = shelf.folder / name
    try:
        os.utime(path)  # in use: the prune keeps the newest
    except FileNotFoundError:  # new, or pruned or cleaned away meanwhile: checked every run
        _write_script(path, prepared)
        _prune(shelf)
    stub = _RUN_SHELVED.format(name=json.dumps(prepared.script_hash))
    return stub, [*prepared.js_links, f"{shelf.url}/{name}"]


def _write_script(path: Path, prepared: PreparedMap) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (f"(window.__hzMaps = window.__hzMaps || {{}})[{json.dumps(prepared.script_hash)}] = "
            f"{json.dumps(prepared.script)};\n")
    # sessions are threads of one process: two may write the same map at once
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # a browser never reads half a file
    finally:
        tmp.unlink(missing_ok=True)


def _prune(shelf: Shelf) -> None:
    files = sorted(shelf.folder.glob("*.js"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[shelf.keep:]:
        old.unlink(missing_ok=True)


def show_prepared(prepared: PreparedMap, *, height: int = 700,
                  update: folium.FeatureGroup | None = None, shelf: Shelf | None = None) -> None:
    """Show a prepared map with this run's `update`; nothing is returned (no rerun on pan).
    With a `shelf`, the map's script goes there as a file instead of into every rerun."""
    script, js_links = (prepared.script, list(prepared.js_links))
    if shelf is not None:
        script, js_links = shelve(prepared, shelf)
    group = None
    if update is not None:  # rendered into a stand-in map: its id becomes st_folium's "map_div"
        group = sf._get_feature_group_string(update, map=folium.Map(tiles=None))
    sf._component_func(
        script=script, header=prepared.header, html=prepared.html, id=prepared.map_id,
        key=prepared.script_hash, height=height, width=None, returned_objects=[], default={},
        zoom=None, center=None, feature_group=group, return_on_hover=False, layer_control=None,
        pixelated=False, css_links=list(prepared.css_links), js_links=js_links,
        wrap_longitude=False)
