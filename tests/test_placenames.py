"""Tests for geo.placenames: the spellings a town is indexed under."""

from __future__ import annotations

from geo.placenames import _town_forms


def test_town_forms_add_x_zhen_for_x_ji_zhen_unless_another_town_has_that_name():
    forms = dict(_town_forms("普连集镇", {"普连集镇"}))
    assert "普连镇" in forms and "普连集" in forms and forms["普连集"] is True
    assert "大黄镇" not in dict(_town_forms("大黄集镇", {"大黄集镇", "大黄镇"}))
    assert "黄镇" not in dict(_town_forms("黄集镇", {"黄集镇"}))  # the stem is one character


def test_one_character_stems_are_not_indexed():
    assert _town_forms("皇镇", set()) == []
