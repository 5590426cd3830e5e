"""Tests for parks.model.credit_code: the GB 32100-2015 check character of 统一社会信用代码."""

from __future__ import annotations

import pytest

from parks.model.credit_code import (
    ALPHABET,
    check_character,
    cleaned,
    credit_code_problem,
    looks_like_credit_codes,
)


def test_the_alphabet_has_31_characters_without_i_o_s_v_z():
    assert len(ALPHABET) == 31 and not set("IOSVZ") & set(ALPHABET)


def test_check_character_by_hand():
    # 9·1+1·3+3·9+5·27+0·19+1·26+0·16+0·17+M(21)·20+0·29+0·25+0·13+1·8+0·24+0·10+Y(30)·30+4·28
    # = 1640; 1640 mod 31 = 28; 31 − 28 = 3
    assert check_character("91350100M000100Y4") == "3"
    assert credit_code_problem("91350100M000100Y43") is None


def test_a_sum_divisible_by_31_gives_zero_not_31():
    assert check_character("91371702MA0000028") == "0"  # synthetic prefix; 31 → 0
    assert credit_code_problem("91371702MA00000280") is None


@pytest.mark.parametrize(("code", "en", "zh"), [
    ("91350100M000100Y44", "wrong check character 4: GB 32100-2015 gives 3", "应为 3"),
    ("91350100M000100Y4", "has 18 characters, this has 17", "这里是 17 位"),
    ("91350100MO00100Y43", "not O", "不能有 O"),
])
def test_a_bad_code_is_told_in_both_languages(code, en, zh):
    problem = credit_code_problem(code)
    assert en in problem.en and zh in problem.zh


def test_typed_forms_are_cleaned_and_columns_recognised():
    assert cleaned(" ９１３５０１００m000100y43 ") == "91350100M000100Y43"
    assert credit_code_problem("91350100m000100y43") is None
    good = ["91350100M000100Y43", "91371702MA00000280", ""]
    assert looks_like_credit_codes(good)
    assert not looks_like_credit_codes(["91350100M000100Y44", "91371702MA00000281", "x"])
    assert not looks_like_credit_codes(["", " "])
