"""Equity: 拨改投 (equity), 拨投结合 (mixed), 先投后股 (convertible), exits, write-offs and the revolving fund."""

from __future__ import annotations

from ledger.errors import LedgerError
from tests.helpers import ENTERPRISE, UNIVERSITY, refused, run

WAN = 1_000_000


def holding(world, ref: str) -> dict:
    return next(r for r in world.report("equity") if r["application"] == ref)


def test_an_equity_award_is_paid_by_investment_only(world):
    ledger = world.ledger
    world.awarded("E", "qd2024-22-equity", "500万", fund="TZ", mode="equity")
    assert refused(ledger, "disburse", ref="E", amount="10万", voucher="P-1", date="2024-09-02").code == "INVALID_STATE"
    result = run(
        ledger, "invest", ref="E", amount="40万", stake="4", valuation="1000万", voucher="T-1", date="2024-09-02"
    )
    assert (result.fields["status"], result.fields["stake"]) == ("posted", "4")
    assert (
        refused(
            ledger, "invest", ref="E", amount="460.01万", stake="1", valuation="1亿", voucher="T-2", date="2024-09-02"
        ).code
        == "EXCEEDS_AWARD"
    )
    row = world.award_row("E")
    assert (row["disbursed"], row["available"]) == (40 * WAN, 40 * WAN)  # an investment counts as disbursed
    h = holding(world, "E")
    assert (h["invested"], h["cost"], h["stake"], h["status"]) == (40 * WAN, 40 * WAN, "4", "held")


def test_partial_and_full_exits_return_proceeds_to_the_fund_and_book_the_gain(world):
    ledger = world.ledger
    world.awarded("E", "qd2024-22-equity", "500万", fund="TZ", mode="equity")
    run(ledger, "invest", ref="E", amount="30万", stake="3", valuation="1000万", voucher="T-1", date="2024-09-02")
    first = run(ledger, "exit", ref="E", stake="1", proceeds="25万", voucher="X-1", date="2024-10-01")
    assert (first.fields["cost"], first.fields["gain"]) == (10 * WAN, 15 * WAN)
    assert (
        refused(ledger, "exit", ref="E", stake="2.0001", proceeds="1万", voucher="X-2", date="2024-10-02").code
        == "EXCEEDS_AVAILABLE"
    )
    last = run(ledger, "exit", ref="E", stake="2", proceeds="5万", voucher="X-3", date="2024-11-01")
    assert (last.fields["cost"], last.fields["gain"]) == (20 * WAN, -15 * WAN)  # a loss on the rest
    h = holding(world, "E")
    assert (h["stake"], h["exited_stake"], h["proceeds"], h["gain"], h["cost"], h["status"]) == (
        "0",
        "3",
        30 * WAN,
        0,
        0,
        "exited",
    )
    fund = next(r for r in world.report("funds") if (r["fund"], r["year"]) == ("TZ", 2024))
    assert fund["returned"] == 30 * WAN
    assert world.report("trial-balance")[-1]["balance"] == 0
    assert ledger.verify("auditor").ok


def test_exit_proceeds_can_be_committed_again(world):
    """财政资金循环使用: money back from an exit is available to new awards in the year it came back."""
    ledger = world.ledger
    run(ledger, "fund create", fund="REV", name_="循环基金")
    run(ledger, "fund appropriate", fund="REV", year="2024", amount="100万", doc="R-1", date="2024-01-02")
    world.awarded("E", "qd2024-22-equity", "100万", fund="REV", mode="equity")
    run(ledger, "invest", ref="E", amount="50万", stake="5", valuation="1000万", voucher="T-1", date="2024-09-02")
    run(ledger, "apply", ref="N", unit=ENTERPRISE, clause="qd2024-01-common-tech", amount="60万", date="2024-10-01")
    run(ledger, "evaluate", ref="N", grade="good", date="2024-10-02")
    assert (
        refused(ledger, "award", ref="N", amount="60万", fund="REV", doc="D-N", date="2024-10-03").code
        == "INSUFFICIENT_FUNDS"
    )
    run(ledger, "exit", ref="E", stake="5", proceeds="80万", voucher="X-1", date="2024-10-02")
    run(ledger, "award", ref="N", amount="60万", fund="REV", doc="D-N", date="2024-10-03")
    fund = next(r for r in world.report("funds") if r["fund"] == "REV")
    assert (fund["committed"], fund["returned"], fund["available"]) == (160 * WAN, 80 * WAN, 20 * WAN)


def test_a_mixed_award_splits_into_an_equity_part_and_a_grant_part(world):
    ledger = world.ledger
    run(ledger, "apply", ref="M", unit=ENTERPRISE, clause="qd2024-01-demo", amount="800万", date="2024-09-01")
    run(ledger, "evaluate", ref="M", grade="good", date="2024-09-01")
    error = refused(ledger, "award", ref="M", amount="800万", fund="KJ", doc="D-M", date="2024-09-01", mode="mixed")
    assert error.code == "INVALID_INPUT" and "--equity-amount" in error.message
    run(
        ledger,
        "award",
        ref="M",
        amount="800万",
        fund="KJ",
        doc="D-M",
        date="2024-09-01",
        mode="mixed",
        equity_amount="500万",
    )
    assert (
        refused(ledger, "disburse", ref="M", amount="300.01万", voucher="P-1", date="2024-09-02").code
        == "EXCEEDS_AWARD"
    )
    run(ledger, "disburse", ref="M", amount="90万", voucher="P-1", date="2024-09-02")
    assert (
        refused(
            ledger, "invest", ref="M", amount="500.01万", stake="5", valuation="1亿", voucher="T-1", date="2024-09-02"
        ).code
        == "EXCEEDS_AWARD"
    )
    run(ledger, "invest", ref="M", amount="500万", stake="5", valuation="1亿", voucher="T-1", date="2024-09-02")
    run(ledger, "approve", "approver", voucher="T-1", date="2024-09-03")
    row = world.award_row("M")
    assert (row["awarded"], row["disbursed"]) == (800 * WAN, 590 * WAN)
    assert holding(world, "M")["invested"] == 500 * WAN


def test_modes_are_accepted_only_where_the_seeds_name_equity(world):
    ledger = world.ledger
    for ref, clause in (("G", "qd2024-14-hnte-first"), ("N", "qd2024-03-nsf")):
        run(
            ledger,
            "apply",
            ref=ref,
            unit=ENTERPRISE if ref == "G" else UNIVERSITY,
            clause=clause,
            amount="10万",
            date="2024-09-01",
        )
        run(ledger, "evaluate", ref=ref, grade="new" if ref == "G" else "good", date="2024-09-01")
        for mode in ("equity", "convertible"):
            error = refused(
                ledger, "award", ref=ref, amount="10万", fund="KJ", doc=f"D-{ref}", date="2024-09-01", mode=mode
            )
            assert error.code == "NOT_ELIGIBLE" and clause in error.message
    # Second edition, point 1: the talent clauses were announced, not issued, so nothing is in force under
    # them; equity-only under the issued talent policy is tested where that document is loaded
    # (tests/integration/test_policy_load.py).
    error = refused(
        ledger,
        "apply",
        ref="T",
        unit=ENTERPRISE,
        clause="qd2020-kc16-talent-project",
        amount="100万",
        date="2021-06-01",
    )
    assert error.code == "NOT_IN_FORCE" and "尚未印发" in error.message and "policy load" in error.message


def test_convertible_awards_are_disbursed_then_converted_into_a_holding(world):
    ledger = world.ledger
    world.awarded("C", "qd2024-02-demo", "300万", mode="convertible")
    assert (
        refused(
            ledger, "invest", ref="C", amount="10万", stake="1", valuation="1亿", voucher="T-0", date="2024-09-02"
        ).code
        == "INVALID_STATE"
    )
    assert (
        refused(ledger, "convert", ref="C", stake="2", valuation="1亿", doc="CV", date="2024-09-02").code
        == "INVALID_STATE"
    )  # nothing paid yet
    run(ledger, "disburse", ref="C", amount="90万", voucher="P-1", date="2024-09-02")
    second = run(ledger, "disburse", ref="C", amount="90万", voucher="P-2", date="2024-09-03")
    assert second.fields["status"] == "pending"  # with P-1, 180万 in 30 days by one person: a split payment
    run(ledger, "approve", "approver", voucher="P-2", date="2024-09-03")
    run(ledger, "recover", ref="C", amount="10万", voucher="R-1", reason="结余", date="2024-09-04")
    result = run(ledger, "convert", ref="C", stake="3", valuation="6000万", doc="青科投〔2025〕2号", date="2024-12-01")
    assert (result.fields["converted"], result.fields["stake"]) == (170 * WAN, "3")
    assert refused(ledger, "disburse", ref="C", amount="10万", voucher="P-3", date="2024-12-02").code == "INVALID_STATE"
    h = holding(world, "C")
    assert (h["invested"], h["stake"], h["status"]) == (170 * WAN, "3", "held")
    run(ledger, "exit", ref="C", stake="3", proceeds="200万", voucher="X-1", date="2025-06-01")
    run(ledger, "approve", "approver", voucher="X-1", date="2025-06-01")  # 200万 ≥ KJ's threshold: held
    assert holding(world, "C")["gain"] == 30 * WAN
    assert ledger.verify("auditor").ok


def test_a_grant_award_cannot_be_converted_or_invested(world):
    ledger = world.ledger
    world.awarded("G", "qd2024-01-common-tech", "100万")
    run(ledger, "disburse", ref="G", amount="50万", voucher="P-1", date="2024-09-02")
    assert (
        refused(ledger, "convert", ref="G", stake="1", valuation="1亿", doc="CV", date="2024-09-03").code
        == "INVALID_STATE"
    )
    assert (
        refused(
            ledger, "invest", ref="G", amount="1万", stake="1", valuation="1亿", voucher="T-1", date="2024-09-03"
        ).code
        == "INVALID_STATE"
    )
    assert (
        refused(ledger, "exit", ref="G", stake="1", proceeds="1万", voucher="X-1", date="2024-09-03").code
        == "INVALID_STATE"
    )


def test_a_failed_company_is_written_off(world):
    ledger = world.ledger
    world.awarded("E", "qd2024-22-equity", "100万", fund="TZ", mode="equity")
    run(ledger, "invest", ref="E", amount="40万", stake="10", valuation="400万", voucher="T-1", date="2024-09-02")
    run(ledger, "exit", ref="E", stake="5", proceeds="5万", voucher="X-1", date="2024-10-01")
    result = run(ledger, "write-off", ref="E", reason="企业破产清算", date="2024-12-01")
    assert (result.fields["written_off"], result.fields["stake"]) == (20 * WAN, "5")
    h = holding(world, "E")
    assert (h["stake"], h["cost"], h["written_off"], h["status"]) == ("0", 0, 20 * WAN, "written-off")
    assert (
        refused(ledger, "exit", ref="E", stake="1", proceeds="1万", voucher="X-2", date="2024-12-02").code
        == "INVALID_STATE"
    )
    tb = {r["account"]: r for r in world.report("trial-balance")}
    assert tb["equity_holding"]["balance"] == 0 and tb["equity_writeoff"]["debit"] == 20 * WAN
    assert tb["total"]["balance"] == 0
    assert ledger.verify("auditor").ok


def test_stakes_and_money_as_of_a_date_follow_the_effective_dates(world):
    ledger = world.ledger
    world.awarded("E", "qd2024-22-equity", "100万", fund="TZ", mode="equity")
    run(ledger, "invest", ref="E", amount="40万", stake="8", valuation="500万", voucher="T-1", date="2024-09-02")
    run(ledger, "exit", ref="E", stake="2", proceeds="15万", voucher="X-1", date="2024-11-01")
    before_exit = world.report("equity", as_of="2024-10-01")
    assert [(r["stake"], r["exited_stake"], r["proceeds"]) for r in before_exit] == [("8", "0", 0)]
    after_exit = world.report("equity", as_of="2024-11-30")
    assert [(r["stake"], r["exited_stake"], r["proceeds"], r["gain"]) for r in after_exit] == [
        ("6", "2", 15 * WAN, 5 * WAN)
    ]


def test_refusals_write_nothing_in_equity_either(world):
    ledger = world.ledger
    world.awarded("E", "qd2024-22-equity", "100万", fund="TZ", mode="equity")
    before = ledger.app.recorder.max_notification_id()
    for name, raw in (
        ("exit", {"ref": "E", "stake": "1", "proceeds": "1万", "voucher": "X-1", "date": "2024-09-03"}),
        ("write-off", {"ref": "E", "reason": "x", "date": "2024-09-03"}),
    ):
        try:
            run(ledger, name, **raw)
        except LedgerError as error:
            assert error.code == "INVALID_STATE"
    assert ledger.app.recorder.max_notification_id() == before
