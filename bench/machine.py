"""What the benchmark ran on: date, CPU, memory, Python, Chromium and library versions."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    return float("nan")


def _chromium() -> str:
    try:
        out = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    return out.stdout.strip()


def machine_info() -> dict[str, object]:
    """Date, CPU, cores, memory, OS, Python, Chromium and key package versions of this run."""
    versions = {name: metadata.version(name) for name in
                ("streamlit", "folium", "streamlit-folium", "pandas", "geopandas", "shapely")}
    return {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "cpu": _cpu(), "cores": os.cpu_count(), "memory_gb": _memory_gb(),
            "os": platform.platform(), "python": platform.python_version(),
            "chromium": _chromium(), "versions": versions}
