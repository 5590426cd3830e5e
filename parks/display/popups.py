"""Popup and tooltip text of records; every value from the data is HTML-escaped here."""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from geo.labels import Label
from parks.analysis.query import kept_rows
from parks.model.industries import Taxonomy
from parks.model.outlines import AREA_TOLERANCE
from parks.model.schema import BILINGUAL, bilingual_text, field_label
from parks.model.vocab import KIND, LEVEL, PRECISION, STAGE, STATUS

# Lines that are not one column: the industries of any record by name, and its place.
INDUSTRIES = Label("产业", "Industries")
PLACE = Label("位置", "Location")
_APPROX = {
    "town": Label("⚠ 近似位置：标在乡镇/街道驻地，不是实际厂址/园址",
                  "⚠ Approximate: drawn at the town seat, not at the site"),
    "county": Label("⚠ 近似位置：仅知所在县区，标在县城驻地",
                    "⚠ Approximate: only the county is known; drawn at the county seat"),
}
PROFILE = Label("园区档案 →", "Park profile →")
_URL = re.compile(r"https?://[^\s;；，,、（）()\[\]<>\"']+")  # a source's addresses, up to a separator
_SHARED = Label("多条记录共用同一点，标记已稍作错开以便点击",
                "Several records share this point; markers are fanned out to stay clickable")


def display_name(row: pd.Series | object, lang: str) -> str:
    """The record's name in `lang`, the Chinese one when it has no English name."""
    name_en = getattr(row, "name_en", "") or ""
    return name_en if lang == "en" and name_en else row.name_zh


def industry_text(codes: tuple[str, ...], taxonomy: Taxonomy, lang: str) -> str:
    """Industry codes as labels in `lang`, joined."""
    labels = []
    for code in codes:
        if code in taxonomy.codes:
            labels.append(taxonomy.get(code).label.get(lang))
    return "、".join(labels) if lang != "en" else ", ".join(labels)


def _line(label: Label | str, value: object, lang: str) -> str:
    """One 'label：value' line; `label` is a Label or the name of a record field."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if not text:
        return ""
    name = label.get(lang) if isinstance(label, Label) else field_label(label, lang)
    return f"<div><b>{html.escape(name)}：</b>{html.escape(text)}</div>"


def _html_line(label: Label | str, value_html: str, lang: str) -> str:
    """One 'label：value' line whose value is already safe HTML."""
    if not value_html:
        return ""
    name = label.get(lang) if isinstance(label, Label) else field_label(label, lang)
    return f"<div><b>{html.escape(name)}：</b>{value_html}</div>"


def linked(text: object) -> str:
    """Escaped text whose http(s) addresses are links opening in a new tab."""
    text = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    out, at = [], 0
    for match in _URL.finditer(text):
        url = html.escape(match.group(0))
        out += [html.escape(text[at:match.start()]),
                f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>']
        at = match.end()
    return "".join([*out, html.escape(text[at:])])


def profile_link(park_id: str, text: str, profile_url: str) -> str:
    """`text` (escaped) as a link to the park's profile page, opened in the whole window (the
    map is in a frame); plain text when there is no page to link to."""
    if not profile_url or not park_id:
        return html.escape(text)
    href = html.escape(profile_url.replace("{id}", quote(park_id, safe="")))
    return f'<a href="{href}" target="_top">{html.escape(text)}</a>'


def outline_text(drawn_km2: float, published_km2: float, lang: str) -> str:
    """Drawn area against the published one; a ⚠ when they are more than 20% apart."""
    if pd.isna(drawn_km2):
        return ""
    if pd.isna(published_km2) or published_km2 <= 0:
        return f"{drawn_km2:.2f} km²" + ("（无公布面积）" if lang != "en" else " (no published area)")
    gap = abs(drawn_km2 - published_km2) / published_km2
    warn = "⚠ " if gap > AREA_TOLERANCE else ""
    if lang == "en":
        return f"{warn}{drawn_km2:.2f} km² (published {published_km2:g} km², {gap:.0%} apart)"
    return f"{warn}{drawn_km2:.2f} km²（公布 {published_km2:g} km²，相差 {gap:.0%}）"


def place_text(row: object, lang: str) -> str:
    """County and town of a record, in `lang`."""
    county = getattr(row, "county_en" if lang == "en" else "county", "") or ""
    town = getattr(row, "town", "") or ""
    parts = [p for p in (county, town) if p]
    if not parts:
        return PRECISION.get("unlocated").label.get(lang)
    return " ".join(parts)


def shared_note(lang: str) -> str:
    """Line added to popups of markers fanned out from a shared point."""
    return f'<div style="color:#555">{html.escape(_SHARED.get(lang))}</div>'


def _footer(row: object, lang: str) -> str:
    parts = [_line("precision", PRECISION.label(row.precision, lang), lang)]
    if row.precision in _APPROX:
        warning = _APPROX[row.precision].get(lang)
        parts.append(f'<div style="color:#8a4b00">{html.escape(warning)}</div>')
    parts += [_html_line("source", linked(row.source), lang), _line("as_of", row.as_of, lang)]
    return "".join(parts)


def _wrap(title: str, body: list[str], footer: str) -> str:
    return (f'<div class="hz-popup" style="font-size:12px;max-width:320px">'
            f'<div style="font-size:14px;font-weight:700;margin-bottom:4px">{html.escape(title)}</div>'
            f'{"".join(body)}<hr style="margin:4px 0">{footer}</div>')


def park_popup(row: object, codes: tuple[str, ...], taxonomy: Taxonomy, lang: str,
               profile_url: str = "") -> str:
    """A park's popup HTML: kind, level, area, industries, precision and source (escaped), and a
    link to its profile when `profile_url` ('{id}' in it) is given."""
    area = f"{row.area_km2:g} km²" if pd.notna(row.area_km2) else ""
    body = [
        _line("kind", KIND.label(row.kind, lang) + (f"（{row.subkind}）" if row.subkind else ""),
              lang),
        _line("level", LEVEL.label(row.level, lang), lang),
        _line("status", STATUS.label(row.status, lang), lang),
        _line(INDUSTRIES, industry_text(codes, taxonomy, lang) or row.industries_text, lang),
        _line("area_km2", area, lang),
        _line("boundary", outline_text(getattr(row, "outline_km2", float("nan")), row.area_km2, lang),
              lang),
        _line("sizhi", row.sizhi, lang),
        _line(BILINGUAL["recognition"], bilingual_text(
            {f: getattr(row, f, "") for f in ("recognition_zh", "recognition_en")}, "recognition", lang),
            lang),
        _line(PLACE, place_text(row, lang), lang),
    ]
    if profile_url:
        body.append(f"<div>{profile_link(row.id, PROFILE.get(lang), profile_url)}</div>")
    return _wrap(display_name(row, lang), body, _footer(row, lang))


def enterprise_popup(row: object, taxonomy: Taxonomy, lang: str, park_name: str = "",
                     profile_url: str = "") -> str:
    """An enterprise's popup HTML: industry, park (a link to its profile when `profile_url` is
    given), place, precision and source (escaped)."""
    codes = tuple(c for c in (row.industry, row.subsector) if c)
    park = profile_link(getattr(row, "park_id", ""), park_name, profile_url) if park_name else ""
    body = [
        _line("full_name", row.full_name, lang),
        _line(INDUSTRIES, industry_text(codes, taxonomy, lang) or row.industries_text, lang),
        _html_line("park_id", park, lang), _line(PLACE, place_text(row, lang), lang),
    ]
    return _wrap(display_name(row, lang), body, _footer(row, lang))


def project_popup(row: object, taxonomy: Taxonomy, lang: str, enterprise_name: str = "") -> str:
    """A project's popup HTML: stage, investment, enterprise, precision and source (escaped)."""
    codes = tuple(c for c in (row.industry, row.subsector) if c)
    stage = STAGE.label(row.stage, lang) if row.stage else ""
    if row.stage_text:
        stage = f"{stage}（{row.stage_text}）" if stage else row.stage_text
    money = f"{row.investment_yi:g} 亿元" if pd.notna(row.investment_yi) else ""
    body = [
        _line("stage", stage, lang), _line("investment_yi", money, lang),
        _line("capacity_text", row.capacity_text, lang), _line("enterprise_id", enterprise_name, lang),
        _line(INDUSTRIES, industry_text(codes, taxonomy, lang), lang),
        _line(PLACE, place_text(row, lang), lang),
    ]
    return _wrap(display_name(row, lang), body, _footer(row, lang))


CHUNK = 1000  # records per file: a click fetches ~0.3 MB at most
DONE = "complete"  # written last: a folder without it is rebuilt


def enterprise_details(enterprises: pd.DataFrame, taxonomy: Taxonomy, lang: str,
                       park_names: dict[str, str], profile_url: str = "") -> Iterator[list[str]]:
    """[name, popup HTML] of each located enterprise, in drawing order (geo.cloud), one at a
    time: 100k popups held at once would cost the server ~80 MB. Nothing is read before the
    first row is asked for (a restart finds the files written)."""
    # all placed (the usual case): no copy — a masked copy of 1M rows cost the server ~0.4 GB
    located = kept_rows(enterprises, enterprises.geometry.notna()) if len(enterprises) else enterprises
    # a chunk of rows at a time: itertuples turns each categorical column into Python strings
    # all at once, 0.85 GB at 1M enterprises (measured at a server start)
    for start in range(0, len(located), CHUNK):
        for r in located.iloc[start:start + CHUNK].itertuples(index=False):
            yield [display_name(r, lang),
                   enterprise_popup(r, taxonomy, lang, park_names.get(r.park_id, ""), profile_url)]


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
