"""资金使用范围 (issue 24): ``fund_names`` carries each fund's scope — the city whose policy it pays for and the
clauses it names (comma-separated) — so ``fund list`` shows it. ``init`` replays every projection after an
upgrade, so an existing ledger's funds get their scope from the log (``Fund.Created`` / ``Fund.Scoped``).

Revision ID: 0124
Revises: 0100
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0124"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("fund_names", sa.Column("city", sa.String(16)))
    op.add_column("fund_names", sa.Column("clauses", sa.String(2000)))


def downgrade() -> None:
    with op.batch_alter_table("fund_names") as batch:
        batch.drop_column("clauses")
        batch.drop_column("city")
