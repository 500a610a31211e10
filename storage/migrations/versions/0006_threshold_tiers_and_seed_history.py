"""thresholds: tier, target, normalized conditions, verification note; seed identity, retirement and history

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TEXT_COLUMNS = (
    ("verification_note", sa.Text()),
    ("tier", sa.String(length=16)),
    ("target", sa.String(length=64)),
    ("land_use_detail", sa.String(length=128)),
    ("soil_texture", sa.String(length=16)),
    ("organic_carbon", sa.String(length=32)),
    ("extraction", sa.String(length=32)),
)


def upgrade() -> None:
    # batch mode: SQLite cannot add an index-carrying column in place on every version.
    with op.batch_alter_table("thresholds") as batch:
        for name, column_type in _TEXT_COLUMNS:
            batch.add_column(sa.Column(name, column_type, nullable=False, server_default=""))
        batch.add_column(sa.Column("seed_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_thresholds_seed_key"), ["seed_key"])
        # The 965-row table states years like "2016 (in force 2016-06-01; consolidated as amended by ...)".
        batch.alter_column("year_original", type_=sa.String(length=256), existing_type=sa.String(length=64),
                           existing_nullable=False)
    op.create_table(
        "threshold_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("threshold_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.Column("seed_digest", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["threshold_id"], ["thresholds.id"], name=op.f("fk_threshold_revisions_threshold_id_thresholds"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threshold_revisions")),
    )
    op.create_index(op.f("ix_threshold_revisions_threshold_id"), "threshold_revisions", ["threshold_id"])
    op.create_table(
        "seed_states",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_seed_states")),
    )


def downgrade() -> None:
    op.drop_table("seed_states")
    op.drop_index(op.f("ix_threshold_revisions_threshold_id"), table_name="threshold_revisions")
    op.drop_table("threshold_revisions")
    with op.batch_alter_table("thresholds") as batch:
        batch.alter_column("year_original", type_=sa.String(length=64), existing_type=sa.String(length=256),
                           existing_nullable=False)
        batch.drop_index(batch.f("ix_thresholds_seed_key"))
        batch.drop_column("retired_at")
        batch.drop_column("seed_key")
        for name, _ in reversed(_TEXT_COLUMNS):
            batch.drop_column(name)
