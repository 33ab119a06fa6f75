"""统一社会信用代码 per GB 32100-2015: valid codes pass, each kind of wrong one is named.

The check character is a weighted sum modulo 31, a prime, with weights that
are never 0 modulo 31: any single wrong character changes the sum and is
caught. The property test at the end checks exactly that.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import uscc
from ledger.uscc import ALPHABET, CATEGORIES, USCCError

REAL_CODE = "91350100M000100Y43"  # a published enterprise code (福建, 福州)


def test_a_known_real_code_is_valid():
    assert uscc.normalise(REAL_CODE) == REAL_CODE


def test_the_check_character_of_the_known_real_code_is_recomputed():
    assert uscc.check_character(REAL_CODE[:17]) == REAL_CODE[17]
    assert uscc.make(REAL_CODE[:17]) == REAL_CODE


def test_the_weights_are_those_of_the_standard():
    # GB 32100-2015 §5: W_i = 3^(i-1) mod 31
    assert uscc._WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize(
    "first17",
    [
        "91370200MA3C0A0B1",  # enterprise, Qingdao
        "12370200000000000",  # 事业单位
        "52370200ABCDEFGHJ",  # 民办非企业单位
        "Y1110000KLMNPQRTU",  # 其他
        "N2370212WXY012345",  # 村级集体经济组织
        "A1110000000000001",  # 军队事业单位
    ],
)
def test_codes_built_with_make_are_valid(first17):
    code = uscc.make(first17)
    assert len(code) == 18
    assert uscc.normalise(code) == code


def test_lower_case_is_accepted_and_upper_cased():
    assert uscc.normalise(REAL_CODE.lower()) == REAL_CODE
    assert uscc.normalise("91350100m000100y43") == REAL_CODE


@pytest.mark.parametrize("padded", [f"  {REAL_CODE}  ", f"\t{REAL_CODE}\n", f"\u3000{REAL_CODE}"])
def test_surrounding_spaces_are_stripped(padded):
    assert uscc.normalise(padded) == REAL_CODE


@pytest.mark.parametrize(
    ("code", "length"),
    [(REAL_CODE[:17], 17), (REAL_CODE + "1", 19), ("", 0), ("   ", 0), ("9135 0100M000100Y43", 19)],
)
def test_a_code_of_the_wrong_length_is_refused_with_its_length(code, length):
    with pytest.raises(USCCError, match=f"须为 18 位, .* 有 {length} 位$"):
        uscc.normalise(code)


@pytest.mark.parametrize("value", [None, 91350100, b"91350100M000100Y43"])
def test_a_code_that_is_not_text_is_refused(value):
    with pytest.raises(USCCError, match="须为 18 位"):
        uscc.normalise(value)


@pytest.mark.parametrize("forbidden", ["I", "O", "S", "V", "Z", "i", "o", "s", "v", "z"])
def test_the_letters_the_standard_leaves_out_are_refused_by_name(forbidden):
    code = REAL_CODE[:10] + forbidden + REAL_CODE[11:]
    with pytest.raises(USCCError, match=f"GB 32100-2015 不允许的字符: {forbidden.upper()}$"):
        uscc.normalise(code)


@pytest.mark.parametrize("bad", ["-", ".", "_", "#", "/", "中", "码"])
def test_punctuation_and_chinese_characters_are_refused_by_name(bad):
    code = REAL_CODE[:12] + bad + REAL_CODE[13:]
    with pytest.raises(USCCError, match=f"GB 32100-2015 不允许的字符: {re.escape(bad)}$"):
        uscc.normalise(code)


def test_every_forbidden_character_is_listed_once():
    code = "9135O100M0I0S0VZOI"
    with pytest.raises(USCCError) as refused:
        uscc.normalise(code)
    assert str(refused.value).endswith(": IOSVZ")


@pytest.mark.parametrize("authority", sorted(set(ALPHABET) - set(CATEGORIES)))
def test_an_unknown_registering_authority_is_refused(authority):
    code = uscc.make(authority + "1350100M000100Y4")
    with pytest.raises(USCCError, match=f"未知的登记管理部门代码 '{authority}'"):
        uscc.normalise(code)


@pytest.mark.parametrize(
    ("authority", "category"),
    [
        ("9", "4"),  # 工商 issues 1 2 3 only
        ("9", "9"),
        ("Y", "2"),  # 其他 issues 1 only
        ("2", "2"),
        ("1", "5"),
        ("3", "6"),
        ("N", "4"),
        ("9", "A"),
    ],
)
def test_a_category_the_authority_does_not_issue_is_refused(authority, category):
    code = uscc.make(authority + category + "350100M000100Y4")
    with pytest.raises(USCCError, match=f"机构类别代码 '{category}' 不由登记管理部门 '{authority}' 赋予"):
        uscc.normalise(code)


@pytest.mark.parametrize(
    ("authority", "category"),
    [(a, c) for a, issued in sorted(CATEGORIES.items()) for c in issued],
)
def test_every_category_an_authority_issues_is_accepted(authority, category):
    code = uscc.make(authority + category + "350100M000100Y4")
    assert uscc.normalise(code) == code


@pytest.mark.parametrize("division", ["3501A0", "A50100", "35010Y", "HJKLMN"])
def test_a_division_code_with_letters_is_refused(division):
    code = uscc.make("91" + division + "M000100Y4")
    with pytest.raises(USCCError, match=f"行政区划码 '{division}' 须为 6 位数字"):
        uscc.normalise(code)


@pytest.mark.parametrize("wrong", sorted(set(ALPHABET) - {REAL_CODE[17]}))
def test_a_wrong_check_character_is_refused_naming_the_expected_one(wrong):
    code = REAL_CODE[:17] + wrong
    with pytest.raises(USCCError, match=f"校验码是 '{wrong}', 应为 '3'"):
        uscc.normalise(code)


def test_a_uscc_error_is_a_value_error():
    assert issubclass(USCCError, ValueError)


def test_the_alphabet_has_the_31_characters_of_the_standard():
    assert len(ALPHABET) == 31
    assert set(ALPHABET) == set("0123456789ABCDEFGHJKLMNPQRTUWXY")
    assert not set("IOSVZ") & set(ALPHABET)


alphabet_char = st.sampled_from(ALPHABET)
authority_and_category = st.sampled_from([(a, c) for a, issued in CATEGORIES.items() for c in issued])
valid_prefix = st.builds(
    lambda ac, division, organisation: ac[0] + ac[1] + division + organisation,
    authority_and_category,
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)


@given(valid_prefix)
def test_make_completes_any_valid_prefix_into_a_valid_code(prefix):
    code = uscc.make(prefix)
    assert code[:17] == prefix
    assert uscc.normalise(code) == code
    assert uscc.normalise(code.lower()) == code


@given(valid_prefix, st.integers(min_value=0, max_value=17), st.data())
def test_every_single_character_substitution_is_caught(prefix, position, data):
    code = uscc.make(prefix)
    replacement = data.draw(st.sampled_from([ch for ch in ALPHABET if ch != code[position]]))
    mutated = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(USCCError):
        uscc.normalise(mutated)


@given(valid_prefix, st.integers(min_value=8, max_value=17), st.data())
def test_a_substitution_in_the_organisation_code_or_check_is_caught_by_the_check_character(prefix, position, data):
    code = uscc.make(prefix)
    replacement = data.draw(st.sampled_from([ch for ch in ALPHABET if ch != code[position]]))
    mutated = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(USCCError, match="校验码"):
        uscc.normalise(mutated)
