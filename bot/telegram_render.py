"""Lookup replies as Telegram HTML: texts sized to a message, and message splitting.

Escaping has one mechanism, markupsafe: a template and every value are escaped unless they are
already Markup.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from bot.i18n.typography import format_list, join_items
from bot.limits import MESSAGE_LIMIT, cluster_boundary, utf16_index, utf16_len
from bot.lookup.index import (
    RESULT_COMPARISON,
    RESULT_COUNTRY_OVERVIEW,
    RESULT_NO_NATIONAL_VALUE,
    RESULT_OTHER_LAND_USES,
    RESULT_VALUES,
    LookupResult,
)
from bot.lookup.records import NORMALIZED_UNIT, ThresholdRecord
from bot.lookup.views import (
    RECORDS_PER_PAGE,
    Translations,
    amount_text,
    detail_label,
    extraction_label,
    format_number,
    format_ph_band,
    jurisdiction_label,
    land_use_label,
    land_use_text,
    legal_status_label,
    own_conditions,
    own_land_use,
    own_value_type,
    page_count,
    paged_records,
    pollutant_label,
    pollutant_name,
    public_wording,
    public_year,
    result_data,
    source_text,
    targets_label,
    texture_label,
    tier_label,
    tier_short_label,
    title_case,
    value_type_label,
)
from bot.lookup.vocabulary import KIND_COUNTRY, KIND_LAND_USE, KIND_POLLUTANT

TELEGRAM_MESSAGE_LIMIT = MESSAGE_LIMIT


# A phone screen holds only so much; the JSON output keeps more (up to JSON_RECORDS_CAP).
MAX_COMPARISON_SHOWN = 8


# The first screen: this many lines of the country's values, of EU law, of other jurisdictions.
SUMMARY_VALUES = 5


SUMMARY_EU_VALUES = 2


SUMMARY_ALTERNATIVES = 5


class Html(Markup):
    """Telegram HTML: markupsafe's Markup, escaping what Telegram's parser needs (&, <, >) and leaving
    quotes as typed (Telegram reads them plain), so a reply reads the same in every client."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any) -> Html:
        """`s` as safe Telegram HTML: Markup as it is, anything else with &, < and > escaped."""
        if hasattr(s, "__html__"):
            return cls(s.__html__())
        return cls(str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))

    def format(self, *args: Any, **kwargs: Any) -> Html:
        """As Markup's `format`; a template with bare placeholders ("{count}", "{}") filled with strings and
        numbers skips markupsafe's pure-Python formatter (a lookup reply fills dozens): each value is escaped
        first, then placed by `str.format`, which gives the same text."""
        if not _bare_fields(str(self)) or not all(map(_plain, (*args, *kwargs.values()))):
            return super().format(*args, **kwargs)
        escape = self.escape
        return self.__class__(
            str.format(self, *map(escape, args), **{name: escape(value) for name, value in kwargs.items()})
        )


escape = Html.escape


def _plain(value: Any) -> bool:
    """Whether escaping `value` before formatting gives what markupsafe's formatter gives (escaping after):
    markup, or a plain string or number, whose `format(value, "")` is its `str()`. A subclass may format
    otherwise and takes markupsafe's way."""
    return type(value) in (str, int, float) or isinstance(value, Markup)


@lru_cache(maxsize=4096)
def _bare_fields(template: str) -> bool:
    """Whether every placeholder of `template` is a bare name or position: no format spec, conversion or index."""
    try:
        return all(
            field is None
            or (not spec and conversion is None and (field == "" or field.isidentifier() or field.isdigit()))
            for _text, field, spec, conversion in string.Formatter().parse(template)
        )
    except ValueError:  # unbalanced braces: markupsafe's formatter raises the error
        return False


def _fill(template: str, **values: Any) -> Html:
    """Escape a translated template, then fill its named placeholders with escaped values (Markup stays)."""
    return escape(template).format(**values)


def _bold(text: str) -> Html:
    return Html("<b>{}</b>").format(text)


def _amount(record: ThresholdRecord, tr: Translations, locale: str) -> Html:
    return escape(amount_text(record, tr, locale))


def result_to_json(result: LookupResult, tr: Translations, locale: str) -> dict[str, Any]:
    """The lookup as JSON data with the Telegram reply's text, for `python -m bot lookup --json` and /api/lookup."""
    return {**result_data(result, tr, locale), "text": render_text(result, tr, locale)}


def _record_block(
    record: ThresholdRecord, result: LookupResult, tr: Translations, locale: str, heading: str | None = None
) -> str:
    """One value as a short block: amount and type, then conditions, status and source."""
    _ = tr.gettext
    title = Html(f"<b>{_amount(record, tr, locale)}</b>")
    label = value_type_label(record.value_type, tr)
    first = _fill(_("{amount} — {value_type}"), amount=title, value_type=label)
    lines = [heading, first] if heading else [first]
    if record.pollutant_id != result.pollutant:
        lines.append(_fill(_("Substance: {pollutant}"), pollutant=pollutant_name(record.pollutant_id, locale)))
    lines.append(_fill(_("Land use: {land_use}"), land_use=land_use_text(record.land_use, tr)))
    wording = join_items([own_value_type(record), own_land_use(record)], locale)
    if wording:
        lines.append(_source_words(wording, tr))
    tier = tier_label(record.tier, tr)
    if tier:
        lines.append(Html(f"<i>{escape(tier)}</i>"))
    targets = targets_label(record, tr, locale)
    if targets:
        lines.append(_fill(_("Protects: {targets}"), targets=targets))
    band = format_ph_band(record, locale)
    if band:
        lines.append(_fill(_("Soil pH band: {band}"), band=band))
    if record.soil_texture:
        lines.append(_fill(_("Soil texture: {texture}"), texture=texture_label(record.soil_texture, tr)))
    if record.organic_carbon:
        lines.append(_fill(_("Organic carbon: {band}"), band=record.organic_carbon))
    if record.extraction:
        lines.append(_fill(_("Extraction: {method}"), method=extraction_label(record.extraction, tr)))
    conditions = own_conditions(record)
    if conditions:
        lines.append(
            _fill(_("Conditions, as written in the source (not translated): {conditions}"), conditions=conditions)
        )
    lines.append(_fill(_("Legal status: {status}"), status=legal_status_label(record.legal_status, tr)))
    instrument = public_wording(record.instrument)
    if instrument:
        lines.append(
            _fill(_("Instrument: {instrument} ({year})"), instrument=instrument, year=public_year(record) or "?")
        )
    lines.append(_fill(_("Source: {source}"), source=source_text(record, tr, locale)))
    return "\n".join(lines)


def _source_words(wording: str, tr: Translations) -> Html:
    """The source's own words, kept as written: marked as such, never passed off as a translation."""
    _ = tr.gettext
    return Html(
        Html("<i>")
        + _fill(_("In the source's own words (not translated): “{wording}”"), wording=wording)
        + Html("</i>")
    )


def _status_block(record: ThresholdRecord, tr: Translations, locale: str) -> str:
    """A country's recorded status: its kind in the reader's words, then the source's own, marked untranslated."""
    _ = tr.gettext
    lines = [_fill(_("Recorded status: {status}"), status=value_type_label(record.value_type, tr))]
    wording = public_wording(record.value_type_original)
    if wording:
        lines.append(_source_words(wording, tr))
    conditions = own_conditions(record)
    if conditions:
        lines.append(
            _fill(_("Details, as written in the source (not translated): {conditions}"), conditions=conditions)
        )
    instrument = public_wording(record.instrument)
    if instrument:
        lines.append(
            _fill(_("Reference: {instrument} ({year})"), instrument=instrument, year=public_year(record) or "?")
        )
    lines.append(_fill(_("Source: {source}"), source=source_text(record, tr, locale)))
    return "\n".join(lines)


def _suggestion_lines(result: LookupResult, tr: Translations, locale: str) -> list[str]:
    _ = tr.gettext
    lines = []
    for suggestion in result.query.suggestions:
        if suggestion.part == KIND_COUNTRY:
            term = jurisdiction_label(suggestion.value, locale)
        elif suggestion.part == KIND_POLLUTANT:
            term = pollutant_name(suggestion.value, locale)
        elif suggestion.part == KIND_LAND_USE:
            term = land_use_text(suggestion.value, tr)
        else:
            term = suggestion.value
        if suggestion.accepted:
            lines.append(_fill(_("Read “{typed}” as “{term}”."), typed=suggestion.typed, term=term))
        else:
            lines.append(_fill(_("Did you mean “{term}” (you typed “{typed}”)?"), term=term, typed=suggestion.typed))
    return lines


def _help_block(tr: Translations) -> str:
    _ = tr.gettext
    examples = (
        _("cadmium agricultural soil Canada"),
        _("Pb industrial China"),
        _("mercury residential Netherlands pH 6.5"),
        _("7440-43-9 Kenya"),
    )
    lines = [_fill(_("Ask for a pollutant, a land use and a country, in any language. Examples:"))]
    lines.extend(_fill("• {example}", example=example) for example in examples)
    return "\n".join(lines)


def _heading(result: LookupResult, tr: Translations, locale: str) -> str:
    _ = tr.gettext
    pollutant = title_case(pollutant_name(result.pollutant, locale))
    if result.country:
        title = _fill(
            _("{pollutant} — {country}"), pollutant=pollutant, country=jurisdiction_label(result.country, locale)
        )
    else:
        title = _fill(_("{pollutant} — all jurisdictions"), pollutant=pollutant)
    lines = [Html(f"<b>{title}</b>")]
    if result.land_use:
        lines.append(_fill(_("Land use asked: {land_use}"), land_use=land_use_text(result.land_use, tr)))
    if result.country_from_member and result.country:
        lines.append(
            _fill(
                _("No country named, so showing your country: {country}."),
                country=jurisdiction_label(result.country, locale),
            )
        )
    ph = result.query.ph
    if ph is not None and result.ph_band_applied:
        lines.append(_fill(_("Showing the pH band that contains pH {ph}."), ph=format_number(ph, locale)))
    elif ph is not None and result.ph_without_bands:
        lines.append(
            _fill(_("These values do not depend on soil pH (you gave pH {ph})."), ph=format_number(ph, locale))
        )
    if result.value_type_not_found and result.query.value_type:
        lines.append(
            _fill(
                _("No {value_type} recorded here; showing every value type."),
                value_type=value_type_label(result.query.value_type, tr),
            )
        )
    return "\n".join(lines)


def _compact_line(record: ThresholdRecord, tr: Translations, locale: str, with_instrument: bool = False) -> str:
    """One jurisdiction's value on one line (comparisons and alternatives)."""
    _ = tr.gettext
    band = format_ph_band(record, locale)
    detail = join_items(
        [
            land_use_text(record.land_use, tr),
            band or "",
            texture_label(record.soil_texture, tr) if record.soil_texture else "",
            record.organic_carbon or "",
            _("soil receiving sewage sludge only") if record.is_sludge_only else "",
        ],
        locale,
    )
    line = _fill(
        _("• {country}: {amount} — {value_type} ({detail})"),
        country=_bold(jurisdiction_label(record.jurisdiction, locale) or record.jurisdiction_name),
        amount=Html(_amount(record, tr, locale)),
        value_type=value_type_label(record.value_type, tr),
        detail=detail,
    )
    instrument = public_wording(record.instrument) if with_instrument else ""
    if instrument:
        line += "\n" + _fill(_("   {instrument} ({year})"), instrument=instrument, year=public_year(record) or "?")
    return line


def _summary_groups(records: tuple[ThresholdRecord, ...]) -> list[list[ThresholdRecord]]:
    """Values that differ only by their pH band fold into one group (one line), in the answer's order."""
    groups: dict[tuple, list[ThresholdRecord]] = {}
    for record in records:
        if record.has_ph_band:
            key = (
                record.pollutant_id,
                record.land_use,
                record.value_type,
                record.unit,
                record.soil_texture,
                record.organic_carbon,
                record.extraction,
                record.tier,
                record.is_sludge_only,
                record.instrument,
            )
        else:
            key = (id(record),)
        groups.setdefault(key, []).append(record)
    return list(groups.values())


def _folded_amount(group: list[ThresholdRecord], tr: Translations, locale: str) -> str:
    """One value, or the pH bands of one value folded: "pH ≤ 5,5: 0,3 · 5,5 < pH ≤ 6,5: 0,3 mg/kg"."""
    _ = tr.gettext
    if len(group) == 1:
        return Html(f"<b>{_amount(group[0], tr, locale)}</b>")
    plain = all(r.value is not None and (not r.unit or r.unit == NORMALIZED_UNIT) for r in group)
    if plain:
        parts = [
            Html(f"{escape(format_ph_band(r, locale) or '')}: <b>{escape(format_number(r.value, locale))}</b>")
            for r in group
        ]
        return _fill(_("{values} mg/kg"), values=Html(" · ".join(parts)))
    return Html(
        " · ".join(f"{escape(format_ph_band(r, locale) or '')}: <b>{_amount(r, tr, locale)}</b>" for r in group)
    )


def _summary_line(
    group: list[ThresholdRecord], result: LookupResult, tr: Translations, locale: str, with_tier: bool = True
) -> str:
    """One value (or one value's pH bands) on one line: amount, value type, land use and conditions, tier."""
    _ = tr.gettext
    record = group[0]
    band = format_ph_band(record, locale) if len(group) == 1 else None
    detail = join_items(
        [
            pollutant_name(record.pollutant_id, locale) if record.pollutant_id != result.pollutant else "",
            land_use_text(record.land_use, tr),
            *(detail_label(detail, tr) for detail in record.land_use_details[:1]),
            band or "",
            texture_label(record.soil_texture, tr) if record.soil_texture else "",
            extraction_label(record.extraction, tr) if record.extraction else "",
            _("soil receiving sewage sludge only") if record.is_sludge_only and record.tier != "sludge" else "",
        ],
        locale,
    )
    tier = tier_short_label(record.tier, tr) if with_tier else ""
    amount = _folded_amount(group, tr, locale)
    if tier:
        return _fill(
            _("• {amount} — {value_type}, {detail} ({tier})"),
            amount=amount,
            value_type=value_type_label(record.value_type, tr),
            detail=detail,
            tier=tier,
        )
    return _fill(
        _("• {amount} — {value_type}, {detail}"),
        amount=amount,
        value_type=value_type_label(record.value_type, tr),
        detail=detail,
    )


def _status_lines(record: ThresholdRecord, tr: Translations, locale: str) -> list[str]:
    """Under the first value: what crossing it means, whether it is binding, and in which instrument."""
    _ = tr.gettext
    lines = []
    tier = tier_label(record.tier, tr)
    if tier:
        lines.append(Html("   <i>{}</i>").format(tier))
    status = legal_status_label(record.legal_status, tr)
    # The instrument's title is in the source's language and long: it waits behind Details with the source.
    if record.year:
        lines.append(_fill(_("   {status} · {year}"), status=status, year=record.year))
    else:
        lines.append(_fill("   {status}", status=status))
    return lines


def _measured_lines(result: LookupResult, records: list[ThresholdRecord], tr: Translations, locale: str) -> list[str]:
    """A typed measurement set against the values shown, then the fixed line: no safety verdict."""
    _ = tr.gettext
    lines = []
    measured = result.query.measured
    comparable = [r for r in records if r.value is not None and (not r.unit or r.unit == NORMALIZED_UNIT)]
    if measured is not None and comparable:

        def item(record: ThresholdRecord) -> str:
            return _fill(
                _("{amount} ({value_type}, {land_use})"),
                amount=_amount(record, tr, locale),
                value_type=value_type_label(record.value_type, tr),
                land_use=land_use_text(record.land_use, tr),
            )

        above = [item(r) for r in comparable if measured > r.value][:2]
        below = [item(r) for r in comparable if measured <= r.value][:2]
        given = format_number(measured, locale)
        if above:
            lines.append(
                _fill(_("{measured} mg/kg is above: {values}."), measured=given, values=Html(join_items(above, locale)))
            )
        if below:
            lines.append(
                _fill(
                    _("{measured} mg/kg is not above: {values}."),
                    measured=given,
                    values=Html(join_items(below, locale)),
                )
            )
    if result.query.asks_safety:
        lines.append(
            Html(
                Html("<i>")
                + _fill(
                    _(
                        "A threshold value is not a safety verdict for a site: whether a soil "
                        "is safe depends on its use, sampling and exposure. Ask your national "
                        "authority."
                    )
                )
                + Html("</i>")
            )
        )
    return lines


def _summary_values(
    result: LookupResult, records: tuple[ThresholdRecord, ...], tr: Translations, locale: str
) -> list[str]:
    """The first screen's values: the most relevant first, with its legal status, the rest one line each."""
    _ = tr.gettext
    ngettext = tr.ngettext
    groups = _summary_groups(records)
    shown = groups[:SUMMARY_VALUES]
    lines = []
    for position, group in enumerate(shown):
        lines.append(_summary_line(group, result, tr, locale, with_tier=position > 0))
        if position == 0:
            lines.extend(_status_lines(group[0], tr, locale))
    hidden = sum(len(group) for group in groups[SUMMARY_VALUES:])
    if hidden:
        lines.append(
            _fill(ngettext("…and {n} more value: tap Details.", "…and {n} more values: tap Details.", hidden), n=hidden)
        )
    return lines


def _unknown_pollutant(result: LookupResult, tr: Translations) -> str | None:
    """A word that named no pollutant we know ("glyphosate"): said plainly, never a country's status."""
    _ = tr.gettext
    words = result.query.unknown_words
    if result.pollutant or not words:
        return None
    return Html(
        Html("<b>")
        + _fill(_("No values for “{pollutant}” are recorded anywhere in our table."), pollutant=words[0])
        + Html("</b>\n")
        + _fill(_("/countries lists the jurisdictions with values; ask for a pollutant, e.g. “cadmium”."))
    )


def _details_page(result: LookupResult, tr: Translations, locale: str, page: int) -> str:
    """Details page `page` (from 1): every value with its conditions, legal status and source."""
    _ = tr.gettext
    records = paged_records(result)
    shown = records[(page - 1) * RECORDS_PER_PAGE : page * RECORDS_PER_PAGE]
    blocks = [_heading(result, tr, locale)]
    blocks.extend(_record_block(record, result, tr, locale) for record in shown)
    if len(records) > RECORDS_PER_PAGE:
        first = (page - 1) * RECORDS_PER_PAGE + 1
        blocks.append(
            _fill(_("Values {first}–{last} of {total}."), first=first, last=first + len(shown) - 1, total=len(records))
        )
    if page == 1 and result.supranational:
        blocks.append(
            Html(
                Html("<b>")
                + _fill(_("EU law that also applies in {country}:"), country=jurisdiction_label(result.country, locale))
                + Html("</b>")
            )
        )
        blocks.extend(
            _record_block(record, result, tr, locale, heading=_bold(jurisdiction_label("EU", locale)))
            for record in result.supranational
        )
    return "\n\n".join(blocks)


def render_text(result: LookupResult, tr: Translations, locale: str, page: int = 0) -> str:
    """The reply the bot sends for a lookup, as Telegram HTML, in the user's language.

    Page 0 is the first screen, about a dozen lines: the value asked for first, the others one line
    each. Pages 1.. (the Details button) give every value with its conditions and source.
    """
    _ = tr.gettext
    ngettext = tr.ngettext
    pages = page_count(result)
    if page > 0 and pages:
        return _details_page(result, tr, locale, min(page, pages))
    blocks: list[str] = []
    notes = _suggestion_lines(result, tr, locale)
    if result.query.truncated:
        notes.insert(0, _fill(_("Your message was long; only its beginning was read.")))
    if notes:
        blocks.append("\n".join(notes))

    country = jurisdiction_label(result.country, locale)
    unknown = _unknown_pollutant(result, tr)
    if result.kind in (RESULT_VALUES, RESULT_OTHER_LAND_USES):
        lines = [_heading(result, tr, locale)]
        if result.kind == RESULT_OTHER_LAND_USES:
            lines.append(
                _fill(
                    _("No value for {land_use} in {country}. Values for other land uses:"),
                    land_use=land_use_text(result.land_use or "all", tr),
                    country=country,
                )
            )
        records = paged_records(result)
        lines.extend(_summary_values(result, records, tr, locale))
        blocks.append("\n".join(lines))
        measured = _measured_lines(result, [group[0] for group in _summary_groups(records)], tr, locale)
        if measured:
            blocks.append("\n".join(measured))
    elif result.kind == RESULT_NO_NATIONAL_VALUE:
        blocks.append(_heading(result, tr, locale))
        if result.country_surveyed:
            no_value = _fill(_("No national value recorded for {country}."), country=country)
            blocks.append(Html(f"<b>{no_value}</b>"))
        else:
            blocks.append(_not_surveyed(country, tr))
        blocks.extend(_status_block(record, tr, locale) for record in result.country_status)
        if result.query.asks_safety:
            blocks.append("\n".join(_measured_lines(result, [], tr, locale)))
    elif result.kind == RESULT_COMPARISON:
        blocks.append(_heading(result, tr, locale))
        blocks.append(_comparison_block(result, tr, locale))
        if result.query.asks_safety:
            blocks.append("\n".join(_measured_lines(result, [], tr, locale)))
    elif result.kind == RESULT_COUNTRY_OVERVIEW:
        if unknown:
            # Not the country's status: that would read as "no value for glyphosate in Kenya".
            blocks.append(unknown)
            if result.available_pollutants:
                blocks.append(_overview_block(result, tr, locale))
        else:
            blocks.append(_overview_block(result, tr, locale))
    else:
        if unknown:
            blocks.append(unknown)
        elif result.query.recognised_anything and result.land_use:
            blocks.append(
                _fill(
                    _("Understood the land use ({land_use}), but not which pollutant."),
                    land_use=land_use_text(result.land_use, tr),
                )
            )
        else:
            blocks.append(_fill(_("I could not find a pollutant or a country in your question.")))
        blocks.append(_help_block(tr))
        return "\n\n".join(blocks)

    if result.supranational:
        lines = [Html(Html("<b>") + _fill(_("EU law that also applies in {country}:"), country=country) + Html("</b>"))]
        lines.extend(
            _summary_line(group, result, tr, locale)
            for group in _summary_groups(result.supranational)[:SUMMARY_EU_VALUES]
        )
        blocks.append("\n".join(lines))
    if result.alternatives:
        shown = result.alternatives[:SUMMARY_ALTERNATIVES]
        lines = [
            Html(
                Html("<b>")
                + _fill(
                    ngettext(
                        "For comparison only, {n} value from another jurisdiction. It does NOT apply in {country}:",
                        "For comparison only, {n} values from other jurisdictions. They do NOT apply in {country}:",
                        len(result.alternatives),
                    ),
                    n=len(result.alternatives),
                    country=country,
                )
                + Html("</b>")
            )
        ]
        if result.tier:
            lines.append(_fill(_("Compared within one tier: {tier}."), tier=tier_short_label(result.tier, tr)))
        lines.extend(_compact_line(record, tr, locale) for record in shown)
        hidden = len(result.alternatives) - len(shown)
        if hidden:
            lines.append(
                _fill(
                    ngettext(
                        "…and {n} more jurisdiction: tap Compare.", "…and {n} more jurisdictions: tap Compare.", hidden
                    ),
                    n=hidden,
                )
            )
        blocks.append("\n".join(lines))
    elif result.kind == RESULT_NO_NATIONAL_VALUE and not result.supranational:
        blocks.append(_fill(_("No other jurisdiction in our table has a value for this either.")))
    if pages:
        blocks.append(_fill(_("Conditions, legal status and sources: tap Details.")))
    return "\n\n".join(blocks)


def _comparison_block(result: LookupResult, tr: Translations, locale: str) -> str:
    _ = tr.gettext
    ngettext = tr.ngettext
    if not result.results:
        return _fill(_("No jurisdiction in our table has a value for this pollutant yet."))
    lines = []
    if result.tier:
        lines.append(_fill(_("Compared within one tier: {tier}."), tier=tier_short_label(result.tier, tr)))
    lines.append(
        _fill(
            ngettext(
                "One value per jurisdiction ({n} jurisdiction):",
                "One value per jurisdiction ({n} jurisdictions):",
                len(result.results),
            ),
            n=len(result.results),
        )
    )
    lines.extend(_compact_line(record, tr, locale) for record in result.results[:MAX_COMPARISON_SHOWN])
    hidden = len(result.results) - MAX_COMPARISON_SHOWN
    if hidden > 0:
        lines.append(
            _fill(
                ngettext(
                    "…and {n} more jurisdiction: tap Compare.", "…and {n} more jurisdictions: tap Compare.", hidden
                ),
                n=hidden,
            )
        )
    lines.append(_fill(_("Add a country to your question for the full details and sources.")))
    return "\n".join(lines)


def _not_surveyed(country: str, tr: Translations) -> str:
    """A country with no record at all: not known to have no values, only not surveyed yet."""
    _ = tr.gettext
    return Html(
        Html("<b>")
        + _fill(_("{country} has not been surveyed yet."), country=country)
        + Html("</b>\n")
        + _fill(
            _(
                "INSOP does not know yet whether it has national values, which is not the same as "
                "“no national values found”."
            )
        )
    )


def _overview_block(result: LookupResult, tr: Translations, locale: str) -> str:
    _ = tr.gettext
    country = jurisdiction_label(result.country, locale)
    lines = []
    if result.available_pollutants:
        names = format_list((pollutant_name(p, locale) for p in result.available_pollutants), locale)
        lines.append(
            _fill(_("{country}: values are recorded for {pollutants}."), country=_bold(country), pollutants=names)
        )
        lines.append(_fill(_("Name a pollutant to see them, e.g. “lead {country}”."), country=country))
    elif not result.country_surveyed:
        lines.append(_not_surveyed(country, tr))
    else:
        lines.append(
            Html(Html("<b>") + _fill(_("No national value recorded for {country}."), country=country) + Html("</b>"))
        )
    blocks = ["\n".join(lines)]
    blocks.extend(_status_block(record, tr, locale) for record in result.country_status)
    return "\n\n".join(blocks)


_HTML_PIECE = re.compile(r"<[^>]*>|&[#\w]+;|[^<&]+|[<&]")


_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9-]+)")


def split_message(text: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    """Split a reply into Telegram-sized messages at block boundaries, never inside a tag.

    Sizes are UTF-16 code units of the HTML as sent, as Telegram counts them (its limit applies to the
    text after the tags are parsed, so counting the tags too keeps every chunk within it).
    """
    if utf16_len(text) <= limit:
        return [text] if text else []
    chunks: list[str] = []
    current, current_units = "", 0
    for block in _blocks(text):
        block_units = utf16_len(block)
        candidate_units = current_units + 2 + block_units if current else block_units
        if candidate_units <= limit:
            current = f"{current}\n\n{block}" if current else block
            current_units = candidate_units
            continue
        if current:
            chunks.append(current)
        if block_units <= limit:
            current, current_units = block, block_units
        else:
            pieces = _split_long_block(block, limit)
            chunks.extend(pieces[:-1])
            current = pieces[-1]
            current_units = utf16_len(current)
    if current:
        chunks.append(current)
    return chunks


def _blocks(text: str) -> list[str]:
    """`text` split at its blank lines outside tags: a paragraph break inside <b>…</b> (a typed answer
    of several paragraphs on the review screen) is no place to end a message, whose <b> would then never
    close (Telegram refuses both halves: "can't parse entities")."""
    blocks, start, depth = [], 0, 0
    for match in _HTML_PIECE.finditer(text):
        piece = match.group()
        if piece.startswith("<") and len(piece) > 1:
            if piece.startswith("</"):
                depth = max(depth - 1, 0)
            elif not piece.endswith("/>"):
                depth += 1
            continue
        if depth or piece.startswith("&"):
            continue
        position = piece.find("\n\n")
        while position != -1:
            blocks.append(text[start : match.start() + position])
            start = match.start() + position + 2
            position = piece.find("\n\n", position + 2)
    blocks.append(text[start:])
    return blocks


def _split_long_block(block: str, limit: int) -> list[str]:
    """Cut one oversized block between lines where possible, closing and reopening tags."""
    chunks: list[str] = []
    current, used = "", 0  # used: UTF-16 units of `current`
    open_tags: list[tuple[str, str]] = []  # (name, opening tag text)

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(open_tags))

    def flush() -> None:
        nonlocal current, used
        chunks.append(current + closing())
        current = "".join(tag for _, tag in open_tags)
        used = utf16_len(current)

    for piece in _HTML_PIECE.findall(block):
        if piece.startswith("<") and len(piece) > 1:
            if used + utf16_len(piece) + utf16_len(closing()) > limit:
                flush()
            current += piece
            used += utf16_len(piece)
            name_match = _TAG_NAME.match(piece)
            name = name_match.group(1).lower() if name_match else ""
            if piece.startswith("</"):
                for index in range(len(open_tags) - 1, -1, -1):
                    if open_tags[index][0] == name:
                        del open_tags[index]
                        break
            elif not piece.endswith("/>"):
                open_tags.append((name, piece))
            continue
        if piece.startswith("&") and len(piece) > 1:
            if used + len(piece) + utf16_len(closing()) > limit:
                flush()
            current += piece
            used += len(piece)
            continue
        text = piece
        while text:
            room = limit - used - utf16_len(closing())
            if room <= 0:
                flush()
                room = limit - used - utf16_len(closing())
            if utf16_len(text) <= room:
                current += text
                used += utf16_len(text)
                break
            fits = utf16_index(text, room)
            cut = text.rfind("\n", 0, fits)
            if cut <= 0:
                cut = text.rfind(" ", 0, fits)
            if cut <= 0:
                cut = cluster_boundary(text, fits) or fits
            if cut <= 0:
                if current != "".join(tag for _, tag in open_tags):
                    flush()  # the next character fits on a fresh chunk
                    continue
                cut = 1  # a limit smaller than one character: progress over precision
            current += text[:cut]
            used += utf16_len(text[:cut])
            text = text[cut:].lstrip("\n") if text[cut : cut + 1] == "\n" else text[cut:]
            flush()
    if current and current != "".join(tag for _, tag in open_tags):
        chunks.append(current + closing())
    return chunks or [""]


def render_comparison(
    pollutant_id: str,
    land_use: str | None,
    records: list[ThresholdRecord],
    tr: Translations,
    locale: str,
    tier: str | None = None,
) -> str:
    """The table that goes with the comparison chart: one line per jurisdiction, lowest first."""
    _ = tr.gettext
    heading = _fill(
        _("{pollutant}, {land_use}: values by jurisdiction"),
        pollutant=pollutant_label(pollutant_id, locale),
        land_use=land_use_label(land_use, tr),
    )
    if not records:
        return Html("<b>{}</b>\n").format(heading) + _fill(_("No values recorded for this pollutant and land use."))
    lines = [f"<b>{heading}</b>"]
    if tier:
        lines.append(_fill(_("Compared within one tier: {tier}."), tier=tier_short_label(tier, tr)))
    for record in records:
        name = jurisdiction_label(record.jurisdiction, locale) or record.jurisdiction_name
        year = f", {record.year}" if record.year else ""
        other_land_use = f", {land_use_text(record.land_use, tr)}" if record.land_use != (land_use or "all") else ""
        lines.append(
            f"• {escape(name)}: <b>{_amount(record, tr, locale)}</b> "
            f"({escape(value_type_label(record.value_type, tr))}{escape(other_land_use)}{year})"
        )
    return "\n".join(lines)


def render_countries(
    groups: list[tuple[str, list[tuple[str, int]]]], status_only: list[str], tr: Translations, locale: str
) -> str:
    """/countries: the jurisdictions with values, grouped (by GSP region), then those with only a status."""
    _ = tr.gettext
    ngettext = tr.ngettext
    total = sum(len(members) for _, members in groups)
    blocks = [
        Html(
            Html("<b>")
            + _fill(
                ngettext("{n} jurisdiction has threshold values:", "{n} jurisdictions have threshold values:", total),
                n=total,
            )
            + Html("</b>")
        )
    ]
    for heading, members in groups:
        named = sorted(
            ((jurisdiction_label(code, locale) or code, count) for code, count in members),
            key=lambda item: item[0].casefold(),
        )
        lines = [_bold(heading)]
        lines.extend(
            _fill(
                ngettext("• {country}: {n} value", "• {country}: {n} values", count),
                country=name,
                n=format_number(count, locale),
            )
            for name, count in named
        )
        blocks.append("\n".join(lines))
    if status_only:
        names = format_list(sorted(jurisdiction_label(code, locale) or code for code in status_only), locale)
        blocks.append(_fill(_("No national values found (recorded status): {countries}."), countries=names))
    blocks.append(
        _fill(
            _("Every other country has not been surveyed yet. Ask for a pollutant and a country, e.g. “lead Germany”.")
        )
    )
    return "\n\n".join(blocks)
