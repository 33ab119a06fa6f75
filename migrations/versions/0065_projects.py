"""项目管理 (issue 24): ``projects``, one row per project (an award with a schedule of tranches, a term or a
budget, or one that recorded a milestone, an amendment or its closeout). ``report overdue`` and the
statement's tranches read it. ``init`` replays every projection after an upgrade, so an existing ledger's
table is filled from the log.

Revision ID: 0065
Revises: 0095
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0065"
down_revision = "0095"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("application", sa.String(64), primary_key=True),
        sa.Column("unit", sa.String(18)),
        sa.Column("clause", sa.String(64)),
        sa.Column("fund", sa.String(64)),
        sa.Column("year", sa.Integer),
        sa.Column("opened_on", sa.String(10)),
        sa.Column("end_date", sa.String(10)),
        sa.Column("tranches", sa.String(400)),
        sa.Column("released", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("signing_on", sa.String(10)),
        sa.Column("midterm_on", sa.String(10)),
        sa.Column("acceptance_on", sa.String(10)),
        sa.Column("evaluation_on", sa.String(10)),
        sa.Column("status", sa.String(16)),
        sa.Column("result", sa.String(8)),
        sa.Column("close_doc", sa.String(64)),
        sa.Column("closed_on", sa.String(10)),
        sa.Column("balance", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("recovered", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("retained", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("retain_doc", sa.String(64)),
    )
    op.create_index("ix_projects_end_date", "projects", ["end_date"])


def downgrade() -> None:
    op.drop_index("ix_projects_end_date", table_name="projects")
    op.drop_table("projects")
