"""Routing through the real dispatcher: which handler takes a message, and what a lookup costs on its way.

The routers' guards (bot/handlers/guards.py) let a typed question pass whole routers at one check; these
tests pin that every kind of message still reaches the handler it reached before the guards.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Router

from tests.harness import BotHarness


@pytest.fixture(scope="module")
async def harness(settings, module_storage):
    harness = await BotHarness.start(settings, module_storage)
    taken: list[str] = []

    async def record(handler, event, data: dict[str, Any]):
        taken.append(data["handler"].callback.__name__)
        return await handler(event, data)

    # An inner middleware of the dispatcher runs, for every router below it, around the handler that matched.
    harness.dispatcher.message.middleware(record)
    harness.taken = taken
    yield harness
    await harness.close()


async def taken_by(harness: BotHarness, user, text: str) -> str:
    """The name of the handler that took `text` from `user`."""
    harness.taken.clear()
    await harness.send(user, text)
    assert len(harness.taken) == 1, harness.taken
    return harness.taken[0]


async def member(harness: BotHarness, user_id: int):
    user = harness.user(user_id)
    await harness.onboard(user, "Kenya", "INSOP member")
    return user


@pytest.mark.parametrize(
    "text, handler",
    [
        ("cadmium agricultural Kenya", "free_text_lookup"),
        ("/help", "show_help"),
        ("  /help", "show_help"),  # aiogram's Command reads past leading spaces, so does the guard
        ("/Help", "show_help"),  # a phone's keyboard capitalises the first letter
        ("/HELP", "show_help"),
        ("/Start", "start"),
        ("/MyData", "show_my_data"),
        ("/Stats", "refuse_command"),
        ("/start", "start"),
        ("/profile", "show_profile"),
        ("/mydata", "show_my_data"),
        ("/survey", "list_surveys"),
        ("/resume", "resume"),
        ("/mute", "mute"),
        ("/stats", "refuse_command"),  # a coordinator command from a member
        ("/lookup cadmium Kenya", "lookup_command"),
        ("/countries", "countries_command"),
        ("/nonsense", "not_understood"),
        ("  /nonsense", "not_understood"),  # a command all the same: not looked up
    ],
)
async def test_a_members_message_reaches_the_same_handler(harness, user_id, text, handler):
    user = await member(harness, user_id)
    assert await taken_by(harness, user, text) == handler


async def test_typed_text_goes_to_onboarding_then_to_the_lookup(harness, user_id):
    user = harness.user(user_id)
    await harness.send(user, "/start")
    assert await taken_by(harness, user, "Kenya") == "country_typed"
    await harness.onboard(user, "Kenya", "INSOP member")
    assert await taken_by(harness, user, "Kenya") == "free_text_lookup"


async def test_typed_text_answers_an_open_survey_and_steps_win_over_lookups(harness, user_id):
    user = await member(harness, user_id)
    other = await member(harness, user_id + 5_000_000)
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    assert await taken_by(harness, user, "Kenya") == "typed_answer"
    assert await taken_by(harness, user, "/lookup cadmium") == "lookup_command"
    await harness.send(other, "/compare")
    assert await taken_by(harness, other, "cadmium") == "compare_pollutant_typed"


async def test_a_coordinators_typed_step_wins_over_the_lookup(harness, settings):
    coordinator = harness.user(settings.coordinator_ids[0])
    await harness.send(coordinator, "/invite")
    assert await taken_by(harness, coordinator, "Kenya") == "invite_country_typed"
    await harness.send(coordinator, "/invite")
    assert await taken_by(harness, coordinator, " /cancel") == "cancel"  # a command mid-step, leading space or not


def count_filter_calls(router: Router, calls: list[int]) -> None:
    """Count every filter call of `router` and its sub-routers in `calls[0]` (they are all coroutines here)."""
    for each in router.chain_tail:
        for observer in each.observers.values():
            for handler in (observer._handler, *observer.handlers):
                for filter_ in handler.filters or ():
                    filter_.callback = counted(filter_.callback, calls)


def counted(callback, calls: list[int]):
    async def call(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return await callback(*args, **kwargs)

    return call


async def test_a_lookup_meets_few_filters_on_its_way(settings, storage, user_id):
    # Before the routers had guards, a typed question met 33 filters before the lookup took it.
    harness = await BotHarness.start(settings, storage)
    try:
        user = await member(harness, user_id)
        calls = [0]
        count_filter_calls(harness.dispatcher, calls)
        reply = harness.texts(await harness.send(user, "cadmium agricultural Canada"))
        assert "1.4 mg/kg" in "\n".join(reply)
        assert calls[0] <= 13, calls[0]
    finally:
        await harness.close()
