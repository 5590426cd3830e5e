"""A local static web server for map documents, with the vendored Leaflet files at /app/static."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from types import TracebackType

from bench.server import ROOT


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class StaticSite:
    """Serves `folder` on a free localhost port; `folder/app/static` links to the repo's static/."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        (self.folder / "app").mkdir(parents=True, exist_ok=True)
        link = self.folder / "app" / "static"
        if not link.is_symlink():
            link.symlink_to(ROOT / "static")
        handler = functools.partial(_Quiet, directory=str(self.folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> StaticSite:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
