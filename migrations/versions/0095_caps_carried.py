"""caps_carried: the caps read model counts ``UnitCap.Carried`` as the aggregate does (issue 28).

No table changes: ``init`` rebuilds every projection from the log after any migration, so a ledger whose
lifetime totals carried first-edition awards gets its ``caps`` rows recounted; ``verify`` refuses the read
models until then (``migrate.check_current``), rather than reporting them as tampered with.

Revision ID: 0095
Revises: 0060
Create Date: 2026-12-02
"""

revision = "0095"
down_revision = "0060"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
