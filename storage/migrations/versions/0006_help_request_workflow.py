"""help requests as a workflow: outcome, acknowledged/closed times, and their history

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("open", "acknowledged", "visit_proposed", "visit_booked", "resolved", "closed")
_KINDS = ("created", "acknowledged", "visit_booked", "resolved", "closed", "escalated")


def upgrade() -> None:
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.alter_column("outcome", server_default=None)
    op.create_table(
        "help_request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(*_KINDS, name="helpeventkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "to_status",
            sa.Enum(*_STATUSES, name="helpstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_help_request_events_actor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_help_request_events_request_id_help_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_help_request_events_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_request_events")),
    )
    op.create_index(
        op.f("ix_help_request_events_request_id"),
        "help_request_events",
        ["request_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_help_request_events_request_id"), table_name="help_request_events")
    op.drop_table("help_request_events")
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("acknowledged_at")
        batch_op.drop_column("outcome")
