"""Amounts: every input form of cli.md parses to an exact number of 分, everything else is refused.

The formatters are the inverse of ``parse`` for every amount the ledger accepts,
so an amount printed in a report can be typed back in unchanged.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger import money
from ledger.money import MAX_AMOUNT, MoneyError

WAN = 1_000_000  # 分 per 万元
YI = 10_000 * WAN  # 分 per 亿元

amounts = st.integers(min_value=1, max_value=MAX_AMOUNT)


@given(amounts)
@example(1)
@example(MAX_AMOUNT)
def test_the_machine_form_parses_back_to_the_same_amount(fen):
    assert money.parse(money.format_yuan(fen)) == fen


@given(amounts)
@example(1)
@example(MAX_AMOUNT)
def test_the_grouped_table_form_parses_back_to_the_same_amount(fen):
    assert money.parse(money.format_grouped(fen)) == fen


@given(amounts)
@example(1)
@example(WAN)
@example(WAN + 10_000)
@example(WAN + 1)
@example(MAX_AMOUNT)
def test_the_human_form_parses_back_to_the_same_amount(fen):
    assert money.parse(money.format_human(fen)) == fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("300000", 30_000_000),
        ("300000.00", 30_000_000),
        ("300000.5", 30_000_050),
        ("1,000,000.50", 100_000_050),
        ("3000元", 300_000),
        ("30万", 30 * WAN),
        ("30万元", 30 * WAN),
        ("0.5万", WAN // 2),
        ("1.2亿", 12 * YI // 10),
        ("1.2亿元", 12 * YI // 10),
        ("0.01", 1),
        ("0.000001万", 1),
        ("1000亿", MAX_AMOUNT),
    ],
)
def test_every_documented_input_form_gives_the_exact_number_of_fen(text, fen):
    assert money.parse(text) == fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("３０００００", 30_000_000),  # full-width digits
        ("１，０００，０００．５０", 100_000_050),  # full-width comma and point
        ("３０万", 30 * WAN),
        ("  30万  ", 30 * WAN),
        ("\t300000.00\n", 30_000_000),
        ("\u300030万元\u3000", 30 * WAN),  # ideographic spaces
        ("30 万", 30 * WAN),
    ],
)
def test_full_width_digits_and_surrounding_spaces_are_accepted(text, fen):
    assert money.parse(text) == fen


@pytest.mark.parametrize("text", ["0", "0.00", "0万", "0元", "0.000亿", "00"])
def test_zero_is_refused(text):
    with pytest.raises(MoneyError, match="须大于零"):
        money.parse(text)


@pytest.mark.parametrize("text", ["-1", "-0.01", "-30万", "-1,000,000.50", " -5 "])
def test_negative_amounts_are_refused_as_not_more_than_zero(text):
    with pytest.raises(MoneyError, match="须大于零"):
        money.parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "nan",
        "inf",
        "-inf",
        "∞",
        "Infinity",
        "",
        " ",
        "\u3000",
        "abc",
        "1,00",
        "1,0000",
        ",100",
        "1..0",
        "1.",
        ".5",
        "1e5",
        "1E5",
        "--5",
        "+5",
        "30万万",
        "万",
        "30千",
        "30 000",
        "0x10",
        "5 元 元",
    ],
)
def test_garbage_is_refused_with_an_example_of_what_an_amount_looks_like(text):
    with pytest.raises(MoneyError, match="不是金额"):
        money.parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "0.001",
        "1.005",
        "1.2345678万",
        "0.0000001万",
        "1.00000000001亿",
        # More digits than Decimal's default 28-digit context: the tail must
        # not be rounded away into an exact-looking amount.
        "1.0000000000000000000000000001",
        "1.00000000000000000000000000001",
        "0.00999999999999999999999999999999",  # less than 1 分, must not become 1 分
    ],
)
def test_more_precision_than_one_fen_is_refused(text):
    with pytest.raises(MoneyError, match="精确到分以下"):
        money.parse(text)


@pytest.mark.parametrize("text", ["1000.01亿", "100000000000.01", "1001亿", "99999999999999999999999999999999"])
def test_amounts_above_the_limit_are_refused(text):
    with pytest.raises(MoneyError, match="超过上限"):
        money.parse(text)


def test_the_limit_itself_is_accepted_and_one_fen_more_is_not():
    assert money.parse(money.format_yuan(MAX_AMOUNT)) == MAX_AMOUNT
    with pytest.raises(MoneyError):
        money.parse(money.format_yuan(MAX_AMOUNT + 1))


@pytest.mark.parametrize("value", [300000, 300000.0, None, b"300000", ["30万"]])
def test_anything_but_text_is_refused(value):
    with pytest.raises(MoneyError, match="须为文本"):
        money.parse(value)


def test_a_money_error_is_a_value_error_so_callers_can_treat_it_as_bad_input():
    assert issubclass(MoneyError, ValueError)


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (180 * WAN, "180万元"),
        (123_456, "1,234.56元"),
        (0, "0元"),
        (12 * WAN + WAN // 2, "12.5万元"),
        (12 * WAN + 50_000, "12.05万元"),
        (WAN, "1万元"),
        (WAN + 1, "10,000.01元"),
        (99 * 100, "99.00元"),
        (MAX_AMOUNT, "10,000,000万元"),
        (-180 * WAN, "-180万元"),
    ],
)
def test_human_form_examples(fen, text):
    assert money.format_human(fen) == text


@pytest.mark.parametrize(
    ("fen", "yuan", "grouped"),
    [
        (1, "0.01", "0.01"),
        (30_000_000, "300000.00", "300,000.00"),
        (100_000_050, "1000000.50", "1,000,000.50"),
        (-150, "-1.50", "-1.50"),
    ],
)
def test_machine_and_table_forms_have_two_decimals(fen, yuan, grouped):
    assert money.format_yuan(fen) == yuan
    assert money.format_grouped(fen) == grouped
