"""Tests for geo.arrow_memory: the entry points put Arrow's buffers on the C allocator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pool_after(code: str) -> str:
    """The Arrow memory pool's backend in a fresh interpreter after code ran (a pool is per
    process: this one's was set by whatever test ran first)."""
    done = subprocess.run([sys.executable, "-c", code + "\nimport pyarrow as pa\n"
                           "print(pa.default_memory_pool().backend_name)"],
                          cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin"})  # no ARROW_DEFAULT_MEMORY_POOL
    return done.stdout.split()[-1]


def test_arrow_starts_on_its_own_pool_and_the_call_moves_it_to_the_c_allocator():
    assert _pool_after("") != "system"
    assert _pool_after("from geo.arrow_memory import use_system_allocator\n"
                       "use_system_allocator()") == "system"


def test_the_command_line_uses_the_c_allocator(tmp_path):
    missing = tmp_path / "synthetic-missing.osm.pbf"
    assert _pool_after("from parks.__main__ import main\n"
                       f"main(['basemap', 'build', {str(missing)!r}, '--bbox', '115,35,116,36',"
                       f" '--out', {str(tmp_path / 'out.pmtiles')!r}])") == "system"
