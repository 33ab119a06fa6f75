"""Verify re-decides the acts of two people that issue 24 adds: a correction (撤销批复, 调减 …) and a held exit or
write-off. A genuine one verifies; one put in force around the door with the maker's own key is ``TAMPERED``
(invariant 9, maker–checker), and the figures folded independently (invariants 1–3) follow the correction.
Both engines."""

from __future__ import annotations

from ledger import signing
from ledger.actors import Actor
from ledger.grant import Grant
from tests.helpers import ENTERPRISE, run

WAN = 1_000_000


def clerks_signer(app) -> signing.Signer:
    key = app.load(Actor, Actor.create_id("clerk")).key
    return signing.Signer("clerk", key, app.keyring.private("clerk", key))


def test_a_genuine_cancellation_and_reduction_verify_and_release_the_budget(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    world.awarded("QD-2", "qd2024-01-common-tech", "300万")
    run(ledger, "cancel-award", "clerk", ref="QD-1", doc="CX-1", reason="误批", date="2024-09-02")
    run(ledger, "reduce-award", "clerk", ref="QD-2", amount="100万", doc="TJ-1", reason="核减", date="2024-09-02")
    run(ledger, "approve", "approver", voucher="CX-1", date="2024-09-02")
    run(ledger, "approve", "approver", voucher="TJ-1", date="2024-09-02")
    funds = {(r["fund"], r["year"]): r for r in world.report("funds")}
    assert funds[("KJ", 2024)]["committed"] == 100 * WAN
    report = ledger.verify("auditor")
    assert report.ok, report.findings
    assert report.checks["invariants"].startswith("ok") and report.checks["projections"] == "ok"


def test_a_cancellation_put_in_force_with_the_proposers_own_key_fails_verify(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    run(ledger, "cancel-award", "clerk", ref="QD-1", doc="CX-1", reason="误批", date="2024-09-02")
    app = ledger.app
    grant = app.load(Grant, Grant.create_id("QD-1"))
    grant.record_cancellation(
        doc="CX-1", amount=300 * WAN, award_doc="DOC-QD-1", fund="KJ", year=2024, actor="clerk", on="2024-09-02"
    )
    with signing.signing_as(clerks_signer(app)):
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in grant.collect_events()])
    seq = app.recorder.max_notification_id()
    report = ledger.verify("auditor")
    assert not report.ok and report.checks["signatures"] == "TAMPERED"
    finding = report.findings[0]
    assert (
        f"第 {seq} 条事件「撤销批复」(Grant.AwardCancelled)" in finding and "CX-1" in finding and "不变量 9" in finding
    )


def test_a_reviewers_genuine_reevaluation_verifies(world):
    """A 复评 is the reviewer's act: its document number is issued under the reviewer's key, and verify's
    re-decision lets a reviewer file it (a clerk's or a reviewer's voucher, not only a clerk's)."""
    ledger = world.ledger
    run(ledger, "apply", "clerk", ref="QD-1", unit=ENTERPRISE, clause="qd2024-01-common-tech", amount="50万",
        date="2024-09-01")  # fmt: skip
    run(ledger, "evaluate", "reviewer", ref="QD-1", grade="good", date="2024-09-01")
    run(ledger, "reevaluate", "reviewer", ref="QD-1", grade="excellent", doc="FP-1", reason="汇总有误",
        date="2024-09-02")  # fmt: skip
    run(ledger, "approve", "approver", voucher="FP-1", date="2024-09-03")
    report = ledger.verify("auditor")
    assert report.ok, report.findings
