"""A Streamlit server for benchmarks: started on a free localhost port, its peak memory read from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 120.0
# how often a start is checked: a refused connection costs the starting server nothing, and at
# 0.2 s the first visit came ~0.1 s late on average (both apps alike)
POLL_S = 0.02
# as scripts/run_app.sh serves the app; the stock baseline gets the same
SERVER_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(base_url: str) -> bool:
    """True when the Streamlit server at base_url answers its health check with "ok"."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return bool(response.read().decode().strip() == "ok")
    except (urllib.error.URLError, OSError):
        return False


def run_dir(script: Path, work: Path) -> Path:
    """Where to run `script` from: Streamlit serves static/ from beside the main script."""
    if (script.parent / "static").is_dir():
        return script.parent
    run_dir = work / f"run-{script.stem}"
    run_dir.mkdir(parents=True, exist_ok=True)
    for link, target in ((run_dir / script.name, script), (run_dir / "static", ROOT / "static")):
        if not link.is_symlink():
            link.symlink_to(target)
    return run_dir


class AppServer:
    """`streamlit run script` with extra environment, as a context manager; `.url` once started.
    On a free port unless one is given (a browser keeps its cache per origin)."""

    def __init__(self, script: Path, work: Path, env: dict[str, str], *,
                 port: int | None = None) -> None:
        self.script, self.work, self.env = Path(script).resolve(), Path(work), env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.work / f"{self.script.stem}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AppServer:
        command = [sys.executable, "-m", "streamlit", "run",
                   str(run_dir(self.script, self.work) / self.script.name),
                   "--server.port", str(self.port), "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
                   "--server.fileWatcherType", "none", "--server.enableStaticServing", "true"]
        env = {**os.environ, "PYTHONPATH": str(ROOT), **SERVER_ENV, **self.env}
        with self.log.open("wb") as sink:  # cwd=ROOT: the repository's .streamlit/config.toml applies
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not healthy(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not start ({self.script}):\n"
                                   f"{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(POLL_S)
        return self

    def peak_rss_mb(self) -> float:
        """The server's peak resident memory so far (VmHWM), in MB."""
        if self.process is None:
            return float("nan")
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        """Terminate the server (kill it after 10 s); does nothing when it is not running."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
