"""What the bot stores about a member (/mydata) and erasing it (/forget). Each function owns its transaction.

Erasing keeps what a country submitted: submitted surveys stay, detached from the person
(`Submission.member_id` set to NULL). Drafts, reminder copies (they hold the chat id) and the
member's role history go, and so does the member row with name, username and Telegram id.
Deletes are explicit rather than left to `ON DELETE` because SQLite does not enforce foreign keys
unless asked to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, ReminderDelivery, RoleChange, Submission, SubmissionStatus, SurveyAnswer, SurveyForm
from storage.repositories.conversations import ConversationRepository
from storage.repositories.members import MemberRepository


@dataclass
class StoredSubmission:
    """One of the member's surveys as stored: draft or submitted, with its dates and answers."""

    title: str
    status: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    country: str | None
    answers: dict = field(default_factory=dict)


@dataclass
class MemberData:
    """Everything stored about one member."""

    member: Member
    submissions: list[StoredSubmission]
    reminders_received: int


@dataclass
class ForgetReport:
    """What /forget erased and what it kept."""

    drafts_deleted: int
    submissions_kept: int


async def member_data(session: AsyncSession, telegram_id: int) -> MemberData | None:
    """Profile, drafts and submissions of the member with this Telegram id, or None if none stored."""
    async with session.begin():
        member = await MemberRepository(session).get(telegram_id)
        if member is None:
            return None
        rows = await session.execute(
            select(Submission, SurveyForm.title, SurveyForm.form_id)
            .join(SurveyForm, SurveyForm.id == Submission.form_pk)
            .where(Submission.member_id == member.id)
            .order_by(Submission.created_at, Submission.id)
        )
        submissions = [
            StoredSubmission(title=title or form_id, status=submission.status, created_at=submission.created_at,
                             updated_at=submission.updated_at, submitted_at=submission.submitted_at,
                             country=submission.country, answers=dict((submission.state or {}).get("answers") or {}))
            for submission, title, form_id in rows
        ]
        reminders = await session.scalar(
            select(func.count(ReminderDelivery.id)).where(ReminderDelivery.member_id == member.id))
    return MemberData(member=member, submissions=submissions, reminders_received=reminders or 0)


async def forget(session: AsyncSession, telegram_id: int) -> ForgetReport | None:
    """Erase the member's personal data; submitted surveys stay without a link to them. None if nothing stored."""
    async with session.begin():
        await ConversationRepository(session).forget_user(telegram_id)
        member_id = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
        if member_id is None:
            return None
        drafts = select(Submission.id).where(Submission.member_id == member_id,
                                             Submission.status == SubmissionStatus.DRAFT.value)
        draft_ids = list(await session.scalars(drafts))
        if draft_ids:
            await session.execute(delete(SurveyAnswer).where(SurveyAnswer.submission_id.in_(draft_ids)))
            await session.execute(delete(Submission).where(Submission.id.in_(draft_ids)))
        kept = await session.execute(
            update(Submission).where(Submission.member_id == member_id).values(member_id=None)
            .execution_options(synchronize_session=False)
        )
        await session.execute(delete(ReminderDelivery).where(ReminderDelivery.member_id == member_id))
        await session.execute(delete(RoleChange).where(RoleChange.member_id == member_id))
        await session.execute(delete(Member).where(Member.id == member_id).execution_options(synchronize_session=False))
    return ForgetReport(drafts_deleted=len(draft_ids), submissions_kept=kept.rowcount or 0)
