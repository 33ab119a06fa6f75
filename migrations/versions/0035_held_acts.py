"""What waits for a second person, as a read model of its own: ``held_acts``, one row per act held for approval
(held payments and investments, reopenings of a closed year; other held acts add their folds), keyed by the
voucher or document number ``approve`` takes. ``report pending`` and the web's 待审批 page read it. ``init``
replays every projection after an upgrade, so an existing ledger's table is filled from the log.

Revision ID: 0035
Revises: 0021
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "held_acts",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(32)),
        sa.Column("application", sa.String(64)),
        sa.Column("unit", sa.String(18)),
        sa.Column("clause", sa.String(64)),
        sa.Column("fund", sa.String(64)),
        sa.Column("year", sa.Integer),
        sa.Column("amount", sa.BigInteger),
        sa.Column("maker", sa.String(200)),
        sa.Column("made_on", sa.String(10)),
        sa.Column("made_seq", sa.BigInteger),
        sa.Column("reason", sa.String(400)),
        sa.Column("rule", sa.String(32)),
        sa.Column("status", sa.String(16)),
        sa.Column("settled_by", sa.String(200)),
        sa.Column("settled_on", sa.String(10)),
        sa.Column("settled_seq", sa.BigInteger),
        sa.Column("settled_reason", sa.String(400)),
    )
    op.create_index("ix_held_acts_status", "held_acts", ["status"])
    op.create_index("ix_held_acts_application", "held_acts", ["application"])


def downgrade() -> None:
    op.drop_index("ix_held_acts_application", table_name="held_acts")
    op.drop_index("ix_held_acts_status", table_name="held_acts")
    op.drop_table("held_acts")
