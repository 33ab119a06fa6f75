"""Defects found acting a month of a finance office (issue 15), each pinned by a test that failed before its fix."""

from __future__ import annotations

import os
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cli.main import COMMANDS, main
from ledger import uscc
from tests.e2e.driver import Cli, awarded, describe, runner, standard_world
from tests.helpers import ENTERPRISE

COMMON_TECH = "qd2024-01-common-tech"
EQUITY = "qd2024-22-equity"


@pytest.fixture
def cli(db_url) -> Cli:
    return Cli(db_url)


@pytest.fixture
def world(cli) -> Cli:
    return standard_world(cli)


def today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def test_void_dated_before_the_vouchers_own_date_is_refused(world):
    awarded(world, "QD-V", COMMON_TECH, "300万")
    world.ok("disburse", "QD-V", "--amount", "200万", "--voucher", "PZ-V", "--date", "2024-09-10", actor="clerk")
    before = world.event_count()
    exit_code, code, message = world.refused("void", "PZ-V", "--reason", "错", "--date", "2024-09-05", actor="approver")
    assert (exit_code, code) == (1, "INVALID_STATE")
    assert "2024-09-05" in message and "2024-09-10" in message
    assert world.event_count() == before
    # the trial balance as of the voucher's date has no negative pending
    rows = world.ok("report", "trial-balance", "--as-of", "2024-09-07")
    assert all(not row["account"].startswith("pending") or row["balance"][0] != "-" for row in rows)
    world.ok("void", "PZ-V", "--reason", "错", "--date", "2024-09-10", actor="approver")


def test_report_units_as_of_today_equals_report_units(world):
    awarded(world, "QD-U1", COMMON_TECH, "300万")
    world.ok(
        "apply", "QD-U2", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "10万", "--date", "2024-09-02"
    )
    world.ok("disburse", "QD-U1", "--amount", "50万", "--voucher", "PZ-U1", "--date", "2024-09-03", actor="clerk")
    plain = world.ok("report", "units")
    as_of = world.ok("report", "units", "--as-of", today())
    assert as_of == plain
    assert len(plain) == 3  # every registered unit, with or without awards
    assert {row["unit"]: row["applications"] for row in plain}[ENTERPRISE] == 2


def test_a_refused_command_against_a_missing_database_leaves_no_file(tmp_path):
    path = tmp_path / "missing.db"
    result = runner().invoke(main, ["--db", f"sqlite:///{path}", "--actor", "a", "fund", "create", "K", "--name", "k"])
    assert result.exit_code == 3, describe(result)
    assert "init" in result.stderr
    assert not path.exists()
    result = runner().invoke(main, ["--db", f"sqlite:///{path}", "--actor", "a", "report", "funds"])
    assert result.exit_code == 3, describe(result)
    assert not os.path.exists(path)


def _help_texts() -> list[tuple[str, str]]:
    texts = []
    for name in COMMANDS:
        result = runner().invoke(main, [name, "--help"])
        texts.append((name, result.stdout))
        for sub in re.findall(r"^  ([a-z-]+)  ", result.stdout.partition("Commands:")[2], re.M):
            texts.append((f"{name} {sub}", runner().invoke(main, [name, sub, "--help"]).stdout))
    return texts


def test_every_unit_code_in_a_help_example_has_a_right_check_digit():
    seen = 0
    for name, text in _help_texts():
        for code in re.findall(r"(?<![0-9A-Z])[0-9][0-9A-Z]{17}(?![0-9A-Z])", text):
            seen += 1
            assert uscc.normalise(code) == code, f"{name} --help: {code}"
    assert seen >= 3


def test_spend_on_a_written_off_award_is_refused(world):
    awarded(world, "QD-W", EQUITY, "100万", fund="TZ", extra=("--mode", "equity"))
    world.ok(
        "invest", "QD-W", "--amount", "40万", "--stake", "5", "--valuation", "800万", "--voucher", "TZ-W",
        "--date", "2024-09-02", actor="clerk",
    )  # fmt: skip
    world.ok("write-off", "QD-W", "--reason", "企业破产", "--date", "2024-10-01", actor="clerk")
    before = world.event_count()
    exit_code, code, message = world.refused(
        "spend", "QD-W", "--amount", "1万", "--category", "equipment", "--voucher", "ZC-W", "--date", "2024-10-02",
        actor="clerk",
    )  # fmt: skip
    assert (exit_code, code) == (1, "INVALID_STATE")
    assert "核销" in message
    assert world.event_count() == before


def test_fund_create_and_unit_register_take_a_date_and_history_keeps_the_order(cli):
    cli.ok("init")
    cli.ok("fund", "create", "KJ", "--name", "科技创新专项资金", "--date", "2024-01-02")
    cli.ok("fund", "appropriate", "KJ", "--year", "2024", "--amount", "1亿", "--doc", "D1", "--date", "2024-01-05")
    rows = cli.ok("history", "KJ")
    assert [r["effective_date"] for r in rows][:2] == ["2024-01-02", "2024-01-05"]
    cli.ok("unit", "register", ENTERPRISE, "--name", "海澜智能", "--type", "enterprise", "--date", "2023-12-01")
    assert cli.ok("history", ENTERPRISE)[0]["effective_date"] == "2023-12-01"
    _, code, _ = cli.refused("fund", "create", "LATER", "--name", "未来", "--date", "2999-01-01")
    assert code == "INVALID_INPUT"
