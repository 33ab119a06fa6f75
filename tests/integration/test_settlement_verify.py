"""Verify re-decides the closeout's settlement (结算) and a re-charge to another fund (调整资金来源), issue 24.

A genuine settlement and re-charge verify and the independently folded figures (invariants 1–3) follow them;
a settlement written around the door that gives back more than was left unpaid, and a re-charge put in force
with the proposer's own key, are ``TAMPERED``. Both engines."""

from __future__ import annotations

import pytest

from ledger import signing
from ledger.actors import Actor
from ledger.grant import Grant
from tests.helpers import refused, run

WAN = 1_000_000
CLAUSE = "qd2024-01-common-tech"


def signer_of(app, name: str) -> signing.Signer:
    key = app.load(Actor, Actor.create_id(name)).key
    return signing.Signer(name, key, app.keyring.private(name, key))


def forge(app, name: str, record) -> int:
    """Record an event on QD-1's grant with ``record(grant)`` and write it around the ledger, signed by ``name``."""
    grant = app.load(Grant, Grant.create_id("QD-1"))
    record(grant)
    with signing.signing_as(signer_of(app, name)):
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in grant.collect_events()])
    return app.recorder.max_notification_id()


def test_a_genuine_settlement_and_recharge_verify_and_move_the_budget(world):
    ledger = world.ledger
    world.awarded("QD-1", CLAUSE, "300万")
    world.awarded("QD-2", CLAUSE, "200万")
    run(ledger, "disburse", "clerk", ref="QD-1", amount="100万", voucher="PZ-1", date="2024-09-02")
    run(ledger, "approve", "approver", voucher="PZ-1", date="2024-09-02")
    run(ledger, "spend", "clerk", ref="QD-1", amount="100万", category="rd", voucher="ZC-1", date="2024-09-03")
    run(ledger, "close-project", "clerk", ref="QD-1", result="pass", doc="JT-1", date="2024-10-01")
    run(ledger, "recharge", "clerk", ref="QD-2", fund="TZ", doc="BG-1", reason="资金来源有误", date="2024-09-02")
    run(ledger, "approve", "approver", voucher="BG-1", date="2024-09-02")
    funds = {(r["fund"], r["year"]): r for r in world.report("funds")}
    assert (funds[("KJ", 2024)]["committed"], funds[("TZ", 2024)]["committed"]) == (100 * WAN, 200 * WAN)
    assert world.award_row("QD-1")["awarded"] == 100 * WAN and world.award_row("QD-2")["fund"] == "TZ"
    report = ledger.verify("auditor")
    assert report.ok, report.findings
    assert report.checks["invariants"].startswith("ok") and report.checks["projections"] == "ok"


def test_a_settlement_that_gives_back_more_than_was_unpaid_fails_verify(world):
    ledger = world.ledger
    world.awarded("QD-1", CLAUSE, "300万")
    run(ledger, "disburse", "clerk", ref="QD-1", amount="50万", voucher="PZ-1", date="2024-09-02")
    seq = forge(
        ledger.app,
        "clerk",
        lambda g: g.record_settlement(
            doc="JT-X",
            amount=300 * WAN,
            awarded=300 * WAN,
            paid=0,
            fund="KJ",
            year=2024,
            actor="clerk",
            on="2024-10-01",
        ),
    )
    report = ledger.verify("auditor")
    assert not report.ok
    findings = " ".join(report.findings)
    assert f"第 {seq} 条事件「结算」(Grant.Settled)" in findings and "结算" in findings.replace("「结算」", ""), (
        report.findings
    )


def test_a_recharge_put_in_force_with_the_proposers_own_key_fails_verify(world):
    ledger = world.ledger
    world.awarded("QD-1", CLAUSE, "300万")
    run(ledger, "recharge", "clerk", ref="QD-1", fund="TZ", doc="BG-1", reason="资金来源有误", date="2024-09-02")
    seq = forge(
        ledger.app,
        "clerk",
        lambda g: g.record_recharge(
            doc="BG-1", amount=300 * WAN, from_fund="KJ", to_fund="TZ", year=2024, actor="clerk", on="2024-09-02"
        ),
    )
    report = ledger.verify("auditor")
    assert not report.ok and report.checks["signatures"] == "TAMPERED"
    assert f"第 {seq} 条事件「调整资金来源」(Grant.Recharged)" in report.findings[0] and "BG-1" in report.findings[0]


SCOPES = {  # the new fund's scope, and what verify's finding says of it
    "city": ({"city": "威海"}, ("资金 WH 只用于威海市的政策", "青岛市")),
    "clauses": ({"city": "青岛", "clauses": "qd2020-kc16-key-project-team"}, ("资金 WH 只用于条款 qd2020-kc16",)),
}


@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_a_recharge_into_a_fund_whose_scope_does_not_cover_the_clause_fails_verify(world, scope):
    """``recharge`` refuses a fund for another city's policy, or for other clauses (NOT_ELIGIBLE); a proposal
    and an approval written around it, each with the right person's key and the commitment moved as the command
    would, are TAMPERED. The scope is the fund's as it stood: given at its creation, or later (``fund scope``)."""
    from ledger.fund import FundYear
    from projections.redecide import CHECK

    ledger = world.ledger
    options, words = SCOPES[scope]
    if scope == "city":
        run(ledger, "fund create", fund="WH", name_="威海市科技创新平台专项资金", **options)
    else:
        run(ledger, "fund create", fund="WH", name_="团队专项资金")
        run(ledger, "fund scope", "clerk", fund="WH", doc="范围-1", **options)
    run(ledger, "fund appropriate", fund="WH", year="2024", amount="5000万", doc="WH-2024", date="2024-01-05")
    world.awarded("QD-1", CLAUSE, "300万")
    error = refused(
        ledger, "recharge", "clerk", ref="QD-1", fund="WH", doc="BG-1", reason="改由威海", date="2024-09-02"
    )
    assert error.code == "NOT_ELIGIBLE", error
    assert ledger.verify("auditor").ok
    forge(ledger.app, "clerk", lambda g: g.propose_recharge(doc="BG-1", fund="WH", reason="改由威海", actor="clerk",
                                                            on="2024-09-02"))  # fmt: skip
    app = ledger.app
    grant = app.load(Grant, Grant.create_id("QD-1"))
    source, target = (app.load(FundYear, FundYear.create_id(f, 2024)) for f in ("KJ", "WH"))
    source.release("QD-1", 300 * WAN, "BG-1", "approver", "2024-09-03")
    target.commit("QD-1", 300 * WAN, "approver", "2024-09-03")
    grant.record_recharge(
        doc="BG-1", amount=300 * WAN, from_fund="KJ", to_fund="WH", year=2024, actor="approver", on="2024-09-03"
    )
    events = [*grant.collect_events(), *source.collect_events(), *target.collect_events()]  # as the command
    seq = app.recorder.max_notification_id() + 1  # the Grant.Recharged, first of the three
    with signing.signing_as(signer_of(app, "approver")):
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in events])
    report = ledger.verify("auditor")
    assert not report.ok and report.checks[CHECK].startswith("TAMPERED"), (report.checks, report.findings)
    (finding,) = report.findings  # the scope, and nothing else: the rest is as the command would write it
    assert (
        f"第 {seq} 条事件「调整资金来源」(Grant.Recharged)" in finding and "QD-1" in finding and "使用范围" in finding
    ), finding
    assert all(w in finding for w in words), finding
