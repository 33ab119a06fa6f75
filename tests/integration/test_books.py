"""The books for the accounting system: 政府会计制度 entries, plain-text ledgers checked by the real tools
(bean-check, bean-query, hledger), and 用友 U8 / 金蝶 KIS vouchers parsed back."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.errors import LedgerError
from projections import chart_of_accounts, kingdee, plain_books, u8
from tests.helpers import read_u8, run

WAN = 1_000_000
BIN = Path(sys.executable).parent


@pytest.fixture
def busy(world):
    """A year with every money movement: grants paid, one reversed, one recovered, equity in, out and written off."""
    ledger = world.ledger
    world.awarded("G-1", "qd2024-01-common-tech", "100万")
    run(ledger, "disburse", ref="G-1", amount="60万", voucher="P-1", date="2024-09-02")
    run(ledger, "disburse", ref="G-1", amount="10万", voucher="P-2", date="2024-09-03")
    run(ledger, "reverse", "clerk", voucher="P-2", reason="重复支付")
    run(ledger, "spend", ref="G-1", amount="20万", category="rd", voucher="ZC-1", date="2024-09-10")
    run(ledger, "recover", ref="G-1", amount="5万", voucher="R-1", reason="结余", date="2024-10-01")
    world.awarded("E-1", "qd2024-22-equity", "100万", fund="TZ", mode="equity")
    run(ledger, "invest", ref="E-1", amount="40万", stake="10", valuation="400万", voucher="T-1", date="2024-09-02")
    run(ledger, "exit", ref="E-1", stake="5", proceeds="5万", voucher="X-1", date="2024-10-01")  # a loss
    run(ledger, "write-off", ref="E-1", reason="企业破产清算", date="2024-12-01")
    world.awarded("C-1", "qd2024-02-demo", "300万", mode="convertible")
    run(ledger, "disburse", ref="C-1", amount="90万", voucher="P-3", date="2024-09-02")
    run(ledger, "convert", ref="C-1", stake="3", valuation="6000万", doc="青科投〔2024〕2号", date="2024-12-01")
    run(ledger, "exit", ref="C-1", stake="1", proceeds="50万", voucher="X-2", date="2025-03-01")  # a gain
    return world


def balances(world, side: str = "both") -> dict[str, int]:
    """Account code → balance (debit − credit) from the trial balance, totals left out."""
    return {r["account"]: r["balance"] for r in world.report("trial-balance", side=side) if r["account"] != "total"}


def by_code(totals: dict[str, Decimal]) -> dict[str, int]:
    """Ledger account name → 分, keyed by the chart code inside the name."""
    return {name.rpartition(":")[2].partition("-")[0]: int(amount * 100) for name, amount in totals.items() if amount}


def test_every_money_event_books_both_sides_and_each_side_balances_alone(busy):
    rows = busy.report("trial-balance", side="both")
    totals = {r["side"]: r for r in rows if r["account"] == "total"}
    assert totals["financial"]["balance"] == 0 and totals["budget"]["balance"] == 0
    assert totals["financial"]["debit"] > 0 and totals["budget"]["debit"] > 0
    b = balances(busy)
    # appropriations: 2 funds × 2 years × 1亿 (authorised-payment quota, 授权支付)
    assert b["4001"] == b["6001"] == -40_000 * WAN
    # grants paid (60万 + 10万 − 10万 reversed + 90万), less 5万 recovered: 业务活动费用 and 行政支出 agree
    assert b["5001"] == b["7101"] == 145 * WAN
    assert b["7601"] == 40 * WAN  # 投资支出
    # holdings: 40万 invested + 90万 converted − 20万 sold − 20万 written off − 30万 sold
    assert b["1501"] == 60 * WAN and b["5301"] == 20 * WAN and b["4609"] == -90 * WAN
    # exits: a loss of 15万 (5万 for 20万 of cost) and a gain of 20万 (50万 for 30万): 投资收益 nets to a 5万 gain
    assert b["4602"] == b["6602"] == -5 * WAN
    assert b["1002"] == 55 * WAN
    # expenditures, awards and pending payments are not the bureau's entries
    assert all(r["side"] in ("financial", "budget") for r in busy.report("trial-balance", side="both"))
    # the ledger's own trial balance is unchanged and still the default
    assert busy.report("trial-balance")[-1]["account"] == "total"
    assert busy.report("trial-balance")[-1]["balance"] == 0


def test_the_books_honour_as_of_and_one_side(busy):
    before = balances(busy, "budget")
    assert set(before) <= {code for code, a in chart_of_accounts.load_chart().accounts.items() if a.side == "budget"}
    early = {r["account"]: r["balance"] for r in busy.report("trial-balance", side="financial", as_of="2024-09-02")}
    assert early["5001"] == 150 * WAN  # 60万 to G-1 and 90万 to C-1; the reversal and recovery come later
    assert busy.report("trial-balance", side="financial", as_of="2024-09-02")[-1]["balance"] == 0


def test_vouchers_one_per_money_event_balanced_and_numbered_per_month_in_date_order(busy):
    chart, found = busy.ledger.books("admin")
    assert [v.number for v in found if v.date.startswith("2025")] == [1]
    assert [v.date for v in found] == sorted(v.date for v in found)  # the reversal was recorded before later dates
    per_month = defaultdict(list)
    for v in found:
        per_month[v.date[:7]].append(v.number)
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in per_month.values()), per_month
    assert {v.period for v in found if v.date.startswith("2024-09")} == {9}
    events = Counter(v.event for v in found)
    assert events["Grant.Spent"] == 0 and events["Grant.Reversed"] == 1 and events["Grant.Exited"] == 2
    for v in found:
        for side in chart_of_accounts.SIDES:
            lines = [line for line in v.merged() if line.side == side]
            assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
    reversal = next(v for v in found if v.event == "Grant.Reversed")
    assert reversal.summary(chart).startswith("红字冲正")
    assert {line.debit + line.credit for line in reversal.merged()} == {-10 * WAN}
    assert {v.date[:4] for v in busy.ledger.books("admin", year=2025)[1]} == {"2025"}


def journal_lines(found) -> Counter:
    return Counter((v.date, v.number, line.account, line.debit, line.credit) for v in found for line in v.merged())


def test_u8_vouchers_parse_back_to_the_journal(busy, tmp_path):
    chart, found = busy.ledger.books("admin", year=2024)
    out = tmp_path / "pz.txt"
    with open(out, "w", encoding="gb18030", newline="") as handle:
        count = u8.u8(chart, found, handle)
    raw = out.read_bytes()
    assert raw.startswith("填制凭证,V800\r\n".encode("gb18030"))
    rows = read_u8(raw.decode("gb18030"))
    assert len(rows) == count
    assert {r["凭证类别字"] for r in rows} == {"记"}
    parsed = Counter(
        (
            r["制单日期"],
            int(r["凭证号"]),
            r["科目编码"],
            int(Decimal(r["借方金额"]) * 100),
            int(Decimal(r["贷方金额"]) * 100),
        )
        for r in rows
    )
    assert parsed == journal_lines(found)
    assert all(len(r["摘要"]) <= 60 and r["制单人"] for r in rows)
    per_voucher = defaultdict(int)
    for r in rows:  # a voucher is its 会计期间 and number
        moved = int(Decimal(r["借方金额"]) * 100) - int(Decimal(r["贷方金额"]) * 100)
        per_voucher[r["制单日期"][:7], r["凭证号"]] += moved
    assert set(per_voucher.values()) == {0}


def test_kingdee_vouchers_parse_back_to_the_journal(busy, tmp_path):
    from openpyxl import load_workbook

    from cli.audit import _kingdee

    chart, found = busy.ledger.books("admin")
    path = tmp_path / "pz.xlsx"
    _kingdee(kingdee.kingdee_rows(chart, found), str(path))
    sheet = load_workbook(path).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert tuple(header) == kingdee.KINGDEE_FIELDS
    records = [dict(zip(header, row, strict=True)) for row in rows]
    parsed = Counter(
        (
            r["日期"].date().isoformat(),
            r["凭证号"],
            r["科目代码"],
            int(Decimal(str(r["借方金额"])) * 100),
            int(Decimal(str(r["贷方金额"])) * 100),
        )
        for r in records
    )
    assert parsed == journal_lines(found)
    assert {r["凭证字"] for r in records} == {"记"}
    assert all(r["科目名称"] == chart.accounts[r["科目代码"]].name for r in records)


def test_bean_check_accepts_the_export_and_bean_query_agrees_with_the_trial_balance(busy, tmp_path):
    chart, found = busy.ledger.books("admin")
    path = tmp_path / "books.beancount"
    with open(path, "w", encoding="utf-8") as handle:
        plain_books.beancount(chart, found, handle)
    check = subprocess.run([str(BIN / "bean-check"), str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    query = subprocess.run(
        [str(BIN / "bean-query"), "-f", "csv", str(path), "SELECT account, sum(number) AS total GROUP BY account"],
        capture_output=True,
        text=True,
        check=True,
    )
    totals = {row["account"]: Decimal(row["total"]) for row in csv.DictReader(io.StringIO(query.stdout))}
    assert by_code(totals) == {code: bal for code, bal in balances(busy).items() if bal}
    assert 'actor: "' in path.read_text(encoding="utf-8") and "voucher: " in path.read_text(encoding="utf-8")


def hledger_binary() -> str:
    found = shutil.which("hledger")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("hledger is missing: scripts/test installs it from Debian's packages")
        pytest.skip("hledger is not installed (scripts/test installs it)")
    return found


def test_hledger_check_accepts_the_export_and_its_balances_agree(busy, tmp_path):
    hledger = hledger_binary()
    chart, found = busy.ledger.books("admin")
    path = tmp_path / "books.journal"
    with open(path, "w", encoding="utf-8") as handle:
        plain_books.hledger(chart, found, handle)
    check = subprocess.run([hledger, "-f", str(path), "check", "--strict"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    balance = subprocess.run(
        [hledger, "-f", str(path), "balance", "--flat", "--no-total", "-O", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    totals = {}
    for row in csv.DictReader(io.StringIO(balance.stdout)):
        amount = row["balance"].replace("CNY", "").strip()
        totals[row["account"]] = Decimal(amount or "0")
    assert by_code(totals) == {code: bal for code, bal in balances(busy).items() if bal}


def test_an_office_can_replace_the_chart_and_a_bad_chart_is_refused(busy, tmp_path):
    default = (Path(chart_of_accounts.__file__).parent / "charts" / "gov2019.toml").read_text(encoding="utf-8")
    own = tmp_path / "own.toml"
    # 直接支付: the appropriation is not booked; payments are booked as 财政拨款收入 at once
    own.write_text(
        default.replace('"financial", debit = "1011", credit = "4001"', '"financial", debit = "1002", credit = "4001"'),
        encoding="utf-8",
    )
    b = {r["account"]: r["balance"] for r in busy.report("trial-balance", side="financial", chart=str(own))}
    assert b["1002"] == 40_000 * WAN + 55 * WAN and b["total"] == 0
    missing = tmp_path / "missing.toml"
    missing.write_text(default.split("[movements.write_off]")[0], encoding="utf-8")
    with pytest.raises(LedgerError) as error:
        busy.report("trial-balance", side="budget", chart=str(missing))
    assert error.value.code == "INVALID_INPUT" and "write_off" in error.value.message
    crossed = tmp_path / "crossed.toml"
    crossed.write_text(default.replace('debit = "8001", credit = "6001"', 'debit = "1011", credit = "6001"'), "utf-8")
    with pytest.raises(LedgerError) as error:
        busy.report("trial-balance", side="budget", chart=str(crossed))
    assert "1011" in error.value.message
    uncited = tmp_path / "uncited.toml"
    uncited.write_text(re.sub(r'rule = "财会〔2017〕25号 5301[^"]*"', 'rule = " "', default), "utf-8")
    with pytest.raises(LedgerError) as error:
        busy.report("trial-balance", side="budget", chart=str(uncited))
    assert "rule" in error.value.message


def test_every_line_of_the_default_chart_cites_the_rule():
    chart = chart_of_accounts.load_chart()
    assert set(chart.movements) == set(chart_of_accounts.AMOUNTS)
    for movement in chart.movements.values():
        for entry in movement.entries:
            assert entry.rule.startswith("财会〔2017〕25号")
    for account in chart.accounts.values():
        assert account.rule.startswith("财会〔2017〕25号 第二部分 会计科目名称和编号")
        assert account.side == ("financial" if account.code < "6" else "budget")
    assert chart.accounts["1011"].name == "零余额账户用款额度" and chart.accounts["8001"].name == "资金结存"


def test_an_approved_payment_is_made_by_its_maker_and_lines_carry_project_and_unit(world, tmp_path):
    """制单人 is who made the payment, not the approver; 5001/7101 lines carry the application (项目) and
    5001 the unit (往来单位), in U8's 项目编码/供应商编码 fields and KIS's 核算项目."""
    from openpyxl import load_workbook

    from cli.kingdee_xlsx import write
    from tests.helpers import ENTERPRISE

    ledger = world.ledger
    world.awarded("G-9", "qd2024-01-common-tech", "500万")
    run(ledger, "disburse", "clerk", ref="G-9", amount="200万", voucher="P-9", date="2024-09-02")  # held
    run(ledger, "approve", "approver", voucher="P-9", date="2024-09-03")
    chart, found = ledger.books("admin", year=2024)
    (paid,) = [v for v in found if v.voucher == "P-9"]
    assert paid.event == "Grant.Approved" and paid.actor == "clerk"
    out = tmp_path / "pz.txt"
    with open(out, "w", encoding="gb18030", newline="") as handle:
        u8.u8(chart, found, handle)
    rows = [r for r in read_u8(out.read_bytes().decode("gb18030")) if r["摘要"].endswith("P-9")]
    by_account = {r["科目编码"]: r for r in rows}
    assert {r["制单人"] for r in rows} == {"clerk"}
    assert by_account["5001"]["项目编码"] == "G-9" and by_account["5001"]["供应商编码"] == ENTERPRISE
    assert by_account["7101"]["项目编码"] == "G-9" and by_account["7101"]["供应商编码"] == ""
    assert by_account["1011"]["项目编码"] == "" and by_account["8001"]["项目编码"] == ""
    path = tmp_path / "pz.xlsx"
    write(kingdee.kingdee_rows(chart, found), str(path))
    sheet = load_workbook(path).active
    header, *lines = list(sheet.iter_rows(values_only=True))
    records = [dict(zip(header, line, strict=True)) for line in lines if str(line[4]).endswith("P-9")]
    (expense,) = [r for r in records if r["科目代码"] == "5001"]
    assert expense["核算项目"].startswith("项目---G-9---") and f"往来单位---{ENTERPRISE}---" in expense["核算项目"]
    assert expense["会计期间"] == 9 and expense["制单人"] == "clerk" and expense["审核人"] is None


def test_the_kingdee_workbook_has_real_dates_and_columns_wide_enough(busy, tmp_path):
    from datetime import datetime

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from cli.kingdee_xlsx import shown, write
    from cli.output import width

    chart, found = busy.ledger.books("admin")
    path = tmp_path / "pz.xlsx"
    write(kingdee.kingdee_rows(chart, found), str(path))
    sheet = load_workbook(path).active
    for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
        assert isinstance(cell.value, datetime) and cell.number_format == "yyyy-mm-dd", cell.value
    for index in range(1, sheet.max_column + 1):
        column = [c for (c,) in sheet.iter_rows(min_col=index, max_col=index)]
        needed = max(width(shown(c.value.date() if isinstance(c.value, datetime) else c.value)) for c in column)
        assert sheet.column_dimensions[get_column_letter(index)].width >= needed, (column[0].value, needed)


def test_a_closeouts_recovery_is_a_voucher_of_its_month_made_by_the_clerk_with_project_and_unit(world, tmp_path):
    """The later acts in the books: a closeout's 追回 of the 结余 is its own 记 voucher, numbered in its month
    after the month's earlier payment, 制单人 the clerk who closed the project, 5001/7101 lines with the
    application (项目) and 5001 with the unit (往来单位); a cancelled award's own release is not a money voucher."""
    from tests.helpers import ENTERPRISE

    ledger = world.ledger
    world.awarded("G-1", "qd2024-01-common-tech", "50万")
    world.awarded("G-2", "qd2024-01-common-tech", "30万")
    run(ledger, "disburse", "clerk", ref="G-1", amount="20万", voucher="P-1", date="2024-10-01")
    run(ledger, "spend", "clerk", ref="G-1", amount="5万", category="equipment", voucher="Z-1", date="2024-10-02")
    run(ledger, "close-project", "clerk", ref="G-1", result="pass", doc="验-1", voucher="H-1", date="2024-10-20")
    run(ledger, "disburse", "clerk", ref="G-2", amount="1万", voucher="P-2", date="2024-10-05")  # logged later
    chart, found = ledger.books("admin", year=2024)
    out = tmp_path / "pz.txt"
    with open(out, "w", encoding="gb18030", newline="") as handle:
        u8.u8(chart, found, handle)
    rows = read_u8(out.read_bytes().decode("gb18030"))
    october = sorted({(r["制单日期"], int(r["凭证号"])) for r in rows if r["制单日期"].startswith("2024-10")})
    assert october == [("2024-10-01", 1), ("2024-10-05", 2), ("2024-10-20", 3)], october
    back = [r for r in rows if r["摘要"].endswith("H-1")]
    by_account = {r["科目编码"]: r for r in back}
    assert {r["制单人"] for r in back} == {"clerk"} and by_account["1011"]["借方金额"] == "150000.00"
    assert by_account["5001"]["项目编码"] == "G-1" and by_account["5001"]["供应商编码"] == ENTERPRISE
    assert by_account["7101"]["项目编码"] == "G-1"
