"""Tests for ui.warm_start and serve.py: a starting server prepares the default region's data and
imports the first page's modules, without taking streamlit-folium's component away from pages."""

from __future__ import annotations

import ast
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from ui.warm_start import imported_modules

ROOT = Path(__file__).resolve().parent.parent

# run in a fresh interpreter: what matters is which modules the warm start imports first
_PROBE = """
import json, sys
from pathlib import Path
from parks.config import DEFAULT_CONFIG, process_settings
from ui.warm_start import warm

import gc
worker = warm([Path("app.py"), Path("app_pages/map.py")])
paused = not gc.isenabled()
worker.join(240)
loaded = {"map_filters": "ui.map_filters" in sys.modules and "ui.loaders" in sys.modules,
          "streamlit_folium": "streamlit_folium" in sys.modules,
          "collector": [paused, gc.isenabled(), gc.get_freeze_count() > 10_000]}
from ui import serving
try:
    config = process_settings()
except Exception:
    print(json.dumps(loaded | {"served": None}))
    raise SystemExit
region = DEFAULT_CONFIG.default_region
slot = serving.slot_name(region, config.data_dir, config.store_location)
key, _ = serving.job(region, config.data_dir, config.cache_dir, config.store_location)
def again():
    raise SystemExit("the page had to prepare the data itself")
got, _ = serving.shared().dataset(slot, key, again, None)
print(json.dumps(loaded | {"served": len(got.parks)}))
"""


def _probe(tmp_path: Path, **env: str) -> dict[str, object]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "HEZE_STORE_PATH":
                   str(tmp_path / "store.gpkg"), "HEZE_CACHE_DIR": str(ROOT / ".cache" /
                   "boundaries"), "DATABASE_URL": "", **env}
    done = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_warm_start_prepares_the_default_regions_data_and_the_first_pages_imports(tmp_path):
    got = _probe(tmp_path)
    assert got["served"] and got["served"] > 0  # the seed parks, prepared before any page asked
    assert got["map_filters"]  # imported by app_pages/map.py
    # streamlit-folium registers its component only when a script run imports it
    assert not got["streamlit_folium"]
    # the cycle collector pauses while the libraries load, then is on with what loaded frozen
    assert got["collector"] == [True, True, True]


def test_with_bad_settings_the_warm_start_only_imports(tmp_path):
    got = _probe(tmp_path, HEZE_GEOCODER="baidu")
    assert got == {"map_filters": True, "streamlit_folium": False, "served": None,
                   "collector": [True, True, True]}


def test_the_modules_a_script_imports_are_read_in_order_once(tmp_path):
    script = tmp_path / "page.py"
    script.write_text("import streamlit as st\nfrom ui import loaders\nfrom . import near\n"
                      "import os.path, ui.loaders\nfrom ui import loaders as again\n"
                      "def later():\n    import json\n", encoding="utf-8")
    assert imported_modules([script]) == ["streamlit", "ui", "ui.loaders", "os.path"]


def test_serve_py_is_an_st_app_of_app_py_that_streamlit_run_finds():
    tree = ast.parse((ROOT / "serve.py").read_text(encoding="utf-8"))
    calls = [node.value for node in tree.body if isinstance(node, ast.Assign)
             and [getattr(t, "id", None) for t in node.targets] == ["app"]]
    assert len(calls) == 1 and ast.unparse(calls[0].func) == "st.App"
    assert "app.py" in ast.unparse(calls[0].args[0])
    assert "serve.py" in (ROOT / "scripts" / "run_app.sh").read_text(encoding="utf-8")


def test_only_the_warm_threads_missing_context_notes_are_dropped():
    from ui.warm_start import _THREAD, _NoContextNotes

    def note(thread: str, text: str) -> logging.LogRecord:
        record = logging.LogRecord("streamlit", logging.WARNING, __file__, 1, text, None, None)
        record.threadName = thread
        return record

    quiet = _NoContextNotes()
    assert not quiet.filter(note(_THREAD, "Thread 'x': missing ScriptRunContext! …"))
    assert quiet.filter(note("ScriptRunner.scriptThread", "missing ScriptRunContext!"))
    assert quiet.filter(note(_THREAD, "something else went wrong"))
