"""SQLAlchemy models: what the bot stores, one class per table."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    inspect,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column
from sqlalchemy.types import TypeDecorator

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, timezone-aware, for every stored timestamp."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and read back timezone-aware in UTC, on SQLite (which keeps no zone) as on
    PostgreSQL. The column stays `DateTime(timezone=True)`: the schema is unchanged."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        # SQLite writes the wall-clock digits and drops the zone: an aware value becomes UTC first, so
        # stored text compares in time order. A naive value is taken as UTC already (as it always was).
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def status_type(statuses: type[enum.StrEnum], length: int) -> Enum:
    """A status column read and written as its Enum, stored as the member's plain value in VARCHAR(length):
    no native enum type and no CHECK constraint, so the schema is the one the migrations built."""
    return Enum(
        statuses,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ValueTooLong(ValueError):
    """A string longer than its column allows. Names the table and column, never the value (it may be personal)."""

    def __init__(self, table: str, column: str, length: int, limit: int) -> None:
        super().__init__(f"{table}.{column}: {length} characters, at most {limit}")
        self.table, self.column, self.length, self.limit = table, column, length, limit


def column_width(attribute) -> int | None:
    """The width of a String(n) column (`column_width(Member.name)` -> 256); None if unbounded."""
    return getattr(attribute.property.columns[0].type, "length", None)


def string_widths(model: type) -> dict[str, int]:
    """Attribute -> width of every String(n) column of a mapped class."""
    return {key: length for key, _column, length in _widths(inspect(model))}


@overload
def fit_column(attribute: Any, value: str) -> str: ...
@overload
def fit_column(attribute: Any, value: None) -> None: ...
def fit_column(attribute: Any, value: str | None) -> str | None:
    """`value` shortened with an ellipsis to fit its column: only for secondary text (a Telegram name)."""
    width = column_width(attribute)
    if value is None or width is None or len(value) <= width:
        return value
    return value[: width - 1].rstrip() + "…"


_WIDTHS: dict[type, list[tuple[str, str, int]]] = {}


def _widths(mapper: Mapper) -> list[tuple[str, str, int]]:
    """(attribute, column, width) of every String(n) column of a mapped class, computed once."""
    cached = _WIDTHS.get(mapper.class_)
    if cached is None:
        cached = []
        for attribute in mapper.column_attrs:
            column = attribute.columns[0]
            length = getattr(column.type, "length", None)
            if isinstance(column.type, String) and length:
                cached.append((attribute.key, column.name, length))
        _WIDTHS[mapper.class_] = cached
    return cached


def _check_widths(mapper: Mapper, _connection, target) -> None:
    # PostgreSQL refuses an overlong VARCHAR and SQLite stores it silently: both now refuse it here,
    # before any SQL, with the column named. Inputs are bounded (or shortened) before this point;
    # this is the guard that keeps a forgotten path from failing only in production.
    for key, column, length in _widths(mapper):
        value = target.__dict__.get(key)
        if isinstance(value, str) and len(value) > length:
            raise ValueTooLong(mapper.local_table.name, column, len(value), length)


def check_row_widths(model: type, row: dict) -> None:
    """The same guard for a row written with a Core INSERT (bulk inserts fire no ORM events)."""
    mapper = inspect(model)
    for key, column, length in _widths(mapper):
        value = row.get(key)
        if isinstance(value, str) and len(value) > length:
            raise ValueTooLong(mapper.local_table.name, column, len(value), length)


event.listen(Base, "before_insert", _check_widths, propagate=True)
event.listen(Base, "before_update", _check_widths, propagate=True)


class Role(enum.StrEnum):
    """What a member does in the network; decides which surveys and tools they see."""

    FOCAL_POINT = "focal_point"
    LAB = "lab"
    MEMBER = "member"
    COORDINATOR = "coordinator"


# The roles a member picks for themselves. National focal points are appointed by a coordinator (invite
# link, /setrole): their answers speak for their country. Coordinators are appointed too (/promote).
SELF_CHOSEN_ROLES = frozenset({Role.LAB, Role.MEMBER})


class Member(Base):
    """A person who talks to the bot, keyed by their Telegram user id."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(256), default="")
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    start_payload: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Coordination (0004): Telegram @username for /promote, False once the member blocked the bot,
    # and /mute to stop reminders.
    username: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    muted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def is_onboarded(self) -> bool:
        return self.onboarded_at is not None


class SubmissionStatus(enum.StrEnum):
    """Where a survey response stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class SurveyForm(Base):
    """One published version of an XLSForm, stored whole so old drafts stay answerable."""

    __tablename__ = "survey_forms"
    __table_args__ = (UniqueConstraint("form_id", "version", name="uq_survey_forms_form_id_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(512), default="")
    definition: Mapped[dict] = mapped_column(JSON)
    audience: Mapped[str] = mapped_column(String(128), default="")  # comma-separated roles
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    source_name: Mapped[str] = mapped_column(String(256), default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    def audience_roles(self) -> set[str]:
        return {role for role in self.audience.split(",") if role}


class Submission(Base):
    """A member's response to one form version: a draft while answering, then submitted."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_pk: Mapped[int] = mapped_column(ForeignKey("survey_forms.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    status: Mapped[SubmissionStatus] = mapped_column(
        status_type(SubmissionStatus, 16), default=SubmissionStatus.DRAFT, index=True
    )
    state: Mapped[dict] = mapped_column(JSON)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Survey input goes here while this is the member's open survey; /cancel sets it False.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Choices ticked on a select_multiple question before "Done", by question path.
    pending: Mapped[dict] = mapped_column(JSON, default=dict)
    last_update_id: Mapped[int] = mapped_column(BigInteger, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __mapper_args__ = {"version_id_col": revision}


class SurveyAnswer(Base):
    """Every answer as it was given (the audit trail); one row per Telegram update at most."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("submission_id", "update_id", name="uq_survey_answers_submission_id_update_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int] = mapped_column(BigInteger)
    question: Mapped[str] = mapped_column(String(512))
    action: Mapped[str] = mapped_column(String(16))  # answer / skip / back / edit
    value: Mapped[object] = mapped_column(JSON, nullable=True)
    accepted: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewStatus(enum.StrEnum):
    """Whether a threshold value may appear in lookups."""

    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"


class Threshold(Base):
    """One threshold value (or a country's recorded status), normalized with its original wording.

    Columns mirror `bot.lookup.ThresholdRecord`; `origin` says where it came from (the reference
    seed, an imported file, or a focal point's survey answer) and only approved rows are looked up.
    """

    __tablename__ = "thresholds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(String(64), unique=True)
    origin: Mapped[str] = mapped_column(String(16), default="reference")
    review_status: Mapped[ReviewStatus] = mapped_column(
        status_type(ReviewStatus, 16), default=ReviewStatus.APPROVED, index=True
    )
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    kind: Mapped[str] = mapped_column(String(16))
    jurisdiction: Mapped[str] = mapped_column(String(8), index=True)
    jurisdiction_name: Mapped[str] = mapped_column(String(128))
    jurisdiction_level: Mapped[str] = mapped_column(String(64))
    jurisdiction_level_original: Mapped[str] = mapped_column(Text)
    pollutant_id: Mapped[str] = mapped_column(String(64), index=True)
    pollutant_family: Mapped[str] = mapped_column(String(64))
    pollutant_name: Mapped[str] = mapped_column(String(256))
    pollutant_group: Mapped[str] = mapped_column(String(64))
    pollutant_species: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pollutant_original: Mapped[str] = mapped_column(Text)
    cas: Mapped[str | None] = mapped_column(String(32), nullable=True)
    land_use: Mapped[str] = mapped_column(String(32))
    land_use_covers: Mapped[str] = mapped_column(String(128))
    land_use_original: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_max: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_original: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(32))
    unit_original: Mapped[str] = mapped_column(String(128))
    value_type: Mapped[str] = mapped_column(String(64))
    value_type_original: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(String(64))
    basis_original: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str] = mapped_column(Text)
    ph_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    ph_max: Mapped[float | None] = mapped_column(Float, nullable=True)
    ph_min_inclusive: Mapped[bool] = mapped_column(Boolean, default=True)
    ph_max_inclusive: Mapped[bool] = mapped_column(Boolean, default=True)
    legal_status: Mapped[str] = mapped_column(String(64))
    legal_status_original: Mapped[str] = mapped_column(Text)
    instrument: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    year_original: Mapped[str] = mapped_column(String(256))
    source: Mapped[str] = mapped_column(Text)
    row_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # 0006: where the value was read (coordinators and exports only, never shown to users), what
    # crossing it means (tier) and protects (target), and the conditions it depends on, normalized.
    verification_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    tier: Mapped[str] = mapped_column(String(16), default="", server_default="")
    target: Mapped[str] = mapped_column(String(64), default="", server_default="")
    land_use_detail: Mapped[str] = mapped_column(String(128), default="", server_default="")
    soil_texture: Mapped[str] = mapped_column(String(16), default="", server_default="")
    organic_carbon: Mapped[str] = mapped_column(String(32), default="", server_default="")
    extraction: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # A reference row's identity across versions of the seed (jurisdiction, pollutant, land use, value
    # type and conditions): a new seed updates the row with that identity instead of adding another.
    seed_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # A reference row the current seed no longer has: kept, never served.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ThresholdRevision(Base):
    """A row's earlier content: a reference row's, kept when a new seed changed or retired it; a survey value's
    rejection, kept when the value was sent again in a new submission ("resubmitted", no seed digest)."""

    __tablename__ = "threshold_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    threshold_id: Mapped[int] = mapped_column(ForeignKey("thresholds.id", ondelete="CASCADE"), index=True)
    change: Mapped[str] = mapped_column(String(16))  # updated / retired / restored / resubmitted
    previous: Mapped[dict] = mapped_column(JSON)  # the changed columns as they were
    seed_digest: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SeedState(Base):
    """Which version of a shipped data file the database was last brought in line with."""

    __tablename__ = "seed_states"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# ---------------------------------------------------------------------------------------------
# Coordination (issue 5, migration 0004): roles, invites, reminders and their deliveries,
# uploaded survey versions awaiting a coordinator's confirmation.
# ---------------------------------------------------------------------------------------------


class RoleChange(Base):
    """Who gave whom which role, and when: coordinators and national focal points are appointed, never
    self-chosen (/promote, /demote, /setrole; `changed_by` 0 is migration 0008 stepping down self-declared
    focal points)."""

    __tablename__ = "role_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    old_role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    new_role: Mapped[str] = mapped_column(String(32))
    # The member's country before and after (ISO alpha-2): a focal point is appointed for one country
    # (NULL in rows recorded before migration 0010).
    old_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    new_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    changed_by: Mapped[int] = mapped_column(BigInteger)  # Telegram id of the coordinator
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invite(Base):
    """A deep link `/start <code>` that presets a new member's country and role."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(32))
    max_uses: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: any number of people
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderStatus(enum.StrEnum):
    """Where a reminder stands: composed, waiting for its time, being sent, finished."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class DeliveryStatus(enum.StrEnum):
    """One recipient's copy of a reminder.

    queued -> claimed (a sender took it) -> sending (request under way) -> sent / blocked / failed.
    `unknown`: the sender died while Telegram had the request; it is never sent again (no duplicates).
    `skipped`: the member muted reminders or left after the reminder was queued.
    """

    QUEUED = "queued"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"


class ReminderSchedule(Base):
    """A weekly reminder: it creates one Reminder per week until `until`."""

    __tablename__ = "reminder_schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    texts: Mapped[dict] = mapped_column(JSON)
    template: Mapped[str | None] = mapped_column(String(64), nullable=True)
    template_args: Mapped[dict] = mapped_column(JSON, default=dict)
    audience: Mapped[dict] = mapped_column(JSON)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The coordinator's IANA time zone: each week's sending keeps its time on local clocks across summer
    # time. None (schedules made before zones had names): exactly seven days apart.
    zone: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Reminder(Base):
    """One message to an audience, in each recipient's language; sent now or at `scheduled_for`."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("schedule_id", "scheduled_for", name="uq_reminders_schedule_id_scheduled_for"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminder_schedules.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_by: Mapped[int] = mapped_column(BigInteger)
    # Text per language code, written by the coordinator; or a catalog template rendered per recipient.
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    template: Mapped[str | None] = mapped_column(String(64), nullable=True)
    template_args: Mapped[dict] = mapped_column(JSON, default=dict)
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[ReminderStatus] = mapped_column(
        status_type(ReminderStatus, 16), default=ReminderStatus.DRAFT, index=True
    )
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ReminderDelivery(Base):
    """A reminder's copy for one member; the unique pair makes a second copy impossible."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("reminder_id", "member_id", name="uq_reminder_deliveries_reminder_id_member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(16))
    status: Mapped[DeliveryStatus] = mapped_column(
        status_type(DeliveryStatus, 16), default=DeliveryStatus.QUEUED, index=True
    )
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class FormUpload(Base):
    """An XLSForm a coordinator sent, checked and waiting for their confirmation to publish."""

    __tablename__ = "form_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uploaded_by: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(256))
    form_id: Mapped[str] = mapped_column(String(128))
    version: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(512), default="")
    definition: Mapped[dict] = mapped_column(JSON)
    published_form_pk: Mapped[int | None] = mapped_column(
        ForeignKey("survey_forms.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversationState(Base):
    """Where a chat stands in a multi-step exchange (aiogram's FSM state and data), kept across restarts.

    Used when no Redis is configured; the key is aiogram's storage key (bot, chat, user, thread, destiny).
    """

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    state: Mapped[str | None] = mapped_column(String(255), nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyDocument(Base):
    """A document a member sent as the answer to a survey's `file` question: the bytes and what they are.

    The bytes live in the database (SQLite BLOB, PostgreSQL BYTEA): they survive restarts and travel
    with every backup, and a deployment needs no shared data directory. Documents are bounded
    (bot/limits.py: size per file and quota per member), so the table stays within reason.
    """

    __tablename__ = "survey_documents"
    # One document per Telegram update of a submission: a redelivered update stores nothing twice.
    __table_args__ = (
        UniqueConstraint("submission_id", "update_id", name="uq_survey_documents_submission_id_update_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    # Who sent it; NULL after /forget for a document of a submitted survey (kept like its answers).
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    question: Mapped[str] = mapped_column(String(512))  # the answered question's path
    update_id: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(256), default="")  # as sent, for display only
    media_type: Mapped[str] = mapped_column(String(128))  # sniffed from the content, never from the name
    extension: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
