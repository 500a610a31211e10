"""Reading and writing survey forms, submissions and the answer trail. Never commits."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Submission, SubmissionStatus, SurveyAnswer, SurveyForm, utcnow


class SurveyRepository:
    """Forms by version, drafts and submissions by member."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current_forms(self) -> list[SurveyForm]:
        """The newest published version of every form."""
        return list(await self.session.scalars(select(SurveyForm).where(SurveyForm.is_current).order_by(SurveyForm.id)))

    async def form(self, form_pk: int) -> SurveyForm | None:
        """One stored form version."""
        return await self.session.get(SurveyForm, form_pk)

    async def form_version(self, form_id: str, version: str) -> SurveyForm | None:
        """A form version by its XLSForm id and version."""
        return await self.session.scalar(
            select(SurveyForm).where(SurveyForm.form_id == form_id, SurveyForm.version == version)
        )

    async def publish(
        self,
        form_id: str,
        version: str,
        title: str,
        definition: dict,
        audience: str,
        source_name: str,
        published_by: int | None,
    ) -> SurveyForm:
        """Add a version and make it the current one of its form."""
        await self.session.execute(update(SurveyForm).where(SurveyForm.form_id == form_id).values(is_current=False))
        form = SurveyForm(
            form_id=form_id,
            version=version,
            title=title[:512],
            definition=definition,
            audience=audience,
            is_current=True,
            source_name=source_name[:256],
            published_at=utcnow(),
            published_by=published_by,
        )
        self.session.add(form)
        await self.session.flush()
        return form

    async def submission(self, submission_id: int, for_update: bool = False) -> Submission | None:
        """One submission; `for_update` locks its row on PostgreSQL until the transaction ends."""
        query = select(Submission).where(Submission.id == submission_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def drafts(self, member_id: int) -> list[Submission]:
        """The member's drafts, newest activity first."""
        return list(
            await self.session.scalars(
                select(Submission)
                .where(Submission.member_id == member_id, Submission.status == SubmissionStatus.DRAFT)
                .order_by(Submission.updated_at.desc(), Submission.id.desc())
            )
        )

    async def active_draft_id(self, member_id: int) -> int | None:
        """The id of the survey the member is answering right now, if any (nothing else is read)."""
        return await self.session.scalar(
            select(Submission.id)
            .where(Submission.member_id == member_id, Submission.status == SubmissionStatus.DRAFT, Submission.active)
            .order_by(Submission.updated_at.desc(), Submission.id.desc())
            .limit(1)
        )

    async def submitted_forms(self, member_id: int) -> dict[str, int]:
        """How many times the member submitted each form id."""
        rows = await self.session.execute(
            select(SurveyForm.form_id, func.count(Submission.id))
            .join(SurveyForm, SurveyForm.id == Submission.form_pk)
            .where(Submission.member_id == member_id, Submission.status == SubmissionStatus.SUBMITTED)
            .group_by(SurveyForm.form_id)
        )
        return {form_id: count for form_id, count in rows}

    async def last_submitted(self, member_id: int, form_id: str) -> Submission | None:
        """The member's most recent submission of any version of the form."""
        return await self.session.scalar(
            select(Submission)
            .join(SurveyForm, SurveyForm.id == Submission.form_pk)
            .where(
                Submission.member_id == member_id,
                Submission.status == SubmissionStatus.SUBMITTED,
                SurveyForm.form_id == form_id,
            )
            .order_by(Submission.submitted_at.desc(), Submission.id.desc())
            .limit(1)
        )

    async def deactivate_drafts(self, member_id: int, except_id: int | None = None) -> None:
        """No draft of the member takes typed input any more (except `except_id`)."""
        query = update(Submission).where(
            Submission.member_id == member_id, Submission.status == SubmissionStatus.DRAFT, Submission.active
        )
        if except_id is not None:
            query = query.where(Submission.id != except_id)
        await self.session.execute(query.values(active=False).execution_options(synchronize_session=False))

    async def create_draft(
        self, form: SurveyForm, member_id: int, country: str | None, language: str | None, state: dict
    ) -> Submission:
        """A new draft for the member."""
        draft = Submission(
            form_pk=form.id,
            member_id=member_id,
            country=country,
            language=language,
            status=SubmissionStatus.DRAFT,
            state=state,
            pending={},
            active=True,
            last_update_id=0,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        self.session.add(draft)
        await self.session.flush()
        return draft

    async def record(
        self, submission: Submission, update_id: int, question: str, action: str, value: object, accepted: bool
    ) -> None:
        """Append to the answer trail."""
        self.session.add(
            SurveyAnswer(
                submission_id=submission.id,
                update_id=update_id,
                question=question[:512],
                action=action,
                value=value,
                accepted=accepted,
                created_at=utcnow(),
            )
        )

    async def answers(self, submission_id: int) -> list[SurveyAnswer]:
        """The answer trail of one submission, oldest first."""
        return list(
            await self.session.scalars(
                select(SurveyAnswer).where(SurveyAnswer.submission_id == submission_id).order_by(SurveyAnswer.id)
            )
        )
