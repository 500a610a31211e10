"""Every coordinator path, walked as a member who is not a coordinator (level 2, the real dispatcher).

The commands and callback factories are read from the coordinator tools' own routers, so a tool added
later is walked too: each command (bare and with arguments), each callback prefix (valid-looking and
garbage data) and each typed-input step gets the refusal, and no row of the database changes.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackQueryFilter
from sqlalchemy import func, select

from bot.callbacks import CoordReview, ReviewAction
from bot.handlers import coordinator
from bot.handlers.coordinator.common import CoordinatorStates
from bot.services import coordination
from storage.models import FormUpload, Invite, Member, Reminder, RoleChange, SurveyForm, Threshold
from tests.harness import BotHarness

REFUSAL = "Sorry, this is only for coordinators."


def _walk(router: Router):
    yield router
    for child in router.sub_routers:
        yield from _walk(child)


def tool_paths() -> tuple[set[str], set[type]]:
    """The commands and callback data factories the coordinator-only routers handle."""
    root = coordinator.build_router()
    tools = next(router for router in root.sub_routers if router.name == "coordinator tools")
    commands, factories = set(), set()
    for router in _walk(tools):
        for handler in router.message.handlers:
            for filter_object in handler.filters or []:
                if isinstance(filter_object.callback, Command):
                    commands.update(str(command) for command in filter_object.callback.commands)
        for handler in router.callback_query.handlers:
            for filter_object in handler.filters or []:
                if isinstance(filter_object.callback, CallbackQueryFilter):
                    factories.add(filter_object.callback.callback_data)
    return commands, factories


async def snapshot(harness: BotHarness) -> dict[str, object]:
    """Row counts and states a coordinator tool could change."""
    async with harness.storage.sessionmaker() as session:
        return {
            "reminders": await session.scalar(select(func.count(Reminder.id))),
            "reminder states": sorted(
                tuple(row) for row in (await session.execute(select(Reminder.id, Reminder.status))).all()
            ),
            "invites": await session.scalar(select(func.count(Invite.id))),
            "role changes": await session.scalar(select(func.count(RoleChange.id))),
            "roles": sorted(
                tuple(row) for row in (await session.execute(select(Member.telegram_id, Member.role))).all()
            ),
            "thresholds": sorted(
                tuple(row) for row in (await session.execute(select(Threshold.id, Threshold.review_status))).all()
            ),
            "uploads": sorted(
                tuple(row) for row in (await session.execute(select(FormUpload.id, FormUpload.published_form_pk))).all()
            ),
            "forms": await session.scalar(select(func.count(SurveyForm.id))),
        }


def test_the_walk_finds_every_tool():
    commands, factories = tool_paths()
    assert {
        "stats",
        "remind",
        "reminders",
        "review",
        "export",
        "invite",
        "promote",
        "demote",
        "setrole",
        "dashboard",
    } <= commands
    assert {factory.__prefix__ for factory in factories} >= {"crm", "crx", "crv", "cex", "cpb", "civ"}


async def test_every_coordinator_path_is_refused_to_a_member_and_changes_nothing(harness, user_id):
    member = harness.user(user_id)
    await harness.onboard(member, "Kenya", "National focal point")
    await harness.send(member, "/help")  # a message in the member's chat to press buttons under
    commands, factories = tool_paths()
    commands.discard("help")  # /help is everyone's; a coordinator's only adds a block (tested elsewhere)
    before = await snapshot(harness)
    for command in sorted(commands):
        for text in (f"/{command}", f"/{command} {user_id} Kenya lab ids"):
            calls = await harness.send(member, text)
            assert harness.texts(calls) == [REFUSAL], text
            assert not [call for call in calls if call.method in ("sendPhoto", "sendDocument", "setMyCommands")], text
    for factory in sorted(factories, key=lambda factory: factory.__prefix__):
        for data in (
            f"{factory.__prefix__}:1:ok:x",
            f"{factory.__prefix__}:1:c:KE:lab:1:30:c",
            f"{factory.__prefix__}:garbage",
        ):
            calls = await harness.press(member, data=data[:64])
            answers = [call for call in calls if call.method == "answerCallbackQuery"]
            assert [call.params.get("text") for call in answers] == [REFUSAL], data
            assert [call.method for call in calls] == ["answerCallbackQuery"], data
    # Typed input for a coordinator step (a coordinator demoted mid-step): refused, and the step ends.
    context = harness.dispatcher.fsm.get_context(harness.bot, chat_id=member.id, user_id=member.id)
    for state in CoordinatorStates.__all_states__:
        await context.set_state(state)
        await context.update_data(reminder_id=1, threshold_id=1, language="en", when="2099-01-01T09:00:00+00:00")
        calls = await harness.send(member, "15/12/2099 09:00")
        assert harness.texts(calls) == [REFUSAL], state
        assert await context.get_state() is None, state
    assert await snapshot(harness) == before


async def test_a_button_is_answered_once_whether_its_handler_succeeds_or_fails(harness, monkeypatch):
    """The callback answer middleware answers after the handler; on an error only the apology answers."""
    coordinator = harness.user(901, name="Coco")
    await harness.send(coordinator, "/language")  # a message with buttons, to press a button under
    pressed = CoordReview(tid=0, action=ReviewAction.again).pack()
    calls = await harness.press(coordinator, data=pressed)
    assert [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"] == [None]

    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(coordination, "review_card", broken)
    calls = await harness.press(coordinator, data=pressed)
    answers = [call for call in calls if call.method == "answerCallbackQuery"]
    assert [call.params.get("text") for call in answers] == [
        "Sorry, something went wrong on our side. Please try again in a moment."
    ]
