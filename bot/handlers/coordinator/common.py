"""What the coordinator tools share: the role filter, typed-input states, and formatting helpers."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_datetime
from babel.numbers import format_decimal
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.countries import country_name
from bot.handlers.guards import typed_text
from bot.limits import fit_utf16
from bot.services import coordination, members
from storage.models import Member, Role


class CoordinatorStates(StatesGroup):
    """Typed input a coordinator is asked for (the data being built lives in the database)."""

    reminder_text = State()
    reminder_country = State()
    reminder_when = State()
    reminder_until = State()
    reject_reason = State()
    review_value = State()
    invite_country = State()


def is_coordinator(member: Member | None, user_id: int, settings: Settings) -> bool:
    """Whether this member (or configured Telegram id) holds the coordinator role."""
    return members.is_coordinator(member, user_id, settings.coordinator_ids)


async def coordinator_only(event: Message | CallbackQuery, settings: Settings, member: Member | None = None) -> bool:
    """Router filter: the update comes from a coordinator (checked on the server, for every update)."""
    return event.from_user is not None and is_coordinator(member, event.from_user.id, settings)


async def not_coordinator(event: Message | CallbackQuery, settings: Settings, member: Member | None = None) -> bool:
    """Router filter of the refusal router: anyone who is not a coordinator."""
    return not await coordinator_only(event, settings, member)


def refusal() -> str:
    """What a non-coordinator gets for a coordinator command or button."""
    return _("Sorry, this is only for coordinators.")


# A role as a coordinator types it after /invite or /setrole.
ROLE_WORDS = {
    "focal_point": Role.FOCAL_POINT,
    "focal": Role.FOCAL_POINT,
    "fp": Role.FOCAL_POINT,
    "lab": Role.LAB,
    "laboratory": Role.LAB,
    "member": Role.MEMBER,
}


# Typed text that is not a /command: a command typed mid-step (" /cancel" too) leaves the step to its own handler.
not_command = typed_text


_TELEGRAM_TAG = re.compile(r"</?(?:b|i|u|s|code|pre)>")


def usage_html(text: str) -> str:
    """Usage lines show <placeholders>: escape every "<" that is not one of Telegram's tags."""
    pieces, position = [], 0
    for tag in _TELEGRAM_TAG.finditer(text):
        pieces += [html.escape(text[position : tag.start()], quote=False), tag.group()]
        position = tag.end()
    return "".join(pieces) + html.escape(text[position:], quote=False)


def format_moment(moment: datetime | None, lang: str) -> str:
    """A stored moment, in the reader's locale, in UTC."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment, "medium", tzinfo=UTC, locale=babel_locale(lang)) + " UTC"


def format_number(value: int, lang: str) -> str:
    """A count in the reader's locale."""
    return format_decimal(value, locale=babel_locale(lang))


def babel_locale(lang: str) -> str:
    """Babel's name of one of our locales."""
    return lang.replace("-", "_") or "en"


def fit(text: str | None, units: int = 200) -> str:
    """Stored or reported text shortened for a message, then escaped (the stored text stays whole)."""
    return html.escape(fit_utf16(text or "", units))


class Tr:
    """gettext for the report helpers that take a `tr` object, in the current locale."""

    @staticmethod
    def gettext(message: str) -> str:
        return _(message)

    @staticmethod
    def ngettext(singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


async def survey_forms(session: AsyncSession) -> list:
    """The published surveys (latest version of each), as /export and the reminders list them."""
    return await coordination.exportable_forms(session)


def not_a_member_nation(country: str, lang: str) -> str:
    """Why /setrole and /invite make no national focal point for Antarctica, Kosovo and the like."""
    return _(
        "{country} is not an FAO member nation: national focal points are appointed for member nations only."
    ).format(country=html.escape(country_name(country, lang)))
