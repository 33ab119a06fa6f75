"""Chinese capital amounts (大写): the People's Bank's own examples, and every amount read back to the 分."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.capitals import DIGITS, capitals

LARGEST = 10**14 - 1  # 9999亿9999万9999元9角9分


def read_back(text: str) -> int:
    """An independent reader of 人民币大写 → 分 (the inverse the tests hold ``capitals`` to)."""
    match = re.fullmatch(r"(?:(.+)元)?(?:零?(.)角)?(?:零?(.)分)?(整)?", text)
    assert match, text
    whole, jiao, fen, _ = match.groups()
    total = section = digit = 0
    for ch in whole or "":
        if ch in DIGITS:
            digit = DIGITS.index(ch)
        elif ch in "拾佰仟":
            section += digit * {"拾": 10, "佰": 100, "仟": 1000}[ch]
            digit = 0
        elif ch in "万亿":
            total += (section + digit) * (10**4 if ch == "万" else 10**8)
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text!r}")
    yuan = total + section + digit
    return yuan * 100 + DIGITS.index(jiao or "零") * 10 + DIGITS.index(fen or "零")


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (140950, "壹仟肆佰零玖元伍角"),  # 《支付结算办法》附件一's examples
        (600714, "陆仟零柒元壹角肆分"),
        (168032, "壹仟陆佰捌拾元零叁角贰分"),
        (10700053, "壹拾万柒仟元零伍角叁分"),
        (32504, "叁佰贰拾伍元零肆分"),
        (0, "零元整"),
        (1, "壹分"),
        (50, "伍角"),
        (53, "伍角叁分"),
        (1000, "壹拾元整"),
        (100000000, "壹佰万元整"),
        (123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        (10000000000, "壹亿元整"),
        (10001000000, "壹亿零壹万元整"),
        (1000000100, "壹仟万零壹元整"),
        (100000000000000 - 1, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        (10000000000000, "壹仟亿元整"),  # the largest amount the ledger accepts
        (100500, "壹仟零伍元整"),
        (100000050, "壹佰万元零伍角"),
    ],
)
def test_capitals_follow_the_payment_rules(fen, words):
    assert capitals(fen) == words


@given(st.integers(min_value=0, max_value=LARGEST))
def test_every_amount_reads_back_to_the_same_fen(fen):
    words = capitals(fen)
    assert read_back(words) == fen
    assert "零零" not in words and not words.endswith("零")
    assert words.endswith(("整", "角", "分"))
    assert set(words) <= set(DIGITS + "拾佰仟万亿元角分整")


@given(st.integers(min_value=1, max_value=LARGEST))
def test_whole_yuan_end_in_zheng_and_amounts_with_fen_never_do(fen):
    words = capitals(fen)
    assert words.endswith("整") == (fen % 100 == 0)
    assert words.endswith("分") == (fen % 10 != 0)


@pytest.mark.parametrize("bad", [-1, 10**14])
def test_negative_and_too_large_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        capitals(bad)


@pytest.mark.parametrize("bad", [1.5, "100", True])
def test_only_integer_fen_are_accepted(bad):
    with pytest.raises(TypeError):
        capitals(bad)
