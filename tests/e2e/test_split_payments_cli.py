"""Split payments through the command line: the second of two payments under the threshold within the fund's
window waits for another person, and the clerk is told why (issue 13)."""

from __future__ import annotations

from tests.e2e.driver import Cli, awarded, describe, standard_world


def test_split_payments_are_held_and_the_clerk_is_told_why(tmp_path):
    cli = standard_world(Cli(f"sqlite:///{tmp_path}/ledger.db"))
    awarded(cli, "QD-1", "qd2024-01-common-tech", "300万")
    first = cli.ok(
        "disburse", "QD-1", "--amount", "99.99万", "--voucher", "PZ-1", "--date", "2024-09-02", actor="clerk"
    )
    assert first["status"] == "posted" and "note" not in first
    args = ("disburse", "QD-1", "--amount", "99.99万", "--voucher", "PZ-2", "--date", "2024-09-20")
    result = cli(*args, actor="clerk", fmt="table")
    assert result.exit_code == 0, describe(result)
    assert "待审批" in result.stdout
    assert "30 天内" in result.stderr and "PZ-1 2024-09-02 99.99万" in result.stderr, describe(result)
    assert "共 199.98万" in result.stderr and "审批阈值 100万" in result.stderr
    code, error, _ = cli.refused("approve", "PZ-2", actor="clerk")
    assert error in ("SAME_ACTOR", "FORBIDDEN") and code != 0
    assert cli.ok("approve", "PZ-2", "--date", "2024-09-21", actor="approver")["status"] == "posted"
    assert cli.ok("verify", actor="auditor")["ok"]


def test_a_funds_own_window_through_the_command_line(tmp_path):
    cli = standard_world(Cli(f"sqlite:///{tmp_path}/ledger.db"))
    created = cli.ok("fund", "create", "KX", "--name", "快速专项", "--approval-window", "7", actor="clerk")
    assert created["approval_window"] == 7
    assert cli.ok("fund", "create", "KY", "--name", "常规专项", actor="clerk")["approval_window"] == 30
    cli.ok("fund", "appropriate", "KX", "--year", "2024", "--amount", "1亿", "--doc", "KX-1", "--date", "2024-01-05")
    awarded(cli, "QD-1", "qd2024-01-common-tech", "300万", fund="KX")
    for voucher, day in (("PZ-1", "2024-09-02"), ("PZ-2", "2024-09-09")):  # 8 days apart: two windows of 7
        paid = cli.ok("disburse", "QD-1", "--amount", "60万", "--voucher", voucher, "--date", day, actor="clerk")
        assert paid["status"] == "posted"
    held = cli.ok("disburse", "QD-1", "--amount", "60万", "--voucher", "PZ-3", "--date", "2024-09-15", actor="clerk")
    assert held["status"] == "pending" and "7 天内" in held["note"] and "PZ-2 2024-09-09 60万" in held["note"]
    code, error, message = cli.refused("fund", "create", "KY", "--name", "Y", "--approval-window", "400")
    assert (code, error) == (2, "INVALID_INPUT") and "天数" in message
