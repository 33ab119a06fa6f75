"""Vouchers' origins are no longer kept: a voucher number is issued once and nothing reads its origin again,
so the projector stops storing it (``projections.folds.UNSTORED``) and this removes the rows stored before.
``init`` replays every projection after an upgrade anyway; this makes the table right before it does.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-23
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM origins WHERE kind = 'voucher'")


def downgrade() -> None:
    pass  # an older grantledger's replay (which its init runs) writes them again from the log
