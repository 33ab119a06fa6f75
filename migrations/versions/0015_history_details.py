"""History rows carry the money, the voucher and the details a clerk reads (issue 15).

``init`` replays every projection after an upgrade, so the new columns are
filled for events recorded before them too.

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_keys") as keys:
        keys.add_column(sa.Column("amount", sa.BigInteger))
        keys.add_column(sa.Column("voucher", sa.String(64)))
        keys.add_column(sa.Column("detail", sa.String(400)))


def downgrade() -> None:
    with op.batch_alter_table("event_keys") as keys:
        keys.drop_column("detail")
        keys.drop_column("voucher")
        keys.drop_column("amount")
