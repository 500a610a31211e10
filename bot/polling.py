"""Long polling that confirms an update to Telegram only after it was handled.

aiogram's `start_polling` (with `handle_as_tasks=True`) asks for the next batch, which confirms the
previous one, while the previous batch is still being handled: a process killed at that moment loses
those updates for good (the kill -9 test in tests/test_faults_kill.py caught a survey answer lost so).
Here a batch is handled completely before the offset moves past it. Different chats of a batch run
concurrently, one chat's updates in order. After a crash Telegram sends the unconfirmed batch again;
the survey's per-update guard and the update ledger (bot/dedupe.py) make the second delivery harmless.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import defaultdict
from contextlib import suppress

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.types import Update

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0


def _chat_key(update: Update) -> int | str:
    event = update.event
    chat = getattr(event, "chat", None) or getattr(getattr(event, "message", None), "chat", None)
    if chat is not None:
        return chat.id
    user = getattr(event, "from_user", None)
    return user.id if user is not None else f"update-{update.update_id}"


async def handle_batch(dispatcher: Dispatcher, bot: Bot, updates: list[Update], data: dict) -> None:
    """Every update of the batch handled: chats concurrently, each chat's updates in order."""
    by_chat: dict[int | str, list[Update]] = defaultdict(list)
    for update in updates:
        by_chat[_chat_key(update)].append(update)

    async def one_chat(chat_updates: list[Update]) -> None:
        for update in chat_updates:
            # feed_update never raises for a handler's error: the dispatcher's error handler apologized.
            await dispatcher.feed_update(bot, update, **{key: value for key, value in data.items() if key != "bot"})

    await asyncio.gather(*(one_chat(chat_updates) for chat_updates in by_chat.values()))


async def poll(dispatcher: Dispatcher, bot: Bot, timeout: int = 20, handle_signals: bool = True) -> None:
    """Startup, then long polling until SIGINT/SIGTERM, then shutdown."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    if handle_signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    data = {"dispatcher": dispatcher, "bots": [bot], **dispatcher.workflow_data}
    await dispatcher.emit_startup(bot=bot, **data)
    try:
        user = await bot.me()
        log.info("polling for bot @%s id=%d", user.username, bot.id)
        allowed = dispatcher.resolve_used_update_types()
        offset: int | None = None
        backoff = 1.0
        while not stop.is_set():
            request = asyncio.ensure_future(
                bot.get_updates(offset=offset, timeout=timeout, allowed_updates=allowed, request_timeout=timeout + 10))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not request.done():
                request.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await request
                break
            try:
                updates = request.result()
            except TelegramRetryAfter as error:
                await asyncio.sleep(error.retry_after)
                continue
            except (TelegramNetworkError, TelegramServerError) as error:
                log.warning("getUpdates failed (%s); retrying in %.0f s", type(error).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            if not updates:
                continue
            # Not interrupted by a signal: a batch is finished before the process stops.
            await asyncio.shield(handle_batch(dispatcher, bot, updates, data))
            offset = updates[-1].update_id + 1
    finally:
        if handle_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        await dispatcher.emit_shutdown(bot=bot, **data)
        await bot.session.close()
