"""The Project aggregate and the tranche arithmetic on their own (no database): 分期拨付, milestones,
amendments (项目变更) and closeout (结题), issue 24."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import tranches
from ledger.errors import LedgerError
from ledger.project import Project

WAN = 1_000_000


def project(awarded: int = 100 * WAN, schedule: str | None = "60:signing,40:acceptance", budget=None) -> Project:
    planned = tranches.amounts(awarded, tranches.schedule(schedule)) if schedule else None
    p = Project(
        ref="R",
        unit="U",
        clause="c",
        fund="F",
        year=2024,
        awarded=awarded,
        tranches=planned,
        actor="a",
        on="2024-09-01",
    )
    p.record_contract("任务书-1", "2025-12-31", budget, 0, "a", "2024-09-01")
    return p


@given(st.integers(min_value=1, max_value=10**13), st.lists(st.integers(1, 40), min_size=1, max_size=4))
def test_tranches_add_up_to_the_award_to_the_fen(awarded, weights):
    pcts = [w * 100 // sum(weights) for w in weights]
    pcts[-1] += 100 - sum(pcts)
    if min(pcts) < 1:
        return
    kinds = list(tranches.MILESTONES)[: len(pcts)]
    parts = tranches.amounts(awarded, list(zip(pcts, kinds, strict=True)))
    assert sum(p["amount"] for p in parts) == awarded
    assert all(p["amount"] == awarded * p["pct"] // 100 for p in parts[:-1])


def test_a_schedule_must_sum_to_100_and_name_each_milestone_once():
    assert tranches.schedule("60:signing，40:验收") == ((60, "signing"), (40, "acceptance"))
    for bad in ("60:signing,30:acceptance", "50:signing,50:signing", "100:party", "signing", "0:signing,100:midterm"):
        with pytest.raises(LedgerError) as refused:
            tranches.schedule(bad)
        assert refused.value.code == "INVALID_INPUT"


def test_a_payment_beyond_the_released_tranches_is_refused_naming_the_missing_milestone():
    p = project()
    with pytest.raises(LedgerError) as refused:
        p.check_payment(0, 1, "2024-09-02")
    assert refused.value.code == "NOT_RELEASED" and "签订任务书" in refused.value.message
    p.record_milestone("signing", "pass", "任务书-1", "a", "2024-09-05")
    p.check_payment(0, 60 * WAN, "2024-09-05")
    with pytest.raises(LedgerError):
        p.check_payment(0, 60 * WAN, "2024-09-04")  # before the milestone's day
    with pytest.raises(LedgerError) as refused:
        p.check_payment(60 * WAN, 1, "2024-09-06")
    assert "验收" in refused.value.message and "40万" in refused.value.message
    p.record_milestone("acceptance", "fail", "验收-1", "a", "2024-10-01")
    with pytest.raises(LedgerError):
        p.check_payment(60 * WAN, 1, "2024-10-02")  # a failed acceptance releases nothing
    p.record_milestone("acceptance", "pass", "验收-2", "a", "2024-11-01")
    p.check_payment(60 * WAN, 40 * WAN, "2024-11-01")
    assert p.released("2024-11-01") == 100 * WAN


def test_a_milestone_repeated_changes_nothing_and_its_document_cannot_say_otherwise():
    p = project()
    assert p.record_milestone("signing", "pass", "任务书-1", "a", "2024-09-05")
    assert not p.record_milestone("signing", "pass", "任务书-1", "a", "2024-09-05")
    with pytest.raises(LedgerError) as refused:
        p.record_milestone("signing", "fail", "任务书-1", "a", "2024-09-05")
    assert refused.value.code == "DUPLICATE_KEY"


def test_a_project_without_a_schedule_pays_as_before():
    p = project(schedule=None)
    p.check_payment(0, 100 * WAN, "2024-09-02")


def test_a_closed_project_takes_no_more_payments_spending_or_milestones():
    p = project()
    p.close("pass", "结题-1", 5 * WAN, 5 * WAN, 0, "ZH-1", None, "a", "2024-12-01")
    for check in (
        lambda: p.check_payment(0, 1, "2024-12-02"),
        lambda: p.check_spending("labor", 0, 1),
        lambda: p.record_milestone("midterm", "pass", "中检-1", "a", "2024-12-02"),
        lambda: p.extend("2026-12-31", "变更-1", "a", "2024-12-02"),
    ):
        with pytest.raises(LedgerError) as refused:
            check()
        assert refused.value.code == "PROJECT_CLOSED"


def test_a_contract_is_recorded_once_and_its_budget_before_any_spending():
    p = project()
    assert not p.record_contract("任务书-1", "2025-12-31", None, 0, "a", "2024-09-02")  # the same again
    with pytest.raises(LedgerError) as refused:
        p.record_contract("任务书-2", "2026-12-31", None, 0, "a", "2024-09-02")
    assert refused.value.code == "DUPLICATE_KEY"
    fresh = Project(
        ref="S", unit="U", clause="c", fund="F", year=2024, awarded=WAN, tranches=None, actor="a", on="2024-09-01"
    )
    with pytest.raises(LedgerError) as refused:
        fresh.record_contract("任务书-3", None, {"labor": WAN}, 1, "a", "2024-09-02")
    assert refused.value.code == "INVALID_STATE"


def test_extensions_only_move_the_end_date_later():
    p = project()
    assert p.extend("2026-06-30", "变更-1", "a", "2025-01-01")
    assert not p.extend("2026-06-30", "变更-1", "a", "2025-01-01")
    with pytest.raises(LedgerError) as refused:
        p.extend("2026-01-31", "变更-2", "a", "2025-01-02")
    assert refused.value.code == "INVALID_STATE" and p.end == "2026-06-30"


def test_budget_adjustments_move_direct_costs_and_never_raise_indirect_costs():
    p = project(schedule=None, budget={"equipment": 60 * WAN, "labor": 20 * WAN, "indirect": 20 * WAN})
    with pytest.raises(LedgerError) as refused:
        p.adjust_budget("equipment", "indirect", WAN, 0, "调剂-0", "a", "2024-10-01")
    assert refused.value.code == "INVALID_STATE" and "间接费用" in refused.value.message
    assert p.adjust_budget("indirect", "labor", 5 * WAN, 0, "调剂-1", "a", "2024-10-01")  # lowering it is fine
    with pytest.raises(LedgerError) as refused:
        p.adjust_budget("equipment", "labor", 41 * WAN, 20 * WAN, "调剂-2", "a", "2024-10-02")  # 40万 unspent
    assert refused.value.code == "EXCEEDS_AVAILABLE"
    assert p.budget == {"equipment": 60 * WAN, "labor": 25 * WAN, "indirect": 15 * WAN}
    with pytest.raises(LedgerError) as refused:
        p.check_spending("labor", 20 * WAN, 6 * WAN)
    assert refused.value.code == "EXCEEDS_AVAILABLE" and "adjust-budget" in refused.value.message
    p.check_spending("labor", 20 * WAN, 5 * WAN)
