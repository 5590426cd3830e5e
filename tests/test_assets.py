"""Tests for geo.assets: fetching from a fake npm registry, localizing folium maps, inlining pages."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import folium
import pytest
from branca.element import JavascriptLink
from folium import plugins

from geo.assets import (
    MANIFEST,
    AssetFetchError,
    Manifest,
    NpmPackage,
    UnknownAssetError,
    fetch,
    inline_html,
    localize,
    missing,
    relative_css_refs,
    vendor_ready,
)

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
CDN_MARKERS = ("cdn.", "cdnjs", "jsdelivr", "unpkg", "code.jquery", "netdna")


@dataclass
class FakeRegistry:
    """Tarballs served by path; every request path is recorded."""

    url: str
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    state = FakeRegistry(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            body = state.files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def make_tarball(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def publish(registry: FakeRegistry, name: str, version: str, entries: dict[str, bytes]) -> str:
    """Serve a tarball like the npm registry does; return its integrity string."""
    data = make_tarball(entries)
    registry.files[f"/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"] = data
    return integrity(data)


def one_package_manifest(registry: FakeRegistry, entries: dict[str, bytes] | None = None) -> Manifest:
    entries = entries or {
        "package/package.json": b"{}",
        "package/dist/lib.js": b"var lib = 1;",
        "package/dist/images/a.png": b"png",
        "package/src/unwanted.js": b"nope",
    }
    digest = publish(registry, "@demo/lib", "1.0.0", entries)
    package = NpmPackage("@demo/lib", "1.0.0", digest, ("package.json", "dist/lib.js", "dist/images/"))
    url = "https://cdn.example/lib.js"
    return Manifest(packages=(package,), urls=((url, "@demo/lib/dist/lib.js"),), dropped=())


def test_fetch_extracts_only_listed_entries(registry: FakeRegistry, tmp_path: Path) -> None:
    manifest = one_package_manifest(registry)
    dest = tmp_path / "vendor"
    written = fetch(dest, registry=registry.url, manifest=manifest)
    assert (dest / "@demo/lib/dist/lib.js").read_bytes() == b"var lib = 1;"
    assert (dest / "@demo/lib/dist/images/a.png").read_bytes() == b"png"
    assert not (dest / "@demo/lib/src").exists()
    assert dest / "@demo/lib/dist/lib.js" in written
    assert vendor_ready(dest, manifest)
    assert missing(dest, manifest) == []
    assert registry.requests == ["/@demo/lib/-/lib-1.0.0.tgz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vendor"]  # no staging dir left


def test_second_fetch_makes_no_request(registry: FakeRegistry, tmp_path: Path) -> None:
    manifest = one_package_manifest(registry)
    fetch(tmp_path, registry=registry.url, manifest=manifest)
    assert fetch(tmp_path, registry=registry.url, manifest=manifest) == []
    assert len(registry.requests) == 1


def test_missing_file_triggers_a_new_fetch(registry: FakeRegistry, tmp_path: Path) -> None:
    manifest = one_package_manifest(registry)
    fetch(tmp_path, registry=registry.url, manifest=manifest)
    (tmp_path / "@demo/lib/dist/lib.js").unlink()
    assert missing(tmp_path, manifest) == ["@demo/lib/dist/lib.js"]
    fetch(tmp_path, registry=registry.url, manifest=manifest)
    assert vendor_ready(tmp_path, manifest)


def previous_install(dest: Path) -> dict[str, bytes]:
    (dest / "old").mkdir(parents=True)
    (dest / "old" / "keep.js").write_bytes(b"previous")
    return snapshot(dest)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_integrity_mismatch_raises_and_leaves_dest_untouched(registry: FakeRegistry, tmp_path: Path) -> None:
    good = one_package_manifest(registry)
    package = good.packages[0]
    bad = Manifest((NpmPackage(package.name, package.version, integrity(b"other"), package.files),), (), ())
    dest = tmp_path / "vendor"
    before = previous_install(dest)
    with pytest.raises(AssetFetchError, match=r"@demo/lib@1\.0\.0: integrity mismatch"):
        fetch(dest, registry=registry.url, manifest=bad)
    assert snapshot(dest) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vendor"]


def test_http_failure_names_the_package(registry: FakeRegistry, tmp_path: Path) -> None:
    manifest = one_package_manifest(registry)
    registry.files.clear()
    with pytest.raises(AssetFetchError, match=r"@demo/lib@1\.0\.0: download of .* failed: HTTP Error 404"):
        fetch(tmp_path / "vendor", registry=registry.url, manifest=manifest)
    assert not (tmp_path / "vendor").exists()


@pytest.mark.parametrize("evil", ["package/../../evil.js", "/etc/evil.js", "package/dist/../../../evil.js"])
def test_path_traversal_entries_are_refused(registry: FakeRegistry, tmp_path: Path, evil: str) -> None:
    entries = {"package/package.json": b"{}", "package/dist/lib.js": b"ok", evil: b"pwned"}
    entries["package/dist/images/a.png"] = b"png"
    manifest = one_package_manifest(registry, entries)
    dest = tmp_path / "deep" / "vendor"
    before = previous_install(dest)
    with pytest.raises(AssetFetchError, match="refusing unsafe tar entry"):
        fetch(dest, registry=registry.url, manifest=manifest)
    assert snapshot(dest) == before
    assert not any(p.name == "evil.js" for p in tmp_path.rglob("*"))


def test_listed_entry_absent_from_tarball_is_an_error(registry: FakeRegistry, tmp_path: Path) -> None:
    manifest = one_package_manifest(registry, {"package/package.json": b"{}", "package/dist/lib.js": b"x"})
    with pytest.raises(AssetFetchError, match="tarball lacks dist/images/"):
        fetch(tmp_path / "vendor", registry=registry.url, manifest=manifest)


def test_every_mapped_path_is_extracted_by_the_manifest() -> None:
    entries = MANIFEST.entries()
    for url, path in MANIFEST.urls:
        assert any(path == e or (e.endswith("/") and path.startswith(e)) for e in entries), url
    assert not set(dict(MANIFEST.urls)) & set(dict(MANIFEST.dropped))


def test_every_supported_folium_url_is_known() -> None:
    # guards a folium upgrade: a changed CDN URL must be re-pinned, not silently fetched
    classes = (folium.Map, plugins.MarkerCluster, plugins.FastMarkerCluster, plugins.Fullscreen,
               plugins.Draw, plugins.MeasureControl, plugins.MiniMap, plugins.MousePosition,
               plugins.LocateControl)
    urls = {url for cls in classes for _, url in [*cls.default_js, *cls.default_css]}
    assert urls == set(dict(MANIFEST.urls)) | set(dict(MANIFEST.dropped))


def sample_map() -> folium.Map:
    m = folium.Map(location=(35.25, 115.45), zoom_start=9, tiles=None)
    cluster = plugins.MarkerCluster().add_to(m)
    folium.Marker((35.2, 115.4), icon=folium.Icon(color="red")).add_to(cluster)
    plugins.FastMarkerCluster([(35.3, 115.5), (35.31, 115.51)]).add_to(m)
    plugins.Fullscreen().add_to(m)
    folium.Marker((35.1, 115.3)).add_to(m)
    return m


def test_localized_map_renders_without_cdn_urls() -> None:
    m = sample_map()
    localize(m)
    html = m.get_root().render()
    for marker in CDN_MARKERS:
        assert marker not in html, marker
    assert '<script src="/app/static/vendor/leaflet/dist/leaflet.js"></script>' in html
    assert "/app/static/vendor/leaflet.markercluster/dist/MarkerCluster.Default.css" in html
    assert "/app/static/vendor/leaflet.fullscreen/Control.FullScreen.js" in html
    assert "leaflet.awesome.rotate" not in html
    assert 'L.Icon.Default.imagePath = "/app/static/vendor/leaflet/dist/images/"' in html


def test_localize_twice_changes_nothing_more() -> None:
    m = sample_map()
    localize(m)
    first = m.get_root().render()
    localize(m)
    assert m.get_root().render().count("L.Icon.Default.imagePath =") == first.count(
        "L.Icon.Default.imagePath ="
    ) == 1


def test_localize_leaves_class_defaults_alone() -> None:
    localize(sample_map(), base_url="/elsewhere")
    assert folium.Map.default_js[0][1].startswith("https://cdn.jsdelivr.net/")
    assert plugins.MarkerCluster.default_css[0][1].startswith("https://cdnjs.cloudflare.com/")


def test_localize_after_a_render_rewrites_the_header() -> None:
    m = sample_map()
    m.get_root().render()
    localize(m)
    assert "jsdelivr" not in m.get_root().header.render()


def test_unknown_cdn_url_raises_naming_it() -> None:
    m = sample_map()
    plugins.HeatMap([(35.2, 115.4)]).add_to(m)
    m.get_root().header.add_child(JavascriptLink("https://unpkg.com/mystery@1/x.js"), name="mystery")
    with pytest.raises(UnknownAssetError) as caught:
        localize(m)
    assert "https://unpkg.com/mystery@1/x.js" in caught.value.urls
    assert any("leaflet_heat.min.js" in url for url in caught.value.urls)
    assert "leaflet_heat.min.js" in str(caught.value)
    assert m.default_js[0][1].startswith("https://")  # nothing was changed


def test_colormap_is_refused_because_streamlit_folium_adds_d3() -> None:
    m = sample_map()
    folium.LinearColormap(["white", "red"], vmin=0, vmax=1).add_to(m)
    with pytest.raises(UnknownAssetError, match="d3"):
        localize(m)


def test_relative_css_refs_skip_data_fragments_and_absolute_urls() -> None:
    css = (".a{background:url(images/x.png)} .b{src:url('../f/y.eot?#iefix')} "
           '.c{background:url("data:image/png;base64,AA")} .d{behavior:url(#default#VML)} '
           ".e{background:url(https://example.com/z.png)}")
    assert relative_css_refs(css) == ["images/x.png", "../f/y.eot"]


def require_vendor() -> None:
    # set-up always fetches; a missing vendor dir is a broken checkout, not a reason to skip
    if not vendor_ready(VENDOR):
        pytest.fail(f"{VENDOR} is incomplete ({', '.join(missing(VENDOR)[:5])} ...): run scripts/setup.sh")


def test_vendored_files_and_their_css_references_exist() -> None:
    require_vendor()
    for url, path in MANIFEST.urls:
        assert (VENDOR / path).is_file(), url
    broken = [
        f"{css.relative_to(VENDOR)} -> {ref}"
        for css in VENDOR.rglob("*.css")
        for ref in relative_css_refs(css.read_text(encoding="utf-8"))
        if not (css.parent / ref).is_file()
    ]
    assert broken == []


def test_inline_html_is_self_contained() -> None:
    require_vendor()
    m = sample_map()
    localize(m)
    page = inline_html(m.get_root().render(), VENDOR)
    assert "/app/static" not in page
    assert not re.search(r"<script[^>]+src=[\"']https?:", page)
    assert not re.search(r"<link[^>]+href=[\"']https?:", page)
    assert "url(images/" not in page and "../webfonts/" not in page
    assert "L.Icon.Default.mergeOptions" in page
