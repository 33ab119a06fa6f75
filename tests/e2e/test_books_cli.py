"""``report trial-balance --side`` and ``export beancount|hledger|vouchers`` through the command line."""

from __future__ import annotations

import pytest

from projections.kingdee import KINGDEE_FIELDS
from tests.e2e.driver import Cli, describe, error_line, standard_world, yuan
from tests.helpers import ENTERPRISE, read_u8


@pytest.fixture
def paid(sqlite_url) -> Cli:
    cli = standard_world(Cli(sqlite_url))
    cli.ok("apply", "QD-1", "--unit", ENTERPRISE, "--clause", "qd2024-01-common-tech", "--amount", "100万",
           "--date", "2024-09-01")  # fmt: skip
    cli.ok("evaluate", "QD-1", "--grade", "good", "--date", "2024-09-01")
    cli.ok("award", "QD-1", "--amount", "100万", "--fund", "KJ", "--doc", "青科〔2024〕9号", "--date", "2024-09-01")
    cli.ok("disburse", "QD-1", "--amount", "30万", "--voucher", "PZ-1", "--date", "2024-09-02")
    return cli


def test_report_trial_balance_side_budget_is_zero_and_names_the_accounts(paid):
    rows = paid.ok("report", "trial-balance", "--side", "budget")
    by_account = {r["account"]: r for r in rows}
    assert yuan(by_account["7101"]["balance"]) == 300000 and by_account["7101"]["name"] == "行政支出"
    assert yuan(by_account["total"]["balance"]) == 0 and {r["side"] for r in rows} == {"budget"}
    table = paid("report", "trial-balance", "--side", "both", fmt="table")
    assert table.exit_code == 0 and "零余额账户用款额度" in table.stdout and "预算会计合计" in table.stdout


def test_side_applies_to_the_trial_balance_only(paid):
    code, message = error_line(paid("report", "awards", "--side", "budget", fmt="table"))
    assert code == "INVALID_INPUT" and "trial-balance" in message


def test_a_missing_chart_file_is_refused_in_words(paid, tmp_path):
    code, message = error_line(paid("export", "beancount", "--chart", str(tmp_path / "nope.toml"), fmt="table"))
    assert code == "INVALID_INPUT" and "nope.toml" in message


def test_export_beancount_and_hledger_write_the_books(paid, tmp_path):
    for what, name in (("beancount", "b.beancount"), ("hledger", "h.journal")):
        out = tmp_path / name
        result = paid("export", what, "--out", str(out))
        assert result.exit_code == 0, describe(result)
        text = out.read_text(encoding="utf-8")
        assert "Expenses:Financial:5001-业务活动费用" in text and "PZ-1" in text and "admin" in text
    stdout = paid("export", "beancount")
    assert stdout.exit_code == 0 and stdout.stdout.startswith("; grantledger books")


def test_export_vouchers_to_u8_and_kingdee(paid, tmp_path):
    from openpyxl import load_workbook

    u8 = tmp_path / "pz.txt"
    result = paid("export", "vouchers", "--to", "u8", "--year", "2024", "--out", str(u8))
    assert result.exit_code == 0, describe(result)
    rows = read_u8(u8.read_bytes().decode("gb18030"))
    paid_out = [r for r in rows if r["附单据数"] == "1"]
    assert {(r["科目编码"], r["借方金额"], r["贷方金额"]) for r in paid_out} == {
        ("5001", "300000.00", "0.00"),
        ("1011", "0.00", "300000.00"),
        ("7101", "300000.00", "0.00"),
        ("8001", "0.00", "300000.00"),
    }
    assert {r["凭证号"] for r in paid_out} == {"1"}  # numbered per month: the first of 2024-09 (appropriations in 01)
    assert paid("export", "vouchers", "--to", "u8", "--year", "2023", "--out", str(u8)).exit_code == 0
    assert read_u8(u8.read_bytes().decode("gb18030")) == []
    xlsx = tmp_path / "pz.xlsx"
    assert paid("export", "vouchers", "--to", "kingdee", "--out", str(xlsx)).exit_code == 0
    header, *lines = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert tuple(header) == KINGDEE_FIELDS and len(lines) == len(rows)


def test_an_unwritable_out_file_is_refused_in_words(paid, tmp_path):
    for args in (("beancount",), ("vouchers", "--to", "u8"), ("vouchers", "--to", "kingdee")):
        code, message = error_line(paid("export", *args, "--out", str(tmp_path / "no" / "such" / "dir"), fmt="table"))
        assert code == "INVALID_INPUT" and "无法写入" in message
