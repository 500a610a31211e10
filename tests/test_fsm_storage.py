"""Conversation steps (aiogram FSM) kept in SQL without Redis: a restart mid-step loses nothing typed."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select

from bot.fsm import SQLStorage
from storage.models import ConversationState
from tests.harness import BotHarness


async def rows(harness: BotHarness, user_id: int) -> int:
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(
            select(func.count()).select_from(ConversationState).where(ConversationState.user_id == user_id)
        )


async def test_state_and_data_outlive_the_storage_object(settings, storage, user_id):
    harness = await BotHarness.start(settings, storage)
    try:
        key = StorageKey(bot_id=1000, chat_id=user_id, user_id=user_id)
        first = SQLStorage(harness.storage.sessionmaker)
        await first.set_state(key, "Onboarding:country")
        await first.update_data(key, {"language": "fr"})
        await first.update_data(key, {"country": "KE"})
        (await first.get_data(key))["country"] = "FR"  # a caller's copy: changing it changes nothing stored
        again = SQLStorage(harness.storage.sessionmaker)  # a restarted process: nothing in memory
        assert await again.get_state(key) == "Onboarding:country"
        assert await again.get_data(key) == {"language": "fr", "country": "KE"}
        await again.set_state(key, None)
        assert await SQLStorage(harness.storage.sessionmaker).get_data(key) == {"language": "fr", "country": "KE"}
        await again.set_data(key, {})
        fresh = SQLStorage(harness.storage.sessionmaker)
        assert (await fresh.get_state(key), await fresh.get_data(key)) == (None, {})
    finally:
        await harness.close()


async def test_a_coordinator_step_waiting_for_typed_input_survives_a_restart(settings, storage):
    before = await BotHarness.start(settings, storage)
    coco = before.user(900, language="en", name="Coco")
    try:
        await before.send(coco, "/remind")
        await before.press(coco, "thank you")
        calls = await before.press(coco, "By country")
        assert "country" in before.texts(calls)[-1].lower()
    finally:
        await before.close()
    after = await BotHarness.start(settings, storage)  # the process was restarted; the coordinator types the country
    try:
        preview = after.texts(await after.send(coco, "Malta"))[-1]
        assert "Recipients: country: Malta." in preview  # the reminder's preview, not a lookup about Malta
        key = StorageKey(bot_id=after.bot.id, chat_id=coco.id, user_id=coco.id)
        assert await SQLStorage(after.storage.sessionmaker).get_state(key) is None  # the step is over
    finally:
        await after.close()


async def test_forget_erases_a_half_finished_step(settings, storage, user_id):
    harness = await BotHarness.start(settings, storage)
    user = harness.user(user_id, language="en")
    try:
        await harness.send(user, "/start")
        await harness.dispatcher.storage.set_state(
            StorageKey(bot_id=harness.bot.id, chat_id=user_id, user_id=user_id), "CoordinatorStates:reminder_text"
        )
        assert await rows(harness, user_id) == 1
        await harness.send(user, "/forget")
        await harness.press(user, "Yes, erase my data")
        assert await rows(harness, user_id) == 0
    finally:
        await harness.close()


@pytest.mark.usefixtures("committed_database")
async def test_state_and_data_written_at_once_both_reach_the_database(settings, user_id):
    # Two updates of one chat handled concurrently (webhook): neither write may undo the other. Real
    # connections racing, so the committed database (conftest.py), not the isolated one's single connection.
    harness = await BotHarness.start(settings)
    try:
        key = StorageKey(bot_id=1000, chat_id=user_id, user_id=user_id)
        storage = SQLStorage(harness.storage.sessionmaker)
        await asyncio.gather(
            storage.set_state(key, "CoordinatorStates:reminder_text"), storage.set_data(key, {"reminder_id": 7})
        )
        fresh = SQLStorage(harness.storage.sessionmaker)
        assert (await fresh.get_state(key), await fresh.get_data(key)) == (
            "CoordinatorStates:reminder_text",
            {"reminder_id": 7},
        )
    finally:
        await harness.close()
