"""Folium pages served offline: CDN links pointed at the vendored copies, or inlined into one file."""

from __future__ import annotations

import base64
import json
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path

import folium
from branca.colormap import ColorMap
from branca.element import Element, Link, MacroElement
from folium.template import Template

from geo.vendor import DEFAULT_DEST, MANIFEST, Manifest

DEFAULT_BASE_URL = "/app/static/vendor"
LEAFLET_JS = "leaflet/dist/leaflet.js"
LEAFLET_IMAGES = "leaflet/dist/images"
_ICON_PATH_CHILD = "leaflet_icon_path"
# streamlit-folium injects these for every branca ColorMap, ignoring default_js
COLORMAP_URLS = (
    "https://d3js.org/d3.v4.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
)


class UnknownAssetError(ValueError):
    """A folium element loads a CDN URL that has no local copy in the manifest."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        listing = "\n  ".join(urls)
        super().__init__(f"no local copy for:\n  {listing}\nadd its package to geo.vendor.MANIFEST")


def walk(element: Element) -> Iterator[Element]:
    """element and every element below it in the folium/branca tree, parents first."""
    yield element
    for child in element._children.values():
        yield from walk(child)


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def localize(root: Element, base_url: str = DEFAULT_BASE_URL, *, manifest: Manifest = MANIFEST) -> None:
    """Point every JS/CSS link of root's figure at the vendor copies under base_url.

    Raises UnknownAssetError, changing nothing, when some CDN URL has no local copy.
    """
    figure = root.get_root()
    unknown: list[str] = []
    changes: list[tuple[Element, str, list[tuple[str, str]]]] = []
    for element in walk(figure):
        if isinstance(element, ColorMap):
            unknown += [f"{url} (branca ColorMap; streamlit-folium adds it)" for url in COLORMAP_URLS]
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if links is not None:
                new = [(name, _local_url(url, base_url, manifest, unknown)) for name, url in links]
                changes.append((element, attr, [(n, u) for n, u in new if u is not None]))
    # links already rendered into the page header (a second render, or added by hand)
    header = getattr(figure, "header", None)
    header_links = {k: c for k, c in header._children.items() if isinstance(c, Link)} if header else {}
    header_urls = {k: _local_url(c.url, base_url, manifest, unknown) for k, c in header_links.items()}
    if unknown:
        raise UnknownAssetError(sorted(set(unknown)))
    for element, attr, new_links in changes:
        setattr(element, attr, new_links)  # instance attribute shadows the shared class list
    for key, url in header_urls.items():
        if url is None:
            del header._children[key]
        else:
            header_links[key].url = url
    _pin_icon_path(figure, f"{base_url.rstrip('/')}/{LEAFLET_IMAGES}/")


class _LeafletIconPath(MacroElement):
    """Tells Leaflet where its default marker images are, unless the page already did.

    Leaflet otherwise derives the folder from leaflet.css, and streamlit-folium runs the map script
    before that stylesheet applies, so Leaflet falls back to ".../distmarker-icon.png" (a 404).
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "if (typeof L.Icon.Default.imagePath !== 'string') {"
        " L.Icon.Default.imagePath = {{ this.path|tojson }}; }"
        "{% endmacro %}"
    )

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name = "LeafletIconPath"
        self.path = path


def _pin_icon_path(figure: Element, path: str) -> None:
    # first child of each map, so it runs before any marker asks for its icon
    for element in list(walk(figure)):
        if not isinstance(element, folium.Map):
            continue
        existing = element._children.get(_ICON_PATH_CHILD)
        if isinstance(existing, _LeafletIconPath):
            existing.path = path  # same element name, so a re-render replaces its script
        else:
            element.add_child(_LeafletIconPath(path), name=_ICON_PATH_CHILD, index=0)


def _local_url(url: str, base_url: str, manifest: Manifest, unknown: list[str]) -> str | None:
    """Local URL for url; None when deliberately dropped; unknown CDN URLs are collected."""
    if not _is_remote(url):
        return url
    if manifest.is_dropped(url):
        return None
    local = manifest.local_path(url)
    if local is None:
        unknown.append(url)
        return url
    return f"{base_url.rstrip('/')}/{local}"


_SCRIPT_RE = re.compile(r"""<script\s+src=["']([^"']+)["']\s*>\s*</script>""", re.IGNORECASE)
_LINK_RE = re.compile(r"""<link\s+rel=["']stylesheet["']\s+href=["']([^"']+)["']\s*/?>""", re.I)
_CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_MIME = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf",
         ".eot": "application/vnd.ms-fontobject", ".svg": "image/svg+xml", ".png": "image/png"}


def relative_css_refs(css: str) -> list[str]:
    """Relative file references of a stylesheet's url(...)s, without query or fragment."""
    refs = []
    for _, target in _CSS_URL_RE.findall(css):
        target = target.strip()
        if not target.startswith(("data:", "#", "/")) and ":" not in target.split("/")[0]:
            refs.append(re.split(r"[?#]", target, maxsplit=1)[0])
    return refs


def inline_html(html: str, dest: Path = DEFAULT_DEST, *, base_url: str = DEFAULT_BASE_URL) -> str:
    """Inline every vendor <script>/<link> of a folium page so it opens from disk, offline."""
    dest = Path(dest).resolve()
    prefix = base_url.rstrip("/") + "/"

    def script(match: re.Match[str]) -> str:
        if not match.group(1).startswith(prefix):
            return match.group(0)
        rel = match.group(1)[len(prefix):]
        code = _vendor_file(dest, rel).read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>" + (_leaflet_icon_fix(dest) if rel == LEAFLET_JS else "")

    def style(match: re.Match[str]) -> str:
        if not match.group(1).startswith(prefix):
            return match.group(0)
        path = _vendor_file(dest, match.group(1)[len(prefix):])
        return f"<style>{_inline_css(path.read_text(encoding='utf-8'), path.parent, dest)}</style>"

    # function replacements: backslashes in the inlined code must stay literal
    page = _LINK_RE.sub(style, _SCRIPT_RE.sub(script, html))
    # localize()'s image folder is moot once the icons are data URIs (its assignment is guarded)
    return page.replace(json.dumps(f"{prefix}{LEAFLET_IMAGES}/"), '""')


def _vendor_file(dest: Path, rel: str, base: Path | None = None) -> Path:
    """dest/rel (or base/rel), refusing anything outside the vendor dir."""
    path = ((base or dest) / rel).resolve()
    if not path.is_relative_to(dest) or not path.is_file():
        raise FileNotFoundError(f"{rel} is not in the vendor dir {dest}; run: python -m geo assets fetch")
    return path


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    encoded = base64.b64encode(path.read_bytes()).decode()
    return f"data:{mime or 'application/octet-stream'};base64,{encoded}"


def _inline_css(css: str, css_dir: Path, dest: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        refs = relative_css_refs(match.group(0))
        if not refs:
            return match.group(0)
        path = _vendor_file(dest, refs[0], base=css_dir)
        return f'url("{_data_uri(path)}")'

    return _CSS_URL_RE.sub(replace, css)


def _leaflet_icon_fix(dest: Path) -> str:
    """Default marker images as data URIs: Leaflet guesses their folder from leaflet.css's URL."""
    images = dest / LEAFLET_IMAGES
    options = {
        "iconUrl": _data_uri(images / "marker-icon.png"),
        "iconRetinaUrl": _data_uri(images / "marker-icon-2x.png"),
        "shadowUrl": _data_uri(images / "marker-shadow.png"),
    }
    return f"<script>L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({json.dumps(options)});</script>"
