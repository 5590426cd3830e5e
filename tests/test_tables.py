"""Tests for parks.display.tables: readable tables, and who is inside which park by outline."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from parks.analysis.membership import membership_of
from parks.display.tables import IN_PARK, NO_OUTLINE, UNDECIDED, display_table
from parks.model.schema import PARKS
from tests.records import outlined_world, records, synthetic_park


def test_records_name_their_innermost_park_and_say_when_it_cannot_be_decided(heze):
    world = outlined_world(heze)
    names = dict(zip(world.parks["id"], world.parks["name_zh"], strict=True))
    table = display_table(world.enterprises, "enterprises", world.taxonomy, "zh", names,
                          membership_of(world))
    shown = dict(zip(table["编号"], table[IN_PARK.zh], strict=True))
    assert shown == {"e-in-area": "合成p-chem-east", "e-in-park": "合成p-chem",
                     "e-outside": "", "e-other-park": "合成p-other",
                     "e-seat": UNDECIDED.zh, "e-pharma": "合成p-chem"}
    columns = list(table.columns)
    assert columns.index(IN_PARK.zh) == columns.index("县区") - 1  # beside the place it has
    english = display_table(world.enterprises, "enterprises", world.taxonomy, "en", names,
                            membership_of(world))
    assert "undecidable (town/county only)" in set(english["In park"])


def test_parks_count_their_members_and_a_park_without_outline_shows_a_dash(heze):
    world = outlined_world(heze)
    bare = {**synthetic_park("p-bare", "industrial_park", 115.40, 35.20, 115.41, 35.21),
            "boundary": ""}
    world = replace(world, parks=pd.concat([world.parks, records(world, PARKS, [bare])]))
    table = display_table(world.parks, "parks", world.taxonomy, "zh", None, membership_of(world))
    counts = dict(zip(table["编号"], table["范围内企业"], strict=True))
    assert counts == {"p-chem": "3", "p-chem-east": "1", "p-other": "1", "p-bare": NO_OUTLINE}
    assert set(table["范围内项目"]) == {"0", NO_OUTLINE}


def test_without_memberships_the_table_is_as_before(heze):
    table = display_table(heze.enterprises, "enterprises", heze.taxonomy, "zh")
    assert IN_PARK.zh not in table.columns


def test_the_enterprises_categoricals_become_text_with_empty_cells_empty(heze):
    # Streamlit's table shows an empty category as "None": the table hands it text
    shown = heze.enterprises[heze.enterprises["town"] == ""].head(5)
    assert len(shown) and isinstance(shown["town"].dtype, pd.CategoricalDtype)
    table = display_table(shown, "enterprises", heze.taxonomy, "zh")
    assert not [c for c in table.columns if isinstance(table[c].dtype, pd.CategoricalDtype)]
    assert set(table["乡镇/街道"]) == {""}
