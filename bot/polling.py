"""Long polling that confirms an update to Telegram only after it, and every update before it, was handled.

aiogram's `start_polling` (with `handle_as_tasks=True`) asks for the next batch, which confirms the
previous one, while the previous batch is still being handled: a process killed at that moment loses
those updates for good (the kill -9 test in tests/test_faults_kill.py caught a survey answer lost so).

getUpdates confirms every update below its `offset`. Here the offset is the lowest update id not yet
handled, so a process killed at any moment loses nothing: Telegram delivers the unfinished updates
(and the finished ones above them) again, and the update ledger (bot/dedupe.py) and the survey's
per-update guard make that second delivery harmless.

One slow update does not hold the others. The loop keeps fetching while updates run: each chat's
updates run in order, one at a time, and different chats run side by side. Telegram returns the
unconfirmed updates with every call, so only ids the loop does not hold yet are started. While
something runs Telegram answers at once (the unconfirmed updates are pending), so instead of a long
poll the loop asks again when an update finishes, or every BUSY_POLL_INTERVAL seconds; when nothing
runs it long-polls as usual. At most MAX_IN_FLIGHT updates are received and unconfirmed at a time;
under load the loop waits for a quarter of that room rather than asking for every update that finished.

Nothing an update raises ends the loop (bot/failsafe.py): the failure is logged once with the update
id, the person gets an apology, and the update is confirmed like any other. An update still running
after UPDATE_TIMEOUT is abandoned; one aiogram cannot read is skipped (GetRawUpdates). Errors of
getUpdates itself are retried with a back-off.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import GetUpdates
from aiogram.methods.base import Response
from aiogram.types import Update

from bot.failsafe import UPDATE_TIMEOUT, feed_update_safely

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
# Received but not yet confirmable (Telegram returns at most 100 updates per call).
MAX_IN_FLIGHT = 100
# Handled at the same moment. More only means more sessions waiting for the database (SQLite has one
# writer; the PostgreSQL pool 30 connections) and more CPU spent waiting: the load benchmark's bot
# process used ~30 % more CPU per update with 100 at once than with 16.
MAX_CONCURRENT = 16
# While updates run, how often to look for new ones when none finishes meanwhile (seconds), and the
# least time between two such calls (under load updates finish all the time; each call brings back
# every unconfirmed update, so finishing ones are gathered for a moment instead of asked for one by one).
BUSY_POLL_INTERVAL = 0.5
BUSY_MIN_SPACING = 0.05
# On SIGINT/SIGTERM: how long running updates may still take before they are left to a redelivery.
SHUTDOWN_GRACE = 30.0


class GetRawUpdates(GetUpdates):
    """getUpdates with each update left as JSON: aiogram reads a whole response at once, so one
    update it cannot read (a newer Bot API, a malformed field) would fail every call and stall polling
    for good. Here each update is read on its own, and one that cannot be read is skipped (and confirmed)."""

    __returning__ = list[dict[str, Any]]


# aiogram reads each answer through `Response[method.__returning__]`; pydantic keeps such classes only
# while something refers to them, so without this reference every call after a garbage collection
# rebuilt the class (several ms each; it showed in the load benchmark's profile).
_RAW_UPDATES_RESPONSE = Response[GetRawUpdates.__returning__]


def chat_key(update: Update) -> int | str:
    """The conversation an update belongs to: its updates are handled in order, one at a time."""
    try:
        event = update.event
    except Exception:  # an update kind this aiogram does not know
        return f"update-{update.update_id}"
    chat = getattr(event, "chat", None) or getattr(getattr(event, "message", None), "chat", None)
    if chat is not None:
        return chat.id
    user = getattr(event, "from_user", None)
    return user.id if user is not None else f"update-{update.update_id}"


class UpdateWindow:
    """The update ids received and not yet confirmable, oldest first, and whether each was handled."""

    def __init__(self) -> None:
        self.handled: OrderedDict[int, bool] = OrderedDict()
        self.highest: int | None = None
        self.changed = asyncio.Event()

    def __len__(self) -> int:
        return len(self.handled)

    def is_new(self, update_id: int, requested_offset: int | None) -> bool:
        """Not received before. Telegram returns every unconfirmed update again, including ones that
        finished while the request was on its way (they left the window but are not confirmed yet)."""
        if self.highest is None or update_id > self.highest:
            return True
        # Below the offset we asked from: Telegram's numbering started again (ids may restart after a
        # week without updates), so nothing we hold can be meant.
        return requested_offset is not None and update_id < requested_offset

    def offset(self) -> int | None:
        """What getUpdates may confirm: everything below the oldest update still running."""
        if self.handled:
            return next(iter(self.handled))
        return None if self.highest is None else self.highest + 1

    def receive(self, update_id: int) -> None:
        """An update starts: from now on the offset stays at or below it until it finishes."""
        self.handled[update_id] = False
        self.highest = update_id if self.highest is None else max(self.highest, update_id)

    def finish(self, update_id: int) -> None:
        """An update was handled (or failed and was apologized for); the offset may move past it."""
        self.handled[update_id] = True
        while self.handled and next(iter(self.handled.values())):
            self.handled.popitem(last=False)
        self.changed.set()


class ChatQueues:
    """One task per chat with work: its updates in arrival order; different chats concurrently."""

    def __init__(
        self,
        handle: Callable[[Update], Awaitable[object]],
        finished: Callable[[int], None],
        concurrency: int = MAX_CONCURRENT,
    ) -> None:
        self.handle = handle
        self.finished = finished
        self.running = asyncio.Semaphore(concurrency)
        self.queues: dict[int | str, deque[Update]] = {}
        self.tasks: set[asyncio.Task] = set()

    def submit(self, update: Update) -> None:
        """Queue the update behind its chat's earlier ones, or start the chat's task."""
        key = chat_key(update)
        queue = self.queues.get(key)
        if queue is not None:
            queue.append(update)
            return
        self.queues[key] = deque([update])
        task = asyncio.create_task(self._drain(key), name=f"chat-{key}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _drain(self, key: int | str) -> None:
        queue = self.queues[key]
        try:
            while queue:
                update = queue[0]
                try:
                    async with self.running:
                        await self.handle(update)
                except Exception:  # handle() catches everything already; a bug there must not stall the chat
                    log.exception("update %s: failure while handling a failure", update.update_id)
                queue.popleft()
                self.finished(update.update_id)  # only a finished update may be confirmed
        finally:
            del self.queues[key]

    async def join(self, timeout: float) -> None:
        """Let running updates finish; what is still running after `timeout` is cancelled (and redelivered)."""
        if self.tasks:
            _done, pending = await asyncio.wait(set(self.tasks), timeout=timeout)
            if pending:
                log.warning("%d chats still busy at shutdown; their updates will be delivered again", len(pending))
        await self.cancel()

    async def cancel(self) -> None:
        """Stop every chat's task; what they had not finished stays unconfirmed."""
        tasks = set(self.tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task


async def _first(*awaitables: Awaitable[object]) -> None:
    """Wait until one of them completes; cancel the others."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task


async def poll(
    dispatcher: Dispatcher,
    bot: Bot,
    timeout: int = 20,
    handle_signals: bool = True,
    *,
    max_in_flight: int = MAX_IN_FLIGHT,
    max_concurrent: int = MAX_CONCURRENT,
    busy_interval: float = BUSY_POLL_INTERVAL,
    update_timeout: float = UPDATE_TIMEOUT,
    shutdown_grace: float = SHUTDOWN_GRACE,
) -> None:
    """Startup, then long polling until SIGINT/SIGTERM (or cancellation), then shutdown."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    if handle_signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    data = {"dispatcher": dispatcher, "bots": [bot], **dispatcher.workflow_data}
    feed_data = {key: value for key, value in data.items() if key != "bot"}
    window = UpdateWindow()

    async def handle(update: Update) -> None:
        await feed_update_safely(dispatcher, bot, update, update_timeout=update_timeout, **feed_data)

    chats = ChatQueues(handle, window.finish, max_concurrent)
    request: asyncio.Future | None = None
    await dispatcher.emit_startup(bot=bot, **data)
    try:
        user = await bot.me()
        log.info("polling for bot @%s id=%d", user.username, bot.id)
        allowed = dispatcher.resolve_used_update_types()
        backoff = 1.0
        last_request = 0.0
        while not stop.is_set():
            room = max_in_flight - len(window)
            busy = len(window) > 0
            if room <= 0:
                window.changed.clear()
                await _first(window.changed.wait(), stop.wait())
                continue
            if busy:
                # Every call brings back all unconfirmed updates: under load, gather room for a quarter of
                # the window (or wait BUSY_POLL_INTERVAL) rather than ask for each update that finished.
                since_last = loop.time() - last_request
                if since_last < BUSY_MIN_SPACING:
                    await _first(asyncio.sleep(BUSY_MIN_SPACING - since_last), stop.wait())
                    continue
                if room < max_in_flight // 4 and since_last < busy_interval:
                    window.changed.clear()
                    await _first(window.changed.wait(), asyncio.sleep(busy_interval - since_last), stop.wait())
                    continue
            window.changed.clear()
            offset = window.offset()
            last_request = loop.time()
            request = asyncio.ensure_future(
                bot(
                    GetRawUpdates(
                        offset=offset, limit=max_in_flight, timeout=0 if busy else timeout, allowed_updates=allowed
                    ),
                    request_timeout=timeout + 10,
                )
            )
            await _first(asyncio.shield(request), stop.wait())
            if not request.done():
                break
            try:
                updates: list[dict[str, Any]] = request.result()
            except TelegramRetryAfter as error:
                await _first(asyncio.sleep(error.retry_after), stop.wait())
                continue
            except Exception as error:  # network, server, conflict, a response aiogram cannot read
                log.warning("getUpdates failed (%s); retrying in %.0f s", type(error).__name__, backoff)
                await _first(asyncio.sleep(backoff), stop.wait())
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            fresh = 0
            for raw in updates:
                update_id = raw.get("update_id")
                if not isinstance(update_id, int) or not window.is_new(update_id, offset):
                    continue
                if len(window) >= max_in_flight:
                    break  # the rest comes again with the next call
                fresh += 1
                window.receive(update_id)
                try:
                    update = Update.model_validate(raw, context={"bot": bot})
                except Exception as error:
                    log.warning("update %s could not be read (%s); skipped", update_id, type(error).__name__)
                    window.finish(update_id)
                    continue
                chats.submit(update)
            if busy and not fresh:
                # Only updates we already run came back: wait for one to finish (or for new ones to arrive).
                await _first(window.changed.wait(), asyncio.sleep(busy_interval), stop.wait())
        await _cancel(request)
        await chats.join(shutdown_grace)
        await _confirm(bot, window)
    finally:
        await _cancel(request)
        await chats.cancel()
        if handle_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        await dispatcher.emit_shutdown(bot=bot, **data)
        await bot.session.close()


async def _cancel(request: asyncio.Future | None) -> None:
    """Drop a getUpdates call still on its way (its updates stay unconfirmed and come again)."""
    if request is not None and not request.done():
        request.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await request


async def _confirm(bot: Bot, window: UpdateWindow) -> None:
    """Tell Telegram what was handled before stopping, so a restart gets fewer updates again."""
    offset = window.offset()
    if offset is None:
        return
    with suppress(Exception):
        await bot.get_updates(offset=offset, limit=1, timeout=0, request_timeout=5)
