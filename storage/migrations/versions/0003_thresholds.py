"""thresholds: reference, imported and survey-reported threshold values

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "thresholds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by", sa.BigInteger(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("jurisdiction_name", sa.String(length=128), nullable=False),
        sa.Column("jurisdiction_level", sa.String(length=64), nullable=False),
        sa.Column("jurisdiction_level_original", sa.Text(), nullable=False),
        sa.Column("pollutant_id", sa.String(length=64), nullable=False),
        sa.Column("pollutant_family", sa.String(length=64), nullable=False),
        sa.Column("pollutant_name", sa.String(length=256), nullable=False),
        sa.Column("pollutant_group", sa.String(length=64), nullable=False),
        sa.Column("pollutant_species", sa.String(length=64), nullable=True),
        sa.Column("pollutant_original", sa.Text(), nullable=False),
        sa.Column("cas", sa.String(length=32), nullable=True),
        sa.Column("land_use", sa.String(length=32), nullable=False),
        sa.Column("land_use_covers", sa.String(length=128), nullable=False),
        sa.Column("land_use_original", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("value_min", sa.Float(), nullable=True),
        sa.Column("value_max", sa.Float(), nullable=True),
        sa.Column("value_original", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("unit_original", sa.String(length=128), nullable=False),
        sa.Column("value_type", sa.String(length=64), nullable=False),
        sa.Column("value_type_original", sa.Text(), nullable=False),
        sa.Column("basis", sa.String(length=64), nullable=False),
        sa.Column("basis_original", sa.Text(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("ph_min", sa.Float(), nullable=True),
        sa.Column("ph_max", sa.Float(), nullable=True),
        sa.Column("ph_min_inclusive", sa.Boolean(), nullable=False),
        sa.Column("ph_max_inclusive", sa.Boolean(), nullable=False),
        sa.Column("legal_status", sa.String(length=64), nullable=False),
        sa.Column("legal_status_original", sa.Text(), nullable=False),
        sa.Column("instrument", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("year_original", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], name=op.f("fk_thresholds_submission_id_submissions"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thresholds")),
        sa.UniqueConstraint("source_key", name=op.f("uq_thresholds_source_key")),
    )
    op.create_index(op.f("ix_thresholds_review_status"), "thresholds", ["review_status"])
    op.create_index(op.f("ix_thresholds_submission_id"), "thresholds", ["submission_id"])
    op.create_index(op.f("ix_thresholds_jurisdiction"), "thresholds", ["jurisdiction"])
    op.create_index(op.f("ix_thresholds_pollutant_id"), "thresholds", ["pollutant_id"])


def downgrade() -> None:
    op.drop_table("thresholds")
