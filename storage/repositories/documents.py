"""Reading and writing the documents sent as survey answers. Never commits."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from storage.models import Submission, SubmissionStatus, SurveyDocument, SurveyForm, utcnow


class DocumentRepository:
    """Documents by member, by submission and by id; the bytes are read only when asked for."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def usage(self, member_id: int) -> tuple[int, int]:
        """How many documents the member keeps, and their bytes in all."""
        count, total = (
            await self.session.execute(
                select(func.count(SurveyDocument.id), func.coalesce(func.sum(SurveyDocument.size), 0)).where(
                    SurveyDocument.member_id == member_id
                )
            )
        ).one()
        return int(count or 0), int(total or 0)

    async def add(
        self,
        submission_id: int,
        member_id: int,
        question: str,
        update_id: int,
        filename: str,
        media_type: str,
        extension: str,
        content: bytes,
        sha256: str,
    ) -> SurveyDocument:
        """Store one document (flushed, so its id is known)."""
        document = SurveyDocument(
            submission_id=submission_id,
            member_id=member_id,
            question=question[:512],
            update_id=update_id,
            filename=filename[:256],
            media_type=media_type,
            extension=extension,
            size=len(content),
            sha256=sha256,
            content=content,
            created_at=utcnow(),
        )
        self.session.add(document)
        await self.session.flush()
        return document

    async def get(self, document_id: int, with_content: bool = True) -> SurveyDocument | None:
        """One document, with its bytes unless told otherwise."""
        query = select(SurveyDocument).where(SurveyDocument.id == document_id)
        if not with_content:
            query = query.options(defer(SurveyDocument.content))
        return await self.session.scalar(query)

    async def drop(self, document_ids: list[int], submission_id: int) -> None:
        """Delete documents of one submission (an answer replaced, or a document refused after storing)."""
        if document_ids:
            await self.session.execute(
                delete(SurveyDocument).where(
                    SurveyDocument.id.in_(document_ids), SurveyDocument.submission_id == submission_id
                )
            )

    async def of_submissions(self, submission_ids: list[int], with_content: bool = False) -> list[SurveyDocument]:
        """The documents of these submissions, oldest first (bytes only when asked for)."""
        if not submission_ids:
            return []
        query = (
            select(SurveyDocument)
            .where(SurveyDocument.submission_id.in_(submission_ids))
            .order_by(SurveyDocument.submission_id, SurveyDocument.id)
        )
        if not with_content:
            query = query.options(defer(SurveyDocument.content))
        return list(await self.session.scalars(query))

    async def of_member(self, member_id: int) -> list[SurveyDocument]:
        """The member's documents without their bytes, oldest first."""
        return list(
            await self.session.scalars(
                select(SurveyDocument)
                .options(defer(SurveyDocument.content))
                .where(SurveyDocument.member_id == member_id)
                .order_by(SurveyDocument.id)
            )
        )

    async def forget_member(self, member_id: int, draft_ids: list[int]) -> tuple[int, int]:
        """Delete the member's documents in drafts; detach those of submitted surveys. Returns both counts."""
        deleted = 0
        if draft_ids:
            deleted = (
                await self.session.execute(
                    delete(SurveyDocument)
                    .where(SurveyDocument.submission_id.in_(draft_ids))
                    .execution_options(synchronize_session=False)
                )
            ).rowcount or 0
        kept = (
            await self.session.execute(
                update(SurveyDocument)
                .where(SurveyDocument.member_id == member_id)
                .values(member_id=None)
                .execution_options(synchronize_session=False)
            )
        ).rowcount or 0
        return deleted, kept

    async def submitted_of_form(self, form_id: str) -> list[tuple[SurveyDocument, Submission]]:
        """Documents of submitted responses to any version of a form, with their submission, bytes included."""
        rows = await self.session.execute(
            select(SurveyDocument, Submission)
            .join(Submission, Submission.id == SurveyDocument.submission_id)
            .join(SurveyForm, SurveyForm.id == Submission.form_pk)
            .where(SurveyForm.form_id == form_id, Submission.status == SubmissionStatus.SUBMITTED)
            .order_by(Submission.id, SurveyDocument.id)
        )
        return [(document, submission) for document, submission in rows]
