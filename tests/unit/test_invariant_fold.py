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
    assert "invariant 3" in finding and "lifted" in finding


def test_a_used_event_recorded_before_the_lift_field_is_accepted_only_for_an_award_with_an_exception_document():
    uses = [{"ref": "K1", "amount": 200_00}, {"ref": "K2", "amount": 100_00}]  # no "lift" key at all: old events
    assert _findings(_cap_events(uses, exception_doc="威政办〔2024〕9号")) == []
    assert "invariant 3" in _findings(_cap_events(uses, exception_doc=None))[0]
    # a new event (the field present) is taken at its word: no lift recorded, none accepted
    new = [{"ref": "K1", "amount": 200_00, "lift": None}, {"ref": "K2", "amount": 100_00, "lift": None}]
    assert "invariant 3" in _findings(_cap_events(new, exception_doc="威政办〔2024〕9号"))[0]
