"""A coordinator sends an XLSForm: it is checked, then published as a survey's new version with a button."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CoordPublish, PublishAction
from bot.config import Settings
from bot.downloads import FileTooLarge, download_capped
from bot.handlers.coordinator.common import fit
from bot.i18n import translations
from bot.i18n.typography import join_items
from bot.keyboards import publish_keyboard
from bot.services import coordination
from bot.survey import FormError
from bot.survey.limits import MAX_FORM_BYTES, FormLimitError
from bot.survey.sandbox import FormReader
from storage.models import Member

PUBLISH_AUDIENCES = {"fp": "focal_point,member", "lab": "lab", "all": ""}


async def download_document(bot: Bot, message: Message) -> bytes:
    """The file the coordinator sent, from Telegram: at most MAX_FORM_BYTES are read, whatever size Telegram
    declared (FileTooLarge beyond)."""
    return await download_capped(bot, message.document.file_id, MAX_FORM_BYTES)


async def form_uploaded(
    message: Message,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    form_reader: FormReader,
) -> None:
    """A coordinator sends an XLSForm: check it and offer to publish it as the form's new version.

    The file is read in a capped child process (`form_reader`): the event loop goes on serving
    everyone else, and a form that hits a limit gets one line naming its sheet, row and column.
    """
    await state.clear()
    document = message.document
    too_large = _("This file is too large for a survey form (at most 5 MB).")  # MAX_FORM_BYTES
    if document.file_size and document.file_size > MAX_FORM_BYTES:
        await message.answer(too_large)
        return
    try:
        content = await download_document(bot, message)
    except FileTooLarge:
        await message.answer(too_large)
        return
    except TelegramBadRequest as error:
        if "too big" not in str(error).lower():
            raise
        await message.answer(too_large)  # over the 20 MB Telegram lets bots download
        return
    try:
        check = await coordination.check_upload(
            session, message.from_user.id, document.file_name or "form.xlsx", content, form_reader
        )
    except FormLimitError as error:
        lang = i18n.current_locale
        await message.answer(
            "⚠️ " + html.escape(error.problem.text(translations(i18n.locales, lang), lang), quote=False)
        )
        return
    except FormError as error:
        await message.answer("⚠️ " + fit(str(error), 1000))
        return
    form = check.form
    lines = [
        "<b>" + _("Survey form received") + "</b>",
        _("Title: {title}").format(title=fit(form.title or "—", 600)),
        _("Form id: {form_id}").format(form_id=fit(form.form_id)),
        _("Version: {version}").format(version=fit(form.version)),
        _("Questions: {count}").format(count=check.question_count),
        _("Languages: {languages}").format(
            languages=html.escape(join_items(form.languages, i18n.current_locale) or form.default_language)
        ),
    ]
    if check.warnings:
        lang = i18n.current_locale
        lines += ["", _("Worth a look before publishing:")]
        lines += [
            "⚠️ " + html.escape(warning.text(translations(i18n.locales, lang), lang), quote=False)
            for warning in check.warnings[:10]
        ]
    if check.version_exists:
        lines += [
            "",
            _(
                "Version {version} of this form is already published. Change the version in the settings "
                "sheet and send the file again."
            ).format(version=html.escape(form.version)),
        ]
        await message.answer("\n".join(lines))
        return
    if check.current is not None:
        lines += [
            "",
            _(
                "It will replace version {version}; drafts of earlier versions stay answerable. "
                "Recipients stay the same as for the current version."
            ).format(version=html.escape(check.current.version)),
        ]
    else:
        lines += ["", _("This is a new survey. Who should be offered it?")]
    await message.answer("\n".join(lines), reply_markup=publish_keyboard(check.upload.id, check.current is not None))


async def publish_dropped(query: CallbackQuery) -> None:
    """Cancel: the uploaded form is not published."""
    await query.message.edit_text(_("Not published."))


async def publish_button(
    query: CallbackQuery, callback_answer: CallbackAnswer, callback_data: CoordPublish, session: AsyncSession
) -> None:
    """Publish the uploaded form: for the current version's recipients, or (a new survey) those chosen."""
    audience = None
    if callback_data.action == PublishAction.audience:
        if callback_data.arg not in PUBLISH_AUDIENCES:
            callback_answer.text = _("This button is no longer active.")
            callback_answer.show_alert = True
            return
        audience = PUBLISH_AUDIENCES[callback_data.arg]
    try:
        stored = await coordination.publish_upload(session, callback_data.upload, query.from_user.id, audience)
    except (coordination.NotFound, coordination.NotAllowed):
        callback_answer.text = _("This form is already published or no longer available.")
        callback_answer.show_alert = True
        return
    await query.message.edit_text(
        _("Published: {title}, version {version}. Members see it in /survey.").format(
            title=html.escape(stored.title or stored.form_id), version=html.escape(stored.version)
        )
    )


def build_router() -> Router:
    """The form upload and its publish buttons (coordinators only: the parent router's filter)."""
    router = Router(name="coordinator: publish")
    router.message.register(form_uploaded, F.document)
    router.callback_query.register(publish_dropped, CoordPublish.filter(F.action == PublishAction.drop))
    router.callback_query.register(
        publish_button, CoordPublish.filter(F.action.in_({PublishAction.publish, PublishAction.audience}))
    )
    return router
