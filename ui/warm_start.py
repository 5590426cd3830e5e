"""What a server prepares as it starts, before its first visitor: the default region's dataset
and the modules its first page imports."""

from __future__ import annotations

import ast
import contextlib
import gc
import importlib
import logging
import threading
from collections.abc import Iterable
from pathlib import Path

_LOG = logging.getLogger(__name__)
_THREAD = "heze-warm-start"


class _NoContextNotes(logging.Filter):
    """Drops Streamlit's note that this thread has no script run: it has none by design (its
    cached loaders are shared by all sessions), and the note would greet every server start."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != _THREAD or "ScriptRunContext" not in record.getMessage()


def imported_modules(scripts: Iterable[Path]) -> list[str]:
    """The modules the scripts import at their top level (absolute imports), in order, once;
    for `from a import b` both a and a.b, which may be a name in a rather than a module."""
    found: dict[str, None] = {}
    for script in scripts:
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                found.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from ui import loaders` imports ui.loaders; `from ui.i18n import t` no module t
                found.update(dict.fromkeys([node.module,
                                            *(f"{node.module}.{a.name}" for a in node.names)]))
    return list(found)


def _start_data() -> None:
    # ui.serving leaves folium out (0.7 s of imports against 1.5 s, measured): the snapshot is
    # read in its own thread while the pages' imports below hold the GIL
    from parks.config import DEFAULT_CONFIG
    from ui import serving
    from ui.settings import server_settings

    config = server_settings()
    if config is not None:
        with contextlib.suppress(Exception):  # the first page says what is wrong
            serving.prepare_early(DEFAULT_CONFIG.default_region, config.data_dir,
                                  config.cache_dir, config.store_location)


def _import_all(modules: list[str]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # the page that imports it shows the error
            if not (isinstance(error, ModuleNotFoundError) and error.name == name):
                _LOG.warning("warm start: importing %s failed: %s", name, error)
            # else `name` is a name inside a module, not a module


def _warm(modules: list[str], *, data: bool) -> None:
    try:
        if data:
            _start_data()
        _import_all(modules)
    finally:
        # what is loaded by now lives as long as the server: frozen, later full collections
        # skip it (a dataset read meanwhile is freed by reference counts alone: tested)
        gc.freeze()
        gc.enable()


def warm(scripts: Iterable[Path], *, data: bool = True) -> threading.Thread:
    """Start preparing the default region's dataset (with `data`) and importing what `scripts`
    import, in a daemon thread; returns it. Nothing here is needed for correctness: a page that
    runs before it ends imports and loads as it would without it. The cyclic garbage collector
    is off until the imports end; then what is loaded is frozen (gc.freeze) and it is on again."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        _NoContextNotes())
    # the libraries' imports set off full collections of a growing heap: 0.24 s of collecting
    # in a start at 100k; paused, the first map came sooner (2.92 → 2.68 s, 7 starts each)
    gc.disable()
    worker = threading.Thread(target=_warm, args=(imported_modules(scripts),),
                              kwargs={"data": data}, name=_THREAD, daemon=True)
    worker.start()
    return worker
