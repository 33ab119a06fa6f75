"""The README's PostgreSQL privileges are enough: the owner runs init, a clerks' role with only the documented
grants does everything else, and an auditors' role that can only read runs reports."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from app.facade import Ledger
from ledger import signing
from ledger.actors import Actor
from ledger.grant import Grant
from tests.conftest import ENGINES
from tests.helpers import World, run
from tests.pgserver import create_database, drop_database

pytestmark = pytest.mark.skipif("postgresql" not in ENGINES, reason="PostgreSQL is not among this run's engines")

EVENT_TABLES = (
    "grantledger_events",
    "grantledger_snapshots",
    "event_hashes",
    "event_signatures",
    "snapshot_signatures",
)
READ_MODELS = (
    "awards",
    "funds",
    "fund_names",
    "units",
    "caps",
    "clause_totals",
    "equity",
    "journal",
    "balances",
    "fund_balances",
    "event_keys",
    "held_acts",
    "origins",
    "projects",
    "projection_tracking",
)


def run_sql(ledger, statement: str) -> None:
    from sqlalchemy import text

    with ledger.engine.begin() as conn:
        conn.execute(text(statement))


def grants_for_clerks(role: str) -> list[str]:
    """Exactly what the README lists."""
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        *(f"GRANT SELECT, INSERT ON {table} TO {role}" for table in EVENT_TABLES),
        f"GRANT UPDATE ON grantledger_events TO {role}",
        *(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {role}" for table in READ_MODELS),
        f"GRANT USAGE ON SEQUENCE grantledger_events_notification_id_seq TO {role}",
        f"GRANT SELECT ON event_logins TO {role}",
    ]


def test_a_clerks_role_with_the_documented_grants_runs_the_ledger(pg_admin_url):
    name = f"p_{uuid.uuid4().hex[:12]}"
    owner_url = create_database(pg_admin_url, name)
    role, password = f"clerks_{uuid.uuid4().hex[:6]}", "s3cret"
    auditors = f"auditors_{uuid.uuid4().hex[:6]}"
    plain = owner_url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with Ledger(owner_url, create_tables=True) as ledger:  # the owner: tables, types, triggers
            ledger.init("admin")
            World.build(ledger)
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
            conn.execute(f"CREATE ROLE {auditors} LOGIN PASSWORD '{password}'")
            conn.execute(f"GRANT CONNECT ON DATABASE {name} TO {role}, {auditors}")
            for statement in grants_for_clerks(role):
                conn.execute(statement)
            conn.execute(f"GRANT USAGE ON SCHEMA public TO {auditors}")
            conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {auditors}")
        host = owner_url.split("@", 1)[1]
        with Ledger(f"postgresql+psycopg://{role}:{password}@{host}") as clerks:
            world = World(clerks)
            world.awarded("QD-1", "qd2024-01-common-tech", "300万")
            run(clerks, "disburse", "clerk", ref="QD-1", amount="150万", voucher="P-1", date="2024-09-02")
            run(clerks, "approve", "approver", voucher="P-1", date="2024-09-03")
            run(clerks, "spend", "clerk", ref="QD-1", amount="10万", category="rd", voucher="S-1", date="2024-09-04")
            assert clerks.verify("auditor").ok
            # Each event records the database login that wrote it, set by the database (migration 0013).
            logins = {r["type"]: r["db_login"] for r in clerks.history("P-1", "auditor")}
            assert logins["Grant.Disbursed"] == role and logins["Grant.Approved"] == role
            with pytest.raises(Exception, match="permission denied"):
                run_sql(clerks, "INSERT INTO event_logins VALUES (999999, 'someone.else')")
        with Ledger(f"postgresql+psycopg://{auditors}:{password}@{host}") as reader:
            rows = reader.report("awards", "auditor")
            assert [(r["application"], r["disbursed"], r["spent"]) for r in rows] == [("QD-1", 150 * 10**6, 10**7)]
            with pytest.raises(Exception, match="permission denied"):
                run(reader, "disburse", "clerk", ref="QD-1", amount="1万", voucher="P-2", date="2024-09-05")
        with Ledger(f"postgresql+psycopg://{role}:{password}@{host}") as clerks:
            # The clerks' role writes a hash-valid 500万 disbursement on the 300万 award straight into the store,
            # signed with the clerk's real key: the bytes are all in order, the business is not.
            app = clerks.app
            grant = app.load(Grant, Grant.create_id("QD-1"))
            grant._disbursed(voucher="P-FAKE", amount=500_000_000, held=False, actor="clerk", on="2024-09-05")
            public = app.load(Actor, Actor.create_id("clerk")).key
            with signing.signing_as(signing.Signer("clerk", public, app.keyring.private("clerk", public))):
                app.recorder.insert_events([app.mapper.to_stored_event(e) for e in grant.collect_events()])
            report = clerks.verify("auditor")
            assert not report.ok and report.checks["invariants"] == "TAMPERED"
            assert any("不变量 1" in f and "Grant.Disbursed" in f for f in report.findings)
    finally:
        drop_database(pg_admin_url, name)
        with psycopg.connect(pg_admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {role}")
            conn.execute(f"DROP ROLE IF EXISTS {auditors}")


def grants_for_sealing_auditors(role: str) -> list[str]:
    """Exactly what the README lists for an auditors' login that also seals: read everything, append to the log."""
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        *(f"GRANT INSERT ON {table} TO {role}" for table in EVENT_TABLES),
        f"GRANT UPDATE ON grantledger_events TO {role}",
        f"GRANT USAGE ON SEQUENCE grantledger_events_notification_id_seq TO {role}",
    ]


def test_an_auditors_login_with_the_documented_grants_seals_without_writing_the_read_models(pg_admin_url):
    name = f"s_{uuid.uuid4().hex[:12]}"
    owner_url = create_database(pg_admin_url, name)
    auditors = f"sealers_{uuid.uuid4().hex[:6]}"
    plain = owner_url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with Ledger(owner_url, create_tables=True) as ledger:
            ledger.init("admin")
            world = World.build(ledger)
            world.awarded("QD-1", "qd2024-01-common-tech", "300万")
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {auditors} LOGIN")
            conn.execute(f"GRANT CONNECT ON DATABASE {name} TO {auditors}")
            for statement in grants_for_sealing_auditors(auditors):
                conn.execute(statement)
        host = owner_url.split("@", 1)[1]
        with Ledger(f"postgresql+psycopg://{auditors}@{host}") as reader:
            with pytest.raises(Exception, match="permission denied"):  # still no writing of the read models
                run_sql(reader, "UPDATE projection_tracking SET notification_id = 0")
            sealed = reader.seal("auditor")
            assert sealed.changed and sealed.fields["position"] > 0
        with Ledger(owner_url) as ledger:  # the next writer folds the seal; the log passes through it
            run(ledger, "disburse", "clerk", ref="QD-1", amount="10万", voucher="P-9", date="2024-09-02")
            report = ledger.verify("auditor")
            assert report.ok, report.findings
    finally:
        drop_database(pg_admin_url, name)
        with psycopg.connect(pg_admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {auditors}")
