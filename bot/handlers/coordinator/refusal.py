"""The one answer for everyone who is not a coordinator: every coordinator command, button and typed step.

It matches coordinator buttons by their prefix, not by unpacking them: forged or stale data from a
non-coordinator gets the refusal too, and changes nothing.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.callbacks import CoordExport, CoordInvite, CoordPublish, CoordRemind, CoordReminderAdmin, CoordReview
from bot.commands import COORDINATOR_MENU
from bot.handlers.coordinator.common import CoordinatorStates, not_command, not_coordinator, refusal
from bot.handlers.guards import command

# Every coordinator command of the menu: a new tool is refused to everyone else the day it is added.
COORDINATOR_COMMANDS = tuple(name for name, _description in COORDINATOR_MENU)
COORDINATOR_CALLBACKS = (CoordRemind, CoordReminderAdmin, CoordReview, CoordExport, CoordPublish, CoordInvite)


def callback_prefixes() -> tuple[str, ...]:
    """The callback data prefixes ("crv:", ...) of every coordinator button."""
    return tuple(factory.__prefix__ + factory.__separator__ for factory in COORDINATOR_CALLBACKS)


async def refuse_command(message: Message) -> None:
    """A coordinator command from anyone else: a polite refusal, nothing done (their own state stays)."""
    await message.answer(refusal())


async def refuse_step(message: Message, state: FSMContext) -> None:
    """Typed input for a coordinator step from someone no longer a coordinator (demoted meanwhile): refused."""
    await state.clear()
    await message.answer(refusal())


async def refuse_upload(message: Message) -> None:
    """A file from a member who is not answering a document question: only coordinators publish forms."""
    await message.answer(_("Only coordinators can publish surveys. To answer a survey, send /survey."))


async def refuse_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    """A coordinator button (kept, forwarded or forged) pressed by anyone else: an alert, nothing done."""
    callback_answer.text = refusal()
    callback_answer.show_alert = True


def build_router() -> Router:
    """Refusals for non-coordinators; it sits after the coordinator tools, in the coordinator package."""
    router = Router(name="coordinator: refusal")
    router.message.filter(not_coordinator)
    router.callback_query.filter(not_coordinator)
    router.message.register(refuse_command, command(*COORDINATOR_COMMANDS))
    router.message.register(refuse_step, StateFilter(*CoordinatorStates.__all_states__), not_command)
    router.message.register(refuse_upload, F.document)
    router.callback_query.register(refuse_button, F.data.startswith(callback_prefixes()))
    return router
