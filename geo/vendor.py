"""Pinned npm packages for the map's JS/CSS and the folium CDN URLs each one replaces."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass


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
    ),
    dropped=(
        (f"{_JSD}/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
         "no registry package ships it; it only adds fa-rotate-N classes for Icon(angle=N), "
         "which the app does not use (Font Awesome still provides 90/180/270)"),
    ),
)
