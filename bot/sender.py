"""The reminder sender: delivers queued reminders within Telegram's limits, each at most once.

Deliveries move queued -> claimed -> sending -> sent (or blocked / failed / skipped), each step its own
committed transaction:

- a sender *claims* a small batch (one atomic UPDATE; `FOR UPDATE SKIP LOCKED` on PostgreSQL), so
  several senders, or a sender restarted after a crash, never take the same delivery;
- right before the request it marks the delivery *sending*, right after Telegram accepted it *sent*;
- a 429 puts the delivery back to *claimed* and pauses every send for `retry_after` (nothing lost,
  nothing repeated: Telegram did not deliver a rejected request);
- claims of a sender that died are taken over after `lease` seconds; a delivery it left in *sending*
  may or may not have reached the member, so it becomes *unknown* and is never sent again.

`Sender.run()` is the loop started with the dispatcher; `deliver_due(...)` does one full pass (tests, CLI).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.keyboards import reminder_survey_keyboard
from bot.services.coord_reminders import message_text, queue_due, survey_button
from storage.models import DeliveryStatus, utcnow
from storage.repositories.outbox import OutboxRepository

log = logging.getLogger(__name__)

# Telegram: about 30 messages per second in total and 1 per second per chat. Stay a little below.
DEFAULT_RATE = 25.0
PER_CHAT_INTERVAL = 1.0
BATCH_SIZE = 20
# Longer than aiogram's request timeout (60 s): a live sender's request is never taken for a dead one's.
DEFAULT_LEASE = 120.0
MAX_ATTEMPTS = 5


class RateLimiter:
    """Spaces sends: `rate` per second overall, `per_chat` seconds between two sends to one chat, pauses on 429.

    Telegram counts sends per second as they arrive. Even spacing alone drifts into bursts when a worker's
    commit is slow and it then catches up, so the moments the requests really leave are also kept: never
    more than `rate * window` of them within `window * (1 + WINDOW_MARGIN)` seconds.
    """

    # A request reaches Telegram a few milliseconds sooner or later than it left: 3 % of the window absorbs that.
    WINDOW_MARGIN = 0.03

    def __init__(self, rate: float, per_chat: float = PER_CHAT_INTERVAL, window: float = 1.0) -> None:
        self.interval = 1.0 / rate
        self.per_chat = per_chat
        self.window = window * (1 + self.WINDOW_MARGIN)
        self.sent_at: deque[float] = deque(maxlen=max(1, int(rate * window)))
        self.next_at = 0.0
        self.paused_until = 0.0
        self.last_by_chat: dict[int, float] = {}
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Telegram said to wait: nobody sends until then."""
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    async def acquire(self, chat_id: int) -> None:
        """Wait for this send's turn."""
        while True:
            async with self._lock:
                now = time.monotonic()
                wait = max(
                    self.paused_until - now,
                    self.next_at - now,
                    self.last_by_chat.get(chat_id, -1e9) + self.per_chat - now,
                )
                if wait <= 0:
                    # A worker that comes late (a slow commit) may use the slot it missed, never more:
                    # the pace holds on average; `release` keeps the bursts that could make in check.
                    self.next_at = max(self.next_at, now - self.interval) + self.interval
                    self.last_by_chat[chat_id] = now
                    if len(self.last_by_chat) > 10_000:
                        self.last_by_chat = {
                            chat: at for chat, at in self.last_by_chat.items() if at > now - self.per_chat
                        }
                    return
            await asyncio.sleep(wait)

    async def release(self) -> bool:
        """The request leaves now: wait first if the last `rate * window` requests left within the window.

        False if Telegram asked everyone to wait (a 429) meanwhile: the caller goes back to `acquire`
        rather than wait out the pause with its message marked as under way.
        """
        while True:
            now = time.monotonic()
            if self.paused_until > now:
                return False
            wait = self.sent_at[0] + self.window - now if len(self.sent_at) == self.sent_at.maxlen else 0.0
            if wait <= 0:
                self.sent_at.append(now)
                return True
            await asyncio.sleep(wait)


@dataclass
class PassReport:
    """What one pass did (for logs and tests)."""

    queued: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    in_doubt: int = 0


class Sender:
    """Claims and sends reminder deliveries; one per process is enough, several are safe."""

    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        default_language: str,
        rate: float = DEFAULT_RATE,
        lease: float = DEFAULT_LEASE,
        workers: int = 4,
        idle_interval: float = 5.0,
        window: float = 1.0,
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.i18n = i18n
        self.default_language = default_language
        self.languages = tuple(i18n.available_locales) + ("en",)
        self.limiter = RateLimiter(rate, window=window)
        self.lease = lease
        self.workers = max(1, workers)
        self.idle_interval = idle_interval
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> asyncio.Task:
        """Run the loop in the background (dispatcher startup)."""
        if self._task is None or self._task.done():
            self._stopping.clear()
            self._task = asyncio.create_task(self.run(), name="reminder-sender")
        return self._task

    async def stop(self) -> None:
        """Finish the message under way, give back unsent claims, end the loop."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=30)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            self._task = None

    def wake(self) -> None:
        """Something was queued: look now instead of at the next tick."""
        self._wake.set()

    async def run(self, until_idle: bool = False) -> None:
        """Deliver until stopped (or, with `until_idle`, until nothing is queued or claimed any more)."""
        while not self._stopping.is_set():
            try:
                report = await self.deliver_due()
            except Exception:  # a database hiccup must not end the loop for good
                log.exception("reminder sender pass failed")
                report = PassReport()
            if until_idle and not await self._has_open_work():
                return
            if report.sent or report.queued or report.retried:
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(
                    self._wake.wait(), timeout=min(self.idle_interval, self.lease) if until_idle else self.idle_interval
                )
            except TimeoutError:
                pass

    async def _has_open_work(self) -> bool:
        async with self.sessionmaker() as session, session.begin():
            repo = OutboxRepository(session)
            if await repo.has_open_deliveries():
                return True
            due = await repo.next_due_at()
        return due is not None and due <= utcnow()

    # ------------------------------------------------------------------ one pass

    async def deliver_due(self) -> PassReport:
        """Queue due reminders, then send everything claimable; returns what happened."""
        report = PassReport()
        now = utcnow()
        async with self.sessionmaker() as session:
            report.queued = await queue_due(session, now, self.default_language, self.languages)
            async with session.begin():
                report.in_doubt = await OutboxRepository(session).give_up_in_doubt(now - timedelta(seconds=self.lease))
        if report.in_doubt:
            log.warning("%d reminder deliveries were under way when a sender stopped; not sent again", report.in_doubt)
        await asyncio.gather(*(self._work(report) for _ in range(self.workers)))
        async with self.sessionmaker() as session, session.begin():
            await OutboxRepository(session).finish_reminders(utcnow())
        if report.sent or report.blocked or report.failed:
            log.info(
                "reminders: %d sent, %d blocked, %d failed, %d skipped",
                report.sent,
                report.blocked,
                report.failed,
                report.skipped,
            )
        return report

    async def _work(self, report: PassReport) -> None:
        token = secrets.token_hex(16)
        try:
            while not self._stopping.is_set():
                batch = await self._claim(token)
                if not batch:
                    return
                for delivery, reminder, member in batch:
                    if self._stopping.is_set():
                        break
                    await self._deliver(token, delivery, reminder, member, report)
        finally:
            async with self.sessionmaker() as session, session.begin():
                await OutboxRepository(session).release_claims(token)

    async def _claim(self, token: str):
        now = utcnow()
        async with self.sessionmaker() as session, session.begin():
            repo = OutboxRepository(session)
            if not await repo.claim(token, now, now - timedelta(seconds=self.lease), BATCH_SIZE):
                return []
            return await repo.claimed(token)

    async def _set(self, delivery_id: int, token: str, expected: DeliveryStatus, **values) -> bool:
        async with self.sessionmaker() as session, session.begin():
            return await OutboxRepository(session).set_delivery(delivery_id, token, expected, **values)

    async def _deliver(self, token, delivery, reminder, member, report: PassReport) -> None:
        if member.muted or not member.active:
            if await self._set(delivery.id, token, DeliveryStatus.CLAIMED, status=DeliveryStatus.SKIPPED):
                report.skipped += 1
            return
        text = message_text(reminder, delivery.language, self.i18n, self.default_language)
        markup = reminder_survey_keyboard(survey_button(reminder, delivery.language, self.i18n))
        attempts = delivery.attempts
        while True:
            await self.limiter.acquire(delivery.chat_id)
            attempts += 1
            # Committed before the request: if we die now, nobody sends this one again.
            if not await self._set(
                delivery.id,
                token,
                DeliveryStatus.CLAIMED,
                status=DeliveryStatus.SENDING,
                claimed_at=utcnow(),
                attempts=attempts,
            ):
                return  # another sender took it over (our claim had expired)
            if not await self.limiter.release():
                # A 429 paused everyone after our slot: back to claimed, wait in `acquire`.
                if not await self._set(
                    delivery.id, token, DeliveryStatus.SENDING, status=DeliveryStatus.CLAIMED, claimed_at=utcnow()
                ):
                    return
                attempts -= 1
                continue
            try:
                message = await self.bot.send_message(delivery.chat_id, text, parse_mode=None, reply_markup=markup)
            except TelegramRetryAfter as error:
                # Not delivered: back to claimed, everyone waits, then the same message again.
                report.retried += 1
                self.limiter.pause(error.retry_after)
                await self._set(
                    delivery.id, token, DeliveryStatus.SENDING, status=DeliveryStatus.CLAIMED, claimed_at=utcnow()
                )
                continue
            except TelegramForbiddenError as error:
                report.blocked += 1
                async with self.sessionmaker() as session, session.begin():
                    repo = OutboxRepository(session)
                    await repo.set_delivery(
                        delivery.id,
                        token,
                        DeliveryStatus.SENDING,
                        status=DeliveryStatus.BLOCKED,
                        error=error.message[:500],
                    )
                    await repo.deactivate_member(delivery.member_id)
                return
            except TelegramBadRequest as error:
                report.failed += 1
                await self._set(
                    delivery.id, token, DeliveryStatus.SENDING, status=DeliveryStatus.FAILED, error=error.message[:500]
                )
                return
            except (TelegramServerError, TelegramNetworkError) as error:
                # Telegram or the network failed: try again later, a few times.
                final = attempts >= MAX_ATTEMPTS
                report.failed += int(final)
                await self._set(
                    delivery.id,
                    token,
                    DeliveryStatus.SENDING,
                    status=DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED,
                    claim_token=token if final else None,
                    error=str(error)[:500],
                    not_before=utcnow() + timedelta(seconds=2**attempts),
                )
                return
            await self._set(
                delivery.id,
                token,
                DeliveryStatus.SENDING,
                status=DeliveryStatus.SENT,
                sent_at=utcnow(),
                message_id=message.message_id,
            )
            report.sent += 1
            return


async def deliver_due(
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    default_language: str = "en",
    rate: float = DEFAULT_RATE,
    lease: float = DEFAULT_LEASE,
    workers: int = 4,
    window: float = 1.0,
) -> PassReport:
    """One pass of the sender: queue what is due and send everything claimable now."""
    return await Sender(
        bot, sessionmaker, i18n, default_language, rate=rate, lease=lease, workers=workers, window=window
    ).deliver_due()
