"""Tests for parks.model.arrow_text: whole-column membership, lookup and numbers agree with
pandas and with Python's float() cell by cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parks.model.arrow_text import among, lookup, number, numbers, positions

TEXTS = ["115.48", "-0", "+.5e+2", "1.", ".5", "00012", "1e999", "-1E-3", " 35.2", "35.2 ",
         "1_000", "nan", "inf", "-inf", "abc", "", "1,5", "0x10", "٣", "3.14159265358979323846",
         "0.1000000000000000055511151231257827", "4.9e-324", "1e-400"]


@pytest.mark.parametrize("dtype", ["str", object])
def test_numbers_read_every_cell_as_python_float_does(dtype):
    values = pd.Series(TEXTS, dtype=dtype)
    got = numbers(values)
    for text, value in zip(TEXTS, got, strict=True):
        expected = number(text) if text else None
        assert (np.isnan(value) if expected is None else value == expected), text


def test_numbers_of_random_decimals_match_float_to_the_last_bit():
    rng = np.random.default_rng(7)
    texts = [f"{x:.{d}f}" for x, d in zip(rng.uniform(-180, 180, 5000),
                                          rng.integers(0, 17, 5000), strict=True)]
    texts += [repr(float(x)) for x in rng.normal(0, 1e6, 2000)]
    assert numbers(pd.Series(texts, dtype="str")).tolist() == [float(t) for t in texts]


def test_numbers_of_no_cells_and_of_a_filtered_index():
    assert numbers(pd.Series([], dtype="str")).shape == (0,)
    values = pd.Series(["1", "x", "2"], index=[10, 20, 30], dtype="str")
    assert numbers(values[values != "x"]).tolist() == [1.0, 2.0]


def test_among_is_isin():
    values = pd.Series(["a", "b", "", "c", "a"], dtype="str")
    for allowed in (["a", "c"], pd.Series(["c"], dtype="str"), [], ("",), {"zz"}):
        assert among(values, allowed).tolist() == values.isin(list(allowed)).tolist()
    assert among(values.iloc[:0], ["a"]).tolist() == []


def test_positions_and_lookup():
    values = pd.Series(["k2", "x", "k1", "k2"], index=[5, 6, 7, 8], dtype="str")
    assert positions(values, ["k1", "k2", "k1"]).tolist() == [1, -1, 0, 1]
    assert positions(values, []).tolist() == [-1] * 4
    found = lookup(values, {"k1": "one", "k2": "two"}, default="?")
    assert found.tolist() == ["two", "?", "one", "two"]
    assert found.index.tolist() == [5, 6, 7, 8]
    assert lookup(values, {}).tolist() == [""] * 4
