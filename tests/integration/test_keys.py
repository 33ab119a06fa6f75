"""Who acted (issue 13): personal keys, signed commands, the door, and verify's signature check, on both engines."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import text

from app.facade import Ledger
from ledger import keys, signing
from ledger.actors import Actor
from ledger.chain import GENESIS, link
from ledger.errors import FORBIDDEN, SAME_ACTOR, LedgerError
from ledger.grant import Grant
from ledger.keys import Keyring
from tests.helpers import ENTERPRISE, World, refused, run
from tests.integration.test_audit import disarm


def use_keyring(ledger, folder: Path) -> None:
    """Act as another operating-system account: the same database, another keyring."""
    ledger.app.keyring = Keyring(folder)


def paid_and_pending(world) -> None:
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    run(world.ledger, "disburse", "clerk", ref="QD-1", amount="150万", voucher="PZ-1", date="2024-09-02")


def sql(ledger, statement: str, **params):
    with ledger.engine.begin() as conn:
        return conn.execute(text(statement), params)


def test_init_makes_the_admins_key_and_grants_issue_keys_into_the_granting_keyring(world, tmp_path):
    rows = {r["actor"]: r for r in world.ledger.roles("admin")}
    assert rows["admin"]["custody"] == "enrolled" and rows["admin"]["roles"] == ["admin"]
    assert rows["clerk"]["custody"] == "issued" and len(rows["clerk"]["key"]) == 16
    keyring = world.ledger.app.keyring
    for person in ("admin", "clerk", "approver"):
        public = keyring.newest(person)
        assert public is not None and public.startswith("ed25519:")
        for file in (keyring.path / person).glob("*.pem"):
            assert stat.S_IMODE(file.stat().st_mode) == 0o600
    report = world.ledger.verify("auditor")
    assert report.ok, report.findings
    assert report.signatures > 10 and report.unsigned == 0 and report.signed_from == 1
    assert report.keys == {"issued": 5, "enrolled": 1}


def test_naming_someone_whose_key_this_account_does_not_hold_is_forbidden(world, tmp_path):
    paid_and_pending(world)
    use_keyring(world.ledger, tmp_path / "clerks-own-account")
    error = refused(world.ledger, "approve", "approver", voucher="PZ-1")
    assert error.code == FORBIDDEN and "approver" in error.message and "私钥" in error.message
    error = refused(world.ledger, "role grant", "admin", actor_="clerk", role="approver")
    assert error.code == FORBIDDEN


def test_an_enrolled_key_acts_only_from_its_owners_keyring(world, tmp_path):
    paid_and_pending(world)
    zhao = Keyring(tmp_path / "zhao")
    public = zhao.create("zhao.min")
    result = run(world.ledger, "role grant", actor_="zhao.min", role="approver", key=public)
    assert result.fields["custody"] == "enrolled"
    assert refused(world.ledger, "approve", "zhao.min", voucher="PZ-1").code == FORBIDDEN  # admin's keyring
    use_keyring(world.ledger, zhao.path)
    assert run(world.ledger, "approve", "zhao.min", voucher="PZ-1").fields["status"] == "posted"
    use_keyring(world.ledger, Keyring.default().path)
    report = world.ledger.verify("auditor")
    assert report.ok, report.findings
    assert report.keys == {"issued": 5, "enrolled": 2}


def test_one_key_never_belongs_to_two_names(world):
    clerk_key = world.ledger.app.load(Actor, Actor.create_id("clerk")).key
    error = refused(world.ledger, "role grant", actor_="clerk.alias", role="approver", key=clerk_key)
    assert error.code == SAME_ACTOR


def test_a_forged_approval_written_around_the_ledger_is_caught(world):
    """The project's own recorder computes the chain; nothing signs it: verify names the event."""
    paid_and_pending(world)
    app = world.ledger.app
    grant = app.load(Grant, Grant.create_id("QD-1"))
    grant.approve("PZ-1", "approver", "2024-09-03")
    app.recorder.insert_events([app.mapper.to_stored_event(e) for e in grant.collect_events()])
    report = world.ledger.verify("auditor")
    assert not report.ok
    assert report.checks["hash chain"] == "ok"  # consistent chain: only the signature can tell
    assert report.checks["signatures"] == "TAMPERED"
    assert "Grant.Approved" in report.findings[0] and "没有签名" in report.findings[0]


def test_a_signature_moved_to_another_command_is_caught(world):
    paid_and_pending(world)
    run(world.ledger, "disburse", "clerk", ref="QD-1", amount="1万", voucher="PZ-2", date="2024-09-03")
    first, second = (
        sql(world.ledger, "SELECT first_seq FROM event_signatures WHERE actor = 'clerk' ORDER BY first_seq")
        .scalars()
        .all()[-2:]
    )
    with pytest.raises(Exception, match="append-only"):
        sql(world.ledger, "UPDATE event_signatures SET signature = signature")
    disarm(world.ledger)
    sql(
        world.ledger,
        "UPDATE event_signatures SET signature = (SELECT signature FROM event_signatures WHERE first_seq = :b) "
        "WHERE first_seq = :a",
        a=second,
        b=first,
    )
    report = world.ledger.verify("auditor")
    assert not report.ok and report.checks["signatures"] == "TAMPERED"
    assert f"第 {second}" in report.findings[0] and "clerk" in report.findings[0]


def test_a_command_re_signed_with_a_key_of_ones_own_is_caught(world, tmp_path):
    """A forger who writes a signature row with their own key, naming the approver, is caught by the binding."""
    paid_and_pending(world)
    app = world.ledger.app
    forger = Keyring(tmp_path / "forger")
    public = forger.create("approver")
    grant = app.load(Grant, Grant.create_id("QD-1"))
    grant.approve("PZ-1", "approver", "2024-09-03")
    signer = signing.Signer("approver", public, forger.private("approver", public))
    with signing.signing_as(signer):
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in grant.collect_events()])
    report = world.ledger.verify("auditor")
    assert not report.ok
    assert "Grant.Approved" in report.findings[0] and "被人用另一把钥匙重新签过名" in report.findings[0]


def test_rotation_keeps_old_events_valid_and_retires_the_old_key(world, tmp_path):
    paid_and_pending(world)
    keyring = world.ledger.app.keyring
    old = world.ledger.app.load(Actor, Actor.create_id("clerk")).key
    old_only = tmp_path / "old-only" / "clerk"
    old_only.mkdir(parents=True)
    (old_only / f"{keys.fingerprint(old)}.pem").write_bytes(
        (keyring.path / "clerk" / f"{keys.fingerprint(old)}.pem").read_bytes()
    )
    result = run(world.ledger, "key rotate", "clerk")
    assert result.fields["previous"] == keys.fingerprint(old) and result.fields["key"] != keys.fingerprint(old)
    run(world.ledger, "disburse", "clerk", ref="QD-1", amount="1万", voucher="PZ-2", date="2024-09-03")
    use_keyring(world.ledger, old_only.parent)
    assert refused(world.ledger, "disburse", "clerk", ref="QD-1", amount="1万", voucher="PZ-3").code == FORBIDDEN
    report = world.ledger.verify("auditor")
    assert report.ok, report.findings


def test_a_revoked_role_can_no_longer_act(world):
    paid_and_pending(world)
    run(world.ledger, "role revoke", actor_="approver", role="approver")
    assert refused(world.ledger, "approve", "approver", voucher="PZ-1").code == FORBIDDEN
    assert run(world.ledger, "approve", "approver2", voucher="PZ-1").fields["status"] == "posted"
    rows = {r["actor"]: r for r in world.ledger.roles("admin")}
    assert rows["approver"]["roles"] == []
    assert world.ledger.verify("auditor").ok


def test_a_batch_group_is_signed_once(world):
    before = sql(world.ledger, "SELECT count(*) FROM event_signatures").scalar()
    lines = [
        (1, f'{{"cmd": "unit-register", "code": "{ENTERPRISE}", "name": "海澜智能", "type": "enterprise"}}'),
        (2, '{"cmd": "fund-create", "fund": "XX", "name": "新资金"}'),
        (3, '{"cmd": "fund-create", "fund": "YY", "name": "又一资金"}'),
    ]
    summary = world.ledger.batch(lines, "clerk")
    assert summary.applied == 2 and summary.skipped == 1
    assert sql(world.ledger, "SELECT count(*) FROM event_signatures").scalar() == before + 1
    assert world.ledger.verify("auditor").ok


def test_a_payload_signed_as_the_actor_only_verifies_unchanged(world, tmp_path):
    """(``sign_payload``, used by tests only, is gone (issue 28): ``sign_as`` signs a seal's payload.)"""
    keyring = world.ledger.app.keyring
    public = keyring.newest("admin")
    signed = signing.sign_as(signing.Signer("admin", public, keyring.private("admin", public)), b"seal 2024")
    assert signed["key"] == public
    assert signing.verify_payload("admin", b"seal 2024", signed)
    assert not signing.verify_payload("admin", b"seal 2025", signed)
    assert not signing.verify_payload("clerk", b"seal 2024", signed)
    assert Keyring(tmp_path / "empty").newest("admin") is None


def test_a_passphrase_protects_the_private_key(tmp_path, monkeypatch):
    monkeypatch.setenv("GRANTLEDGER_PASSPHRASE", "correct horse")
    ring = Keyring(tmp_path / "k")
    public = ring.create("li")
    assert b"ENCRYPTED" in next((tmp_path / "k" / "li").glob("*.pem")).read_bytes()
    assert Keyring(tmp_path / "k").private("li", public) is not None
    monkeypatch.setenv("GRANTLEDGER_PASSPHRASE", "wrong")
    with pytest.raises(Exception, match="口令"):
        Keyring(tmp_path / "k").private("li", public)


def test_a_forged_approval_written_straight_into_sqlite_with_the_chain_recomputed_is_caught(sqlite_url):
    with Ledger(sqlite_url, create_tables=True) as ledger:
        ledger.init("admin")
        world = World.build(ledger)
        paid_and_pending(world)
        run(ledger, "approve", "approver", voucher="PZ-1")
        run(ledger, "disburse", "clerk", ref="QD-1", amount="1万", voucher="PZ-2", date="2024-09-03")
    path = sqlite_url[len("sqlite:///") :]
    with sqlite3.connect(path) as db:
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            db.execute(f'DROP TRIGGER "{name}"')
        seq, state = db.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%Grant.Approved' ORDER BY rowid LIMIT 1"
        ).fetchone()
        db.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (state.replace(b'"actor":"approver"', b'"actor":"approver2"'), seq),
        )
        previous = GENESIS
        for row in db.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall():
            previous = link(previous, row[0], UUID(row[1]), row[2], row[3], row[4])
            db.execute("UPDATE event_hashes SET hash = ? WHERE notification_id = ?", (previous, row[0]))
    with Ledger(sqlite_url) as ledger:
        report = ledger.verify("auditor")
    assert report.checks["hash chain"] == "ok"
    assert not report.ok and report.checks["signatures"] == "TAMPERED"
    assert f"第 {seq}" in report.findings[0] and "Grant.Approved" in report.findings[0]


def test_keyring_default_is_the_environment_or_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("GRANTLEDGER_KEYS", str(tmp_path / "x"))
    assert Keyring.default().path == tmp_path / "x"
    monkeypatch.delenv("GRANTLEDGER_KEYS")
    assert Keyring.default().path == Path(os.path.expanduser("~/.config/grantledger/keys"))


# -- upgrading a first-edition ledger ----------------------------------------------------------

FIRST_EDITION = "00fe7e73c63ab18e90368b349b3da4c295b5fa2d"  # the last commit before signatures


@pytest.fixture(scope="module")
def first_edition(tmp_path_factory) -> Path:
    """The first edition's code, checked out of this repository's history."""
    repo = Path(__file__).resolve().parents[2]
    target = tmp_path_factory.mktemp("first-edition")
    archive = subprocess.run(["git", "-C", str(repo), "archive", FIRST_EDITION], capture_output=True)
    if archive.returncode != 0:
        pytest.skip("the first edition's commit is not in this clone's history")
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def old_grantledger(code: Path, url: str, actor: str, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "--db", url, "--actor", actor, *args],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_a_first_edition_ledger_upgrades_in_place(db_url, first_edition):
    for actor, args in (
        ("admin", ("init",)),
        ("admin", ("role", "grant", "clerk", "clerk")),
        ("clerk", ("fund", "create", "KJ", "--name", "科技创新专项资金")),
        ("clerk", ("fund", "appropriate", "KJ", "--year", "2024", "--amount", "1亿", "--doc", "D1")),
    ):
        old_grantledger(first_edition, db_url, actor, *args)
    with Ledger(db_url) as ledger:
        # Not yet upgraded, its read models lack what later migrations add: verify says to run init first.
        with pytest.raises(LedgerError, match="先运行 grantledger init 升级") as refused_before:
            ledger.verify("admin")
        assert refused_before.value.code == "NOT_FOUND"
        old_events = ledger.app.recorder.max_notification_id()
    with Ledger(db_url, create_tables=True) as ledger:
        assert ledger.init("admin").fields["status"] == "upgraded"
        # The first edition's clerk has a role but no key yet: the admin binds one before the clerk acts again.
        assert refused(ledger, "fund create", "clerk", fund="ZX", name_="专项").code == FORBIDDEN
        run(ledger, "role grant", actor_="clerk", role="clerk")
        run(ledger, "fund create", "clerk", fund="ZX", name_="专项")
        assert ledger.init("admin").fields["status"] == "up-to-date"
        report = ledger.verify("admin")
        assert report.ok, report.findings
        assert report.unsigned == old_events and report.signed_from == old_events + 1
        assert report.signatures == 3
        assert f"unsigned history before seq {old_events + 1}" in report.checks["signatures"]
        # An unsigned event after the upgrade is tampering, not history.
        app = ledger.app
        from ledger.fund import Fund

        forged = Fund(code="FAKE", name="伪造", threshold=1, actor="clerk", on="2024-01-01")
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in forged.collect_events()])
        report = ledger.verify("admin")
        assert not report.ok and "Fund.Created" in report.findings[0]


# -- verify vouches for the business ------------------------------------------------------------


def test_a_hash_valid_overpayment_inserted_by_the_clerks_database_role_breaks_invariant_1(world):
    """500万 paid on a 200万 award, written with the ledger's own recorder (hash-valid) and even signed with the
    clerk's real key — as a clerk with database rights and their own key could: verify's fold still refuses it."""
    world.awarded("QD-9", "qd2024-01-common-tech", "200万")
    app = world.ledger.app
    grant = app.load(Grant, Grant.create_id("QD-9"))
    grant._disbursed(voucher="PZ-FAKE", amount=500_000_000, held=False, actor="clerk", on="2024-09-02")
    clerk_key = app.load(Actor, Actor.create_id("clerk")).key
    signer = signing.Signer("clerk", clerk_key, app.keyring.private("clerk", clerk_key))
    with signing.signing_as(signer):
        app.recorder.insert_events([app.mapper.to_stored_event(e) for e in grant.collect_events()])
    report = world.ledger.verify("auditor")
    assert not report.ok
    assert report.checks["hash chain"] == "ok" and report.checks["signatures"].startswith("ok")
    assert report.checks["invariants"] == "TAMPERED"
    finding = next(f for f in report.findings if "不变量 1" in f)
    assert "Grant.Disbursed" in finding and "QD-9" in finding and "500万" in finding


def test_the_append_only_triggers_are_checked_and_postgresql_records_the_login(world):
    paid_and_pending(world)
    ledger = world.ledger
    report = ledger.verify("auditor")
    assert report.checks["triggers"] == "ok"
    if ledger.app.store.engine == "postgresql":
        login = sql(ledger, "SELECT session_user").scalar()
        rows = ledger.history("PZ-1", "auditor")
        assert rows and all(r["db_login"] == login for r in rows)
        assert report.checks["database logins"].startswith("ok")
        # The writing role cannot choose the login: the trigger overrides what the client sends.
        table = ledger.app.recorder.events_table_name
        sql(ledger, f"ALTER TABLE {table} DISABLE TRIGGER {table}_db_login")
        run(ledger, "disburse", "clerk", ref="QD-1", amount="1万", voucher="PZ-2", date="2024-09-03")
        report = ledger.verify("auditor")
        assert not report.ok and report.checks["database logins"] == "TAMPERED"
        assert report.checks["triggers"] == "TAMPERED"
    else:
        disarm(ledger)
        report = ledger.verify("auditor")
        assert not report.ok and report.checks["triggers"] == "TAMPERED"
        assert "只追加保护" in report.findings[-1]


# -- snapshots are not trusted blindly ------------------------------------------------------------


def test_a_forged_snapshot_is_not_acted_on_and_verify_reports_it(db_url, monkeypatch):
    from ledger.errors import INSUFFICIENT_FUNDS
    from ledger.fund import FundYear
    from ledger.service import GrantLedger

    monkeypatch.setattr(GrantLedger, "snapshotting_intervals", {FundYear: 2})
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("admin")
        world = World.build(ledger)
        run(ledger, "fund create", fund="SM", name_="小额资金")
        run(ledger, "fund appropriate", fund="SM", year="2024", amount="100万", doc="SM-1", date="2024-01-05")
        table = ledger.app.snapshots.recorder.events_table_name
        signed = sql(ledger, "SELECT count(*) FROM snapshot_signatures").scalar()
        assert signed >= 1  # FundYear SM 2024 at version 2, signed by the admin who appropriated
        fund_year = FundYear.create_id("SM", 2024)
        key = fund_year.hex if ledger.app.store.engine == "sqlite" else str(fund_year)
        state = bytes(sql(ledger, f"SELECT state FROM {table} WHERE originator_id = :i", i=key).scalar())
        forged = state.replace(b'"appropriated":100000000', b'"appropriated":900000000')
        assert forged != state
        disarm(ledger)
        sql(ledger, f"UPDATE {table} SET state = :v WHERE originator_id = :i", v=forged, i=key)
        # The command folds the events instead of trusting the snapshot: 300万 does not fit in 100万.
        with pytest.raises(Exception) as refusal:
            world.awarded("QD-S", "qd2024-01-common-tech", "300万", fund="SM")
        assert getattr(refusal.value, "code", None) == INSUFFICIENT_FUNDS
        report = ledger.verify("admin")
        assert not report.ok and report.checks["snapshots"] == "TAMPERED"


def test_an_aggregate_folded_without_a_trusted_snapshot_gets_a_signed_one_on_the_next_commit(db_url, monkeypatch):
    """An upgraded ledger's snapshots carry no signature (and here there is none at all): once a command has had
    to fold many events, its commit also writes a signed snapshot, so the next command need not fold them again."""
    from ledger.fund import FundYear
    from ledger.service import GrantLedger

    monkeypatch.setattr(GrantLedger, "snapshotting_intervals", {FundYear: 1000})
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("admin")
        run(ledger, "fund create", fund="KJ", name_="科技")
        for n in range(48):
            run(ledger, "fund appropriate", fund="KJ", year="2024", amount="1万", doc=f"D{n}", date="2024-01-02")
        assert sql(ledger, "SELECT count(*) FROM snapshot_signatures").scalar() == 0
        for n in range(48, 52):
            run(ledger, "fund appropriate", fund="KJ", year="2024", amount="1万", doc=f"D{n}", date="2024-01-02")
        assert sql(ledger, "SELECT count(*) FROM snapshot_signatures").scalar() >= 1
        result = run(ledger, "fund appropriate", fund="KJ", year="2024", amount="1万", doc="D52", date="2024-01-02")
        assert result.fields["appropriated"] == 53 * 10**6
        report = ledger.verify("admin")
        assert report.ok, report.findings


def test_a_commit_that_both_reaches_the_interval_and_resnaps_writes_one_snapshot(db_url, monkeypatch, caplog):
    """The interval's snapshot and the one owed for folding from scratch fall on the same version: one is written,
    and nothing is logged as failed (before, the second insert broke the UNIQUE key and skipped the rest)."""
    from ledger.fund import FundYear
    from ledger.service import GrantLedger

    monkeypatch.setattr(GrantLedger, "snapshotting_intervals", {FundYear: 1000})
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("admin")
        run(ledger, "fund create", fund="KJ", name_="科技")
        for n in range(52):
            run(ledger, "fund appropriate", fund="KJ", year="2024", amount="1万", doc=f"D{n}", date="2024-01-02")
        fund_year = FundYear.create_id("KJ", 2024)
        snapshots = ledger.app.snapshots.recorder
        disarm(ledger)
        sql(ledger, "DELETE FROM snapshot_signatures")  # as an upgraded ledger's: no snapshot it could trust
        version = ledger.app.repository.get(fund_year).version
        monkeypatch.setattr(GrantLedger, "snapshotting_intervals", {FundYear: version + 1})
        with caplog.at_level("WARNING", logger="grantledger"):
            run(ledger, "fund appropriate", fund="KJ", year="2024", amount="1万", doc="D52", date="2024-01-02")
        assert "taking a snapshot failed" not in caplog.text
        versions = [s.originator_version for s in snapshots.select_events(fund_year)]
        assert versions.count(version + 1) == 1
        signed = sql(ledger, "SELECT count(*) FROM snapshot_signatures WHERE version = :v", v=version + 1)
        assert signed.scalar() == 1
