"""Refusals through the command line: exit codes, the one ``error[CODE]: message`` line, and nothing written.

cli.md: exit 1 for a ledger rule, 2 for malformed input (and click's usage
errors), 3 for an unknown reference, 4 for a role boundary; with
``--format json`` the error is ``{"error": {"code", "message"}}`` on stdout.
Whether anything was written is judged by the event log (``export events``).

Malformed input, unknown references and role boundaries are refused before
any write, so they share one SQLite ledger per module; the ledger rules, whose
"nothing written" depends on the store, run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.driver import Cli, awarded, describe, error_line, one_json_document, standard_world
from tests.helpers import ENTERPRISE, HOSPITAL, UNIVERSITY

COMMON_TECH = "qd2024-01-common-tech"
HNTE_FIRST = "qd2024-14-hnte-first"
VOUCHER_CLAUSE = "qd2024-23-innovation-voucher"
BAD_CHECK_CHARACTER = ENTERPRISE[:-1] + ("X" if ENTERPRISE[-1] != "X" else "Y")


def tomorrow_in_shanghai() -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Cli:
    """A SQLite ledger with QD-1 awarded 300万 and paid 50万 (PZ-1), QD-2 submitted, QD-3 evaluated."""
    cli = standard_world(Cli(f"sqlite:///{tmp_path_factory.mktemp('errors')}/ledger.db"))
    awarded(cli, "QD-1", COMMON_TECH, "300万")
    cli.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-09-02")
    cli.ok("apply", "QD-2", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "100万", "--date", "2024-09-01")
    cli.ok("apply", "QD-3", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "100万", "--date", "2024-09-01")
    cli.ok("evaluate", "QD-3", "--grade", "good", "--date", "2024-09-01")
    return cli


def refused_writing_nothing(cli: Cli, args: list[str], actor: str | None = None) -> tuple[int, str, str]:
    before = cli.event_count()
    exit_code, code, message = cli.refused(*args, actor=actor)
    assert cli.event_count() == before, f"{args} was refused with {code} but wrote events"
    return exit_code, code, message


# -- malformed input: INVALID_INPUT, exit 2 ---------------------------------------------------------------

TOMORROW = "<tomorrow>"


def disburse(amount: str) -> list[str]:
    return ["disburse", "QD-1", "--amount", amount, "--voucher", "PZ-X", "--date", "2024-09-03"]


def spend_on(day: str) -> list[str]:
    return ["spend", "QD-1", "--amount", "1万", "--category", "equipment", "--voucher", "ZC-X", "--date", day]


MALFORMED = {
    # amounts
    "amount zero": disburse("0"),
    "amount zero with decimals": disburse("0.00"),
    "amount negative": disburse("-5"),
    "amount negative in wan": disburse("-5万"),
    "amount NaN": disburse("NaN"),
    "amount infinity sign": disburse("∞"),
    "amount inf": disburse("inf"),
    "amount empty": disburse(""),
    "amount garbage": disburse("三十万"),
    "amount below one fen": disburse("1.001"),
    "amount below one fen in wan": disburse("0.0000001万"),
    "amount in exponent form": disburse("1e5"),
    "amount with misplaced separators": disburse("1,00,000"),
    "appropriation amount": ["fund", "appropriate", "KJ", "--year", "2024", "--amount", "abc", "--doc", "X-1"],
    "approval threshold": ["fund", "create", "NEW", "--name", "新专项", "--approval-threshold", "-1"],
    "application amount": [
        "apply",
        "QD-9",
        "--unit",
        ENTERPRISE,
        "--clause",
        COMMON_TECH,
        "--amount",
        "0",
        "--date",
        "2024-09-01",
    ],
    "application base": [
        "apply",
        "QD-9",
        "--unit",
        ENTERPRISE,
        "--clause",
        VOUCHER_CLAUSE,
        "--amount",
        "1万",
        "--base",
        "many",
        "--date",
        "2024-09-01",
    ],
    "award amount": ["award", "QD-3", "--amount", "NaN", "--fund", "KJ", "--doc", "D-3", "--date", "2024-09-02"],
    "expenditure amount": ["spend", "QD-1", "--amount", "-1", "--category", "travel", "--voucher", "ZC-X"],
    "recovery amount": ["recover", "QD-1", "--amount", "", "--voucher", "ZH-X", "--reason", "结余"],
    "investment valuation": [
        "invest",
        "QD-1",
        "--amount",
        "1万",
        "--stake",
        "1",
        "--valuation",
        "∞",
        "--voucher",
        "TZ-X",
    ],
    "quote base": ["policy", "quote", VOUCHER_CLAUSE, "--unit", ENTERPRISE, "--base", "0"],
    # dates
    "date month 13": spend_on("2024-13-01"),
    "date 30 February": spend_on("2024-02-30"),
    "date with slashes": spend_on("2024/09/05"),
    "date without dashes": spend_on("20240905"),
    "date without zero padding": spend_on("2024-9-5"),
    "date empty": spend_on(""),
    "date in words": spend_on("yesterday"),
    "date far in the future": spend_on("2999-01-01"),
    "date tomorrow in Shanghai": spend_on(TOMORROW),
    "disbursement tomorrow": ["disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-X", "--date", TOMORROW],
    "application tomorrow": [
        "apply",
        "QD-9",
        "--unit",
        ENTERPRISE,
        "--clause",
        COMMON_TECH,
        "--amount",
        "1万",
        "--date",
        TOMORROW,
    ],
    "evaluation tomorrow": ["evaluate", "QD-2", "--grade", "good", "--date", TOMORROW],
    "award tomorrow": ["award", "QD-3", "--amount", "1万", "--fund", "KJ", "--doc", "D-3", "--date", TOMORROW],
    "appropriation dated tomorrow": [
        "fund",
        "appropriate",
        "KJ",
        "--year",
        "2024",
        "--amount",
        "1万",
        "--doc",
        "X-2",
        "--date",
        TOMORROW,
    ],
    "report as-of not a date": ["report", "awards", "--as-of", "2024-31-12"],
    "policy list in-force not a date": ["policy", "list", "--in-force", "soon"],
    # unit codes
    "code with a wrong check character": [
        "unit",
        "register",
        BAD_CHECK_CHARACTER,
        "--name",
        "x",
        "--type",
        "enterprise",
    ],
    "code of 17 characters": ["unit", "register", ENTERPRISE[:17], "--name", "x", "--type", "enterprise"],
    "code of 19 characters": ["unit", "register", ENTERPRISE + "1", "--name", "x", "--type", "enterprise"],
    "code with a letter GB 32100 leaves out": [
        "unit",
        "register",
        "I" + ENTERPRISE[1:],
        "--name",
        "x",
        "--type",
        "enterprise",
    ],
    "code empty": ["unit", "register", "", "--name", "x", "--type", "enterprise"],
    "application unit code": [
        "apply",
        "QD-9",
        "--unit",
        BAD_CHECK_CHARACTER,
        "--clause",
        COMMON_TECH,
        "--amount",
        "1万",
        "--date",
        "2024-09-01",
    ],
    "quote unit code": ["policy", "quote", COMMON_TECH, "--unit", "12345"],
    # grades
    "grade unknown": ["evaluate", "QD-2", "--grade", "great", "--date", "2024-09-02"],
    "grade empty": ["evaluate", "QD-2", "--grade", "", "--date", "2024-09-02"],
    "grade a letter": ["evaluate", "QD-2", "--grade", "A", "--date", "2024-09-02"],
    "grade half a Chinese word": ["evaluate", "QD-2", "--grade", "优", "--date", "2024-09-02"],
    "quote grade": ["policy", "quote", COMMON_TECH, "--unit", ENTERPRISE, "--grade", "excellentish"],
    # categories
    "category unknown": ["spend", "QD-1", "--amount", "1万", "--category", "food", "--voucher", "ZC-X"],
    "category empty": ["spend", "QD-1", "--amount", "1万", "--category", "", "--voucher", "ZC-X"],
    # the other small vocabularies
    "stake zero": ["invest", "QD-1", "--amount", "1万", "--stake", "0", "--valuation", "1亿", "--voucher", "TZ-X"],
    "stake above 100": [
        "invest",
        "QD-1",
        "--amount",
        "1万",
        "--stake",
        "101",
        "--valuation",
        "1亿",
        "--voucher",
        "TZ-X",
    ],
    "stake garbage": ["exit", "QD-1", "--stake", "half", "--proceeds", "1万", "--voucher", "TC-X"],
    "year of two digits": ["fund", "appropriate", "KJ", "--year", "24", "--amount", "1万", "--doc", "X-3"],
    "unit type": ["unit", "register", HOSPITAL, "--name", "市立医院", "--type", "shop"],
    "role": ["role", "grant", "bob", "king"],
    "award mode": [
        "award",
        "QD-3",
        "--amount",
        "1万",
        "--fund",
        "KJ",
        "--doc",
        "D-3",
        "--mode",
        "loan",
        "--date",
        "2024-09-02",
    ],
    "score above 100": ["evaluate", "QD-2", "--grade", "good", "--score", "101", "--date", "2024-09-02"],
}


@pytest.mark.parametrize("args", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_input_is_invalid_input_exit_2_one_line_on_stderr_and_nothing_written(ledger, args):
    args = [tomorrow_in_shanghai() if a == TOMORROW else a for a in args]
    exit_code, code, _ = refused_writing_nothing(ledger, args)
    assert (exit_code, code) == (2, "INVALID_INPUT")


def test_the_invalid_input_message_names_the_value_that_was_refused(ledger):
    _, _, message = ledger.refused(*disburse("三十万"))
    assert "三十万" in message
    _, _, message = ledger.refused(*spend_on("2999-01-01"))
    assert "2999-01-01" in message


def test_a_future_date_is_allowed_where_cli_md_allows_looking_ahead(ledger):
    tomorrow = tomorrow_in_shanghai()
    quote = ledger.ok("policy", "quote", COMMON_TECH, "--unit", ENTERPRISE, "--date", tomorrow)
    assert quote["clause"] == COMMON_TECH
    catalogue = ledger.ok("policy", "list")
    in_force = {
        c["id"]
        for c in catalogue
        if c["effective_from"] <= tomorrow <= (c["effective_to"] or "9999") and c["status"] == "issued"
    }
    assert {c["id"] for c in ledger.ok("policy", "list", "--in-force", tomorrow)} == in_force
    assert [r["application"] for r in ledger.ok("report", "awards", "--as-of", tomorrow)] == ["QD-1"]

    next_year = str(int(tomorrow[:4]) + 1)
    before = ledger.event_count()
    appropriated = ledger.ok(
        "fund", "appropriate", "KJ", "--year", next_year, "--amount", "1万", "--doc", f"KJ-{next_year}-预"
    )
    assert appropriated["year"] == int(next_year)
    assert ledger.event_count() > before


BROKEN_LINES = {
    "a unit code to register": (
        2,
        "INVALID_INPUT",
        ["unit", "register", ENTERPRISE[:16] + "\n" + ENTERPRISE[17], "--name", "x", "--type", "enterprise"],
    ),
    "a unit code to quote for": (
        2,
        "INVALID_INPUT",
        ["policy", "quote", COMMON_TECH, "--unit", ENTERPRISE[:16] + "\n" + ENTERPRISE[17]],
    ),
    "an application reference": (2, "INVALID_INPUT", ["disburse", "QD\n1", "--amount", "1万", "--voucher", "PZ-X"]),
    "a clause to show": (3, "NOT_FOUND", ["policy", "show", "qd2024\n01"]),
    "a clause to quote": (3, "NOT_FOUND", ["policy", "quote", "qd2024\n01", "--unit", ENTERPRISE]),
}


@pytest.mark.parametrize(("exit_code", "expected", "args"), list(BROKEN_LINES.values()), ids=list(BROKEN_LINES))
def test_an_error_stays_one_line_on_stderr_when_the_input_holds_a_line_break(ledger, exit_code, expected, args):
    assert refused_writing_nothing(ledger, args)[:2] == (exit_code, expected)


# -- unknown references: NOT_FOUND, exit 3 ----------------------------------------------------------------

UNREGISTERED = "91370200MA3XXXXX1"

UNKNOWN = {
    "application": (
        ["disburse", "NO-SUCH-REF", "--amount", "1万", "--voucher", "PZ-X", "--date", "2024-09-03"],
        None,
        "NO-SUCH-REF",
    ),
    "application to evaluate": (["evaluate", "NO-SUCH-REF", "--grade", "good"], None, "NO-SUCH-REF"),
    "voucher to approve": (["approve", "NO-SUCH-PZ"], "approver", "NO-SUCH-PZ"),
    "voucher to void": (["void", "NO-SUCH-PZ", "--reason", "错"], "approver", "NO-SUCH-PZ"),
    "voucher to reverse": (["reverse", "NO-SUCH-PZ", "--reason", "错"], None, "NO-SUCH-PZ"),
    "fund of an award": (
        ["award", "QD-3", "--amount", "10万", "--fund", "NO-FUND", "--doc", "D-3", "--date", "2024-09-02"],
        None,
        "NO-FUND",
    ),
    "fund to appropriate": (
        ["fund", "appropriate", "NO-FUND", "--year", "2024", "--amount", "1万", "--doc", "X-4"],
        None,
        "NO-FUND",
    ),
    "unit of an application": (
        [
            "apply",
            "QD-9",
            "--unit",
            "<unregistered>",
            "--clause",
            COMMON_TECH,
            "--amount",
            "1万",
            "--date",
            "2024-09-01",
        ],
        None,
        "<unregistered>",
    ),
    "unit of a quote": (["policy", "quote", COMMON_TECH, "--unit", "<unregistered>"], None, "<unregistered>"),
    "clause of an application": (
        [
            "apply",
            "QD-9",
            "--unit",
            ENTERPRISE,
            "--clause",
            "qd2099-no-such-clause",
            "--amount",
            "1万",
            "--date",
            "2024-09-01",
        ],
        None,
        "qd2099-no-such-clause",
    ),
    "clause to show": (["policy", "show", "qd2099-no-such-clause"], None, "qd2099-no-such-clause"),
    "clause to quote": (
        ["policy", "quote", "qd2099-no-such-clause", "--unit", ENTERPRISE],
        None,
        "qd2099-no-such-clause",
    ),
}


@pytest.mark.parametrize(("args", "actor", "named"), list(UNKNOWN.values()), ids=list(UNKNOWN))
def test_an_unknown_reference_is_not_found_exit_3_naming_it(ledger, args, actor, named):
    from ledger.uscc import make

    unregistered = make(UNREGISTERED)
    args = [unregistered if a == "<unregistered>" else a for a in args]
    exit_code, code, message = refused_writing_nothing(ledger, args, actor)
    assert (exit_code, code) == (3, "NOT_FOUND")
    assert (unregistered if named == "<unregistered>" else named) in message


# -- role boundaries: FORBIDDEN, exit 4 -------------------------------------------------------------------

BOUNDARIES = {
    "an auditor disbursing": (
        "auditor",
        ["disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-X", "--date", "2024-09-03"],
    ),
    "a clerk approving": ("clerk", ["approve", "PZ-1"]),
    "a clerk voiding": ("clerk", ["void", "PZ-1", "--reason", "错"]),
    "a clerk evaluating": ("clerk", ["evaluate", "QD-2", "--grade", "good", "--date", "2024-09-02"]),
    "a reviewer awarding": (
        "reviewer",
        ["award", "QD-3", "--amount", "10万", "--fund", "KJ", "--doc", "D-3", "--date", "2024-09-02"],
    ),
    "an approver disbursing": (
        "approver",
        ["disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-X", "--date", "2024-09-03"],
    ),
    "a clerk granting a role": ("clerk", ["role", "grant", "clerk", "admin"]),
    "an auditor replaying": ("auditor", ["replay"]),
    "a stranger reading a report": ("stranger", ["report", "awards"]),
    "a stranger reading history": ("stranger", ["history", "QD-1"]),
    "a stranger exporting the log": ("stranger", ["export", "events"]),
}


@pytest.mark.parametrize(("actor", "args"), list(BOUNDARIES.values()), ids=list(BOUNDARIES))
def test_crossing_a_role_boundary_is_forbidden_exit_4_naming_the_person(ledger, actor, args):
    exit_code, code, message = refused_writing_nothing(ledger, args, actor)
    assert (exit_code, code) == (4, "FORBIDDEN")
    assert actor in message


# -- ledger rules: exit 1 with their code, on both engines --------------------------------------------------


def _paid(cli: Cli) -> None:
    awarded(cli, "QD-1", COMMON_TECH, "300万")
    cli.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-09-02")


def _small_fund(cli: Cli) -> None:
    cli.ok("fund", "create", "SMALL", "--name", "小额专项")
    cli.ok(
        "fund", "appropriate", "SMALL", "--year", "2024", "--amount", "100万", "--doc", "S-1", "--date", "2024-01-05"
    )
    cli.ok("apply", "QD-1", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "200万", "--date", "2024-09-01")
    cli.ok("evaluate", "QD-1", "--grade", "good", "--date", "2024-09-01")


def _asked_too_much(cli: Cli) -> None:
    cli.ok("apply", "QD-1", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "600万", "--date", "2024-09-01")
    cli.ok("evaluate", "QD-1", "--grade", "excellent", "--date", "2024-09-01")


def _pending(cli: Cli) -> None:
    awarded(cli, "QD-1", COMMON_TECH, "300万")
    cli.ok("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-02")  # entered by admin


def _equity_award(cli: Cli) -> None:
    awarded(cli, "QD-1", "qd2024-22-equity", "800万", fund="TZ", extra=("--mode", "equity"))


def _second_first_time_reward(cli: Cli) -> None:
    awarded(cli, "HN-1", HNTE_FIRST, "10万", grade="new")
    cli.ok("apply", "HN-2", "--unit", ENTERPRISE, "--clause", HNTE_FIRST, "--amount", "10万", "--date", "2024-10-01")
    cli.ok("evaluate", "HN-2", "--grade", "new", "--date", "2024-10-01")


def _voucher_cap_used(cli: Cli) -> None:
    awarded(cli, "CQ-1", VOUCHER_CLAUSE, "15万", base="30万")
    cli.ok(
        "apply",
        "CQ-2",
        "--unit",
        ENTERPRISE,
        "--clause",
        VOUCHER_CLAUSE,
        "--amount",
        "15万",
        "--base",
        "30万",
        "--date",
        "2024-10-01",
    )
    cli.ok("evaluate", "CQ-2", "--grade", "good", "--date", "2024-10-01")


def _failed_evaluation(cli: Cli) -> None:
    cli.ok("apply", "QD-1", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "100万", "--date", "2024-09-01")
    cli.ok("evaluate", "QD-1", "--grade", "不合格", "--date", "2024-09-01")


def _equity_held(cli: Cli) -> None:
    _equity_award(cli)
    cli.ok(
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
    cli.ok("approve", "TZ-1", "--date", "2024-09-03", actor="approver")


def _grant_award(cli: Cli) -> None:
    awarded(cli, "QD-1", COMMON_TECH, "300万")


def _nothing(cli: Cli) -> None:
    return None


# (the code, set-up, the refused command, its actor, what the message must name)
RULES = {
    "disbursing more than the award leaves": (
        "EXCEEDS_AWARD",
        _paid,
        ["disburse", "QD-1", "--amount", "251万", "--voucher", "PZ-2", "--date", "2024-09-03"],
        None,
        ["QD-1", "300万元", "251万元"],
    ),
    "spending more than was paid": (
        "EXCEEDS_AVAILABLE",
        _paid,
        ["spend", "QD-1", "--amount", "60万", "--category", "equipment", "--voucher", "ZC-1", "--date", "2024-09-03"],
        None,
        ["QD-1", "50万元", "60万元"],
    ),
    "spending on the negative list": (
        "NEGATIVE_LIST",
        _paid,
        ["spend", "QD-1", "--amount", "10万", "--category", "welfare", "--voucher", "ZC-1", "--date", "2024-09-03"],
        None,
        ["负面清单", "发放福利"],
    ),
    "awarding more than the fund has": (
        "INSUFFICIENT_FUNDS",
        _small_fund,
        ["award", "QD-1", "--amount", "200万", "--fund", "SMALL", "--doc", "D-1", "--date", "2024-09-02"],
        None,
        ["SMALL", "100万元", "200万元"],
    ),
    "awarding over the clause max": (
        "EXCEEDS_CLAUSE_MAX",
        _asked_too_much,
        ["award", "QD-1", "--amount", "600万", "--fund", "KJ", "--doc", "D-1", "--date", "2024-09-02"],
        None,
        [COMMON_TECH, "500万元", "600万元"],
    ),
    "applying under a superseded clause": (
        "SUPERSEDED",
        _nothing,
        [
            "apply",
            "QD-1",
            "--unit",
            UNIVERSITY,
            "--clause",
            "qd2020-kc16-clinical-center",
            "--amount",
            "200万",
            "--date",
            "2024-09-01",
        ],
        None,
        ["qd2020-kc16-clinical-center", "qd2024-06-clinical-center"],
    ),
    "applying before the clause is in force": (
        "NOT_IN_FORCE",
        _nothing,
        ["apply", "QD-1", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "100万", "--date", "2024-07-01"],
        None,
        [COMMON_TECH, "2024-07-31"],
    ),
    "reusing a voucher number for another amount": (
        "DUPLICATE_KEY",
        _paid,
        ["disburse", "QD-1", "--amount", "60万", "--voucher", "PZ-1", "--date", "2024-09-02"],
        None,
        ["PZ-1"],
    ),
    "approving one's own payment": (
        "SAME_ACTOR",
        _pending,
        ["approve", "PZ-1", "--date", "2024-09-03"],
        "admin",
        ["PZ-1"],
    ),
    "disbursing an equity award": (
        "INVALID_STATE",
        _equity_award,
        ["disburse", "QD-1", "--amount", "10万", "--voucher", "PZ-1", "--date", "2024-09-02"],
        None,
        ["QD-1", "invest"],
    ),
    "investing in a grant award": (
        "INVALID_STATE",
        _grant_award,
        [
            "invest",
            "QD-1",
            "--amount",
            "10万",
            "--stake",
            "1",
            "--valuation",
            "1000万",
            "--voucher",
            "TZ-1",
            "--date",
            "2024-09-02",
        ],
        None,
        ["QD-1", "grant"],
    ),
    "selling more stake than is held": (
        "EXCEEDS_AVAILABLE",
        _equity_held,
        ["exit", "QD-1", "--stake", "9", "--proceeds", "900万", "--voucher", "TC-1", "--date", "2024-12-20"],
        None,
        ["QD-1", "8%", "9%"],
    ),
    "a second once-per-unit reward": (
        "ALREADY_AWARDED_ONCE",
        _second_first_time_reward,
        ["award", "HN-2", "--amount", "10万", "--fund", "KJ", "--doc", "D-2", "--date", "2024-10-01"],
        None,
        [HNTE_FIRST, "HN-1"],
    ),
    "awarding over the unit's yearly cap": (
        "EXCEEDS_ANNUAL_CAP",
        _voucher_cap_used,
        ["award", "CQ-2", "--amount", "15万", "--fund", "KJ", "--doc", "D-2", "--date", "2024-10-01"],
        None,
        [VOUCHER_CLAUSE, "20万元", "15万元"],
    ),
    "a university applying for an enterprise reward": (
        "NOT_ELIGIBLE",
        _nothing,
        ["apply", "HN-1", "--unit", UNIVERSITY, "--clause", HNTE_FIRST, "--amount", "10万", "--date", "2024-10-01"],
        None,
        [HNTE_FIRST],
    ),
    "awarding after a failed evaluation": (
        "NOT_ELIGIBLE",
        _failed_evaluation,
        ["award", "QD-1", "--amount", "100万", "--fund", "KJ", "--doc", "D-1", "--date", "2024-09-02"],
        None,
        [COMMON_TECH],
    ),
}


@pytest.mark.parametrize(("expected", "setup", "args", "actor", "named"), list(RULES.values()), ids=list(RULES))
def test_a_ledger_rule_refuses_with_exit_1_its_code_a_clear_message_and_writes_nothing(
    db_url, expected, setup, args, actor, named
):
    cli = standard_world(Cli(db_url))
    setup(cli)
    exit_code, code, message = refused_writing_nothing(cli, args, actor)
    assert (exit_code, code) == (1, expected), message
    missing = [fragment for fragment in named if fragment not in message]
    assert missing == [], f"the message should name {missing}: {message}"


# -- the JSON form of an error ------------------------------------------------------------------------------

JSON_ERRORS = [
    ("INVALID_INPUT", 2, ["disburse", "QD-1", "--amount", "0", "--voucher", "PZ-X"], None),
    ("NOT_FOUND", 3, ["approve", "NO-SUCH-PZ"], "approver"),
    ("FORBIDDEN", 4, ["approve", "PZ-1"], "clerk"),
    ("EXCEEDS_AWARD", 1, ["disburse", "QD-1", "--amount", "300万", "--voucher", "PZ-X", "--date", "2024-09-03"], None),
]


@pytest.mark.parametrize(("expected", "exit_code", "args", "actor"), JSON_ERRORS, ids=[e[0] for e in JSON_ERRORS])
def test_with_format_json_the_error_is_one_json_object_on_stdout_and_the_exit_code_is_the_same(
    ledger, expected, exit_code, args, actor
):
    result = ledger(*args, actor=actor, fmt="json")
    assert result.exit_code == exit_code, describe(result)
    assert result.stderr == "", describe(result)
    document = json.loads(result.stdout)
    assert list(document) == ["error"] and set(document["error"]) == {"code", "message"}
    assert document["error"]["code"] == expected
    assert document["error"]["message"]


# -- exact repeats: exit 0, nothing written -----------------------------------------------------------------

# Every write command once, in order; then each is repeated word for word.
SCENARIO = [
    ("admin", ["role", "grant", "approver", "approver"]),
    ("admin", ["role", "grant", "reviewer", "reviewer"]),
    ("admin", ["fund", "create", "KJ", "--name", "科技创新专项资金"]),
    (
        "admin",
        ["fund", "appropriate", "KJ", "--year", "2024", "--amount", "1亿", "--doc", "KJ-2024", "--date", "2024-01-05"],
    ),
    ("admin", ["unit", "register", ENTERPRISE, "--name", "海澜智能", "--type", "enterprise"]),
    (
        "admin",
        [
            "apply",
            "QD-1",
            "--unit",
            ENTERPRISE,
            "--clause",
            "qd2024-01-demo",
            "--amount",
            "800万",
            "--date",
            "2024-09-01",
        ],
    ),
    ("reviewer", ["evaluate", "QD-1", "--grade", "good", "--date", "2024-09-01"]),
    (
        "admin",
        [
            "award",
            "QD-1",
            "--amount",
            "800万",
            "--fund",
            "KJ",
            "--doc",
            "D-1",
            "--date",
            "2024-09-02",
            "--mode",
            "mixed",
            "--equity-amount",
            "300万",
        ],
    ),
    ("admin", ["disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-03"]),
    ("approver", ["approve", "PZ-1", "--date", "2024-09-04"]),
    ("admin", ["disburse", "QD-1", "--amount", "120万", "--voucher", "PZ-2", "--date", "2024-09-03"]),
    ("approver", ["void", "PZ-2", "--reason", "收款账户有误", "--date", "2024-09-04"]),
    (
        "admin",
        ["spend", "QD-1", "--amount", "30万", "--category", "equipment", "--voucher", "ZC-1", "--date", "2024-09-05"],
    ),
    (
        "admin",
        ["spend", "QD-1", "--amount", "5万", "--category", "travel", "--voucher", "ZC-2", "--date", "2024-09-05"],
    ),
    ("admin", ["reverse", "ZC-2", "--reason", "重复录入", "--date", "2024-09-06"]),
    ("admin", ["recover", "QD-1", "--amount", "5万", "--voucher", "ZH-1", "--reason", "结余", "--date", "2024-09-06"]),
    (
        "admin",
        [
            "invest",
            "QD-1",
            "--amount",
            "30万",
            "--stake",
            "3",
            "--valuation",
            "1000万",
            "--voucher",
            "TZ-1",
            "--date",
            "2024-09-07",
        ],
    ),
    ("admin", ["exit", "QD-1", "--stake", "1", "--proceeds", "20万", "--voucher", "TC-1", "--date", "2024-12-20"]),
    (
        "admin",
        ["apply", "QD-2", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "100万", "--date", "2024-09-01"],
    ),
    ("reviewer", ["reject", "QD-2", "--reason", "不符合申报条件", "--date", "2024-09-02"]),
    (
        "admin",
        ["apply", "QD-3", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "100万", "--date", "2024-09-01"],
    ),
    ("reviewer", ["evaluate", "QD-3", "--grade", "good", "--date", "2024-09-01"]),
    (
        "admin",
        [
            "award",
            "QD-3",
            "--amount",
            "100万",
            "--fund",
            "KJ",
            "--doc",
            "D-3",
            "--date",
            "2024-09-02",
            "--mode",
            "convertible",
        ],
    ),
    ("admin", ["disburse", "QD-3", "--amount", "40万", "--voucher", "PZ-3", "--date", "2024-09-03"]),
    ("admin", ["convert", "QD-3", "--stake", "2", "--valuation", "2000万", "--doc", "CV-3", "--date", "2024-10-01"]),
]


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Cli:
    cli = Cli(f"sqlite:///{tmp_path_factory.mktemp('repeats')}/ledger.db")
    cli.ok("init")
    for actor, args in SCENARIO:
        cli.ok(*args, actor=actor)
    return cli


@pytest.mark.parametrize(
    ("actor", "args"), SCENARIO, ids=[f"{i:02d} {' '.join(a[:2])}" for i, (_, a) in enumerate(SCENARIO, start=1)]
)
def test_an_exact_repeat_of_a_write_command_is_a_success_that_writes_nothing(finished, actor, args):
    """cli.md: exit 0 — an exact repeat of an earlier command is a success that changes nothing."""
    before = finished.event_count()
    result = finished(*args, actor=actor)
    assert result.exit_code == 0, f"repeating {' '.join(args)} after the scenario finished\n{describe(result)}"
    assert json.loads(result.stdout)["changed"] is False
    assert finished.event_count() == before


# -- click's usage errors, and a ledger that was never initialised -----------------------------------------

USAGE = {
    "an unknown command": ["pay", "QD-1"],
    "an unknown option": ["disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-1", "--when", "2024-09-01"],
    "a missing required option": ["disburse", "QD-1", "--voucher", "PZ-1"],
    "a missing argument": ["approve"],
    "an unknown report": ["report", "budget"],
    "an unknown format": ["report", "awards", "--format", "pdf"],
}


@pytest.mark.parametrize("args", list(USAGE.values()), ids=list(USAGE))
def test_a_click_usage_error_is_one_invalid_input_line_exit_2_pointing_at_help(sqlite_url, args):
    result = Cli(sqlite_url, fmt="table")(*args)
    assert result.exit_code == 2, describe(result)
    code, message = error_line(result)
    assert code == "INVALID_INPUT" and "--help" in message, describe(result)


@pytest.mark.parametrize("args", list(USAGE.values()), ids=list(USAGE))
def test_a_click_usage_error_under_format_json_is_one_json_document_on_stdout(sqlite_url, args):
    result = Cli(sqlite_url, fmt="json")(*args)
    assert result.exit_code == 2, describe(result)
    assert result.stderr == "", describe(result)
    assert one_json_document(result)["error"]["code"] == "INVALID_INPUT"


USAGE_IN_CHINESE = {
    "an unknown command": "没有这个命令",
    "an unknown option": "没有选项 --when",
    "a missing required option": "缺少选项 '--amount'",
    "a missing argument": "缺少参数 'VOUCHER'",
    "an unknown report": "的值无效",
    "an unknown format": "'--format' 的值无效",
}


@pytest.mark.parametrize("case", list(USAGE), ids=list(USAGE))
def test_a_click_usage_error_says_what_is_wrong_in_chinese_first(sqlite_url, case):
    _code, message = error_line(Cli(sqlite_url, fmt="table")(*USAGE[case]))
    assert message.startswith(USAGE_IN_CHINESE[case]) or USAGE_IN_CHINESE[case] in message.split(" (")[0], message


def test_a_bad_global_format_is_a_usage_error(sqlite_url):
    result = Cli(sqlite_url, fmt="yaml")("report", "awards")
    assert result.exit_code == 2, describe(result)
    assert error_line(result)[0] == "INVALID_INPUT"


def test_every_command_on_an_uninitialised_database_is_not_found_and_says_to_run_init(db_url):
    cli = Cli(db_url)
    for args in (
        ["report", "awards"],
        ["fund", "create", "KJ", "--name", "科技创新专项资金"],
        ["history", "QD-1"],
        ["verify"],
        ["replay"],
        ["export", "events"],
        ["policy", "quote", COMMON_TECH, "--unit", ENTERPRISE],
        ["role", "grant", "bob", "clerk"],
        ["disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-1"],
    ):
        exit_code, code, message = cli.refused(*args)
        assert (exit_code, code) == (3, "NOT_FOUND"), args
        assert "grantledger init" in message, (args, message)


# -- exit 5, and verify's TAMPERED ------------------------------------------------------------------------


def test_a_storage_failure_exits_5_with_one_error_line(tmp_path):
    exit_code, code, message = Cli(f"sqlite:///{tmp_path}/no/such/folder/ledger.db").refused("report", "awards")
    assert (exit_code, code) == (5, "STORAGE")
    assert f"{tmp_path}/no/such/folder/ledger.db" in message and "无法打开" in message


def test_verify_exits_1_with_tampered_naming_the_event_after_a_stored_event_is_edited(sqlite_url):
    cli = standard_world(Cli(sqlite_url))
    awarded(cli, "QD-1", COMMON_TECH, "300万")
    cli.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-09-02")
    assert cli.ok("verify", actor="auditor")["ok"] is True
    seq = next(e["seq"] for e in cli.events() if e["type"].endswith("Disbursed"))

    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:  # 50万 becomes 50万 and 1 分, behind its back
        db.execute("DROP TRIGGER stored_events_no_update")  # the forger first removes the append-only guard
        edited = db.execute(
            "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), '50000000', "
            "'50000001') AS BLOB) WHERE topic LIKE '%Disbursed'"
        ).rowcount
    assert edited == 1

    result = cli("verify", actor="auditor", fmt="json")
    assert result.exit_code == 1, describe(result)
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "TAMPERED" and f"第 {seq} 条事件" in error["message"]


@pytest.mark.parametrize(
    "args",
    [
        ("report", "awards", "--out", "{bad}/awards.csv"),
        ("report", "awards", "--format", "xlsx", "--out", "{bad}/awards.xlsx"),
        ("report", "all", "--format", "xlsx", "--out", "{bad}/all.xlsx"),
        ("voucher", "print", "PZ-1", "--out", "{bad}/PZ-1.pdf"),
        ("statement", "QD-1", "--format", "pdf", "--out", "{bad}/st.pdf"),
        ("statement", "QD-1", "--format", "xlsx", "--out", "{bad}/st.xlsx"),
        ("batch", "template", "--out", "{bad}/t.xlsx"),
        ("export", "events", "--out", "{bad}/e.jsonl"),
        ("verify", "--checkpoint", "{bad}/seal.json"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_file_that_cannot_be_written_or_read_is_refused_naming_that_file_not_the_database(ledger, tmp_path, args):
    """A missing folder for --out once came back as 存储故障: 数据库文件 … 无法打开 ([Errno 2] No such file…),
    exit 5: the ledger's database blamed, in English. It is the file the person named, in words, exit 2."""
    bad = tmp_path / "no" / "such" / "folder"
    result = ledger(*(a.format(bad=bad) for a in args), fmt="table")
    code, message = error_line(result)
    assert (result.exit_code, code) == (2, "INVALID_INPUT"), message
    assert str(bad) in message and "路径不存在" in message, message
    assert "数据库" not in message and "Errno" not in message and "No such" not in message, message


@pytest.mark.parametrize(
    ("env", "db", "words"),
    [
        ({}, "sqlite:///:memory:", "请给出一个文件"),
        ({"GRANTLEDGER_DB_TIMEOUT": "abc"}, "postgresql+psycopg://x@127.0.0.1:1/x", "整秒数"),
    ],
)
def test_a_database_setting_that_cannot_work_is_refused_in_chinese(env, db, words):
    from tests.e2e.test_chinese_throughout import english

    result = Cli(db)("report", "awards", fmt="table", env=env)
    code, message = error_line(result)
    assert code == "INVALID_INPUT" and words in message and english(message) == [], message


def test_a_global_option_after_the_command_says_where_it_goes(sqlite_url):
    """``history QD-1 --format csv`` was 没有选项 --format: true to click, no help to a clerk."""
    code, message = error_line(Cli(sqlite_url)("history", "QD-1", "--format", "csv", fmt="table"))
    assert code == "INVALID_INPUT" and message.startswith("--format 是全局选项, 须写在命令之前"), message
    assert "。;" not in message, message
