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
