"""Verify re-checks invariant 9's second half: an approval's key (and person) is not its maker's (issue 13).

The door refuses ``SAME_ACTOR`` when the approving key is the maker's; these forgeries go around the door with
the maker's real key, so every signature verifies and only verify's maker–checker check can tell.
"""

from __future__ import annotations

import sqlite3
from uuid import UUID

from app.facade import Ledger
from ledger import signing
from ledger.actors import Actor
from ledger.chain import GENESIS, link
from ledger.grant import Grant
from tests.helpers import World, run
from tests.integration.test_keys import paid_and_pending


def clerks_signer(app) -> signing.Signer:
    key = app.load(Actor, Actor.create_id("clerk")).key
    return signing.Signer("clerk", key, app.keyring.private("clerk", key))


def test_an_approval_signed_with_the_makers_own_key_fails_verify_naming_it(world):
    paid_and_pending(world)  # PZ-1: 150万 made by clerk, held
    app = world.ledger.app
    grant = app.load(Grant, Grant.create_id("QD-1"))
    grant._approved(voucher="PZ-1", kind="disbursement", amount=150_000_000, stake=None, actor="clerk", on="2024-09-03")
    with signing.signing_as(clerks_signer(app)):
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in grant.collect_events()])
    seq = app.recorder.max_notification_id()
    report = world.ledger.verify("auditor")
    assert not report.ok
    assert report.checks["hash chain"] == "ok" and report.checks["invariants"].startswith("ok")
    assert report.checks["signatures"] == "TAMPERED"
    finding = report.findings[0]
    assert f"第 {seq} 条事件「审批通过」(Grant.Approved)" in finding and "PZ-1" in finding
    assert "制单人自己的钥匙" in finding and "不变量 9" in finding


def test_a_genuine_approval_by_another_person_still_verifies(world):
    paid_and_pending(world)
    run(world.ledger, "approve", "approver", voucher="PZ-1", date="2024-09-03")
    run(world.ledger, "disburse", "clerk", ref="QD-1", amount="120万", voucher="PZ-2", date="2024-09-04")
    run(world.ledger, "void", "approver", voucher="PZ-2", reason="录错", date="2024-09-05")
    report = world.ledger.verify("auditor")
    assert report.ok, report.findings


def test_a_makers_approval_written_straight_into_sqlite_with_chain_and_signature_recomputed_is_caught(sqlite_url):
    """The forger drops the triggers, appends a Grant.Approved in the maker's name, recomputes the chain with
    the project's own hash code and signs the new event with the maker's real key: a valid signature."""
    with Ledger(sqlite_url, create_tables=True) as ledger:
        ledger.init("admin")
        world = World.build(ledger)
        paid_and_pending(world)
        app = ledger.app
        signer = clerks_signer(app)
        grant = app.load(Grant, Grant.create_id("QD-1"))
        grant._approved(
            voucher="PZ-1", kind="disbursement", amount=150_000_000, stake=None, actor="clerk", on="2024-09-03"
        )
        stored = app.mapper.to_stored_event(grant.collect_events()[0])
    path = sqlite_url[len("sqlite:///") :]
    with sqlite3.connect(path) as db:
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            db.execute(f'DROP TRIGGER "{name}"')
        columns = [row[1] for row in db.execute("PRAGMA table_info(stored_events)")]
        values = {
            "originator_id": stored.originator_id.hex,
            "originator_version": stored.originator_version,
            "topic": stored.topic,
            "state": stored.state,
        }
        db.execute(
            f"INSERT INTO stored_events ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
            list(values.values()),
        )
        assert set(values) <= set(columns)
        seq = db.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
        previous = GENESIS
        for row in db.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall():
            previous = link(previous, row[0], UUID(row[1]), row[2], row[3], row[4])
            db.execute("INSERT OR REPLACE INTO event_hashes (notification_id, hash) VALUES (?, ?)", (row[0], previous))
        db.execute(
            "INSERT INTO event_signatures (first_seq, last_seq, actor, key, signature) VALUES (?, ?, ?, ?, ?)",
            signing.signature_row(signer, seq, seq, previous),
        )
    with Ledger(sqlite_url) as ledger:
        report = ledger.verify("auditor")
    assert report.checks["hash chain"] == "ok"
    assert not report.ok and report.checks["signatures"] == "TAMPERED"
    assert f"第 {seq} 条事件「审批通过」(Grant.Approved)" in report.findings[0] and "制单人 clerk" in report.findings[0]
