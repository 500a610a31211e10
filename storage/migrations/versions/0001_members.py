"""members: who talks to the bot

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(256), nullable=False, server_default=""),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("start_payload", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("onboarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_members_telegram_id")),
    )


def downgrade() -> None:
    op.drop_table("members")
