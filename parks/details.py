"""Popup details of a canvas layer, written as numbered JSON files that the map fetches on click."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from parks.industries import Taxonomy
from parks.popups import display_name, enterprise_popup

CHUNK = 1000  # records per file: a click fetches ~0.3 MB at most
DONE = "complete"  # written last: a folder without it is rebuilt


def enterprise_details(enterprises: pd.DataFrame, taxonomy: Taxonomy, lang: str,
                       park_names: dict[str, str]) -> Iterator[list[str]]:
    """[name, popup HTML] of each located enterprise, in drawing order (geo.cloud), one at a
    time: 100k popups held at once would cost the server ~80 MB."""
    located = enterprises[enterprises.geometry.notna()] if len(enterprises) else enterprises
    return ([display_name(r, lang), enterprise_popup(r, taxonomy, lang, park_names.get(r.park_id, ""))]
            for r in located.itertuples(index=False))


def write_details(rows: Iterable[list[str]], folder: Path, chunk: int = CHUNK) -> int:
    """Files 0.json, 1.json, … of `chunk` rows each; returns how many. Idempotent."""
    folder = Path(folder)
    if (folder / DONE).exists():
        return len(list(folder.glob("*.json")))
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    files, total, rows = 0, 0, iter(rows)
    while part := list(itertools.islice(rows, chunk)):
        text = json.dumps(part, ensure_ascii=False, separators=(",", ":"))
        (tmp / f"{files}.json").write_text(text, encoding="utf-8")
        files, total = files + 1, total + len(part)
    (tmp / DONE).write_text(str(total), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)  # readers see no half-written folder
    return files


def prune(parent: Path, keep: int = 6) -> None:
    """Drop all but the newest `keep` detail folders (older data versions)."""
    folders = sorted((p for p in Path(parent).glob("*") if p.is_dir()),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[keep:]:
        shutil.rmtree(old, ignore_errors=True)
