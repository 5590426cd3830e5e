"""Likely duplicate records: pairs whose distinctive names are near-identical, found at any size."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from parks.model.dataset import search_text

# Words that make two names of one place look different, or two different places look alike;
# what is left after removing them (and place names) is the distinctive part of a name.
_NOISE = re.compile(
    r"[（(].*?[)）]|山东省?|有限公司|股份|集团|项目|·|科技|高新技术产业开发区|经济技术开发区|"
    r"经济开发区|开发区|高新区|产业园区|产业园|工业园区|工业园|园区|化工|作业区|港区|物流园|新区")
COLUMNS = ["id_a", "name_a", "id_b", "name_b", "similarity"]
# How records are paired, by how many a table holds (measured on synthetic registers, 2 cores):
EVERY_PAIR_UP_TO = 1_000  # every pair: 1.3 s at 1,000 records, 8.7 s at 3,000 (quadratic)
NEIGHBOURS_UP_TO = 20_000  # beyond: records with the same distinctive name only (linear)
NEIGHBOURS = 3  # each record is compared with the next 3 in name order and in reversed-name order


def place_words(city: str, counties: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """City and county names with and without their 市/县/区 suffix, longest first."""
    words = {city, *counties}
    words |= {w[:-1] for w in words if len(w) > 2 and w[-1] in "市县区"}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def search_method(records: int) -> str:
    """How likely_duplicates pairs a table of this many records: 'every_pair', 'neighbours'
    (names next to each other when sorted, and identical ones) or 'identical' (same distinctive
    name and county only)."""
    if records <= EVERY_PAIR_UP_TO:
        return "every_pair"
    return "neighbours" if records <= NEIGHBOURS_UP_TO else "identical"


def _core(name: str, places: tuple[str, ...]) -> str:
    core = _NOISE.sub("", name)
    for place in places:
        core = core.replace(place, "")
    return search_text(core)


def _similar(core_a: str, core_b: str, threshold: float) -> float | None:
    """Similarity of two distinctive cores, or None when they do not look alike."""
    if not core_a or not core_b:
        return None
    ratio = difflib.SequenceMatcher(None, core_a, core_b).ratio()
    shorter = min(core_a, core_b, key=len)
    if ratio >= threshold or (len(shorter) >= 3 and (core_a in core_b or core_b in core_a)):
        return round(ratio, 2)
    return None


def _cores(names: pd.Series, places: tuple[str, ...]) -> pd.Series:
    """The distinctive core of each name (Arrow text, numbered from 0), worked out once per
    distinct name."""
    at, distinct = pd.factorize(names.astype("str"), use_na_sentinel=False)
    cores = pd.Series([_core(name, places) for name in distinct], dtype="str")
    return cores.take(at).reset_index(drop=True)


def _identical(cores: pd.Series, county: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Positions (a, b), a < b: each record paired with the first of its group of the same
    non-empty core and county (a star, not every pair: linear in the group's size)."""
    # Arrow text throughout: a Python string per cell was 0.5 GB at 1M (measured)
    group, _ = pd.factorize(cores + "\x1f" + county.astype("str").reset_index(drop=True))
    group = np.where((cores == "").to_numpy(), -1, group)
    order = np.lexsort((np.arange(len(group)), group))
    first = np.r_[True, group[order][1:] != group[order][:-1]]
    head = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    a, b = order[head], order
    keep = ~first & (group[order] >= 0)
    return a[keep], b[keep]


def _neighbours(cores: np.ndarray) -> Iterable[tuple[int, int]]:
    """Positions (a, b), a < b, of records within NEIGHBOURS of each other in core order and
    in reversed-core order: names sharing a beginning or an ending meet there."""
    for key in (cores, np.array([c[::-1] for c in cores], dtype=object)):
        order = np.argsort(key, kind="stable")
        for step in range(1, NEIGHBOURS + 1):
            for x, y in zip(order[:-step], order[step:], strict=True):
                yield (int(min(x, y)), int(max(x, y)))


def _every_pair(n: int) -> Iterable[tuple[int, int]]:
    return ((i, j) for i in range(n) for j in range(i + 1, n))


def likely_duplicates(frame: pd.DataFrame, *, places: tuple[str, ...] = (),
                      threshold: float = 0.85) -> pd.DataFrame:
    """Pairs of records whose names, once generic words and `places` (city and county names)
    are removed, are near-identical; records in different counties and parent/child pairs are
    never pairs. Which pairs are looked at depends on the table's size (search_method)."""
    n = len(frame)
    empty = pd.Series("", index=frame.index, dtype="str")
    county = frame.get("county_adcode", empty)
    cores = _cores(frame["name_zh"], places)
    method = search_method(n)
    a, b = _identical(cores, county) if method != "every_pair" else (np.array([], int),) * 2
    similarity = np.ones(len(a))
    if method != "identical":
        scored = _scored(cores.to_numpy(dtype=object), county.to_numpy(dtype=object), method,
                         {(int(x), int(y)) for x, y in zip(a, b, strict=True)}, threshold)
        a = np.r_[a, [x for x, _, _ in scored]].astype(int)
        b = np.r_[b, [y for _, y, _ in scored]].astype(int)
        similarity = np.r_[similarity, [r for _, _, r in scored]]
    parent = frame.get("parent_id", empty)
    ids = frame["id"]
    keep = ((ids.iloc[a].to_numpy(dtype=object) != parent.iloc[b].to_numpy(dtype=object))
            & (ids.iloc[b].to_numpy(dtype=object) != parent.iloc[a].to_numpy(dtype=object)))
    order = np.lexsort((b[keep], a[keep]))
    a, b, similarity = a[keep][order], b[keep][order], similarity[keep][order]
    return pd.DataFrame({"id_a": ids.iloc[a].to_numpy(dtype=object),
                         "name_a": frame["name_zh"].iloc[a].to_numpy(dtype=object),
                         "id_b": ids.iloc[b].to_numpy(dtype=object),
                         "name_b": frame["name_zh"].iloc[b].to_numpy(dtype=object),
                         "similarity": similarity}, columns=COLUMNS)


def _scored(cores: np.ndarray, county: np.ndarray, method: str, found: set[tuple[int, int]],
            threshold: float) -> list[tuple[int, int, float]]:
    """(a, b, similarity) of the pairs `method` looks at besides `found`, in one county (or
    without one) and alike."""
    pairs = _every_pair(len(cores)) if method == "every_pair" else set(_neighbours(cores)) - found
    return [(x, y, r) for x, y in pairs
            if (not county[x] or not county[y] or county[x] == county[y])
            and (r := _similar(cores[x], cores[y], threshold)) is not None]
