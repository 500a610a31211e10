"""Nothing an update raises ends polling or stalls the queue (issue 11, parts 2 and 5).

The polling loop (bot/polling.py) runs in this process against the fake Bot API over HTTP, with a
small dispatcher whose handlers fail, hang or take their time on purpose. A failing update is logged
once with its id, apologized for in the person's language, confirmed, and the next one is handled;
a slow update holds neither other chats nor the loop, yet is confirmed only once it is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.types import Message
from sqlalchemy import text

from bot.app import build_i18n
from bot.failsafe import Apology
from bot.polling import poll
from tests.fakeapi.server import FakeBotAPI
from tests.harness import BotHarness

# The polling loop against the fake Bot API over HTTP, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."


def translated(i18n, language: str) -> str:
    return i18n.gettext(APOLOGY, locale=language)


class Scenario:
    """A dispatcher whose handlers misbehave on request; `polling()` runs bot/polling.py's loop."""

    def __init__(self, fake: FakeBotAPI, i18n) -> None:
        self.fake = fake
        self.release = asyncio.Event()
        self.started = asyncio.Event()
        self.dispatcher = Dispatcher(apology=Apology(i18n, "en"))
        router = Router()

        @router.message(F.text == "boom")
        async def boom(message: Message) -> None:
            raise RuntimeError("a bug in a handler")

        @router.message(F.text == "slow")
        async def slow(message: Message) -> None:
            self.started.set()
            await self.release.wait()
            await message.answer("slow done")

        @router.message(F.text == "hang")
        async def hang(message: Message) -> None:
            await asyncio.Event().wait()

        @router.message()
        async def echo(message: Message) -> None:
            await message.answer(f"echo {message.text}")

        self.dispatcher.include_router(router)

    def break_the_error_handler(self) -> None:
        """aiogram re-raises from feed_update when the error handler itself fails."""

        @self.dispatcher.errors()
        async def failing_error_handler(event) -> None:
            raise LookupError("the error handler fails too")

    @contextlib.asynccontextmanager
    async def polling(self, **options):
        bot = self.fake.make_bot()
        task = asyncio.create_task(poll(self.dispatcher, bot, timeout=1, handle_signals=False, **options))
        try:
            yield task
            assert not task.done(), f"polling ended: {task.exception() if not task.cancelled() else 'cancelled'}"
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def reply(self, chat_id: int, text: str, since: int, timeout: float = 10):
        return await self.fake.wait_for("sendMessage", {"chat_id": chat_id, "text": text}, since=since, timeout=timeout)

    async def confirmed(self, timeout: float = 10) -> None:
        """Every injected update was confirmed with getUpdates' offset."""
        for _ in range(int(timeout * 20)):
            if not self.fake.updates:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"still unconfirmed: {[update['update_id'] for update in self.fake.updates]}")


@pytest.fixture(scope="module")
def i18n(settings):
    return build_i18n(settings)


@pytest.fixture
async def scenario(i18n):
    async with FakeBotAPI.running() as fake:
        yield Scenario(fake, i18n)


def failure_lines(caplog, update_id: int) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR and str(update_id) in record.getMessage()
    ]


async def test_an_exception_escaping_feed_update_is_logged_once_apologized_and_confirmed(scenario, i18n, caplog):
    caplog.set_level(logging.WARNING)
    scenario.break_the_error_handler()
    async with scenario.polling():
        since = scenario.fake.mark()
        failing = scenario.fake.inject_message("boom", user_id=501, language_code="es")
        apology = await scenario.reply(501, translated(i18n, "es"), since)
        assert apology.ok and translated(i18n, "es") != APOLOGY
        # The next update is handled, and the failed one was confirmed (Telegram will not send it again).
        scenario.fake.inject_message("next", user_id=501, language_code="es")
        await scenario.reply(501, "echo next", since)
        await scenario.confirmed()
    assert len(failure_lines(caplog, failing["update_id"])) == 1, failure_lines(caplog, failing["update_id"])


async def test_a_slow_update_holds_neither_other_chats_nor_its_confirmation(scenario):
    async with scenario.polling():
        since = scenario.fake.mark()
        slow = scenario.fake.inject_message("slow", user_id=601)
        await asyncio.wait_for(scenario.started.wait(), 10)
        # While the slow one runs, other chats are fetched and answered...
        scenario.fake.inject_message("hello", user_id=602)
        await scenario.reply(602, "echo hello", since)
        # ...but nothing from the slow update on is confirmed: a crash now would get both delivered again.
        mark = scenario.fake.mark()
        await scenario.fake.wait_for("getUpdates", since=mark, timeout=10)
        assert slow["update_id"] in [update["update_id"] for update in scenario.fake.updates]
        polls = [call for call in scenario.fake.calls if call.seq > since and call.method == "getUpdates"]
        assert all(call.params.get("offset", 0) <= slow["update_id"] for call in polls)
        scenario.release.set()
        await scenario.reply(601, "slow done", since)
        await scenario.confirmed()


async def test_one_chat_is_handled_in_order(scenario):
    async with scenario.polling():
        since = scenario.fake.mark()
        scenario.fake.inject_message("slow", user_id=701)
        await asyncio.wait_for(scenario.started.wait(), 10)
        scenario.fake.inject_message("second", user_id=701)
        scenario.fake.inject_message("other chat", user_id=702)
        await scenario.reply(702, "echo other chat", since)
        await asyncio.sleep(0.3)
        assert not [call for call in scenario.fake.calls if call.seq > since and call.params.get("chat_id") == 701]
        scenario.release.set()
        first = await scenario.reply(701, "slow done", since)
        second = await scenario.reply(701, "echo second", since)
        assert first.seq < second.seq


async def test_updates_in_flight_are_bounded(scenario):
    async with scenario.polling(max_in_flight=3):
        since = scenario.fake.mark()
        scenario.fake.inject_message("slow", user_id=801)
        await asyncio.wait_for(scenario.started.wait(), 10)
        for user in range(802, 806):
            scenario.fake.inject_message("quick", user_id=user)
        await scenario.reply(802, "echo quick", since)
        await scenario.reply(803, "echo quick", since)
        await asyncio.sleep(0.5)
        # Three received and unconfirmed (the slow one and two behind it): no more until it is done.
        answered = {
            call.params["chat_id"] for call in scenario.fake.calls if call.seq > since and call.method == "sendMessage"
        }
        assert answered == {802, 803}
        scenario.release.set()
        await scenario.reply(804, "echo quick", since)
        await scenario.reply(805, "echo quick", since)
        await scenario.confirmed()


async def test_a_hanging_update_is_abandoned_apologized_and_confirmed(scenario, i18n, caplog):
    caplog.set_level(logging.WARNING)
    async with scenario.polling(update_timeout=0.5):
        since = scenario.fake.mark()
        hanging = scenario.fake.inject_message("hang", user_id=901, language_code="fr")
        scenario.fake.inject_message("after", user_id=901, language_code="fr")
        await scenario.reply(901, translated(i18n, "fr"), since)
        await scenario.reply(901, "echo after", since)
        await scenario.confirmed()
    assert len(failure_lines(caplog, hanging["update_id"])) == 1


@pytest.mark.filterwarnings("ignore:Detected unknown update type")  # this bare dispatcher lacks the app's filter
async def test_unknown_update_kinds_and_getupdates_errors_do_not_stop_polling(scenario):
    scenario.fake.configure(deliver_all_kinds=True)
    async with scenario.polling():
        since = scenario.fake.mark()
        scenario.fake.inject_update({"future_kind": {"id": 1, "from": {"id": 5, "is_bot": False, "first_name": "X"}}})
        scenario.fake.inject_update({})  # an update with nothing in it
        scenario.fake.inject_update(
            {
                "edited_message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 5, "type": "private"},
                    "from": {"id": 5, "is_bot": False, "first_name": "X"},
                    "text": "x",
                }
            }
        )
        # A kind aiogram knows but cannot read (a field newer Bot APIs add, here missing): skipped, not a stall.
        scenario.fake.inject_update({"poll": {"id": "1", "question": "?", "options": [], "total_voter_count": 0}})
        scenario.fake.inject_message("still there?", user_id=5)
        await scenario.reply(5, "echo still there?", since)
        await scenario.confirmed()
        # Telegram says another instance polls (409): retried, not fatal.
        scenario.fake.fail_next(
            "getUpdates", error_code=409, description="Conflict: terminated by other getUpdates request"
        )
        scenario.fake.fail_next("getUpdates", error_code=401, description="Unauthorized")
        scenario.fake.inject_message("and now?", user_id=5)
        await scenario.reply(5, "echo and now?", since, timeout=20)


# ------------------------------------------------------------------ the app's own error path


@pytest.fixture(scope="module")
async def harness(settings):
    harness = await BotHarness.start(settings)
    yield harness
    await harness.close()


async def test_a_failed_transaction_gets_an_apology_in_the_members_language(harness, user_id, i18n):
    """The rollback expires the member and the session is closed when the error handler runs: the
    error path (locale middleware, apology) must read no ORM state, or the error handler itself fails."""
    router = Router(name="fails after a query")

    @router.message(F.text == "/explode")
    async def explode(message: Message, session) -> None:
        async with session.begin():
            await session.execute(text("SELECT 1"))
            raise RuntimeError("a bug after a query")

    harness.dispatcher.include_router(router)
    harness.dispatcher.sub_routers.insert(0, harness.dispatcher.sub_routers.pop())
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start")
    await harness.press(user, "Français")  # stored language fr; Telegram still says en
    calls = await harness.send(user, "/explode")
    assert harness.texts(calls) == [translated(i18n, "fr")]
    # And the member goes on as usual.
    calls = await harness.send(user, "/help")
    assert "Ce que je peux faire" in harness.texts(calls)[0]
