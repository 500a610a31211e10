"""Reminders: compose (texts per language or a catalog template), choose the audience, send now or schedule.

Sending itself is `bot.sender`; here are the steps a coordinator takes and the queueing of deliveries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Catalogs, choose_language
from bot.i18n import gettext_noop as __
from bot.limits import MESSAGE_LIMIT, fit_utf16, utf16_len
from bot.reports.regions import load_regions
from storage.models import DeliveryStatus, Reminder, ReminderSchedule, ReminderStatus, utcnow
from storage.repositories.outbox import OutboxRepository
from storage.repositories.reminders import ReminderRepository

# Catalog templates: translated by the translators, rendered in each recipient's language.
TEMPLATES = {
    "survey": __(
        "Reminder from INSOP: please answer the survey “{form}”. Send /survey to start, or /resume to "
        "continue where you stopped. Thank you!"
    ),
    "profile": __(
        "Reminder from INSOP: please complete your profile so that we can send you the right surveys. "
        "Send /start to continue."
    ),
    "thanks": __(
        "Thank you for taking part in INSOP's survey campaign! Your answers help the network map soil "
        "pollution thresholds worldwide."
    ),
}
# The survey template, as those who never started and those with a draft read it (each gets its own button).
AUDIENCE_TEMPLATES = {
    ("survey", "not_started"): __(
        "Reminder from INSOP: please answer the survey “{form}”. Tap the button below to start. Thank you!"
    ),
    ("survey", "draft"): __(
        "Reminder from INSOP: your answers to the survey “{form}” are saved as a draft. Tap the "
        "button below to continue where you stopped. Thank you!"
    ),
}
START_BUTTON = __("▶ Start the survey")
CONTINUE_BUTTON = __("▶ Continue the survey")
# Refinements a reminder's audience can carry on top of its kind (all of them apply).
REFINEMENTS = ("language", "role", "region", "country")
# Added under every reminder, in the recipient's language.
MUTE_FOOTER = __("You receive this as a member of INSOP. Send /mute to stop reminders.")
# Templates that name a survey need one chosen.
TEMPLATES_WITH_FORM = {"survey"}
AUDIENCE_KINDS = ("all", "not_submitted", "not_started", "draft", "role", "region", "country", "language")
# UTF-16 units of a typed reminder text: with the mute footer it stays within Telegram's 4096, and so
# does the coordinator's preview with the recipients and languages listed under it.
TEXT_LIMIT = 3000
WEEK = timedelta(days=7)


class ReminderGone(Exception):
    """The reminder is not a draft any more (sent, scheduled or cancelled), or does not exist."""


class ReminderIncomplete(ReminderGone):
    """The draft has no text or no recipients yet: it cannot be sent or scheduled."""


def region_countries(region: str) -> set[str]:
    """Country codes of a GSP region."""
    return {code for code, name in load_regions().items() if name == region}


def render(reminder: Reminder | ReminderSchedule, language: str, i18n: Catalogs, default_language: str) -> str:
    """The reminder's text for one recipient: their language's text, else the default language's, else any."""
    if reminder.template:
        kind = str((reminder.audience or {}).get("kind"))
        template = AUDIENCE_TEMPLATES.get((reminder.template, kind)) or TEMPLATES.get(reminder.template)
        if template is None:
            return ""
        args = dict(reminder.template_args or {})
        if isinstance(args.get("form"), str) and args["form"]:
            # A shipped survey's title is in the catalogs: each recipient reads it in their language.
            args["form"] = i18n.gettext(args["form"], locale=language)
        return i18n.gettext(template, locale=language).format(**args)
    texts = reminder.texts or {}
    return texts.get(language) or texts.get(default_language) or next(iter(texts.values()), "")


def message_text(reminder: Reminder, language: str, i18n: Catalogs, default_language: str) -> str:
    """What the recipient gets: the reminder, then how to stop reminders; always within Telegram's limit."""
    footer = "\n\n" + i18n.gettext(MUTE_FOOTER, locale=language)
    # Typed texts are refused over TEXT_LIMIT; this keeps older or templated ones deliverable too.
    return fit_utf16(render(reminder, language, i18n, default_language), MESSAGE_LIMIT - utf16_len(footer)) + footer


@dataclass(frozen=True)
class SurveyButton:
    """The button under a reminder that opens its survey, worded in the recipient's language."""

    label: str
    form_pk: int


def survey_button(reminder: Reminder, language: str, i18n: Catalogs) -> SurveyButton | None:
    """[Start the survey] for those who never started, [Continue the survey] for those with a draft; else None."""
    audience = reminder.audience or {}
    form_pk = audience.get("form_pk")
    if audience.get("kind") not in ("not_started", "draft", "not_submitted") or not isinstance(form_pk, int):
        return None
    label = CONTINUE_BUTTON if audience["kind"] == "draft" else START_BUTTON
    return SurveyButton(i18n.gettext(label, locale=language), form_pk)


async def new_draft(session: AsyncSession, coordinator: int) -> Reminder:
    """Start composing a reminder."""
    async with session.begin():
        return await ReminderRepository(session).add_reminder(coordinator, status=ReminderStatus.DRAFT)


async def _draft(repo: ReminderRepository, reminder_id: int) -> Reminder:
    reminder = await repo.reminder(reminder_id, for_update=True)
    if reminder is None or reminder.status != ReminderStatus.DRAFT:
        raise ReminderGone(reminder_id)
    return reminder


async def set_text(session: AsyncSession, reminder_id: int, language: str, text: str) -> Reminder:
    """Store the reminder's text in one language (a template is dropped)."""
    async with session.begin():
        reminder = await _draft(ReminderRepository(session), reminder_id)
        reminder.template = None
        reminder.template_args = {}
        text = text.strip()
        if utf16_len(text) > TEXT_LIMIT:
            raise ValueError(f"reminder text of {utf16_len(text)} UTF-16 units, at most {TEXT_LIMIT}")
        reminder.texts = {**(reminder.texts or {}), language: text}
    return reminder


async def set_template(
    session: AsyncSession, reminder_id: int, key: str, args: dict[str, Any] | None = None
) -> Reminder:
    """Use a catalog template (typed texts are dropped)."""
    if key not in TEMPLATES:
        raise ValueError(key)
    async with session.begin():
        reminder = await _draft(ReminderRepository(session), reminder_id)
        reminder.template = key
        reminder.template_args = args or {}
        reminder.texts = {}
    return reminder


async def set_audience(
    session: AsyncSession, reminder_id: int, audience: dict[str, Any], default_language: str, refine: bool = False
) -> tuple[Reminder, int]:
    """Choose who receives the reminder (or, with `refine`, add a refinement to the chosen audience);
    returns how many members that is right now."""
    async with session.begin():
        repo = ReminderRepository(session)
        reminder = await _draft(repo, reminder_id)
        if refine:
            if not reminder.audience or set(audience) - set(REFINEMENTS):
                raise ValueError(audience)
            audience = {**reminder.audience, **audience}
        if audience.get("kind") not in AUDIENCE_KINDS:
            raise ValueError(audience)
        reminder.audience = audience
        count = await repo.audience_count(audience, default_language, region_countries)
    return reminder, count


async def audience_count(
    session: AsyncSession, reminder_id: int, default_language: str, language: str | None = None
) -> int:
    """How many members the draft's audience holds right now (only those reading `language`, if given)."""
    async with session.begin():
        repo = ReminderRepository(session)
        reminder = await _draft(repo, reminder_id)
        audience = dict(reminder.audience or {"kind": "all"})
        if language:
            audience["language"] = language
        return await repo.audience_count(audience, default_language, region_countries)


async def get_draft(session: AsyncSession, reminder_id: int) -> Reminder:
    """A reminder still being composed."""
    async with session.begin():
        return await _draft(ReminderRepository(session), reminder_id)


async def send_now(session: AsyncSession, reminder_id: int) -> Reminder:
    """Queue the reminder for the sender right away."""
    return await schedule_once(session, reminder_id, utcnow())


async def schedule_once(session: AsyncSession, reminder_id: int, when: datetime) -> Reminder:
    """Send the reminder at `when` (UTC)."""
    async with session.begin():
        reminder = await _draft(ReminderRepository(session), reminder_id)
        if not reminder.audience or not (reminder.texts or reminder.template):
            raise ReminderIncomplete(reminder_id)
        reminder.status = ReminderStatus.SCHEDULED
        reminder.scheduled_for = when.astimezone(UTC)
    return reminder


def week_after(moment: datetime, zone: str | None) -> datetime:
    """The same time on the clocks of `zone` one week later, in UTC: 09:00 in Rome stays 09:00 across a change
    to or from summer time (without a zone, exactly seven days later)."""
    if not zone:
        return moment.astimezone(UTC) + WEEK
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz).replace(tzinfo=None) + WEEK
    return local.replace(tzinfo=tz).astimezone(UTC)


async def schedule_weekly(
    session: AsyncSession, reminder_id: int, first: datetime, until: datetime, zone: str | None = None
) -> ReminderSchedule:
    """Send at `first`, then every week at the same time on the clocks of `zone` until `until` (inclusive)."""
    async with session.begin():
        repo = ReminderRepository(session)
        reminder = await _draft(repo, reminder_id)
        if not reminder.audience or not (reminder.texts or reminder.template):
            raise ReminderIncomplete(reminder_id)
        first = first.astimezone(UTC)
        following = week_after(first, zone)
        schedule = await repo.add_schedule(
            created_by=reminder.created_by,
            texts=reminder.texts,
            template=reminder.template,
            template_args=reminder.template_args,
            audience=reminder.audience,
            next_run_at=following if following <= until else None,
            until=until,
            cancelled=False,
            zone=zone,
        )
        reminder.schedule_id = schedule.id
        reminder.status = ReminderStatus.SCHEDULED
        reminder.scheduled_for = first
    return schedule


async def cancel_draft(session: AsyncSession, reminder_id: int) -> None:
    """Drop a reminder being composed."""
    async with session.begin():
        reminder = await _draft(ReminderRepository(session), reminder_id)
        reminder.status = ReminderStatus.CANCELLED


async def cancel_scheduled(session: AsyncSession, reminder_id: int) -> bool:
    """Cancel a reminder that has not started sending, and its weekly schedule; False if too late."""
    async with session.begin():
        repo = ReminderRepository(session)
        reminder = await repo.reminder(reminder_id, for_update=True)
        if reminder is None:
            return False
        cancelled = False
        if reminder.status == ReminderStatus.SCHEDULED:
            reminder.status = ReminderStatus.CANCELLED
            cancelled = True
        if reminder.schedule_id is not None:
            schedule = await repo.schedule(reminder.schedule_id)
            if schedule is not None and not schedule.cancelled:
                schedule.cancelled = True
                cancelled = True
    return cancelled


@dataclass
class ReminderReport:
    reminder: Reminder
    counts: dict[DeliveryStatus, int]


async def report(session: AsyncSession, limit: int = 10) -> list[ReminderReport]:
    """The newest reminders with their deliveries per status."""
    async with session.begin():
        repo = ReminderRepository(session)
        reminders = await repo.recent_reminders(limit)
        counts = await repo.delivery_counts([reminder.id for reminder in reminders])
    return [ReminderReport(reminder, counts.get(reminder.id, {})) for reminder in reminders]


# ---------------------------------------------------------------- used by the sender


async def queue_due(session: AsyncSession, now: datetime, default_language: str, languages: tuple[str, ...]) -> int:
    """Create this week's reminder of every due schedule, then queue deliveries of every due reminder.

    Runs in every sender, possibly at the same time: the status change scheduled -> sending is one
    conditional UPDATE, so only one of them queues a reminder's deliveries.
    """
    queued = 0
    async with session.begin():
        repo = ReminderRepository(session)
        for schedule in await repo.due_schedules(now):
            run_at = schedule.next_run_at
            if run_at is None:  # due_schedules() returns none of these
                continue
            if not await repo.occurrence_exists(schedule.id, run_at):
                await repo.add_reminder(
                    schedule.created_by,
                    schedule_id=schedule.id,
                    texts=schedule.texts,
                    template=schedule.template,
                    template_args=schedule.template_args,
                    audience=schedule.audience,
                    status=ReminderStatus.SCHEDULED,
                    scheduled_for=run_at,
                )
            following = week_after(run_at, schedule.zone)
            schedule.next_run_at = following if following <= schedule.until else None
    for reminder_id in await _due(session, now):
        async with session.begin():
            repo = ReminderRepository(session)
            if not await repo.start_reminder(reminder_id, now):
                continue
            reminder = await repo.reminder(reminder_id)
            if reminder is None:
                continue
            members = await repo.audience(reminder.audience, default_language, region_countries)
            queued += await OutboxRepository(session).queue_deliveries(
                reminder.id,
                (
                    (member_id, telegram_id, choose_language(language, None, default_language, languages))
                    for member_id, telegram_id, language in members
                ),
            )
    return queued


async def _due(session: AsyncSession, now: datetime) -> list[int]:
    async with session.begin():
        return await ReminderRepository(session).due_reminders(now)
