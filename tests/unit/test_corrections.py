"""Corrections on the aggregates alone (no database): the rules of ``ledger/corrections.py``, what a cancellation
or reduction does to a ``Grant``, a ``FundYear`` and a ``UnitCap``, and verify's independent fold of them."""

from __future__ import annotations

import json

import pytest

from ledger import corrections
from ledger.caps import LIFE, ONCE, UnitCap
from ledger.errors import LedgerError
from ledger.fund import FundYear
from ledger.grant import Grant
from projections.invariants import InvariantCheck
from tests.unit.test_grant import awarded

WAN = 1_000_000


def refused(fn, *args) -> LedgerError:
    with pytest.raises(LedgerError) as refusal:
        fn(*args)
    return refusal.value


def test_a_cancellation_is_refused_while_money_paid_or_waiting_exceeds_nothing():
    g = awarded(amount=300 * WAN)
    corrections.check_cancellation(g)  # nothing paid: fine
    g.disburse("P1", 50 * WAN, 100 * WAN, "a", "2024-09-02")
    g.disburse("P2", 120 * WAN, 100 * WAN, "a", "2024-09-02")  # held
    error = refused(corrections.check_cancellation, g)
    assert error.code == "EXCEEDS_AWARD"
    assert "已拨付 50万元" in error.message and "待审批 120万元" in error.message
    assert "须先收回 170万元" in error.message and "void P2" in error.message and "P1" in error.message


def test_a_reduction_goes_below_the_award_but_never_below_what_is_paid():
    g = awarded(amount=300 * WAN)
    g.disburse("P1", 80 * WAN, 100 * WAN, "a", "2024-09-02")
    assert refused(corrections.check_reduction, g, 300 * WAN).code == "INVALID_INPUT"
    error = refused(corrections.check_reduction, g, 70 * WAN)
    assert error.code == "EXCEEDS_AWARD" and "须先收回 10万元" in error.message
    corrections.check_reduction(g, 80 * WAN)


def test_the_equity_part_of_a_mixed_award_is_not_reduced():
    g = awarded("mixed", 300 * WAN, equity_amount=100 * WAN)
    assert refused(corrections.check_reduction, g, 100 * WAN).code == "INVALID_STATE"
    corrections.check_reduction(g, 150 * WAN)


def test_a_cancelled_grant_is_final_and_takes_no_money():
    g = awarded(amount=300 * WAN)
    g.propose_correction(
        doc="CX", kind="cancel-award", amount=None, clause=None, grade=None, score=None, reason="误批", actor="c",
        on="2024-09-05",
    )  # fmt: skip
    assert corrections.waiting(g)[0] == "CX"
    corrections.check_second_person("CX", corrections.corrections_of(g)["CX"], "approver")
    assert refused(corrections.check_second_person, "CX", corrections.corrections_of(g)["CX"], "c").code == "SAME_ACTOR"
    g.record_cancellation(doc="CX", amount=300 * WAN, award_doc="D", fund="F", year=2024, actor="b", on="2024-09-05")
    assert (g.status, g.awarded, g.award) == ("cancelled", 0, None)
    assert corrections.waiting(g) is None and corrections.corrections_of(g)["CX"]["status"] == "approved"
    assert refused(g.check_can_award, "2024-09-06").code == "INVALID_STATE"
    assert refused(g.reject, "r", "a", "2024-09-06").code == "INVALID_STATE"
    assert refused(corrections.check_cancellation, g).code == "INVALID_STATE"
    assert refused(g.disburse, "P1", WAN, 100 * WAN, "a", "2024-09-06").code == "INVALID_STATE"


def test_a_second_correction_waits_for_the_first():
    g = awarded()
    g.propose_correction(
        doc="TJ", kind="reduce-award", amount=WAN, clause=None, grade=None, score=None, reason="核减", actor="c",
        on="2024-09-05",
    )  # fmt: skip
    corrections.check_none_waiting(g, "TJ")  # the same one again: a repeat
    error = refused(corrections.check_none_waiting, g, "CX")
    assert error.code == "INVALID_STATE" and "TJ" in error.message
    g.withdraw_correction(doc="TJ", kind="reduce-award", reason="撤回", actor="b", on="2024-09-05")
    corrections.check_none_waiting(g, "CX")
    assert refused(corrections.proposal_of, g, "TJ", "审批").code == "INVALID_STATE"


def test_corrections_before_the_award_only():
    g = awarded()
    assert refused(corrections.check_correction, g, WAN, None).code == "INVALID_STATE"
    assert refused(corrections.check_reevaluation, g, "excellent", None).code == "INVALID_STATE"
    fresh = Grant(
        ref="R2", unit="U", unit_type="enterprise", clause="c", asked=WAN, base=None, actor="a", on="2024-09-01"
    )
    assert refused(corrections.check_correction, fresh, None, None).code == "INVALID_INPUT"
    assert refused(corrections.check_correction, fresh, WAN, "c").code == "INVALID_INPUT"  # nothing to correct
    corrections.check_correction(fresh, 2 * WAN, None)
    assert refused(corrections.check_reevaluation, fresh, "good", None).code == "INVALID_STATE"  # not evaluated
    fresh.evaluate("fail", None, "a", "2024-09-01")
    corrections.check_reevaluation(fresh, "good", "80")
    fresh.propose_correction(
        doc="FP", kind="reevaluate", amount=None, clause=None, grade="good", score="80", reason="复评", actor="r",
        on="2024-09-02",
    )  # fmt: skip
    fresh.record_reevaluation(doc="FP", before={"grade": "fail", "score": None}, grade="good", score="80", actor="b",
                              on="2024-09-02")  # fmt: skip
    assert (fresh.grade, fresh.score) == ("good", "80")


def test_released_commitment_and_caps_can_be_used_again():
    year = FundYear(fund="F", year=2024, actor="a", on="2024-01-01")
    year.appropriate(100 * WAN, "Y", "a", "2024-01-01")
    year.commit("R", 100 * WAN, "a", "2024-09-01")
    assert refused(year.check_can_commit, WAN).code == "INSUFFICIENT_FUNDS"
    year.release("R", 40 * WAN, "TJ", "b", "2024-09-05")
    assert (year.committed, year.available) == (60 * WAN, 40 * WAN)
    year.check_can_commit(40 * WAN)

    once = UnitCap(unit="U", group="c", period=ONCE, cap=None, actor="a", on="2024-09-01")
    once.use("R", 10 * WAN, "t", "s", "a", "2024-09-01")
    assert refused(once.check_can_use, "R2", 10 * WAN, "t", "s").code == "ALREADY_AWARDED_ONCE"
    once.release("R", 10 * WAN, True, "CX", "b", "2024-09-05")
    once.check_can_use("R2", 10 * WAN, "t", "s")

    life = UnitCap(unit="U", group="c", period=LIFE, cap=200 * WAN, actor="a", on="2024-09-01")
    life.use("R", 200 * WAN, "t", "s", "a", "2024-09-01")
    assert refused(life.check_can_use, "R2", WAN, "t", "s").code == "EXCEEDS_CLAUSE_MAX"
    life.release("R", 50 * WAN, False, "TJ", "b", "2024-09-05")
    assert life.refs == ["R"]  # still awarded, for less
    life.check_can_use("R2", 50 * WAN, "t", "s")
    assert refused(life.check_can_use, "R2", 51 * WAN, "t", "s").code == "EXCEEDS_CLAUSE_MAX"


def _fold(*events: tuple[str, dict, bytes]) -> list[str]:
    check = InvariantCheck()
    found = [check.event(seq, name, json.dumps(d).encode(), who) for seq, (name, d, who) in enumerate(events, 1)]
    return [f for f in found if f]


def test_verify_folds_a_reduction_and_a_release_independently():
    grant, fund = b"g" * 16, b"f" * 16
    base = [
        ("Grant.Submitted", {"ref": "QD-1"}, grant),
        ("Grant.Awarded", {"decision": {"amount": 300 * WAN}}, grant),
        ("Grant.Disbursed", {"amount": 80 * WAN, "voucher": "P1", "held": False}, grant),
    ]
    assert not _fold(*base, ("Grant.AwardReduced", {"after": 80 * WAN}, grant))
    # an award reduced below what was paid, written around the ledger: invariant 1 names it
    assert "不变量 1 (申报 QD-1" in _fold(*base, ("Grant.AwardReduced", {"after": 70 * WAN}, grant))[0]
    assert "不变量 1" in _fold(*base, ("Grant.AwardCancelled", {"amount": 300 * WAN}, grant))[0]
    budget = [
        ("FundYear.Opened", {"fund": "F", "year": 2024}, fund),
        ("FundYear.Appropriated", {"amount": 100 * WAN}, fund),
        ("FundYear.Committed", {"amount": 100 * WAN}, fund),
        ("FundYear.Released", {"amount": 100 * WAN}, fund),
        ("FundYear.Committed", {"amount": 100 * WAN}, fund),
    ]
    assert not _fold(*budget)
    assert "不变量 2" in _fold(*budget, ("FundYear.Committed", {"amount": 1}, fund))[0]
    cap = b"c" * 16
    caps = [
        ("UnitCap.Opened", {"unit": "U", "group": "g", "period": "2024", "cap": 200 * WAN}, cap),
        ("UnitCap.Used", {"amount": 200 * WAN}, cap),
        ("UnitCap.Released", {"amount": 50 * WAN}, cap),
        ("UnitCap.Used", {"amount": 50 * WAN}, cap),
    ]
    assert not _fold(*caps)
    assert "不变量 3" in _fold(*caps, ("UnitCap.Used", {"amount": 1}, cap))[0]
