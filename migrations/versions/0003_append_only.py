"""The event store is append-only in the database itself: UPDATE and DELETE on events, their hashes and
snapshots raise an error. (Someone who can drop a trigger can still edit a row; ``verify`` finds that.)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("stored_events", "stored_snapshots", "grantledger_events", "grantledger_snapshots", "event_hashes")
MESSAGE = "grantledger: the event store is append-only; corrections are new events"


def _present() -> list[str]:
    inspector = sa.inspect(op.get_bind())
    return [t for t in TABLES if inspector.has_table(t)]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION grantledger_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        for table in _present():
            op.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
            op.execute(
                f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION grantledger_append_only()"
            )
    else:
        for table in _present():
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{action.lower()}" BEFORE {action} ON "{table}" '
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )


def downgrade() -> None:
    bind = op.get_bind()
    for table in _present():
        if bind.dialect.name == "postgresql":
            op.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
        else:
            for action in ("update", "delete"):
                op.execute(f'DROP TRIGGER IF EXISTS "{table}_no_{action}"')
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS grantledger_append_only()")
