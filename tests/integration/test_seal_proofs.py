"""Seals that prove something (issue 25, items 2 and 3), on both engines.

A checkpoint passes only when it is signed by the key the log had bound, at its position, to the person it names
(who could then seal), and its head and state are the log's there; a seal in the log is judged the same way at
its own event; a seal beyond the log's end means the log was cut back or restored from an older copy.
"""

from __future__ import annotations

import importlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger import keys, signing
from ledger.actors import Actor
from ledger.periods import STATE_ALGORITHM, Seal, seal_payload
from projections import seals
from projections.audit import seal_signed
from tests.helpers import run
from tests.integration.test_audit import disarm, events_table, raw, some_history


def signer_of(app, person: str) -> signing.Signer:
    key = app.load(Actor, Actor.create_id(person)).key
    return signing.Signer(person, key, app.keyring.private(person, key))


def stranger(person: str) -> signing.Signer:
    """A key nobody was ever bound to, in ``person``'s name."""
    private = Ed25519PrivateKey.generate()
    return signing.Signer(person, keys.encode_public(private.public_key()), private)


def forged_file(sealed: dict, signer: signing.Signer, person: str | None = None, **changes) -> dict:
    """A checkpoint file like ``seal --out`` writes, signed by ``signer`` in ``person``'s name."""
    person = person or signer.actor
    seal = dict(sealed, **changes, signed_by=person)
    signed = signing.sign_as(
        signing.Signer(person, signer.public, signer.private),
        seal_payload(seal["position"], seal["head"], seal["state"], seal.get("snapshot")),
    )
    return dict(seal, key=signed["key"], signature=signed["signature"])


def test_an_honest_seal_and_its_file_verify(world):
    some_history(world)
    sealed = world.ledger.seal("auditor").fields
    report = world.ledger.verify("auditor", checkpoint=dict(sealed))
    assert report.ok, report.findings
    assert report.checks["checkpoint"] == "ok (1)" and report.checks["seals"] == "ok (1)"


def test_a_checkpoint_with_another_head_is_named(world):
    some_history(world)
    sealed = world.ledger.seal("auditor").fields
    app = world.ledger.app
    forged = forged_file(sealed, signer_of(app, "auditor"), head="ab" * 32)  # the auditor's real key, even
    report = world.ledger.verify("auditor", checkpoint=forged)
    assert not report.ok and report.checks["checkpoint"] == "TAMPERED"
    finding = report.findings[0]
    assert (
        finding.startswith(f"封存文件 (第 {sealed['position']} 条)") and "日志已不再经过封存的链头 abababab" in finding
    )


def test_a_checkpoint_signed_by_a_key_nobody_holds_is_named(world):
    some_history(world)
    sealed = world.ledger.seal("auditor").fields
    forged = forged_file(sealed, stranger("auditor"))  # the log's own head and state, a key made for the forgery
    assert seal_signed(forged)  # the signature itself checks, under the key it names
    report = world.ledger.verify("auditor", checkpoint=forged)
    assert not report.ok and report.checks["checkpoint"] == "TAMPERED", report.findings
    finding = report.findings[0]
    assert "署名 auditor" in finding and "不属于任何人" in finding and "伪造的封存" in finding
    assert keys.fingerprint(forged["key"]) in finding and keys.fingerprint(sealed["key"]) in finding


def test_a_checkpoint_signed_by_a_key_bound_to_another_person_is_named(world):
    some_history(world)
    sealed = world.ledger.seal("auditor").fields
    clerk = signer_of(world.ledger.app, "clerk")  # a clerk's real key, signing in the auditor's name
    forged = forged_file(sealed, clerk, person="auditor")
    assert seal_signed(forged)
    report = world.ledger.verify("auditor", checkpoint=forged)
    assert not report.ok and report.checks["checkpoint"] == "TAMPERED", report.findings
    finding = report.findings[0]
    assert f"却是用 clerk 的钥匙 {keys.fingerprint(clerk.public)} 签的" in finding and "署名 auditor" in finding


def test_a_checkpoint_in_the_name_of_someone_who_may_not_seal_is_named(world):
    some_history(world)
    sealed = world.ledger.seal("auditor").fields
    forged = forged_file(sealed, signer_of(world.ledger.app, "clerk"))  # the clerk's own key, in his own name
    report = world.ledger.verify("auditor", checkpoint=forged)
    assert not report.ok and report.checks["checkpoint"] == "TAMPERED"
    assert "clerk 在日志第" in report.findings[0] and "无权封存" in report.findings[0]


def test_a_key_bound_only_after_the_seals_position_does_not_sign_it(world):
    """The binding is folded up to the checkpoint's position: the auditor's next key did not exist there."""
    some_history(world)
    sealed = world.ledger.seal("auditor").fields
    old = signer_of(world.ledger.app, "auditor")
    run(world.ledger, "key rotate", "auditor")
    new = signer_of(world.ledger.app, "auditor")
    assert new.public != old.public
    assert world.ledger.verify("auditor", checkpoint=dict(sealed)).ok  # the honest file still proves it
    forged = forged_file(sealed, new)
    report = world.ledger.verify("auditor", checkpoint=forged)
    assert report.checks["checkpoint"] == "TAMPERED" and "不属于任何人" in report.findings[0], report.findings


def write_seal(app, signer: signing.Signer, **seal) -> int:
    """A Seal event written around the door, with ``signer``'s real key on the command (a stolen keyring)."""
    written = Seal(algorithm=STATE_ALGORITHM, on="2024-09-04", **seal)
    with signing.signing_as(signer):
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in written.collect_events()])
    return app.recorder.max_notification_id()


def test_a_seal_in_the_log_in_the_auditors_name_signed_with_an_unbound_key_is_named(world):
    some_history(world)
    ledger, app = world.ledger, world.ledger.app
    ledger.catch_up()
    position, head, state = seals.checkpoint(ledger.read_model, app.recorder)
    thief = stranger("auditor")
    signed = signing.sign_as(thief, seal_payload(position, head, state))
    seq = write_seal(
        app, signer_of(app, "clerk"), position=position, head=head, state=state, signed_by="auditor", actor="clerk",
        key=signed["key"], signature=signed["signature"],
    )  # fmt: skip
    ledger.catch_up()
    report = ledger.verify("auditor")
    assert report.checks["hash chain"] == "ok" and report.checks["signatures"].startswith("ok")
    assert not report.ok and report.checks["seals"] == "TAMPERED", report.findings
    assert f"第 {seq} 条封存事件由 clerk 写入, 却署名 auditor" in report.findings[0]


def test_a_seal_in_the_log_signed_with_a_key_not_bound_to_its_signer_is_named(world):
    some_history(world)
    ledger, app = world.ledger, world.ledger.app
    ledger.catch_up()
    position, head, state = seals.checkpoint(ledger.read_model, app.recorder)
    auditor = signer_of(app, "auditor")  # the auditor's keyring stolen: the command is signed by the real key …
    other = stranger("auditor")  # … the seal by a key the thief keeps
    signed = signing.sign_as(other, seal_payload(position, head, state))
    write_seal(
        app, auditor, position=position, head=head, state=state, signed_by="auditor", actor="auditor",
        key=signed["key"], signature=signed["signature"],
    )  # fmt: skip
    ledger.catch_up()
    report = ledger.verify("auditor")
    assert report.checks["signatures"].startswith("ok")
    assert not report.ok and report.checks["seals"] == "TAMPERED", report.findings
    assert f"日志中的封存 (第 {position} 条)" in report.findings[0] and "不属于任何人" in report.findings[0]


def test_a_seal_in_the_log_by_someone_who_may_not_seal_is_named(world):
    some_history(world)
    ledger, app = world.ledger, world.ledger.app
    ledger.catch_up()
    position, head, state = seals.checkpoint(ledger.read_model, app.recorder)
    clerk = signer_of(app, "clerk")
    signed = signing.sign_as(clerk, seal_payload(position, head, state))
    write_seal(
        app, clerk, position=position, head=head, state=state, signed_by="clerk", actor="clerk",
        key=signed["key"], signature=signed["signature"],
    )  # fmt: skip
    ledger.catch_up()
    report = ledger.verify("auditor")
    assert not report.ok and report.checks["seals"] == "TAMPERED", report.findings
    assert "无权封存" in report.findings[0] and "clerk" in report.findings[0]


def rearm(ledger) -> None:
    """What the forger does last: put the append-only triggers back, so the database looks untouched."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    for name in ("0003_append_only", "0013_who_acted"):
        migration = importlib.import_module(f"migrations.versions.{name}")
        with ledger.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
            migration.upgrade()


def cut_back(ledger, last: int) -> None:
    """Delete every event after seq ``last`` with its hash, signature and login, then rebuild the read models."""
    table, seq = events_table(ledger)
    disarm(ledger)
    raw(ledger, f"DELETE FROM {table} WHERE {seq} > :n", n=last)
    raw(ledger, "DELETE FROM event_hashes WHERE notification_id > :n", n=last)
    raw(ledger, "DELETE FROM event_signatures WHERE first_seq > :n", n=last)
    if ledger.app.store.engine == "postgresql":
        raw(ledger, "DELETE FROM event_logins WHERE notification_id > :n", n=last)
    rearm(ledger)
    ledger.replay("admin")


def test_a_log_cut_back_to_the_last_seal_fails_the_later_checkpoint(world):
    some_history(world)
    ledger = world.ledger
    first = ledger.seal("auditor").fields
    kept = ledger.app.recorder.max_notification_id()  # the first seal's own event
    run(ledger, "disburse", ref="QD-1", amount="20万", voucher="PZ-2", date="2024-09-05")
    later = ledger.seal("auditor").fields
    assert ledger.verify("auditor", checkpoint=dict(later)).ok
    cut_back(ledger, kept)
    honest_looking = ledger.verify("auditor", checkpoint=dict(first))
    assert honest_looking.ok, honest_looking.findings  # consistent with itself: only a later seal can tell
    report = ledger.verify("auditor", checkpoint=dict(later))
    assert not report.ok and report.checks["checkpoint"] == "TAMPERED"
    assert report.findings[0] == (
        f"封存文件 (第 {later['position']} 条): 日志比您持有的封存记录短: 日志到第 {kept} 条, "
        f"封存在第 {later['position']} 条。日志被截短, 或数据库被换成了较早的备份"
    )
    witnessed = ledger.verify("auditor", witnessed=[dict(first, file="a.json"), dict(later, file="b.json")])
    assert witnessed.checks["witness"] == "TAMPERED" and "留存目录中的封存文件 b.json" in witnessed.findings[0]


def test_a_checkpoint_signed_by_someone_whose_seal_role_was_revoked_is_named(world):
    """Roles are folded up to the position too: a revoked auditor's key still verifies, but no longer seals."""
    some_history(world)
    ledger = world.ledger
    honest = ledger.seal("auditor").fields
    auditor = signer_of(ledger.app, "auditor")
    run(ledger, "role revoke", actor_="auditor", role="auditor")
    run(ledger, "disburse", ref="QD-1", amount="20万", voucher="PZ-2", date="2024-09-05")
    ledger.catch_up()
    position, head, state = seals.checkpoint(ledger.read_model, ledger.app.recorder)
    forged = forged_file(dict(honest, position=position, head=head, state=state), auditor)
    assert ledger.verify("admin", checkpoint=dict(honest)).ok  # sealed while still an auditor
    report = ledger.verify("admin", checkpoint=forged)
    assert report.checks["checkpoint"] == "TAMPERED", report.findings
    assert "auditor 在日志第" in report.findings[0] and "无权封存" in report.findings[0]
