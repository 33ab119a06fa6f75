"""A grant's life after the award through the command line (issue 24): a project paid in two tranches by its
milestones, accepted, and closed with its 结余 recovered to the fund; amendments; overdue projects."""

from __future__ import annotations

import json
from decimal import Decimal

from openpyxl import load_workbook
from starlette.testclient import TestClient

from tests.e2e.driver import Cli, awarded, describe, standard_world, yuan
from tests.helpers import WH_HOSPITAL
from web.app import create_app

CLAUSE = "qd2024-01-common-tech"


def _world(db: str) -> Cli:
    cli = standard_world(Cli(db))
    awarded(cli, "QD-T", CLAUSE, "99.99万", extra=("--tranches", "60:signing,40:acceptance"))
    contract = ("contract", "QD-T", "--doc", "任务书-T", "--end-date", "2025-08-31", "--date", "2024-09-01")
    assert cli.ok(*contract, actor="clerk")["end_date"] == "2025-08-31"
    return cli


def test_a_project_paid_in_two_tranches_accepted_and_closed_with_its_balance_recovered(db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli = _world(db_url)
    # Nothing is released before the 任务书 is signed: the refusal names the missing milestone and the amounts.
    code, error, message = cli.refused(
        "disburse", "QD-T", "--amount", "10万", "--voucher", "PZ-0", "--date", "2024-09-02", actor="clerk"
    )
    assert (code, error) == (1, "NOT_RELEASED"), message
    assert "签订任务书" in message and "599,940.00元" in message and "尚可拨付 0元" in message, message
    assert "验收" in message
    m = cli.ok(
        "milestone",
        "QD-T",
        "--kind",
        "signing",
        "--result",
        "pass",
        "--doc",
        "任务书-1",
        "--date",
        "2024-09-05",
        actor="clerk",
    )
    assert m["released"] == "599940.00" and [t["amount"] for t in m["tranches"]] == ["599940.00", "399960.00"]
    # 60% of 999,900.00 is 599,940.00; a payment before the milestone's date is still refused.
    code, error, _ = cli.refused(
        "disburse", "QD-T", "--amount", "10万", "--voucher", "PZ-0", "--date", "2024-09-04", actor="clerk"
    )
    assert error == "NOT_RELEASED"
    cli.ok("disburse", "QD-T", "--amount", "599940", "--voucher", "PZ-1", "--date", "2024-09-06", actor="clerk")
    code, error, message = cli.refused(
        "disburse", "QD-T", "--amount", "0.01", "--voucher", "PZ-2", "--date", "2024-09-07", actor="clerk"
    )
    assert (code, error) == (1, "NOT_RELEASED") and "验收 (acceptance, 40%" in message, message
    cli.ok(
        "spend",
        "QD-T",
        "--amount",
        "50万",
        "--category",
        "equipment",
        "--voucher",
        "ZC-1",
        "--date",
        "2024-10-01",
        actor="clerk",
    )
    cli.ok(
        "milestone",
        "QD-T",
        "--kind",
        "acceptance",
        "--result",
        "pass",
        "--doc",
        "验收-1",
        "--date",
        "2024-11-01",
        actor="clerk",
    )
    cli.ok("disburse", "QD-T", "--amount", "399960", "--voucher", "PZ-2", "--date", "2024-11-02", actor="clerk")
    cli.ok(
        "spend",
        "QD-T",
        "--amount",
        "30万",
        "--category",
        "labor",
        "--voucher",
        "ZC-2",
        "--date",
        "2024-11-10",
        actor="clerk",
    )
    funds_before = {r["fund"]: r for r in cli.ok("report", "funds", "--year", "2024", actor="auditor")}
    closed = cli.ok(
        "close-project",
        "QD-T",
        "--result",
        "pass",
        "--doc",
        "结题-1",
        "--voucher",
        "ZH-1",
        "--date",
        "2024-12-01",
        actor="clerk",
    )
    assert closed["balance"] == "199900.00" and closed["recovered"] == "199900.00" and closed["retained"] == "0.00"
    assert closed["status"] == "closed"
    # The recovery is in the award, the fund, the books and the voucher like `recover`.
    row = next(r for r in cli.ok("report", "awards", actor="auditor") if r["application"] == "QD-T")
    assert (row["recovered"], row["available"]) == ("199900.00", "0.00")
    kj = next(r for r in cli.ok("report", "funds", "--year", "2024", actor="auditor") if r["fund"] == "KJ")
    assert yuan(kj["returned"]) - yuan(funds_before["KJ"]["returned"]) == Decimal("199900.00")
    history = cli.ok("history", "QD-T", actor="auditor")
    types = [h["type"] for h in history]
    assert "Project.Closed" in types and "Project.MilestoneRecorded" in types and "Grant.Recovered" in types
    assert cli.ok("verify", actor="auditor")["ok"]
    # A closed project takes no more payments or spending.
    code, error, message = cli.refused(
        "spend", "QD-T", "--amount", "1", "--category", "labor", "--voucher", "ZC-3", actor="clerk"
    )
    assert (code, error) == (1, "PROJECT_CLOSED") and "结题" in message
    # The statement shows the tranches, the recovery at closeout and the closeout itself, in every format.
    st = cli.ok("statement", "QD-T", actor="auditor")
    assert [(t["milestone"], t["amount"], t["released_on"]) for t in st["tranches"]] == [
        ("signing", "599940.00", "2024-09-05"),
        ("acceptance", "399960.00", "2024-11-01"),
    ]
    assert [(r["voucher"], r["amount"]) for r in st["recoveries"]] == [("ZH-1", "199900.00")]
    assert st["project"]["result"] == "pass" and st["project"]["balance"] == "199900.00"
    assert st["available"] == "0.00"
    table = cli("statement", "QD-T", actor="auditor", fmt="table")
    assert table.exit_code == 0 and "分期拨付计划" in table.stdout and "签订任务书" in table.stdout, describe(table)
    for fmt in ("xlsx", "pdf"):
        out = f"{db_url.rpartition('/')[2]}.{fmt}"
        made = cli("statement", "QD-T", "--format", fmt, "--out", out, actor="auditor", fmt="table")
        assert made.exit_code == 0, describe(made)
    # In the books: the closeout's 追回 posts like `recover` (beancount and hledger), and the web history names it.
    books = cli("export", "beancount", actor="auditor", fmt="table")
    assert books.exit_code == 0 and "ZH-1" in books.stdout, describe(books)
    client = TestClient(create_app(db_url, None, "127.0.0.1"), base_url="http://127.0.0.1")
    try:
        page = client.get("/awards/QD-T")
        assert page.status_code == 200 and "验收结题" in page.text and "记录里程碑" in page.text, page.text[:500]
        sheet = client.get("/download/overdue.csv")
        assert sheet.status_code == 200  # a download of its own, like every report (none overdue: closed)
    finally:
        client.app.state.engine.dispose()
    every = cli(
        "report", "all", "--year", "2024", "--format", "xlsx", "--out", "all.xlsx", actor="auditor", fmt="table"
    )
    assert every.exit_code == 0, describe(every)
    assert any("逾期" in n for n in load_workbook("all.xlsx").sheetnames), load_workbook("all.xlsx").sheetnames
    # The same closeout again changes nothing.
    again = cli(
        "close-project",
        "QD-T",
        "--result",
        "pass",
        "--doc",
        "结题-1",
        "--voucher",
        "ZH-1",
        "--date",
        "2024-12-01",
        actor="clerk",
    )
    assert again.exit_code == 0, describe(again)


def test_extend_and_report_overdue(db_url):
    cli = _world(db_url)  # QD-T ends 2025-08-31
    awarded(cli, "QD-U", CLAUSE, "50万", date="2024-09-01")
    cli.ok("contract", "QD-U", "--doc", "任务书-U", "--end-date", "2024-09-30", "--date", "2024-09-01", actor="clerk")
    awarded(cli, "QD-V", CLAUSE, "50万", date="2024-09-01")  # no term: never overdue
    rows = cli.ok("report", "overdue", "--as-of", "2024-10-10", actor="auditor")
    assert [(r["application"], r["days_overdue"], r["end_date"]) for r in rows] == [("QD-U", 10, "2024-09-30")]
    assert rows[0]["awarded"] == "500000.00" and rows[0]["unit_name"] == "海澜智能"
    late = [r["application"] for r in cli.ok("report", "overdue", "--as-of", "2025-09-01", actor="auditor")]
    assert late == ["QD-U", "QD-T"]
    extended = cli.ok("extend", "QD-U", "--to", "2024-12-31", "--doc", "变更-1", "--date", "2024-10-11", actor="clerk")
    assert (extended["end_date"], extended["previous"]) == ("2024-12-31", "2024-09-30")
    assert cli.ok("report", "overdue", "--as-of", "2024-10-12", actor="auditor") == []
    code, error, message = cli.refused(
        "extend", "QD-U", "--to", "2024-11-30", "--doc", "变更-2", "--date", "2024-10-12", actor="clerk"
    )
    assert (code, error) == (1, "INVALID_STATE") and "2024-12-31" in message
    # Closed (accepted) projects are not overdue.
    cli.ok("close-project", "QD-U", "--result", "pass", "--doc", "结题-U", "--date", "2024-10-13", actor="clerk")
    assert [r["application"] for r in cli.ok("report", "overdue", "--as-of", "2025-09-01", actor="auditor")] == ["QD-T"]
    table = cli("report", "overdue", "--as-of", "2025-09-01", actor="auditor", fmt="table")
    assert table.exit_code == 0 and "逾期天数" in table.stdout, describe(table)
    history = cli.ok("history", "QD-U", actor="auditor")
    extension = next(h for h in history if h["type"] == "Project.Extended")
    assert "变更-1" in extension["detail"] and "2024-12-31" in extension["detail"]


def test_a_failed_acceptance_recovers_the_whole_balance_and_never_retains(db_url):
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-F", CLAUSE, "50万")
    cli.ok("disburse", "QD-F", "--amount", "50万", "--voucher", "PZ-F", "--date", "2024-09-02", actor="clerk")
    cli.ok(
        "spend",
        "QD-F",
        "--amount",
        "12万",
        "--category",
        "materials",
        "--voucher",
        "ZC-F",
        "--date",
        "2024-09-03",
        actor="clerk",
    )
    code, error, message = cli.refused(
        "close-project",
        "QD-F",
        "--result",
        "fail",
        "--doc",
        "验收-F",
        "--retain-doc",
        "留用-F",
        "--date",
        "2024-12-01",
        actor="clerk",
    )
    assert (code, error) == (1, "INVALID_STATE") and "38万" in message and "不能留用" in message
    code, error, message = cli.refused(
        "close-project", "QD-F", "--result", "fail", "--doc", "验收-F", "--date", "2024-12-01", actor="clerk"
    )
    assert (code, error) == (2, "INVALID_INPUT") and "--voucher" in message
    before = cli.event_count()
    closed = cli.ok(
        "close-project",
        "QD-F",
        "--result",
        "fail",
        "--doc",
        "验收-F",
        "--voucher",
        "ZH-F",
        "--date",
        "2024-12-01",
        actor="clerk",
    )
    assert (closed["recovered"], closed["retained"], closed["result"]) == ("380000.00", "0.00", "fail")
    assert cli.event_count() > before
    code, error, _ = cli.refused("disburse", "QD-F", "--amount", "1", "--voucher", "PZ-F2", actor="clerk")
    assert error == "PROJECT_CLOSED"
    code, error, _ = cli.refused("reverse", "ZH-F", "--reason", "误", actor="clerk")
    assert error == "PROJECT_CLOSED"
    assert cli.ok("verify", actor="auditor")["ok"]


def test_a_passed_acceptance_with_a_retention_document_keeps_the_balance_with_the_unit(db_url):
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-R", CLAUSE, "50万")
    cli.ok("disburse", "QD-R", "--amount", "50万", "--voucher", "PZ-R", "--date", "2024-09-02", actor="clerk")
    closed = cli.ok(
        "close-project",
        "QD-R",
        "--result",
        "pass",
        "--doc",
        "验收-R",
        "--retain-doc",
        "留用-R",
        "--date",
        "2024-12-01",
        actor="clerk",
    )
    assert (closed["balance"], closed["recovered"], closed["retained"]) == ("500000.00", "0.00", "500000.00")
    row = next(r for r in cli.ok("report", "awards", actor="auditor") if r["application"] == "QD-R")
    assert (row["recovered"], row["available"]) == ("0.00", "500000.00")
    _, error, _ = cli.refused(
        "spend", "QD-R", "--amount", "1", "--category", "labor", "--voucher", "ZC-R", actor="clerk"
    )
    assert error == "PROJECT_CLOSED"


def test_a_post_subsidy_clause_is_paid_only_after_the_performance_evaluation(db_url):
    cli = standard_world(Cli(db_url))
    cli.ok(
        "unit",
        "register",
        WH_HOSPITAL,
        "--name",
        "威海市立医院",
        "--type",
        "hospital",
    )
    cli.ok("fund", "appropriate", "KJ", "--year", "2019", "--amount", "1亿", "--doc", "KJ-2019", "--date", "2019-01-05")
    awarded(cli, "WH-C", "wh2018-4-clinical-municipal", "100万", unit=WH_HOSPITAL, date="2019-03-01")
    code, error, message = cli.refused(
        "disburse", "WH-C", "--amount", "100万", "--voucher", "PZ-C", "--date", "2019-03-02", actor="clerk"
    )
    assert (code, error) == (1, "NOT_RELEASED") and "绩效评价" in message, message
    cli.ok(
        "milestone",
        "WH-C",
        "--kind",
        "evaluation",
        "--result",
        "fail",
        "--doc",
        "绩效-1",
        "--date",
        "2019-04-01",
        actor="clerk",
    )
    code, error, _ = cli.refused(
        "disburse", "WH-C", "--amount", "100万", "--voucher", "PZ-C", "--date", "2019-04-02", actor="clerk"
    )
    assert error == "NOT_RELEASED"
    cli.ok(
        "milestone",
        "WH-C",
        "--kind",
        "绩效评价",
        "--result",
        "通过",
        "--doc",
        "绩效-2",
        "--date",
        "2019-05-01",
        actor="clerk",
    )
    paid = cli.ok("disburse", "WH-C", "--amount", "99万", "--voucher", "PZ-C", "--date", "2019-05-02", actor="clerk")
    assert paid["status"] == "posted"


def test_a_budget_by_category_is_adjusted_within_the_rules_and_bounds_spending(db_url):
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-B", CLAUSE, "50万")
    contract = ("contract", "QD-B", "--doc", "任务书-B", "--date", "2024-09-01")
    code, error, message = cli.refused(*contract, "--budget", "equipment:30万", actor="clerk")
    assert (code, error) == (2, "INVALID_INPUT") and "须等于批复金额" in message
    budget = ("--budget", "equipment:30万,labor:10万,indirect:10万")
    assert cli.ok(*contract, *budget, actor="clerk")["budget"]["labor"] == "100000.00"
    assert cli.ok(*contract, *budget, actor="clerk")["changed"] is False  # the same 任务书 again
    code, error, _ = cli.refused("contract", "QD-B", "--doc", "任务书-B2", "--end-date", "2026-01-01", actor="clerk")
    assert error == "DUPLICATE_KEY"
    cli.ok("disburse", "QD-B", "--amount", "50万", "--voucher", "PZ-B", "--date", "2024-09-02", actor="clerk")
    code, error, message = cli.refused(
        "spend",
        "QD-B",
        "--amount",
        "12万",
        "--category",
        "labor",
        "--voucher",
        "ZC-B",
        "--date",
        "2024-09-03",
        actor="clerk",
    )
    assert (code, error) == (1, "EXCEEDS_AVAILABLE") and "劳务费" in message and "adjust-budget" in message
    code, error, message = cli.refused(
        "adjust-budget",
        "QD-B",
        "--from",
        "equipment",
        "--to",
        "indirect",
        "--amount",
        "1万",
        "--doc",
        "调剂-0",
        "--date",
        "2024-09-03",
        actor="clerk",
    )
    assert (code, error) == (1, "INVALID_STATE") and "间接费用" in message
    moved = cli.ok(
        "adjust-budget",
        "QD-B",
        "--from",
        "equipment",
        "--to",
        "labor",
        "--amount",
        "5万",
        "--doc",
        "调剂-1",
        "--date",
        "2024-09-03",
        actor="clerk",
    )
    assert moved["budget"] == {"equipment": "250000.00", "indirect": "100000.00", "labor": "150000.00"}
    cli.ok(
        "spend",
        "QD-B",
        "--amount",
        "12万",
        "--category",
        "labor",
        "--voucher",
        "ZC-B",
        "--date",
        "2024-09-03",
        actor="clerk",
    )
    code, error, _ = cli.refused(
        "adjust-budget",
        "QD-B",
        "--from",
        "labor",
        "--to",
        "equipment",
        "--amount",
        "4万",
        "--doc",
        "调剂-2",
        "--date",
        "2024-09-04",
        actor="clerk",
    )
    assert error == "EXCEEDS_AVAILABLE"  # only 3万 of labor is unspent
    history = cli.ok("history", "QD-B", actor="auditor")
    assert any(h["type"] == "Project.BudgetAdjusted" and "调剂-1" in h["detail"] for h in history)


def test_the_project_acts_run_in_a_batch(db_url, tmp_path):
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-J", CLAUSE, "10万", extra=("--tranches", "50:signing,50:midterm"))
    lines = [
        {
            "cmd": "milestone",
            "ref": "QD-J",
            "kind": "signing",
            "result": "pass",
            "doc": "任务书-J",
            "date": "2024-09-02",
        },
        {"cmd": "disburse", "ref": "QD-J", "amount": "5万", "voucher": "PZ-J1", "date": "2024-09-02"},
        {"cmd": "disburse", "ref": "QD-J", "amount": "5万", "voucher": "PZ-J2", "date": "2024-09-02"},
        {"cmd": "milestone", "ref": "QD-J", "kind": "midterm", "result": "pass", "doc": "中检-J", "date": "2024-09-03"},
        {"cmd": "disburse", "ref": "QD-J", "amount": "5万", "voucher": "PZ-J2", "date": "2024-09-03"},
        {"cmd": "contract", "ref": "QD-J", "doc": "任务书-J", "end-date": "2025-12-31", "date": "2024-09-04"},
        {"cmd": "extend", "ref": "QD-J", "to": "2026-01-31", "doc": "变更-J", "date": "2024-09-04"},
        {
            "cmd": "close-project",
            "ref": "QD-J",
            "result": "pass",
            "doc": "结题-J",
            "voucher": "ZH-J",
            "date": "2024-09-05",
        },
    ]
    path = tmp_path / "life.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    result = cli("batch", str(path), actor="clerk", fmt="json")
    summary = json.loads(result.stdout)
    assert (summary["applied"], summary["failed"]) == (7, 1), describe(result)
    assert summary["errors"][0]["code"] == "NOT_RELEASED" and summary["errors"][0]["line"] == 3
    assert result.exit_code == 1
    closed = cli.ok("statement", "QD-J", actor="auditor")
    assert closed["project"]["result"] == "pass" and closed["recovered"] == "100000.00"
