"""The small vocabularies of cli.md (grades, categories, stakes) and business dates.

Each vocabulary accepts the English word and its Chinese name and stores the
English word; anything else is ``INVALID_INPUT``, except the 负面清单 of
spending categories, which is its own ledger rule (``NEGATIVE_LIST``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger import commands, dates, values
from ledger.dates import DateError
from ledger.errors import INVALID_INPUT, NEGATIVE_LIST, LedgerError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def refusal(call, *args) -> LedgerError:
    with pytest.raises(LedgerError) as refused:
        call(*args)
    return refused.value


# -- grades -------------------------------------------------------------------

GRADES = [
    ("new", "新认定"),
    ("excellent", "优秀"),
    ("good", "良好"),
    ("pass", "合格"),
    ("fail", "不合格"),
    ("repass", "复评合格"),
]


@pytest.mark.parametrize(("word", "chinese"), GRADES)
def test_a_grade_is_accepted_by_its_english_word(word, chinese):
    assert values.grade(word) == word


@pytest.mark.parametrize(("word", "chinese"), GRADES)
def test_a_grade_is_accepted_by_its_chinese_name_and_stored_in_english(word, chinese):
    assert values.grade(chinese) == word


@pytest.mark.parametrize(("text", "word"), [("Excellent", "excellent"), (" PASS ", "pass"), ("　优秀　", "excellent")])
def test_grades_ignore_case_and_surrounding_spaces(text, word):
    assert values.grade(text) == word


@pytest.mark.parametrize("text", ["brilliant", "", "合 格", "passed", "A", None])
def test_an_unknown_grade_is_invalid_input_listing_the_grades(text):
    error = refusal(values.grade, text)
    assert error.code == INVALID_INPUT
    assert "未知的评审等级" in error.message
    assert "excellent(优秀)" in error.message


# -- spending categories ------------------------------------------------------

SPEND_CATEGORIES = sorted(values.CATEGORIES)
NEGATIVE = [
    ("debt", "偿还债务"),
    ("fine", "罚款"),
    ("donation", "捐赠赞助"),
    ("investment", "对外投资"),
    ("welfare", "发放福利"),
    ("construction", "楼堂馆所建设"),
]


def test_the_spend_categories_are_those_of_cli_md():
    documented = "equipment materials testing travel labor consulting publication indirect platform exchange rd other"
    assert set(values.CATEGORIES) == set(documented.split())


@pytest.mark.parametrize("word", SPEND_CATEGORIES)
def test_every_spend_category_is_accepted(word):
    assert values.category(word) == word
    assert values.category(word.upper()) == word


@pytest.mark.parametrize(("word", "chinese"), sorted(values.CATEGORIES.items()))
def test_every_spend_category_is_accepted_by_its_chinese_name(word, chinese):
    assert values.category(chinese) == word


@pytest.mark.parametrize("text", [w for pair in NEGATIVE for w in pair] + ["DEBT", " Fine ", "　罚款　"])
def test_every_negative_list_category_is_refused_as_negative_list(text):
    error = refusal(values.category, text)
    assert error.code == NEGATIVE_LIST
    assert "负面清单" in error.message


@pytest.mark.parametrize(("word", "chinese"), NEGATIVE)
def test_the_negative_list_refusal_names_the_category_in_both_languages(word, chinese):
    error = refusal(values.category, word)
    assert word in error.message
    assert chinese in error.message


def test_the_negative_list_is_exactly_that_of_cli_md():
    assert set(values.NEGATIVE_LIST) == {w for w, _ in NEGATIVE}
    assert not set(values.NEGATIVE_LIST) & set(values.CATEGORIES)


@pytest.mark.parametrize("text", ["snacks", "", "equipment fee", None])
def test_an_unknown_category_is_invalid_input(text):
    error = refusal(values.category, text)
    assert error.code == INVALID_INPUT
    assert "未知的支出类别" in error.message


# -- stakes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("5", 50_000),
        ("5.25", 52_500),
        ("0.0001", 1),
        ("100", 1_000_000),
        ("5%", 50_000),
        (" 5.25 % ", 52_500),
        ("100.0000", 1_000_000),
        ("０.５", 5_000),
        ("07", 70_000),
    ],
)
def test_a_stake_is_stored_as_an_integer_with_one_percent_as_ten_thousand(text, stored):
    assert values.stake(text) == stored


@pytest.mark.parametrize("text", ["0", "0.0000", "100.0001", "101", "5.12345", "-1", "abc", "", "%", "5,25", "1e2"])
def test_a_stake_outside_zero_to_one_hundred_percent_or_too_precise_is_invalid_input(text):
    error = refusal(values.stake, text)
    assert error.code == INVALID_INPUT
    assert "股权比例" in error.message


@given(st.integers(min_value=1, max_value=values.FULL_STAKE))
@example(1)
@example(values.STAKE_UNIT)
@example(10 * values.STAKE_UNIT)
@example(values.FULL_STAKE)
def test_a_formatted_stake_parses_back_to_the_same_value(stored):
    assert values.stake(values.format_stake(stored)) == stored


@pytest.mark.parametrize(
    ("stored", "text"),
    [(50_000, "5"), (52_500, "5.25"), (1, "0.0001"), (1_000_000, "100"), (100_000, "10"), (5_000, "0.5")],
)
def test_a_stake_is_formatted_without_trailing_zeros(stored, text):
    assert values.format_stake(stored) == text


# -- other vocabularies -------------------------------------------------------


@pytest.mark.parametrize(("word", "chinese"), sorted(values.UNIT_TYPES.items()))
def test_unit_types_are_accepted_in_english_and_chinese(word, chinese):
    assert values.unit_type(word) == word
    assert values.unit_type(chinese) == word


@pytest.mark.parametrize("word", ["admin", "clerk", "reviewer", "approver", "auditor"])
def test_the_roles_of_cli_md_are_accepted(word):
    assert values.role(word) == word


@pytest.mark.parametrize("word", ["grant", "equity", "mixed", "convertible"])
def test_the_award_modes_of_cli_md_are_accepted(word):
    assert values.mode(word) == word


@pytest.mark.parametrize(("call", "text"), [(values.role, "emperor"), (values.mode, "loan"), (values.unit_type, "x")])
def test_unknown_roles_modes_and_unit_types_are_invalid_input(call, text):
    assert refusal(call, text).code == INVALID_INPUT


@pytest.mark.parametrize("text", ["0", "85", "85.5", "100", "99.99"])
def test_a_score_from_zero_to_one_hundred_is_kept_as_text(text):
    assert values.score(text) == text


@pytest.mark.parametrize("text", ["100.01", "101", "85.555", "-1", "abc", ""])
def test_a_score_outside_zero_to_one_hundred_is_invalid_input(text):
    assert refusal(values.score, text).code == INVALID_INPUT


def test_free_text_is_stripped():
    assert values.text("  青岛市科技局  ") == "青岛市科技局"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("x" * 201, "超过 200 个字符"),
        ("a\x00b", "控制字符"),
    ],
)
def test_empty_overlong_or_control_character_text_is_invalid_input_naming_what(text, why):
    error = refusal(commands.parse, "text", text, "reject reason")
    assert error.code == INVALID_INPUT
    assert error.message.startswith("reject reason: ")
    assert why in error.message


# -- dates --------------------------------------------------------------------


def shanghai_today() -> date:
    return datetime.now(SHANGHAI).date()


@pytest.mark.parametrize("text", ["2024-01-01", "2024-02-29", "2023-12-31", " 2024-06-30 ", "1999-01-01"])
def test_a_real_day_is_accepted_in_canonical_form(text):
    assert dates.parse(text) == text.strip()


@pytest.mark.parametrize("text", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31"])
def test_a_day_that_does_not_exist_is_refused(text):
    with pytest.raises(DateError, match="日历上没有这一天"):
        dates.parse(text)


@pytest.mark.parametrize("text", ["2024/01/01", "20240101", "", "   ", "2024-1-1", "24-01-01", "today", None])
def test_anything_but_yyyy_mm_dd_is_refused(text):
    with pytest.raises(DateError, match="YYYY-MM-DD"):
        dates.parse(text)


def test_effective_date_defaults_to_today():
    before = shanghai_today().isoformat()
    given_date = dates.effective(None)
    after = shanghai_today().isoformat()
    assert given_date in (before, after)


def test_today_and_past_days_are_effective():
    today = dates.today()
    assert dates.effective(today) == today
    assert dates.effective("2020-01-01") == "2020-01-01"


def test_an_effective_date_after_today_is_refused():
    tomorrow = (shanghai_today() + timedelta(days=1)).isoformat()
    with pytest.raises(DateError, match="晚于今天"):
        dates.effective(tomorrow)


def test_an_effective_date_is_still_checked_to_be_a_real_day():
    with pytest.raises(DateError):
        dates.effective("2024-02-30")


def test_today_agrees_with_the_shanghai_clock():
    before = shanghai_today().isoformat()
    today = dates.today()
    after = shanghai_today().isoformat()
    assert today in (before, after)


class _ClockAt(datetime):
    """A ``datetime`` whose ``now`` is fixed at one instant, shown in whichever zone is asked."""

    instant = datetime(2024, 12, 31, 17, 30, tzinfo=UTC)  # 2025-01-01 01:30 in Shanghai

    @classmethod
    def now(cls, tz=None):
        return cls.instant.astimezone(tz) if tz is not None else cls.instant.replace(tzinfo=None)


def test_today_is_the_shanghai_day_even_when_utc_is_still_on_the_day_before(monkeypatch):
    monkeypatch.setattr(dates, "datetime", _ClockAt)
    assert dates.today() == "2025-01-01"
    assert dates.effective("2025-01-01") == "2025-01-01"
    with pytest.raises(DateError, match="晚于今天"):
        dates.effective("2025-01-02")


def test_year_of_a_day():
    assert dates.year_of("2024-12-31") == 2024
