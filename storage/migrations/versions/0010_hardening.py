"""question_log.forwarded_at ("ask a person" is limited per hour); dialogue state tables

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forwarded_at", UTCDateTime(), nullable=True))
    op.create_table(
        "conversation_states",
        sa.Column("name", AutoString(length=64), nullable=False),
        sa.Column("key", AutoString(length=64), nullable=False),
        sa.Column("state", AutoString(length=200), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", "key", name=op.f("pk_conversation_states")),
    )
    op.create_table(
        "conversation_user_data",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("data", AutoString(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_conversation_user_data")),
    )


def downgrade() -> None:
    op.drop_table("conversation_user_data")
    op.drop_table("conversation_states")
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.drop_column("forwarded_at")
