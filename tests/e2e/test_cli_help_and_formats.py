"""Help, and the four ways out: aligned tables, CSV, xlsx and files, and the GRANTLEDGER_* variables.

cli.md: "Tables are for people: aligned, amounts with thousands separators."
A table is checked the way a terminal shows it (a CJK character takes two
columns): every row's cells sit inside the columns the dashed rule marks,
amounts flush right. These tests run on SQLite only; formatting does not
depend on the engine.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import unicodedata
from decimal import Decimal

import click
import pytest

from cli.main import COMMANDS, main
from presentation.labels import header as zh
from presentation.report_columns import COLUMNS
from tests.e2e.driver import Cli, awarded, describe, runner, standard_world
from tests.helpers import ENTERPRISE

GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d{2}")
COMMON_TECH = "qd2024-01-common-tech"


def command_paths() -> tuple[list[list[str]], list[list[str]]]:
    """(groups, leaf commands) as paths of names, from cli.main.COMMANDS."""
    ctx = click.Context(main)
    groups, leaves = [], []
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        if isinstance(command, click.Group):
            groups.append([name])
            leaves.extend([name, sub] for sub in command.list_commands(ctx))
        else:
            leaves.append([name])
    return groups, leaves


GROUPS, LEAVES = command_paths()


# -- help -------------------------------------------------------------------------------------------------


def test_the_commands_with_subcommands_are_role_key_fund_unit_policy_export_voucher_and_province():
    assert sorted(path[0] for path in GROUPS) == [
        "export",
        "fund",
        "key",
        "policy",
        "province",
        "role",
        "unit",
        "voucher",
    ]


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_the_group_help_lists_every_command(flag):
    result = runner().invoke(main, [flag])
    assert result.exit_code == 0, describe(result)
    listed = [name for name in COMMANDS if re.search(rf"^\s+{re.escape(name)}\s", result.stdout, re.M)]
    assert listed == list(COMMANDS)


@pytest.mark.parametrize("path", GROUPS + LEAVES, ids=[" ".join(p) for p in GROUPS + LEAVES])
def test_help_works_for_every_command_and_subcommand(path):
    result = runner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, describe(result)
    assert result.stdout.startswith("用法:") and result.stderr == ""
    assert " ".join(path) in result.stdout.splitlines()[0]


@pytest.mark.parametrize("path", LEAVES, ids=[" ".join(p) for p in LEAVES])
def test_the_help_of_every_leaf_command_shows_examples(path):
    result = runner().invoke(main, [*path, "--help"])
    assert "示例" in result.stdout, result.stdout


# -- tables -----------------------------------------------------------------------------------------------


def on_screen(line: str) -> str:
    """The line as a terminal lays it out: a wide character is followed by a filler for its second column."""
    return "".join(ch + ("\0" if unicodedata.east_asian_width(ch) in "WF" else "") for ch in line)


def read_table(text: str) -> list[dict[str, str]]:
    """Rows of a table as {header: cell with its padding}; asserts every cell sits inside its column on screen."""
    header, rule, *body = text.rstrip("\n").split("\n")
    assert rule and set(rule) <= {"-", " "}, rule
    spans = [m.span() for m in re.finditer(r"-+", rule)]
    width = spans[-1][1]

    def cells(line: str) -> list[str]:
        shown = on_screen(line)
        assert len(shown) <= width, f"wider than the rule:\n{rule}\n{line}"
        shown = shown.ljust(width)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert shown[end:start].strip() == "", f"a cell strays over a column gap:\n{rule}\n{line}"
        assert all(not shown[s:e].startswith("\0") for s, e in spans), f"a wide character is cut:\n{line}"
        return [shown[s:e].replace("\0", "") for s, e in spans]

    names = [cell.strip() for cell in cells(header)]
    return [dict(zip(names, cells(line), strict=True)) for line in body]


def assert_amount_column(rows: list[dict[str, str]], column: str) -> None:
    for row in rows:
        cell = row[column]
        assert GROUPED.fullmatch(cell.strip()), f"{column}: {cell!r} is not an amount with thousands separators"
        assert cell == cell.rjust(len(cell)) and not cell.endswith(" "), f"{column}: {cell!r} is not flush right"


def assert_text_column(rows: list[dict[str, str]], column: str) -> None:
    for row in rows:
        cell = row[column]
        assert cell.strip() == "" or not cell.startswith(" "), f"{column}: {cell!r} is not flush left"


@pytest.fixture
def world(sqlite_url) -> Cli:
    cli = standard_world(Cli(sqlite_url))
    awarded(cli, "QD-2024-001", COMMON_TECH, "500万")
    cli.ok("disburse", "QD-2024-001", "--amount", "123,456.78", "--voucher", "PZ-1", "--date", "2024-09-02")
    awarded(cli, "QD-2024-002", COMMON_TECH, "3万")
    return cli


def test_the_awards_table_is_aligned_with_amounts_grouped_and_flush_right(world):
    result = world("report", "awards", fmt="table")
    assert result.exit_code == 0, describe(result)
    rows = read_table(result.stdout)
    assert [r[zh("application")].strip() for r in rows] == ["QD-2024-001", "QD-2024-002", "合计"]
    assert [r[zh("awarded")].strip() for r in rows] == ["5,000,000.00", "30,000.00", "5,030,000.00"]
    assert rows[0][zh("disbursed")].strip() == "123,456.78"
    for column in ("awarded", "disbursed", "pending", "spent", "available"):
        assert_amount_column(rows, zh(column))
    for column in ("application", "unit_name", "clause"):
        assert_text_column(rows, zh(column))


@pytest.mark.parametrize("name", ["units", "trial-balance", "funds"])
def test_a_report_table_with_chinese_names_stays_aligned_on_screen(world, name):
    result = world("report", name, fmt="table")
    assert result.exit_code == 0, describe(result)
    rows = read_table(result.stdout)
    assert rows
    amount_columns = [c for c in rows[0] if c in map(zh, ("awarded", "disbursed", "debit", "credit", "appropriated"))]
    assert amount_columns
    for column in amount_columns:
        assert_amount_column(rows, column)


def test_the_trial_balance_table_shows_a_total_whose_debits_equal_its_credits(world):
    rows = read_table(world("report", "trial-balance", fmt="table").stdout)
    total = next(r for r in rows if r[zh("account")].strip() == "total")
    assert total[zh("debit")].strip() == total[zh("credit")].strip()


def test_the_policy_list_table_stays_aligned_with_chinese_titles(sqlite_url):
    result = Cli(sqlite_url, fmt="table")("policy", "list")
    assert result.exit_code == 0, describe(result)
    rows = read_table(result.stdout)
    assert any("行业共性技术攻关" in r[zh("title")] for r in rows)
    assert_text_column(rows, zh("title"))


def test_a_single_result_is_two_aligned_columns_with_grouped_amounts(world):
    result = world(
        "fund",
        "appropriate",
        "KJ",
        "--year",
        "2025",
        "--amount",
        "5000万",
        "--doc",
        "KJ-2025",
        "--date",
        "2025-01-05",
        fmt="table",
    )
    assert result.exit_code == 0, describe(result)
    lines = result.stdout.rstrip("\n").split("\n")
    pairs = dict(re.fullmatch(r"(\S+)(\s+)(.*)", line).group(1, 3) for line in lines)
    assert pairs[zh("appropriated")] == "50,000,000.00"
    starts = {len(on_screen(line)) - len(on_screen(re.fullmatch(r"\S+\s+(.*)", line).group(1))) for line in lines}
    assert len(starts) == 1, f"values do not start in one column:\n{result.stdout}"


# -- CSV --------------------------------------------------------------------------------------------------


def read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV document, which starts with a UTF-8 BOM (so Excel reads it as UTF-8)."""
    assert text.startswith("\ufeff"), text[:20]
    reader = csv.DictReader(io.StringIO(text[1:]))
    return list(reader.fieldnames or []), list(reader)


def test_report_format_csv_gives_a_header_row_and_a_row_per_award_with_machine_amounts(world):
    result = world("report", "awards", "--format", "csv", fmt="table")
    assert result.exit_code == 0, describe(result)
    header, rows = read_csv(result.stdout)
    as_json = world.ok("report", "awards")
    assert header == [zh(key) for key in as_json[0]]
    assert [r[zh("application")] for r in rows] == ["QD-2024-001", "QD-2024-002", "合计"]
    assert (rows[0][zh("awarded")], rows[0][zh("disbursed")]) == ("5000000.00", "123456.78")
    assert rows[-1][zh("awarded")] == "5030000.00"


@pytest.mark.parametrize(
    ("args", "first_column"),
    [
        (["report", "funds"], "fund"),
        (["policy", "list"], "id"),
        (["history", "QD-2024-001"], "seq"),
    ],
)
def test_global_format_csv_gives_a_header_row_plus_rows(world, args, first_column):
    result = world(*args, fmt="csv")
    assert result.exit_code == 0, describe(result)
    header, rows = read_csv(result.stdout)
    assert header[0] == zh(first_column) and rows
    assert len(result.stdout.rstrip("\n").split("\n")) == len(rows) + 1


def test_a_single_result_in_csv_is_a_header_and_one_row(world):
    result = world("fund", "create", "NEW", "--name", "新专项资金", fmt="csv")
    assert result.exit_code == 0, describe(result)
    header, rows = read_csv(result.stdout)
    assert zh("fund") in header and [r[zh("fund")] for r in rows] == ["NEW"]


@pytest.mark.parametrize("name", ["awards", "pending", "overdue"])
def test_an_empty_report_in_csv_is_still_its_header_row(world, name):
    """Nothing to list (a year with no awards, nothing waiting): Excel still opens a sheet with its headings."""
    args = ["report", name, *(["--year", "2031"] if name == "awards" else [])]
    assert world.ok(*args) == []
    result = world(*args, "--format", "csv", fmt="table")
    assert result.exit_code == 0, describe(result)
    header, rows = read_csv(result.stdout)
    assert rows == [] and header == [zh(c) for c in COLUMNS[name]]
    chosen = world(*args, "--format", "csv", "--columns", "application", fmt="table")
    assert read_csv(chosen.stdout) == ([zh("application")], [])


# -- files ------------------------------------------------------------------------------------------------


def test_report_awards_as_xlsx_has_chinese_headers_and_exact_amounts_formatted_with_separators(world, tmp_path):
    from openpyxl import load_workbook

    world.ok(
        "apply",
        "QD-2024-003",
        "--unit",
        ENTERPRISE,
        "--clause",
        COMMON_TECH,
        "--amount",
        "1,234,567.89",
        "--date",
        "2024-09-01",
    )
    world.ok("evaluate", "QD-2024-003", "--grade", "good", "--date", "2024-09-01")
    world.ok("award", "QD-2024-003", "--amount", "1,234,567.89", "--fund", "KJ", "--doc", "D-3", "--date", "2024-09-01")
    out = tmp_path / "awards.xlsx"
    result = world("report", "awards", "--format", "xlsx", "--out", str(out), fmt="table")
    assert result.exit_code == 0 and result.stdout == "", describe(result)

    sheet = load_workbook(out).active
    at = next(r for r in range(1, 10) if sheet.cell(row=r, column=1).value == "申报编号")  # after the title block
    header = [cell.value for cell in sheet[at]]
    assert {"申报编号", "批复金额", "已拨付"} <= set(header)
    rows = {row[header.index("申报编号")].value: row for row in sheet.iter_rows(min_row=at + 1)}
    assert Decimal(str(rows.pop("合计")[header.index("批复金额")].value)) == Decimal("6264567.89")
    assert set(rows) == {"QD-2024-001", "QD-2024-002", "QD-2024-003"}
    awarded_cell = rows["QD-2024-003"][header.index("批复金额")]
    paid_cell = rows["QD-2024-001"][header.index("已拨付")]
    for cell, exact in ((awarded_cell, "1234567.89"), (paid_cell, "123456.78")):
        assert isinstance(cell.value, (int, float, Decimal)) and not isinstance(cell.value, bool), cell.value
        assert Decimal(str(cell.value)) == Decimal(exact)
        assert cell.number_format == "#,##0.00"


def test_report_xlsx_without_out_is_invalid_input(world):
    result = world("report", "awards", "--format", "xlsx", fmt="table")
    assert result.exit_code == 2 and result.stderr.startswith("error[INVALID_INPUT]:"), describe(result)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_report_out_writes_to_the_file_what_stdout_would_have_shown(world, tmp_path, fmt):
    out = tmp_path / f"awards.{fmt}"
    result = world("report", "awards", "--format", fmt, "--out", str(out), fmt="table")
    assert result.exit_code == 0 and result.stdout == "", describe(result)
    written = out.read_text(encoding="utf-8")
    shown = world("report", "awards", "--format", fmt, fmt="table").stdout
    if fmt == "json":
        assert json.loads(written) == json.loads(shown)
        assert [r["awarded"] for r in json.loads(written)] == ["5000000.00", "30000.00"]
    else:
        assert read_csv(written) == read_csv(shown)
        assert len(read_csv(written)[1]) == 3  # two awards and the totals row


# -- the environment --------------------------------------------------------------------------------------


def test_the_environment_variables_stand_in_for_the_global_options(world):
    env = {"GRANTLEDGER_DB": world.db, "GRANTLEDGER_ACTOR": "clerk", "GRANTLEDGER_FORMAT": "json"}
    created = runner().invoke(main, ["fund", "create", "ENV", "--name", "环境变量专项"], env=env)
    assert created.exit_code == 0, describe(created)
    assert json.loads(created.stdout)["fund"] == "ENV"
    history = world.ok("history", "ENV")
    assert [row["actor"] for row in history] == ["clerk"]


def test_the_environment_actor_is_the_one_whose_role_is_checked(world):
    env = {"GRANTLEDGER_DB": world.db, "GRANTLEDGER_ACTOR": "auditor", "GRANTLEDGER_FORMAT": "json"}
    result = runner().invoke(
        main, ["disburse", "QD-2024-001", "--amount", "1万", "--voucher", "PZ-9", "--date", "2024-09-03"], env=env
    )
    assert result.exit_code == 4, describe(result)
    assert json.loads(result.stdout)["error"]["code"] == "FORBIDDEN" and "auditor" in result.stdout


def test_the_environment_format_gives_csv_and_an_option_overrides_it(world):
    env = {"GRANTLEDGER_DB": world.db, "GRANTLEDGER_ACTOR": "auditor", "GRANTLEDGER_FORMAT": "csv"}
    as_csv = runner().invoke(main, ["report", "funds"], env=env)
    assert as_csv.exit_code == 0, describe(as_csv)
    assert read_csv(as_csv.stdout)[0][:2] == [zh("fund"), zh("year")]
    as_table = runner().invoke(main, ["--format", "table", "report", "funds"], env=env)
    assert read_table(as_table.stdout)[0][zh("appropriated")].strip() == "100,000,000.00"


def test_without_option_or_environment_the_format_is_a_table(world):
    result = runner().invoke(main, ["--db", world.db, "--actor", "auditor", "report", "funds"])
    assert result.exit_code == 0, describe(result)
    assert [r[zh("fund")].strip() for r in read_table(result.stdout)] == ["KJ", "TZ", "合计"]
