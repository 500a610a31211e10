"""Documents as survey answers: a file sent while a survey asks for one, and coordinators downloading them."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, CallbackQuery, Message, Update
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DocumentGet
from bot.config import Settings
from bot.downloads import FileTooLarge, download_capped
from bot.handlers.survey import echo_line, show_turn
from bot.i18n.typography import file_size
from bot.limits import MAX_DOCUMENT_BYTES, MAX_MEMBER_DOCUMENT_BYTES, MAX_MEMBER_DOCUMENTS, fit_utf16
from bot.services import documents, members, surveys
from bot.services.surveys import FormCache
from storage.models import Member

_MB = 1_000_000  # decimal, as sizes are shown (bot.i18n.typography.file_size)


def refusal_text(reason: str) -> str:
    """One polite line saying why a document was not taken, in the member's language."""
    if reason == "too_big":
        return _("This file is too large: a document may have at most {limit} MB.").format(
            limit=MAX_DOCUMENT_BYTES // _MB
        )
    if reason == "quota":
        return ngettext(
            "You have reached the limit of documents you can send ({count} file, {limit} MB in all). "
            "Please ask a coordinator.",
            "You have reached the limit of documents you can send ({count} files, {limit} MB in all). "
            "Please ask a coordinator.",
            MAX_MEMBER_DOCUMENTS,
        ).format(count=MAX_MEMBER_DOCUMENTS, limit=MAX_MEMBER_DOCUMENT_BYTES // _MB)
    return _("This type of file is not accepted. Please send a PDF, Word (DOCX) or Excel (XLSX) file, or a picture.")


def consent_text(level: str) -> str:
    """The consent a document was sent under, as a coordinator reads it next to the file."""
    if level == "named":
        return _("Consent: may be published, naming the country.")
    if level == "aggregated":
        return _("Consent: aggregated results only; do not share the document.")
    return _("Consent: for INSOP coordinators only; do not share the document.")


def _sent_file(message: Message) -> tuple[str, str, int | None]:
    """(file id, file name, size Telegram declares) of the document or the largest picture size."""
    if message.document is not None:
        return message.document.file_id, message.document.file_name or "", message.document.file_size
    photo = message.photo[-1]
    return photo.file_id, "photo.jpg", photo.file_size


async def _awaiting_document(
    message: Message, member: Member | None, session: AsyncSession, forms: FormCache, event_update: Update
) -> dict | bool:
    """A file goes to the member's open survey when its current question takes a document (or when it was
    already stored there: a redelivery must not reach the coordinators' form upload)."""
    if member is None or (message.document is None and not message.photo):
        return False
    waiting = await documents.awaiting_document(session, forms, member, event_update.update_id)
    return {"draft_id": waiting[0], "last_update_id": waiting[1]} if waiting else False


async def document_answer(
    message: Message,
    member: Member,
    session: AsyncSession,
    forms: FormCache,
    i18n: I18n,
    event_update: Update,
    bot: Bot,
    draft_id: int,
    last_update_id: int,
) -> None:
    """A file sent while the survey asks for a document: downloaded (bounded), checked, stored as the answer."""
    if event_update.update_id <= last_update_id:
        return  # Telegram redelivered an update already stored: nothing to download or say
    file_id, filename, declared = _sent_file(message)
    lang = i18n.current_locale
    try:
        documents.check_size(declared)
        if not await documents.quota_allows(session, member, declared or 0):
            raise documents.DocumentRefused("quota")
        try:
            content = await download_capped(bot, file_id, MAX_DOCUMENT_BYTES)
        except FileTooLarge:
            raise documents.DocumentRefused("too_big") from None
        except TelegramBadRequest as error:
            if "too big" not in str(error).lower():
                raise
            raise documents.DocumentRefused("too_big") from None  # over the 20 MB Telegram lets bots download
        turn = await surveys.reply(
            session,
            forms,
            member,
            draft_id,
            event_update.update_id,
            "document",
            documents.Upload(content, filename),
            lang=lang,
            open_only=True,
        )
    except documents.DocumentRefused as refusal:
        await message.answer("⚠️ " + refusal_text(refusal.reason))
        return
    except surveys.SurveyUnavailable:
        await message.answer(_("You have no survey open. Send /resume to continue one, or /survey to start."))
        return
    if turn.duplicate:
        return
    if turn.stale:
        await message.answer(_("This question does not take a document. Send /resume to see the current question."))
        return
    await show_turn(message, turn, lang, member, lead=echo_line(turn, lang))  # "✓ …: report.pdf"


def document_line(view: documents.DocumentView, lang: str) -> str:
    """A document as one line: name, type and size (Telegram HTML)."""
    shown = file_size(view.size, lang)
    return "📎 " + _("Document: {name} ({type}, {size})").format(
        name=html.escape(fit_utf16(view.filename, 120)), type=view.extension.upper(), size=shown
    )


async def send_document(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DocumentGet,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
) -> None:
    """A coordinator presses a document's button (review card, /review): the bot sends the file."""
    if not members.is_coordinator(member, query.from_user.id, settings.coordinator_ids):
        callback_answer.text = _("Sorry, this is only for coordinators.")
        callback_answer.show_alert = True
        return
    found = await documents.document_for_coordinator(session, callback_data.doc)
    if found is None or query.message is None:
        callback_answer.text = _("This document no longer exists.")
        callback_answer.show_alert = True
        return
    document, consent = found
    # The consent travels with the file: a coordinator shares it beyond INSOP only with named consent.
    caption = consent_text(consent) + "\n" + _("SHA-256: {digest}").format(digest=document.sha256)
    await query.message.answer_document(
        BufferedInputFile(document.content, filename=documents.download_name(document)), caption=caption
    )


def build_router() -> Router:
    """A new Router: documents answering a survey question, and coordinators fetching them."""
    router = Router(name="documents")
    router.message.register(document_answer, F.document | F.photo, _awaiting_document)
    router.callback_query.register(send_document, DocumentGet.filter())
    return router
