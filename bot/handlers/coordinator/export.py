"""/export: a survey's submissions as XLSX and CSV files, with the documents sent as answers."""

from __future__ import annotations

import asyncio
import re

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CoordExport
from bot.config import Settings
from bot.handlers.coordinator.common import fit, format_number
from bot.handlers.guards import command
from bot.heavy import HeavyWork
from bot.keyboards import export_keyboard
from bot.services import coordination, documents
from storage.models import Member


async def export(
    message: Message,
    command: CommandObject,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    state: FSMContext,
    heavy: HeavyWork,
) -> None:
    """Offer the surveys to export; `/export ids` adds Telegram ids to the files."""
    heavy.prepare()  # while the coordinator picks a survey
    await state.clear()
    with_ids = (command.args or "").strip().lower() in ("ids", "telegram_ids", "with_ids")
    forms = await coordination.exportable_forms(session)
    if not forms:
        await message.answer(_("There is no survey to export."))
        return
    text = _("Which survey do you want to export (XLSX and CSV)?")
    if with_ids:
        text += "\n" + _("The files will include members' Telegram ids: keep them confidential.")
    await message.answer(
        text, reply_markup=export_keyboard([(form.id, form.title or form.form_id) for form in forms], with_ids)
    )


async def export_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordExport,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    heavy: HeavyWork,
    i18n: I18n,
) -> None:
    """Send the chosen survey's submissions as XLSX and CSV files."""
    try:
        stored, rows = await coordination.export_rows(session, callback_data.form_pk)
    except coordination.NotFound:
        callback_answer.text = _("This survey is not available.")
        callback_answer.show_alert = True
        return
    if query.message is None:
        return
    # The files take a while: stop the button's spinner now, not after the last file.
    callback_answer.disable()
    await query.answer()
    await query.message.bot.send_chat_action(query.message.chat.id, "upload_document")
    # Written in the worker process: a large export does not hold up anyone else's updates.
    # Countries named in the coordinator's language next to their ISO codes.
    files = await heavy.export_files(stored.definition, rows, None, bool(callback_data.ids), i18n.current_locale)
    count = len(rows)
    caption = ngettext("{title}: {count} submitted response.", "{title}: {count} submitted responses.", count).format(
        title=fit(stored.title or stored.form_id, 300), count=format_number(count, i18n.current_locale)
    )
    await query.message.answer_document(
        BufferedInputFile(files.xlsx, filename=files.filename_stem + ".xlsx"), caption=caption
    )
    await query.message.answer_document(
        BufferedInputFile(files.csv, filename=files.filename_stem + ".csv"),
        caption=_("CSV: one row per response.") if files.repeat_csvs else None,
    )
    for sheet, content in files.repeat_csvs:
        # The reported values are rows of a repeat: their own CSV, linked to the response by _parent_submission_id.
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", sheet).strip("._") or "repeat"
        await query.message.answer_document(
            BufferedInputFile(content, filename=f"{files.filename_stem}_{stem}.csv"),
            caption=_("CSV “{sheet}”: one row per entry, linked to its response by _parent_submission_id.").format(
                sheet=fit(sheet, 64)
            ),
        )
    # The documents sent as answers, in zips whose paths the files' cells name (off the event loop: copying).
    sent = await documents.export_documents(session, stored.form_id)
    if sent:
        archives = await asyncio.to_thread(documents.build_archives, sent)
        for number, archive in enumerate(archives, start=1):
            suffix = f"-{number}" if len(archives) > 1 else ""
            await query.message.answer_document(
                BufferedInputFile(archive, filename=f"{files.filename_stem}-documents{suffix}.zip"),
                caption=_(
                    "Documents sent as answers ({count}), with manifest.csv: consent level, SHA-256 and size of each."
                ).format(count=len(sent))
                if number == 1
                else None,
            )


def build_router() -> Router:
    """/export and its survey buttons (coordinators only: the parent router's filter)."""
    router = Router(name="coordinator: export")
    router.message.register(export, command("export"))
    router.callback_query.register(export_chosen, CoordExport.filter())
    return router
