"""The Grant aggregate on its own (no database): the timeline of money, and the arithmetic of exits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.errors import LedgerError
from ledger.grant import Grant

WAN = 1_000_000


def awarded(mode: str = "grant", amount: int = 500 * WAN, equity_amount: int | None = None) -> Grant:
    g = Grant(
        ref="R", unit="U", unit_type="enterprise", clause="c", asked=amount, base=None, actor="a", on="2024-09-01"
    )
    g.evaluate("good", None, "a", "2024-09-01")
    g.award_it(
        {
            "amount": amount,
            "fund": "F",
            "doc": "D",
            "mode": mode,
            "equity_amount": equity_amount,
            "exception_doc": None,
            "year": 2024,
            "grade": "good",
        },
        "a",
        "2024-09-01",
    )
    return g


def test_money_cannot_be_spent_before_the_day_it_was_paid():
    g = awarded()
    g.disburse("P1", 100 * WAN, 10**12, "a", "2024-10-01")
    with pytest.raises(LedgerError) as refusal:
        g.spend("S1", 10 * WAN, "rd", "a", "2024-09-15")
    assert refusal.value.code == "EXCEEDS_AVAILABLE"
    g.spend("S1", 10 * WAN, "rd", "a", "2024-10-01")


def test_a_backdated_expenditure_cannot_overdraw_a_later_day():
    g = awarded()
    g.disburse("P1", 50 * WAN, 10**12, "a", "2024-09-10")
    g.spend("S1", 40 * WAN, "rd", "a", "2024-09-20")
    g.disburse("P2", 50 * WAN, 10**12, "a", "2024-09-30")
    # 60万 is left today, but on 9-20 only 10万 was: spending 20万 dated 9-15 would overdraw 9-20.
    assert g.available_from("2024-09-15") == 10 * WAN
    with pytest.raises(LedgerError):
        g.spend("S2", 20 * WAN, "rd", "a", "2024-09-15")
    g.spend("S2", 20 * WAN, "rd", "a", "2024-09-30")


def test_reversing_a_payment_that_was_already_spent_is_refused():
    g = awarded()
    g.disburse("P1", 50 * WAN, 10**12, "a", "2024-09-10")
    g.spend("S1", 40 * WAN, "rd", "a", "2024-09-20")
    with pytest.raises(LedgerError) as refusal:
        g.reverse("P1", "wrong", "a", "2024-09-21")
    assert refusal.value.code == "EXCEEDS_AVAILABLE"


@given(
    invested=st.lists(st.tuples(st.integers(1, 10**10), st.integers(1, 100_000)), min_size=1, max_size=4),
    sales=st.lists(st.tuples(st.integers(1, 1_000_000), st.integers(1, 10**10)), min_size=1, max_size=8),
    sell_all_at_the_end=st.booleans(),
)
def test_partial_exits_keep_cost_basis_and_proceeds_consistent(invested, sales, sell_all_at_the_end):
    """Σ cost sold + cost held = invested; Σ gain = Σ proceeds − Σ cost sold; selling all leaves no cost."""
    total = sum(amount for amount, _ in invested)
    g = awarded("equity", amount=total)
    for n, (amount, stake) in enumerate(invested):
        g.invest(f"T{n}", amount, stake, 10**12, 10**13, "a", "2024-09-02")
    sold_cost = proceeds_total = gains = 0
    for n, (fraction, proceeds) in enumerate(sales):
        held = g.equity["stake"]
        if not held:
            break
        stake = max(1, held * fraction // 1_000_000)
        cost, gain = g.exit(f"X{n}", stake, proceeds, "a", "2024-10-01")
        assert 0 <= cost <= total and gain == proceeds - cost
        sold_cost, proceeds_total, gains = sold_cost + cost, proceeds_total + proceeds, gains + gain
        assert sold_cost + g.equity["cost"] == total
        assert g.equity["stake"] + g.equity["exited_stake"] == sum(s for _, s in invested)
    if sell_all_at_the_end and g.equity["stake"]:
        cost, gain = g.exit("LAST", g.equity["stake"], 1, "a", "2024-11-01")
        sold_cost, proceeds_total, gains = sold_cost + cost, proceeds_total + 1, gains + gain
        assert g.equity["cost"] == 0 and g.equity["stake"] == 0 and sold_cost == total
    assert gains == proceeds_total - sold_cost
    assert g.equity["proceeds"] == proceeds_total and g.equity["gain"] == gains


def test_selling_more_than_is_held_is_refused():
    g = awarded("equity")
    g.invest("T1", 100 * WAN, 50_000, 10**12, 10**13, "a", "2024-09-02")
    with pytest.raises(LedgerError) as refusal:
        g.exit("X1", 50_001, WAN, "a", "2024-10-01")
    assert refusal.value.code == "EXCEEDS_AVAILABLE"


# -- split payments: one award's payments within the fund's window count together against the threshold -------

LIMIT = 100 * WAN


def test_two_payments_just_under_the_threshold_within_the_window_hold_the_second():
    g = awarded()
    assert g.disburse("P1", 99 * WAN + 990_000, LIMIT, "a", "2024-09-02", 30) == "posted"
    assert g.disburse("P2", 99 * WAN + 990_000, LIMIT, "a", "2024-09-20", 30) == "pending"
    total, first, last, others = g.heaviest_window(99 * WAN + 990_000, "2024-09-20", 30, leave_out="P2")
    assert total == 2 * (99 * WAN + 990_000)
    assert others == [("P1", "2024-09-02", 99 * WAN + 990_000)]
    assert first <= "2024-09-02" and last >= "2024-09-20"


def test_payments_outside_the_window_do_not_count():
    g = awarded()
    assert g.disburse("P1", 99 * WAN, LIMIT, "a", "2024-09-02", 30) == "posted"
    assert g.disburse("P2", 99 * WAN, LIMIT, "a", "2024-10-02", 30) == "posted"  # 30 days later: a new window
    assert g.disburse("P3", 2 * WAN, LIMIT, "a", "2024-10-31", 30) == "pending"  # P2 + P3 = 101万 in 30 days


def test_a_back_dated_payment_counts_with_the_later_one():
    g = awarded()
    assert g.disburse("P1", 60 * WAN, LIMIT, "a", "2024-09-20", 30) == "posted"
    assert g.disburse("P2", 60 * WAN, LIMIT, "a", "2024-09-05", 30) == "pending"


def test_the_window_is_the_funds_own():
    g = awarded()
    assert g.disburse("P1", 60 * WAN, LIMIT, "a", "2024-09-02", 10) == "posted"
    assert g.disburse("P2", 60 * WAN, LIMIT, "a", "2024-09-12", 10) == "posted"  # 11 days apart: two windows
    assert g.disburse("P3", 60 * WAN, LIMIT, "a", "2024-09-21", 10) == "pending"  # with P2, 10 days


def test_only_payments_posted_without_approval_count():
    g = awarded()
    assert g.disburse("P1", 60 * WAN, LIMIT, "a", "2024-09-02", 30) == "posted"
    g.reverse("P1", "录错", "a", "2024-09-03")
    assert g.disburse("P2", 120 * WAN, LIMIT, "a", "2024-09-03", 30) == "pending"
    g.void("P2", "收款账户有误", "b", "2024-09-04")
    assert g.disburse("P3", 60 * WAN, LIMIT, "a", "2024-09-05", 30) == "posted"  # P1 reversed, P2 voided
    assert g.disburse("P4", 150 * WAN, LIMIT, "a", "2024-09-06", 30) == "pending"
    assert g.disburse("P5", 30 * WAN, LIMIT, "a", "2024-09-07", 30) == "posted"  # P4 waits for its checker
    assert g.disburse("P6", 10 * WAN, LIMIT, "a", "2024-09-08", 30) == "pending"  # P3 + P5 + P6 = 100万


def test_investments_and_disbursements_of_one_award_count_together():
    g = awarded("mixed", equity_amount=200 * WAN)
    assert g.invest("T1", 60 * WAN, 10_000, 10**12, LIMIT, "a", "2024-09-02", 30) == "posted"
    assert g.disburse("P1", 60 * WAN, LIMIT, "a", "2024-09-03", 30) == "pending"


def test_without_a_window_a_payment_is_weighed_alone_as_in_the_first_edition():
    g = awarded()
    assert g.disburse("P1", 99 * WAN, LIMIT, "a", "2024-09-02") == "posted"
    assert g.disburse("P2", 99 * WAN, LIMIT, "a", "2024-09-02") == "posted"
    assert g.disburse("P3", 100 * WAN, LIMIT, "a", "2024-09-02") == "pending"


def test_an_approved_payment_had_its_second_person_and_does_not_count_again():
    g = awarded()
    assert g.disburse("P1", 150 * WAN, LIMIT, "a", "2024-09-02", 30) == "pending"
    g.approve("P1", "b", "2024-09-03")
    assert g.disburse("P2", 99 * WAN, LIMIT, "a", "2024-09-04", 30) == "posted"  # alone, a moved 99万
    assert g.disburse("P3", 1 * WAN, LIMIT, "a", "2024-09-05", 30) == "pending"  # with P2: 100万 by a alone
