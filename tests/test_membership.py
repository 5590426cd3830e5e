"""Tests for parks.analysis.membership and parks.analysis.compliance (and `python -m parks
compliance`): synthetic outlined parks, enterprises inside, outside and undecidable."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pandas as pd
import pytest

from parks.analysis.compliance import compliance
from parks.analysis.membership import counts, members
from parks.model.schema import PARKS
from tests.records import outlined_world, records, synthetic_park


@pytest.fixture
def synthetic(heze):
    return outlined_world(heze)


def test_each_record_belongs_to_its_innermost_park(synthetic):
    found = members(synthetic).set_index("id")
    assert found.loc["e-in-area", "park_id"] == "p-chem-east"
    assert found.loc["e-in-park", "park_id"] == "p-chem"
    assert found.loc["e-other-park", "park_id"] == "p-other"
    assert found.loc["e-outside", "status"] == "outside" and found.loc["e-outside", "park_id"] == ""
    assert found.loc["e-seat", "status"] == "undecidable"  # never counted as inside
    table = counts(members(synthetic), ["p-chem", "p-chem-east", "p-other"])
    assert table["enterprises"].tolist() == [2, 1, 1] and table["undecidable"].iloc[0] == 1


def test_without_outlines_nobody_is_inside(heze):
    found = members(heze)
    assert not (found["status"] == "inside").any()
    assert set(found.columns) == {"layer", "id", "park_id", "status"}


def test_the_rate_counts_chemical_parks_only_and_leaves_the_undecidable_apart(synthetic):
    result = compliance(synthetic)
    assert result.overall == {"chemical": 5, "inside": 2, "outside": 2, "undecidable": 1,
                              "rate": 0.5}
    outside = result.outside.set_index("id")
    assert set(outside.index) == {"e-outside", "e-other-park"}
    assert outside.loc["e-outside", "nearest_park"] in ("p-chem", "p-chem-east")
    assert outside.loc["e-outside", "to_outline"]  # measured to an outline, not a seat
    assert 2.0 < outside.loc["e-outside", "distance_km"] < 3.5  # 5 km north of ORIGIN, park to 35.24
    [county] = result.by_county.to_dict("records")
    assert county["county"] == "牡丹区" and county["rate"] == 0.5


def test_the_real_data_has_no_outlines_yet_so_every_chemical_firm_is_undecidable(heze):
    result = compliance(heze)
    assert result.overall["inside"] == 0 and result.overall["outside"] == 0
    assert result.overall["undecidable"] == result.overall["chemical"] > 0
    assert math.isnan(result.overall["rate"])


def test_the_cli_prints_valid_json(capsys):
    from parks.__main__ import main

    assert main(["compliance", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)  # NaN would not be valid JSON
    assert printed["overall"]["rate"] is None and printed["overall"]["chemical"] > 0


def test_outside_every_outline_is_undecidable_while_a_county_park_has_none(synthetic):
    unmapped = {**synthetic_park("p-chem-unmapped", "chemical_park", 115.40, 35.20, 115.41, 35.21),
                "boundary": ""}  # a chemical park of the same county without its outline yet
    parks = records(synthetic, PARKS, [unmapped])
    result = compliance(replace(synthetic, parks=pd.concat([synthetic.parks, parks])))
    assert result.overall == {"chemical": 5, "inside": 2, "outside": 0, "undecidable": 3,
                              "rate": 1.0}  # inside stays inside; outside may be in that park


def test_a_point_is_said_to_be_inside_a_chemical_park_only_from_an_outline(synthetic, heze):
    from parks.analysis.membership import park_at

    assert park_at(synthetic, 115.4705, 35.2275) == ("p-chem-east", 0)  # the 片区, innermost
    assert park_at(synthetic, 115.51, 35.22) == ("", 0)  # inside the industrial park only
    kinds = heze.parks["kind"]
    assert park_at(heze, 115.1, 35.25) == ("", int((kinds == "chemical_park").sum()))


def test_a_park_counts_the_members_of_its_pieces_and_says_which_parks_have_no_outline(synthetic):
    from parks.analysis.membership import park_members

    bare = {**synthetic_park("p-bare", "industrial_park", 115.40, 35.20, 115.41, 35.21),
            "boundary": ""}
    data = replace(synthetic, parks=pd.concat([synthetic.parks, records(synthetic, PARKS, [bare])]))
    table = park_members(data)
    assert table.loc["p-chem", "enterprises"] == 3  # its own 2 (e-pharma too) and its 片区's 1
    assert table.loc["p-chem-east", "enterprises"] == 1 and table.loc["p-other", "enterprises"] == 1
    assert table["outlined"].to_dict() == {"p-chem": True, "p-chem-east": True, "p-other": True,
                                           "p-bare": False}
    assert table.loc["p-bare", "enterprises"] == 0  # a figure nobody may show: outlined says so
    assert set(table["undecidable"]) == {1}  # e-seat, of the county all four lie in


def test_a_park_is_held_by_a_chemical_park_from_its_outline_or_merely_by_its_point(synthetic):
    from parks.analysis.membership import held_by

    inner = synthetic_park("p-inner", "industrial_park", 115.445, 35.215, 115.455, 35.225)
    point_only = {**synthetic_park("p-point", "industrial_park", 115.45, 35.22, 115.451, 35.221),
                  "boundary": ""}
    parks = pd.concat([synthetic.parks, records(synthetic, PARKS, [inner, point_only])])
    held = held_by(parks)
    assert held.loc["p-inner"].tolist() == ["p-chem", "p-chem"]
    assert held.loc["p-point"].tolist() == ["", "p-chem"]  # said, never counted
    assert held.loc["p-other"].tolist() == ["", ""]
    assert "p-chem" not in held.index  # chemical parks themselves are not asked about
