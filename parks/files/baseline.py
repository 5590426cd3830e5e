"""The audit trail for people: per-record history with what changed, the log as CSV, a baseline zip."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from parks.files.exports import neutralise
from parks.model.outlines import outline_area_km2, parse_outline
from parks.store.base import AUDIT_COLUMNS, Store, export_csv

HISTORY_COLUMNS = ("seq", "at", "user", "reason", "action", "changes")
_LONG = 48  # longer values (outlines, notes) are shortened in the history table


def _short(value: str) -> str:
    if value.startswith(("POLYGON", "MULTIPOLYGON")):
        try:
            return f"outline {outline_area_km2(parse_outline(value)):.2f} km²"
        except ValueError:
            pass
    return value if len(value) <= _LONG else value[:_LONG - 1] + "…"


def _record(cell: object) -> dict[str, str]:
    """An audit cell: a JSON record, or None/NaN when there is none (insert, delete)."""
    return json.loads(cell) if isinstance(cell, str) and cell else {}


def describe_change(before: object, after: object) -> str:
    """"field: old → new" for each changed field of one audit row (JSON records)."""
    old, new = _record(before), _record(after)
    if not new:
        return "deleted"
    parts = [f"{k}: {_short(old.get(k, '')) or '∅'} → {_short(v) or '∅'}"
             for k, v in new.items() if old.get(k, "") != v]
    if not old:
        return f"created ({len([v for v in new.values() if v])} fields)"
    return "; ".join(parts) or "no change"


def history_frame(audit: pd.DataFrame) -> pd.DataFrame:
    """The audit rows of a record, newest first, with a readable list of changes."""
    if audit.empty:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    out = audit.copy()
    out["changes"] = [describe_change(b, a) for b, a in zip(out["before"], out["after"], strict=True)]
    return out[list(HISTORY_COLUMNS)].reset_index(drop=True)


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
