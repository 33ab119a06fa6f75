"""The README's PostgreSQL privileges are enough: the owner runs init, a clerks' role with only the documented
grants does everything else, and an auditors' role that can only read runs reports."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from projections.facade import Ledger
from tests.conftest import ENGINES
from tests.helpers import World, run
from tests.pgserver import create_database, drop_database

pytestmark = pytest.mark.skipif("postgresql" not in ENGINES, reason="PostgreSQL is not among this run's engines")

EVENT_TABLES = ("grantledger_events", "grantledger_snapshots", "event_hashes")
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
    "origins",
    "projection_tracking",
)


def grants_for_clerks(role: str) -> list[str]:
    """Exactly what the README lists."""
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        *(f"GRANT SELECT, INSERT ON {table} TO {role}" for table in EVENT_TABLES),
        f"GRANT UPDATE ON grantledger_events TO {role}",
        *(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {role}" for table in READ_MODELS),
        f"GRANT USAGE ON SEQUENCE grantledger_events_notification_id_seq TO {role}",
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
        with Ledger(f"postgresql+psycopg://{auditors}:{password}@{host}") as reader:
            rows = reader.report("awards", "auditor")
            assert [(r["application"], r["disbursed"], r["spent"]) for r in rows] == [("QD-1", 150 * 10**6, 10**7)]
            with pytest.raises(Exception, match="permission denied"):
                run(reader, "disburse", "clerk", ref="QD-1", amount="1万", voucher="P-2", date="2024-09-05")
    finally:
        drop_database(pg_admin_url, name)
        with psycopg.connect(pg_admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {role}")
            conn.execute(f"DROP ROLE IF EXISTS {auditors}")
