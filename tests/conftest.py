"""Shared fixtures: the repository's data folder and a per-session boundary cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
REFERENCE_FILES = ("industries.csv", "targets.csv", "towns.csv", "county_seats.csv", "sources.csv")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Boundary cache shared by the session (built once from the installed package)."""
    return tmp_path_factory.mktemp("boundary-cache")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (records included) for tests that break files on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
