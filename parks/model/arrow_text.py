"""Whole-column work on pandas' Arrow text (membership, lookup, numbers) without a Python object per cell."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# a plain decimal: Arrow parses it correctly rounded, as Python's float() does; anything else
# (spaces, '1_000', 'nan', 'inf') goes through `float` itself
_DECIMAL = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def _arrow(values: pd.Series | Iterable[str]) -> pa.ChunkedArray:
    """The cells as Arrow large text (pandas' own buffers for its `str` columns; missing → null)."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="str")
    cells = pa.array(series.astype("str"), pa.large_string())
    return cells if isinstance(cells, pa.ChunkedArray) else pa.chunked_array([cells])


def _flat(result: pa.ChunkedArray | pa.Array, *, fill: object) -> np.ndarray:
    return pc.fill_null(result, fill).to_numpy()


def among(values: pd.Series, allowed: pd.Series | Iterable[str]) -> np.ndarray:
    """values.isin(allowed) as a bool array, by Arrow's hash set: pandas' isin on Arrow text
    makes a Python object per allowed value (7 s for 1M ids in a load, measured)."""
    allowed = _arrow(allowed)
    if not len(allowed) or values.empty:
        return np.zeros(len(values), dtype=bool)
    return _flat(pc.is_in(_arrow(values), value_set=allowed.combine_chunks()), fill=False)


def positions(values: pd.Series, keys: pd.Series | Iterable[str]) -> np.ndarray:
    """The position in `keys` of each value (the first, where a key repeats); -1 where absent."""
    keys = _arrow(keys)
    if not len(keys) or values.empty:
        return np.full(len(values), -1, dtype=np.int64)
    found = pc.index_in(_arrow(values), value_set=keys.combine_chunks())
    return _flat(found, fill=-1).astype(np.int64)


def lookup(values: pd.Series, table: Mapping[str, str], default: str = "") -> pd.Series:
    """The text `table` gives each value (`default` where it has none), as a `str` Series on
    the values' index."""
    at = positions(values, table.keys())
    picked = np.array([*table.values(), default], dtype=object)[at]  # -1 picks the default
    return pd.Series(picked, index=values.index, dtype="str")


def number(text: str) -> float | None:
    """A cell as Python's float() reads it; None when unreadable or not finite."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def numbers(values: pd.Series) -> np.ndarray:
    """Each cell as `number` reads it, NaN for None and empty cells: plain decimals parsed by
    Arrow (0.05 s for 1M cells against 1.5 s through Python, measured), the rest by `number`."""
    out = np.full(len(values), np.nan)
    if values.empty:
        return out
    text = _arrow(values)
    plain = _flat(pc.match_substring_regex(text, _DECIMAL), fill=False)
    if plain.any():
        out[plain] = pc.cast(pc.filter(text, pa.array(plain)), pa.float64()).to_numpy()
    other = ~plain & (values != "").to_numpy(dtype=bool, na_value=False)
    if other.any():
        parsed = {v: number(v) for v in values[other].unique()}
        out[other] = values[other].map(lambda v: np.nan if parsed[v] is None else parsed[v])
    out[~np.isfinite(out)] = np.nan
    return out
