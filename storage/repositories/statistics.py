"""Submissions and members read for indicators and exports. Never commits."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Text, cast, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, ReviewStatus, Submission, SubmissionStatus, SurveyForm, Threshold
from storage.repositories.batches import in_batches


class StatisticsRepository:
    """Plain rows for statistics and exports, read in batches."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def submission_rows(
        self,
        form_ids: Iterable[str] | None = None,
        statuses: Iterable[SubmissionStatus] | None = None,
        data_as_text: bool = False,
    ) -> list[dict]:
        """Submissions (all versions) as plain dicts with their form id and the member's Telegram id.

        `data_as_text` leaves the answers as the database's JSON text (None when there are none), for a
        worker process to decode.
        """
        data = cast(Submission.data, Text).label("data") if data_as_text else Submission.data
        query = (
            # Columns, not Submission objects: the engine state (the largest column) is not needed here.
            select(
                Submission.id,
                SurveyForm.form_id,
                Submission.status,
                Submission.country,
                Submission.language,
                data,
                Submission.submitted_at,
                Member.telegram_id,
                Member.role,
                Member.country.label("member_country"),
            )
            .join(SurveyForm, SurveyForm.id == Submission.form_pk)
            .outerjoin(Member, Member.id == Submission.member_id)
            .order_by(Submission.id)
        )
        if form_ids is not None:
            query = query.where(SurveyForm.form_id.in_(list(form_ids)))
        if statuses is not None:
            query = query.where(Submission.status.in_(list(statuses)))
        found = []
        async for row in in_batches(self.session, query):
            found.append(
                {
                    "id": row.id,
                    "form_id": row.form_id,
                    "status": row.status,
                    "country": row.country,
                    "language": row.language,
                    "data": row.data if data_as_text else row.data or {},
                    "submitted_at": row.submitted_at,
                    "telegram_id": row.telegram_id,
                    "role": row.role,
                    # The member's registered country now (with their role: whether the bot knows them
                    # as that country's focal point); "country" is the country they had when they began.
                    "member_country": row.member_country,
                }
            )
        return found

    async def review_statuses(self, submission_ids: list[int]) -> dict[int, str]:
        """Per submission, where its reported threshold values stand: pending while any waits,
        else approved, rejected, or partly approved; submissions without values are left out."""
        found: dict[int, set[str]] = {}
        for start in range(0, len(submission_ids), 500):
            rows = await self.session.execute(
                select(Threshold.submission_id, Threshold.review_status).where(
                    Threshold.submission_id.in_(submission_ids[start : start + 500])
                )
            )
            for submission_id, status in rows:
                found.setdefault(submission_id, set()).add(status)
        summary = {}
        for submission_id, statuses in found.items():
            if ReviewStatus.PENDING in statuses:
                summary[submission_id] = ReviewStatus.PENDING
            elif len(statuses) == 1:
                summary[submission_id] = statuses.pop()
            else:
                summary[submission_id] = "partly approved"
        return summary

    async def member_rows(self) -> list[dict]:
        """Members as plain dicts (country and role), for the indicators."""
        return [
            {"country": row.country, "role": row.role}
            async for row in in_batches(self.session, select(Member.country, Member.role))
        ]
