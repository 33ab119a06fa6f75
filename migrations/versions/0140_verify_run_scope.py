"""verify_runs.scope / since: whether a recorded ``verify`` run was full or incremental (issue 26).

``verify --since-seal`` and ``--from-checkpoint FILE`` trust a seal and fold only the events after it; their
"passed" proves less than a full verify's, so the web view's "last verify" says which kind of run it was:
``full``, ``seal`` (the latest seal in the log) or ``checkpoint`` (a seal file the auditor kept), and for an
incremental run the sealed position it started from. Rows recorded before this migration keep NULL (the kind
was not recorded) and their signatures still check (``projections.verify_runs.DOMAIN``).

Revision ID: 0140
Revises: 0135
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0140"
down_revision = "0135"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("verify_runs", sa.Column("scope", sa.String(16)))
    op.add_column("verify_runs", sa.Column("since", sa.BigInteger))


def downgrade() -> None:
    with op.batch_alter_table("verify_runs") as batch:
        batch.drop_column("since")
        batch.drop_column("scope")
