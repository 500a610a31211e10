"""Threshold lookups: free text, /lookup, /compare with a chart, and inline mode."""

from __future__ import annotations

import hashlib

from aiogram import F
from aiogram.filters import Command, CommandObject
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CompareValues
from bot.handlers import Handlers
from bot.handlers.groups import in_private_chat
from bot.i18n import translations
from bot.keyboards import compare_keyboard
from bot.lookup import render_text, split_message
from bot.lookup.render import comparison_rows, land_use_label, pollutant_label, render_comparison
from bot.services import thresholds
from bot.services.thresholds import ThresholdCatalog
from storage.models import Member

handlers = Handlers("lookup")

# Telegram's inline results must stay small; the first answer block is enough to decide.
INLINE_TEXT_LIMIT = 4000


async def _answer_lookup(message: Message, text: str, member: Member | None, session: AsyncSession,
                         catalog: ThresholdCatalog, i18n: I18n) -> None:
    locale = i18n.current_locale
    result = await thresholds.find_thresholds(session, catalog, text, member.country if member else None)
    chunks = split_message(render_text(result, translations(i18n.locales, locale), locale))
    markup = compare_keyboard(result.pollutant, result.land_use) if result.pollutant and result.kind != "help" else None
    for position, chunk in enumerate(chunks):
        await message.answer(chunk, reply_markup=markup if position == len(chunks) - 1 else None,
                             disable_web_page_preview=True)


@handlers.message(Command("lookup"))
async def lookup_command(message: Message, command: CommandObject, member: Member | None, session: AsyncSession,
                         catalog: ThresholdCatalog, i18n: I18n) -> None:
    """Look up threshold values for what follows the command."""
    await _answer_lookup(message, command.args or "", member, session, catalog, i18n)


async def _send_comparison(message: Message, query_text: str, session: AsyncSession, catalog: ThresholdCatalog,
                           i18n: I18n) -> None:
    from bot.reports.charts import chart_language, comparison_chart  # matplotlib loads on first use only

    locale = i18n.current_locale
    tr = translations(i18n.locales, locale)
    pollutant, land_use, records = await thresholds.compare(session, catalog, query_text)
    if pollutant is None:
        await message.answer(_("Which pollutant should I compare? For example: /compare cadmium agricultural"))
        return
    table = render_comparison(pollutant, land_use, records, tr, locale)
    if records:
        await message.bot.send_chat_action(message.chat.id, "upload_photo")
        drawn = chart_language(locale)
        drawn_tr = translations(i18n.locales, drawn)
        png = comparison_chart(comparison_rows(records, drawn_tr, drawn), pollutant_label(pollutant, drawn),
                               land_use_label(land_use, drawn_tr), drawn_tr, drawn)
        await message.answer_photo(BufferedInputFile(png, filename=f"{pollutant}.png"))
    for chunk in split_message(table):
        await message.answer(chunk)


@handlers.message(Command("compare"))
async def compare_command(message: Message, command: CommandObject, session: AsyncSession, catalog: ThresholdCatalog,
                          i18n: I18n) -> None:
    """Chart and table of one pollutant's values across jurisdictions."""
    await _send_comparison(message, command.args or "", session, catalog, i18n)


@handlers.callback_query(CompareValues.filter())
async def compare_button(query: CallbackQuery, callback_data: CompareValues, session: AsyncSession,
                         catalog: ThresholdCatalog, i18n: I18n) -> None:
    """The Compare button under a lookup answer."""
    await query.answer()
    if query.message is not None:
        await _send_comparison(query.message, f"{callback_data.pollutant} {callback_data.land_use}", session, catalog, i18n)


# In a group, plain text is the members' conversation: lookups there go through /lookup.
@handlers.message(F.text, ~F.text.startswith("/"), in_private_chat)
async def free_text_lookup(message: Message, member: Member | None, session: AsyncSession, catalog: ThresholdCatalog,
                           i18n: I18n) -> None:
    """Any other text is a question about threshold values."""
    await _answer_lookup(message, message.text or "", member, session, catalog, i18n)


@handlers.inline_query()
async def inline_lookup(query: InlineQuery, member: Member | None, session: AsyncSession, catalog: ThresholdCatalog,
                        i18n: I18n) -> None:
    """`@bot cadmium kenya` in any chat: the answer as an inline result."""
    text = query.query.strip()
    if not text:
        await query.answer([], cache_time=300, is_personal=False)
        return
    locale = i18n.current_locale
    result = await thresholds.find_thresholds(session, catalog, text, member.country if member else None)
    body = split_message(render_text(result, translations(i18n.locales, locale), locale), INLINE_TEXT_LIMIT)[0]
    title = _("Threshold values: {query}").format(query=text[:60])
    article = InlineQueryResultArticle(
        id=hashlib.sha1(f"{locale}:{text}".encode()).hexdigest()[:32],
        title=title,
        description=(ngettext("{count} value found", "{count} values found", len(result.results)).format(count=len(result.results))
                     if result.results else _("Tap to send the answer")),
        input_message_content=InputTextMessageContent(message_text=body, parse_mode="HTML"),
    )
    await query.answer([article], cache_time=60, is_personal=member is not None)
