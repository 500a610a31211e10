"""role_changes.old_country, new_country: who made whom the focal point of which country (NULL in rows
recorded before)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("role_changes") as batch:
        batch.add_column(sa.Column("old_country", sa.String(length=2), nullable=True))
        batch.add_column(sa.Column("new_country", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("role_changes") as batch:
        batch.drop_column("new_country")
        batch.drop_column("old_country")
