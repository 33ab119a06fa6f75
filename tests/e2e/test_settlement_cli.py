"""The closeout settles the award (结算), a re-charge to another fund by two people (调整资金来源), and how
corrections, tranches and closeouts meet (issue 24), through the command line on both engines.

Before: ``close-project`` recovered the 结余 but the award's unpaid part — a tranche never released after a
failed acceptance — stayed committed in the fund-year, and held the unit's yearly cap, for ever. Now the closeout
records ``Grant.Settled`` under its document: from its date the award stands at what was paid and the unpaid part
is given back; every report as of an earlier day, or as known at an earlier moment, is what it was.
"""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from tests.e2e.driver import Cli, awarded, describe, standard_world, yuan
from tests.helpers import ENTERPRISE, WH_ENTERPRISE
from web.app import create_app

TEAM = "qd2020-kc16-key-project-team"  # 30万 max, 200万 yearly cap per unit (cap group of the clause)
COMMON_TECH = "qd2024-01-common-tech"
WH_CLAUSE = "wh2018-6-star-space"  # 100万 fixed, Weihai
KNOWN_AT_REPORTS = ("awards", "funds", "caps", "carryover", "trial-balance", "units", "clauses")


@pytest.fixture
def office(db_url) -> Cli:
    cli = standard_world(Cli(db_url))
    cli.ok("unit", "register", WH_ENTERPRISE, "--name", "威海海澜装备", "--type", "enterprise")
    cli.ok("fund", "create", "WH", "--name", "威海市科技创新平台专项资金", "--city", "威海")
    cli.ok("fund", "appropriate", "WH", "--year", "2024", "--amount", "5000万", "--doc", "WH-2024", "--date",
           "2024-01-05")  # fmt: skip
    return cli


def funds(cli: Cli, *options: str) -> dict:
    return {(r["fund"], r["year"]): r for r in cli.ok("report", "funds", *options, actor="auditor")}


def award_row(cli: Cli, ref: str, *options: str) -> dict | None:
    return next((r for r in cli.ok("report", "awards", *options, actor="auditor") if r["application"] == ref), None)


def caps_used(cli: Cli, *options: str) -> int:
    rows = cli.ok("report", "caps", "--unit", ENTERPRISE, *options, actor="auditor")
    return sum(yuan(r["used"]) for r in rows if r["cap_group"] != "once")


def printed(cli: Cli, *options: str) -> dict:
    return {name: cli.ok("report", name, *options, actor="auditor") for name in KNOWN_AT_REPORTS}


def step(cli: Cli, *args: str, date: str) -> dict:
    return cli.ok(*args, "--date", date, actor="clerk")


def test_a_failed_acceptance_settles_the_award_at_what_was_paid_and_leaves_the_past_unchanged(office):
    awarded(office, "QD-S", TEAM, "30万", extra=("--tranches", "60:signing,40:acceptance"))
    step(office, "milestone", "QD-S", "--kind", "signing", "--result", "pass", "--doc", "任务书-S", date="2024-09-05")
    step(office, "disburse", "QD-S", "--amount", "18万", "--voucher", "PZ-S1", date="2024-09-06")
    step(office, "spend", "QD-S", "--amount", "10万", "--category", "labor", "--voucher", "ZC-S1", date="2024-10-01")
    step(office, "milestone", "QD-S", "--kind", "acceptance", "--result", "fail", "--doc", "验收-S", date="2024-11-01")
    assert yuan(funds(office)[("KJ", 2024)]["committed"]) == 300000
    assert caps_used(office) == 300000
    # What the ledger printed before the closeout, and where the log stood then.
    before, position = printed(office), office.event_count()
    before_as_of = printed(office, "--as-of", "2024-11-30")

    closed = step(office, "close-project", "QD-S", "--result", "fail", "--doc", "结题-S", "--voucher", "ZH-S",
                  date="2024-12-01")  # fmt: skip
    assert (closed["balance"], closed["recovered"], closed["retained"]) == ("80000.00", "80000.00", "0.00")
    assert (closed["settled"], closed["awarded"], closed["status"]) == ("120000.00", "180000.00", "closed")
    # From the closeout on: the award stands at what was paid, the fund-year and the yearly cap get the rest back.
    row = award_row(office, "QD-S")
    assert (row["awarded"], row["disbursed"], row["recovered"], row["available"]) == (
        "180000.00",
        "180000.00",
        "80000.00",
        "0.00",
    )
    kj = funds(office)[("KJ", 2024)]
    assert (yuan(kj["committed"]), yuan(kj["returned"])) == (180000, 80000)
    assert caps_used(office) == 180000
    # Invariant 12: as known at the moment before the closeout, every report is exactly what was printed then;
    # as of the day before it, the commitment and the cap still stand (the release is dated the closeout's day).
    assert printed(office, "--known-at", str(position)) == before
    assert printed(office, "--as-of", "2024-11-30") == before_as_of
    assert yuan(award_row(office, "QD-S", "--as-of", "2024-11-30")["awarded"]) == 300000
    assert yuan(funds(office, "--as-of", "2024-11-30")[("KJ", 2024)]["committed"]) == 300000
    assert yuan(award_row(office, "QD-S", "--as-of", "2024-12-01")["awarded"]) == 180000
    # The history shows the award, the closeout and the settlement with its document and amount.
    history = office.ok("history", "QD-S", actor="auditor")
    settled = [r for r in history if r["type"] == "Grant.Settled"]
    assert len(settled) == 1 and yuan(settled[0]["amount"]) == 120000 and "结题-S" in settled[0]["detail"]
    table = office("history", "QD-S", actor="auditor", fmt="table")
    assert "结算" in table.stdout and "验收结题" in table.stdout, describe(table)
    # A repeat of the closeout changes nothing; the books still balance and verify re-decides the settlement.
    count = office.event_count()
    again = step(office, "close-project", "QD-S", "--result", "fail", "--doc", "结题-S", "--voucher", "ZH-S",
                 date="2024-12-01")  # fmt: skip
    assert again["changed"] is False and office.event_count() == count
    verified = office.ok("verify", actor="auditor")
    assert verified["ok"] is True, verified
    trial = office.ok("report", "trial-balance", actor="auditor")
    assert trial[-1]["debit"] == trial[-1]["credit"]
    # In the books the release is memo only: the journals still pass their own checks' balance.
    for books in ("beancount", "hledger"):
        exported = office("export", books, actor="auditor", fmt="table")
        assert exported.exit_code == 0 and "QD-S" in exported.stdout, describe(exported)
    # The web view's history of the award shows the settlement beside the closeout.
    assert_web_history(office.db, "QD-S", "结算", "验收结题")


def assert_web_history(db: str, ref: str, *words: str) -> None:
    client = TestClient(create_app(db, None, "127.0.0.1"), base_url="http://127.0.0.1")
    try:
        page = client.get(f"/awards/{ref}")
        assert page.status_code == 200 and all(w in page.text for w in words), page.text[:500]
    finally:
        client.app.state.engine.dispose()


def test_the_released_commitment_is_committed_again_and_a_fully_paid_award_settles_nothing(office):
    office.ok("fund", "create", "SM", "--name", "小额专项")
    office.ok("fund", "appropriate", "SM", "--year", "2024", "--amount", "50万", "--doc", "SM-2024", "--date",
              "2024-01-05")  # fmt: skip
    awarded(office, "QD-A", COMMON_TECH, "50万", fund="SM", extra=("--tranches", "50:signing,50:acceptance"))
    step(office, "milestone", "QD-A", "--kind", "signing", "--result", "pass", "--doc", "任务书-A", date="2024-09-02")
    step(office, "disburse", "QD-A", "--amount", "25万", "--voucher", "PZ-A1", date="2024-09-03")
    step(office, "spend", "QD-A", "--amount", "25万", "--category", "rd", "--voucher", "ZC-A1", date="2024-09-04")
    office.ok("apply", "QD-B", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "20万", "--date",
              "2024-09-05")  # fmt: skip
    office.ok("evaluate", "QD-B", "--grade", "good", "--date", "2024-09-05", actor="reviewer")
    award_b = ("award", "QD-B", "--amount", "20万", "--fund", "SM", "--doc", "SM-B", "--date", "2024-10-02")
    assert office.refused(*award_b, actor="clerk")[1] == "INSUFFICIENT_FUNDS"  # all 50万 committed to QD-A
    closed = step(office, "close-project", "QD-A", "--result", "fail", "--doc", "结题-A", date="2024-10-01")
    assert (closed["balance"], closed["settled"], closed["voucher"]) == ("0.00", "250000.00", None)
    office.ok(*award_b, actor="clerk")  # the settled 25万 is budget again
    assert yuan(funds(office)[("SM", 2024)]["committed"]) == 450000

    awarded(office, "QD-F", COMMON_TECH, "10万")
    step(office, "disburse", "QD-F", "--amount", "10万", "--voucher", "PZ-F1", date="2024-09-02")
    step(office, "spend", "QD-F", "--amount", "10万", "--category", "rd", "--voucher", "ZC-F1", date="2024-09-03")
    closed = step(office, "close-project", "QD-F", "--result", "pass", "--doc", "结题-F", date="2024-10-01")
    assert closed["settled"] == "0.00"
    assert "Grant.Settled" not in {r["type"] for r in office.ok("history", "QD-F", actor="auditor")}
    assert office.ok("verify", actor="auditor")["ok"] is True


def test_a_closeout_in_a_closed_period_is_refused_and_one_after_the_award_years_close_settles(office):
    awarded(office, "QD-Y", COMMON_TECH, "40万")
    step(office, "disburse", "QD-Y", "--amount", "10万", "--voucher", "PZ-Y1", date="2024-09-02")
    step(office, "spend", "QD-Y", "--amount", "10万", "--category", "rd", "--voucher", "ZC-Y1", date="2024-09-03")
    closed_year = office.ok(
        "close", "2024", "--fund", "KJ", "--doc", "结账-2024", "--date", "2025-01-05", actor="admin"
    )
    assert yuan(closed_year["carried_forward"]) == 300000
    count = office.event_count()
    exit_code, code, message = office.refused(
        "close-project", "QD-Y", "--result", "pass", "--doc", "结题-Y", "--date", "2024-12-20", actor="clerk"
    )
    assert (exit_code, code) == (1, "PERIOD_CLOSED") and "结账-2024" in message, message
    assert office.event_count() == count  # refused: nothing written
    closed = step(office, "close-project", "QD-Y", "--result", "pass", "--doc", "结题-Y", date="2025-03-01")
    assert closed["settled"] == "300000.00"
    # The closed year's close stays as recorded; the release is dated 2025, inside no closed period.
    as_of_close = funds(office, "--as-of", "2024-12-31")[("KJ", 2024)]
    assert yuan(as_of_close["committed"]) == 400000
    assert office.ok("verify", actor="auditor")["ok"] is True


# -- 项目变更: 调整资金来源 -----------------------------------------------------------------------------------


def recharge(cli: Cli, ref: str, fund: str, doc: str, *, actor: str = "clerk", date: str = "2024-09-03") -> dict:
    return cli.ok("recharge", ref, "--fund", fund, "--doc", doc, "--reason", "误记入青岛市资金 KJ", "--date", date,
                  actor=actor)  # fmt: skip


def test_a_weihai_award_typed_against_the_qingdao_fund_is_recharged_by_two_people(office):
    awarded(office, "WH-1", WH_CLAUSE, "100万", unit=WH_ENTERPRISE, fund="KJ")
    proposed = recharge(office, "WH-1", "WH", "威科变〔2024〕1号")
    assert (proposed["application"], proposed["kind"], proposed["status"], proposed["fund"]) == (
        "WH-1",
        "recharge",
        "pending",
        "WH",
    )
    assert proposed["from_fund"] == "KJ" and yuan(proposed["amount"]) == 1000000
    assert yuan(funds(office)[("KJ", 2024)]["committed"]) == 1000000  # nothing moved yet
    before, position = printed(office), office.event_count()
    before_as_of = printed(office, "--as-of", "2024-09-03")
    pending = {r["voucher"]: r for r in office.ok("report", "pending", actor="approver")}
    assert (pending["威科变〔2024〕1号"]["kind"], pending["威科变〔2024〕1号"]["maker"]) == ("recharge", "clerk")
    table = office("report", "pending", actor="approver", fmt="table")
    assert "调整资金来源" in table.stdout, describe(table)
    # Not the proposer, by role or by name; a repeat of the proposal changes nothing.
    assert office.refused("approve", "威科变〔2024〕1号", actor="clerk")[:2] == (4, "FORBIDDEN")
    assert recharge(office, "WH-1", "WH", "威科变〔2024〕1号")["changed"] is False
    done = office.ok("approve", "威科变〔2024〕1号", "--date", "2024-09-04", actor="approver")
    assert (done["voucher"], done["status"], done["fund"], done["from_fund"]) == (
        "威科变〔2024〕1号",
        "recharged",
        "WH",
        "KJ",
    )
    assert office.ok("approve", "威科变〔2024〕1号", "--date", "2024-09-04", actor="approver")["changed"] is False
    after = funds(office)
    assert (yuan(after[("KJ", 2024)]["committed"]), yuan(after[("WH", 2024)]["committed"])) == (0, 1000000)
    assert award_row(office, "WH-1")["fund"] == "WH"
    # Invariant 12: as known before the approval, and as of the day before it, the award is KJ's as it was.
    assert printed(office, "--known-at", str(position)) == before
    assert printed(office, "--as-of", "2024-09-03") == before_as_of
    assert award_row(office, "WH-1", "--as-of", "2024-09-03")["fund"] == "KJ"
    then = award_row(office, "WH-1", "--known-at", str(position))
    assert (then["fund"], then["fund_name"]) == ("KJ", "科技创新专项资金")
    period = office.ok("report", "awards", "--from", "2024-09-01", "--to", "2024-09-03", actor="auditor")
    assert next(r for r in period if r["application"] == "WH-1")["fund"] == "KJ"  # the period ends before the move
    statement = office.ok("statement", "WH-1", "--known-at", str(position), "--format", "json", actor="auditor")
    assert statement["fund"] == "KJ", statement
    assert office.ok("statement", "WH-1", "--format", "json", actor="auditor")["fund"] == "WH"
    now = award_row(office, "WH-1", "--as-of", "2024-09-04")
    assert (now["fund"], now["fund_name"]) == ("WH", "威海市科技创新平台专项资金")
    assert award_row(office, "WH-1", "--as-of", "2024-09-04")["fund"] == "WH"
    assert yuan(funds(office, "--as-of", "2024-09-03")[("KJ", 2024)]["committed"]) == 1000000
    # The award's money now moves in the Weihai fund.
    step(office, "disburse", "WH-1", "--amount", "30万", "--voucher", "PZ-W1", date="2024-09-05")
    after = funds(office)
    assert (yuan(after[("WH", 2024)]["disbursed"]), yuan(after[("KJ", 2024)]["disbursed"])) == (300000, 0)
    history = [r["type"] for r in office.ok("history", "WH-1", actor="auditor")]
    assert history.index("Grant.Awarded") < history.index("Grant.RechargeProposed") < history.index("Grant.Recharged")
    assert_web_history(office.db, "WH-1", "提请调整资金来源", "调整资金来源")
    for fund in ("WH", "KJ"):  # both funds' histories show the re-charge
        assert "Grant.Recharged" in [r["type"] for r in office.ok("history", fund, actor="auditor")], fund
    # Once paid, it cannot move again: the refusal names what was paid.
    office.ok("fund", "create", "WH2", "--name", "威海第二专项", "--city", "威海")
    office.ok("fund", "appropriate", "WH2", "--year", "2024", "--amount", "500万", "--doc", "WH2-2024", "--date",
              "2024-01-05")  # fmt: skip
    count = office.event_count()
    exit_code, code, message = office.refused(
        "recharge", "WH-1", "--fund", "WH2", "--doc", "威科变〔2024〕2号", "--reason", "再调", "--date", "2024-09-06",
        actor="clerk",
    )  # fmt: skip
    assert (exit_code, code) == (1, "INVALID_STATE") and "30万元" in message and "PZ-W1" in message, message
    assert office.event_count() == count
    # The year's close counts the award's payment in the fund that carries it now, and in that fund only.
    kj = office.ok("close", "2024", "--fund", "KJ", "--doc", "结账-KJ", "--date", "2025-01-05", actor="admin")
    wh = office.ok("close", "2024", "--fund", "WH", "--doc", "结账-WH", "--date", "2025-01-05", actor="admin")
    assert (yuan(kj["committed"]), yuan(kj["paid"]), yuan(kj["carried_forward"])) == (0, 0, 0)
    assert (yuan(wh["committed"]), yuan(wh["paid"]), yuan(wh["carried_forward"])) == (1000000, 300000, 700000)
    carry = {r["fund"]: r for r in office.ok("report", "carryover", "--year", "2024", actor="auditor")}
    assert (yuan(carry["WH"]["carried_forward"]), yuan(carry["KJ"]["carried_forward"])) == (700000, 0)
    verified = office.ok("verify", actor="auditor")
    assert verified["ok"] is True, verified


def test_recharge_refusals_name_the_rule_and_write_nothing(office):
    awarded(office, "WH-2", WH_CLAUSE, "100万", unit=WH_ENTERPRISE, fund="TZ")
    office.ok("fund", "create", "QD", "--name", "青岛专项", "--city", "青岛")
    office.ok("fund", "appropriate", "QD", "--year", "2024", "--amount", "500万", "--doc", "QD-2024", "--date",
              "2024-01-05")  # fmt: skip
    office.ok("fund", "create", "LT", "--name", "威海小额专项", "--city", "威海")
    office.ok("fund", "appropriate", "LT", "--year", "2024", "--amount", "50万", "--doc", "LT-2024", "--date",
              "2024-01-05")  # fmt: skip
    office.ok("fund", "create", "NB", "--name", "威海无预算专项", "--city", "威海")
    count = office.event_count()

    def refused(fund: str, date: str = "2024-09-03") -> tuple[int, str, str]:
        return office.refused("recharge", "WH-2", "--fund", fund, "--doc", "D-X", "--reason", "r", "--date", date,
                              actor="clerk")  # fmt: skip

    exit_code, code, message = refused("QD")
    assert (exit_code, code) == (1, "NOT_ELIGIBLE") and "只用于青岛市的政策" in message, message
    exit_code, code, message = refused("LT")
    assert (exit_code, code) == (1, "INSUFFICIENT_FUNDS") and "50万元" in message, message
    assert "100万元" in message
    assert refused("NB")[1] == "INSUFFICIENT_FUNDS"
    assert refused("NOPE")[:2] == (3, "NOT_FOUND")
    assert refused("TZ")[:2] == (2, "INVALID_INPUT")
    assert refused("WH", date="2024-08-31")[1] == "INVALID_STATE"  # before the award
    assert office.event_count() == count
    # A withdrawn proposal never takes effect; a second one waits while the first is pending.
    recharge(office, "WH-2", "WH", "D-1")
    assert office.refused("recharge", "WH-2", "--fund", "WH", "--doc", "D-2", "--reason", "r", "--date",
                          "2024-09-03", actor="clerk")[1] == "INVALID_STATE"  # fmt: skip
    voided = office.ok("void", "D-1", "--reason", "改为撤销批复", "--date", "2024-09-04", actor="approver")
    assert (voided["status"], voided["voucher"]) == ("voided", "D-1")
    assert office.refused("approve", "D-1", "--date", "2024-09-04", actor="approver")[1] == "INVALID_STATE"
    assert award_row(office, "WH-2")["fund"] == "TZ"
    # The proposer cannot approve his own proposal even as an admin; a closed year of the new fund refuses it.
    recharge(office, "WH-2", "WH", "D-3", actor="admin")
    assert office.refused("approve", "D-3", "--date", "2024-09-04", actor="admin")[:2] == (1, "SAME_ACTOR")
    office.ok("close", "2024", "--fund", "WH", "--doc", "结账-WH", "--date", "2025-01-05", actor="admin")
    assert office.refused("approve", "D-3", "--date", "2025-01-06", actor="approver")[1] == "PERIOD_CLOSED"
    assert office.ok("verify", actor="auditor")["ok"] is True


# -- corrections, tranches and closeouts together ------------------------------------------------------------


def test_corrections_tranches_and_closeouts_refuse_what_would_contradict_each_other(office):
    awarded(office, "QD-C", COMMON_TECH, "100万", extra=("--tranches", "60:signing,40:acceptance"))
    step(office, "milestone", "QD-C", "--kind", "signing", "--result", "pass", "--doc", "任务书-C", date="2024-09-02")
    step(office, "disburse", "QD-C", "--amount", "60万", "--voucher", "PZ-C1", date="2024-09-03")
    # A reduction below what the released tranche paid is refused, naming what must come back first.
    exit_code, code, message = office.refused(
        "reduce-award", "QD-C", "--amount", "50万", "--doc", "调-C", "--reason", "核减", "--date", "2024-09-04",
        actor="clerk",
    )  # fmt: skip
    assert (exit_code, code) == (1, "EXCEEDS_AWARD") and "10万元" in message and "PZ-C1" in message, message
    # A reduction to what was paid leaves no room for the acceptance tranche: paying it is refused by the award.
    office.ok("reduce-award", "QD-C", "--amount", "60万", "--doc", "调-C2", "--reason", "核减", "--date", "2024-09-04",
              actor="clerk")  # fmt: skip
    office.ok("approve", "调-C2", "--date", "2024-09-04", actor="approver")
    step(office, "milestone", "QD-C", "--kind", "acceptance", "--result", "pass", "--doc", "验收-C", date="2024-10-01")
    assert office.refused("disburse", "QD-C", "--amount", "1万", "--voucher", "PZ-C2", "--date", "2024-10-02",
                          actor="clerk")[1] == "EXCEEDS_AWARD"  # fmt: skip
    step(office, "spend", "QD-C", "--amount", "60万", "--category", "rd", "--voucher", "ZC-C1", date="2024-10-03")
    closed = step(office, "close-project", "QD-C", "--result", "pass", "--doc", "结题-C", date="2024-11-01")
    assert closed["settled"] == "0.00"
    # A closed project is neither cancelled, reduced nor re-charged.
    count = office.event_count()
    for args in (
        ("cancel-award", "QD-C", "--doc", "撤-C", "--reason", "r"),
        ("reduce-award", "QD-C", "--amount", "50万", "--doc", "调-C3", "--reason", "r"),
        ("recharge", "QD-C", "--fund", "TZ", "--doc", "变-C", "--reason", "r"),
    ):
        exit_code, code, message = office.refused(*args, "--date", "2024-11-02", actor="clerk")
        assert (exit_code, code) == (1, "PROJECT_CLOSED") and "结题-C" in message, (args, message)
    assert office.event_count() == count

    # A cancelled award cannot be closed; a re-charge waiting when the award is cancelled cannot be approved.
    awarded(office, "QD-D", COMMON_TECH, "20万")
    recharge(office, "QD-D", "TZ", "变-D")
    office.ok("cancel-award", "QD-D", "--doc", "撤-D", "--reason", "重复立项", "--date", "2024-09-03", actor="clerk")
    office.ok("approve", "撤-D", "--date", "2024-09-03", actor="approver")
    exit_code, code, message = office.refused("close-project", "QD-D", "--result", "pass", "--doc", "结题-D", "--date",
                                              "2024-09-04", actor="clerk")  # fmt: skip
    assert (exit_code, code) == (1, "INVALID_STATE") and "撤销" in message, message
    exit_code, code, message = office.refused("approve", "变-D", "--date", "2024-09-04", actor="approver")
    assert (exit_code, code) == (1, "INVALID_STATE") and "撤销" in message, message
    assert office.ok("verify", actor="auditor")["ok"] is True


def test_recharge_in_a_batch_and_fund_list_shows_each_funds_scope(office, tmp_path):
    awarded(office, "WH-3", WH_CLAUSE, "100万", unit=WH_ENTERPRISE, fund="KJ")
    office.ok("fund", "create", "WHP", "--name", "威海平台专项", "--city", "威海", "--clauses", WH_CLAUSE)
    office.ok("fund", "appropriate", "WHP", "--year", "2024", "--amount", "500万", "--doc", "WHP-2024", "--date",
              "2024-01-05")  # fmt: skip
    lines = [
        {"cmd": "recharge", "ref": "WH-3", "fund": "WHP", "doc": "变-3", "reason": "误记", "date": "2024-09-03"},
        {"cmd": "recharge", "ref": "WH-3", "fund": "WHP", "doc": "变-3", "reason": "误记", "date": "2024-09-03"},
    ]
    path = tmp_path / "recharge.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    summary = office.ok("batch", str(path), actor="clerk")
    assert (summary["applied"], summary["skipped"], summary["failed"]) == (1, 1, 0), summary
    approve = tmp_path / "approve.jsonl"
    approve.write_text(json.dumps({"cmd": "approve", "voucher": "变-3", "date": "2024-09-04"}) + "\n", "utf-8")
    assert office.ok("batch", str(approve), actor="approver")["applied"] == 1
    assert award_row(office, "WH-3")["fund"] == "WHP"

    listed = {r["fund"]: r for r in office.ok("fund", "list", actor="auditor")}
    assert (listed["WH"]["city"], listed["WH"]["clauses"]) == ("weihai", None)
    assert (listed["WHP"]["city"], listed["WHP"]["clauses"]) == ("weihai", [WH_CLAUSE])
    assert (listed["KJ"]["city"], listed["KJ"]["clauses"]) == (None, None)
    office.ok("fund", "scope", "KJ", "--city", "青岛", "--doc", "青财〔2024〕1号", actor="clerk")
    assert {r["fund"]: r for r in office.ok("fund", "list", actor="auditor")}["KJ"]["city"] == "qingdao"
    table = office("fund", "list", actor="auditor", fmt="table")
    assert table.exit_code == 0 and "城市" in table.stdout and "威海" in table.stdout and WH_CLAUSE in table.stdout
    assert "条款范围" in table.stdout, table.stdout
    csv = office("fund", "list", actor="auditor", fmt="csv")
    assert csv.exit_code == 0 and "城市" in csv.stdout and "青岛" in csv.stdout and WH_CLAUSE in csv.stdout


def test_the_statement_shows_the_settlement_as_figures_of_its_own_in_every_format(office, tmp_path):
    """Before, a settlement (结算) was only a line of the statement's progress section and 批复金额 quietly
    became what was paid; now the award as decided, 结算核减 and 结算后核定金额 are figures in every format."""
    from openpyxl import load_workbook

    from tests.e2e.test_statement import pdf_text

    awarded(office, "QD-S", TEAM, "30万", extra=("--tranches", "60:signing,40:acceptance"))
    step(office, "milestone", "QD-S", "--kind", "signing", "--result", "pass", "--doc", "任务书-S", date="2024-09-05")
    step(office, "disburse", "QD-S", "--amount", "18万", "--voucher", "PZ-S1", date="2024-09-06")
    step(office, "milestone", "QD-S", "--kind", "acceptance", "--result", "fail", "--doc", "验收-S", date="2024-11-01")
    unsettled = office.ok("statement", "QD-S", actor="auditor")
    assert "settled" not in unsettled and "original_award" not in unsettled
    step(office, "close-project", "QD-S", "--result", "fail", "--doc", "结题-S", "--voucher", "ZH-S", date="2024-12-01")
    st = office.ok("statement", "QD-S", actor="auditor")
    assert (st["original_award"], st["settled"], st["awarded"], st["unpaid"]) == (
        "300000.00",
        "120000.00",
        "180000.00",
        "0.00",
    )
    assert "settled" not in office.ok("statement", "QD-S", "--as-of", "2024-11-30", actor="auditor")
    table = office("statement", "QD-S", actor="auditor", fmt="table").stdout
    lines = {x.split()[0]: x for x in table.splitlines() if x.strip()}
    assert "300,000.00" in lines["批复金额"] and "120,000.00" in lines["结算核减"], table
    assert "180,000.00" in lines["结算后核定金额"], table
    out = tmp_path / "对账单.xlsx"
    assert office("statement", "QD-S", "--format", "xlsx", "--out", str(out), fmt="table").exit_code == 0
    rows = {r[0]: r[1:] for r in load_workbook(out)["项目资金对账单"].iter_rows(min_row=5, values_only=True)}
    assert rows["批复金额"] == ("人民币叁拾万元整", 300000)
    assert rows["结算核减 (结题时未拨付部分)"] == ("人民币壹拾贰万元整", 120000)
    assert rows["结算后核定金额 (批复 − 结算核减)"] == ("人民币壹拾捌万元整", 180000)
    pdf = tmp_path / "对账单.pdf"
    assert office("statement", "QD-S", "--format", "pdf", "--out", str(pdf), fmt="table").exit_code == 0
    text = pdf_text(pdf)
    assert "批复金额300,000.00人民币叁拾万元整" in text, text
    assert "结算核减(结题时未拨付部分)120,000.00人民币壹拾贰万元整" in text, text
    assert "结算后核定金额(批复−结算核减)180,000.00人民币壹拾捌万元整" in text, text


def test_a_waiting_recharge_shows_the_commitment_it_moves_and_its_document_s_history_its_life(office):
    awarded(office, "WH-1", WH_CLAUSE, "100万", unit=WH_ENTERPRISE, fund="KJ")
    recharge(office, "WH-1", "WH", "威科变〔2024〕1号")
    (row,) = office.ok("report", "pending", actor="approver")
    assert (row["voucher"], row["kind"], yuan(row["amount"])) == ("威科变〔2024〕1号", "recharge", 1000000)
    table = office("report", "pending", actor="approver", fmt="table").stdout
    assert "1,000,000.00" in next(x for x in table.splitlines() if x.startswith("威科变")), table
    office.ok("approve", "威科变〔2024〕1号", "--date", "2024-09-04", actor="approver")
    life = [(r["type"], r["actor"]) for r in office.ok("history", "威科变〔2024〕1号", actor="auditor")]
    assert life[:2] == [("Grant.RechargeProposed", "clerk"), ("Voucher.Issued", "clerk")], life
    assert sorted(life[2:]) == [("FundYear.Released", "approver"), ("Grant.Recharged", "approver")], life
    recharge(office, "WH-1", "KJ", "威科变〔2024〕2号", date="2024-09-05")
    office.ok("void", "威科变〔2024〕2号", "--reason", "维持威海资金", "--date", "2024-09-06", actor="approver")
    withdrawn = office.ok("history", "威科变〔2024〕2号", actor="auditor")
    assert [r["type"] for r in withdrawn] == ["Grant.RechargeProposed", "Voucher.Issued", "Grant.RechargeWithdrawn"]
    assert "维持威海资金" in withdrawn[-1]["detail"] and withdrawn[-1]["actor"] == "approver"
    assert office.ok("verify", actor="auditor")["ok"] is True
