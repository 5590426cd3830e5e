"""What the server derives per data version besides the records (the map page's prepared map,
the memberships), kept beside the region's prepared snapshot so that a restart reads it."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd
import pyarrow as pa
from pyarrow import parquet

from parks.model.prepared import SnapshotKey, code_digest, read_extra, whole_table, write_extra
from ui.map_widget import PreparedMap

# the code a kept map or membership frame comes from: a change to any of it makes them stale
_CODE = ("parks/*.py", "parks/model/*.py", "parks/analysis/*.py", "parks/display/*.py",
         "geo/*.py", "geo/templates/*", "ui/map_widget.py", "ui/derived.py")
_OBJECTS = b"heze_object_columns"
_LIBRARIES = ("folium", "branca", "jinja2", "streamlit-folium", "pandas", "geopandas",
              "pyarrow", "shapely", "numpy")


@dataclass(frozen=True)
class Place:
    """Where a data version's derived files are kept: its snapshot (root and key)."""

    root: Path
    key: SnapshotKey


def _code() -> str:
    return code_digest(_CODE, _LIBRARIES)


def _name(kind: str, parts: object, suffix: str) -> str:
    return f"{kind}-{hashlib.sha256(repr(parts).encode()).hexdigest()[:16]}.{suffix}"


def kept_map(place: Place | None, parts: object, build: Callable[[], PreparedMap]) -> PreparedMap:
    """The prepared map for `parts` (the look and the widget key: everything besides the data
    that shapes it): read when kept for this data version and code, else built and kept."""
    if place is None:
        return build()
    name = _name("map", parts, "json")
    if (data := read_extra(place.root, place.key, name, _code())) is not None:
        with contextlib.suppress(ValueError, TypeError):
            got = json.loads(data)
            return PreparedMap(**{f.name: tuple(got[f.name]) if isinstance(got[f.name], list)
                                  else got[f.name] for f in fields(PreparedMap)})
    made = build()
    write_extra(place.root, place.key, name, json.dumps(asdict(made)).encode(), _code())
    return made


def kept_frame(place: Place | None, parts: object, build: Callable[[], pd.DataFrame]
               ) -> pd.DataFrame:
    """The frame for `parts` (what derived it, e.g. "members"): read when kept for this data
    version and code, else built and kept (as Parquet; dtypes as built)."""
    if place is None:
        return build()
    name = _name("frame", parts, "parquet")
    if (data := read_extra(place.root, place.key, name, _code())) is not None:
        with contextlib.suppress(ValueError, TypeError, KeyError, pa.ArrowException):
            return _frame_from(data)
    made = build()
    write_extra(place.root, place.key, name, _frame_bytes(made), _code())
    return made


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    """Parquet, noting which columns were of object dtype (pandas reads text back as str)."""
    sink = io.BytesIO()
    objects = [str(c) for c in frame.columns if frame[c].dtype == object]
    table = pa.Table.from_pandas(frame, preserve_index=True)
    meta = {**(table.schema.metadata or {}), _OBJECTS: json.dumps(objects).encode()}
    parquet.write_table(table.replace_schema_metadata(meta), sink)
    return sink.getvalue()


def _frame_from(data: bytes) -> pd.DataFrame:
    table = whole_table(data)
    objects = json.loads(table.schema.metadata[_OBJECTS])
    return table.to_pandas().astype(dict.fromkeys(objects, object))
