"""Verify's invariant fold keeps flat memory by spilling awards to a temporary file: it must still find a breach
in an award whose state was spilled, exactly as it does with everything in memory."""

from __future__ import annotations

import json
import re

import pytest

from ledger.ids import key_id
from projections.invariants import InvariantCheck


def _events(awards: int, breach_in: int) -> list[tuple[int, str, bytes, bytes]]:
    ids = [n.to_bytes(16, "big") for n in range(awards)]
    out: list[tuple[str, dict, bytes]] = []
    for n, i in enumerate(ids):
        out.append(("Grant.Submitted", {"ref": f"QD-{n}"}, i))
        out.append(("Grant.Awarded", {"decision": {"amount": 100_00}}, i))
    for round_ in range(3):  # interleaved: every award is asked for again after the others pushed it out
        for n, i in enumerate(ids):
            amount = 40_00 if n == breach_in else 10_00
            out.append(("Grant.Disbursed", {"amount": amount, "voucher": f"PZ-{n}-{round_}", "held": False}, i))
    return [(seq, name, json.dumps(d).encode(), i) for seq, (name, d, i) in enumerate(out, 1)]


@pytest.mark.parametrize("limit", [2, 3, 20_000])
def test_a_breach_in_a_spilled_award_is_found_as_in_memory(limit):
    check = InvariantCheck(limit=limit)
    findings = [f for e in _events(7, breach_in=1) if (f := check.event(*e))]
    assert re.match(r"第 \d+ 条事件", findings[0]), findings[0]
    assert "不变量 1 (申报 QD-1" in findings[0]
    in_memory = InvariantCheck(limit=20_000)
    expected = [f for e in _events(7, breach_in=1) if (f := in_memory.event(*e))]
    assert findings[0] == expected[0]
    assert (check.awards.cold is not None) == (limit < 7)


def test_no_breach_when_every_award_stays_within_its_amount():
    check = InvariantCheck(limit=2)
    assert not [e for e in _events(7, breach_in=-1) if check.event(*e)]
    assert check.awards.cold is not None  # it did spill, and reloaded what it spilled correctly


def _cap_events(uses: list[dict], exception_doc: str | None = None) -> list[tuple[int, str, bytes, bytes]]:
    grant, cap = b"g" * 16, b"c" * 16
    out = [
        ("Grant.Submitted", {"ref": "K2"}, grant),
        ("Grant.Awarded", {"decision": {"amount": 100_00, "exception_doc": exception_doc}}, grant),
        ("UnitCap.Opened", {"unit": "U", "group": "wh2018-1-new-rd-institution", "period": "life", "cap": 200_00}, cap),
        *[("UnitCap.Used", use, cap) for use in uses],
    ]
    return [(seq, name, json.dumps(d).encode(), i) for seq, (name, d, i) in enumerate(out, 1)]


def _findings(events) -> list[str]:
    check = InvariantCheck()
    return [f for e in events if (f := check.event(*e))]


def test_a_lifetime_total_above_its_cap_by_exactly_the_lift_holds():
    lift = {"doc": "威政办〔2024〕9号", "amount": 100_00}
    uses = [{"ref": "K1", "amount": 200_00, "lift": None}, {"ref": "K2", "amount": 100_00, "lift": lift}]
    assert _findings(_cap_events(uses)) == []


def test_a_lifetime_total_above_its_cap_by_one_fen_more_than_the_lift_breaks_invariant_3():
    lift = {"doc": "威政办〔2024〕9号", "amount": 100_00}
    uses = [{"ref": "K1", "amount": 200_00, "lift": None}, {"ref": "K2", "amount": 100_01, "lift": lift}]
    (finding,) = _findings(_cap_events(uses))
    assert "不变量 3" in finding and "放宽" in finding


def test_a_used_event_recorded_before_the_lift_field_is_accepted_only_for_an_award_with_an_exception_document():
    uses = [{"ref": "K1", "amount": 200_00}, {"ref": "K2", "amount": 100_00}]  # no "lift" key at all: old events
    assert _findings(_cap_events(uses, exception_doc="威政办〔2024〕9号")) == []
    assert "不变量 3" in _findings(_cap_events(uses, exception_doc=None))[0]
    # a new event (the field present) is taken at its word: no lift recorded, none accepted
    new = [{"ref": "K1", "amount": 200_00, "lift": None}, {"ref": "K2", "amount": 100_00, "lift": None}]
    assert "不变量 3" in _findings(_cap_events(new, exception_doc="威政办〔2024〕9号"))[0]


def _fold(events: list[tuple[str, dict]]) -> list[str]:
    """Every finding of one fresh fold over ``events`` (all of one aggregate), in order."""
    check = InvariantCheck()
    return [f for seq, (name, d) in enumerate(events, 1) if (f := check.event(seq, name, json.dumps(d).encode(), b"a"))]


def test_what_a_lifetime_total_carried_counts_towards_its_cap():
    """Issue 28: ``UnitCap.Carried`` adds to what the unit used, in the aggregate and so in verify's fold."""
    opened = ("UnitCap.Opened", {"unit": "U", "group": "qd2024-05-lab", "period": "life", "cap": 1000})
    carried = ("UnitCap.Carried", {"refs": ["L1", "L2"], "amount": 800, "actor": "a", "on": "2024-10-01"})
    used = ("UnitCap.Used", {"ref": "L3", "amount": 300, "actor": "a", "on": "2024-10-01"})
    findings = _fold([opened, carried, used])
    assert len(findings) == 1 and findings[0].startswith("第 3 条事件「占用上限」(UnitCap.Used) 破坏了不变量 3")
    assert "已用 11.00" in findings[0] and "上限 10.00" in findings[0], findings[0]
    assert _fold([opened, ("UnitCap.Carried", carried[1] | {"amount": 1001})])[0].startswith("第 2 条事件")
    assert not _fold([opened, carried, ("UnitCap.Used", used[1] | {"amount": 200})])


AWARD = [("Grant.Submitted", {"ref": "QD-9"}), ("Grant.Awarded", {"decision": {"amount": 100_00}, "on": "2024-09-01"})]


def test_invariant_1_holds_on_every_effective_date_not_only_in_log_order():
    """Issue 28: the aggregate refuses a spend dated before the money reached the unit (``Grant.available_from``);
    verify's fold checked the totals in log order only, so such an event written into the table passed."""
    paid = ("Grant.Disbursed", {"amount": 50_00, "voucher": "PZ-1", "held": False, "on": "2024-09-10"})
    early = ("Grant.Spent", {"amount": 30_00, "voucher": "ZC-1", "on": "2024-09-05"})
    findings = _fold([*AWARD, paid, early])
    assert len(findings) == 1 and findings[0].startswith("第 4 条事件「支出」(Grant.Spent) 破坏了不变量 1 (申报 QD-9")
    assert "2024-09-05" in findings[0]
    assert not _fold([*AWARD, paid, ("Grant.Spent", early[1] | {"on": "2024-09-10"})])


def test_a_held_payment_reaches_the_unit_on_its_approval_date_and_a_reversal_on_its_own():
    held = ("Grant.Disbursed", {"amount": 50_00, "voucher": "PZ-1", "held": True, "on": "2024-09-10"})
    approved = ("Grant.Approved", {"voucher": "PZ-1", "kind": "disbursement", "amount": 50_00, "on": "2024-09-20"})
    spent = ("Grant.Spent", {"amount": 30_00, "voucher": "ZC-1", "on": "2024-09-15"})
    assert _fold([*AWARD, held, approved, spent])[0].startswith("第 5 条事件「支出」(Grant.Spent) 破坏了不变量 1")
    assert not _fold([*AWARD, held, approved, ("Grant.Spent", spent[1] | {"on": "2024-09-20"})])
    paid = ("Grant.Disbursed", {"amount": 50_00, "voucher": "PZ-1", "held": False, "on": "2024-09-10"})
    spent = ("Grant.Spent", {"amount": 30_00, "voucher": "ZC-1", "on": "2024-09-15"})
    back = ("Grant.Reversed", {"voucher": "ZC-1", "kind": "expenditure", "amount": 30_00, "on": "2024-09-30"})
    undo = ("Grant.Reversed", {"voucher": "PZ-1", "kind": "disbursement", "amount": 50_00, "on": "2024-09-20"})
    # the disbursement reversed on 09-20 while the spend is given back only on 09-30: short for ten days
    assert _fold([*AWARD, paid, spent, back, undo])[0].startswith(
        "第 6 条事件「红字冲正」(Grant.Reversed) 破坏了不变量 1"
    )
    assert not _fold([*AWARD, paid, spent, ("Grant.Reversed", back[1] | {"on": "2024-09-20"}), undo])


def _awarded(ref: str, amount: int) -> list[tuple[str, dict, bytes]]:
    grant = key_id("application", ref).bytes
    return [("Grant.Submitted", {"ref": ref}, grant), ("Grant.Awarded", {"decision": {"amount": amount}}, grant)]


def _carried_fold(events: list[tuple[str, dict, bytes]]) -> list[str]:
    check = InvariantCheck()
    return [f for seq, (name, d, i) in enumerate(events, 1) if (f := check.event(seq, name, json.dumps(d).encode(), i))]


def test_awards_carried_above_a_total_kept_later_stand_if_they_are_what_was_awarded_and_nothing_adds_to_them():
    """``init`` carries first-edition awards into a lifetime total opened after them (issue 28): history may stand
    above the cap, but only as awarded — a Carried amount the awards do not add up to breaks invariant 3."""
    cap = b"c" * 16
    awards = [*_awarded("L1", 1000), *_awarded("L2", 1000)]
    opened = ("UnitCap.Opened", {"unit": "U", "group": "qd2024-05-lab", "period": "life", "cap": 1000}, cap)
    carried = {"refs": ["L1", "L2"], "amount": 2000, "actor": "a", "on": "2024-10-01"}
    assert _carried_fold([*awards, opened, ("UnitCap.Carried", carried, cap)]) == []
    for forged in ({"amount": 2001}, {"refs": ["L1", "L1"]}, {"refs": ["L1", "L3"]}):
        (finding,) = _carried_fold([*awards, opened, ("UnitCap.Carried", carried | forged, cap)])
        assert finding.startswith("第 6 条事件「计入既往批复」(UnitCap.Carried) 破坏了不变量 3"), finding
    used = ("UnitCap.Used", {"ref": "L4", "amount": 1, "actor": "a", "on": "2024-10-02"}, cap)
    (finding,) = _carried_fold([*awards, opened, ("UnitCap.Carried", carried, cap), used])
    assert finding.startswith("第 7 条事件「占用上限」(UnitCap.Used)") and "既往超出 10.00" in finding, finding
    # a carried award cancelled gives its amount back, and the room above the cap with it
    released = ("UnitCap.Released", {"ref": "L2", "amount": 1000, "whole": True, "doc": "D", "actor": "a"}, cap)
    (finding,) = _carried_fold([*awards, opened, ("UnitCap.Carried", carried, cap), released, used])
    assert finding.startswith("第 8 条事件「占用上限」(UnitCap.Used)"), finding
