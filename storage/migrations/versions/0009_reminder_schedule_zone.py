"""reminder_schedules.zone: the coordinator's IANA time zone, so a weekly reminder keeps its local time
across summer time (NULL for schedules made before: seven days apart, as before)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminder_schedules") as batch:
        batch.add_column(sa.Column("zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminder_schedules") as batch:
        batch.drop_column("zone")
