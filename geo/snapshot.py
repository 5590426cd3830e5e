"""Browser snapshots of a self-contained map page, through a headless Chromium when one exists."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--mute-audio")


class NoBrowserError(RuntimeError):
    """No Chromium/Chrome is installed, so a browser snapshot cannot be taken."""


def find_browser() -> str | None:
    """The path of the first Chromium/Chrome found on PATH, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def snapshot(html: str, *, width: int = 1600, height: int = 1000, wait_ms: int = 8000,
             browser: str | None = None, timeout_s: float = 90.0) -> bytes:
    """PNG of `html` (a page that needs no server: scripts and styles inlined) as Chromium draws
    it, tiles included when reachable; `wait_ms` of virtual time lets tiles and markers load."""
    executable = browser or find_browser()
    if not executable:
        raise NoBrowserError("no Chromium or Chrome found; install Debian's 'chromium' package "
                             "(apt-get install chromium) or use the PNG export, which needs none")
    with tempfile.TemporaryDirectory(prefix="heze-snapshot-") as tmp:
        page, shot = Path(tmp) / "map.html", Path(tmp) / "map.png"
        page.write_text(html, encoding="utf-8")
        command = [executable, *FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                   f"--window-size={width},{height}", f"--virtual-time-budget={wait_ms}",
                   f"--screenshot={shot}", page.as_uri()]
        result = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
        if not shot.exists():
            detail = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"{Path(executable).name} made no screenshot (exit "
                               f"{result.returncode}): {' | '.join(detail)}")
        return shot.read_bytes()
