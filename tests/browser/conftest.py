"""Browser-test fixtures: a Streamlit server per app script and a Chromium page cut off from the internet."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from bench.server import free_port, healthy, run_dir

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item so fixtures can tell a failed test at teardown."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _start(script: Path, run_root: Path, cache_dir: Path,
           extra_env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = run_root / f"{script.stem}-{port}.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(run_dir(script, run_root) / script.name),
        "--server.port", str(port), "--server.headless", "true", "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    # each server gets its own working store, created from its data folder on first use
    env = {**os.environ, "HEZE_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(ROOT),
           "HEZE_STORE_PATH": str(run_root / f"store-{port}.gpkg"), **extra_env}
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not healthy(base_url):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            output = log.read_text(errors="replace")
            raise RuntimeError(f"streamlit did not start for {script} on {base_url}:\n{output}")
        time.sleep(0.2)
    return process, base_url


@pytest.fixture(scope="session")
def streamlit_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Factory: start (once per session and environment) `streamlit run <script>`; returns its URL.

    `env` adds environment variables (e.g. HEZE_DATA_DIR) for that server only.
    """
    run_root = tmp_path_factory.mktemp("streamlit-apps")
    cache_dir = tmp_path_factory.mktemp("heze-cache")
    running: dict[tuple, tuple[subprocess.Popen[bytes], str]] = {}

    def start(script: Path | str, env: dict[str, str] | None = None) -> str:
        path = Path(script).resolve()
        key = (path, tuple(sorted((env or {}).items())))
        if key not in running:
            running[key] = _start(path, run_root, cache_dir, dict(env or {}))
        return running[key][1]

    yield start
    for process, _ in running.values():
        _stop(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium; Playwright's own browser downloads are never used."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh --dev (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page whose requests to any host but localhost are aborted and listed in page.blocked_requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    blocked: list[str] = []

    def only_local(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            blocked.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", only_local)
    new_page = context.new_page()
    new_page.blocked_requests = blocked  # type: ignore[attr-defined]  # read by the tests
    yield new_page
    reports = request.node.stash.get(_REPORTS, {})
    if any(report.failed for report in reports.values()):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        new_page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
