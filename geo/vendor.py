"""Pinned npm packages for the map's JS/CSS: the manifest, and fetching, verifying and installing them."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

DEFAULT_REGISTRY = "https://registry.npmjs.org"
DEFAULT_DEST = Path(__file__).resolve().parents[1] / "static" / "vendor"
STAMP_NAME = ".manifest-sha256"


class AssetFetchError(RuntimeError):
    """A vendor package could not be downloaded, verified or extracted."""



@dataclass(frozen=True)
class NpmPackage:
    """One pinned npm tarball and the entries (files, or dirs ending in "/") taken from it."""

    name: str
    version: str
    integrity: str  # dist.integrity from the registry: "sha512-<base64>"
    files: tuple[str, ...]

    @property
    def spec(self) -> str:
        """The npm spec name@version."""
        return f"{self.name}@{self.version}"

    def tarball_url(self, registry: str) -> str:
        """The tarball's URL in the given npm registry."""
        short = self.name.rsplit("/", 1)[-1]
        return f"{registry.rstrip('/')}/{self.name}/-/{short}-{self.version}.tgz"


@dataclass(frozen=True)
class Manifest:
    """Packages to vendor, CDN URL -> vendor-relative path, and CDN URLs deliberately not served."""

    packages: tuple[NpmPackage, ...]
    urls: tuple[tuple[str, str], ...]
    dropped: tuple[tuple[str, str], ...]

    def local_path(self, url: str) -> str | None:
        """The vendor-relative path serving this CDN URL, or None when none does."""
        return dict(self.urls).get(url)

    def is_dropped(self, url: str) -> bool:
        """True when the CDN URL is deliberately not served (the map works without it)."""
        return url in dict(self.dropped)

    def entries(self) -> list[str]:
        """Every extracted entry, relative to the vendor dir."""
        return [f"{pkg.name}/{entry}" for pkg in self.packages for entry in pkg.files]

    def digest(self) -> str:
        """SHA-256 of the package list: changes whenever a pin, hash or file list does."""
        blob = json.dumps([asdict(pkg) for pkg in self.packages], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()


def _pkg(name: str, version: str, integrity: str, *files: str) -> NpmPackage:
    return NpmPackage(name, version, integrity, ("package.json", *files))


_JSD = "https://cdn.jsdelivr.net"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_MC = f"{_CDNJS}/leaflet.markercluster/1.1.0"
_FS = f"{_JSD}/npm/leaflet.fullscreen@3.0.0"
_MEASURE = f"{_JSD}/gh/ljagis/leaflet-measure@2.1.7/dist"
_MOUSE = f"{_JSD}/gh/ardhi/Leaflet.MousePosition/src"
_LOCATE = f"{_CDNJS}/leaflet-locatecontrol/0.66.2"
_AWESOME = f"{_CDNJS}/Leaflet.awesome-markers/2.0.2"

MANIFEST = Manifest(
    packages=(
        _pkg("leaflet", "1.9.3",
             "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
             "LICENSE", "dist/leaflet.js", "dist/leaflet.css", "dist/images/"),
        _pkg("jquery", "3.7.1",
             "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
             "LICENSE.txt", "dist/jquery.min.js"),
        _pkg("bootstrap", "5.2.2",
             "sha512-dEtzMTV71n6Fhmbg4fYJzQsw1N29hJKO1js5ackCgIpDcGid2ETMGC6zwSYw09v05Y+oRdQ9loC54zB1La3hHQ==",
             "LICENSE", "dist/js/bootstrap.bundle.min.js", "dist/css/bootstrap.min.css"),
        _pkg("@fortawesome/fontawesome-free", "6.2.0",
             "sha512-CNR7qRIfCwWHNN7FnKUniva94edPdyQzil/zCwk3v6k4R6rR2Fr8i4s3PM7n/lyfPA6Zfko9z5WDzFxG9SW1uQ==",
             "LICENSE.txt", "css/all.min.css", "webfonts/"),
        # the lvoogdt 2.0.2 release that cdnjs serves; the official npm name skips 2.0.2
        _pkg("drmonty-leaflet-awesome-markers", "2.0.2",
             "sha512-g508pdnnHQr9l4kU6McvJzcSd0w1FvHFlZZCYc4oT+zjwYJi1qtj0fFBFEWMKoNfHK4UcBya1eccyjKfu4chjQ==",
             "js/leaflet.awesome-markers.js", "css/leaflet.awesome-markers.css", "css/images/"),
        # Bootstrap 3.3.7 glyphicons only: folium.Icon defaults to prefix="glyphicon"
        _pkg("glyphicons-only-bootstrap", "1.0.1",
             "sha512-A1zP7yDUC/3+GUFbVTaTw9X2xZWNPLMp0BOsAmkLoWmo1KaNpG1qGdPYo8JnzwGueJ2HQAYvlP9S9OcmcObzHA==",
             "css/bootstrap.min.css", "fonts/"),
        _pkg("leaflet.markercluster", "1.1.0",
             "sha512-eI+XkCiLiHwCC3uZ4/n4+Vq3rXcqEHN2lhHRVG1WVziy/3Q0TTipWkzEa1zO0dKZI2AnI5ppFDWrOjnQ7MJLKQ==",
             "MIT-LICENCE.txt", "dist/leaflet.markercluster.js",
             "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css"),
        _pkg("leaflet.fullscreen", "3.0.0",
             "sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
             "LICENSE", "Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg"),
        _pkg("leaflet-draw", "1.0.2",
             "sha512-iCcbXE9okhwznoTXjxVjoGFoKeiWGsgmWPKrPAeHUvtWZWK4t6YF6815D13wZoMxX2UM6tOmD7/VofCxx3S0+w==",
             "dist/leaflet.draw.js", "dist/leaflet.draw.css", "dist/images/"),
        _pkg("leaflet-measure", "2.1.7",
             "sha512-IvoHIoVTIQSXUgaNnAMF17qXFB+dF5ICdwmY8BHyq/Hh33/xeGqQUUYlz0pRMzFN9NUcjsT6JBhCr1ia0CG5ug==",
             "LICENSE", "dist/leaflet-measure.min.js", "dist/leaflet-measure.css", "dist/images/"),
        _pkg("leaflet-minimap", "3.6.1",
             "sha512-6px8f6cfv1rKB6ACpL6bbUFGxipZOq4KsntJgBj9nOcW1RYa5+xFp8emOZwks9X+VtVVsQEwWwfgT1kTTL/LzA==",
             "LICENSE.txt", "dist/Control.MiniMap.min.js", "dist/Control.MiniMap.min.css", "dist/images/"),
        _pkg("leaflet-mouse-position", "1.2.0",
             "sha512-iKS25GZDRdoKZn0O5sjTyNcBYrq/wenLiOidj4jJ5iD4SfhyqVj+bJHgBwuMxOlf8Vc/9B1ZPlqYV4QA97nyFg==",
             "MIT-LICENCE.txt", "src/L.Control.MousePosition.js", "src/L.Control.MousePosition.css"),
        _pkg("leaflet.locatecontrol", "0.66.2",
             "sha512-33xCfRydyjLfh9nGvf4kSTM0tA1EFFgM0z4uj75QkUwIc9cz0vJqWABsyDirLm1GBKeEr8/krcnc10X1YuK7oA==",
             "LICENSE", "dist/L.Control.Locate.min.js", "dist/L.Control.Locate.min.css"),
        # the offline OSM basemap: vector tiles from a PMTiles archive drawn on canvas
        _pkg("pmtiles", "4.5.0",
             "sha512-CBeD4SoUluFziGdy/8k7FOjQxQy486n+929W/tWophauvMICpkZ26vGBWhDt/6b1FZQWNaf4jFdT/5+q0Wii5w==",
             "dist/pmtiles.js"),
        _pkg("protomaps-leaflet", "5.1.0",
             "sha512-N0YY1Gbw5nZ9n8VUOvwHKm/w3zhTTuaZEeMZl8doHemeM4ujGPp2otI6t4Sgqrz8iM4svx2rpG1Q17rHkOWSaA==",
             "LICENSE", "dist/protomaps-leaflet.js"),
    ),
    urls=(
        (f"{_JSD}/npm/leaflet@1.9.3/dist/leaflet.js", "leaflet/dist/leaflet.js"),
        (f"{_JSD}/npm/leaflet@1.9.3/dist/leaflet.css", "leaflet/dist/leaflet.css"),
        ("https://code.jquery.com/jquery-3.7.1.min.js", "jquery/dist/jquery.min.js"),
        (f"{_JSD}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
         "bootstrap/dist/js/bootstrap.bundle.min.js"),
        (f"{_JSD}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css",
         "bootstrap/dist/css/bootstrap.min.css"),
        ("https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
         "glyphicons-only-bootstrap/css/bootstrap.min.css"),
        (f"{_JSD}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
         "@fortawesome/fontawesome-free/css/all.min.css"),
        (f"{_AWESOME}/leaflet.awesome-markers.js",
         "drmonty-leaflet-awesome-markers/js/leaflet.awesome-markers.js"),
        (f"{_AWESOME}/leaflet.awesome-markers.css",
         "drmonty-leaflet-awesome-markers/css/leaflet.awesome-markers.css"),
        (f"{_MC}/leaflet.markercluster.js", "leaflet.markercluster/dist/leaflet.markercluster.js"),
        (f"{_MC}/MarkerCluster.css", "leaflet.markercluster/dist/MarkerCluster.css"),
        (f"{_MC}/MarkerCluster.Default.css", "leaflet.markercluster/dist/MarkerCluster.Default.css"),
        # jsDelivr minifies on the fly; npm ships only the plain file
        (f"{_FS}/Control.FullScreen.min.js", "leaflet.fullscreen/Control.FullScreen.js"),
        (f"{_FS}/Control.FullScreen.css", "leaflet.fullscreen/Control.FullScreen.css"),
        (f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.js", "leaflet-draw/dist/leaflet.draw.js"),
        (f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.css", "leaflet-draw/dist/leaflet.draw.css"),
        (f"{_MEASURE}/leaflet-measure.min.js", "leaflet-measure/dist/leaflet-measure.min.js"),
        (f"{_MEASURE}/leaflet-measure.min.css", "leaflet-measure/dist/leaflet-measure.css"),
        (f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js",
         "leaflet-minimap/dist/Control.MiniMap.min.js"),
        (f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css",
         "leaflet-minimap/dist/Control.MiniMap.min.css"),
        (f"{_MOUSE}/L.Control.MousePosition.min.js",
         "leaflet-mouse-position/src/L.Control.MousePosition.js"),
        (f"{_MOUSE}/L.Control.MousePosition.min.css",
         "leaflet-mouse-position/src/L.Control.MousePosition.css"),
        (f"{_LOCATE}/L.Control.Locate.min.js", "leaflet.locatecontrol/dist/L.Control.Locate.min.js"),
        (f"{_LOCATE}/L.Control.Locate.min.css",
         "leaflet.locatecontrol/dist/L.Control.Locate.min.css"),
        (f"{_JSD}/npm/pmtiles@4.5.0/dist/pmtiles.js", "pmtiles/dist/pmtiles.js"),
        (f"{_JSD}/npm/protomaps-leaflet@5.1.0/dist/protomaps-leaflet.js",
         "protomaps-leaflet/dist/protomaps-leaflet.js"),
    ),
    dropped=(
        (f"{_JSD}/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
         "no registry package ships it; it only adds fa-rotate-N classes for Icon(angle=N), "
         "which the app does not use (Font Awesome still provides 90/180/270)"),
    ),
)


def fetch(
    dest: Path = DEFAULT_DEST,
    *,
    registry: str | None = None,
    timeout: float = 60,
    manifest: Manifest = MANIFEST,
) -> list[Path]:
    """Download, verify and install every package under dest; return the files written.

    The registry is `registry` (a mirror) when given and not empty, else the public npm registry.
    Does nothing (and makes no request) when dest already matches the manifest.
    """
    dest = Path(dest)
    if vendor_ready(dest, manifest):
        return []
    base = registry or DEFAULT_REGISTRY
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
