"""What a clerk reads, in words (issue 27): refusals, notes and labels in Chinese, and figures under the right name.

Each test is a leftover a new user found: an English refusal by role, an accusing message for a key the
admin issued, ``unchanged: …``, ``状态为 posted``, ``本次内容不同 (date, amount)``, ``Period.Closed`` in
a history table, a write-off shown as no loss, a converted amount under a % heading, a count headed 年度,
no "did you mean" for a mistyped REF, ``最高可批 0.00`` beside ``符合条件 是``, and a held payment with no
reason given.
"""

from __future__ import annotations

import re

import pytest

from cli.output import width
from tests.e2e.driver import Cli, awarded, describe, error_line, one_json_document, standard_world
from tests.helpers import ENTERPRISE

COMMON_TECH = "qd2024-01-common-tech"
EQUITY = "qd2024-22-equity"


@pytest.fixture
def world(sqlite_url) -> Cli:
    cli = standard_world(Cli(sqlite_url))
    awarded(cli, "QD-2025-101", COMMON_TECH, "300万")
    return cli


def test_a_refusal_by_role_names_the_roles_in_chinese(world):
    code, message = error_line(world("approve", "PZ-1", actor="clerk", fmt="table"))
    assert code == "FORBIDDEN"
    assert "无权执行「审批 (approve)」" in message and "审批人 (approver)" in message and "管理员 (admin)" in message
    assert "may not" not in message and "needs one of" not in message


def test_a_person_whose_key_the_admin_issued_is_told_what_the_admin_must_do(world, tmp_path):
    own = {"GRANTLEDGER_KEYS": str(tmp_path / "own-keys")}  # the approver at her own account
    result = world("approve", "PZ-1", actor="approver", fmt="table", env=own)
    code, message = error_line(result)
    assert code == "FORBIDDEN" and "不等于" not in message and "本人" not in message.split("管理员")[0]
    assert "代为生成" in message and "key new" in message and "role grant approver approver --key" in message


def test_an_exact_repeat_says_so_in_chinese(world):
    args = ("disburse", "QD-2025-101", "--amount", "10万", "--voucher", "PZ-1", "--date", "2024-09-02")
    world.ok(*args)
    again = world(*args, fmt="table")
    assert again.exit_code == 0 and "完全相同" in again.stderr and "unchanged" not in again.stderr


def test_a_reused_voucher_names_what_differs_and_a_state_in_chinese(world):
    world.ok("disburse", "QD-2025-101", "--amount", "10万", "--voucher", "PZ-1", "--date", "2024-09-02")
    _, code, message = world.refused("disburse", "QD-2025-101", "--amount", "20万", "--voucher", "PZ-1",
                                     "--date", "2024-09-03")  # fmt: skip
    assert code == "DUPLICATE_KEY" and "(日期、金额)" in message and "date" not in message
    _, code, message = world.refused("approve", "PZ-1", actor="approver")
    assert code == "INVALID_STATE" and "已入账" in message and "posted" not in message


def test_every_event_type_in_a_history_table_is_in_chinese(world):
    world.ok("close", "2024", "--fund", "KJ", "--doc", "青财结〔2025〕1号", "--date", "2025-01-10")
    table = world("history", "KJ", fmt="table").stdout
    assert "年度结账" in table
    assert not re.search(r"\b[A-Z][a-zA-Z]+\.[A-Z][a-zA-Z]+\b", table), table


def test_a_mistyped_ref_in_history_gets_a_did_you_mean(world):
    code, message = error_line(world("history", "QD-2025-1O1", fmt="table"))
    assert code == "NOT_FOUND" and "是否要找" in message and "QD-2025-101" in message


def test_a_written_off_holding_is_a_loss_in_the_equity_report(world):
    awarded(world, "TZ-1", EQUITY, "800万", fund="TZ", extra=("--mode", "equity"))
    world.ok("invest", "TZ-1", "--amount", "40万", "--stake", "10", "--valuation", "400万", "--voucher", "T-1",
             "--date", "2024-09-02")  # fmt: skip
    world.ok("write-off", "TZ-1", "--reason", "企业破产清算", "--date", "2024-12-01")
    (row,) = world.ok("report", "equity")
    assert row["net_gain"] == "-400000.00" and row["written_off"] == "400000.00"
    table = world("report", "equity", fmt="table").stdout
    assert "核销损失" in table and "损益合计" in table and "-400,000.00" in table


def test_a_conversion_shows_its_amount_under_an_amount_heading(world):
    awarded(world, "C-1", "qd2024-02-demo", "300万", extra=("--mode", "convertible"))
    world.ok("disburse", "C-1", "--amount", "90万", "--voucher", "P-3", "--date", "2024-09-02")
    result = world("convert", "C-1", "--stake", "3", "--valuation", "6000万", "--doc", "青科投〔2024〕2号",
                   "--date", "2024-12-01", fmt="table")  # fmt: skip
    assert result.exit_code == 0, describe(result)
    assert re.search(r"转股金额\s+900,000.00", result.stdout) and "转股%" not in result.stdout


def test_fund_list_names_its_count_of_years(world):
    table = world("fund", "list", fmt="table").stdout
    assert "预算年度数" in table.splitlines()[0]


def test_a_quote_of_nothing_is_not_eligible(world):
    """The innovation voucher's yearly cap (20万) used up: the most is 0, so the unit is not eligible now."""
    awarded(world, "CQ-1", "qd2024-23-innovation-voucher", "20万", base="40万")
    quoted = world.ok("policy", "quote", "qd2024-23-innovation-voucher", "--unit", ENTERPRISE, "--base", "10万",
                      "--date", "2024-10-01")  # fmt: skip
    assert quoted["max"] == "0.00" and quoted["eligible"] is False and quoted["reasons"], quoted
    table = world("policy", "quote", "qd2024-23-innovation-voucher", "--unit", ENTERPRISE, "--base", "10万",
                  "--date", "2024-10-01", fmt="table").stdout  # fmt: skip
    assert re.search(r"符合条件\s+否", table), table


def test_report_pending_says_why_each_payment_waits(world):
    world.ok("disburse", "QD-2025-101", "--amount", "150万", "--voucher", "PZ-9", "--date", "2024-09-02")
    (row,) = world.ok("report", "pending")
    assert "达到资金 KJ 的审批阈值 100万元" in row["held_because"]
    table = world("report", "pending", fmt="table").stdout
    assert "待审批原因" in table.splitlines()[0]


def test_a_batch_names_its_lines_in_chinese(world, tmp_path):
    lines = tmp_path / "b.jsonl"
    lines.write_text('{"cmd": "disburse", "ref": "QD-NONE", "amount": "1", "voucher": "X-1"}\n', encoding="utf-8")
    result = world("batch", str(lines), fmt="table")
    assert result.exit_code == 1 and result.stderr.startswith("第 1 行: error[NOT_FOUND]"), describe(result)
    assert "已执行" in result.stdout and "被拒绝" in result.stdout and "applied" not in result.stdout
    assert one_json_document(world("batch", str(lines), fmt="json"))["failed"] == 1


def test_policy_show_is_written_for_a_clerk(sqlite_url):
    cli = Cli(sqlite_url, fmt="table")
    text = cli("policy", "show", "qd2024-23-innovation-voucher").stdout
    for words in ("出处", "《青岛市深入推进科技创新加快建设科技强市行动计划", "自2024年7月31日起至2028年12月31日",
                  "实际支付金额的 50%", "同一单位每个自然年合计最高 20万元", "适用单位", "企业", "已印发"):  # fmt: skip
        assert words in text, (words, text)
    for developer in ("seed", ".txt", "{", "policy-clauses", "cap_group", "shipped", "代管"):
        assert developer not in text, (developer, text)
    shown = cli("policy", "show", "qd2020-kc16-clinical-center").stdout
    assert "自2024年7月31日起由 qd2024-06-clinical-center 取代" in shown and "累计最高 200万元" in shown
    as_json = Cli(sqlite_url).ok("policy", "show", "qd2024-23-innovation-voucher")
    assert as_json["rule"]["annual_cap"] == "200000.00"  # machines keep the rule and the notes
    listed = cli("policy", "list").stdout
    assert "随软件提供" in listed and "shipped" not in listed


def test_a_table_wider_than_the_terminal_wraps_into_blocks_that_fit(world):
    wide = world("report", "awards", fmt="table", env={"COLUMNS": "80"}).stdout
    lines = wide.rstrip("\n").split("\n")
    assert max(width(line) for line in lines) <= 80, wide
    full = world("report", "awards", fmt="table").stdout
    assert max(width(line) for line in full.splitlines()) > 80  # the test means something
    for title in full.splitlines()[0].split():  # every column is still shown, in one block or the next
        assert title in wide, title
    blocks = wide.split("\n\n")
    assert len(blocks) > 1 and all(block.startswith("申报编号") for block in blocks)
    funds = world("report", "funds", fmt="table", env={"COLUMNS": "60"}).stdout
    assert all(block.startswith("资金  年度") for block in funds.split("\n\n"))
