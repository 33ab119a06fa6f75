"""verify_runs: each ``verify`` run's outcome, for the web view's "last verify" (issue 27).

Not a projection (nothing rebuilds it, verify does not compare it) and not part of the log: verify stays
read-only on the event log and writes only here, each row signed with the verifier's key when this account
holds it. A database login that may only read (an auditors' PostgreSQL role without INSERT on this table)
verifies as before; the run is then not recorded, and verify says so.

Revision ID: 0060
Revises: 0021
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0060"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verify_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("verified_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("head", sa.String(64)),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("events", sa.BigInteger, nullable=False),
        sa.Column("signatures", sa.BigInteger, nullable=False),
        sa.Column("finding", sa.String(600)),
        sa.Column("key", sa.String(200)),
        sa.Column("signature", sa.String(200)),
    )


def downgrade() -> None:
    op.drop_table("verify_runs")
