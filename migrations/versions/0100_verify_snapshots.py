"""verify_snapshots: verify's fold states at each sealed position, for ``verify --since-seal`` (issue 26).

Not a projection and not part of the log: ``seal`` (and ``close``) writes one row per sealed position, and the
seal's signature covers the row's sha256, so a changed row is a finding, never a starting point
(``projections.resume``).

Revision ID: 0100
Revises: 0065
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0065"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verify_snapshots",
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("verify_snapshots")
