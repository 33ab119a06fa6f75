"""The payments chart adds up to each fund-year's disbursed figure, and the web view's running sums stay equal
to a fresh count as payments, approvals and reversals arrive."""

from __future__ import annotations

from projections import charts
from tests.helpers import run
from web.figures import MonthlyPayments

COMMON_TECH = "qd2024-01-common-tech"


def position(ledger) -> int:
    return ledger.app.recorder.max_notification_id()


def fresh(ledger) -> charts.Months:
    with ledger.engine.connect() as conn:
        return charts.payments_by_month(conn)


def test_the_running_sums_equal_a_fresh_count_and_the_funds_report(world):
    ledger, sums = world.ledger, MonthlyPayments()
    world.awarded("A", COMMON_TECH, "300万", date="2024-09-01")
    run(ledger, "disburse", ref="A", amount="50万", voucher="P-1", date="2024-09-02")
    with ledger.engine.connect() as conn:
        first = sums.upto(conn, position(ledger))
    assert first == {("KJ", 2024): {"2024-09": 50_0000_00}}
    run(ledger, "disburse", ref="A", amount="150万", voucher="P-2", date="2024-10-02")  # held: ≥ 100万
    run(ledger, "approve", "approver", voucher="P-2", date="2024-10-03")
    run(ledger, "disburse", ref="A", amount="1万", voucher="P-3", date="2024-11-02")
    run(ledger, "reverse", voucher="P-3", reason="重复", date="2024-11-03")
    with ledger.engine.connect() as conn:
        later = sums.upto(conn, position(ledger))
    assert later == fresh(ledger)
    assert charts.in_order(later[("KJ", 2024)]) == [("2024-09", 50_0000_00), ("2024-10", 150_0000_00)]
    kj = next(r for r in world.report("funds") if (r["fund"], r["year"]) == ("KJ", 2024))
    assert sum(later[("KJ", 2024)].values()) == kj["disbursed"]


def test_a_position_that_moved_back_starts_the_sums_again(world):
    ledger, sums = world.ledger, MonthlyPayments()
    world.awarded("A", COMMON_TECH, "300万", date="2024-09-01")
    run(ledger, "disburse", ref="A", amount="50万", voucher="P-1", date="2024-09-02")
    with ledger.engine.connect() as conn:
        sums.upto(conn, position(ledger))
        assert sums.upto(conn, 1) == {}  # e.g. read in the middle of a replay
        assert sums.upto(conn, position(ledger)) == fresh(ledger)
