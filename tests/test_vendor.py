"""Tests for geo.vendor and `python -m geo assets`: fetching from a fake npm registry, the manifest."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import folium
import pytest
from folium import plugins

from geo.__main__ import main
from geo.vector_basemap import OsmVectorLayer
from geo.vendor import MANIFEST, AssetFetchError, Manifest, NpmPackage, fetch, missing, vendor_ready


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


def test_cli_fetch_asks_the_registry_given_and_reports_a_failure(
    registry: FakeRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "vendor"
    assert main(["assets", "fetch", "--registry", registry.url, "--dest", str(dest)]) == 1
    first = MANIFEST.packages[0]
    assert registry.requests == [f"/{first.name}/-/{first.name}-{first.version}.tgz"]
    assert f"error: {first.spec}: download of {registry.url}" in capsys.readouterr().err
    assert not dest.exists()


def test_cli_check_lists_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assets", "check", "--dest", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"missing: {tmp_path / MANIFEST.entries()[0]}" in err
    assert "python -m geo assets fetch" in err


def test_cli_check_passes_on_a_complete_vendor_dir(capsys: pytest.CaptureFixture[str]) -> None:
    vendor = Path(__file__).resolve().parent.parent / "static" / "vendor"
    if not vendor_ready(vendor):
        pytest.fail(f"{vendor} is incomplete: run scripts/setup.sh")
    assert main(["assets", "check", "--dest", str(vendor)]) == 0
    assert capsys.readouterr().err == ""


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
               plugins.LocateControl, OsmVectorLayer)
    urls = {url for cls in classes for _, url in [*cls.default_js, *cls.default_css]}
    assert urls == set(dict(MANIFEST.urls)) | set(dict(MANIFEST.dropped))
