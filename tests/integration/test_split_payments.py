"""Split payments (issue 13): one award's payments within the fund's window count together against the threshold.

Before, a payment was held for a second person only when it alone reached the fund's approval threshold, so two
payments of 99.99万 under a 100万 threshold both posted with no approver. Now the sum of the award's payments that
one person moved alone (disbursed or invested, posted without approval; not pending, approved, voided or
reversed) in any window of the fund's days (default 30, ``fund create --approval-window DAYS``) that holds the new
payment is weighed. Rules decide new commands only: events recorded under the old rule replay unchanged.
"""

from __future__ import annotations

import json

from app.facade import Ledger
from ledger.errors import DUPLICATE_KEY, INVALID_INPUT, SAME_ACTOR
from tests.helpers import refused, run
from tests.integration.test_keys import first_edition, old_grantledger  # noqa: F401 (a fixture)

JUST_UNDER = "99.99万"
AMOUNT = ("--amount", "300万", "--date", "2024-09-01")


def pay(world, voucher: str, date: str, amount: str = JUST_UNDER, ref: str = "QD-1"):
    return run(world.ledger, "disburse", "clerk", ref=ref, amount=amount, voucher=voucher, date=date)


def test_the_second_of_two_payments_under_the_threshold_within_30_days_is_held(world):
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    first = pay(world, "PZ-1", "2024-09-02")
    assert first.fields["status"] == "posted" and first.note is None
    second = pay(world, "PZ-2", "2024-09-20")
    assert second.fields["status"] == "pending"
    # The clerk is told why, in Chinese: the window, the earlier payment and the sum against the threshold.
    note = second.note
    assert "30 天内" in note and "PZ-1 2024-09-02 99.99万" in note
    assert "合计 99.99万" in note and "共 199.98万" in note and "审批阈值 100万" in note
    # Maker–checker as for any held payment: not the maker, but another person.
    assert refused(world.ledger, "approve", "clerk", voucher="PZ-2").code in (SAME_ACTOR, "FORBIDDEN")
    assert world.award_row("QD-1")["disbursed"] == 999_900_00
    run(world.ledger, "approve", "approver", voucher="PZ-2", date="2024-09-21")
    assert world.award_row("QD-1")["disbursed"] == 2 * 999_900_00
    # PZ-2 had its second person; PZ-1 was paid by the clerk alone and still counts with the next one.
    assert pay(world, "PZ-3", "2024-09-22", "1万").fields["status"] == "pending"
    report = world.ledger.verify("auditor")
    assert report.ok, report.findings


def test_payments_further_apart_than_the_window_are_not_held(world):
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    assert pay(world, "PZ-1", "2024-09-02").fields["status"] == "posted"
    assert pay(world, "PZ-2", "2024-10-02").fields["status"] == "posted"  # 30 days on: outside 09-02's window
    # … but a third within 30 days of the second is held with it, and a back-dated one between them too.
    assert pay(world, "PZ-3", "2024-10-20", "1万").fields["status"] == "pending"
    assert pay(world, "PZ-4", "2024-09-15", "1万").fields["status"] == "pending"


def test_voided_and_reversed_payments_do_not_count(world):
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    pay(world, "PZ-1", "2024-09-02")
    assert pay(world, "PZ-2", "2024-09-03").fields["status"] == "pending"
    run(world.ledger, "void", "approver", voucher="PZ-2", reason="拆分支付", date="2024-09-04")
    run(world.ledger, "reverse", "clerk", voucher="PZ-1", reason="录错", date="2024-09-05")
    assert pay(world, "PZ-3", "2024-09-06").fields["status"] == "posted"


def test_an_investment_and_a_disbursement_of_one_award_count_together(world):
    world.awarded("QD-M", "qd2024-01-demo", "300万", fund="TZ", mode="mixed", equity_amount="100万")
    invested = run(
        world.ledger,
        "invest",
        "clerk",
        ref="QD-M",
        amount="30万",
        stake="3",
        valuation="1000万",
        voucher="TZ-1",
        date="2024-09-02",
    )
    assert invested.fields["status"] == "posted"  # TZ's threshold is 50万
    held = pay(world, "PZ-1", "2024-09-10", "30万", ref="QD-M")
    assert held.fields["status"] == "pending" and "TZ-1 2024-09-02 30万" in held.note


def test_a_fund_has_its_own_window(world):
    run(world.ledger, "fund create", "clerk", fund="KX", name_="快速专项", approval_window="10")
    run(world.ledger, "fund appropriate", "clerk", fund="KX", year="2024", amount="1亿", doc="KX-2024")
    world.awarded("QD-1", "qd2024-01-common-tech", "300万", fund="KX")
    assert pay(world, "PZ-1", "2024-09-02").fields["status"] == "posted"
    assert pay(world, "PZ-2", "2024-09-12").fields["status"] == "posted"  # 11 days on: two windows of 10
    held = pay(world, "PZ-3", "2024-09-21", "1万")
    assert held.fields["status"] == "pending" and "10 天内" in held.note
    # The same fund again changes nothing; another window for it is a different fund.
    assert not run(world.ledger, "fund create", "clerk", fund="KX", name_="快速专项", approval_window="10").changed
    clash = refused(world.ledger, "fund create", "clerk", fund="KX", name_="快速专项")
    assert clash.code == DUPLICATE_KEY and "累计审批期 10 天" in clash.message
    for odd in ("0", "367", "三十", "-5", "1.5"):
        assert refused(world.ledger, "fund create", "clerk", fund="KY", name_="Y", approval_window=odd).code == (
            INVALID_INPUT
        )


def test_payments_recorded_under_the_old_rule_replay_unchanged(db_url, first_edition):  # noqa: F811
    """A first-edition ledger posted two 99.99万 payments with no approver: they stay posted through the
    upgrade, replay and verify; the next payment in their window is weighed with them."""
    steps = (
        ("admin", ("init",)),
        ("admin", ("role", "grant", "clerk", "clerk")),
        ("admin", ("role", "grant", "rev", "reviewer")),
        ("clerk", ("fund", "create", "KJ", "--name", "科技创新专项资金")),
        ("clerk", ("fund", "appropriate", "KJ", "--year", "2024", "--amount", "1亿", "--doc", "D1")),
        ("clerk", ("unit", "register", "91370212MA3C4PQR1A", "--name", "海澜", "--type", "enterprise")),
        (
            "clerk",
            ("apply", "QD-1", "--unit", "91370212MA3C4PQR1A", "--clause", "qd2024-01-common-tech", *AMOUNT),
        ),
        ("rev", ("evaluate", "QD-1", "--grade", "good", "--date", "2024-09-01")),
        ("clerk", ("award", "QD-1", "--amount", "300万", "--fund", "KJ", "--doc", "W1", "--date", "2024-09-01")),
        ("clerk", ("disburse", "QD-1", "--amount", JUST_UNDER, "--voucher", "PZ-1", "--date", "2024-09-02")),
        ("clerk", ("disburse", "QD-1", "--amount", JUST_UNDER, "--voucher", "PZ-2", "--date", "2024-09-03")),
    )
    for actor, args in steps:
        old_grantledger(first_edition, db_url, actor, *args)
    with Ledger(db_url, create_tables=True) as ledger:
        assert ledger.init("admin").fields["status"] == "upgraded"
        before = ledger.report("awards", "admin")
        assert before[0]["disbursed"] == 2 * 999_900_00 and before[0]["pending"] == 0
        ledger.replay("admin")
        assert ledger.report("awards", "admin") == before
        report = ledger.verify("admin")
        assert report.ok, report.findings
        # The fund's creation event has no window: the default 30 days weighs the old payments with a new one.
        run(ledger, "role grant", actor_="clerk", role="clerk")
        third = run(ledger, "disburse", "clerk", ref="QD-1", amount="1万", voucher="PZ-3", date="2024-09-04")
        assert third.fields["status"] == "pending" and "合计 199.98万" in third.note
        assert ledger.verify("admin").ok


def test_the_hold_reaches_the_batch_summary(world):
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    lines = [
        (n, json.dumps({"cmd": "disburse", "ref": "QD-1", "amount": JUST_UNDER, "voucher": f"PZ-{n}", "date": day}))
        for n, day in ((1, "2024-09-02"), (2, "2024-09-03"))
    ]
    summary = world.ledger.batch(lines, "clerk")
    assert any(note.startswith("第 2 行: ") and "PZ-1 2024-09-02" in note for note in summary.notes), summary.notes
