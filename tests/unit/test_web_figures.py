"""The web view's own arithmetic: the execution rate and the chart's geometry, in integers."""

from __future__ import annotations

from web.chart import HEIGHT, MAX_BARS, bars, months_between
from web.figures import execution_rate


def test_the_execution_rate_is_disbursed_over_appropriated_to_a_tenth_rounded_half_up():
    assert execution_rate(0, 100) == "0.0%"
    assert execution_rate(1_005_000_00, 1_0000_0000_00) == "1.0%"
    assert execution_rate(1, 2000) == "0.1%"  # 0.05 % rounds up
    assert execution_rate(1, 2001) == "0.0%"
    assert execution_rate(2, 3) == "66.7%"
    assert execution_rate(5, 0) is None


def test_months_run_across_the_year_end():
    assert months_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_bars_are_proportional_keep_exact_amounts_and_leave_empty_months_as_gaps():
    chart = bars([("2024-09", 300_0000_00), ("2024-11", 150_0000_00)])
    assert chart is not None
    assert [(b.month, b.amount) for b in chart.bars] == [
        ("2024-09", 300_0000_00),
        ("2024-10", 0),
        ("2024-11", 150_0000_00),
    ]
    tall, empty, half = chart.bars
    assert empty.height == 0 and tall.height == 2 * half.height
    assert all(b.y + b.height == chart.baseline for b in chart.bars) and chart.baseline < HEIGHT
    assert bars([]) is None


def test_a_negative_month_draws_no_bar_and_long_spans_keep_the_latest_months():
    chart = bars([("2024-01", -5), ("2024-02", 10)])
    assert chart is not None and chart.bars[0].height == 0
    long = bars([("2020-01", 1), ("2024-12", 2)])
    assert long is not None and len(long.bars) == MAX_BARS and long.bars[-1].month == "2024-12"
