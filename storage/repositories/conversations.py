"""Reading and writing conversation states (aiogram FSM). Never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState, utcnow


class ConversationRepository:
    """One row per storage key; a key with no state and no data has no row."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        """The state and data stored under `key` (None and {} when there is none)."""
        row = (await self.session.execute(
            select(ConversationState.state, ConversationState.data).where(ConversationState.key == key)
        )).first()
        return (row.state, dict(row.data or {})) if row is not None else (None, {})

    async def put(self, key: str, user_id: int, state: str | None, data: dict[str, Any]) -> None:
        """Store both (one statement: insert, or update the existing row); nothing left means no row."""
        if state is None and not data:
            await self.session.execute(delete(ConversationState).where(ConversationState.key == key))
            return
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        values = {"state": state, "data": data, "updated_at": utcnow()}
        await self.session.execute(
            dialect.insert(ConversationState).values(key=key, user_id=user_id, **values)
            .on_conflict_do_update(index_elements=[ConversationState.key], set_=values)
        )

    async def forget_user(self, user_id: int) -> None:
        """Every conversation state of one person (/forget)."""
        await self.session.execute(delete(ConversationState).where(ConversationState.user_id == user_id))
