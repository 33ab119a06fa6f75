"""Verify's invariant fold keeps flat memory by spilling awards to a temporary file: it must still find a breach
in an award whose state was spilled, exactly as it does with everything in memory."""

from __future__ import annotations

import json

import pytest

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
    assert findings[0].startswith("event seq ")
    assert "invariant 1 for award QD-1" in findings[0]
    in_memory = InvariantCheck(limit=20_000)
    expected = [f for e in _events(7, breach_in=1) if (f := in_memory.event(*e))]
    assert findings[0] == expected[0]
    assert (check.awards.cold is not None) == (limit < 7)


def test_no_breach_when_every_award_stays_within_its_amount():
    check = InvariantCheck(limit=2)
    assert not [e for e in _events(7, breach_in=-1) if check.event(*e)]
    assert check.awards.cold is not None  # it did spill, and reloaded what it spilled correctly


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
    assert len(findings) == 1 and findings[0].startswith("event seq 3 (UnitCap.Used) breaks invariant 3")
    assert "used 11.00" in findings[0] and "cap 10.00" in findings[0], findings[0]
    assert _fold([opened, ("UnitCap.Carried", carried[1] | {"amount": 1001})])[0].startswith("event seq 2")
    assert not _fold([opened, carried, ("UnitCap.Used", used[1] | {"amount": 200})])


AWARD = [("Grant.Submitted", {"ref": "QD-9"}), ("Grant.Awarded", {"decision": {"amount": 100_00}, "on": "2024-09-01"})]


def test_invariant_1_holds_on_every_effective_date_not_only_in_log_order():
    """Issue 28: the aggregate refuses a spend dated before the money reached the unit (``Grant.available_from``);
    verify's fold checked the totals in log order only, so such an event written into the table passed."""
    paid = ("Grant.Disbursed", {"amount": 50_00, "voucher": "PZ-1", "held": False, "on": "2024-09-10"})
    early = ("Grant.Spent", {"amount": 30_00, "voucher": "ZC-1", "on": "2024-09-05"})
    findings = _fold([*AWARD, paid, early])
    assert len(findings) == 1 and findings[0].startswith("event seq 4 (Grant.Spent) breaks invariant 1 for award QD-9")
    assert "2024-09-05" in findings[0]
    assert not _fold([*AWARD, paid, ("Grant.Spent", early[1] | {"on": "2024-09-10"})])


def test_a_held_payment_reaches_the_unit_on_its_approval_date_and_a_reversal_on_its_own():
    held = ("Grant.Disbursed", {"amount": 50_00, "voucher": "PZ-1", "held": True, "on": "2024-09-10"})
    approved = ("Grant.Approved", {"voucher": "PZ-1", "kind": "disbursement", "amount": 50_00, "on": "2024-09-20"})
    spent = ("Grant.Spent", {"amount": 30_00, "voucher": "ZC-1", "on": "2024-09-15"})
    assert _fold([*AWARD, held, approved, spent])[0].startswith("event seq 5 (Grant.Spent) breaks invariant 1")
    assert not _fold([*AWARD, held, approved, ("Grant.Spent", spent[1] | {"on": "2024-09-20"})])
    paid = ("Grant.Disbursed", {"amount": 50_00, "voucher": "PZ-1", "held": False, "on": "2024-09-10"})
    spent = ("Grant.Spent", {"amount": 30_00, "voucher": "ZC-1", "on": "2024-09-15"})
    back = ("Grant.Reversed", {"voucher": "ZC-1", "kind": "expenditure", "amount": 30_00, "on": "2024-09-30"})
    undo = ("Grant.Reversed", {"voucher": "PZ-1", "kind": "disbursement", "amount": 50_00, "on": "2024-09-20"})
    # the disbursement reversed on 09-20 while the spend is given back only on 09-30: short for ten days
    assert _fold([*AWARD, paid, spent, back, undo])[0].startswith("event seq 6 (Grant.Reversed) breaks invariant 1")
    assert not _fold([*AWARD, paid, spent, ("Grant.Reversed", back[1] | {"on": "2024-09-20"}), undo])
