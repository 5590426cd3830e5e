"""ui.http_cache: a shelved map script (named by its hash) is marked as never changing and sent
from its gzipped copy when there is one and the browser takes gzip; nothing else is touched."""

from __future__ import annotations

import asyncio
import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ui.http_cache import IMMUTABLE, ImmutableFiles, accepts_gzip, immutable, write_gzipped

HASH = "0123456789abcdef" * 4


@pytest.mark.parametrize(("path", "expected"), [
    (f"/app/static/cache/maps/{HASH}.js", True),
    (f"/heze/app/static/cache/maps/{HASH}.js", True),  # behind server.baseUrlPath
    ("/app/static/cache/maps/notahash.js", False),
    (f"/app/static/cache/details/{HASH[:16]}/0.json", False),  # keyed by data version only
    ("/app/static/vendor/leaflet/dist/leaflet.js", False),  # same name for a new version
    (f"/app/static/cache/maps/{HASH}.js/../x", False),
])
def test_only_shelved_map_scripts_are_immutable(path, expected):
    assert immutable(path) is expected


def _served(path: str, status: int, headers: list, *, folder: Path | None = None,
            method: str = "GET", asked: tuple = ()) -> list[dict]:
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"x"})

    async def send(message):
        sent.append(message)

    asked_once = []

    async def receive():  # the request, then a browser that stays connected
        if asked_once:
            await asyncio.sleep(3600)
        asked_once.append(True)
        return {"type": "http.request"}

    scope = {"type": "http", "path": path, "method": method, "headers": list(asked)}
    middleware = ImmutableFiles(app) if folder is None else ImmutableFiles(app, folder)
    call = middleware(scope, receive, send)
    with ThreadPoolExecutor(1) as pool:  # a thread of its own: Playwright's tests leave a loop
        pool.submit(asyncio.run, call).result()
    return sent


def test_a_shelved_script_is_sent_with_one_immutable_cache_control():
    start, body = _served(f"/app/static/cache/maps/{HASH}.js", 200,
                          [(b"etag", b'"1"'), (b"Cache-Control", b"no-cache")])
    assert start["headers"] == [(b"etag", b'"1"'), (b"cache-control", IMMUTABLE.encode())]
    assert body == {"type": "http.response.body", "body": b"x"}


@pytest.mark.parametrize(("path", "status"), [
    (f"/app/static/cache/maps/{HASH}.js", 404),  # not there (pruned): may come later
    (f"/app/static/cache/maps/{HASH}.js", 304),
    ("/app/static/vendor/leaflet/dist/leaflet.js", 200),
])
def test_other_responses_are_passed_on_unchanged(path, status):
    headers = [(b"etag", b'"1"')]
    assert _served(path, status, headers)[0]["headers"] == headers


GZIP = ((b"accept-encoding", b"gzip, deflate, br, zstd"),)


def _with_copy(folder: Path, text: bytes = b"window.x = 1;") -> Path:
    path = folder / f"{HASH}.js"
    path.write_bytes(text)
    write_gzipped(path, text)
    return path


def test_a_shelved_script_is_sent_from_its_gzipped_copy(tmp_path):
    _with_copy(tmp_path, "牡丹区".encode() * 100)
    start, *bodies = _served(f"/heze/app/static/cache/maps/{HASH}.js", 500, [],
                             folder=tmp_path, asked=GZIP)  # the app (500) is not asked
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    assert start["status"] == 200
    assert headers["content-encoding"] == "gzip" and headers["cache-control"] == IMMUTABLE
    assert headers["content-type"].startswith("application/javascript")
    body = b"".join(m.get("body", b"") for m in bodies)
    assert int(headers["content-length"]) == len(body)
    assert gzip.decompress(body) == "牡丹区".encode() * 100


def test_a_head_request_gets_the_headers_only(tmp_path):
    _with_copy(tmp_path)
    start, *bodies = _served(f"/app/static/cache/maps/{HASH}.js", 500, [], folder=tmp_path,
                             method="HEAD", asked=GZIP)
    assert start["status"] == 200 and not b"".join(m.get("body", b"") for m in bodies)


@pytest.mark.parametrize(("asked", "copy", "method"), [
    ((), True, "GET"),  # no Accept-Encoding: the app sends the file as it is
    (((b"accept-encoding", b"gzip;q=0, identity"),), True, "GET"),
    (GZIP, False, "GET"),  # no copy (shelved before copies were written): gzipped on the fly
    (GZIP, True, "POST"),
])
def test_otherwise_the_app_sends_it(tmp_path, asked, copy, method):
    if copy:
        _with_copy(tmp_path)
    start, body = _served(f"/app/static/cache/maps/{HASH}.js", 200, [], folder=tmp_path,
                          method=method, asked=asked)
    assert body == {"type": "http.response.body", "body": b"x"}  # the app's
    assert start["headers"] == [(b"cache-control", IMMUTABLE.encode())]


@pytest.mark.parametrize(("header", "expected"), [
    (b"gzip", True), (b"deflate, gzip;q=0.5", True), (b"*", True), (b"GZIP", True),
    (b"br, zstd", False), (b"gzip;q=0", False), (b"gzip;q=0.0, br", False), (b"", False),
])
def test_accept_encoding(header, expected):
    assert accepts_gzip([(b"accept-encoding", header)]) is expected
