"""Batches from the office: ``batch FILE.xlsx``, ``batch template``, and JSON Lines saved with a BOM.

cli.md: an xlsx batch reads the first sheet, a header row of batch keys or
their Chinese labels and one command a row, with the same validation,
atomicity, idempotency and numbered errors (row numbers) as JSON Lines.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from cli.main import main
from presentation.labels import BATCH_KEYS
from tests.e2e.driver import Cli, awarded, describe, one_json_document, standard_world
from tests.helpers import ENTERPRISE

COMMON_TECH = "qd2024-01-common-tech"


@pytest.fixture
def world(sqlite_url) -> Cli:
    cli = standard_world(Cli(sqlite_url))
    awarded(cli, "QD-1", COMMON_TECH, "300万")
    return cli


def sheet_file(path, header, rows, *, second_sheet=False):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if second_sheet:  # only the first sheet is read
        book.create_sheet("其他").append(["命令", "申报编号"])
    book.save(path)
    return str(path)


def disbursed(cli: Cli, ref: str = "QD-1") -> str:
    return next(r for r in cli.ok("report", "awards") if r["application"] == ref)["disbursed"]


CHINESE = ["命令", "申报编号", "金额", "凭证号", "日期"]
PAYMENTS = [
    ["拨付", "QD-1", 500000, "PZ-1", datetime(2024, 9, 2)],  # numbers and dates as Excel stores them
    ["disburse", "QD-1", "5,000,000", "PZ-2", "2024-09-02"],  # more than the award: refused
    ["拨付", "QD-1", 123456.78, "PZ-3", "2024-09-03"],
]


def test_an_xlsx_batch_with_chinese_headers_applies_rows_and_names_the_refused_row(world, tmp_path):
    batch = sheet_file(tmp_path / "拨付.xlsx", CHINESE, PAYMENTS, second_sheet=True)
    result = world("batch", batch)
    assert result.exit_code == 1, describe(result)
    summary = one_json_document(result)
    assert (summary["applied"], summary["skipped"], summary["failed"]) == (2, 0, 1)
    assert [(e["line"], e["code"]) for e in summary["errors"]] == [(3, "EXCEEDS_AWARD")]  # row 3 of the sheet
    assert disbursed(world) == "623456.78"
    text = world("batch", batch, fmt="table")
    assert "第 3 行: error[EXCEEDS_AWARD]" in text.stderr, describe(text)


def test_an_xlsx_batch_run_again_skips_every_row_and_so_does_the_same_batch_as_json_lines(world, tmp_path):
    batch = sheet_file(tmp_path / "pay.xlsx", CHINESE, [PAYMENTS[0], PAYMENTS[2]])
    first = world.ok("batch", batch)
    assert (first["applied"], first["skipped"], first["failed"]) == (2, 0, 0)
    again = world.ok("batch", batch)
    assert (again["applied"], again["skipped"], again["failed"]) == (0, 2, 0)
    lines = tmp_path / "pay.jsonl"
    lines.write_text(
        "\n".join(
            json.dumps(line, ensure_ascii=False)
            for line in (
                {"cmd": "disburse", "ref": "QD-1", "amount": "500000", "voucher": "PZ-1", "date": "2024-09-02"},
                {"cmd": "disburse", "ref": "QD-1", "amount": "123456.78", "voucher": "PZ-3", "date": "2024-09-03"},
            )
        ),
        encoding="utf-8",
    )
    by_lines = world.ok("batch", str(lines))
    assert (by_lines["applied"], by_lines["skipped"]) == (0, 2)
    assert disbursed(world) == "623456.78"


def test_english_batch_keys_work_as_headers_and_years_may_be_numbers(world, tmp_path):
    batch = sheet_file(
        tmp_path / "setup.xlsx",
        ["cmd", "fund", "name", "approval_threshold", "year", "amount", "doc", "date"],
        [
            ["fund-create", "NEW", "新专项", "200万", None, None, None, None],
            ["fund-appropriate", "NEW", None, None, 2024, "3000万", "NEW-2024", "2024-02-01"],
            [None, None, None, None, None, None, None, None],  # a blank row is passed over
        ],
    )
    summary = world.ok("batch", batch)
    assert (summary["applied"], summary["failed"]) == (2, 0)
    assert [r["appropriated"] for r in world.ok("report", "funds") if r["fund"] == "NEW"] == ["30000000.00"]


def test_a_refused_row_writes_nothing_and_stop_on_error_leaves_the_rest(world, tmp_path):
    before = world.event_count()
    batch = sheet_file(
        tmp_path / "bad.xlsx",
        CHINESE,
        [["拨付", "QD-1", "900万", "PZ-9", "2024-09-02"], ["拨付", "QD-1", "10万", "PZ-10", "2024-09-02"]],
    )
    result = world("batch", "--stop-on-error", batch)
    assert result.exit_code == 1, describe(result)
    summary = one_json_document(result)
    assert (summary["applied"], summary["failed"]) == (0, 1)
    assert world.event_count() == before and disbursed(world) == "0.00"


def test_an_unknown_header_refuses_the_whole_sheet_before_anything_runs(world, tmp_path):
    before = world.event_count()
    batch = sheet_file(tmp_path / "odd.xlsx", ["命令", "申报编号", "钱"], [["拨付", "QD-1", "1万"]])
    exit_code, code, message = world.refused("batch", batch)
    assert (exit_code, code) == (2, "INVALID_INPUT") and "钱" in message
    assert world.event_count() == before


def test_a_file_that_is_not_a_workbook_is_invalid_input(world, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    assert world.refused("batch", str(fake))[:2] == (2, "INVALID_INPUT")
    assert world.refused("batch", str(tmp_path / "missing.jsonl"))[:2] == (2, "INVALID_INPUT")


def test_the_template_has_a_sheet_per_command_with_only_its_columns_and_a_filled_in_one_runs(world, tmp_path):
    """Issue 27: the template had one sheet of 32 columns for every command (amount in J, date in N)."""
    from openpyxl import load_workbook

    from cli.batch_xlsx import columns_of

    out = tmp_path / "template.xlsx"
    result = world("batch", "template", "--out", str(out), fmt="table")
    assert result.exit_code == 0, describe(result)
    book = load_workbook(out)
    assert book.sheetnames[0] == "授权" and book.sheetnames[-1] == "说明" and "拨付" in book.sheetnames
    pay = book["拨付"]
    headers = [c.value for c in pay[1]]
    assert headers == [BATCH_KEYS[k] for k, _ in columns_of("disburse")]
    assert headers[:4] == ["申报编号", "金额", "凭证号", "日期"] and len(headers) == 4
    for sheet in book.worksheets[:-1]:
        titles = [c.value for c in sheet[1]]
        assert len(titles) <= 10 and all(not t.isascii() for t in titles), (sheet.title, titles)
    assert "拨付" in [row[0] for row in book["说明"].iter_rows(values_only=True)]
    pay.append(["QD-1", "50万", "PZ-7", "2024-09-05"])
    spend = book["支出"]
    spend_headers = [c.value for c in spend[1]]
    row = dict.fromkeys(spend_headers)
    row.update({"申报编号": "QD-1", "金额": "99亿", "凭证号": "ZC-7", "支出类别": "设备费", "日期": "2024-09-06"})
    spend.append([row[h] for h in spend_headers])
    book.save(out)
    result = world("batch", str(out), fmt="table")
    assert result.exit_code == 1 and "支出 第 2 行: error[" in result.stderr, describe(result)
    again = world("batch", str(out), fmt="json")
    summary = json.loads(again.stdout)
    assert again.exit_code == 1 and (summary["applied"], summary["skipped"], summary["failed"]) == (0, 1, 1), summary
    assert summary["errors"][0]["sheet"] == "支出" and summary["errors"][0]["row"] == 2
    assert disbursed(world) == "500000.00"


def test_batch_template_needs_out(world):
    assert world.refused("batch", "template")[:2] == (2, "INVALID_INPUT")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_json_lines_batch_saved_with_a_bom_applies_from_line_one(world, tmp_path, newline):
    lines = [
        {"cmd": "unit-register", "code": ENTERPRISE, "name": "海澜智能", "type": "enterprise"},
        {"cmd": "disburse", "ref": "QD-1", "amount": "50万", "voucher": "PZ-1", "date": "2024-09-02"},
    ]
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + newline.join(json.dumps(x, ensure_ascii=False) for x in lines).encode())
    summary = world.ok("batch", str(path))
    assert (summary["applied"], summary["skipped"], summary["failed"]) == (1, 1, 0), summary


def test_a_json_lines_batch_on_stdin_may_start_with_a_bom(world):
    line = json.dumps({"cmd": "disburse", "ref": "QD-1", "amount": "50万", "voucher": "PZ-1", "date": "2024-09-02"})
    result = world.runner.invoke(
        main, ["--db", world.db, "--actor", "admin", "--format", "json", "batch", "-"], input="\ufeff" + line + "\n"
    )
    assert result.exit_code == 0, describe(result)
    assert one_json_document(result)["applied"] == 1


def test_a_key_that_means_two_things_is_headed_for_its_own_command(world, tmp_path):
    """``to`` is extend's new end date and adjust-budget's target category: each sheet says which (not one
    "调入科目/延期至" for both), and a filled 延期 sheet runs under its own header."""
    from openpyxl import load_workbook

    out = tmp_path / "template.xlsx"
    assert world("batch", "template", "--out", str(out), fmt="table").exit_code == 0
    book = load_workbook(out)
    assert [c.value for c in book["延期"][1]] == ["申报编号", "延期至", "文号", "日期"]
    assert "调入科目" in [c.value for c in book["预算调剂"][1]]
    assert not [c.value for s in book.worksheets for c in s[1] if "/" in str(c.value)]
    world.ok("contract", "QD-1", "--doc", "任务书-1", "--end-date", "2025-06-30", "--date", "2024-09-05")
    book["延期"].append(["QD-1", "2025-12-31", "变更-1", "2024-09-06"])
    for name in book.sheetnames:
        if name != "延期":
            del book[name]
    book.save(out)
    result = world("batch", str(out), fmt="json")
    assert result.exit_code == 0 and json.loads(result.stdout)["applied"] == 1, describe(result)
    assert world.ok("report", "overdue", "--as-of", "2026-01-01")[0]["end_date"] == "2025-12-31"
