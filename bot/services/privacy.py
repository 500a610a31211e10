"""What the bot stores about a member (/mydata) and erasing it (/forget). Each function owns its transaction.

Erasing keeps what a country submitted: submitted surveys stay, detached from the person
(`Submission.member_id` set to NULL), without the answers that name the person: the questions marked
`bind::insop:personal` = yes in the form (their name, e-mail, contact person) are erased from the survey's
state, data and answer trail. A version published before the marker existed is read through the current
version of the same form: a question there marked personal is personal, by name, in every version. Drafts, reminder copies (they hold the chat id) and the
member's role history go, and so does the member row with name, username and Telegram id.
Documents sent as answers follow their answers: deleted with the drafts, kept (detached) with
submitted surveys.
Deletes are explicit rather than left to `ON DELETE` because SQLite does not enforce foreign keys
unless asked to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.documents import DocumentView, member_documents
from bot.services.surveys import FormCache
from bot.survey.form import Form, FormError
from storage.models import (
    FormUpload,
    Invite,
    Member,
    Reminder,
    ReminderDelivery,
    RoleChange,
    Submission,
    SubmissionStatus,
    SurveyAnswer,
    SurveyForm,
    Threshold,
)
from storage.repositories.conversations import ConversationRepository
from storage.repositories.documents import DocumentRepository
from storage.repositories.members import MemberRepository


@dataclass
class TrailEntry:
    """One line of a survey's answer trail: every answer, skip, back or edit as it was given."""

    at: datetime
    question: str
    action: str
    value: object
    accepted: bool


@dataclass
class StoredSubmission:
    """One of the member's surveys as stored: draft or submitted, with its dates, answers and trail."""

    title: str
    status: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    country: str | None
    answers: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    version: str = ""
    pending: dict[str, Any] = field(default_factory=dict)
    trail: list[TrailEntry] = field(default_factory=list)
    # The survey's state and its form version, to show answers with the form's labels (None: no longer readable).
    state: dict[str, Any] = field(default_factory=dict)
    form: Form | None = None
    submission_id: int = 0


@dataclass
class StoredRoleChange:
    old_role: str | None
    new_role: str
    changed_at: datetime
    old_country: str | None = None
    new_country: str | None = None


@dataclass
class StoredDelivery:
    """A reminder sent (or to be sent) to the member."""

    reminder_id: int
    status: str
    language: str
    sent_at: datetime | None


@dataclass
class AuthoredReminder:
    """A reminder the member wrote as a coordinator (texts per language, or a catalog template)."""

    reminder_id: int
    status: str
    created_at: datetime
    scheduled_for: datetime | None
    texts: dict[str, str]
    template: str | None
    audience: dict[str, Any]
    weekly: bool
    template_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class AuthoredInvite:
    code: str
    country: str
    role: str
    uses: int
    max_uses: int | None
    expires_at: datetime
    created_at: datetime


@dataclass
class AuthoredForm:
    """A survey form the member sent to the bot as a coordinator, published or not."""

    filename: str
    form_id: str
    version: str
    uploaded_at: datetime
    published: bool


@dataclass
class MemberData:
    """Everything stored about one member."""

    member: Member
    submissions: list[StoredSubmission]
    reminders_received: int
    role_changes: list[StoredRoleChange] = field(default_factory=list)
    deliveries: list[StoredDelivery] = field(default_factory=list)
    reminders_written: list[AuthoredReminder] = field(default_factory=list)
    invites_created: list[AuthoredInvite] = field(default_factory=list)
    forms_uploaded: list[AuthoredForm] = field(default_factory=list)
    values_reviewed: int = 0
    documents: list[DocumentView] = field(default_factory=list)
    # Survey titles by form id, for the audiences of reminders the member wrote.
    form_titles: dict[str, str] = field(default_factory=dict)


@dataclass
class ForgetReport:
    """What /forget erased and what it kept."""

    drafts_deleted: int
    submissions_kept: int
    documents_deleted: int = 0
    personal_answers_erased: int = 0


async def member_data(session: AsyncSession, telegram_id: int, forms: FormCache | None = None) -> MemberData | None:
    """Everything stored about the member with this Telegram id, or None if nothing is.

    The profile; each draft and submission with its answers and answer trail; role changes; reminders
    received; and, for coordinators, the reminders, invites and forms they made and the values they reviewed.
    """
    async with session.begin():
        member = await MemberRepository(session).get(telegram_id)
        if member is None:
            return None
        rows = (
            await session.execute(
                select(Submission, SurveyForm)
                .join(SurveyForm, SurveyForm.id == Submission.form_pk)
                .where(Submission.member_id == member.id)
                .order_by(Submission.created_at, Submission.id)
            )
        ).all()
        trails: dict[int, list[TrailEntry]] = {}
        if rows:
            answers = await session.scalars(
                select(SurveyAnswer)
                .where(SurveyAnswer.submission_id.in_([row[0].id for row in rows]))
                .order_by(SurveyAnswer.created_at, SurveyAnswer.id)
            )
            for answer in answers:
                trails.setdefault(answer.submission_id, []).append(
                    TrailEntry(answer.created_at, answer.question, answer.action, answer.value, answer.accepted)
                )
        forms = forms or FormCache()
        submissions = [
            StoredSubmission(
                title=stored_form.title or stored_form.form_id,
                status=submission.status,
                created_at=submission.created_at,
                updated_at=submission.updated_at,
                submitted_at=submission.submitted_at,
                country=submission.country,
                answers=dict((submission.state or {}).get("answers") or {}),
                language=submission.language,
                version=stored_form.version or "",
                pending=dict(submission.pending or {}),
                trail=trails.get(submission.id, []),
                state=dict(submission.state or {}),
                form=_readable_form(forms, stored_form),
                submission_id=submission.id,
            )
            for submission, stored_form in rows
        ]
        role_changes = [
            StoredRoleChange(
                change.old_role, change.new_role, change.changed_at, change.old_country, change.new_country
            )
            for change in await session.scalars(
                select(RoleChange)
                .where(RoleChange.member_id == member.id)
                .order_by(RoleChange.changed_at, RoleChange.id)
            )
        ]
        deliveries = [
            StoredDelivery(delivery.reminder_id, delivery.status, delivery.language, delivery.sent_at)
            for delivery in await session.scalars(
                select(ReminderDelivery).where(ReminderDelivery.member_id == member.id).order_by(ReminderDelivery.id)
            )
        ]
        written = [
            AuthoredReminder(
                reminder.id,
                reminder.status,
                reminder.created_at,
                reminder.scheduled_for,
                dict(reminder.texts or {}),
                reminder.template,
                dict(reminder.audience or {}),
                reminder.schedule_id is not None,
                dict(reminder.template_args or {}),
            )
            for reminder in await session.scalars(
                select(Reminder).where(Reminder.created_by == telegram_id).order_by(Reminder.id)
            )
        ]
        invites = [
            AuthoredInvite(
                invite.code,
                invite.country,
                invite.role,
                invite.uses,
                invite.max_uses,
                invite.expires_at,
                invite.created_at,
            )
            for invite in await session.scalars(
                select(Invite).where(Invite.created_by == telegram_id).order_by(Invite.id)
            )
        ]
        uploads = [
            AuthoredForm(
                upload.filename, upload.form_id, upload.version, upload.created_at, upload.published_form_pk is not None
            )
            for upload in await session.scalars(
                select(FormUpload).where(FormUpload.uploaded_by == telegram_id).order_by(FormUpload.id)
            )
        ]
        reviewed = await session.scalar(select(func.count(Threshold.id)).where(Threshold.reviewed_by == telegram_id))
        sent_documents = await member_documents(session, member.id)
        titles = (
            {
                form_id: title or form_id
                for form_id, title in await session.execute(select(SurveyForm.form_id, SurveyForm.title))
            }
            if written
            else {}
        )
    return MemberData(
        documents=sent_documents,
        member=member,
        submissions=submissions,
        reminders_received=len(deliveries),
        role_changes=role_changes,
        deliveries=deliveries,
        reminders_written=written,
        invites_created=invites,
        forms_uploaded=uploads,
        form_titles=titles,
        values_reviewed=reviewed or 0,
    )


def _readable_form(forms: FormCache, stored: SurveyForm) -> Form | None:
    """The parsed form of a stored version; None if it cannot be read (its answers are then listed as stored)."""
    try:
        return forms.get(stored)
    except (FormError, KeyError, TypeError, ValueError):
        return None


async def forget(session: AsyncSession, telegram_id: int) -> ForgetReport | None:
    """Erase the member's personal data; submitted surveys stay without a link to them. None if nothing stored."""
    async with session.begin():
        await ConversationRepository(session).forget_user(telegram_id)
        member_id = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
        if member_id is None:
            return None
        drafts = select(Submission.id).where(
            Submission.member_id == member_id, Submission.status == SubmissionStatus.DRAFT
        )
        draft_ids = list(await session.scalars(drafts))
        # Documents go with their answers: those of drafts are deleted, those of submitted surveys stay
        # with the survey, no longer linked to the member.
        documents_deleted, _kept = await DocumentRepository(session).forget_member(member_id, draft_ids)
        if draft_ids:
            await session.execute(delete(SurveyAnswer).where(SurveyAnswer.submission_id.in_(draft_ids)))
            await session.execute(delete(Submission).where(Submission.id.in_(draft_ids)))
        erased = await _erase_personal_answers(session, member_id)
        kept = await session.execute(
            update(Submission)
            .where(Submission.member_id == member_id)
            .values(member_id=None)
            .execution_options(synchronize_session=False)
        )
        await session.execute(delete(ReminderDelivery).where(ReminderDelivery.member_id == member_id))
        await session.execute(delete(RoleChange).where(RoleChange.member_id == member_id))
        await session.execute(delete(Member).where(Member.id == member_id).execution_options(synchronize_session=False))
    return ForgetReport(
        drafts_deleted=len(draft_ids),
        submissions_kept=cast("CursorResult[Any]", kept).rowcount or 0,
        documents_deleted=documents_deleted,
        personal_answers_erased=erased,
    )


def _personal_names(definition: dict[str, Any] | None) -> set[str]:
    """Names of the questions a stored form marks personal (`bind::insop:personal`)."""
    try:
        form = Form.from_dict(definition or {})
    except (KeyError, TypeError, ValueError):  # a stored definition this code cannot read names nothing
        return set()
    return {node.name for node in form.iter_nodes() if node.personal}


def _is_personal(path: str, names: set[str]) -> bool:
    """Whether a question path (`group/name`, `repeat[2]/name`) ends in a personal question's name."""
    return path.rsplit("/", 1)[-1].split("[", 1)[0] in names


def _without_personal(data: Any, names: set[str]) -> Any:
    """Submission data (answers by name, repeats as lists of such) without the personal answers."""
    if isinstance(data, dict):
        return {key: _without_personal(value, names) for key, value in data.items() if key not in names}
    if isinstance(data, list):
        return [_without_personal(item, names) for item in data]
    return data


async def _erase_personal_answers(session: AsyncSession, member_id: int) -> int:
    """Erase the personal answers from the member's remaining (submitted) surveys; return how many trail rows went.

    Personal: marked so in the submission's own form version or, by name, in the current version of that form.
    """
    # Rows unpack as typed tuples (SQLAlchemy 2.1 deprecates `.tuples()`; its stubs still type them loosely).
    rows = cast(
        "list[tuple[Submission, str, dict[str, Any]]]",
        (
            await session.execute(
                select(Submission, SurveyForm.form_id, SurveyForm.definition)
                .join(SurveyForm, SurveyForm.id == Submission.form_pk)
                .where(Submission.member_id == member_id)
            )
        ).all(),
    )
    if not rows:
        return 0
    current: dict[str, set[str]] = {}
    current_forms = await session.execute(
        select(SurveyForm.form_id, SurveyForm.definition).where(
            SurveyForm.is_current.is_(True), SurveyForm.form_id.in_({row[1] for row in rows})
        )
    )
    for form_id, definition in cast("list[tuple[str, dict[str, Any]]]", current_forms.all()):
        current.setdefault(form_id, set()).update(_personal_names(definition))
    erased = 0
    for submission, form_id, definition in rows:
        names = _personal_names(definition) | current.get(form_id, set())
        if not names:
            continue
        state = dict(submission.state or {})
        state["answers"] = {
            path: value for path, value in (state.get("answers") or {}).items() if not _is_personal(path, names)
        }
        submission.state = state
        if submission.data is not None:
            submission.data = _without_personal(submission.data, names)
        submission.pending = {
            path: value for path, value in (submission.pending or {}).items() if not _is_personal(path, names)
        }
        trail = await session.scalars(select(SurveyAnswer).where(SurveyAnswer.submission_id == submission.id))
        for answer in trail:
            if _is_personal(answer.question, names):
                await session.delete(answer)
                erased += 1
    await session.flush()
    return erased
