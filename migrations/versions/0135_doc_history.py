"""doc_history: ``history DOC`` of a correction's or a re-charge's document lists its whole life (issue 27).

No table changes: the ``event_keys`` rows of a proposal, its approval or withdrawal and what the approval
released are now also keyed by the document number. ``init`` rebuilds every projection from the log after any
migration, so an existing ledger's history gets those rows; ``verify`` refuses the read models until then
(``migrate.check_current``), rather than reporting them as tampered with.

Revision ID: 0135
Revises: 0124
Create Date: 2026-12-03
"""

revision = "0135"
down_revision = "0124"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
