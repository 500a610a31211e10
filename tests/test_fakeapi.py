"""Tests of the fake Telegram Bot API (tests/fakeapi) with a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiohttp import web

from tests.fakeapi import DEFAULT_TOKEN, FakeBotAPI

pytestmark = pytest.mark.slow  # the fake Bot API over HTTP


USER = 424242
# 1x1 transparent PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@contextlib.asynccontextmanager
async def fake_and_bot(**options: Any) -> AsyncIterator[tuple[FakeBotAPI, Bot]]:
    async with FakeBotAPI.running(port=0, **options) as fake:
        bot = fake.make_bot()
        try:
            yield fake, bot
        finally:
            await bot.session.close()


@pytest.fixture
async def env() -> AsyncIterator[tuple[FakeBotAPI, Bot]]:
    async with fake_and_bot() as pair:
        yield pair


@contextlib.asynccontextmanager
async def receiver(handler: Any) -> AsyncIterator[str]:
    """A small aiohttp webhook receiver on 127.0.0.1; yields its URL."""
    app = web.Application()
    app.router.add_post("/hook", handler)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


# --------------------------------------------------------------------------- basics


async def test_get_me_and_errors(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    me = await asyncio.wait_for(bot.get_me(), 5)
    assert me.is_bot and me.username == "insop_test_bot" and me.id == fake.bot_id
    assert fake.base_url.startswith("http://127.0.0.1:")

    other = Bot("987:wrong-token", session=fake.make_bot().session)
    with pytest.raises(TelegramUnauthorizedError):
        await asyncio.wait_for(other.get_me(), 5)
    await other.session.close()

    async with aiohttp.ClientSession() as http:
        # case-insensitive method names, GET allowed
        async with http.get(f"{fake.base_url}/bot{fake.token}/GETME") as resp:
            body = await resp.json()
            assert resp.status == 200 and body["ok"] and body["result"]["username"] == "insop_test_bot"
        async with http.post(f"{fake.base_url}/bot{fake.token}/noSuchMethod", json={}) as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.post(f"{fake.base_url}/bot1:bad/getMe") as resp:
            assert resp.status == 401
            assert (await resp.json())["description"] == "Unauthorized"
        # JSON bodies work too (chat_id as int, reply_markup as object)
        async with http.post(
            f"{fake.base_url}/bot{fake.token}/sendMessage",
            json={"chat_id": USER, "text": "json body"},
        ) as resp:
            body = await resp.json()
            assert body["ok"] and body["result"]["text"] == "json body"
    assert [c.method for c in fake.calls][:2] == ["getMe", "getMe"]
    assert fake.calls[1].status == 401


async def test_send_edit_callback_roundtrip(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    start = fake.inject_command("start", user_id=USER, first_name="Ana", language_code="es")
    user_mid = start["message"]["message_id"]
    kb = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Yes", callback_data="yes"),
                InlineKeyboardButton(text="No", callback_data="no"),
            ],
            [InlineKeyboardButton(text="Site", url="https://www.fao.org/global-soil-partnership/insop/en/")],
        ]
    )
    sent = await bot.send_message(USER, "Pick <b>one</b>", parse_mode="HTML", reply_markup=kb)
    assert isinstance(sent, Message)
    assert sent.message_id == user_mid + 1  # ids increase per chat, shared with the user's messages
    assert sent.chat.id == USER and sent.chat.type == "private" and sent.chat.first_name == "Ana"
    assert sent.from_user and sent.from_user.is_bot
    assert sent.text == "Pick one" and sent.entities and sent.entities[0].type == "bold"
    assert sent.reply_markup and sent.reply_markup.model_dump(exclude_none=True) == kb.model_dump(exclude_none=True)
    second = await bot.send_message(USER, "plain")
    assert second.message_id == sent.message_id + 1 and second.entities is None and second.reply_markup is None
    assert (await bot.send_message(777, "other chat")).message_id == 1

    assert fake.last_inline_keyboard(USER) == {
        "message_id": sent.message_id,
        "inline_keyboard": kb.model_dump(exclude_none=True)["inline_keyboard"],
    }
    with pytest.raises(ValueError):
        fake.press_button(USER, text="Site")  # url buttons cannot be "pressed"
    press = fake.press_button(USER, text="No", user_id=USER)
    updates = await bot.get_updates(offset=start["update_id"] + 1, timeout=1)
    assert [u.update_id for u in updates] == [press["update_id"]]
    cq = updates[0].callback_query
    assert cq is not None and cq.data == "no" and cq.from_user.id == USER and cq.chat_instance
    assert isinstance(cq.message, Message) and cq.message.message_id == sent.message_id

    assert await bot.answer_callback_query(cq.id, text="Noted")
    assert fake.callback_queries[cq.id]["answer"]["text"] == "Noted"
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(cq.id)

    edited = await bot.edit_message_text("You chose no", chat_id=USER, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.text == "You chose no" and edited.edit_date
    assert edited.reply_markup is None  # no reply_markup given -> removed, as Telegram does
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("You chose no", chat_id=USER, message_id=sent.message_id)
    with_kb = await bot.edit_message_reply_markup(chat_id=USER, message_id=sent.message_id, reply_markup=kb)
    assert isinstance(with_kb, Message) and with_kb.reply_markup
    assert with_kb.reply_markup.model_dump(exclude_none=True) == kb.model_dump(exclude_none=True)
    assert await bot.edit_message_text("inline", inline_message_id="AAAAAA") is True
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=9999)
    with pytest.raises(TelegramBadRequest, match="can't be edited"):
        await bot.edit_message_text("x", chat_id=USER, message_id=user_mid)

    assert [m["text"] for m in fake.sent_messages(USER)] == ["You chose no", "plain"]
    assert await bot.delete_message(USER, second.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, second.message_id)
    assert [m["message_id"] for m in fake.sent_messages(USER)] == [sent.message_id]
    assert await bot.send_chat_action(USER, "typing")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, "1 <b>2", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(
            USER,
            "x",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="t", callback_data="d" * 65)]]
            ),
        )


async def test_commands_per_scope_and_language(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    en = [BotCommand(command="start", description="Start"), BotCommand(command="help", description="Help")]
    es = [BotCommand(command="start", description="Iniciar")]
    assert await bot.set_my_commands(en)
    assert await bot.set_my_commands(es, language_code="es")
    private = BotCommandScopeAllPrivateChats()
    assert await bot.set_my_commands([BotCommand(command="survey", description="Survey")], scope=private)

    def pairs(commands: list[BotCommand]) -> list[tuple[str, str]]:
        return [(c.command, c.description) for c in commands]

    assert pairs(await bot.get_my_commands()) == pairs(en)
    assert pairs(await bot.get_my_commands(language_code="es")) == pairs(es)
    assert await bot.get_my_commands(language_code="fr") == []
    assert [c.command for c in await bot.get_my_commands(scope=private)] == ["survey"]
    assert fake.get_commands(language_code="es") == [{"command": "start", "description": "Iniciar"}]
    assert await bot.delete_my_commands(language_code="es")
    assert await bot.get_my_commands(language_code="es") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Command", description="x")])
    assert await bot.set_my_description("Soil pollution network", language_code="en")
    assert (await bot.get_my_description(language_code="en")).description == "Soil pollution network"
    assert (await bot.get_my_short_description()).short_description == ""


# ------------------------------------------------------------------------ getUpdates


async def test_get_updates_long_poll_offset_and_timeout(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    # empty long poll honours the timeout
    t0 = time.monotonic()
    assert await asyncio.wait_for(bot.get_updates(timeout=1), 5) == []
    assert 0.9 <= time.monotonic() - t0 < 3

    # an update injected during the poll is returned promptly
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.3)
    t1 = time.monotonic()
    injected = fake.inject_message("hello", user_id=USER, first_name="Ana")
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - t1 < 1.0
    assert [u.update_id for u in updates] == [injected["update_id"]]
    msg = updates[0].message
    assert msg is not None and msg.text == "hello" and msg.from_user and msg.from_user.first_name == "Ana"

    # without offset the same update is returned again; offset confirms it
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [injected["update_id"]]
    a = fake.inject_command("start", "deep-link_payload", user_id=USER)
    b = fake.inject_message("two", user_id=USER)
    assert a["update_id"] == injected["update_id"] + 1 and b["update_id"] == a["update_id"] + 1
    got = await bot.get_updates(offset=injected["update_id"] + 1, limit=1, timeout=0)
    assert [u.update_id for u in got] == [a["update_id"]]
    cmd = got[0].message
    assert cmd is not None and cmd.text == "/start deep-link_payload"
    assert cmd.entities and cmd.entities[0].type == "bot_command" and cmd.entities[0].length == len("/start")
    got = await bot.get_updates(offset=a["update_id"] + 1, timeout=0)
    assert [u.update_id for u in got] == [b["update_id"]]
    assert await bot.get_updates(offset=b["update_id"] + 1, timeout=0) == []
    assert fake.updates == []

    # allowed_updates filters (and persists)
    fake.inject_inline_query("so", user_id=USER)
    m = fake.inject_message("kept", user_id=USER)
    got = await bot.get_updates(allowed_updates=["message"], timeout=0)
    assert [u.update_id for u in got] == [m["update_id"]]


async def test_time_scale_and_poll_conflict() -> None:
    async with fake_and_bot(time_scale=20) as (fake, bot):
        t0 = time.monotonic()
        assert await asyncio.wait_for(bot.get_updates(timeout=10), 5) == []  # 10 fake s = 0.5 wall s
        assert time.monotonic() - t0 < 2.0
        # a second getUpdates terminates the first one with 409, like Telegram
        first = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.sleep(0.2)
        second = asyncio.create_task(bot.get_updates(timeout=30))
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
            await asyncio.wait_for(first, 5)
        fake.inject_message("x", user_id=USER)
        assert len(await asyncio.wait_for(second, 5)) == 1


# ----------------------------------------------------------------------------- files


async def test_send_photo_and_document_multipart(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    doc_bytes = os.urandom(70_000) + b"\x00end"
    photo_msg = await bot.send_photo(
        USER, BufferedInputFile(PNG, "pixel.png"), caption="a <i>pixel</i>", parse_mode="HTML"
    )
    assert photo_msg.photo and photo_msg.photo[-1].width == 1 and photo_msg.photo[-1].height == 1
    assert photo_msg.caption == "a pixel" and photo_msg.caption_entities
    doc_msg = await bot.send_document(USER, BufferedInputFile(doc_bytes, "thresholds.csv"), caption="data")
    document = doc_msg.document
    assert document is not None and document.file_name == "thresholds.csv"
    assert document.file_size == len(doc_bytes) and document.mime_type == "text/csv"
    assert document.file_id and document.file_unique_id

    photo_upload, doc_upload = fake.uploads
    assert (photo_upload.filename, photo_upload.size, photo_upload.data) == ("pixel.png", len(PNG), PNG)
    assert (doc_upload.filename, doc_upload.size, doc_upload.data) == ("thresholds.csv", len(doc_bytes), doc_bytes)
    call = fake.calls_of("sendDocument")[0]
    assert call.files and next(iter(call.files.values())).data == doc_bytes

    # re-send by file_id, then getFile + download through aiogram
    again = await bot.send_document(USER, document.file_id)
    assert again.document and again.document.file_unique_id == document.file_unique_id
    assert len(fake.uploads) == 2
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(USER, "no-such-file-id")
    file = await bot.get_file(document.file_id)
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read() == doc_bytes


# ---------------------------------------------------------------- limits and failures


async def test_per_chat_rate_limit_429_retry_after() -> None:
    async with fake_and_bot(per_chat_rate_limit=1, retry_after=3) as (fake, bot):
        await bot.send_message(USER, "one")
        with pytest.raises(TelegramRetryAfter) as err:
            await bot.send_message(USER, "two")
        assert err.value.retry_after == 3
        await bot.send_message(USER + 1, "other chat is fine")
        call = fake.calls_of("sendMessage", ok=False)[0]
        assert call.status == 429 and call.error == "Too Many Requests: retry after 3"
        st = fake.stats
        assert (st["sends_accepted"], st["sends_rejected"], st["rejected_per_chat"]) == (2, 1, 1)


async def test_global_rate_limit_with_time_scale() -> None:
    # 5 msgs per fake second; time_scale=10 -> a fake second is 0.1 s of wall time
    async with fake_and_bot(rate_limit=5, time_scale=10, penalize=False) as (fake, bot):
        for i in range(5):
            await bot.send_message(USER + i, "ok")
        with pytest.raises(TelegramRetryAfter) as err:
            await bot.send_message(USER, "too many")
        assert err.value.retry_after >= 1 and isinstance(err.value.retry_after, int)
        await asyncio.sleep(0.15)  # > one fake second later the window admits again
        await bot.send_message(USER, "again ok")
        assert fake.stats["sends_accepted"] == 6 and fake.stats["rejected_global"] == 1


async def test_raw_429_envelope() -> None:
    async with FakeBotAPI.running(per_chat_rate_limit=1) as fake:
        url = f"{fake.base_url}/bot{fake.token}/sendMessage"
        async with aiohttp.ClientSession() as http:
            async with http.post(url, data={"chat_id": str(USER), "text": "a"}) as resp:
                assert resp.status == 200
            async with http.post(url, data={"chat_id": str(USER), "text": "b"}) as resp:
                assert resp.status == 429
                body = await resp.json()
        assert body == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }


async def test_blocked_user_403_and_fault_injection(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    fake.set_blocked(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    fake.set_blocked(USER, False)
    assert (await bot.send_message(USER, "hi")).text == "hi"
    assert fake.stats["blocked_403"] == 1

    fake.fail_next("sendMessage", times=2, error_code=502)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(USER, "x")
    assert (await bot.send_message(USER, "x")).text == "x"
    fake.fail_next("*", error_code=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as err:
        await bot.get_me()
    assert err.value.retry_after == 7
    fake.fail_next("getme", error_code=400, description="Bad Request: custom")
    with pytest.raises(TelegramBadRequest, match="custom"):
        await bot.get_me()
    assert fake.stats["faults_injected"] == 4


# ---------------------------------------------------------------------------- webhook


async def test_webhook_delivery_secret_retry_and_conflict(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    fake.configure(webhook_retry_delay=0.05)
    received: list[tuple[dict[str, Any], str | None]] = []
    fail_first = [True]
    got = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        if fail_first[0]:
            fail_first[0] = False
            return web.Response(status=500)
        received.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        got.set()
        if received[-1][0].get("message", {}).get("text") == "reply please":
            return web.json_response({"method": "sendMessage", "chat_id": USER, "text": "from webhook reply"})
        return web.json_response({})

    async with receiver(hook) as url:
        assert await bot.set_webhook(url, secret_token="s3cret_token-1", drop_pending_updates=True)
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates(timeout=0)

        upd = fake.inject_message("via webhook", user_id=USER)
        await asyncio.wait_for(got.wait(), 5)
        body, secret = received[0]
        assert secret == "s3cret_token-1" and body == upd
        attempts = [d for d in fake.webhook_deliveries if d["update_id"] == upd["update_id"]]
        assert [d["ok"] for d in attempts] == [False, True]  # first attempt got 500, retried
        info = await bot.get_webhook_info()
        assert info.last_error_message and "500" in info.last_error_message

        fake.inject_message("reply please", user_id=USER)
        call = await fake.wait_for("sendMessage", {"text": "from webhook reply"}, timeout=5)
        assert call.via == "webhook_reply" and call.ok

        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.get_updates(timeout=0) == []


async def test_webhook_gives_up_after_attempts(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    fake.configure(webhook_retry_delay=0.01, webhook_max_attempts=2)

    async def hook(request: web.Request) -> web.Response:
        return web.Response(status=503)

    async with receiver(hook) as url:
        await bot.set_webhook(url)
        upd = fake.inject_message("lost", user_id=USER)
        for _ in range(100):
            if (
                len([d for d in fake.webhook_deliveries if d["update_id"] == upd["update_id"]]) == 2
                and not fake.updates
            ):
                break
            await asyncio.sleep(0.05)
        assert [d["status"] for d in fake.webhook_deliveries] == [503, 503]
        assert fake.updates == []
        with pytest.raises(TelegramBadRequest, match="loopback"):
            await bot.set_webhook("https://example.org/hook")


# --------------------------------------------------------------- control API over HTTP


async def test_http_control_api(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    ctl = f"{fake.base_url}/_fake"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{ctl}/command", json={"command": "start", "args": "x", "user_id": USER}) as resp:
            upd = (await resp.json())["result"]
        assert upd["message"]["text"] == "/start x"
        [u] = await bot.get_updates(timeout=1)
        assert u.update_id == upd["update_id"]
        kb = InlineKeyboardBuilder()
        kb.button(text="Agree", callback_data="agree")
        kb.button(text="Disagree", callback_data="disagree")
        await bot.send_message(USER, "Vote", reply_markup=kb.as_markup())
        async with http.get(f"{ctl}/keyboard", params={"chat_id": str(USER)}) as resp:
            keyboard = (await resp.json())["result"]
        assert [b["text"] for row in keyboard["inline_keyboard"] for b in row] == ["Agree", "Disagree"]
        async with http.post(f"{ctl}/press", json={"chat_id": USER, "index": 1}) as resp:
            pressed = (await resp.json())["result"]
        assert pressed["callback_query"]["data"] == "disagree"
        async with http.post(f"{ctl}/wait_for", json={"method": "sendMessage", "params": {"text": "Vote"}}) as resp:
            assert (await resp.json())["result"]["params"]["chat_id"] == USER
        async with http.post(f"{ctl}/wait_for", json={"method": "deleteMessage", "timeout": 0.2}) as resp:
            assert resp.status == 408
        async with http.get(f"{ctl}/calls", params={"method": "sendMessage"}) as resp:
            calls = (await resp.json())["result"]
        assert [c["params"]["text"] for c in calls] == ["Vote"]
        async with http.post(f"{ctl}/config", json={"per_chat_rate_limit": 1, "retry_after": 2}) as resp:
            assert (await resp.json())["result"]["retry_after"] == 2
        async with http.post(f"{ctl}/block", json={"chat_id": USER + 5}) as resp:
            assert resp.status == 200
        async with http.post(f"{ctl}/fail", json={"method": "getMe", "error_code": 500}) as resp:
            assert resp.status == 200
        with pytest.raises(TelegramServerError):
            await bot.get_me()
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(USER + 5, "x")
        async with http.get(f"{ctl}/sent_messages", params={"chat_id": str(USER)}) as resp:
            assert [m["text"] for m in (await resp.json())["result"]] == ["Vote"]
        async with http.get(f"{ctl}/stats") as resp:
            stats = (await resp.json())["result"]
        assert stats["blocked_403"] == 1 and stats["faults_injected"] == 1
        async with http.post(f"{ctl}/reset") as resp:
            assert resp.status == 200
    assert fake.calls == [] and fake.sent_messages() == []


async def test_inline_query_roundtrip(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    upd = fake.inject_inline_query("cadmium", user_id=USER, language_code="fr")
    [u] = await bot.get_updates(timeout=1)
    assert u.inline_query and u.inline_query.query == "cadmium" and u.inline_query.id == upd["inline_query"]["id"]
    result = InlineQueryResultArticle(
        id="cd", title="Cadmium", input_message_content=InputTextMessageContent(message_text="Cd: 3 mg/kg")
    )
    assert await bot.answer_inline_query(u.inline_query.id, [result], cache_time=1)
    answer = fake.inline_queries[u.inline_query.id]["answer"]
    assert answer["results"][0]["id"] == "cd"


# ---------------------------------------------------------------- end-to-end polling


async def test_dispatcher_end_to_end_polling(env: tuple[FakeBotAPI, Bot]) -> None:
    fake, bot = env
    router = Router()

    @router.message(CommandStart())
    async def on_start(message: Message, command: CommandObject) -> None:
        kb = InlineKeyboardBuilder()
        kb.button(text="Soil", callback_data="topic:soil")
        kb.button(text="Water", callback_data="topic:water")
        await message.answer(f"Welcome ({command.args or '-'}). Pick a topic:", reply_markup=kb.as_markup())

    @router.callback_query(F.data.startswith("topic:"))
    async def on_topic(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"Topic: {query.data.split(':', 1)[1]}")
        await query.answer()

    dp = Dispatcher()
    dp.include_router(router)
    polling = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=1, handle_signals=False, close_bot_session=False)
    )
    try:
        fake.inject_command("start", "from_site", user_id=USER, first_name="Ana", language_code="es")
        welcome = await fake.wait_for("sendMessage", timeout=10)
        assert welcome.ok and welcome.result["text"] == "Welcome (from_site). Pick a topic:"
        assert fake.last_inline_keyboard(USER)["message_id"] == welcome.result["message_id"]

        fake.press_button(USER, text="Water")
        edit = await fake.wait_for("editMessageText", timeout=10)
        assert edit.ok and edit.params["message_id"] == welcome.result["message_id"]
        answered = await fake.wait_for("answerCallbackQuery", timeout=10)
        assert answered.ok
        assert fake.sent_messages(USER)[-1]["text"] == "Topic: water"
        assert fake.last_inline_keyboard(USER) is None  # the edit removed the keyboard
    finally:
        await asyncio.wait_for(dp.stop_polling(), 10)
        await asyncio.wait_for(polling, 10)
    assert polling.done() and polling.exception() is None


# ------------------------------------------------------------------------------- CLI


async def test_cli_runner() -> None:
    root = Path(__file__).resolve().parent.parent
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakeapi",
        "--port",
        "0",
        "--rate",
        "30",
        "--per-chat-rate",
        "1",
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 15)).decode()
        assert "listening on http://127.0.0.1:" in line
        base = line.split("listening on ", 1)[1].split()[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/bot{DEFAULT_TOKEN}/getMe") as resp:
                assert (await resp.json())["ok"]
            async with http.get(f"{base}/_fake/state") as resp:
                config = (await resp.json())["result"]["config"]
        assert config["rate_limit"] == 30 and config["per_chat_rate_limit"] == 1
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)


# ----------------------------------------------------------- user files and members


async def test_user_document_download_chat_member_and_group_limit() -> None:
    async with fake_and_bot(group_rate_limit=20 / 60, retry_after=None) as (fake, bot):
        xlsx = b"PK\x03\x04" + os.urandom(1000)
        upd = fake.inject_document("thresholds.xlsx", xlsx, caption="import", user_id=USER)
        [u] = await bot.get_updates(timeout=1)
        assert u.update_id == upd["update_id"] and u.message and u.message.document
        assert u.message.caption == "import" and u.message.text is None
        doc = u.message.document
        assert doc.mime_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        buf = await bot.download(doc.file_id)
        assert buf is not None and buf.read() == xlsx
        assert fake.uploads == []  # only the bot's own uploads are listed there

        group = -1001234567890
        fake.register_chat(group, title="INSOP coordinators")
        fake.set_chat_member(group, USER, "administrator")
        assert (await bot.get_chat_member(group, USER)).status == "administrator"
        assert (await bot.get_chat_member(USER, USER)).status == "member"
        assert (await bot.get_chat(group)).title == "INSOP coordinators"

        for i in range(20):  # 20 per minute in a group, then 429
            await bot.send_message(group, f"n{i}")
        with pytest.raises(TelegramRetryAfter) as err:
            await bot.send_message(group, "too many")
        assert 1 <= err.value.retry_after <= 60
        await bot.send_message(USER, "private chats are not limited by the group limit")
