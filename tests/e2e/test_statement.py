"""``statement REF`` (项目资金对账单, issue 24 item 6): a project paid in two payments, with spending, a reversal
and a recovery, printed for its recipient as PDF (read back with pypdf) and xlsx (read back with openpyxl),
and as JSON; every figure equals ``report awards`` to the 分. Through the command line, on both engines.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from ledger.capitals import capitals
from tests.e2e.driver import Cli, awarded, describe, standard_world, yuan
from tests.helpers import ENTERPRISE, printed_by_libreoffice

COMMON_TECH = "qd2024-01-common-tech"
WAN = 1_000_000  # 分


@pytest.fixture
def office(db_url) -> Cli:
    """QD-1 (500万 under KJ): 300万 held and approved, 80万 posted; 120万 equipment and 30万 travel spent, a 5万
    travel expense reversed; 5万 recovered as 项目结余."""
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-1", COMMON_TECH, "500万", date="2024-08-01")
    cli.ok("disburse", "QD-1", "--amount", "300万", "--voucher", "P1", "--date", "2024-08-10", actor="clerk")
    cli.ok("approve", "P1", "--date", "2024-08-12", actor="approver")
    cli.ok("disburse", "QD-1", "--amount", "80万", "--voucher", "P2", "--date", "2024-09-10", actor="clerk")
    for voucher, amount, category, day in (
        ("S1", "120万", "equipment", "2024-09-20"),
        ("S2", "30万", "travel", "2024-10-01"),
        ("S3", "5万", "travel", "2024-10-02"),
    ):
        cli.ok("spend", "QD-1", "--amount", amount, "--category", category, "--voucher", voucher, "--date", day)
    cli.ok("reverse", "S3", "--reason", "重复录入", "--date", "2024-10-03")
    cli.ok("recover", "QD-1", "--amount", "5万", "--voucher", "R1", "--reason", "项目结余", "--date", "2024-11-01")
    return cli


def test_the_statement_in_json_has_the_award_payments_spending_recoveries_and_balance(office):
    st = office.ok("statement", "QD-1", actor="auditor")
    award = next(r for r in office.ok("report", "awards") if r["application"] == "QD-1")
    for figure in ("awarded", "disbursed", "pending", "spent", "recovered", "available"):
        assert st[figure] == award[figure], figure
    assert (st["awarded"], st["disbursed"], st["available"], st["unpaid"]) == (
        "5000000.00",
        "3800000.00",
        "2250000.00",
        "1200000.00",
    )
    assert (st["unit"], st["unit_name"], st["fund"], st["doc"], st["awarded_on"]) == (
        ENTERPRISE,
        "海澜智能",
        "KJ",
        "DOC-QD-1",
        "2024-08-01",
    )
    clause = office.ok("policy", "show", COMMON_TECH)
    assert st["clause"] == COMMON_TECH and st["clause_source"] == clause["source"]
    payments = {p["voucher"]: p for p in st["payments"]}
    assert (payments["P1"]["status"], payments["P1"]["paid_on"], payments["P1"]["approved_by"]) == (
        "approved",
        "2024-08-12",
        "approver",
    )
    assert (payments["P1"]["maker"], payments["P1"]["amount"], payments["P1"]["paid"]) == (
        "clerk",
        "3000000.00",
        "3000000.00",
    )
    assert (payments["P2"]["status"], payments["P2"]["date"], payments["P2"]["amount"]) == (
        "posted",
        "2024-09-10",
        "800000.00",
    )
    assert st["spending"] == [
        {"category": "equipment", "count": 1, "amount": "1200000.00"},
        {"category": "travel", "count": 1, "amount": "300000.00"},  # S3 reversed: it no longer counts
    ]
    assert [(r["voucher"], r["amount"], r["status"]) for r in st["recoveries"]] == [("R1", "50000.00", "posted")]
    assert "项目结余" in st["recoveries"][0]["detail"]
    assert [(r["voucher"], r["kind"], r["amount"]) for r in st["reversals"]] == [("S3", "expenditure", "50000.00")]
    assert "重复录入" in st["reversals"][0]["detail"]
    assert st["progress"] == []  # no milestone, tranche or change recorded: nothing shown


def pdf_text(path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_pdf_statement_reads_back_with_every_figure_in_yuan_and_in_capitals(office, tmp_path):
    out = tmp_path / "对账单.pdf"
    result = office("statement", "QD-1", "--format", "pdf", "--out", str(out), actor="auditor", fmt="table")
    assert result.exit_code == 0 and result.stdout == "", describe(result)
    text = pdf_text(out)
    clause = office.ok("policy", "show", COMMON_TECH)
    for shown in ("项目资金对账单", "QD-1", "海澜智能", ENTERPRISE, COMMON_TECH, "KJ科技创新专项资金", "DOC-QD-1"):
        assert shown in text, shown
    assert re.sub(r"\s+", "", clause["source"]) in text
    for figure, fen in (
        ("批复金额", 500 * WAN),
        ("累计拨付", 380 * WAN),
        ("累计支出", 150 * WAN),
        ("累计追回", 5 * WAN),
    ):
        assert f"{figure}{Decimal(fen) / 100:,.2f}人民币{capitals(fen)}" in text, figure
    assert f"2,250,000.00人民币{capitals(225 * WAN)}" in text and "人民币贰佰贰拾伍万元整" in text  # 结余
    assert "P1拨付2024-08-103,000,000.00已审批3,000,000.002024-08-12clerkapprover" in text
    assert "P2拨付2024-09-10800,000.00已入账800,000.002024-09-10clerk" in text
    assert "合计3,800,000.00" in text  # paid, added up
    assert "设备费11,200,000.00" in text and "差旅费1300,000.00" in text and "合计21,500,000.00" in text
    assert "R12024-11-0150,000.00已入账理由项目结余" in text
    assert "S3支出2024-10-0350,000.00" in text and "重复录入" in text
    assert "项目进度与变更" not in text  # the award has none
    assert "盖章" in text
    if shutil.which("pdffonts"):  # the one embedded font of every grantledger PDF, as the voucher forms
        listed = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout
        fonts = listed.splitlines()[2:]
        assert fonts and all(re.search(r"\byes\s+yes\s+yes\b", f) and "TrueType" in f for f in fonts), listed


def test_the_xlsx_statement_reads_back_with_numbers_a_title_block_and_no_formulas(office, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "对账单.xlsx"
    result = office("statement", "QD-1", "--format", "xlsx", "--out", str(out), fmt="table")
    assert result.exit_code == 0, describe(result)
    book = load_workbook(out)
    assert book.sheetnames == [
        "项目资金对账单",
        "项目资金对账单·拨付明细",
        "项目资金对账单·支出分类",
        "项目资金对账单·追回",
        "项目资金对账单·红字冲正",
    ]
    summary = book["项目资金对账单"]
    assert summary["A1"].value == "项目资金对账单" and "申报编号: QD-1" in summary["A2"].value
    rows = {r[0]: r[1:] for r in summary.iter_rows(min_row=5, values_only=True)}
    assert rows["承担单位"][0] == f"海澜智能 ({ENTERPRISE})"
    assert rows["批复金额"] == ("人民币伍佰万元整", 5_000_000)
    assert rows["结余 (已拨付 − 已支出 − 已追回)"] == ("人民币贰佰贰拾伍万元整", 2_250_000)
    payments = book["项目资金对账单·拨付明细"]
    header = [c.value for c in payments[4]]
    assert header[:6] == ["凭证号", "类型", "经办日期", "凭证金额", "状态", "入账金额"]
    body = list(payments.iter_rows(min_row=5, values_only=True))
    assert [r[0] for r in body] == ["P1", "P2", "合计"]
    assert body[0][1] == "拨付" and body[0][4] == "已审批" and body[-1][5] == 3_800_000
    assert payments.freeze_panes == "A5" and int(payments.page_setup.paperSize) == 9  # A4
    assert payments["D5"].number_format == "#,##0.00"
    spending = list(book["项目资金对账单·支出分类"].iter_rows(min_row=5, values_only=True))
    assert spending == [("设备费", 1, 1_200_000), ("差旅费", 1, 300_000), ("合计", 2, 1_500_000)]
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("=") for v in row), row


def test_a_statement_as_of_a_date_shows_the_project_as_it_stood(office):
    st = office.ok("statement", "QD-1", "--as-of", "2024-08-11")
    assert [(p["voucher"], p["status"], p["paid"], p["paid_on"]) for p in st["payments"]] == [
        ("P1", "pending", "0.00", None)
    ]
    assert (st["disbursed"], st["pending"], st["available"], st["as_of"]) == (
        "0.00",
        "3000000.00",
        "0.00",
        "2024-08-11",
    )
    assert st["spending"] == [] and st["recoveries"] == []
    exit_code, code, message = office.refused("statement", "QD-1", "--as-of", "2024-07-31")
    assert (exit_code, code) == (1, "INVALID_STATE") and "尚未批复" in message


def test_the_award_s_other_acts_appear_generically_in_the_progress_section(office, tmp_path):
    awarded(office, "QD-C", "qd2024-02-demo", "100万", date="2024-08-01", extra=("--mode", "convertible"))
    office.ok("disburse", "QD-C", "--amount", "30万", "--voucher", "C1", "--date", "2024-09-01")
    office.ok("convert", "QD-C", "--stake", "3", "--valuation", "1000万", "--doc", "ZG-1", "--date", "2024-10-01")
    st = office.ok("statement", "QD-C")
    assert [(e["type"], e["date"]) for e in st["progress"]] == [("Grant.Converted", "2024-10-01")]
    out = tmp_path / "c.pdf"
    assert office("statement", "QD-C", "--format", "pdf", "--out", str(out), fmt="table").exit_code == 0
    text = pdf_text(out)
    assert "项目进度与变更" in text and "转股" in text and "ZG-1" in text


def test_the_table_and_the_default_file_name(office, tmp_path, monkeypatch):
    result = office("statement", "QD-1", fmt="table")
    assert result.exit_code == 0, describe(result)
    for shown in ("项目资金对账单", "【拨付明细】", "【支出分类】", "【追回】", "【红字冲正】", "2,250,000.00"):
        assert shown in result.stdout, shown
    assert "【项目进度与变更】" not in result.stdout
    assert re.search(r"截至 今天 \(\d{4}-\d{2}-\d{2}\)", result.stdout.splitlines()[0]), result.stdout  # not "截至 今"
    monkeypatch.chdir(tmp_path)
    made = office("statement", "QD-1", "--format", "pdf", "--out", str(tmp_path / "st.pdf"), fmt="table")
    assert made.stderr.strip() == f"已写入 项目资金对账单 QD-1: {tmp_path / 'st.pdf'}", describe(made)
    result = office("statement", "QD-1", "--format", "xlsx", fmt="table")
    assert result.exit_code == 0 and (tmp_path / "对账单-QD-1.xlsx").exists(), describe(result)


def test_who_may_print_it_and_what_is_refused(office, tmp_path):
    out = tmp_path / "x.pdf"
    for args, expected in (
        (("statement", "QD-9", "--format", "pdf", "--out", str(out)), (3, "NOT_FOUND")),
        (("statement", "QD-1", "--format", "json", "--out", str(out)), (2, "INVALID_INPUT")),
    ):
        assert office.refused(*args)[:2] == expected, args
    assert office.refused("statement", "QD-1", "--format", "pdf", "--out", str(out), actor="stranger")[:2] == (
        4,
        "FORBIDDEN",
    )
    assert not out.exists()
    office.ok(
        "apply", "QD-2", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "10万", "--date", "2024-09-01"
    )
    exit_code, code, message = office.refused("statement", "QD-2")
    assert (exit_code, code) == (1, "INVALID_STATE") and "尚未批复" in message
    assert "QD-1" in office.refused("statement", "QD-11")[2]  # did you mean
    assert yuan(office.ok("statement", "QD-1", actor="reviewer")["available"]) == Decimal("2250000.00")


def test_libreoffice_prints_the_statement_workbook_without_hash_marks(office, tmp_path):
    """Widths fit what the cells show: a real spreadsheet prints no ### (one engine is enough: the file is the
    same)."""
    if not office.db.startswith("sqlite"):
        pytest.skip("the workbook does not depend on the engine")
    out = tmp_path / "statement.xlsx"
    assert office("statement", "QD-1", "--format", "xlsx", "--out", str(out), fmt="table").exit_code == 0
    text = printed_by_libreoffice(out, tmp_path)
    assert "###" not in text and "3,800,000.00" in text and "2,250,000.00" in text
