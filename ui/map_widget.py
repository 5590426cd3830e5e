"""The one door to streamlit-folium: every map the app shows goes through this module.

Two ways in: plain `st_folium` (public), and the map page's fast path, which sends a map
prepared once straight to st_folium's component (private names of streamlit-folium, listed in
PRIVATE_NAMES, verified against VERIFIED_VERSION). When those names or the component's arguments
differ from what this module sends, the map page falls back to plain st_folium instead of a
blank map; when the vendored Leaflet files are missing, every map says so instead.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import inspect
import json
import os
import textwrap
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import folium
import streamlit as st

from geo import assets, vendor
from ui.http_cache import gzipped, write_gzipped, write_whole
from ui.i18n import t

VERIFIED_VERSION = "0.27.4"  # the pin in requirements.txt; the fast path was checked against it


def _sf() -> ModuleType:
    """streamlit_folium, imported at first use: it registers its component with the server only
    when a script run imports it, and ui.warm_start imports this module before any run."""
    import streamlit_folium

    return streamlit_folium


def st_folium(fmap: folium.Map, **keywords: object) -> dict | None:
    """streamlit_folium.st_folium (see _sf)."""
    return _sf().st_folium(fmap, **keywords)


# streamlit-folium names the fast path uses that st_folium's documentation does not promise
# (get_full_id and generate_js_hash are public names but undocumented)
PRIVATE_NAMES = ("_component_func", "_get_html", "_get_header", "_get_map_string",
                 "_get_feature_group_string", "get_full_id", "generate_js_hash")
# where the page serves the vendored Leaflet files from (ui.loaders.asset_base_url); tests
# point it at an empty folder
VENDOR_DIR = vendor.DEFAULT_DEST


@dataclass(frozen=True)
class MapInput:
    """What a person did on a map, as st_folium returns it: a click, the Draw layer's shapes."""

    clicked: tuple[float, float] | None = None
    """The last click as (lon, lat) in the basemap's datum."""
    drawings: Sequence[Mapping] | None = None
    """GeoJSON features of the Draw layer; None when the map did not send them."""

    @classmethod
    def from_st_folium(cls, returned: Mapping | None) -> MapInput:
        """Read st_folium's return value ({"last_clicked": {lat, lng}, "all_drawings": [...]})."""
        returned = returned or {}
        click = returned.get("last_clicked")
        clicked = (float(click["lng"]), float(click["lat"])) if click else None
        return cls(clicked, returned.get("all_drawings"))


_COMPLETE: set[Path] = set()  # vendor folders found complete: not checked again on every rerun


def missing_assets() -> list[str]:
    """Files of the vendored Leaflet packages absent from VENDOR_DIR (geo.vendor.missing).

    A folder found complete is remembered for the process: set-up does not remove files from
    under a running app, and the check would otherwise stat every file on each rerun."""
    if VENDOR_DIR in _COMPLETE:
        return []
    absent = vendor.missing(VENDOR_DIR)
    if not absent:
        _COMPLETE.add(VENDOR_DIR)
    return absent


def linked_away(folder: Path) -> Path | None:
    """Where `folder` leads when it is a symbolic link out of the folder Streamlit serves it
    from, else None. Streamlit answers 400 for every file through such a link (measured), so
    the map would stay an empty frame with its files all present."""
    target = folder.resolve()
    return None if target.is_relative_to(folder.parent.resolve()) else target


def assets_servable() -> bool:
    """True when the vendored files are all there and Streamlit will serve them (no message)."""
    return linked_away(VENDOR_DIR) is None and not missing_assets()


def assets_ready() -> bool:
    """True when maps can load; otherwise an error on the page names what is missing and how to
    fetch it (a map without its Leaflet files is an empty space and no message)."""
    if (target := linked_away(VENDOR_DIR)) is not None:
        st.error(t("map_assets_linked").format(dir=VENDOR_DIR, target=target))
        return False
    absent = missing_assets()
    if absent:
        first = sorted(absent, key=lambda entry: (entry != assets.LEAFLET_JS, entry))
        shown = ", ".join(first[:3]) + (" …" if len(absent) > 3 else "")
        st.error(t("map_assets_missing").format(n=len(absent), dir=VENDOR_DIR, files=shown))
    return not absent


def show_map(fmap: folium.Map, *, key: str, height: int = 700,
             returned_objects: list[str] | None = None,
             update: folium.FeatureGroup | None = None) -> dict | None:
    """Render the map; by default nothing is returned, so panning and zooming never rerun the
    page (the proximity page asks for last_clicked only: a click is a deliberate choice).

    `update` runs inside the map already shown (parks.display.records_map): while `fmap` stays
    the same, a filter change costs a small script instead of a new map."""
    if not assets_ready():
        return None
    return st_folium(fmap, key=key, height=height, use_container_width=True,
                     returned_objects=returned_objects or [], feature_group_to_add=update)


@dataclass(frozen=True)
class MapUpdate:
    """What a rerun changes inside the map shown (parks.display.records_map.filter_update),
    made only when it is needed: under a `key` (what it is a function of; None: never kept) its
    script is rendered once for the process, and every session sends that one."""

    make: Callable[[], folium.FeatureGroup]
    key: Hashable | None = None


KEPT_UPDATES = 16  # scripts of the last updates, for every session (≤ 0.2 MB each at 100k)


def update_script(update: MapUpdate) -> str:
    """The update's script as st_folium's component runs it. A new session's first map shows
    the default view, whose update is the same for every session of a data version: kept, it
    costs no filtering and no rendering (0.1 s per run at 100k enterprises, measured)."""
    return _rendered(update) if update.key is None else _kept_script(update.key, update)


@st.cache_resource(show_spinner=False, max_entries=KEPT_UPDATES)
def _kept_script(key: Hashable, _update: MapUpdate) -> str:
    """The script of the update kept under `key`, for the server (gone with its caches)."""
    return _rendered(_update)


def _rendered(update: MapUpdate) -> str:
    """The update made and rendered into a stand-in map (its id becomes st_folium's map_div)."""
    return str(_sf()._get_feature_group_string(update.make(), map=folium.Map(tiles=None)))


def show_live(prepare: Callable[[], PreparedMap], build: Callable[[], folium.Map], *, key: str,
              update: MapUpdate | None, shelf: Shelf | None = None,
              height: int = 700) -> bool:
    """The map page's map: `prepare`d once (fast path) while this streamlit-folium is the one
    verified, else `build` shown through plain st_folium (slower: prepared on every run).
    True once the browser has said the map is drawn (the fast path with a `shelf` only)."""
    if not assets_ready():
        return False
    if fast_path_ready():
        told = show_prepared(prepare(), update=update, shelf=shelf, height=height)
        return bool(isinstance(told, dict) and told.get("drawn"))
    show_map(build(), key=key, height=height, update=None if update is None else update.make())
    return False


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
    sf = _sf()
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    css, js = [], []
    for element in assets.walk(fmap):
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
    # the vendored files' URL prefix and folder: a map's file then begins with the vendored
    # scripts its links start with. st_folium loads its links one after another (Leaflet, then
    # Control.FullScreen, then the map's file: 30-50 ms each on a server start, measured).
    vendor: tuple[str, Path] | None = None


# Runs in the map's frame in place of the script: the script file (loaded before it, like
# Leaflet) left the text in window.__hzMaps; a script element runs it as st_folium would.
# Its frame then tells the page, once, that the map is drawn: the component's value becomes
# {"drawn": true} (ui.first_paint waits for it to send the rest of a first page).
_RUN_SHELVED = ("(function () {{ const s = document.createElement('script'); "
                "s.text = window.__hzMaps[{name}]; delete window.__hzMaps[{name}]; "
                "document.body.appendChild(s); if (window.__hzToldDrawn) return; "
                "window.__hzToldDrawn = true; window.parent.postMessage({{isStreamlitMessage: true, "
                "type: 'streamlit:setComponentValue', value: {{drawn: true}}, dataType: 'json'}}, '*'); "
                "}})();")


def shelve(prepared: PreparedMap, shelf: Shelf) -> tuple[str, list[str]]:
    """The script and links to send for `prepared`, its script being served from `shelf`.

    st_folium runs the script only when its frame has no map yet, but Streamlit sends every
    argument on every rerun: 0.4 MB per filter change at 10k. A file is fetched once per frame
    and cached by the browser (17 KB per filter change instead of 475 KB, measured)."""
    files, after = _vendored(prepared.js_links, shelf.vendor)
    path = shelf.folder / f"{_file_name(prepared.script_hash, files)}.js"
    try:
        os.utime(path)  # in use: the prune keeps the newest
        if not gzipped(path).exists():  # shelved by a version that wrote no gzipped copy
            write_gzipped(path, path.read_bytes())
    except FileNotFoundError:  # new, or pruned or cleaned away meanwhile: checked every run
        _write_script(path, prepared, files)
        _prune(shelf)
    stub = _RUN_SHELVED.format(name=json.dumps(prepared.script_hash))
    if files:
        return stub, [f"{shelf.url}/{path.name}", *after]
    return stub, [*prepared.js_links, f"{shelf.url}/{path.name}"]


def _vendored(links: Sequence[str], vendor: tuple[str, Path] | None) -> tuple[list[Path], list[str]]:
    """The files of the leading links that are vendored scripts, and the links after them."""
    files: list[Path] = []
    if vendor is not None:
        prefix, folder = vendor
        for link in links:
            path = folder / link.removeprefix(f"{prefix}/")
            if not link.startswith(f"{prefix}/") or not path.is_file() \
                    or not path.resolve().is_relative_to(folder.resolve()):
                break
            files.append(path)
    return files, list(links[len(files):])


def _file_name(script_hash: str, files: Sequence[Path]) -> str:
    """The script's hash; with vendored files in it, a hash of that and of each file's name,
    size and time (a vendored package set up again makes a new file: browsers keep the old)."""
    if not files:
        return script_hash
    stats = [(p.as_posix(), p.stat()) for p in files]
    stamps = [(name, stat.st_size, stat.st_mtime_ns) for name, stat in stats]
    return hashlib.sha256(json.dumps([script_hash, stamps]).encode()).hexdigest()


def _vendored_text(path: Path) -> str:
    # the source map a file names is relative to its own URL, not to the map's file
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("//# sourceMappingURL=")) + "\n;\n"


def _write_script(path: Path, prepared: PreparedMap, files: Sequence[Path] = ()) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(_vendored_text(file) for file in files) + (
        f"(window.__hzMaps = window.__hzMaps || {{}})[{json.dumps(prepared.script_hash)}] = "
        f"{json.dumps(prepared.script)};\n")
    data = text.encode("utf-8")
    write_gzipped(path, data)  # first: served in place of the file once there
    write_whole(path, data)


def _prune(shelf: Shelf) -> None:
    files = sorted(shelf.folder.glob("*.js"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[shelf.keep:]:
        old.unlink(missing_ok=True)
        gzipped(old).unlink(missing_ok=True)


def show_prepared(prepared: PreparedMap, *, height: int = 700,
                  update: MapUpdate | None = None, shelf: Shelf | None = None) -> object:
    """Show a prepared map with this run's `update`; no rerun on pan. With a `shelf`, the map's
    script goes there as a file instead of into every rerun, and the value returned becomes
    {"drawn": True} once the browser has drawn the map."""
    script, js_links = (prepared.script, list(prepared.js_links))
    if shelf is not None:
        script, js_links = shelve(prepared, shelf)
    group = None if update is None else update_script(update)
    return _sf()._component_func(**component_args(prepared, script=script, js_links=js_links,
                                        feature_group=group, height=height))


def component_args(prepared: PreparedMap, *, script: str, js_links: list[str],
                   feature_group: str | None, height: int) -> dict[str, object]:
    """The keywords the fast path sends to st_folium's component: the values st_folium sends for
    st_folium(m, key=…, returned_objects=[], use_container_width=True, feature_group_to_add=…)."""
    return {"script": script, "header": prepared.header, "html": prepared.html,
            "id": prepared.map_id, "key": prepared.script_hash, "height": height, "width": None,
            "returned_objects": [], "default": {}, "zoom": None, "center": None,
            "feature_group": feature_group, "return_on_hover": False, "layer_control": None,
            "pixelated": False, "css_links": list(prepared.css_links), "js_links": js_links,
            "wrap_longitude": False}


COMPONENT_KEYWORDS = frozenset(component_args(
    PreparedMap("", "", "", "", (), (), ""), script="", js_links=[], feature_group=None, height=0))
# st_folium passes it to the component too, but it is Streamlit's callback, not a map argument
_CALLBACK_KEYWORDS = frozenset({"on_change"})


def st_folium_keywords() -> frozenset[str] | None:
    """The keywords the installed st_folium passes to `_component_func` (read from its source),
    or None when its source cannot be read."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(_sf().st_folium)))
    except (OSError, TypeError, SyntaxError):
        return None
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and "_component_func"
             in (getattr(node.func, "id", None), getattr(node.func, "attr", None))]
    return frozenset(k.arg for call in calls for k in call.keywords if k.arg) if calls else None


def fast_path_problems() -> list[str]:
    """What keeps the fast path from matching the installed streamlit-folium; [] when it does."""
    problems = [f"streamlit_folium.{name} is gone" for name in PRIVATE_NAMES
                if not hasattr(_sf(), name)]
    sent = st_folium_keywords()
    if sent is None:
        return [*problems, "st_folium's call of _component_func cannot be read from its source"]
    if extra := sorted(COMPONENT_KEYWORDS - sent):
        problems.append(f"st_folium no longer sends {extra} to its component; this module does")
    if absent := sorted(sent - COMPONENT_KEYWORDS - _CALLBACK_KEYWORDS):
        problems.append(f"st_folium sends {absent} to its component; this module does not")
    try:
        inspect.signature(_sf()._component_func).bind(**dict.fromkeys(COMPONENT_KEYWORDS))
    except (AttributeError, TypeError, ValueError) as error:
        problems.append(f"_component_func does not take the keywords sent: {error}")
    return problems


def installed_version() -> str:
    """The version of streamlit-folium installed (compare VERIFIED_VERSION)."""
    return importlib.metadata.version("streamlit-folium")


@cache
def fast_path_ready() -> bool:
    """True when the installed streamlit-folium takes the fast path's names and arguments."""
    return not fast_path_problems()
