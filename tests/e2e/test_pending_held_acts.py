"""``report pending`` lists every act held for a second person (issue 24, item 6): held payments and reopenings.

cli.md lists ``reopen`` as a pending kind, yet a reopening waiting for a second person never appeared in
``report pending`` (CLI, JSON, web). Every row says what it is, who proposed it, when, for what reason and why
it is held; it leaves the report once approved or withdrawn, and ``--as-of``/``--known-at`` show it as it
stood then. Through the command line and the web view, on both engines.
"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from presentation.labels import header as zh
from tests.e2e.driver import Cli, awarded, describe, standard_world
from tests.e2e.test_cli_help_and_formats import read_table
from web.app import create_app

COMMON_TECH = "qd2024-01-common-tech"


@pytest.fixture
def office(db_url) -> Cli:
    """KJ 2024 closed with a payment held (150万 ≥ KJ's 100万), then a reopening proposed by the admin."""
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-1", COMMON_TECH, "300万")
    cli.ok("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-02", actor="clerk")
    cli.ok("close", "2024", "--fund", "KJ", "--doc", "JZ-1", "--date", "2025-01-05")
    cli.ok("reopen", "2024", "--fund", "KJ", "--doc", "KZ-1", "--reason", "补记漏登拨付", "--date", "2025-01-06")
    return cli


def by_voucher(rows: list[dict]) -> dict[str, dict]:
    return {r["voucher"]: r for r in rows}


def test_a_reopening_waiting_for_a_second_person_is_in_report_pending(office):
    rows = by_voucher(office.ok("report", "pending", actor="approver"))
    assert set(rows) == {"PZ-1", "KZ-1"}
    reopen = rows["KZ-1"]
    assert (reopen["kind"], reopen["fund"], reopen["fiscal_year"]) == ("reopen", "KJ", 2024)
    assert (reopen["maker"], reopen["date"], reopen["reason"]) == ("admin", "2025-01-06", "补记漏登拨付")
    assert reopen["application"] is None and reopen["amount"] is None  # a reopening moves no money itself
    assert "另一名" in reopen["held_because"]
    paid = rows["PZ-1"]
    assert (paid["kind"], paid["amount"], paid["maker"], paid["date"]) == (
        "disbursement",
        "1500000.00",
        "clerk",
        "2024-09-02",
    )
    assert "100万元" in paid["held_because"]  # KJ's threshold, reached by this payment alone


def test_the_pending_table_shows_the_reopening_in_chinese_with_its_reason(office):
    result = office("report", "pending", actor="approver", fmt="table")
    assert result.exit_code == 0, describe(result)
    rows = read_table(result.stdout)
    reopen = next(r for r in rows if r[zh("voucher")].strip() == "KZ-1")
    assert reopen[zh("kind")].strip() == "重新开账" and reopen[zh("reason")].strip() == "补记漏登拨付"
    assert rows[-1][zh("voucher")].strip() == "合计"
    csv = office("report", "pending", actor="approver", fmt="csv")
    assert "重新开账" in csv.stdout and "补记漏登拨付" in csv.stdout


def test_a_reopening_leaves_the_report_once_approved_and_stays_in_it_as_of_before(office):
    office.ok("approve", "KZ-1", "--date", "2025-01-07", actor="approver")
    assert set(by_voucher(office.ok("report", "pending"))) == {"PZ-1"}
    assert set(by_voucher(office.ok("report", "pending", "--as-of", "2025-01-06"))) == {"PZ-1", "KZ-1"}
    assert set(by_voucher(office.ok("report", "pending", "--as-of", "2025-01-05"))) == {"PZ-1"}
    office.ok("close", "2024", "--fund", "KJ", "--doc", "JZ-2", "--date", "2025-01-08")
    office.ok("reopen", "2024", "--fund", "KJ", "--doc", "KZ-2", "--reason", "再补记", "--date", "2025-01-09")
    position = office.ok("seal")["position"]
    office.ok("void", "KZ-2", "--reason", "不再需要", "--date", "2025-01-10", actor="approver")
    assert set(by_voucher(office.ok("report", "pending"))) == {"PZ-1"}
    assert set(by_voucher(office.ok("report", "pending", "--known-at", str(position)))) == {"PZ-1", "KZ-2"}


def test_the_web_pending_page_lists_the_reopening(office):
    client = TestClient(create_app(office.db, None, "127.0.0.1"), base_url="http://127.0.0.1")
    try:
        page = client.get("/pending")
        assert page.status_code == 200
        assert 'data-key="KZ-1"' in page.text and 'data-key="PZ-1"' in page.text
        assert "重新开账" in page.text and "补记漏登拨付" in page.text
    finally:
        client.app.state.engine.dispose()
