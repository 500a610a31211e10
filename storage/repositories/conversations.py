"""Reading and writing conversation states (aiogram FSM). Never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState, utcnow


class ConversationRepository:
    """One row per storage key that ever held a state or data."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        """The state and data stored under `key` (None and {} when there is none)."""
        row = (
            await self.session.execute(
                select(ConversationState.state, ConversationState.data).where(ConversationState.key == key)
            )
        ).first()
        return (row.state, dict(row.data or {})) if row is not None else (None, {})

    async def put(self, key: str, user_id: int, state: str | None, data: dict[str, Any], only: str) -> None:
        """Insert the row, or update just the `only` column ("state" or "data") of the existing one."""
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        changed = {only: state if only == "state" else data, "updated_at": utcnow()}
        await self.session.execute(
            dialect.insert(ConversationState)
            .values(key=key, user_id=user_id, state=state, data=data, updated_at=utcnow())
            .on_conflict_do_update(index_elements=[ConversationState.key], set_=changed)
        )

    async def forget_user(self, user_id: int) -> None:
        """Every conversation state of one person (/forget)."""
        await self.session.execute(delete(ConversationState).where(ConversationState.user_id == user_id))
