"""Exits and write-offs at or above the fund's threshold take two people (issue 24, item 5).

"A clerk alone can write-off a 40万 holding or record an exit's price: no second person, no threshold." Now an
exit whose proceeds, or the cost of the stake it sells, reach the fund's approval threshold, and a write-off
whose cost does, wait in ``report pending`` until another person approves them (``approve KEY``, or ``void KEY
--reason``), as payments do. Through the command line, on both engines.
"""

from __future__ import annotations

import pytest

from tests.e2e.driver import Cli, awarded, standard_world, yuan

EQUITY = "qd2024-22-equity"


@pytest.fixture
def holding(db_url) -> Cli:
    """TZ (threshold 50万): an 800万 拨改投 award with 80万 invested for 8% (held at 50万 and approved)."""
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-E", EQUITY, "800万", fund="TZ", extra=("--mode", "equity"))
    cli.ok("invest", "QD-E", "--amount", "80万", "--stake", "8", "--valuation", "1000万", "--voucher", "TZ-1",
           "--date", "2024-09-02", actor="clerk")  # fmt: skip
    cli.ok("approve", "TZ-1", "--date", "2024-09-02", actor="approver")
    return cli


def equity_row(cli: Cli) -> dict:
    return next(r for r in cli.ok("report", "equity") if r["application"] == "QD-E")


def pending(cli: Cli) -> dict:
    return {r["voucher"]: r for r in cli.ok("report", "pending", actor="approver")}


def test_a_write_off_at_the_threshold_waits_for_a_second_person(holding):
    exit_code, code, message = holding.refused("write-off", "QD-E", "--reason", "企业破产清算", "--date",
                                               "2024-12-01", actor="clerk")  # fmt: skip
    assert (exit_code, code) == (2, "INVALID_INPUT") and "80万元" in message and "50万元" in message
    assert "--doc" in message
    held = holding.ok("write-off", "QD-E", "--reason", "企业破产清算", "--doc", "青科核〔2024〕1号", "--date",
                      "2024-12-01", actor="clerk")  # fmt: skip
    assert (held["status"], yuan(held["written_off"])) == ("pending", 800000)
    assert equity_row(holding)["stake"] == "8"  # nothing written off yet
    row = pending(holding)["青科核〔2024〕1号"]
    assert (row["kind"], row["application"], row["maker"], row["reason"]) == (
        "write-off",
        "QD-E",
        "clerk",
        "企业破产清算",
    )
    assert yuan(row["amount"]) == 800000 and "50万元" in row["held_because"]
    assert holding.refused("approve", "青科核〔2024〕1号", actor="clerk")[1] == "FORBIDDEN"
    done = holding.ok("approve", "青科核〔2024〕1号", "--date", "2024-12-02", actor="approver")
    assert (done["voucher"], done["status"]) == ("青科核〔2024〕1号", "posted")
    assert pending(holding) == {}
    row = equity_row(holding)
    assert yuan(row["written_off"]) == 800000 and row["stake"] == "0"
    again = holding.ok("write-off", "QD-E", "--reason", "企业破产清算", "--doc", "青科核〔2024〕1号", "--date",
                       "2024-12-01", actor="clerk")  # fmt: skip
    assert again["changed"] is False
    types = [r["type"] for r in holding.ok("history", "QD-E")]
    assert types.index("Grant.EquityActHeld") < types.index("Grant.EquityActApproved") < types.index("Grant.WrittenOff")
    assert holding.ok("verify", actor="auditor")["ok"] is True


def test_an_exit_at_the_threshold_waits_and_its_stake_is_not_sold_twice(holding):
    held = holding.ok("exit", "QD-E", "--stake", "5", "--proceeds", "60万", "--voucher", "TC-1", "--date",
                      "2024-12-01", actor="clerk")  # fmt: skip
    assert (held["status"], yuan(held["proceeds"]), yuan(held["cost"]), yuan(held["gain"])) == (
        "pending", 600000, 500000, 100000,
    )  # fmt: skip
    assert equity_row(holding)["stake"] == "8"
    assert pending(holding)["TC-1"]["kind"] == "exit"
    exit_code, code, message = holding.refused("exit", "QD-E", "--stake", "4", "--proceeds", "1万", "--voucher",
                                               "TC-2", "--date", "2024-12-01", actor="clerk")  # fmt: skip
    assert code == "EXCEEDS_AVAILABLE" and "TC-1" in message
    assert (
        holding.refused("write-off", "QD-E", "--reason", "破产", "--doc", "HX-1", actor="clerk")[1] == "INVALID_STATE"
    )
    holding.ok("role", "grant", "clerk", "approver")
    exit_code, code, message = holding.refused("approve", "TC-1", actor="clerk")
    assert (exit_code, code) == (1, "SAME_ACTOR") and "另一名" in message
    voided = holding.ok("void", "TC-1", "--reason", "价格未经评估", "--date", "2024-12-02", actor="approver")
    assert voided["status"] == "voided"
    assert holding.refused("approve", "TC-1", actor="approver")[1] == "INVALID_STATE"
    assert pending(holding) == {} and equity_row(holding)["stake"] == "8"
    small = holding.ok("exit", "QD-E", "--stake", "1", "--proceeds", "20万", "--voucher", "TC-3", "--date",
                       "2024-12-03", actor="clerk")  # fmt: skip
    assert small["status"] == "posted"  # below the threshold (proceeds 20万, cost 10万): at once
    assert equity_row(holding)["stake"] == "7"


def test_an_exit_at_a_deep_loss_is_held_by_the_cost_it_sells(holding):
    held = holding.ok("exit", "QD-E", "--stake", "8", "--proceeds", "1元", "--voucher", "TC-1", "--date",
                      "2024-12-01", actor="clerk")  # fmt: skip
    assert held["status"] == "pending" and yuan(held["cost"]) == 800000
    done = holding.ok("approve", "TC-1", "--date", "2024-12-05", actor="approver")
    assert (done["status"], yuan(done["gain"])) == ("posted", -799999)
    funds = {(r["fund"], r["year"]): r for r in holding.ok("report", "funds")}
    assert yuan(funds[("TZ", 2024)]["returned"]) == 1
    assert holding.ok("verify", actor="auditor")["ok"] is True
