"""compliance_dates: deadlines the bureau imports for the compliance calendar

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = ("eia_reapproval", "monitoring_report", "pollutant_permit_change", "other")


def upgrade() -> None:
    op.create_table(
        "compliance_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*_KINDS, name="compliancedatekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_compliance_dates_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_dates")),
        sa.UniqueConstraint(
            "enterprise_id",
            "kind",
            "due_on",
            name=op.f("uq_compliance_dates_enterprise_id_kind_due_on"),
        ),
    )
    op.create_index(
        op.f("ix_compliance_dates_due_on"), "compliance_dates", ["due_on"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_compliance_dates_due_on"), table_name="compliance_dates")
    op.drop_table("compliance_dates")
