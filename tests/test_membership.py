"""Tests for parks.analysis.membership and parks.analysis.compliance (and `python -m parks
compliance`): synthetic outlined parks, enterprises inside, outside and undecidable."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pandas as pd
import pytest
from shapely.geometry import box

from parks.analysis.compliance import compliance
from parks.analysis.membership import counts, members
from parks.model.schema import ENTERPRISES, PARKS
from tests.records import at, records

ORIGIN = (115.45, 35.22)  # near Heze's city; every park and firm below is synthetic


def _park(park_id: str, kind: str, west: float, south: float, east: float, north: float) -> dict:
    outline = box(west, south, east, north)
    return {"id": park_id, "name_zh": f"合成{park_id}", "kind": kind, "region_adcode": "371700",
            "county_adcode": "371702", "precision": "digitised", "crs": "WGS84",
            "lon": repr(outline.centroid.x), "lat": repr(outline.centroid.y),
            "boundary": f"MULTIPOLYGON ((({west} {south}, {east} {south}, {east} {north}, "
                        f"{west} {north}, {west} {south})))",
            "source": "synthetic", "as_of": "2026-01-01", "confidence": "low"}


def _firm(firm_id: str, place: dict, subsector: str = "NMT.CHEMICAL") -> dict:
    return {"id": firm_id, "name_zh": f"合成{firm_id}", "industry": subsector.split(".")[0],
            "subsector": subsector, "region_adcode": "371700", "county_adcode": "371702",
            **place, "source": "synthetic", "as_of": "2026-01-01", "confidence": "low"}


@pytest.fixture
def synthetic(heze):
    parks = [_park("p-chem", "chemical_park", 115.44, 35.21, 115.48, 35.24),
             _park("p-chem-east", "chemical_park", 115.465, 35.215, 115.478, 35.235),  # a 片区
             _park("p-other", "industrial_park", 115.50, 35.21, 115.52, 35.23)]
    firms = [_firm("e-in-area", at(ORIGIN, 2300, 800)),  # inside the 片区 (and the park)
             _firm("e-in-park", at(ORIGIN, 500, 800)),  # inside the park, west of the 片区
             _firm("e-outside", at(ORIGIN, 0, 5000)),  # 5 km north of everything
             _firm("e-other-park", at(ORIGIN, 5500, 800)),  # inside the industrial park
             _firm("e-seat", {"precision": "county"}),  # known to its county only
             _firm("e-pharma", at(ORIGIN, 600, 900), "BIO.TCM")]  # not chemical
    return replace(heze, parks=records(heze, PARKS, parks),
                   enterprises=records(heze, ENTERPRISES, firms),
                   projects=heze.projects.iloc[0:0])


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
    unmapped = {**_park("p-chem-unmapped", "chemical_park", 115.40, 35.20, 115.41, 35.21),
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
