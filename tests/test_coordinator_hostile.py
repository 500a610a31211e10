"""A coordinator uploading a hostile XLSForm through the real dispatcher (level 2).

- the upload is read in the form reader's child process: the coordinator gets one line in their
  language naming sheet and row, and a member's lookup sent meanwhile is answered without waiting;
- a file larger than it says: the bot stops downloading at 5 MB, whatever file_size Telegram declared
  (this one over real HTTP against the fake Bot API).
"""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.types import Chat, Document, Message, Update

from bot.handlers.coordinator import publish as coordinator_handlers
from bot.services import coordination
from tests.harness import BotHarness
from tests.survey import hostile

COORDINATOR = 901  # a coordinator in tests/conftest.py's settings
FORM_BYTES_LIMIT = 5 * 1024 * 1024


def document_update(harness: BotHarness, user, filename: str) -> Update:
    update_id = next(harness.updates._ids)
    document = Document(file_id=f"doc-{update_id}", file_unique_id=f"u-{update_id}", file_name=filename, file_size=1000)
    message = Message(
        message_id=update_id,
        date=int(time.time()),
        chat=Chat(id=user.id, type="private"),
        from_user=user,
        document=document,
    )
    return Update(update_id=update_id, message=message)


class LoopWatch:
    """The longest time the event loop went without running a 10 ms ticker."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(0.01)
            now = loop.time()
            self.longest = max(self.longest, now - last - 0.01)
            last = now

    def __enter__(self) -> LoopWatch:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc) -> None:
        self._task.cancel()


@pytest.mark.slow  # hostile files read in the form reader's child process
async def test_a_hostile_upload_gets_one_line_in_french_while_a_lookup_is_answered(harness, user_id, monkeypatch):
    member = harness.user(user_id, language="en")
    await harness.onboard(member, "Kenya", "National focal point")
    coordinator = harness.user(COORDINATOR, language="fr", name="Coralie")
    content = hostile.many_rows(100_000, "choices")  # pyxform took 11 s over it, in the event loop

    async def fake_download(bot, message):
        return content

    monkeypatch.setattr(coordinator_handlers, "download_document", fake_download)
    with LoopWatch() as watch:
        upload = asyncio.create_task(harness.feed(document_update(harness, coordinator, "enquete.xlsx")))
        await asyncio.sleep(0.05)  # the upload is under way: downloaded, handed to the form reader
        lookup_calls = await asyncio.wait_for(harness.send(member, "cadmium limit agricultural soil Kenya"), 30)
        lookup_done_first = not upload.done()
        upload_calls = await asyncio.wait_for(upload, 60)

    assert watch.longest < 1.0, f"the event loop stalled for {watch.longest:.1f} s"
    assert lookup_done_first, "the lookup waited for the upload"
    answers = [call.text for call in lookup_calls if call.method == "sendMessage" and call.chat_id == user_id]
    assert answers and "admium" in answers[0]
    replies = [call.text for call in upload_calls if call.method == "sendMessage" and call.chat_id == COORDINATOR]
    assert replies == [
        "⚠️ enquete.xlsx\u202f: feuille «\u202fchoices\u202f», ligne 10002\u202f: la feuille compte "
        "plus de 10\u202f000\u00a0lignes."
    ], replies


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            hostile.calculate_cycle(),
            "⚠️ cycle.xlsx: sheet 'survey', row 3, column 'calculation': the calculation of "
            "'left' depends on its own value (left → right → left).",
        ),
        (hostile.zip_bomb(200), "⚠️ cycle.xlsx: sheet 'survey': the file unpacks to more than 32 MB."),
    ],
)
async def test_hostile_uploads_get_one_line_and_publish_nothing(harness, monkeypatch, content, expected):
    async def fake_download(bot, message):
        return content

    monkeypatch.setattr(coordinator_handlers, "download_document", fake_download)
    calls = await harness.feed(document_update(harness, harness.user(COORDINATOR, language="en"), "cycle.xlsx"))
    texts = [call.text for call in calls if call.method == "sendMessage"]
    assert texts == [expected]
    assert not [call for call in calls if call.keyboard is not None]  # no Publish button


async def test_a_form_that_can_grow_is_offered_with_a_warning(harness, monkeypatch):
    content = hostile.doubling_chain(20)

    async def fake_download(bot, message):
        return content

    monkeypatch.setattr(coordinator_handlers, "download_document", fake_download)
    calls = await harness.feed(document_update(harness, harness.user(COORDINATOR, language="en"), "chain.xlsx"))
    summary = [call for call in calls if call.method == "sendMessage"][-1]
    assert (
        "Worth a look before publishing:\n⚠️ chain.xlsx: sheet 'survey', row 4, column 'calculation': the value "
        "of 'd2' can grow past 10,000 characters; longer values are cut." in summary.text
    )
    assert summary.keyboard is not None  # it can still be published


@pytest.mark.slow  # the fake Bot API over HTTP
async def test_the_download_stops_at_the_limit_whatever_size_telegram_declares(harness, monkeypatch):
    from tests.fakeapi.server import FakeBotAPI

    checked = []

    async def record_check(*args, **kwargs):
        checked.append(args)
        raise AssertionError("an oversized file reached the form reader")

    monkeypatch.setattr(coordination, "check_upload", record_check)
    async with FakeBotAPI.running() as fake:
        bot = fake.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
        received: list[int] = []
        stream = bot.session.stream_content

        async def counting_stream(*args, **kwargs):
            async for chunk in stream(*args, **kwargs):
                received.append(len(chunk))
                yield chunk

        bot.session.stream_content = counting_stream
        try:
            sent = fake.inject_document(
                "form.xlsx", b"PK\x03\x04" + b"\x00" * (12 * 1024 * 1024), user_id=COORDINATOR, language_code="en"
            )
            update = Update.model_validate(sent, context={"bot": bot})
            message = update.message
            lying = message.model_copy(update={"document": message.document.model_copy(update={"file_size": 1000})})
            await harness.dispatcher.feed_update(bot, update.model_copy(update={"message": lying}))
            reply = await fake.wait_for("sendMessage", {"chat_id": COORDINATOR}, timeout=15)
        finally:
            await bot.session.close()
    assert reply.params["text"] == "This file is too large for a survey form (at most 5 MB)."
    assert sum(received) <= FORM_BYTES_LIMIT + 65536  # one chunk past the limit, not 12 MB
    assert checked == []
