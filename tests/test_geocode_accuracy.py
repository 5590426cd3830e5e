"""The public address test set: ≥ 98% right county, ≥ 85% right town, every reject rejected;
per category (functional areas, short and former names, villages, false friends); the speed."""

from __future__ import annotations

import pytest

from bench.bench_geocode import accuracy, by_category, read_cases, rejected_share


@pytest.mark.parametrize(("file", "region"), [("addresses_heze.csv", "371700"),
                                              ("addresses_jining.csv", "370800")])
def test_accuracy_on_public_addresses(file, region):
    cases = read_cases(file)
    assert len(cases) >= (100 if region == "371700" else 25)
    assert (cases["source"] != "").all()  # every address is cited
    acc = accuracy(cases, region)
    assert acc["county"] >= 0.98, acc
    assert acc["town"] >= 0.85, acc


def test_every_out_of_region_and_malformed_string_is_rejected():
    cases = read_cases("addresses_rejected.csv")
    assert len(cases) >= 40
    assert rejected_share(cases, "371700") == 1.0


@pytest.mark.parametrize("file", ["addresses_categories.csv", "addresses_synthetic.csv"])
def test_every_category_is_present_cited_and_scored(file):
    cases = read_cases(file)
    assert {"functional_area", "short_form", "former_name", "village", "false_friend",
            "other_county"} <= set(cases["category"])
    assert (cases["source"] != "").all()
    table = by_category(cases, "371700").set_index("category")
    assert (table["county"].dropna() == 1.0).all(), table
    assert (table["functional_area"].dropna() == 1.0).all(), table
    assert (table["rejected"].dropna() == 1.0).all(), table  # no false friend placed in Heze
    assert (table["town"].dropna() >= 0.8).all(), table
