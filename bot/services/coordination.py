"""Coordinator operations: roles, invites, muting, statistics, threshold review, exports, publishing forms.

Each function owns its transaction; reminders live in `bot.services.coord_reminders`.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.countries import FAO_MEMBERS
from bot.heavy import HeavyWork
from bot.lookup.records import CSV_COLUMNS, LAND_USES, RowError, ThresholdRecord, normalize_row
from bot.lookup.survey_entries import is_not_detected, typed_value_type, value_question
from bot.reports.campaign import CampaignStats, decode_answers, region_order, summarize_campaign  # noqa: F401 (handlers sort by region_order)
from bot.reports.export import ExportFiles, build_export
from bot.reports.regions import load_regions
from bot.services.documents import DocumentView, threshold_documents
from bot.survey import Form, FormError
from bot.survey.limits import FormProblem
from bot.survey.sandbox import FormReader
from storage.models import (
    FormUpload,
    Invite,
    Member,
    ReviewStatus,
    Role,
    SubmissionStatus,
    SurveyAnswer,
    SurveyForm,
    Threshold,
    column_width,
    fit_column,
    utcnow,
)
from storage.repositories.forms import FormRepository
from storage.repositories.invites import InviteRepository
from storage.repositories.members import MemberRepository
from storage.repositories.review import ReviewRepository
from storage.repositories.roles import RoleRepository
from storage.repositories.statistics import StatisticsRepository
from storage.repositories.surveys import SurveyRepository

if TYPE_CHECKING:  # members imports this module
    from bot.services.members import User

INVITE_PREFIX = "inv-"
INVITE_ROLES = (Role.FOCAL_POINT, Role.LAB, Role.MEMBER)
DEFAULT_INVITE_DAYS = 30
MIN_INVITE_DAYS, MAX_INVITE_DAYS = 1, 365
# Units a reviewer may correct a reported value to; the value is converted again from the original wording.
CORRECTION_UNITS = ("mg/kg", "µg/kg", "g/kg", "ng/g")
CORRECTION_LAND_USES = LAND_USES
# Most characters of a reviewer's reason for rejecting a value (asked again if longer).
REASON_LIMIT = 2000


class NotFound(Exception):
    """The member, invite, threshold or upload does not exist (any more)."""


class NotAllowed(Exception):
    """The change is not possible in this state (already reviewed, configured coordinator...)."""


# ---------------------------------------------------------------- roles


@dataclass
class RoleResult:
    member: Member
    old_role: str | None
    new_role: str


# Telegram ids are stored as BIGINT; a longer number names nobody (and must not reach SQL).
_BIGINT_MAX = 2**63 - 1


def _is_id(reference: str) -> bool:
    """A Telegram id as typed: ASCII digits only ("²" and "١٠١" are digits to `str.isdigit`, not ids)."""
    digits = reference.removeprefix("-")
    return digits.isascii() and digits.isdigit()


async def _lookup(repo: RoleRepository, reference: str) -> Member | None:
    """A member by Telegram id ("123456") or @username; None for a number no Telegram id can be."""
    if _is_id(reference):
        number = int(reference) if len(reference) <= 20 else _BIGINT_MAX + 1
        return await repo.member(number) if abs(number) <= _BIGINT_MAX else None
    if len(reference.lstrip("@")) > 64:  # longer than any username the bot stores
        return None
    return await repo.member_by_username(reference)


async def promote(session: AsyncSession, reference: str, by: int) -> RoleResult:
    """Make a member a coordinator, recording who did it."""
    async with session.begin():
        repo = RoleRepository(session)
        member = await _lookup(repo, reference)
        if member is None:
            raise NotFound(reference)
        old = member.role
        if old == Role.COORDINATOR:
            raise NotAllowed("already a coordinator")
        await repo.change_role(member, Role.COORDINATOR, by)
    return RoleResult(member, old, Role.COORDINATOR)


async def demote(session: AsyncSession, reference: str, by: int, configured: list[int]) -> RoleResult:
    """Give a promoted coordinator back the role they had before (configured coordinators stay)."""
    if _is_id(reference) and len(reference) <= 20 and int(reference) in configured:
        raise NotAllowed("configured")
    async with session.begin():
        repo = RoleRepository(session)
        member = await _lookup(repo, reference)
        if member is None:
            raise NotFound(reference)
        if member.telegram_id in configured:
            raise NotAllowed("configured")
        if member.role != Role.COORDINATOR:
            raise NotAllowed("not a coordinator")
        previous = await repo.role_before_promotion(member.id) or Role.MEMBER
        await repo.change_role(member, previous, by)
    return RoleResult(member, Role.COORDINATOR, previous)


# Roles a coordinator sets with /setrole; coordinators are made with /promote (and undone with /demote).
SETTABLE_ROLES = (Role.FOCAL_POINT, Role.LAB, Role.MEMBER)


@dataclass
class RoleSet:
    """What /setrole did: the member, their role and country before and after."""

    member: Member
    old_role: str | None
    old_country: str | None


async def set_member_role(
    session: AsyncSession,
    reference: str,
    role: str,
    country: str | None,
    by: int,
    configured_coordinators: Collection[int] = (),
) -> RoleSet:
    """A coordinator sets a member's role (and country, given or kept), in one transaction, recording who did it.

    A national focal point needs a country: the one given, else the member's own (NotAllowed "no country"),
    and one of FAO's member nations (NotAllowed "not a member nation").
    Coordinators (promoted, or configured in COORDINATOR_IDS) are changed with /promote and /demote or the
    configuration only (NotAllowed "coordinator"); a change that changes nothing is NotAllowed "unchanged".
    """
    if role not in SETTABLE_ROLES:
        raise ValueError(f"role {role!r} is not set with /setrole")
    async with session.begin():
        repo = RoleRepository(session)
        member = await _lookup(repo, reference)
        if member is None:
            raise NotFound(reference)
        if member.role == Role.COORDINATOR or member.telegram_id in configured_coordinators:
            raise NotAllowed("coordinator")
        new_country = country.upper() if country else member.country
        if role == Role.FOCAL_POINT and not new_country:
            raise NotAllowed("no country")
        if role == Role.FOCAL_POINT and new_country not in FAO_MEMBERS:
            raise NotAllowed("not a member nation", new_country)  # Antarctica, Kosovo: no national focal point
        old_role, old_country = member.role, member.country
        if (old_role, old_country) == (role, new_country):
            raise NotAllowed("unchanged")
        # Recorded even when only the country moves: who made whom the focal point of which country.
        await repo.change_role(member, role, by, new_country)
        if member.country and member.onboarded_at is None:
            member.onboarded_at = utcnow()  # nothing left to ask: the coordinator said both
    return RoleSet(member, old_role, old_country)


async def coordinator_chats(session: AsyncSession, configured: list[int]) -> dict[int, str | None]:
    """Every coordinator's Telegram id with their stored language (for their command menu)."""
    async with session.begin():
        repo = RoleRepository(session)
        chats: dict[int, str | None] = {telegram_id: None for telegram_id in configured}
        for promoted in await repo.promoted_coordinators():
            chats[promoted.telegram_id] = promoted.language
        for telegram_id in configured:
            configured_member = await repo.member(telegram_id)
            if configured_member is not None:
                chats[telegram_id] = configured_member.language
    return chats


async def set_muted(session: AsyncSession, user: User, muted: bool) -> Member:
    """/mute and /unmute: whether the member receives reminders."""
    async with session.begin():
        member = await MemberRepository(session).get_or_create(user.id, user.full_name)
        member.muted = muted
        member.active = True
    return member


# ---------------------------------------------------------------- invites


async def create_invite(
    session: AsyncSession, by: int, country: str, role: str, multi_use: bool, days: int = DEFAULT_INVITE_DAYS
) -> Invite:
    """A new invite code for a country and role, single- or multi-use, valid for `days`."""
    if role not in INVITE_ROLES:
        raise ValueError(f"role {role!r} cannot be preset by an invite")
    if not MIN_INVITE_DAYS <= days <= MAX_INVITE_DAYS:
        raise ValueError(f"an invite is valid for {MIN_INVITE_DAYS} to {MAX_INVITE_DAYS} days, not {days}")
    if role == Role.FOCAL_POINT and country.upper() not in FAO_MEMBERS:
        raise NotAllowed("not a member nation", country.upper())
    async with session.begin():
        code = INVITE_PREFIX + secrets.token_urlsafe(9)
        return await InviteRepository(session).add_invite(
            code, country.upper(), role, None if multi_use else 1, utcnow() + timedelta(days=days), by
        )


@dataclass
class InviteOutcome:
    """What an invite link did for the member who opened it."""

    applied: bool
    invite: Invite | None = None
    member: Member | None = None


def is_invite_code(payload: str | None) -> bool:
    """Whether a /start payload is one of our invite codes (other payloads are kept as they are)."""
    return payload is not None and payload.startswith(INVITE_PREFIX)


async def redeem_invite(session: AsyncSession, user: User, code: str) -> InviteOutcome:
    """Preset country and role from a valid invite; used or expired codes change nothing."""
    async with session.begin():
        repo = InviteRepository(session)
        member = await MemberRepository(session).get_or_create(user.id, user.full_name)
        invite = await repo.invite(code)
        if member.is_onboarded:
            # Someone with a profile keeps it; the link is not used up by them.
            return InviteOutcome(applied=False, invite=invite, member=member)
        applied = await apply_invite(repo, member, code)
    return InviteOutcome(applied=applied, invite=invite, member=member)


async def apply_invite(repo: InviteRepository, member: Member, code: str) -> bool:
    """Use the invite (inside the caller's transaction) and preset the member's country and role from it;
    False when it is unknown, expired or used up."""
    invite = await repo.invite(code)
    if invite is None or not await repo.use_invite(code, utcnow()):
        return False
    if member.role != Role.COORDINATOR and (member.role, member.country) != (invite.role, invite.country):
        # Recorded as the invite's author's doing: who made whom a focal point (or a lab) of which country.
        await RoleRepository(repo.session).change_role(member, invite.role, invite.created_by, invite.country)
    member.country = invite.country
    member.onboarded_at = utcnow()
    return True


# ---------------------------------------------------------------- statistics


async def campaign_stats(session: AsyncSession, heavy: HeavyWork | None = None) -> CampaignStats:
    """Per form counts by region and country, and the action-plan indicators computed from submissions.

    The rows are read here; the counting runs in the heavy-work process when `heavy` is given.
    """
    async with session.begin():
        repo = StatisticsRepository(session)
        forms = [(form.form_id, form.title) for form in await SurveyRepository(session).current_forms()]
        # Answers stay JSON text: the worker decodes them, the bot process builds none of their dicts.
        rows = await repo.submission_rows(data_as_text=True)
        member_rows = await repo.member_rows()
    if heavy is not None:
        return await heavy.campaign_stats(forms, rows, member_rows)
    return summarize_campaign(forms, rows, member_rows, load_regions())


# ---------------------------------------------------------------- exports


async def exportable_forms(session: AsyncSession) -> list[SurveyForm]:
    """The current version of every form, to choose from."""
    async with session.begin():
        return await SurveyRepository(session).current_forms()


async def export_rows(session: AsyncSession, form_ref: int | str) -> tuple[SurveyForm, list[dict[str, Any]]]:
    """A form's current version and every submitted response to it (all versions), for an export.

    Each row's answers (`data`) are JSON text; `bot.reports.campaign.decode_answers` turns them into dicts.
    """
    async with session.begin():
        forms, statistics = FormRepository(session), StatisticsRepository(session)
        if isinstance(form_ref, int):
            stored = await SurveyRepository(session).form(form_ref)
            if stored is not None and not stored.is_current:
                stored = await forms.current_form(stored.form_id) or stored
        else:
            stored = await forms.current_form(form_ref)
        if stored is None:
            raise NotFound(form_ref)
        rows = await statistics.submission_rows([stored.form_id], [SubmissionStatus.SUBMITTED], data_as_text=True)
        statuses = await statistics.review_statuses([row["id"] for row in rows])
        for row in rows:
            row["review_status"] = statuses.get(row["id"], "")
    return stored, rows


async def export_form(
    session: AsyncSession,
    form_ref: int | str,
    include_telegram_ids: bool = False,
    label_language: str | None = None,
    heavy: HeavyWork | None = None,
    country_language: str = "en",
) -> tuple[SurveyForm, ExportFiles, int]:
    """XLSX and CSV of every submitted response to a form, laid out by its current version.

    Built in the heavy-work process when `heavy` is given (the bot), else right here (the command line).
    """
    stored, rows = await export_rows(session, form_ref)
    if heavy is not None:
        files = await heavy.export_files(
            stored.definition, rows, label_language, include_telegram_ids, country_language
        )
    else:
        files = build_export(
            stored.definition,
            decode_answers(rows),
            label_language=label_language,
            include_telegram_ids=include_telegram_ids,
            country_language=country_language,
        )
    return stored, files, len(rows)


# ---------------------------------------------------------------- threshold review


@dataclass(frozen=True)
class ReportedValue:
    """A survey-reported value as its review card shows it: plain data, read inside the use case's transaction."""

    id: int
    jurisdiction: str
    jurisdiction_name: str
    pollutant_name: str
    pollutant_original: str
    land_use: str
    land_use_original: str
    value: float | None
    value_min: float | None
    value_max: float | None
    value_original: str
    unit: str
    unit_original: str
    value_type: str
    value_type_original: str
    legal_status: str
    legal_status_original: str
    instrument: str
    year_original: str
    source: str
    # The stored row as the lookups read it: its tier, protection target, pH band and other conditions are
    # rendered with the lookups' own wording.
    record: ThresholdRecord

    @classmethod
    def of(cls, threshold: Threshold) -> ReportedValue:
        record = ThresholdRecord.from_dict(
            {item.name: getattr(threshold, item.name) for item in fields(ThresholdRecord)}
        )
        return cls(
            **{item.name: getattr(threshold, item.name) for item in fields(cls) if item.name != "record"},
            record=record,
        )

    @property
    def not_detected(self) -> bool:
        """Whether the value is "must not be detected": no number is set, so none is shown."""
        return is_not_detected(self.record)

    @property
    def document_name(self) -> str:
        """The value's name in the document ("Prüfwert"), when the respondent gave one."""
        return typed_value_type(self.record)


@dataclass
class ReviewItem:
    """A value waiting for review and what a coordinator needs to judge it."""

    value: ReportedValue
    remaining: int
    submission_country: str | None = None
    submitter_role: str | None = None
    submitter_name: str | None = None
    # Other jurisdictions' values for the same pollutant, land use and unit: (lowest, highest, jurisdictions).
    others_low: float | None = None
    others_high: float | None = None
    others_count: int = 0
    # Files attached to the submission, as lines for the card (filled by the documents feature; none yet).
    documents: tuple[str, ...] = ()
    # The value exactly as the focal point typed it in the survey ("1,000"), when the answer trail has it.
    typed_value: str | None = None


async def next_review(session: AsyncSession, after_id: int = 0, wrap: bool = True) -> ReviewItem | None:
    """The next survey-reported threshold waiting for a coordinator, with its submitter and the range of
    other jurisdictions' values; None when none is left (after `after_id` when `wrap` is False)."""
    async with session.begin():
        repo = ReviewRepository(session)
        threshold = await repo.next_pending_threshold(after_id, wrap=wrap)
        if threshold is None:
            return None
        return await _review_item(session, repo, threshold)


@dataclass
class ReviewCard:
    """What /review shows next: the value waiting (None when none is left), how many wait in all, and the
    documents sent with it (at most `max_documents`)."""

    item: ReviewItem | None
    waiting: int
    documents: list[DocumentView] = field(default_factory=list)


async def review_card(
    session: AsyncSession, after_id: int = 0, wrap: bool = True, max_documents: int = 5
) -> ReviewCard:
    """The next review card, read in one transaction: the value, its context, the count and its documents."""
    async with session.begin():
        repo = ReviewRepository(session)
        threshold = await repo.next_pending_threshold(after_id, wrap=wrap)
        if threshold is None:
            return ReviewCard(None, await repo.pending_threshold_count())
        item = await _review_item(session, repo, threshold)
        attached = await threshold_documents(session, threshold)
        return ReviewCard(item, item.remaining, attached[:max_documents])


async def review_item(session: AsyncSession, threshold_id: int) -> ReviewItem | None:
    """One reported value with its review context (to write a decision onto its card)."""
    async with session.begin():
        repo = ReviewRepository(session)
        threshold = await repo.threshold(threshold_id)
        return None if threshold is None else await _review_item(session, repo, threshold)


async def _review_item(session: AsyncSession, repo: ReviewRepository, threshold: Threshold) -> ReviewItem:
    """The value with its submitter and the approved values of other jurisdictions for the same question."""
    item = ReviewItem(ReportedValue.of(threshold), await repo.pending_threshold_count())
    if threshold.submission_id is not None:
        submission = await SurveyRepository(session).submission(threshold.submission_id)
        question = value_question(submission.data or {}, threshold.row_number) if submission is not None else None
        if question is not None:
            # The entry's value question in the answer trail: what was typed, before any reading of it.
            typed = await session.scalar(
                select(SurveyAnswer.value)
                .where(
                    SurveyAnswer.submission_id == threshold.submission_id,
                    SurveyAnswer.question.like(f"%{question}"),
                    SurveyAnswer.accepted.is_(True),
                )
                .order_by(SurveyAnswer.id.desc())
                .limit(1)
            )
            if isinstance(typed, (str, int, float)) and not isinstance(typed, bool):
                item.typed_value = str(typed)
        if submission is not None:
            item.submission_country = submission.country
            submitter = await session.get(Member, submission.member_id)
            if submitter is not None:
                item.submitter_role = submitter.role
                item.submitter_name = ("@" + submitter.username) if submitter.username else submitter.name
    others = await session.execute(
        select(
            func.min(func.coalesce(Threshold.value, Threshold.value_max)),
            func.max(func.coalesce(Threshold.value, Threshold.value_max)),
            func.count(func.distinct(Threshold.jurisdiction)),
        ).where(
            Threshold.pollutant_id == threshold.pollutant_id,
            Threshold.land_use == threshold.land_use,
            Threshold.unit == threshold.unit,
            Threshold.jurisdiction != threshold.jurisdiction,
            Threshold.review_status == ReviewStatus.APPROVED,
            func.coalesce(Threshold.value, Threshold.value_max).is_not(None),
        )
    )
    item.others_low, item.others_high, item.others_count = others.one()
    return item


async def pending_review_count(session: AsyncSession) -> int:
    """How many survey-reported values wait for review."""
    async with session.begin():
        return await ReviewRepository(session).pending_threshold_count()


def _original_row(threshold: Threshold) -> dict[str, Any]:
    """The row as the focal point reported it, for normalizing again with a correction."""
    return {
        "country_iso2": threshold.jurisdiction,
        "country": threshold.jurisdiction_name,
        "jurisdiction_level": threshold.jurisdiction_level_original,
        "pollutant": threshold.pollutant_original,
        "cas": threshold.cas or "",
        "land_use": threshold.land_use_original,
        "value": threshold.value_original,
        "unit": threshold.unit_original,
        "value_type": threshold.value_type_original,
        "basis": threshold.basis_original,
        "conditions": threshold.conditions,
        "legal_status": threshold.legal_status_original,
        "instrument": threshold.instrument,
        "year": threshold.year_original,
        "source_url_or_path": threshold.source,
    }


def _said_by_respondent(threshold: Threshold) -> dict[str, str]:
    """The tier and target the respondent gave (for the instrument or the value), which the survey stored over
    what the wording gives: a correction of the value, unit or land use keeps them. A stored tier or target that
    is just what the reported wording gives is left to the corrected row."""
    try:
        as_reported: ThresholdRecord | None = normalize_row(
            {column: _original_row(threshold).get(column) or "" for column in CSV_COLUMNS}, threshold.row_number or 0
        )
    except RowError:
        as_reported = None  # a unit or land use the table does not know: the stored fields are the survey's
    said: dict[str, str] = {}
    for column in ("tier", "target"):
        stored = getattr(threshold, column)
        if stored and (as_reported is None or getattr(as_reported, column) != stored):
            said[column] = stored
    return said


async def approve_threshold(
    session: AsyncSession,
    threshold_id: int,
    reviewer: int,
    unit: str | None = None,
    land_use: str | None = None,
    value: str | None = None,
) -> Threshold:
    """Approve a pending value, optionally with a corrected unit, land use or value (normalized again)."""
    async with session.begin():
        threshold = await ReviewRepository(session).threshold(threshold_id, for_update=True)
        if threshold is None:
            raise NotFound(threshold_id)
        if threshold.review_status != ReviewStatus.PENDING:
            raise NotAllowed(threshold.review_status)
        notes = []
        if unit is not None or land_use is not None or value is not None:
            row = _original_row(threshold)
            if value is not None:
                notes.append(f"value corrected from {threshold.value_original!r} to {value!r}")
                row["value"] = value
            if unit is not None:
                if unit not in CORRECTION_UNITS:
                    raise ValueError(unit)
                notes.append(f"unit corrected from {threshold.unit_original!r} to {unit!r}")
                row["unit"] = unit
            if land_use is not None:
                if land_use not in CORRECTION_LAND_USES:
                    raise ValueError(land_use)
                notes.append(f"land use corrected from {threshold.land_use_original!r} to {land_use!r}")
                row["land_use"] = land_use
            try:
                record = normalize_row(
                    {column: row.get(column) or "" for column in CSV_COLUMNS}, threshold.row_number or 0
                )
            except RowError as error:
                raise NotAllowed(str(error)) from None
            kept = _said_by_respondent(threshold)
            for column, value in (record.to_dict() | kept).items():
                if column != "row_number" and hasattr(threshold, column):
                    setattr(threshold, column, value)
        now = utcnow()
        threshold.review_status = ReviewStatus.APPROVED
        threshold.reviewed_by = reviewer
        threshold.reviewed_at = now
        threshold.updated_at = now
        if notes:
            threshold.review_note = "; ".join(notes)
    return threshold


async def reject_threshold(session: AsyncSession, threshold_id: int, reviewer: int, reason: str) -> Threshold:
    """Reject a pending value with the reviewer's reason."""
    async with session.begin():
        threshold = await ReviewRepository(session).threshold(threshold_id, for_update=True)
        if threshold is None:
            raise NotFound(threshold_id)
        if threshold.review_status != ReviewStatus.PENDING:
            raise NotAllowed(threshold.review_status)
        now = utcnow()
        threshold.review_status = ReviewStatus.REJECTED
        reason = reason.strip()
        if len(reason) > REASON_LIMIT:
            raise ValueError(f"reason of {len(reason)} characters, at most {REASON_LIMIT}")
        threshold.review_note = reason
        threshold.reviewed_by = reviewer
        threshold.reviewed_at = now
        threshold.updated_at = now
    return threshold


async def threshold_submission_country(session: AsyncSession, threshold: Threshold) -> str | None:
    """The country stored on the survey submission that reported the value."""
    if threshold.submission_id is None:
        return None
    async with session.begin():
        submission = await SurveyRepository(session).submission(threshold.submission_id)
    return submission.country if submission is not None else None


# ---------------------------------------------------------------- publishing a survey version


@dataclass
class UploadCheck:
    upload: FormUpload
    form: Form
    question_count: int
    current: SurveyForm | None
    version_exists: bool
    warnings: list[FormProblem] = field(default_factory=list)


def question_count(form: Form) -> int:
    """Questions a member answers (groups, repeats and notes are not questions)."""
    return sum(1 for node in form.iter_nodes() if node.type not in ("group", "repeat", "note"))


async def check_upload(
    session: AsyncSession, uploaded_by: int, filename: str, content: bytes, reader: FormReader
) -> UploadCheck:
    """Read an uploaded XLSForm in the reader's capped child process (FormError with one line if broken
    or too costly) and keep it for confirmation."""
    safe_name = Path(filename).name or "form.xlsx"
    form, warnings = await reader.read(content, safe_name)
    for column, value in (("form_id", form.form_id), ("version", form.version)):
        width = column_width(getattr(FormUpload, column))
        if width is not None and len(value) > width:
            # Identifiers are not shortened: two versions must never become one.
            raise FormError(f"{safe_name}: sheet settings, column {column}: {len(value)} characters, at most {width}")
    async with session.begin():
        repo = FormRepository(session)
        surveys = SurveyRepository(session)
        current = await repo.current_form(form.form_id)
        exists = await surveys.form_version(form.form_id, form.version) is not None
        upload = await repo.add_upload(
            uploaded_by=uploaded_by,
            filename=fit_column(FormUpload.filename, safe_name),
            form_id=form.form_id,
            version=form.version,
            title=fit_column(FormUpload.title, form.title or ""),
            definition=form.to_dict(),
        )
    return UploadCheck(upload, form, question_count(form), current, exists, warnings)


async def publish_upload(
    session: AsyncSession, upload_id: int, publisher: int, audience: str | None = None
) -> SurveyForm:
    """Publish a checked upload as the current version; the audience comes from the previous version unless given."""
    async with session.begin():
        repo = FormRepository(session)
        surveys = SurveyRepository(session)
        upload = await repo.upload(upload_id)
        if upload is None:
            raise NotFound(upload_id)
        if (
            upload.published_form_pk is not None
            or await surveys.form_version(upload.form_id, upload.version) is not None
        ):
            raise NotAllowed("version exists")
        if audience is None:
            current = await repo.current_form(upload.form_id)
            if current is None:
                raise NotAllowed("audience needed")
            audience = current.audience
        stored = await surveys.publish(
            upload.form_id, upload.version, upload.title, upload.definition, audience, upload.filename, publisher
        )
        upload.published_form_pk = stored.id
    return stored
