"""Every event type the domain defines is placed in verify's re-decision: a rule, or nothing beyond the signature.

A new event type (another engineer's award correction, tranche, closeout…) fails here until it is given a rule
in ``projections/redecide`` or listed in ``SIGNATURE_ONLY``; an event type in neither is a finding at verify.
"""

from __future__ import annotations

from ledger import vocabulary
from projections.decoding import loads
from projections.redecide import FIELDS, RULES, SIGNATURE_ONLY, Redecide, shape_problem


def domain_event_types() -> set[str]:
    """Every event the aggregates record: ``ledger.vocabulary`` (tests/unit/test_vocabulary.py holds it to them)."""
    return set(vocabulary.NAMES)


def test_every_domain_event_type_is_re_decided_or_explicitly_signature_only():
    types = domain_event_types()
    assert "Grant.Submitted" in types and "Seal.Written" in types  # the walk finds the domain's events
    unplaced = sorted(t for t in types if t not in RULES and t not in SIGNATURE_ONLY)
    assert not unplaced, f"event types with no place in projections/redecide: {unplaced}"
    assert not set(RULES) & SIGNATURE_ONLY


def test_an_event_type_in_neither_is_a_finding_not_a_traceback():
    fold = Redecide(recorder=_NoSignatures(), catalogue=None)
    fold.event(1, "Grant.Teleported", b'{"actor":"clerk","on":"2024-01-01"}', b"x" * 16)
    fold.event(2, "Grant.Spent", b"not json", b"x" * 16)
    assert "未知的事件类型" in fold.findings[0] and "无法读取" in fold.findings[1]


def test_missing_and_wrong_typed_fields_are_named():
    assert shape_problem("Grant.Disbursed", loads(b'{"actor":"c","voucher":"V","amount":"5","held":false,"on":"d"}'))
    assert "amount" in shape_problem("Grant.Disbursed", {"actor": "c", "voucher": "V", "held": False, "on": "d"})
    assert "held" in shape_problem("Grant.Disbursed", {"actor": "c", "voucher": "V", "amount": 1, "held": 1, "on": "d"})
    assert shape_problem("Grant.Spent", [1, 2]) is not None
    assert all(isinstance(kinds, dict) for kinds in FIELDS.values())


class _NoSignatures:
    def select_signatures(self, after, limit):
        return []
