"""coordination: role changes, invites, reminders and deliveries, uploaded forms; member username/active/muted

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("username", sa.String(64), nullable=True))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("muted", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index(batch.f("ix_members_username"), ["username"])
    op.create_table(
        "role_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("old_role", sa.String(32), nullable=True),
        sa.Column("new_role", sa.String(32), nullable=False),
        sa.Column("changed_by", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_role_changes_member_id_members"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_changes")),
    )
    op.create_index(op.f("ix_role_changes_member_id"), "role_changes", ["member_id"])
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("code", name=op.f("uq_invites_code")),
    )
    op.create_table(
        "reminder_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("template", sa.String(64), nullable=True),
        sa.Column("template_args", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_schedules")),
    )
    op.create_index(op.f("ix_reminder_schedules_next_run_at"), "reminder_schedules", ["next_run_at"])
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("template", sa.String(64), nullable=True),
        sa.Column("template_args", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["schedule_id"], ["reminder_schedules.id"], name=op.f("fk_reminders_schedule_id_reminder_schedules"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("schedule_id", "scheduled_for", name="uq_reminders_schedule_id_scheduled_for"),
    )
    op.create_index(op.f("ix_reminders_schedule_id"), "reminders", ["schedule_id"])
    op.create_index(op.f("ix_reminders_status"), "reminders", ["status"])
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["reminder_id"], ["reminders.id"], name=op.f("fk_reminder_deliveries_reminder_id_reminders"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_reminder_deliveries_member_id_members"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_deliveries")),
        sa.UniqueConstraint("reminder_id", "member_id", name="uq_reminder_deliveries_reminder_id_member_id"),
    )
    op.create_index(op.f("ix_reminder_deliveries_reminder_id"), "reminder_deliveries", ["reminder_id"])
    op.create_index(op.f("ix_reminder_deliveries_member_id"), "reminder_deliveries", ["member_id"])
    op.create_index(op.f("ix_reminder_deliveries_status"), "reminder_deliveries", ["status"])
    op.create_table(
        "form_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(256), nullable=False),
        sa.Column("form_id", sa.String(128), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("published_form_pk", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["published_form_pk"], ["survey_forms.id"], name=op.f("fk_form_uploads_published_form_pk_survey_forms"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_uploads")),
    )


def downgrade() -> None:
    op.drop_table("form_uploads")
    op.drop_table("reminder_deliveries")
    op.drop_table("reminders")
    op.drop_table("reminder_schedules")
    op.drop_table("invites")
    op.drop_table("role_changes")
    with op.batch_alter_table("members") as batch:
        batch.drop_index(batch.f("ix_members_username"))
        batch.drop_column("muted")
        batch.drop_column("active")
        batch.drop_column("username")
