"""Read models of the walking skeleton: tracking, origins, awards, funds, units, caps, clauses, journal, history.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def money(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "projection_tracking",
        sa.Column("projection", sa.String(64), primary_key=True),
        sa.Column("application_name", sa.String(64), nullable=False),
        sa.Column("notification_id", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "origins",
        sa.Column("originator_id", sa.LargeBinary(16), primary_key=True),
        sa.Column("kind", sa.String(16)),
        sa.Column("key", sa.String(200)),
        sa.Column("unit", sa.String(18)),
        sa.Column("clause", sa.String(64)),
        sa.Column("fund", sa.String(64)),
        sa.Column("year", sa.Integer),
    )
    op.create_table(
        "awards",
        sa.Column("application", sa.String(64), primary_key=True),
        sa.Column("unit", sa.String(18)),
        sa.Column("clause", sa.String(64)),
        sa.Column("status", sa.String(16)),
        sa.Column("applied_on", sa.String(10)),
        sa.Column("grade", sa.String(16)),
        sa.Column("fund", sa.String(64)),
        sa.Column("fiscal_year", sa.Integer),
        sa.Column("mode", sa.String(16)),
        sa.Column("doc", sa.String(64)),
        sa.Column("exception_doc", sa.String(64)),
        sa.Column("awarded_on", sa.String(10)),
        sa.Column("cap_group", sa.String(64)),
        money("asked"),
        money("awarded"),
        money("disbursed"),
        money("pending"),
        money("spent"),
        money("recovered"),
    )
    op.create_index("ix_awards_unit", "awards", ["unit"])
    op.create_index("ix_awards_fund_year", "awards", ["fund", "fiscal_year"])
    op.create_index("ix_awards_year_status", "awards", ["fiscal_year", "status"])
    op.create_table(
        "funds",
        sa.Column("fund", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        money("appropriated"),
        money("committed"),
        money("disbursed"),
        money("returned"),
    )
    op.create_table(
        "fund_names",
        sa.Column("fund", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("threshold", sa.BigInteger),
    )
    op.create_table(
        "units",
        sa.Column("unit", sa.String(18), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("type", sa.String(16)),
        sa.Column("registered_on", sa.String(10)),
        sa.Column("applications", sa.Integer, nullable=False, server_default="0"),
        money("awarded"),
        money("disbursed"),
        money("spent"),
        money("recovered"),
    )
    op.create_table(
        "caps",
        sa.Column("unit", sa.String(18), primary_key=True),
        sa.Column("cap_group", sa.String(64), primary_key=True),
        sa.Column("year", sa.String(8), primary_key=True),
        sa.Column("cap", sa.BigInteger),
        money("used"),
        sa.Column("awards", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "clause_totals",
        sa.Column("clause", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
        money("awarded"),
        money("disbursed"),
    )
    op.create_table(
        "journal",
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("line", sa.Integer, primary_key=True),
        sa.Column("effective_date", sa.String(10), nullable=False),
        sa.Column("movement", sa.String(16), nullable=False),
        sa.Column("account", sa.String(48), nullable=False),
        sa.Column("fund", sa.String(64)),
        sa.Column("year", sa.Integer),
        sa.Column("application", sa.String(64)),
        sa.Column("voucher", sa.String(64)),
        money("debit"),
        money("credit"),
    )
    op.create_index("ix_journal_date", "journal", ["effective_date"])
    op.create_index("ix_journal_application", "journal", ["application"])
    op.create_table(
        "balances",
        sa.Column("account", sa.String(48), primary_key=True),
        money("debit"),
        money("credit"),
    )
    op.create_table(
        "event_keys",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("type", sa.String(48), nullable=False),
        sa.Column("effective_date", sa.String(10)),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200)),
    )


def downgrade() -> None:
    for table in (
        "event_keys",
        "balances",
        "journal",
        "clause_totals",
        "caps",
        "units",
        "fund_names",
        "funds",
        "awards",
        "origins",
        "projection_tracking",
    ):
        op.drop_table(table)
