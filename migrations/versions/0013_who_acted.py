"""Who acted: signatures are append-only like the events; on PostgreSQL each event row records the database
login that wrote it (``event_logins.db_login``), set by a trigger from ``session_user`` — the writing role
cannot choose it.

Revision ID: 0013
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0003"
branch_labels = None
depends_on = None

MESSAGE = "grantledger: the event store is append-only; corrections are new events"
SIGNED = ("event_signatures", "snapshot_signatures")
EVENT_TABLES = ("stored_events", "grantledger_events")


def _has(table: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in filter(_has, SIGNED):
            op.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
            op.execute(
                f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION grantledger_append_only()"
            )
        # A table of its own (not a column on the events: a new column would break the prepared statements of
        # every running writer). The function runs as the owner (SECURITY DEFINER), so writers need no grant on
        # event_logins and cannot write it themselves; session_user is still the login that connected.
        op.execute(
            "CREATE TABLE IF NOT EXISTS event_logins (notification_id bigint PRIMARY KEY, db_login text NOT NULL)"
        )
        op.execute(
            "CREATE OR REPLACE FUNCTION grantledger_db_login() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
            "SET search_path FROM CURRENT AS "
            "$$ BEGIN INSERT INTO event_logins SELECT notification_id, session_user FROM inserted; RETURN NULL; END $$"
        )
        op.execute('DROP TRIGGER IF EXISTS "event_logins_append_only" ON "event_logins"')
        op.execute(
            'CREATE TRIGGER "event_logins_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "event_logins" '
            "FOR EACH STATEMENT EXECUTE FUNCTION grantledger_append_only()"
        )
        for table in EVENT_TABLES:
            if _has(table):
                op.execute(f'DROP TRIGGER IF EXISTS "{table}_db_login" ON "{table}"')
                op.execute(
                    f'CREATE TRIGGER "{table}_db_login" AFTER INSERT ON "{table}" REFERENCING NEW TABLE AS inserted '
                    "FOR EACH STATEMENT EXECUTE FUNCTION grantledger_db_login()"
                )
    else:
        for table in filter(_has, SIGNED):
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{action.lower()}" BEFORE {action} ON "{table}" '
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in filter(_has, SIGNED):
            op.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
        for table in EVENT_TABLES:
            if _has(table):
                op.execute(f'DROP TRIGGER IF EXISTS "{table}_db_login" ON "{table}"')
        op.execute("DROP FUNCTION IF EXISTS grantledger_db_login()")
        op.execute('DROP TRIGGER IF EXISTS "event_logins_append_only" ON "event_logins"')
    else:
        for table in SIGNED:
            for action in ("update", "delete"):
                op.execute(f'DROP TRIGGER IF EXISTS "{table}_no_{action}"')
