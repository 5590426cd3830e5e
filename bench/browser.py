"""Timing a map in headless Chromium: navigation to a drawn enterprise layer, and filter changes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Frame, Page, Playwright

from ui.loaders import MAPS_DIR, cache_url

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # no request leaves the machine (a tile or CDN fetch would time out, not fail fast)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
SEARCH_LABEL = "名称搜索"
MAP_FILES_URL = f"{cache_url(MAPS_DIR)}/"
QUIET_MS = 400  # a render counts as the last one when nothing is drawn for this long after it

# Runs in every frame before its scripts. A frame notes (Date.now()) when its enterprise layer is
# drawn: the canvas layer announces itself by setting window.hzDrawn (after drawing).
CANVAS_PROBE = """
(() => {
  if (window.__hzProbe) return;
  window.__hzProbe = true; window.__hzFirst = 0; window.__hzLast = 0;
  window.__hzMark = () => {
    const now = Date.now();
    if (!window.__hzFirst) window.__hzFirst = now;
    window.__hzLast = now;
  };
  let drawn;
  Object.defineProperty(window, 'hzDrawn', {configurable: true,
    get() { return drawn; }, set(v) { drawn = v; window.__hzMark(); }});
})();
"""
# Marker clusters (ours below the marker limit, and the stock baseline) show up as new cluster
# icons in the DOM, polled every 10 ms (a MutationObserver missed maps that st_folium builds
# off-document). The polling costs ~0.03 core per tab, so the load test's 20 tabs, which only
# see canvas layers, go without it.
PROBE = CANVAS_PROBE + """
(() => {
  if (window.__hzClusterProbe) return;
  window.__hzClusterProbe = true;
  let cluster = null;  // a redraw of a cluster layer replaces its icons: watch the first one
  setInterval(() => {
    const now = document.querySelector('.marker-cluster');
    if (now && now !== cluster) window.__hzMark();
    cluster = now;
  }, 10);
})();
"""


def launch(playwright: Playwright) -> Browser:
    """The system Chromium started headless with the benchmark's flags."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (scripts/setup.sh --dev)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))


@dataclass
class MapPage:
    """One browser tab on a map app, counting the bytes the server sends (websocket and map file)."""

    page: Page
    ws_bytes: list[int] = field(default_factory=lambda: [0])
    started: float = 0.0  # epoch ms of the navigation

    def search_shown_ms(self, timeout_s: float = 60.0) -> float:
        """ms from the navigation until the name search box is on the page (the whole page:
        the map page's first paint draws the map before its sidebar, ui.first_paint)."""
        self.page.get_by_role("textbox", name=SEARCH_LABEL).wait_for(timeout=timeout_s * 1000)
        return time.time() * 1000 - self.started

    def stamps(self) -> tuple[int, int]:
        """(first, last) paint of an enterprise layer over all frames, ms since the epoch (0: none)."""
        first, last = 0, 0
        for frame in self.page.frames:
            got = _frame_stamps(frame)
            if got[0]:
                first = got[0] if not first else min(first, got[0])
            last = max(last, got[1])
        return first, last

    def wait_drawn(self, after_ms: float, timeout_s: float, *, first: bool) -> float:
        """Epoch ms of the first paint after `after_ms` (or of the last one before a quiet spell)."""
        deadline = time.monotonic() + timeout_s
        seen, seen_at = 0, 0.0
        while time.monotonic() < deadline:
            stamp = self.stamps()[0 if first else 1]
            if stamp > after_ms:
                if first:
                    return stamp
                if stamp != seen:
                    seen, seen_at = stamp, time.monotonic()
                elif time.monotonic() - seen_at > QUIET_MS / 1000:
                    return stamp
            time.sleep(0.02)
        raise TimeoutError(f"no map drawn within {timeout_s:.0f} s")


def _frame_stamps(frame: Frame) -> tuple[int, int]:
    try:
        got = frame.evaluate("[window.__hzFirst || 0, window.__hzLast || 0]")
    except Exception:  # a frame navigating or detached mid-poll: it has nothing yet
        return 0, 0
    return int(got[0]), int(got[1])


def new_context(browser: Browser) -> BrowserContext:
    """A browser profile with the probe; its HTTP cache is kept across the tabs it opens."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.add_init_script(PROBE)
    return context


def open_map(context: BrowserContext, url: str, timeout_s: float = 90.0, *,
             page: Page | None = None) -> tuple[MapPage, float]:
    """A new tab (or `page`, opened earlier and blank) on `url`; returns it and ms from
    navigation to the enterprise layer drawn."""
    page = page or context.new_page()
    tab = MapPage(page)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: _count(tab, data)))
    page.on("request", lambda request: _count_map_file(tab, request.url))
    start = tab.started = time.time() * 1000
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    drawn = tab.wait_drawn(start, timeout_s, first=True)
    return tab, drawn - start


def _count(tab: MapPage, data: str | bytes) -> None:
    tab.ws_bytes[0] += len(data.encode() if isinstance(data, str) else data)


def _count_map_file(tab: MapPage, url: str) -> None:
    """The map's script comes as a file (ui.map_widget.shelve): payload as much as the websocket.
    Counted at its size on disk whenever the page asks for it, cached or not."""
    if MAP_FILES_URL in url:
        path = MAPS_DIR / url.split(MAP_FILES_URL, 1)[1].split("?", 1)[0]
        tab.ws_bytes[0] += path.stat().st_size if path.is_file() else 0


def change_filter(tab: MapPage, text: str, timeout_s: float = 60.0) -> float:
    """Type `text` into the name search and press Enter: ms until the map has redrawn."""
    box = tab.page.get_by_role("textbox", name=SEARCH_LABEL)
    box.fill(text)
    start = time.time() * 1000
    box.press("Enter")
    return tab.wait_drawn(start, timeout_s, first=False) - start


def close(tab: MapPage) -> None:
    """Close the tab's page (its browser stays open for the next tab)."""
    tab.page.close()
