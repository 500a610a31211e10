"""focal points are appointed: members who declared themselves national focal point become members

Until now anyone could pick "National focal point" at /start or in /profile, and a focal point's answer is
its country's official one. From now on only a coordinator makes a focal point (an invite link, /setrole).
A member keeps the role only when the data shows a coordinator gave it: the invite they started with
(`members.start_payload`) is a focal-point invite for the country they are registered in, and it was used.
Everyone else who holds it becomes "member", with a role change recorded (`changed_by` 0: this migration)
so /mydata shows it and a coordinator can confirm them again with /setrole.

An invite link is forwarded: everyone who opened it keeps its code as their start payload, and the ones who
found it used up picked the role (and maybe the invite's country) themselves. When more focal points of the
invite's country carry a code than the invite had uses, the data cannot tell who redeemed it, and none of
them keeps the role by it.

Before this revision role changes were only /promote and /demote: a role change to focal point was a
demotion restoring the role held before the promotion, which says nothing about who gave that role, so
it is not taken as a coordinator's confirmation. A promoted coordinator who was a self-declared focal
point gets the same role change recorded (their role stays coordinator): /demote then gives them
"member" back, not the role they had picked (`RoleRepository.role_before_promotion`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MIGRATION = 0  # role_changes.changed_by: no Telegram account has id 0

members = sa.table(
    "members",
    sa.column("id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("country", sa.String),
    sa.column("start_payload", sa.String),
)
invites = sa.table(
    "invites",
    sa.column("code", sa.String),
    sa.column("country", sa.String),
    sa.column("role", sa.String),
    sa.column("uses", sa.Integer),
)
role_changes = sa.table(
    "role_changes",
    sa.column("id", sa.Integer),
    sa.column("member_id", sa.Integer),
    sa.column("old_role", sa.String),
    sa.column("new_role", sa.String),
    sa.column("changed_by", sa.BigInteger),
    sa.column("changed_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    carriers = members.alias("carriers")
    invited = (
        sa.select(invites.c.code)
        .where(
            invites.c.code == members.c.start_payload,
            invites.c.role == "focal_point",
            invites.c.country == members.c.country,
            invites.c.uses > 0,
            # A forwarded link: more members started with it than it could be used by.
            invites.c.uses
            >= sa.select(sa.func.count())
            .where(
                carriers.c.start_payload == invites.c.code,
                carriers.c.country == invites.c.country,
                carriers.c.role.in_(("focal_point", "coordinator")),
            )
            .scalar_subquery(),
        )
        .exists()
    )
    connection = op.get_bind()
    self_declared = [
        row.id
        for row in connection.execute(
            sa.select(members.c.id).where(members.c.role == "focal_point", ~invited).order_by(members.c.id)
        )
    ]
    # Coordinators promoted from a focal-point role nobody gave them: recorded, so /demote does not give it back.
    promoted = []
    for row in connection.execute(
        sa.select(members.c.id).where(members.c.role == "coordinator", ~invited).order_by(members.c.id)
    ):
        before = connection.execute(
            sa.select(role_changes.c.old_role)
            .where(role_changes.c.member_id == row.id, role_changes.c.new_role == "coordinator")
            .order_by(role_changes.c.id.desc())
            .limit(1)
        ).scalar()
        if before == "focal_point":
            promoted.append(row.id)
    if not self_declared and not promoted:
        return
    now = datetime.now(UTC)
    connection.execute(
        role_changes.insert(),
        [
            {"member_id": member_id, "old_role": "focal_point", "new_role": "member", "changed_by": MIGRATION,
             "changed_at": now}
            for member_id in self_declared + promoted
        ],
    )
    if self_declared:
        connection.execute(members.update().where(members.c.id.in_(self_declared)).values(role="member"))


def downgrade() -> None:
    # Give back the role this revision took (its own role changes say whose), and forget those changes.
    stepped_down = sa.select(role_changes.c.member_id).where(
        role_changes.c.changed_by == MIGRATION,
        role_changes.c.old_role == "focal_point",
        role_changes.c.new_role == "member",
    )
    connection = op.get_bind()
    connection.execute(
        members.update().where(members.c.id.in_(stepped_down), members.c.role == "member").values(role="focal_point")
    )
    connection.execute(
        role_changes.delete().where(
            role_changes.c.changed_by == MIGRATION,
            role_changes.c.old_role == "focal_point",
            role_changes.c.new_role == "member",
        )
    )
