"""HTTP caching of what the app writes for browsers: a map script named by its content's hash
never changes, so a browser keeps it, and it is gzipped once, as it is written, not per visit."""

from __future__ import annotations

import gzip
import os
import re
import uuid
from collections.abc import Iterable
from pathlib import Path

from starlette.responses import FileResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHE_DIR = Path(__file__).resolve().parent.parent / "static" / "cache"  # served as …/app/static/cache
MAPS_DIR = CACHE_DIR / "maps"  # ui.map_widget.shelve writes each prepared map's script here
# each script is named by its sha256 (Streamlit serves static/ at …/app/static, behind any
# server.baseUrlPath)
_SHELVED = re.compile(r"/app/static/cache/maps/([0-9a-f]{64}\.js)$")
# Streamlit's static serving sends no Cache-Control; the shelved script's Last-Modified moves
# with every use, so browsers fetched it again on each visit: 1.1 MB gzipped on the fly at 100k
# enterprises (70 ms of a 1.4 s page view, measured in Chromium's trace)
IMMUTABLE = "public, max-age=31536000, immutable"
# Streamlit gzips …/app/static files at level 5 on every request, in the server's event loop:
# ~40 ms for the 1.1 MB script at 100k, ~0.3 s for 7 MB at 1M, per new visitor. Level 6 once,
# as the file is written, makes the same size (572 KB against 573 KB at 100k, measured).
GZIP_LEVEL = 6


def immutable(path: str) -> bool:
    """True for the URL path of a file that never changes once written (a shelved map script)."""
    return bool(_SHELVED.search(path))


def gzipped(path: Path) -> Path:
    """Where the gzipped copy of a shelved file is kept: beside it, named `<name>.gz`."""
    return path.with_name(f"{path.name}.gz")


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to path whole or not at all: a browser may ask for it at once, and two
    sessions (threads of one process) may write the same file together."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_gzipped(path: Path, data: bytes) -> None:
    """Write `data` gzipped to gzipped(path), whole or not at all."""
    write_whole(gzipped(path), gzip.compress(data, GZIP_LEVEL, mtime=0))


def accepts_gzip(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """True when a request's Accept-Encoding takes gzip (and does not refuse it with q=0)."""
    for key, value in headers:
        if key.lower() != b"accept-encoding":
            continue
        for coding in value.decode("latin-1").lower().split(","):
            name, _, params = coding.strip().partition(";")
            if name.strip() in ("gzip", "*"):
                quality = params.strip().removeprefix("q=")
                return not (params and _is_zero(quality))
    return False


def _is_zero(quality: str) -> bool:
    try:
        return float(quality) == 0
    except ValueError:
        return False


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:  # not written (a script shelved before this server's version) or pruned
        return None


class ImmutableFiles:
    """ASGI middleware for shelved map scripts: sent gzipped from their copy written beside them
    when the browser takes gzip, and marked as never changing. Anything else passes unchanged."""

    def __init__(self, app: ASGIApp, folder: Path = MAPS_DIR) -> None:
        self.app, self.folder = app, folder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request: a shelved script from its gzipped copy, else through the app."""
        found = _SHELVED.search(str(scope.get("path", ""))) if scope.get("type") == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        packed = gzipped(self.folder / found.group(1))  # the name is 64 hex digits and ".js"
        if scope.get("method") in ("GET", "HEAD") and accepts_gzip(scope.get("headers", [])) \
                and (stat := _stat(packed)) is not None:
            response = FileResponse(packed, stat_result=stat, media_type="application/javascript",
                                    headers={"cache-control": IMMUTABLE, "content-encoding": "gzip",
                                             "vary": "Accept-Encoding"})
            await response(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message.get("type") == "http.response.start" and message.get("status") == 200:
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"cache-control"]
                message["headers"] = [*headers, (b"cache-control", IMMUTABLE.encode())]
            await send(message)

        await self.app(scope, receive, marked)
