"""The year's end: carried-forward figures per fund and year, balances per account, fund and year (what a
seal's state hash covers), and the log positions ``--known-at`` reports need on units and applications.
``init`` replays every projection after an upgrade, so the new columns are filled from the log.

Revision ID: 0017
Revises: 0015
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def money(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "fund_balances",
        sa.Column("account", sa.String(48), primary_key=True),
        sa.Column("fund", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        money("debit"),
        money("credit"),
    )
    with op.batch_alter_table("funds") as funds:
        funds.add_column(money("carried_forward"))
    with op.batch_alter_table("units") as units:
        units.add_column(sa.Column("registered_seq", sa.BigInteger))
    with op.batch_alter_table("awards") as awards:
        awards.add_column(sa.Column("submitted_seq", sa.BigInteger))


def downgrade() -> None:
    with op.batch_alter_table("awards") as awards:
        awards.drop_column("submitted_seq")
    with op.batch_alter_table("units") as units:
        units.drop_column("registered_seq")
    with op.batch_alter_table("funds") as funds:
        funds.drop_column("carried_forward")
    op.drop_table("fund_balances")
