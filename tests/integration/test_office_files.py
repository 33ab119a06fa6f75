"""Office files on both engines: an xlsx batch through the batch runner, a voucher's form, report sheets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from cli import batch_xlsx, voucher_pdf
from presentation import sheets
from presentation.labels import header as label
from projections.reports import MONEY
from tests.helpers import ENTERPRISE, event_count, run

COMMON_TECH = "qd2024-01-common-tech"


def workbook(path, header, rows) -> str:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


def test_an_xlsx_batch_runs_row_by_row_like_json_lines_and_a_rerun_skips_every_row(world, tmp_path):
    world.awarded("QD-1", COMMON_TECH, "300万")
    path = workbook(
        tmp_path / "pay.xlsx",
        ["命令", "申报编号", "金额", "凭证号", "日期"],
        [
            ["拨付", "QD-1", 500000, "PZ-1", datetime(2024, 9, 2)],
            ["拨付", "QD-1", "900万", "PZ-2", "2024-09-02"],
            ["拨付", "QD-1", 0.5, "PZ-3", "2024-09-02"],
        ],
    )
    first = world.ledger.batch(batch_xlsx.read_rows(path), "admin")
    assert (first.applied, first.skipped, first.failed) == (2, 0, 1)
    assert [(e.line, e.code) for e in first.errors] == [(3, "EXCEEDS_AWARD")]
    before = event_count(world.ledger)
    again = world.ledger.batch(batch_xlsx.read_rows(path), "admin")
    assert (again.applied, again.skipped, again.failed) == (0, 2, 1)
    assert event_count(world.ledger) == before
    assert world.award_row("QD-1")["disbursed"] == 50000000 + 50


def test_a_voucher_form_names_the_award_clause_people_and_history(world, tmp_path):
    world.awarded("QD-1", COMMON_TECH, "500万")
    run(world.ledger, "disburse", "clerk", ref="QD-1", amount="1,234,567.89", voucher="PZ-1", date="2024-09-02")
    form = world.ledger.voucher_form("PZ-1", "auditor")
    assert (form.status, form.amount, form.maker, form.approver) == ("pending", 123456789, "clerk", None)
    run(world.ledger, "approve", "approver", voucher="PZ-1", date="2024-09-03")
    form = world.ledger.voucher_form("PZ-1", "auditor")
    assert (form.status, form.maker, form.approver, form.approved_on) == ("posted", "clerk", "approver", "2024-09-03")
    assert (form.application, form.unit, form.unit_name, form.fund, form.fund_name) == (
        "QD-1",
        ENTERPRISE,
        "海澜智能",
        "KJ",
        "科技创新专项资金",
    )
    assert form.clause == COMMON_TECH and form.clause_quote and form.clause_citation
    keys = {r["actor"]: r["key"] for r in world.ledger.roles("admin")}  # each person's bound key, by fingerprint
    assert (form.maker_fingerprint, form.approver_fingerprint) == (keys["clerk"], keys["approver"])
    assert [r["type"].rpartition(".")[2] for r in form.history] == ["Disbursed", "Issued", "Approved"]
    voucher_pdf.write(form, str(tmp_path / "pz.pdf"), "auditor")  # recorded_at as this engine returns it
    assert (tmp_path / "pz.pdf").stat().st_size > 1000


def test_report_sheets_hold_the_reports_numbers_to_the_fen(world, tmp_path):
    from openpyxl import load_workbook

    world.awarded("QD-1", COMMON_TECH, "123,456.78")
    names = ["awards", "funds", "trial-balance"]
    tables = [sheets.report_table(n, world.report(n), MONEY[n]) for n in names]
    out = tmp_path / "r.xlsx"
    sheets.write(str(out), tables, sheets.Stamp(made_by="admin"))
    book = load_workbook(out)
    for name, sheet in zip(names, book.worksheets, strict=True):
        rows = world.report(name)
        money = sorted(MONEY[name] & set(rows[0]))
        header = [c.value for c in sheet[sheets.HEADER_ROW]]
        for row, cells in zip(rows, sheet.iter_rows(min_row=sheets.HEADER_ROW + 1, values_only=True), strict=False):
            for column in money:
                value = cells[header.index(label(column))]
                assert Decimal(str(value)).quantize(Decimal("0.01")) * 100 == row[column], (name, column)
