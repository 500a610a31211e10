"""conversation_states: aiogram FSM state and data in SQL when no Redis is configured

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_states",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(255), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_conversation_states")),
    )
    op.create_index(op.f("ix_conversation_states_user_id"), "conversation_states", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_conversation_states_user_id"), table_name="conversation_states")
    op.drop_table("conversation_states")
