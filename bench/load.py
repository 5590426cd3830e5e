"""Load test: many browser sessions on the running app (10k enterprises) changing filters at once."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from playwright.async_api import Browser, Page, async_playwright

from bench.browser import CHROMIUM, CHROMIUM_ARGS, PROBE, QUIET_MS, SEARCH_LABEL
from bench.measure import APP, QUERIES, app_env
from bench.server import AppServer
from parks.store import open_store

LOAD_N = 10_000
REDRAW_TIMEOUT_S = 30.0


@dataclass
class Session:
    """What one simulated user saw: filter-change times, errors and whether it was dropped."""

    number: int
    times_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dropped: bool = False


async def _stamp(page: Page) -> int:
    last = 0
    for frame in page.frames:
        try:
            last = max(last, int(await frame.evaluate("window.__hzLast || 0")))
        except Exception:  # a frame navigating away mid-poll has nothing yet
            continue
    return last


async def _redrawn(page: Page, after_ms: float) -> float:
    """Epoch ms of the last paint after `after_ms`, once nothing has been drawn for QUIET_MS."""
    deadline = time.monotonic() + REDRAW_TIMEOUT_S
    seen, seen_at = 0, 0.0
    while time.monotonic() < deadline:
        stamp = await _stamp(page)
        if stamp > after_ms and stamp != seen:
            seen, seen_at = stamp, time.monotonic()
        elif seen and time.monotonic() - seen_at > QUIET_MS / 1000:
            return seen
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no redraw within {REDRAW_TIMEOUT_S:.0f} s")


async def _user(browser: Browser, url: str, session: Session, until: float) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    await context.add_init_script(PROBE)
    page = await context.new_page()
    page.on("pageerror", lambda error: session.errors.append(f"page error: {error}"))
    page.on("websocket", lambda ws: ws.on("close", lambda _ws: _closed(session, until)))
    rng = random.Random(session.number)
    try:
        start = time.time() * 1000
        await page.goto(url, wait_until="commit", timeout=120_000)
        await _redrawn(page, start - 1)
        box = page.get_by_role("textbox", name=SEARCH_LABEL)
        step = session.number
        while time.monotonic() < until:
            step += 1
            await box.fill(QUERIES[step % len(QUERIES)])
            start = time.time() * 1000
            await box.press("Enter")
            session.times_ms.append(await _redrawn(page, start) - start)
            if await page.locator('[data-testid="stException"]').count():
                session.errors.append("the page shows an exception")
            await asyncio.sleep(rng.uniform(0.5, 1.5))  # a user reads the map before the next change
    except Exception as error:  # any failure is reported, not raised: the other sessions go on
        session.errors.append(f"{type(error).__name__}: {error}"[:300])
    finally:
        await context.close()


def _closed(session: Session, until: float) -> None:
    if time.monotonic() < until:  # a websocket closing mid-test is a dropped session
        session.dropped = True


async def _run(url: str, sessions: int, seconds: float) -> list[Session]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        warm = Session(-1)  # one visit first: the server loads the data once, before the crowd
        await _user(browser, url, warm, time.monotonic())
        if warm.errors:
            raise RuntimeError(f"the app did not come up: {warm.errors}")
        users = [Session(i) for i in range(sessions)]
        until = time.monotonic() + seconds
        await asyncio.gather(*(_user(browser, url, user, until) for user in users))
        await browser.close()
    return users


def run_load(work: Path, *, sessions: int = 20, minutes: float = 2.0, log: TextIO) -> dict[str, object]:
    """`sessions` browser tabs change filters for `minutes` on the 10k app; figures per change."""
    env = app_env(work, LOAD_N)
    open_store(env["HEZE_STORE_PATH"], data_dir=Path(env["HEZE_DATA_DIR"])).close()
    with AppServer(APP, work, env) as server:
        print(f"[bench] load: {sessions} sessions for {minutes} min on {LOAD_N:,} enterprises …",
              file=log, flush=True)
        users = asyncio.run(_run(server.url, sessions, minutes * 60))
        rss = server.peak_rss_mb()
    times = sorted(t for u in users for t in u.times_ms)
    errors = [f"session {u.number}: {e}" for u in users for e in u.errors]
    result = {"sessions": sessions, "minutes": minutes, "changes": len(times),
              "errors": len(errors), "dropped": sum(u.dropped for u in users),
              "median_filter_ms": round(statistics.median(times)) if times else None,
              "p95_filter_ms": round(times[int(0.95 * (len(times) - 1))]) if times else None,
              "max_filter_ms": round(times[-1]) if times else None, "server_rss_mb": round(rss, 1)}
    for line in errors[:10]:
        print(f"[bench] load error: {line}", file=log, flush=True)
    print(f"[bench] load: {result}", file=log, flush=True)
    return result
