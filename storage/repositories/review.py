"""Survey-reported threshold values waiting for a coordinator's review. Never commits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReviewStatus, Threshold


class ReviewRepository:
    """The review queue of survey-reported thresholds."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_pending_threshold(self, after_id: int = 0, wrap: bool = True) -> Threshold | None:
        """The oldest survey-reported threshold waiting for review, after `after_id` (then from the start,
        unless `wrap` is False: Skip on the last one must not show it again)."""
        base = select(Threshold).where(Threshold.review_status == ReviewStatus.PENDING, Threshold.origin == "survey")
        found = await self.session.scalar(base.where(Threshold.id > after_id).order_by(Threshold.id).limit(1))
        if found is None and after_id and wrap:
            found = await self.session.scalar(base.order_by(Threshold.id).limit(1))
        return found

    async def pending_threshold_count(self) -> int:
        """How many survey-reported thresholds wait for review."""
        return (
            await self.session.scalar(
                select(func.count(Threshold.id)).where(
                    Threshold.review_status == ReviewStatus.PENDING, Threshold.origin == "survey"
                )
            )
            or 0
        )

    async def threshold(self, threshold_id: int, for_update: bool = False) -> Threshold | None:
        """One threshold row."""
        query = select(Threshold).where(Threshold.id == threshold_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)
