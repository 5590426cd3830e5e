"""What an import changes in a stored record: only the fields its file carries, said before the commit.

A sheet with `id,name_zh,source` for an existing enterprise once emptied its eight other fields;
re-importing an old sheet wiped what an editor had added since. Now a field the file does not
carry keeps its stored value, an empty cell keeps it too unless the user asks to clear, and the
report lists every change (field: old → new) before anything is written.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from parks.model.schema import field_label

# Derived together by the geocoder from an address (or given as coordinates): one group
LOCATION = ("county_adcode", "town", "lon", "lat", "crs", "precision")
_LOCATES = {"address", "lon", "lat", "county_adcode", "town"}
# Filled from the import's settings when the file has no column: they describe the change, so
# they follow the stored record when nothing else changes (a re-import stays a no-op)
PROVENANCE = ("source", "as_of", "confidence", "region_adcode")


def carried_fields(mapping: Mapping[str, str]) -> frozenset[str]:
    """The record fields a file gives through its column mapping (header → field)."""
    fields = {field for field in mapping.values() if field}
    if fields & _LOCATES:
        fields |= set(LOCATION)
    return frozenset(fields)


def keep_stored(frame: pd.DataFrame, stored: pd.DataFrame | None, carried: Collection[str], *,
                clear_empty: bool = False) -> pd.DataFrame:
    """The import's rows with each existing record's fields the file does not carry (and, unless
    `clear_empty`, its empty cells) taken from the store; a new frame, rows and columns as given."""
    if stored is None or stored.empty or frame.empty:
        return frame.copy()
    old = stored.drop_duplicates("id").set_index("id")
    out = frame.copy()
    known = out["id"].isin(old.index).to_numpy()
    if not known.any():
        return out
    before = old.reindex(out.loc[known, "id"]).set_axis(out.index[known])
    for column in out.columns:
        if column in ("id", *PROVENANCE) or column not in before.columns:
            continue
        keep = pd.Series(column not in carried, index=before.index)
        if not clear_empty:
            keep |= out.loc[known, column].eq("")
        out.loc[before.index[keep], column] = before.loc[keep, column]
    _provenance(out, before, carried)
    return out


def _provenance(out: pd.DataFrame, before: pd.DataFrame, carried: Collection[str]) -> None:
    """Source, date and confidence stay the stored ones where nothing else changes."""
    facts = [c for c in out.columns if c not in ("id", *PROVENANCE) and c in before.columns]
    same = (out.loc[before.index, facts] == before[facts]).all(axis=1)
    for column in PROVENANCE:
        if column in before.columns and column not in carried:
            out.loc[before.index[same], column] = before.loc[same, column]


def change_lines(frame: pd.DataFrame, stored: pd.DataFrame | None,
                 lang: str) -> pd.Series:
    """Per row: "field: old → new; …" for an existing record the import changes ('' for a new
    or unchanged one), fields by their labels in `lang`."""
    out = pd.Series("", index=frame.index, dtype=object)
    if stored is None or stored.empty or frame.empty:
        return out
    old = stored.drop_duplicates("id").set_index("id")
    colon = "：" if lang == "zh" else ": "
    for idx, row in frame[frame["id"].isin(old.index)].iterrows():
        was = old.loc[row["id"]]
        out[idx] = "; ".join(f"{field_label(c, lang)}{colon}{was[c] or '∅'} → {row[c] or '∅'}"
                             for c in frame.columns if c in was.index and was[c] != row[c])
    return out
