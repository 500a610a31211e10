"""survey_documents: documents sent as answers to XLSForm `file` questions, bytes with checksum, size and type

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.String(512), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(256), nullable=False),
        sa.Column("media_type", sa.String(128), nullable=False),
        sa.Column("extension", sa.String(16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_survey_documents_submission_id_submissions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_survey_documents_member_id_members"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_documents")),
        sa.UniqueConstraint("submission_id", "update_id", name="uq_survey_documents_submission_id_update_id"),
    )
    op.create_index(op.f("ix_survey_documents_submission_id"), "survey_documents", ["submission_id"])
    op.create_index(op.f("ix_survey_documents_member_id"), "survey_documents", ["member_id"])
    op.create_index(op.f("ix_survey_documents_sha256"), "survey_documents", ["sha256"])


def downgrade() -> None:
    op.drop_index(op.f("ix_survey_documents_sha256"), table_name="survey_documents")
    op.drop_index(op.f("ix_survey_documents_member_id"), table_name="survey_documents")
    op.drop_index(op.f("ix_survey_documents_submission_id"), table_name="survey_documents")
    op.drop_table("survey_documents")
