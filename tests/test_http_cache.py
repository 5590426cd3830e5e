"""ui.http_cache: a shelved map script (named by its hash) is marked as never changing; nothing
else is touched."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from ui.http_cache import IMMUTABLE, ImmutableFiles, immutable

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


def _served(path: str, status: int, headers: list) -> list[dict]:
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"x"})

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    call = ImmutableFiles(app)({"type": "http", "path": path}, receive, send)
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
