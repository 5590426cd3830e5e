"""Walkthrough: every page in Chinese and in English shows no text of the other script outside
proper names (headings, captions, messages, table headers, metric and widget labels)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import ADMIN, APP, login, private_store

CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Latin a Chinese page may show: formats, units, standards, programs and codes (upper case
# acronyms, ids and URLs are dropped before this list is consulted).
ALLOWED_LATIN = {"km", "ha", "px", "GeoPackage", "PostGIS", "OpenStreetMap", "Chromium", "python",
                 "parks", "geo", "basemap", "build", "outline", "import", "editors", "add", "admin",
                 "assets", "fetch", "setup", "sh", "scripts", "osm", "pbf", "README",
                 "Shapefile", "GeoJSON", "kind", "id", "Leaflet", "zip", "gpkg", "csv", "xlsx"}
# Chinese an English page may show: proper names of documents and features the data quotes.
ALLOWED_CJK = ("菏政发〔2024〕1号", "四至", "片区", "界址点", "主任")  # 主任: the test's admin
BILINGUAL = {"语言 / Language"}  # the language switch speaks both, so either reader finds it
CODE = re.compile(r"\S*/\S*|\S*\.\S+|`[^`]*`|\b[A-Z0-9][A-Z0-9_.\-]*\b|\b\w*\d\w*\b|\{[^}]*\}")
ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py"))


def _record_names() -> set[str]:
    """Names of the records in data/: a park's other-language name is a proper name."""
    frames = [pd.read_csv(ROOT / "data" / f"{t}.csv", dtype=str, keep_default_na=False)
              for t in ("parks", "enterprises", "projects")]
    return {v for f in frames for c in ("name_zh", "name_en", "full_name") if c in f
            for v in f[c] if v}


NAMES = _record_names()


def foreign(text: str, language: str) -> list[str]:
    """The other script's words in `text` (none when it is the page's own)."""
    if text in BILINGUAL or text.strip() in NAMES:
        return []
    if language == "en":
        rest = text
        for name in ALLOWED_CJK:
            rest = rest.replace(name, "")
        return CJK.findall(rest)
    return [w for w in WORD.findall(CODE.sub(" ", text))
            if w not in ALLOWED_LATIN and len(w) > 1 and w != "max"]  # formulas' variables


def shown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) of every heading, message, label and table header on the page."""
    texts: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "caption", "info", "warning", "error", "success"):
        texts += [(kind, str(e.value)) for e in getattr(at, kind)]
    texts += [("metric", m.label) for m in at.metric]
    texts += [("expander", e.label) for e in at.expander]
    texts += [("tab", e.label) for e in at.tabs]
    for kind in ("selectbox", "multiselect", "radio", "checkbox", "toggle", "text_input",
                 "number_input", "slider", "select_slider", "button", "text_area", "date_input"):
        texts += [(kind, w.label) for w in getattr(at, kind)]
    texts += [(f"{t.type}", w.label) for t in at.get("segmented_control")
              for w in [t] if getattr(w, "label", None)]
    for frame in [*at.dataframe, *at.table]:
        value = frame.value
        texts += [("table header", str(c)) for c in value.columns]
        if value.index.name:
            texts += [("table header", str(value.index.name))]
    return texts


@pytest.fixture(autouse=True)
def store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return private_store(monkeypatch, tmp_path / "store")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_speaks_one_language(language):
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["lang"] = language
    login(at.run(), ADMIN)
    found = []
    for page in PAGE_FILES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        found += [(page, where, words, text[:80]) for where, text in shown_texts(at)
                  if (words := foreign(text, language))]
    assert found == [], "\n".join(map(str, found))
