"""/stats: survey campaign progress by region and country, the action-plan indicators and a chart."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_percent
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.countries import country_name
from bot.handlers.coordinator.common import babel_locale, format_number
from bot.handlers.guards import command
from bot.heavy import HeavyWork
from bot.i18n import translations
from bot.i18n.typography import direct, join_items
from bot.reports.indicators import indicator_label
from bot.reports.regions import REGIONS, region_label
from bot.services import coordination
from bot.telegram_render import split_message
from storage.models import Member


async def stats(
    message: Message,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
    heavy: HeavyWork,
) -> None:
    """Submissions and drafts per form by region and country, the action-plan indicators and a chart."""
    heavy.prepare()
    await state.clear()
    lang = i18n.current_locale
    tr = translations(i18n.locales, lang)
    result = await coordination.campaign_stats(session, heavy)
    lines = ["<b>" + _("Survey campaign progress") + "</b>"]
    for form in result.forms:
        lines += [
            "",
            "<b>" + html.escape(form.title) + "</b> (" + html.escape(form.form_id) + ")",
            _("{submitted} submitted, {drafts} in progress").format(
                submitted=format_number(form.submitted, lang), drafts=format_number(form.drafts, lang)
            ),
        ]
        for region in sorted(form.by_region, key=coordination.region_order):
            countries = form.by_region[region]
            done = sum(cell[0] for cell in countries.values())
            drafts = sum(cell[1] for cell in countries.values())
            names = join_items(
                sorted(
                    f"{country_name(code, lang) if code else '?'} {cell[0]}/{cell[1]}"
                    for code, cell in countries.items()
                ),
                lang,
            )
            label = region_label(region, tr) if region in REGIONS else _("Country not given or outside the regions")
            lines.append(
                "• "
                + _("{region}: {submitted} submitted, {drafts} in progress ({countries})").format(
                    region=html.escape(label),
                    submitted=format_number(done, lang),
                    drafts=format_number(drafts, lang),
                    countries=html.escape(names),
                )
            )
    lines += ["", "<b>" + _("Action plan indicators") + "</b>"]
    for indicator in result.indicators:
        goal = ""
        if indicator.goal is not None:
            goal = " · " + _("goal {goal}").format(goal=format_percent(indicator.goal, locale=babel_locale(lang)))
        lines.append(
            "• "
            + _("{label}: {value}").format(
                label=html.escape(indicator_label(indicator.id, tr)),
                value=_("{numerator} of {denominator}").format(
                    numerator=format_number(indicator.numerator, lang),
                    denominator=format_number(indicator.denominator, lang),
                )
                + f" ({format_percent(indicator.value, locale=babel_locale(lang))})"
                + goal,
            )
        )
    counted = [
        (
            _("{country}: answer no. {id} of the focal point")
            if answer.official
            else _("{country}: answer no. {id}, no focal point has answered")
        ).format(country=answer.country, id=answer.submission_id)
        for answer in result.counted
        if answer.worth_naming
    ]
    if counted:  # one official answer per country: say which one counted where there was a choice
        lines += ["", _("Counted for the indicators (one answer per country):"), *("• " + line for line in counted)]
    lines += ["", _("(country: submitted/in progress)")]
    for chunk in split_message(direct("\n".join(lines), lang)):  # form titles may be Latin in Arabic text
        await message.answer(chunk)
    await message.bot.send_chat_action(message.chat.id, "upload_photo")
    # Drawn in the worker process: members answering surveys meanwhile are not kept waiting.
    chart = await heavy.progress_chart(result.regions, result.indicators, await heavy.chart_language(lang))
    await message.answer_photo(
        BufferedInputFile(chart, filename="insop-progress.png"),
        caption=_("Response rate by region and action-plan indicators."),
    )


def build_router() -> Router:
    """/stats (coordinators only: the parent router's filter)."""
    router = Router(name="coordinator: stats")
    router.message.register(stats, command("stats"))
    return router
