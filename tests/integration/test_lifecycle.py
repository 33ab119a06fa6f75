"""A grant's whole life through the application service, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.helpers import ENTERPRISE, event_count, refused, run


def test_a_grant_from_application_to_expenditure_shows_in_every_report(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    run(ledger, "disburse", ref="QD-1", amount="80万", voucher="PZ-1", date="2024-09-02")
    run(ledger, "spend", ref="QD-1", amount="30万", category="equipment", voucher="ZC-1", date="2024-09-03")
    run(ledger, "recover", ref="QD-1", amount="5万", voucher="ZH-1", reason="结余", date="2024-09-04")

    row = world.award_row("QD-1")
    assert (row["awarded"], row["disbursed"], row["spent"], row["recovered"], row["available"]) == (
        300_0000_00,
        80_0000_00,
        30_0000_00,
        5_0000_00,
        45_0000_00,
    )
    fund = next(r for r in world.report("funds") if (r["fund"], r["year"]) == ("KJ", 2024))
    assert (fund["committed"], fund["disbursed"], fund["returned"]) == (300_0000_00, 80_0000_00, 5_0000_00)
    assert fund["available"] == 1_0000_0000_00 - 300_0000_00 + 5_0000_00
    clause = next(r for r in world.report("clauses") if r["clause"] == "qd2024-01-common-tech")
    assert (clause["count"], clause["awarded"], clause["disbursed"]) == (1, 300_0000_00, 80_0000_00)
    unit = next(r for r in world.report("units") if r["unit"] == ENTERPRISE)
    assert (unit["applications"], unit["awarded"], unit["spent"]) == (1, 300_0000_00, 30_0000_00)
    total = world.report("trial-balance")[-1]
    assert total["account"] == "total" and total["debit"] == total["credit"] and total["balance"] == 0


def test_a_refused_command_writes_nothing(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "100万")
    before = event_count(ledger)
    error = refused(ledger, "disburse", ref="QD-1", amount="101万", voucher="PZ-9", date="2024-09-02")
    assert error.code == "EXCEEDS_AWARD"
    assert event_count(ledger) == before
    assert world.award_row("QD-1")["disbursed"] == 0


def test_money_returned_by_a_recovery_can_be_committed_again(world):
    ledger = world.ledger
    run(ledger, "fund create", fund="SMALL", name_="小额专项")
    run(ledger, "fund appropriate", fund="SMALL", year="2024", amount="100万", doc="S-1", date="2024-01-01")
    world.awarded("QD-1", "qd2024-01-common-tech", "100万", fund="SMALL")
    run(ledger, "apply", ref="QD-2", unit=ENTERPRISE, clause="qd2024-01-common-tech", amount="20万", date="2024-09-01")
    run(ledger, "evaluate", ref="QD-2", grade="good", date="2024-09-01")
    assert (
        refused(ledger, "award", ref="QD-2", amount="20万", fund="SMALL", doc="D2", date="2024-09-10").code
        == "INSUFFICIENT_FUNDS"
    )
    run(ledger, "disburse", ref="QD-1", amount="30万", voucher="PZ-1", date="2024-09-02")
    run(ledger, "recover", ref="QD-1", amount="20万", voucher="ZH-1", reason="项目终止", date="2024-09-05")
    run(ledger, "award", ref="QD-2", amount="20万", fund="SMALL", doc="D2", date="2024-09-10")
    fund = next(r for r in world.report("funds") if r["fund"] == "SMALL")
    assert fund["committed"] == 120_0000_00 and fund["returned"] == 20_0000_00 and fund["available"] == 0
