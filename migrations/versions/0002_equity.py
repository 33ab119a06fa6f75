"""Equity holdings (拨改投, 先投后股): one row per award paid wholly or partly in equity,
and the stake moved on each equity journal line (for as-of equity reports).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def money(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "equity",
        sa.Column("application", sa.String(64), primary_key=True),
        sa.Column("unit", sa.String(18)),
        money("invested"),
        money("cost"),
        sa.Column("stake", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("converted", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("exited_stake", sa.BigInteger, nullable=False, server_default="0"),
        money("proceeds"),
        money("gain"),
        money("written_off"),
    )
    with op.batch_alter_table("journal") as journal:
        journal.add_column(sa.Column("stake", sa.BigInteger))


def downgrade() -> None:
    with op.batch_alter_table("journal") as journal:
        journal.drop_column("stake")
    op.drop_table("equity")
