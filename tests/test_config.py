"""Tests for parks.config, parks.model.vocab, parks.model.schema and parks.errors."""

from __future__ import annotations

import pytest

from parks.config import DEFAULT_CONFIG
from parks.errors import DataValidationError, Problem
from parks.model.schema import TABLES
from parks.model.vocab import KIND, PRECISION, STAGE


def test_regions_and_layers_are_looked_up_by_key():
    assert DEFAULT_CONFIG.region("371700").label.en == "Heze"
    assert DEFAULT_CONFIG.region(370800).label.zh == "济宁市"
    with pytest.raises(KeyError, match="unknown region '110000'"):
        DEFAULT_CONFIG.region("110000")
    assert not DEFAULT_CONFIG.layer("choropleth").default_on
    assert all(layer.help for layer in DEFAULT_CONFIG.layers)


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        DEFAULT_CONFIG.default_region = "370800"  # type: ignore[misc]


def test_vocabularies():
    assert PRECISION.codes == ("surveyed", "digitised", "town", "county", "unlocated")
    assert KIND.label("chemical_park", "zh") == "化工园区"
    assert STAGE.label("under_construction", "zh") == "开工"
    assert KIND.label("no-such-kind", "zh") == "no-such-kind"  # shown as is, never a crash
    assert len({t.colour for t in KIND.terms}) == len(KIND.terms)
    assert len({t.glyph.en for t in KIND.terms}) == len(KIND.terms)
    with pytest.raises(KeyError, match="allowed: surveyed"):
        PRECISION.get("exact")


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.name)
def test_schemas_have_unique_columns_and_the_common_ones(spec):
    assert len(set(spec.names)) == len(spec.names)
    for name in ("id", "name_zh", "region_adcode", "county_adcode", "town", "lon", "lat", "crs",
                 "precision", "source", "as_of", "confidence"):
        assert name in spec.names
    assert spec.column("precision").allowed == PRECISION.codes
    assert all(c.ref for c in spec.columns if c.dtype == "ref")


def test_validation_error_lists_every_problem_in_its_message():
    problems = [Problem("parks.csv", i + 2, "kind", f"k{i}", "not one of: …") for i in range(25)]
    error = DataValidationError(problems)
    assert isinstance(error, ValueError)
    assert len(error.problems) == 25
    text = str(error)
    assert text.startswith("25 data problems:")
    assert "parks.csv, row 2, field 'kind': not one of: … (value 'k0')" in text
    assert "… and 5 more" in text
    assert Problem("x.csv", None, "", "", "file not found").as_dict()["row"] is None
