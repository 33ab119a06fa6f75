"""Indexes for the reads a clerk runs most at 10^6 events: the journal by account (``report pending`` looked
for the held payments' lines by scanning every journal line) and the origins by kind (``role list`` scanned
every aggregate's origin for the people). A replay drops and makes them again like the others.

Revision ID: 0020
Revises: 0017
Create Date: 2026-11-23
"""

from alembic import op

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_journal_account", "journal", ["account"], if_not_exists=True)
    op.create_index("ix_origins_kind", "origins", ["kind"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_origins_kind", table_name="origins")
    op.drop_index("ix_journal_account", table_name="journal")
