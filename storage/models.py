"""SQLAlchemy models: what the bot stores, one class per table."""

from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(str, enum.Enum):
    """What a member does in the network; decides which surveys and tools they see."""

    FOCAL_POINT = "focal_point"
    LAB = "lab"
    MEMBER = "member"
    COORDINATOR = "coordinator"


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    onboarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def is_onboarded(self) -> bool:
        return self.onboarded_at is not None


class SubmissionStatus(str, enum.Enum):
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
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    def audience_roles(self) -> set[str]:
        return {role for role in self.audience.split(",") if role}


class Submission(Base):
    """A member's response to one form version: a draft while answering, then submitted."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_pk: Mapped[int] = mapped_column(ForeignKey("survey_forms.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), nullable=True, index=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=SubmissionStatus.DRAFT.value, index=True)
    state: Mapped[dict] = mapped_column(JSON)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Survey input goes here while this is the member's open survey; /cancel sets it False.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Choices ticked on a select_multiple question before "Done", by question path.
    pending: Mapped[dict] = mapped_column(JSON, default=dict)
    last_update_id: Mapped[int] = mapped_column(BigInteger, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewStatus(str, enum.Enum):
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
    review_status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.APPROVED.value, index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"), nullable=True, index=True)
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

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
    year_original: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    row_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
