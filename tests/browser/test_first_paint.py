"""A visitor's first map page in Chromium: the map is drawn before the rest of the page, which
then follows without drawing the map again; the map's script is served as never changing; the
server runs on the C HTTP parser and event loop."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from ui.http_cache import IMMUTABLE

from .test_offline_assets import map_frame

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "serve.py"  # the app as scripts/run_app.sh serves it
# Polls the page (and the map's frame, same origin) for when each first shows.
WATCH = """
(() => {
  if (window !== window.top || window.__hzSeen) return;
  window.__hzSeen = {};
  const note = (name, found) => {
    if (found && !window.__hzSeen[name]) window.__hzSeen[name] = performance.now();
  };
  setInterval(() => {
    const frame = document.querySelector('iframe[title*="st_folium"]');
    const doc = frame && frame.contentDocument;
    note('map', doc && doc.querySelector('.leaflet-container path.hz-outline'));
    note('search', document.querySelector('input[aria-label="名称搜索"]'));
    note('language', document.querySelector('[data-testid="stSidebar"] [role="radiogroup"]'));
    note('counts', document.querySelector('[data-testid="stMetric"]'));
  }, 5);
})();
"""


def test_the_first_map_comes_before_the_rest_of_the_page(page: Page,
                                                       streamlit_app: Callable[..., str]):
    page.add_init_script(WATCH)
    page.goto(streamlit_app(APP))
    frame = map_frame(page, timeout_s=60)
    frame.wait_for_selector(".leaflet-container path.hz-outline")
    frame.evaluate("window.__hzSameFrame = true")
    page.get_by_role("textbox", name="名称搜索").wait_for(timeout=60_000)
    page.wait_for_function("() => ['search', 'language'].every(k => window.__hzSeen[k])",
                           timeout=60_000)
    seen = page.evaluate("window.__hzSeen")
    assert seen["counts"] < seen["map"] < min(seen["search"], seen["language"]), seen
    page.wait_for_timeout(500)  # the second run has ended: the map's frame is the first one
    assert map_frame(page, timeout_s=10).evaluate("window.__hzSameFrame === true")
    assert page.locator('iframe[title*="st_folium"]').count() == 1
    assert page.get_by_text("编辑登录").count() == 1  # the sidebar's login box came too



def test_the_maps_script_is_served_as_never_changing(page: Page, streamlit_app: Callable[..., str]):
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url)
            if "/app/static/" in request.url else None)
    page.goto(streamlit_app(APP))
    map_frame(page, timeout_s=60).wait_for_selector(".leaflet-container path.hz-outline")
    scripts = [url for url in fetched if "/cache/maps/" in url]
    assert len(scripts) == 1, fetched  # the map's script: a file named by its content
    response = page.request.get(scripts[0])
    assert response.ok and response.headers["cache-control"] == IMMUTABLE
    # sent from the gzipped copy written beside it: whole (a length), not gzipped on the fly
    assert response.headers.get("content-encoding") == "gzip"
    assert int(response.headers["content-length"]) < len(response.body()) / 1.5
    # (routing every request, as these tests do, turns Chromium's cache off: the bench's
    # page views show the script kept; vendored files keep Streamlit's revalidation)
    vendored = next(url for url in fetched if "/vendor/leaflet/" in url)
    assert "cache-control" not in page.request.get(vendored).headers


def _mapped_files(port: int) -> str:
    """/proc/<pid>/maps of the server listening on `port` (found by its command line)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
            if args[args.index(b"--server.port") + 1] == str(port).encode():
                return (cmdline.parent / "maps").read_text()
        except (OSError, ValueError, IndexError):
            continue  # another process, or one that ended meanwhile
    raise AssertionError(f"no server process for port {port}")


def test_the_server_parses_http_and_runs_its_loop_in_c(streamlit_app: Callable[..., str]):
    # requirements.txt's httptools and uvloop, which uvicorn and Streamlit take when installed:
    # the first map after a start came 0.25 s sooner at 100k (measured)
    url = streamlit_app(APP)
    with urllib.request.urlopen(url + "/_stcore/health", timeout=30) as answer:
        assert answer.status == 200
    mapped = _mapped_files(urlsplit(url).port or 80)
    assert "/httptools/" in mapped and "/uvloop/" in mapped
