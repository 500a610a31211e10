"""Survey forms as coordinators upload and publish them. Never commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FormUpload, SurveyForm, utcnow


class FormRepository:
    """The current version of a form, and uploads waiting for a coordinator's confirmation."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current_form(self, form_id: str) -> SurveyForm | None:
        """The current version of a form id."""
        return await self.session.scalar(
            select(SurveyForm)
            .where(SurveyForm.form_id == form_id, SurveyForm.is_current)
            .order_by(SurveyForm.id.desc())
            .limit(1)
        )

    async def add_upload(self, **values) -> FormUpload:
        """Keep a checked XLSForm until the coordinator confirms it."""
        upload = FormUpload(created_at=utcnow(), **values)
        self.session.add(upload)
        await self.session.flush()
        return upload

    async def upload(self, upload_id: int) -> FormUpload | None:
        """One uploaded form."""
        return await self.session.get(FormUpload, upload_id)
