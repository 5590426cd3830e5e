"""Architecture rules: imports run one way, between packages and between the rooms of parks/."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ("geo", "parks")
ORDER = ("app", "app_pages", "ui", "parks", "geo")  # imports may only point to the right


def test_importing_geo_and_parks_leaves_streamlit_out():
    code = ("import sys, geo, parks, pkgutil, importlib\n"
            "for pkg in (geo, parks):\n"
            "    for m in pkgutil.iter_modules(pkg.__path__):\n"
            "        if m.name != '__main__':\n"
            "            importlib.import_module(f'{pkg.__name__}.{m.name}')\n"
            "for m in pkgutil.walk_packages(parks.__path__, 'parks.'):\n"
            "    if not m.name.endswith('__main__'):\n"
            "        importlib.import_module(m.name)\n"
            "print(sorted(k for k in sys.modules if k.split('.')[0] == 'streamlit'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout


def _modules() -> list[Path]:
    found = sorted(p for folder in ("geo", "parks", "ui", "app_pages")
                   for p in (ROOT / folder).rglob("*.py"))
    return [*found, ROOT / "app.py", ROOT / "serve.py"]


def _layer(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return "app" if rel.parts[0] in ("app.py", "serve.py") else rel.parts[0]


def _imports(path: Path) -> set[str]:
    """Top-level package names a module imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_one_way(path):
    layer = _layer(path)
    allowed = set(ORDER[ORDER.index(layer):])
    bad = (_imports(path) & set(ORDER)) - allowed
    assert not bad, f"{path.name} ({layer}) imports {bad}"
    if layer in CORE:
        assert "streamlit" not in _imports(path)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_opens_with_a_docstring(path):
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path


# The rooms of parks/ and the rooms each may import; top-level modules (config, errors) are
# open to all, and __main__ may import anything.
ROOMS = {
    "model": set(),
    "analysis": {"model"},
    "display": {"model", "analysis"},
    "store": {"model"},
    "files": {"model", "analysis", "display", "store"},
}


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "parks" and parts[1] in ROOMS else None


def _full_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "parks").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_rooms_of_parks_import_one_way(path):
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    room = _room(module)
    if room is None:
        return
    allowed = ROOMS[room] | {room}
    bad = {name for name in _full_imports(path) if (_room(name) or room) not in allowed}
    assert not bad, f"{module} (room {room}) imports {sorted(bad)}; allowed rooms: {sorted(allowed)}"


def test_every_room_of_parks_is_known():
    rooms = {p.name for p in (ROOT / "parks").iterdir() if (p / "__init__.py").exists()}
    assert rooms == set(ROOMS), "a new subpackage of parks/ needs its place in ROOMS"
