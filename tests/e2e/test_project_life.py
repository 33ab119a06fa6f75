"""A grant's life after the award through the command line (issue 24): a project paid in two tranches by its
milestones, accepted, and closed with its 结余 recovered to the fund; amendments; overdue projects."""

from __future__ import annotations

from decimal import Decimal

from tests.e2e.driver import Cli, awarded, describe, standard_world, yuan

CLAUSE = "qd2024-01-common-tech"


def _world(db: str) -> Cli:
    cli = standard_world(Cli(db))
    schedule = ("--tranches", "60:signing,40:acceptance", "--end-date", "2025-08-31")
    awarded(cli, "QD-T", CLAUSE, "99.99万", extra=schedule)
    return cli


def test_a_project_paid_in_two_tranches_accepted_and_closed_with_its_balance_recovered(db_url):
    cli = _world(db_url)
    # Nothing is released before the 任务书 is signed: the refusal names the missing milestone and the amounts.
    code, error, message = cli.refused(
        "disburse", "QD-T", "--amount", "10万", "--voucher", "PZ-0", "--date", "2024-09-02", actor="clerk"
    )
    assert (code, error) == (1, "NOT_RELEASED"), message
    assert "签订任务书" in message and "599,940.00元" in message and "尚可拨付 0元" in message, message
    assert "验收" in message
    m = cli.ok(
        "milestone",
        "QD-T",
        "--kind",
        "signing",
        "--result",
        "pass",
        "--doc",
        "任务书-1",
        "--date",
        "2024-09-05",
        actor="clerk",
    )
    assert m["released"] == "599940.00" and [t["amount"] for t in m["tranches"]] == ["599940.00", "399960.00"]
    # 60% of 999,900.00 is 599,940.00; a payment before the milestone's date is still refused.
    code, error, _ = cli.refused(
        "disburse", "QD-T", "--amount", "10万", "--voucher", "PZ-0", "--date", "2024-09-04", actor="clerk"
    )
    assert error == "NOT_RELEASED"
    cli.ok("disburse", "QD-T", "--amount", "599940", "--voucher", "PZ-1", "--date", "2024-09-06", actor="clerk")
    code, error, message = cli.refused(
        "disburse", "QD-T", "--amount", "0.01", "--voucher", "PZ-2", "--date", "2024-09-07", actor="clerk"
    )
    assert (code, error) == (1, "NOT_RELEASED") and "验收 (acceptance, 40%" in message, message
    cli.ok(
        "spend",
        "QD-T",
        "--amount",
        "50万",
        "--category",
        "equipment",
        "--voucher",
        "ZC-1",
        "--date",
        "2024-10-01",
        actor="clerk",
    )
    cli.ok(
        "milestone",
        "QD-T",
        "--kind",
        "acceptance",
        "--result",
        "pass",
        "--doc",
        "验收-1",
        "--date",
        "2024-11-01",
        actor="clerk",
    )
    cli.ok("disburse", "QD-T", "--amount", "399960", "--voucher", "PZ-2", "--date", "2024-11-02", actor="clerk")
    cli.ok(
        "spend",
        "QD-T",
        "--amount",
        "30万",
        "--category",
        "labor",
        "--voucher",
        "ZC-2",
        "--date",
        "2024-11-10",
        actor="clerk",
    )
    funds_before = {r["fund"]: r for r in cli.ok("report", "funds", "--year", "2024", actor="auditor")}
    closed = cli.ok(
        "close-project",
        "QD-T",
        "--result",
        "pass",
        "--doc",
        "结题-1",
        "--voucher",
        "ZH-1",
        "--date",
        "2024-12-01",
        actor="clerk",
    )
    assert closed["balance"] == "199900.00" and closed["recovered"] == "199900.00" and closed["retained"] == "0.00"
    assert closed["status"] == "closed"
    # The recovery is in the award, the fund, the books and the voucher like `recover`.
    row = next(r for r in cli.ok("report", "awards", actor="auditor") if r["application"] == "QD-T")
    assert (row["recovered"], row["available"]) == ("199900.00", "0.00")
    kj = next(r for r in cli.ok("report", "funds", "--year", "2024", actor="auditor") if r["fund"] == "KJ")
    assert yuan(kj["returned"]) - yuan(funds_before["KJ"]["returned"]) == Decimal("199900.00")
    history = cli.ok("history", "QD-T", actor="auditor")
    types = [h["type"] for h in history]
    assert "Project.Closed" in types and "Project.MilestoneRecorded" in types and "Grant.Recovered" in types
    assert cli.ok("verify", actor="auditor")["ok"]
    # A closed project takes no more payments or spending.
    code, error, message = cli.refused(
        "spend", "QD-T", "--amount", "1", "--category", "labor", "--voucher", "ZC-3", actor="clerk"
    )
    assert (code, error) == (1, "PROJECT_CLOSED") and "结题" in message
    # The same closeout again changes nothing.
    again = cli(
        "close-project",
        "QD-T",
        "--result",
        "pass",
        "--doc",
        "结题-1",
        "--voucher",
        "ZH-1",
        "--date",
        "2024-12-01",
        actor="clerk",
    )
    assert again.exit_code == 0, describe(again)


def test_extend_and_report_overdue(db_url):
    cli = _world(db_url)  # QD-T ends 2025-08-31
    awarded(cli, "QD-U", CLAUSE, "50万", date="2024-09-01", extra=("--end-date", "2024-09-30"))
    awarded(cli, "QD-V", CLAUSE, "50万", date="2024-09-01")  # no term: never overdue
    rows = cli.ok("report", "overdue", "--as-of", "2024-10-10", actor="auditor")
    assert [(r["application"], r["days_overdue"], r["end_date"]) for r in rows] == [("QD-U", 10, "2024-09-30")]
    assert rows[0]["awarded"] == "500000.00" and rows[0]["unit_name"] == "海澜智能"
    late = [r["application"] for r in cli.ok("report", "overdue", "--as-of", "2025-09-01", actor="auditor")]
    assert late == ["QD-U", "QD-T"]
    extended = cli.ok("extend", "QD-U", "--to", "2024-12-31", "--doc", "变更-1", "--date", "2024-10-11", actor="clerk")
    assert (extended["end_date"], extended["previous"]) == ("2024-12-31", "2024-09-30")
    assert cli.ok("report", "overdue", "--as-of", "2024-10-12", actor="auditor") == []
    code, error, message = cli.refused(
        "extend", "QD-U", "--to", "2024-11-30", "--doc", "变更-2", "--date", "2024-10-12", actor="clerk"
    )
    assert (code, error) == (1, "INVALID_STATE") and "2024-12-31" in message
    # Closed (accepted) projects are not overdue.
    cli.ok("close-project", "QD-U", "--result", "pass", "--doc", "结题-U", "--date", "2024-10-13", actor="clerk")
    assert [r["application"] for r in cli.ok("report", "overdue", "--as-of", "2025-09-01", actor="auditor")] == ["QD-T"]
    table = cli("report", "overdue", "--as-of", "2025-09-01", actor="auditor", fmt="table")
    assert table.exit_code == 0 and "逾期天数" in table.stdout, describe(table)
    history = cli.ok("history", "QD-U", actor="auditor")
    extension = next(h for h in history if h["type"] == "Project.Extended")
    assert "变更-1" in extension["detail"] and "2024-12-31" in extension["detail"]
