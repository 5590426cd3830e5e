"""Offline copies of the JS/CSS that folium maps load: pinned npm packages, fetched and served locally."""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import mimetypes
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import folium
from branca.colormap import ColorMap
from branca.element import Element, Link, MacroElement
from folium.template import Template

from geo.vendor import MANIFEST, Manifest, NpmPackage

__all__ = [
    "MANIFEST",
    "AssetFetchError",
    "Manifest",
    "NpmPackage",
    "UnknownAssetError",
    "fetch",
    "inline_html",
    "localize",
    "missing",
    "relative_css_refs",
    "vendor_ready",
]

DEFAULT_REGISTRY = "https://registry.npmjs.org"
REGISTRY_ENV = "HEZE_NPM_REGISTRY"
DEFAULT_BASE_URL = "/app/static/vendor"
DEFAULT_DEST = Path(__file__).resolve().parents[1] / "static" / "vendor"
STAMP_NAME = ".manifest-sha256"
LEAFLET_JS = "leaflet/dist/leaflet.js"
LEAFLET_IMAGES = "leaflet/dist/images"
_ICON_PATH_CHILD = "leaflet_icon_path"
# streamlit-folium injects these for every branca ColorMap, ignoring default_js
COLORMAP_URLS = (
    "https://d3js.org/d3.v4.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
)


class AssetFetchError(RuntimeError):
    """A vendor package could not be downloaded, verified or extracted."""


class UnknownAssetError(ValueError):
    """A folium element loads a CDN URL that has no local copy in the manifest."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        listing = "\n  ".join(urls)
        super().__init__(f"no local copy for:\n  {listing}\nadd its package to geo.vendor.MANIFEST")


def fetch(
    dest: Path = DEFAULT_DEST,
    *,
    registry: str | None = None,
    timeout: float = 60,
    manifest: Manifest = MANIFEST,
) -> list[Path]:
    """Download, verify and install every package under dest; return the files written.

    The registry is `registry`, else $HEZE_NPM_REGISTRY, else the public npm registry.
    Does nothing (and makes no request) when dest already matches the manifest.
    """
    dest = Path(dest)
    if vendor_ready(dest, manifest):
        return []
    base = registry or os.environ.get(REGISTRY_ENV) or DEFAULT_REGISTRY
    # all tarballs are downloaded and verified before anything is unpacked
    tarballs = [(pkg, _download(pkg, base, timeout)) for pkg in manifest.packages]
    dest.parent.mkdir(parents=True, exist_ok=True)
    _sweep_leftovers(dest)
    staging = Path(tempfile.mkdtemp(prefix=f"{dest.name}.staging-", dir=dest.parent))
    try:
        for pkg, data in tarballs:
            _extract(pkg, data, staging / pkg.name)
        (staging / STAMP_NAME).write_text(manifest.digest() + "\n")
        written = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
        _swap_into_place(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [dest / rel for rel in written]


def _download(pkg: NpmPackage, registry: str, timeout: float) -> bytes:
    url = pkg.tarball_url(registry)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data: bytes = response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise AssetFetchError(f"{pkg.spec}: download of {url} failed: {exc}") from exc
    algorithm, _, expected = pkg.integrity.partition("-")
    if algorithm != "sha512":
        raise AssetFetchError(f"{pkg.spec}: manifest integrity must be sha512, got {algorithm}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise AssetFetchError(
            f"{pkg.spec}: integrity mismatch for {url}: "
            f"expected sha512-{expected}, got sha512-{actual}"
        )
    return data


def _extract(pkg: NpmPackage, data: bytes, target: Path) -> None:
    """Unpack the listed entries of one verified tarball into target."""
    found: set[str] = set()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        for member in members:
            parts = PurePosixPath(member.name).parts
            # refuse the whole tarball, not just the entry: it is not what npm publishes
            if member.name.startswith("/") or ".." in parts or "\\" in member.name:
                raise AssetFetchError(f"{pkg.spec}: refusing unsafe tar entry {member.name!r}")
        for member in members:
            rel = _selected(pkg, member.name)
            if rel is None or member.isdir():
                continue
            if not member.isfile():
                raise AssetFetchError(f"{pkg.spec}: refusing non-regular tar entry {member.name!r}")
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None  # regular files always have a payload
            out.write_bytes(source.read())
            found.update(e for e in pkg.files if rel == e or (e.endswith("/") and rel.startswith(e)))
    absent = [e for e in pkg.files if e not in found]
    if absent:
        raise AssetFetchError(f"{pkg.spec}: tarball lacks {', '.join(absent)}")


def _selected(pkg: NpmPackage, name: str) -> str | None:
    """The path below package/ when the entry is listed in the manifest, else None."""
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] != "package":
        return None
    rel = "/".join(parts[1:])
    wanted = any(rel == e or (e.endswith("/") and rel.startswith(e)) for e in pkg.files)
    return rel if wanted else None


def _sweep_leftovers(dest: Path) -> None:
    """Remove staging dirs left by a fetch that was killed mid-way."""
    for leftover in dest.parent.glob(f"{dest.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_into_place(staging: Path, dest: Path) -> None:
    # rename is atomic; at worst an interruption leaves dest absent, never half-filled
    old = dest.with_name(f"{dest.name}.staging-old-{os.getpid()}")
    if dest.exists():
        dest.rename(old)
    staging.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def missing(dest: Path = DEFAULT_DEST, manifest: Manifest = MANIFEST) -> list[str]:
    """Vendor-relative entries that are absent (the stamp counts when stale)."""
    dest = Path(dest)
    absent = []
    for entry in manifest.entries() + [path for _, path in manifest.urls]:
        path = dest / entry
        present = any(path.iterdir()) if entry.endswith("/") and path.is_dir() else path.is_file()
        if not present:
            absent.append(entry)
    stamp = dest / STAMP_NAME
    if not stamp.is_file() or stamp.read_text().strip() != manifest.digest():
        absent.append(STAMP_NAME)
    return sorted(set(absent))


def vendor_ready(dest: Path = DEFAULT_DEST, manifest: Manifest = MANIFEST) -> bool:
    """True when dest holds every file of the current manifest."""
    return not missing(dest, manifest)


def walk(element: Element) -> Iterator[Element]:
    """The element and every descendant in its folium/branca tree, parents first."""
    yield element
    for child in getattr(element, "_children", {}).values():
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
        raise FileNotFoundError(f"{rel} is not in the vendor dir {dest}; run: python -m geo.assets fetch")
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


def main(argv: list[str] | None = None) -> int:
    """Command line: `fetch` installs the vendor dir, `check` lists what is missing."""
    parser = argparse.ArgumentParser(prog="python -m geo.assets", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_cmd = commands.add_parser("fetch", help="download and install the vendor dir")
    fetch_cmd.add_argument("--registry", help=f"npm registry (default ${REGISTRY_ENV} or npmjs)")
    check_cmd = commands.add_parser("check", help="exit 1 when vendor files are missing")
    for command in (fetch_cmd, check_cmd):
        command.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args(argv)
    if args.command == "fetch":
        try:
            written = fetch(args.dest, registry=args.registry)
        except AssetFetchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"{args.dest}: {len(written)} files installed" if written else f"{args.dest}: up to date")
        return 0
    absent = missing(args.dest)
    for entry in absent:
        print(f"missing: {args.dest / entry}", file=sys.stderr)
    if absent:
        print("run scripts/setup.sh (or: python -m geo.assets fetch)", file=sys.stderr)
    return 1 if absent else 0


if __name__ == "__main__":
    sys.exit(main())
