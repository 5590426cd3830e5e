"""The audit trail for people: per-record history with what changed, the log as CSV, a baseline zip."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from geo.labels import Label
from parks.files.exports import neutralise
from parks.model.outlines import outline_area_km2, parse_outline
from parks.model.schema import field_label
from parks.store.base import AUDIT_COLUMNS, Store, export_csv

HISTORY_COLUMNS = ("seq", "at", "user", "reason", "action", "changes")
HISTORY_HEADERS = {"seq": Label("序号", "No."), "at": Label("时间（北京时间）", "Time (Beijing)"),
                   "user": Label("操作人", "By"), "reason": Label("修改说明", "Reason"),
                   "action": Label("操作", "Action"), "changes": Label("改动", "Changes")}
ACTIONS = {"insert": Label("新增", "added"), "update": Label("修改", "changed"),
           "delete": Label("删除", "deleted")}
_WORDS = {"deleted": Label("已删除", "deleted"), "created": Label("新建（{n} 个字段）",
                                                                 "created ({n} fields)"),
          "none": Label("没有改动", "no change"), "outline": Label("范围 {a:.2f} km²",
                                                                   "outline {a:.2f} km²")}
SHOWN_ZONE = ZoneInfo("Asia/Shanghai")  # the store keeps UTC; people read Beijing time
_LONG = 48  # longer values (outlines, notes) are shortened in the history table


def shown_time(stamp: str) -> str:
    """An ISO time from the store (UTC) as Beijing time to the minute; unreadable text as is."""
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(SHOWN_ZONE).strftime("%Y-%m-%d %H:%M")


def _short(value: str, lang: str) -> str:
    if value.startswith(("POLYGON", "MULTIPOLYGON")):
        try:
            return _WORDS["outline"].format(lang, a=outline_area_km2(parse_outline(value)))
        except ValueError:
            pass
    return value if len(value) <= _LONG else value[:_LONG - 1] + "…"


def _field(name: str, lang: str) -> str:
    try:
        return field_label(name, lang)
    except KeyError:
        return name


def _record(cell: object) -> dict[str, str]:
    """An audit cell: a JSON record, or None/NaN when there is none (insert, delete)."""
    return json.loads(cell) if isinstance(cell, str) and cell else {}


def describe_change(before: object, after: object, lang: str) -> str:
    """"field: old → new" for each changed field of one audit row (JSON records), fields by
    their labels in `lang`."""
    old, new = _record(before), _record(after)
    if not new:
        return _WORDS["deleted"].get(lang)
    colon = "：" if lang == "zh" else ": "
    parts = [f"{_field(k, lang)}{colon}{_short(old.get(k, ''), lang) or '∅'} → {_short(v, lang) or '∅'}"
             for k, v in new.items() if old.get(k, "") != v]
    if not old:
        return _WORDS["created"].format(lang, n=len([v for v in new.values() if v]))
    return "; ".join(parts) or _WORDS["none"].get(lang)


def history_frame(audit: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit rows of a record, newest first, for people reading `lang`: headers, actions
    and changed fields in that language, times in Beijing time."""
    headers = {code: label.get(lang) for code, label in HISTORY_HEADERS.items()}
    if audit.empty:
        return pd.DataFrame(columns=list(headers.values()))
    out = audit.copy()
    out["changes"] = [describe_change(b, a, lang)
                      for b, a in zip(out["before"], out["after"], strict=True)]
    out["at"] = out["at"].map(shown_time)
    out["action"] = out["action"].map(lambda a: ACTIONS[a].get(lang) if a in ACTIONS else a)
    return out[list(HISTORY_COLUMNS)].rename(columns=headers).reset_index(drop=True)


def audit_csv(audit: pd.DataFrame) -> bytes:
    """The full log as UTF-8 CSV (with BOM so Excel reads the Chinese); formulas neutralised."""
    frame = neutralise(audit[list(AUDIT_COLUMNS)].astype(object).where(audit.notna(), ""))
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def outlines_geojson(parks: pd.DataFrame) -> str:
    """Park outlines of a text parks table as a GeoJSON FeatureCollection (WGS-84)."""
    features = []
    for row in parks[parks["boundary"].fillna("") != ""].itertuples(index=False):
        geom = parse_outline(row.boundary)
        features.append({"type": "Feature", "geometry": geom.__geo_interface__, "properties": {
            "id": row.id, "name_zh": row.name_zh, "kind": row.kind,
            "area_km2_published": float(row.area_km2) if row.area_km2 else None,
            "area_km2_drawn": round(outline_area_km2(geom), 4),
            "source": row.source, "as_of": row.as_of}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def baseline_zip(store: Store, data_dir: Path) -> bytes:
    """The store as a new data/ baseline: the three CSVs (rows in data/'s order), the park
    outlines as GeoJSON and the audit log, zipped for review before committing."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        folder = Path(tmp)
        for name in ("parks.csv", "enterprises.csv", "projects.csv"):
            source = data_dir / name
            if source.exists():  # keeps data/'s row order, so a diff shows only the edits
                (folder / name).write_bytes(source.read_bytes())
        for path in export_csv(store, folder):
            z.write(path, path.name)
        z.writestr("park_outlines.geojson", outlines_geojson(store.read_tables()["parks"]))
        z.writestr("audit.csv", audit_csv(store.audit()))
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        z.writestr("README.txt", f"Baseline exported from {store.location} (version "
                                 f"{store.version()}) at {stamp}.\nCopy the CSVs into data/, "
                                 f"review `git diff`, run the tests, then commit.\n")
    return buffer.getvalue()
