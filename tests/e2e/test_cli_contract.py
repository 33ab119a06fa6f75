"""cli.md's command table, command by command: the JSON fields that must be present and their formats.

Everything that touches the database runs on SQLite and PostgreSQL (``db_url``).
Each test drives a small scenario through the command line only and reads
the one JSON document each command prints with ``--format json``.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.driver import DAY, Cli, awarded, describe, is_yuan, one_json_document, standard_world, yuan
from tests.helpers import ENTERPRISE, INVESTOR

COMMON_TECH = "qd2024-01-common-tech"  # max 500万, every mode
DEMO = "qd2024-01-demo"  # max 1000万, every mode
EQUITY = "qd2024-22-equity"  # max 1000万, equity only
VOUCHER_CLAUSE = "qd2024-23-innovation-voucher"  # 50% of the base, 20万 a year per unit


@pytest.fixture
def cli(db_url) -> Cli:
    return Cli(db_url)


@pytest.fixture
def world(cli) -> Cli:
    return standard_world(cli)


def shanghai_today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


# -- set-up -----------------------------------------------------------------------------------------------


def test_init_reports_its_status_and_running_it_again_changes_nothing(cli):
    first = cli("init", actor="alice")
    assert first.exit_code == 0, describe(first)
    assert one_json_document(first)["status"] == "initialised"

    before = cli.event_count(actor="alice")
    again = cli.ok("init", actor="alice")
    assert again["status"] == "up-to-date"
    assert cli.event_count(actor="alice") == before


def test_the_first_actor_to_init_becomes_admin_and_may_grant_roles(cli):
    cli.ok("init", actor="alice")
    granted = cli.ok("role", "grant", "wang.li", "clerk", actor="alice")
    assert (granted["actor"], granted["role"]) == ("wang.li", "clerk")


def test_fund_create_reports_the_fund(cli):
    cli.ok("init")
    created = cli.ok("fund", "create", "KJ", "--name", "科技创新专项资金", "--approval-threshold", "50万")
    assert created["fund"] == "KJ"


def test_fund_appropriate_reports_fund_year_and_the_year_total_in_yuan(cli):
    cli.ok("init")
    cli.ok("fund", "create", "KJ", "--name", "科技创新专项资金")
    first = cli.ok(
        "fund",
        "appropriate",
        "KJ",
        "--year",
        "2024",
        "--amount",
        "5000万",
        "--doc",
        "青财预〔2024〕1号",
        "--date",
        "2024-01-05",
    )
    second = cli.ok(
        "fund",
        "appropriate",
        "KJ",
        "--year",
        "2024",
        "--amount",
        "1,000,000.50",
        "--doc",
        "青财预〔2024〕2号",
        "--date",
        "2024-03-01",
    )
    assert (first["fund"], first["year"], first["appropriated"]) == ("KJ", 2024, "50000000.00")
    assert second["appropriated"] == "51000000.50"


def test_fund_appropriate_may_name_a_coming_year(cli):
    cli.ok("init")
    cli.ok("fund", "create", "KJ", "--name", "科技创新专项资金")
    next_year = str(int(shanghai_today()[:4]) + 1)
    appropriated = cli.ok("fund", "appropriate", "KJ", "--year", next_year, "--amount", "300万", "--doc", "预-1")
    assert (appropriated["year"], appropriated["appropriated"]) == (int(next_year), "3000000.00")


def test_unit_register_reports_the_code_upper_cased_and_the_type(cli):
    cli.ok("init")
    registered = cli.ok("unit", "register", ENTERPRISE.lower(), "--name", "海澜智能", "--type", "企业")
    assert (registered["unit"], registered["type"]) == (ENTERPRISE, "enterprise")


# -- the policy catalogue -----------------------------------------------------------------------------


def test_policy_list_gives_every_clause_with_title_source_and_effective_dates(sqlite_url):
    clauses = Cli(sqlite_url).ok("policy", "list")
    assert isinstance(clauses, list) and len(clauses) > 20
    for clause in clauses:
        assert {"id", "title", "source", "effective_from", "effective_to"} <= clause.keys(), clause
        assert DAY.fullmatch(clause["effective_from"]), clause
        assert clause["effective_to"] is None or DAY.fullmatch(clause["effective_to"]), clause
    common = next(c for c in clauses if c["id"] == COMMON_TECH)
    assert (common["effective_from"], common["effective_to"]) == ("2024-07-31", "2028-12-31")
    assert "青政字〔2024〕20号" in common["source"]


def test_policy_list_in_force_keeps_only_the_clauses_in_force_on_that_day(sqlite_url):
    in_force = {c["id"] for c in Cli(sqlite_url).ok("policy", "list", "--in-force", "2024-09-01")}
    assert COMMON_TECH in in_force
    assert "qd2020-intl-base-national" not in in_force  # ended 2022-12-31


def test_policy_show_gives_the_clause_with_its_citation_and_rule(sqlite_url):
    clause = Cli(sqlite_url).ok("policy", "show", COMMON_TECH)
    assert (clause["id"], clause["title"]) == (COMMON_TECH, "强链计划 行业共性技术攻关项目")
    assert "青政字〔2024〕20号" in clause["source"]
    assert isinstance(clause["rule"], dict) and "max" in clause["rule"]


@pytest.mark.parametrize(
    ("clause", "path", "expected"),
    [
        (COMMON_TECH, ("max",), "5000000.00"),
        (VOUCHER_CLAUSE, ("annual_cap",), "200000.00"),
        ("wh2018-3-tech-center-provincial", ("fixed",), "5000000.00"),
        ("wh2018-3-tech-center-municipal", ("fixed_by_unit_type", "enterprise"), "2000000.00"),
        ("qd2024-16-intl-base-national", ("grades", "new"), "500000.00"),
    ],
    ids=["max", "annual_cap", "fixed", "fixed_by_unit_type", "grades"],
)
def test_policy_show_writes_the_amounts_of_its_rule_as_strings_in_yuan(sqlite_url, clause, path, expected):
    value = Cli(sqlite_url).ok("policy", "show", clause)["rule"]
    for key in path:
        value = value[key]
    assert value == expected, f"rule.{'.'.join(path)} of {clause} should be {expected!r} (元), got {value!r}"


def test_policy_quote_gives_the_clause_its_max_and_the_reasons(world):
    quote = world.ok("policy", "quote", COMMON_TECH, "--unit", ENTERPRISE, "--date", "2024-09-01")
    assert (quote["clause"], quote["max"]) == (COMMON_TECH, "5000000.00")
    assert quote["reasons"] and all(isinstance(r, str) and r for r in quote["reasons"])


def test_policy_quote_max_is_null_for_a_clause_without_a_ceiling(world):
    quote = world.ok("policy", "quote", "qd2024-22-lead-investment", "--unit", ENTERPRISE, "--date", "2024-09-01")
    assert quote["clause"] == "qd2024-22-lead-investment"
    assert quote["max"] is None
    assert any("一事一议" in reason for reason in quote["reasons"])


def test_policy_quote_counts_the_yearly_cap_already_used(world):
    awarded(world, "CQ-1", VOUCHER_CLAUSE, "15万", base="30万")
    quote = world.ok("policy", "quote", VOUCHER_CLAUSE, "--unit", ENTERPRISE, "--base", "30万", "--date", "2024-10-01")
    assert quote["max"] == "50000.00"  # 20万 a year − 15万 already awarded


# -- applications and awards ------------------------------------------------------------------------------


def submit(world: Cli, ref: str) -> None:
    world.ok("apply", ref, "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "300万", "--date", "2024-08-20")


def test_apply_reports_the_application_as_submitted(world):
    applied = world.ok(
        "apply",
        "QD-1",
        "--unit",
        ENTERPRISE.lower(),
        "--clause",
        COMMON_TECH,
        "--amount",
        "300万",
        "--date",
        "2024-08-20",
    )
    assert (applied["application"], applied["status"]) == ("QD-1", "submitted")


def test_evaluate_reports_the_grade_in_english_whichever_language_it_was_given_in(world):
    submit(world, "QD-1")
    evaluated = world.ok(
        "evaluate", "QD-1", "--grade", "优秀", "--score", "92", "--date", "2024-09-01", actor="reviewer"
    )
    assert (evaluated["application"], evaluated["grade"]) == ("QD-1", "excellent")


def test_award_reports_the_amount_in_yuan_and_the_fiscal_year_of_its_date(world):
    submit(world, "QD-1")
    world.ok("evaluate", "QD-1", "--grade", "good", "--date", "2024-09-01")
    decided = world.ok(
        "award",
        "QD-1",
        "--amount",
        "300万",
        "--fund",
        "KJ",
        "--doc",
        "青科字〔2024〕35号",
        "--date",
        "2024-09-20",
        actor="clerk",
    )
    assert (decided["application"], decided["awarded"], decided["fiscal_year"]) == ("QD-1", "3000000.00", 2024)


def test_reject_reports_the_application_and_its_status(world):
    submit(world, "QD-1")
    rejected = world.ok("reject", "QD-1", "--reason", "不符合申报条件", "--date", "2024-09-01", actor="reviewer")
    assert (rejected["application"], rejected["status"]) == ("QD-1", "rejected")


# -- money ------------------------------------------------------------------------------------------------


def test_disburse_below_the_threshold_is_posted_and_at_the_threshold_is_pending(world):
    awarded(world, "QD-1", COMMON_TECH, "300万")
    small = world.ok("disburse", "QD-1", "--amount", "999,999.99", "--voucher", "PZ-1", "--date", "2024-09-02")
    large = world.ok("disburse", "QD-1", "--amount", "100万", "--voucher", "PZ-2", "--date", "2024-09-02")
    assert (small["voucher"], small["status"], small["amount"]) == ("PZ-1", "posted", "999999.99")
    assert (large["voucher"], large["status"], large["amount"]) == ("PZ-2", "pending", "1000000.00")


def test_approve_by_a_second_person_posts_a_pending_disbursement(world):
    awarded(world, "QD-1", COMMON_TECH, "300万")
    world.ok("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-02", actor="clerk")
    approved = world.ok("approve", "PZ-1", "--date", "2024-09-03", actor="approver")
    assert (approved["voucher"], approved["status"]) == ("PZ-1", "posted")


def test_void_of_a_pending_disbursement_reports_its_new_status(world):
    awarded(world, "QD-1", COMMON_TECH, "300万")
    world.ok("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-02", actor="clerk")
    voided = world.ok("void", "PZ-1", "--reason", "收款账户有误", "--date", "2024-09-03", actor="approver")
    assert (voided["voucher"], voided["status"]) == ("PZ-1", "voided")


def test_spend_reports_the_voucher_and_the_amount(world):
    awarded(world, "QD-1", COMMON_TECH, "300万")
    world.ok("disburse", "QD-1", "--amount", "80万", "--voucher", "PZ-1", "--date", "2024-09-02")
    spent = world.ok(
        "spend", "QD-1", "--amount", "30万", "--category", "equipment", "--voucher", "ZC-1", "--date", "2024-09-03"
    )
    assert (spent["voucher"], spent["amount"]) == ("ZC-1", "300000.00")


def test_recover_reports_the_voucher_and_the_amount(world):
    awarded(world, "QD-1", COMMON_TECH, "300万")
    world.ok("disburse", "QD-1", "--amount", "80万", "--voucher", "PZ-1", "--date", "2024-09-02")
    recovered = world.ok(
        "recover", "QD-1", "--amount", "5万", "--voucher", "ZH-1", "--reason", "项目结余", "--date", "2024-09-04"
    )
    assert (recovered["voucher"], recovered["amount"]) == ("ZH-1", "50000.00")


def test_reverse_reports_the_voucher_and_the_amount_reversed(world):
    awarded(world, "QD-1", COMMON_TECH, "300万")
    world.ok("disburse", "QD-1", "--amount", "80万", "--voucher", "PZ-1", "--date", "2024-09-02")
    world.ok("spend", "QD-1", "--amount", "30万", "--category", "labor", "--voucher", "ZC-1", "--date", "2024-09-03")
    reversed_ = world.ok("reverse", "ZC-1", "--reason", "重复录入", "--date", "2024-09-04")
    assert (reversed_["voucher"], reversed_["reversed"]) == ("ZC-1", "300000.00")


# -- equity -----------------------------------------------------------------------------------------------


def test_invest_reports_voucher_status_amount_and_stake(world):
    awarded(world, "QD-1", DEMO, "800万", fund="TZ", extra=("--mode", "mixed", "--equity-amount", "500万"))
    small = world.ok(
        "invest",
        "QD-1",
        "--amount",
        "40万",
        "--stake",
        "0.4",
        "--valuation",
        "1亿",
        "--voucher",
        "TZ-1",
        "--date",
        "2024-09-02",
    )
    large = world.ok(
        "invest",
        "QD-1",
        "--amount",
        "460万",
        "--stake",
        "4.6",
        "--valuation",
        "1亿",
        "--voucher",
        "TZ-2",
        "--date",
        "2024-09-02",
    )
    assert (small["voucher"], small["status"], small["amount"]) == ("TZ-1", "posted", "400000.00")
    assert (large["voucher"], large["status"], large["amount"]) == ("TZ-2", "pending", "4600000.00")
    assert Decimal(str(small["stake"])) == Decimal("0.4") and Decimal(str(large["stake"])) == Decimal("4.6")


def test_convert_reports_what_was_converted_and_the_stake(world):
    awarded(world, "QD-1", COMMON_TECH, "100万", extra=("--mode", "convertible"))
    world.ok("disburse", "QD-1", "--amount", "40万", "--voucher", "PZ-1", "--date", "2024-09-02")
    converted = world.ok(
        "convert", "QD-1", "--stake", "3", "--valuation", "2亿", "--doc", "青科投〔2024〕2号", "--date", "2024-10-01"
    )
    assert (converted["application"], converted["converted"]) == ("QD-1", "400000.00")
    assert Decimal(str(converted["stake"])) == 3


def test_exit_reports_the_proceeds_and_the_gain_over_the_cost_of_the_part_sold(world):
    awarded(world, "QD-1", EQUITY, "800万", fund="TZ", extra=("--mode", "equity"))
    world.ok(
        "invest",
        "QD-1",
        "--amount",
        "800万",
        "--stake",
        "8",
        "--valuation",
        "1亿",
        "--voucher",
        "TZ-1",
        "--date",
        "2024-09-02",
    )
    world.ok("approve", "TZ-1", "--date", "2024-09-03", actor="approver")
    sold = world.ok("exit", "QD-1", "--stake", "2", "--proceeds", "300万", "--voucher", "TC-1", "--date", "2024-12-20")
    assert (sold["voucher"], sold["proceeds"], sold["gain"]) == ("TC-1", "3000000.00", "1000000.00")


# -- history ----------------------------------------------------------------------------------------------

HISTORY_FIELDS = {"seq", "type", "effective_date", "recorded_at", "actor"}


def test_history_lists_every_event_about_an_application_oldest_first(world):
    awarded(world, "QD-1", COMMON_TECH, "300万", date="2024-09-01")
    world.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-09-05", actor="clerk")
    rows = world.ok("history", "QD-1", actor="auditor")
    assert isinstance(rows, list) and len(rows) >= 4
    for row in rows:
        assert HISTORY_FIELDS <= row.keys(), row
        datetime.fromisoformat(row["recorded_at"])
    seqs = [row["seq"] for row in rows]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert (rows[0]["effective_date"], rows[0]["actor"]) == ("2024-09-01", "admin")
    assert (rows[-1]["effective_date"], rows[-1]["actor"]) == ("2024-09-05", "clerk")


def test_history_finds_a_unit_by_code_in_either_case_a_fund_and_a_voucher(world):
    awarded(world, "QD-1", COMMON_TECH, "300万")
    world.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-09-05")
    by_unit = world.ok("history", ENTERPRISE.lower())
    assert by_unit and by_unit == world.ok("history", ENTERPRISE)
    assert any(row["type"].endswith("Appropriated") for row in world.ok("history", "KJ"))
    voucher = world.ok("history", "PZ-1")
    assert voucher and all(row["effective_date"] == "2024-09-05" for row in voucher)


def test_history_dates_a_fact_given_no_date_today_in_shanghai(world):
    world.ok("fund", "appropriate", "KJ", "--year", "2024", "--amount", "100万", "--doc", "KJ-2024-追加")
    appropriated = [r for r in world.ok("history", "KJ") if r["type"].endswith("Appropriated")]
    assert appropriated[-1]["effective_date"] == shanghai_today()


def test_every_event_in_history_carries_an_effective_date_and_an_actor(world):
    """domain.md: each event records the effective date and the actor; a yearly cap is no exception."""
    awarded(world, "CQ-1", VOUCHER_CLAUSE, "10万", base="20万")
    rows = world.ok("history", ENTERPRISE)
    undated = [row["type"] for row in rows if not (row["effective_date"] and DAY.fullmatch(row["effective_date"]))]
    anonymous = [row["type"] for row in rows if not row["actor"]]
    assert (undated, anonymous) == ([], [])


# -- reports ----------------------------------------------------------------------------------------------


@pytest.fixture
def programme(world) -> Cli:
    """A grant paid, spent and partly recovered; a voucher award under a yearly cap; an equity award, partly sold."""
    awarded(world, "QD-1", COMMON_TECH, "300万", date="2024-09-01")
    world.ok("disburse", "QD-1", "--amount", "80万", "--voucher", "PZ-1", "--date", "2024-09-02")
    world.ok(
        "spend", "QD-1", "--amount", "30万", "--category", "equipment", "--voucher", "ZC-1", "--date", "2024-09-03"
    )
    world.ok("recover", "QD-1", "--amount", "5万", "--voucher", "ZH-1", "--reason", "结余", "--date", "2024-09-04")
    awarded(world, "CQ-1", VOUCHER_CLAUSE, "15万", base="30万", date="2024-09-01")
    awarded(world, "TZ-A", EQUITY, "800万", fund="TZ", date="2024-09-01", extra=("--mode", "equity"))
    world.ok(
        "invest",
        "TZ-A",
        "--amount",
        "800万",
        "--stake",
        "8",
        "--valuation",
        "1亿",
        "--voucher",
        "TZ-1",
        "--date",
        "2024-09-02",
    )
    world.ok("approve", "TZ-1", "--date", "2024-09-03", actor="approver")
    world.ok("exit", "TZ-A", "--stake", "2", "--proceeds", "300万", "--voucher", "TC-1", "--date", "2024-12-20")
    world.ok("approve", "TC-1", "--date", "2024-12-20", actor="approver")  # ≥ TZ's threshold: a second person
    return world


def report(cli: Cli, name: str, *options: str) -> list[dict]:
    rows = cli.ok("report", name, *options, actor="auditor")
    assert isinstance(rows, list), rows
    return rows


def assert_rows(rows: list[dict], fields: set[str], amounts: set[str]) -> None:
    assert rows
    for row in rows:
        assert fields <= row.keys(), row
        for name in amounts:
            assert is_yuan(row[name]), (name, row)


def test_report_awards_rows_carry_every_field_and_available_is_disbursed_less_spent_and_recovered(programme):
    rows = report(programme, "awards")
    money = {"awarded", "disbursed", "pending", "spent", "recovered", "available"}
    assert_rows(rows, {"application", "unit", "clause"} | money, money)
    row = next(r for r in rows if r["application"] == "QD-1")
    assert (
        row["unit"],
        row["clause"],
        row["awarded"],
        row["disbursed"],
        row["spent"],
        row["recovered"],
        row["available"],
    ) == (ENTERPRISE, COMMON_TECH, "3000000.00", "800000.00", "300000.00", "50000.00", "450000.00")
    for r in rows:
        assert yuan(r["available"]) == yuan(r["disbursed"]) - yuan(r["spent"]) - yuan(r["recovered"])


def test_report_awards_as_of_leaves_out_facts_dated_later(programme):
    row = next(r for r in report(programme, "awards", "--as-of", "2024-09-02") if r["application"] == "QD-1")
    assert (row["disbursed"], row["spent"], row["recovered"]) == ("800000.00", "0.00", "0.00")


def test_report_funds_rows_carry_every_field(programme):
    rows = report(programme, "funds", "--year", "2024")
    money = {"appropriated", "committed", "disbursed", "returned", "available"}
    assert_rows(rows, {"fund", "year"} | money, money)
    kj = next(r for r in rows if r["fund"] == "KJ")
    assert (kj["year"], kj["appropriated"], kj["committed"], kj["returned"]) == (
        2024,
        "100000000.00",
        "3150000.00",
        "50000.00",
    )
    tz = next(r for r in rows if r["fund"] == "TZ")
    assert tz["returned"] == "3000000.00"  # the exit's proceeds


def test_report_units_has_a_row_per_unit_with_amounts_in_yuan(programme):
    rows = report(programme, "units")
    assert {ENTERPRISE, INVESTOR} <= {r["unit"] for r in rows}
    enterprise = next(r for r in rows if r["unit"] == ENTERPRISE)
    assert yuan(enterprise["awarded"]) == Decimal("11150000.00")


def test_report_caps_rows_carry_every_field(programme):
    rows = report(programme, "caps")
    money = {"cap", "used", "remaining"}
    assert_rows(rows, {"unit", "cap_group", "year"} | money, money)
    row = next(r for r in rows if r["unit"] == ENTERPRISE)
    assert (row["year"], row["cap"], row["used"], row["remaining"]) == (2024, "200000.00", "150000.00", "50000.00")


def test_report_clauses_has_a_row_per_clause_awarded(programme):
    rows = report(programme, "clauses")
    assert {COMMON_TECH, VOUCHER_CLAUSE, EQUITY} <= {r["clause"] for r in rows}
    common = next(r for r in rows if r["clause"] == COMMON_TECH)
    assert common["awarded"] == "3000000.00"


def test_report_equity_rows_carry_every_field(programme):
    rows = report(programme, "equity")
    assert_rows(
        rows,
        {"application", "unit", "invested", "stake", "exited_stake", "proceeds", "gain", "status"},
        {"invested", "proceeds", "gain"},
    )
    row = next(r for r in rows if r["application"] == "TZ-A")
    assert (row["invested"], row["proceeds"], row["gain"]) == ("8000000.00", "3000000.00", "1000000.00")
    assert (Decimal(str(row["stake"])), Decimal(str(row["exited_stake"]))) == (6, 2)


def test_report_trial_balance_ends_with_a_total_row_whose_difference_is_zero(programme):
    rows = report(programme, "trial-balance")
    assert_rows(rows, {"account", "debit", "credit"}, {"debit", "credit"})
    *accounts, total = rows
    assert total["account"] == "total"
    assert yuan(total["debit"]) - yuan(total["credit"]) == 0
    assert sum(yuan(r["debit"]) for r in accounts) == yuan(total["debit"])
    assert sum(yuan(r["credit"]) for r in accounts) == yuan(total["credit"])


# -- audit ------------------------------------------------------------------------------------------------


def test_replay_reports_how_many_events_it_replayed(programme):
    replayed = programme.ok("replay")
    assert replayed["events"] == programme.event_count()


def test_verify_reports_the_events_checked_and_ok(programme):
    verified = programme.ok("verify", actor="auditor")
    assert (verified["events"], verified["ok"]) == (programme.event_count(), True)


def test_export_events_writes_one_json_line_per_event_with_its_hash(programme):
    result = programme("export", "events", actor="auditor")
    assert result.exit_code == 0, describe(result)
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    for event in events:
        assert {"seq", "type", "effective_date", "recorded_at", "actor", "data", "hash"} <= event.keys(), event
        assert isinstance(event["data"], dict) and isinstance(event["hash"], str) and len(event["hash"]) >= 32
    assert len({e["hash"] for e in events}) == len(events)


def test_export_events_out_writes_the_same_lines_to_a_file(programme, tmp_path):
    out = tmp_path / "events.jsonl"
    result = programme("export", "events", "--out", str(out), actor="auditor")
    assert result.exit_code == 0 and result.stdout == "", describe(result)
    assert out.read_text(encoding="utf-8") == programme("export", "events").stdout


# -- batch ------------------------------------------------------------------------------------------------


def write_lines(path, lines: list[dict]) -> str:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_batch_reports_applied_skipped_and_failed_and_a_rerun_skips_everything(cli, tmp_path):
    cli.ok("init")
    batch = write_lines(
        tmp_path / "setup.jsonl",
        [
            {"cmd": "fund-create", "fund": "KJ", "name": "科技创新专项资金", "approval_threshold": "200万"},
            {"cmd": "fund-create", "fund": "TZ", "name": "股权投资专项", "approval-threshold": "50万"},
            {
                "cmd": "fund-appropriate",
                "fund": "KJ",
                "year": 2024,
                "amount": "1亿",
                "doc": "KJ-2024",
                "date": "2024-01-05",
            },
            {"cmd": "unit-register", "code": ENTERPRISE, "name": "海澜智能", "type": "enterprise"},
            {
                "cmd": "apply",
                "ref": "QD-1",
                "unit": ENTERPRISE,
                "clause": COMMON_TECH,
                "amount": "300万",
                "date": "2024-09-01",
            },
            {"cmd": "fund-create", "fund": "KJ", "name": "科技创新专项资金", "approval_threshold": "200万"},
        ],
    )
    first = cli.ok("batch", batch)
    assert (first["applied"], first["skipped"], first["failed"]) == (5, 1, 0)
    again = cli.ok("batch", batch)
    assert (again["applied"], again["skipped"], again["failed"]) == (0, 6, 0)


def test_a_lifecycle_batch_run_a_second_time_skips_every_line(world, tmp_path):
    """cli.md: a line that repeats an earlier command exactly is skipped, so an interrupted batch can be rerun."""
    batch = write_lines(
        tmp_path / "lifecycle.jsonl",
        [
            {
                "cmd": "apply",
                "ref": "QD-1",
                "unit": ENTERPRISE,
                "clause": COMMON_TECH,
                "amount": "300万",
                "date": "2024-09-01",
            },
            {"cmd": "evaluate", "ref": "QD-1", "grade": "good", "date": "2024-09-01"},
            {"cmd": "award", "ref": "QD-1", "amount": "300万", "fund": "KJ", "doc": "D-1", "date": "2024-09-02"},
            {"cmd": "disburse", "ref": "QD-1", "amount": "50万", "voucher": "PZ-1", "date": "2024-09-03"},
        ],
    )
    first = world.ok("batch", batch)
    assert (first["applied"], first["skipped"], first["failed"]) == (4, 0, 0)
    again = world("batch", batch)
    summary = one_json_document(again)
    assert (summary["applied"], summary["skipped"], summary["failed"]) == (0, 4, 0), summary
    assert again.exit_code == 0


def test_batch_reports_a_refused_line_by_number_and_code_and_goes_on(world, tmp_path):
    awarded(world, "QD-1", COMMON_TECH, "300万")
    batch = write_lines(
        tmp_path / "payments.jsonl",
        [
            {"cmd": "disburse", "ref": "QD-1", "amount": "50万", "voucher": "PZ-1", "date": "2024-09-02"},
            {"cmd": "disburse", "ref": "QD-1", "amount": "500万", "voucher": "PZ-2", "date": "2024-09-02"},
            {"cmd": "disburse", "ref": "QD-1", "amount": "20万", "voucher": "PZ-3", "date": "2024-09-02"},
        ],
    )
    result = world("batch", batch)
    assert result.exit_code == 1, describe(result)
    summary = one_json_document(result)
    assert (summary["applied"], summary["skipped"], summary["failed"]) == (2, 0, 1)
    assert [(e["line"], e["code"]) for e in summary["errors"]] == [(2, "EXCEEDS_AWARD")]


def test_batch_stop_on_error_leaves_the_lines_after_the_refused_one_unapplied(world, tmp_path):
    awarded(world, "QD-1", COMMON_TECH, "300万")
    batch = write_lines(
        tmp_path / "payments.jsonl",
        [
            {"cmd": "disburse", "ref": "QD-1", "amount": "500万", "voucher": "PZ-1", "date": "2024-09-02"},
            {"cmd": "disburse", "ref": "QD-1", "amount": "20万", "voucher": "PZ-2", "date": "2024-09-02"},
        ],
    )
    result = world("batch", "--stop-on-error", batch)
    assert result.exit_code == 1, describe(result)
    summary = one_json_document(result)
    assert (summary["applied"], summary["failed"]) == (0, 1)
    row = next(r for r in world.ok("report", "awards") if r["application"] == "QD-1")
    assert row["disbursed"] == "0.00"


# -- values -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "yuan_out"),
    [
        ("300000", "300000.00"),
        ("300000.00", "300000.00"),
        ("1,000,000.50", "1000000.50"),
        ("3000元", "3000.00"),
        ("30万", "300000.00"),
        ("30万元", "300000.00"),
        ("0.5万", "5000.00"),
        ("1.2亿", "120000000.00"),
        ("0.01", "0.01"),
    ],
)
def test_every_amount_form_of_cli_md_is_read_exactly_and_written_back_in_yuan(sqlite_url, typed, yuan_out):
    cli = Cli(sqlite_url)
    cli.ok("init")
    cli.ok("fund", "create", "KJ", "--name", "科技创新专项资金")
    appropriated = cli.ok(
        "fund", "appropriate", "KJ", "--year", "2024", "--amount", typed, "--doc", "D-1", "--date", "2024-01-05"
    )
    assert appropriated["appropriated"] == yuan_out
