"""Threshold lookups: free text, /lookup, /compare with a chart, and inline mode."""

from __future__ import annotations

import hashlib
import html

from aiogram import Router
from aiogram.filters import CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
)
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CompareValues, LookupPage
from bot.config import Settings
from bot.countries import country_name
from bot.handlers.groups import in_private_chat
from bot.handlers.guards import command, typed_text
from bot.heavy import HeavyWork
from bot.i18n import translations
from bot.keyboards import compare_keyboard, example_keyboard, tier_keyboard
from bot.limits import fit_utf16
from bot.lookup import LookupResult
from bot.lookup.index import RESULT_COUNTRY_OVERVIEW, RESULT_NO_NATIONAL_VALUE
from bot.lookup.parser import is_greeting, pack_conditions
from bot.lookup.tiers import TIERS
from bot.lookup.views import comparison_rows, land_use_label, page_count, pollutant_label, tier_short_label
from bot.services import thresholds
from bot.services.thresholds import ThresholdCatalog
from bot.telegram_render import render_comparison, render_countries, render_text, split_message
from storage.models import Member, Role


class LookupStates(StatesGroup):
    """/compare typed alone: the next message names the pollutant to compare."""

    compare_pollutant = State()


# The examples offered by /lookup and /compare typed alone (ids of the threshold table).
EXAMPLE_LOOKUP = LookupPage(p="cadmium", c="CA", n=0, lu="agricultural")
EXAMPLE_COMPARE = CompareValues(pollutant="cadmium", land_use="agricultural")

# Telegram's inline results must stay small; the first answer block is enough to decide.
INLINE_TEXT_LIMIT = 4000


# Pages of one answer a "More" button can reach (a forged page number beyond is ignored).
MAX_PAGES = 200


def _page_button(result: LookupResult, page: int) -> LookupPage | None:
    """The payload of Details page `page` of this answer, or None when there is no such page."""
    if not 0 < page <= page_count(result) or not result.pollutant or not result.country:
        return None
    ph = result.query.ph
    data = LookupPage(
        p=result.pollutant,
        c=result.country,
        n=page,
        lu=result.land_use or "",
        ph="" if ph is None else format(ph, "g"),
        vt=result.query.value_type or "",
        k=pack_conditions(result.query),
    )
    try:
        data.pack()
    except ValueError:  # longer than Telegram's 64 bytes: the first screen says how many values there are
        return None
    return data


def _focal_point_note(result: LookupResult, member: Member | None, language: str) -> str | None:
    """Tell a focal point whose country has no values yet that the survey is how they get in."""
    if (
        member is None
        or member.role != Role.FOCAL_POINT
        or not result.country
        or member.country != result.country
        or result.results
        or result.other_land_uses
    ):
        return None
    if result.kind not in (RESULT_NO_NATIONAL_VALUE, RESULT_COUNTRY_OVERVIEW) or result.available_pollutants:
        return None
    return html.escape(
        _(
            "You are the focal point for {country}: the threshold survey (/survey) is how its "
            "values get into INSOP's table."
        ).format(country=country_name(result.country, language))
    )


async def _send_result(
    message: Message, result: LookupResult, i18n: I18n, page: int = 0, member: Member | None = None
) -> None:
    locale = i18n.current_locale
    text = render_text(result, translations(i18n.locales, locale), locale, page=page)
    note = _focal_point_note(result, member, locale) if page == 0 else None
    if note:
        text = f"{text}\n\n{note}"
    chunks = split_message(text)
    markup = (
        compare_keyboard(result.pollutant, result.land_use, more=_page_button(result, page + 1), details=page == 0)
        if result.pollutant and result.kind != "help"
        else None
    )
    for position, chunk in enumerate(chunks):
        await message.answer(
            chunk, reply_markup=markup if position == len(chunks) - 1 else None, disable_web_page_preview=True
        )


async def _send_help(message: Message, member: Member | None, settings: Settings) -> None:
    """The help screen, with the coordinator's tools for a coordinator."""
    from bot.handlers.coordinator import coordinator_help, is_coordinator
    from bot.handlers.start import help_text

    text = help_text()
    if is_coordinator(member, message.chat.id, settings):
        text = f"{text}\n\n{coordinator_help()}"
    await message.answer(text)


async def answer_lookup(
    message: Message, text: str, member: Member | None, session: AsyncSession, catalog: ThresholdCatalog, i18n: I18n
) -> None:
    """Answer `text` as a threshold lookup, the member's country as the default."""
    result = await thresholds.find_thresholds(session, catalog, text, member.country if member else None)
    await _send_result(message, result, i18n, member=member)


async def lookup_more(
    query: CallbackQuery, callback_data: LookupPage, session: AsyncSession, catalog: ThresholdCatalog, i18n: I18n
) -> None:
    """The Details and "More values" buttons (page 1 on), or an example lookup's first screen (page 0)."""
    if query.message is None or not 0 <= callback_data.n < MAX_PAGES:
        return
    try:
        ph = float(callback_data.ph) if callback_data.ph else None
    except ValueError:
        ph = None
    if ph is not None and not 0 <= ph <= 14:
        ph = None
    result = await thresholds.find_again(
        session,
        catalog,
        callback_data.p[:64],
        callback_data.c[:8],
        callback_data.lu or None,
        ph,
        callback_data.vt or None,
        callback_data.k[:8],
    )
    known = result.results or result.other_land_uses or result.supranational or result.alternatives
    if callback_data.n == 0 and known:  # a forged pollutant or country has none of these
        await _send_result(query.message, result, i18n)
    elif 0 < callback_data.n <= page_count(result):
        await _send_result(query.message, result, i18n, page=callback_data.n)


async def lookup_command(
    message: Message,
    command: CommandObject,
    member: Member | None,
    session: AsyncSession,
    catalog: ThresholdCatalog,
    i18n: I18n,
    state: FSMContext,
) -> None:
    """Look up threshold values for what follows the command; alone, say how with an example."""
    await state.set_state(None)
    if not (command.args or "").strip():
        await message.answer(
            _(
                "What should I look up? Type a pollutant and a country, and a land use if you like, for example "
                "<i>cadmium agricultural Canada</i>. Or tap the example:"
            ),
            reply_markup=example_keyboard(_("🔎 Cadmium, agricultural land, Canada"), EXAMPLE_LOOKUP),
        )
        return
    await answer_lookup(message, command.args or "", member, session, catalog, i18n)


async def _send_comparison(
    message: Message,
    query_text: str,
    session: AsyncSession,
    catalog: ThresholdCatalog,
    i18n: I18n,
    heavy: HeavyWork,
    tier: str | None = None,
    button: CompareValues | None = None,
) -> bool:
    """Send the chart and table; False when no pollutant was recognised (the reply asks for one)."""
    locale = i18n.current_locale
    tr = translations(i18n.locales, locale)
    if button is not None:
        pollutant, land_use = button.pollutant, button.land_use or None
        comparison = await thresholds.compare_pollutant(session, catalog, pollutant, land_use, tier)
        if comparison is None:
            pollutant = None
    else:
        pollutant, land_use, comparison = await thresholds.compare(session, catalog, query_text, tier)
    if pollutant is None or comparison is None:
        await message.answer(_("Which pollutant should I compare? For example: /compare cadmium agricultural"))
        return False
    records = list(comparison.records)
    table = render_comparison(pollutant, land_use, records, tr, locale, tier=comparison.tier)
    if records:
        await message.bot.send_chat_action(message.chat.id, "upload_photo")
        drawn = await heavy.chart_language(locale)
        drawn_tr = translations(i18n.locales, drawn)
        # Drawn in the worker process (bot/heavy.py): other users' updates go on meanwhile.
        png = await heavy.comparison_chart(
            comparison_rows(records, drawn_tr, drawn),
            pollutant_label(pollutant, drawn),
            land_use_label(land_use, drawn_tr),
            drawn,
            tier_name=tier_short_label(comparison.tier, drawn_tr),
        )
        await message.answer_photo(BufferedInputFile(png, filename=f"{pollutant}.png"))
    others = [(name, tier_short_label(name, tr), count) for name, count in comparison.tiers if name != comparison.tier]
    markup = tier_keyboard(pollutant, land_use, others)
    chunks = split_message(table)
    for position, chunk in enumerate(chunks):
        await message.answer(chunk, reply_markup=markup if position == len(chunks) - 1 else None)
    return True


async def compare_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    catalog: ThresholdCatalog,
    i18n: I18n,
    heavy: HeavyWork,
    state: FSMContext,
) -> None:
    """Chart and table of one pollutant's values across jurisdictions; alone, ask which pollutant."""
    await state.set_state(None)
    if not (command.args or "").strip():
        await state.set_state(LookupStates.compare_pollutant)
        await message.answer(
            _(
                "Which pollutant should I compare across countries? Type its name, and a land use if you like, "
                "for example <i>lead industrial</i>. Or tap the example:"
            ),
            reply_markup=example_keyboard(_("📊 Cadmium, agricultural land"), EXAMPLE_COMPARE),
        )
        return
    await _send_comparison(message, command.args or "", session, catalog, i18n, heavy)


async def compare_pollutant_typed(
    message: Message, session: AsyncSession, catalog: ThresholdCatalog, i18n: I18n, heavy: HeavyWork, state: FSMContext
) -> None:
    """The answer to "Which pollutant should I compare?" is compared, not looked up."""
    if await _send_comparison(message, message.text or "", session, catalog, i18n, heavy):
        await state.set_state(None)


async def compare_button(
    query: CallbackQuery,
    callback_data: CompareValues,
    session: AsyncSession,
    catalog: ThresholdCatalog,
    i18n: I18n,
    heavy: HeavyWork,
    state: FSMContext,
) -> None:
    """The Compare button under a lookup answer, or a tier button under a comparison."""
    if await state.get_state() == LookupStates.compare_pollutant.state:
        await state.set_state(None)
    if query.message is not None:
        tier = callback_data.tier if callback_data.tier in TIERS else None
        await _send_comparison(query.message, "", session, catalog, i18n, heavy, tier=tier, button=callback_data)


async def countries_command(message: Message, session: AsyncSession, catalog: ThresholdCatalog, i18n: I18n) -> None:
    """The jurisdictions that have threshold values, grouped by GSP region."""
    from bot.reports.regions import REGIONS, region_label, region_of

    locale = i18n.current_locale
    tr = translations(i18n.locales, locale)
    entries = await thresholds.jurisdiction_coverage(session, catalog)
    by_region: dict[str, list[tuple[str, int]]] = {}
    for entry in entries:
        if entry.values:
            by_region.setdefault(region_of(entry.code) or "", []).append((entry.code, entry.values))
    groups = [(region_label(region, tr), by_region[region]) for region in REGIONS if region in by_region]
    if "" in by_region:
        groups.append((_("Supranational and other"), by_region[""]))
    text = render_countries(groups, [entry.code for entry in entries if not entry.values], tr, locale)
    for chunk in split_message(text):
        await message.answer(chunk)


# In a group, plain text is the members' conversation: lookups there go through /lookup.
async def free_text_lookup(
    message: Message,
    member: Member | None,
    session: AsyncSession,
    catalog: ThresholdCatalog,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Any other text is a question about threshold values; "hi" or "help" gets the help screen."""
    if is_greeting(message.text or ""):
        await _send_help(message, member, settings)
        return
    await answer_lookup(message, message.text or "", member, session, catalog, i18n)


async def inline_lookup(
    query: InlineQuery, member: Member | None, session: AsyncSession, catalog: ThresholdCatalog, i18n: I18n
) -> None:
    """`@bot cadmium kenya` in any chat: the answer as an inline result."""
    text = query.query.strip()
    if not text:
        await query.answer([], cache_time=300, is_personal=False)
        return
    locale = i18n.current_locale
    result = await thresholds.find_thresholds(session, catalog, text, member.country if member else None)
    body = split_message(render_text(result, translations(i18n.locales, locale), locale), INLINE_TEXT_LIMIT)[0]
    title = _("Threshold values: {query}").format(query=fit_utf16(text, 60))
    article = InlineQueryResultArticle(
        id=hashlib.sha1(f"{locale}:{text}".encode()).hexdigest()[:32],
        title=title,
        description=(
            ngettext("{count} value found", "{count} values found", len(result.results)).format(
                count=len(result.results)
            )
            if result.results
            else _("Tap to send the answer")
        ),
        input_message_content=InputTextMessageContent(message_text=body, parse_mode="HTML"),
    )
    await query.answer([article], cache_time=60, is_personal=member is not None)


def build_router() -> Router:
    """A new Router: /lookup, /compare, /countries, typed lookups, their buttons and inline mode."""
    router = Router(name="lookup")
    # Answered before the handler runs (the next page, a chart): the spinner stops at once.
    answer_first = {"callback_answer": {"pre": True}}
    router.callback_query.register(lookup_more, LookupPage.filter(), flags=answer_first)
    router.message.register(lookup_command, command("lookup"))
    router.message.register(compare_command, command("compare"))
    router.message.register(compare_pollutant_typed, StateFilter(LookupStates.compare_pollutant), typed_text)
    router.callback_query.register(compare_button, CompareValues.filter(), flags=answer_first)
    router.message.register(countries_command, command("countries"))
    router.message.register(free_text_lookup, typed_text, in_private_chat)
    router.inline_query.register(inline_lookup)
    return router
