"""A fund's scope (issue 24, item 5): "a Weihai clause is paid from a Qingdao fund without a word" no more.

``fund create … --city 青岛|威海 [--clauses a,b]`` or ``fund scope FUND --city … --doc …`` names what a fund
pays for; an award outside it is ``NOT_ELIGIBLE`` (exit 1) naming the clause's city and the fund's. A fund
without a scope (every fund created before) pays any clause, as before. Both engines.
"""

from __future__ import annotations

import pytest

from tests.e2e.driver import Cli, awarded, standard_world, yuan
from tests.helpers import ENTERPRISE, WH_ENTERPRISE

WH_CLAUSE = "wh2018-6-star-space"  # 100万 fixed, Weihai
QD_CLAUSE = "qd2024-01-common-tech"


@pytest.fixture
def office(db_url) -> Cli:
    cli = standard_world(Cli(db_url))
    cli.ok("unit", "register", WH_ENTERPRISE, "--name", "威海海澜装备", "--type", "enterprise")
    created = cli.ok("fund", "create", "WH", "--name", "威海市科技创新平台专项资金", "--city", "威海")
    assert (created["city"], created["clauses"]) == ("weihai", None)
    cli.ok("fund", "appropriate", "WH", "--year", "2024", "--amount", "5000万", "--doc", "WH-2024", "--date",
           "2024-01-05")  # fmt: skip
    return cli


def applied(cli: Cli, ref: str, clause: str, amount: str, unit: str) -> None:
    cli.ok("apply", ref, "--unit", unit, "--clause", clause, "--amount", amount, "--date", "2024-09-01")
    cli.ok("evaluate", ref, "--grade", "good", "--date", "2024-09-01")


def test_a_weihai_award_from_a_qingdao_fund_is_refused_once_the_fund_names_its_city(office):
    applied(office, "WH-1", WH_CLAUSE, "100万", WH_ENTERPRISE)
    award = ("award", "WH-1", "--amount", "100万", "--doc", "威科字〔2024〕9号", "--date", "2024-09-02", "--fund")
    scoped = office.ok("fund", "scope", "KJ", "--city", "青岛市", "--doc", "青财教〔2024〕3号", actor="clerk")
    assert (scoped["fund"], scoped["city"]) == ("KJ", "qingdao")
    exit_code, code, message = office.refused(*award, "KJ")
    assert (exit_code, code) == (1, "NOT_ELIGIBLE")
    assert "资金 KJ" in message and "只用于青岛市的政策" in message and "威海市的政策" in message
    assert "威政办字〔2018〕106号" in message  # the clause's source
    assert yuan(office.ok(*award, "WH")["awarded"]) == 1000000
    history = [r["type"] for r in office.ok("history", "KJ")]
    assert "Fund.Scoped" in history
    assert office.ok("verify", actor="auditor")["ok"] is True


def test_a_qingdao_clause_is_refused_by_a_weihai_fund_and_an_unscoped_fund_pays_either(office):
    applied(office, "QD-1", QD_CLAUSE, "100万", ENTERPRISE)
    _exit_code, code, message = office.refused(
        "award", "QD-1", "--amount", "100万", "--fund", "WH", "--doc", "D-1", "--date", "2024-09-02"
    )
    assert code == "NOT_ELIGIBLE" and "只用于威海市的政策" in message and "青岛市的政策" in message
    office.ok("award", "QD-1", "--amount", "100万", "--fund", "KJ", "--doc", "D-1", "--date", "2024-09-02")
    awarded(office, "WH-2", WH_CLAUSE, "100万", unit=WH_ENTERPRISE, fund="TZ")  # TZ names no scope


def test_a_fund_may_name_its_clauses(office):
    office.ok("fund", "create", "PT", "--name", "平台专项", "--city", "威海", "--clauses",
              "wh2018-1-new-rd-institution, wh2018-6-star-space")  # fmt: skip
    office.ok("fund", "appropriate", "PT", "--year", "2024", "--amount", "1000万", "--doc", "PT-2024", "--date",
              "2024-01-05")  # fmt: skip
    applied(office, "WH-3", "wh2018-7-transfer-org-national", "50万", WH_ENTERPRISE)
    _exit_code, code, message = office.refused(
        "award", "WH-3", "--amount", "50万", "--fund", "PT", "--doc", "D-3", "--date", "2024-09-02"
    )
    assert code == "NOT_ELIGIBLE" and "wh2018-1-new-rd-institution、wh2018-6-star-space" in message
    awarded(office, "WH-4", WH_CLAUSE, "100万", unit=WH_ENTERPRISE, fund="PT")
    # the same create again is a repeat; another scope is a different fund
    again = office.ok("fund", "create", "PT", "--name", "平台专项", "--city", "威海", "--clauses",
                      "wh2018-1-new-rd-institution,wh2018-6-star-space")  # fmt: skip
    assert again["changed"] is False
    assert office.refused("fund", "create", "PT", "--name", "平台专项", "--city", "威海")[1] == "DUPLICATE_KEY"


def test_a_scope_that_contradicts_itself_or_names_no_city_is_refused_in_words(office):
    exit_code, code, message = office.refused("fund", "create", "X", "--name", "X", "--city", "威海", "--clauses",
                                              QD_CLAUSE)  # fmt: skip
    assert (exit_code, code) == (2, "INVALID_INPUT") and "青岛市的政策" in message
    exit_code, code, message = office.refused("fund", "scope", "KJ", "--city", "上海", "--doc", "D")
    assert (exit_code, code) == (2, "INVALID_INPUT") and "青岛" in message and "威海" in message
    assert office.refused("fund", "scope", "NOPE", "--city", "青岛", "--doc", "D")[:2] == (3, "NOT_FOUND")
    assert office.refused("fund", "scope", "KJ", "--city", "青岛", "--doc", "D", actor="reviewer")[1] == "FORBIDDEN"
