"""What a lookup shows, in words and numbers, for any adapter: labels, amounts, JSON and page rows.

All wording goes through the `tr` object (`gettext` / `ngettext`); numbers are formatted for the
reader's locale with Babel. No markup: the Telegram layer (bot/telegram_render.py) and the web pages
escape what they show.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

from bot.countries import country_name
from bot.i18n import gettext_noop as __
from bot.i18n.typography import format_list
from bot.lookup.index import (
    RESULT_OTHER_LAND_USES,
    RESULT_VALUES,
    LookupResult,
)
from bot.lookup.pollutants import POLLUTANTS_BY_ID, display_name
from bot.lookup.records import NORMALIZED_UNIT, ThresholdRecord
from bot.lookup.survey_entries import (
    is_not_detected,
    survey_source,
    typed_conditions,
    typed_land_use,
    typed_value_type,
)

# A country's values for one pollutant are shown this many per message; a "More" button pages on.
RECORDS_PER_PAGE = 5


# `lookup --json` lists at most this many records per list; `*_total` says how many there were.
JSON_RECORDS_CAP = 50


class Translations(Protocol):
    """What the renderer needs from a gettext catalog."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


@lru_cache(maxsize=64)
def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse((locale or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


def _language(locale: str) -> str:
    return _babel_locale(locale).language


def format_number(number: float, locale: str) -> str:
    """A number in the user's locale, keeping every significant digit (0.003 -> "0,003")."""
    return _format_digits(repr(number), locale)


# A reply shows a few numbers per value and Babel takes tens of microseconds for each, while the table holds a
# few thousand distinct ones. Keyed by the digits (repr), so 1 and 1.0, 0.0 and -0.0 stay apart.
@lru_cache(maxsize=8192)
def _format_digits(digits: str, locale: str) -> str:
    return format_decimal(Decimal(digits), locale=_babel_locale(locale), decimal_quantization=False)


def format_ph_band(record: ThresholdRecord, locale: str) -> str | None:
    """A record's pH band as "5,5 < pH ≤ 6,5", or None when the value has no band."""
    low, high = record.ph_min, record.ph_max
    if low is None and high is None:
        return None
    if low is not None and high is not None and record.ph_min_inclusive and record.ph_max_inclusive:
        return f"pH {format_number(low, locale)}–{format_number(high, locale)}"
    parts = []
    if low is not None:
        parts.append(f"{format_number(low, locale)} {'≤' if record.ph_min_inclusive else '<'} ")
    parts.append("pH")
    if high is not None:
        parts.append(f" {'≤' if record.ph_max_inclusive else '<'} {format_number(high, locale)}")
    text = "".join(parts)
    if high is None and low is not None:
        # Read "pH > 7.5" rather than "7.5 < pH".
        text = f"pH {'≥' if record.ph_min_inclusive else '>'} {format_number(low, locale)}"
    return text


def unit_label(unit: str) -> str:
    """The unit as shown next to a number: "mg/kg", "ng WHO-TEQ/kg" (dry weight is implied)."""
    return unit.removesuffix(" dw") if unit else "mg/kg"


def amount_text(record: ThresholdRecord, tr: Translations, locale: str) -> str:
    """The value or range with its unit, as plain text ("0.3 mg/kg")."""
    _ = tr.gettext
    if survey_source(record.source) and is_not_detected(record):
        return _("must not be detected")
    if record.unit and record.unit != NORMALIZED_UNIT:
        # Toxic equivalents keep their own unit: never converted to mg/kg.
        if record.value is not None:
            return _("{value} {unit}").format(value=format_number(record.value, locale), unit=unit_label(record.unit))
        if record.value_min is not None and record.value_max is not None:
            return _("{low}–{high} {unit}").format(
                low=format_number(record.value_min, locale),
                high=format_number(record.value_max, locale),
                unit=unit_label(record.unit),
            )
        return _("no value fixed")
    if record.value is not None:
        return _("{value} mg/kg").format(value=format_number(record.value, locale))
    if record.value_min is not None and record.value_max is not None:
        return _("{low}–{high} mg/kg").format(
            low=format_number(record.value_min, locale), high=format_number(record.value_max, locale)
        )
    return _("no value fixed")


def tier_label(tier: str | None, tr: Translations) -> str:
    """What crossing a value of this tier means, in words."""
    _ = tr.gettext
    labels = {
        "protection": _("Tier 1, soil protection: a precautionary value"),
        "assessment": _("Tier 2: assessment is needed above this value"),
        "action": _("Tier 3: action is needed above this value"),
        "sludge": _("Limit for soil receiving sewage sludge, not a general soil value"),
        "food": _("Value for the safety of crops or food"),
    }
    return labels.get(tier or "", "")


def tier_short_label(tier: str | None, tr: Translations) -> str:
    """A tier's short name, for buttons, chart legends and headings."""
    _ = tr.gettext
    labels = {
        "protection": _("Tier 1 · soil protection"),
        "assessment": _("Tier 2 · assessment"),
        "action": _("Tier 3 · action"),
        "sludge": _("Soil receiving sewage sludge"),
        "food": _("Safety of crops and food"),
    }
    return labels.get(tier or "", "")


def targets_label(record: ThresholdRecord, tr: Translations, locale: str) -> str:
    _ = tr.gettext
    labels = {
        "human_health": _("human health"),
        "ecosystem": _("the soil ecosystem"),
        "groundwater": _("groundwater"),
        "crops_food": _("crops and food"),
    }
    return format_list([labels[target] for target in record.targets if target in labels], locale)


def texture_label(texture: str, tr: Translations) -> str:
    _ = tr.gettext
    labels = {
        "sand": _("sand (light texture)"),
        "loam": _("loam or silt (medium texture)"),
        "clay": _("clay (heavy texture)"),
        "light": _("light soils"),
        "common": _("common soils (loam to clay)"),
    }
    return labels.get(texture, texture)


def detail_label(detail: str, tr: Translations) -> str:
    """A specific land use a value is set for (a playground among residential values)."""
    _ = tr.gettext
    labels = {
        "playground": _("children's playgrounds"),
        "park": _("parks and recreation"),
        "kitchen_garden": _("kitchen gardens"),
        "arable": _("arable land"),
        "grassland": _("grassland"),
        "paddy": _("paddy fields"),
        "urban": _("urban land"),
    }
    return labels.get(detail, "")


def extraction_label(extraction: str, tr: Translations) -> str:
    _ = tr.gettext
    labels = {
        "aqua_regia": _("aqua regia"),
        "ammonium_nitrate": _("ammonium nitrate (mobile fraction)"),
        "acid_digestion": _("acid digestion"),
        "other": _("another method (see the basis)"),
    }
    return labels.get(extraction, extraction)


# What each value type is called (translated when shown).
VALUE_TYPE_LABELS = {
    "screening": __("screening value"),
    "guideline": __("guideline value"),
    "limit": __("limit value"),
    "intervention": __("intervention value"),
    "investigation": __("investigation value"),
    "background": __("background value"),
    "maximum": __("maximum value"),
    "precautionary": __("precautionary value"),
    "prevention": __("prevention value"),
    "warning": __("warning standard"),
    "monitoring": __("monitoring standard"),
    "control": __("control standard"),
    "designation": __("designation criterion"),
    "threshold": __("threshold value"),
    "standard": __("soil standard"),
    "target": __("target value"),
    "trigger": __("trigger value"),
    "action": __("action value"),
    "indication": __("indication value"),
    "reference": __("generic reference level"),
    "none": __("no value"),
}


def value_type_label(value_type: str, tr: Translations) -> str:
    """What a value type is called in the member's language ("screening value")."""
    return tr.gettext(VALUE_TYPE_LABELS.get(value_type) or VALUE_TYPE_LABELS["threshold"])


def land_use_text(land_use: str, tr: Translations) -> str:
    _ = tr.gettext
    labels = {
        "agricultural": _("agricultural land"),
        "residential": _("residential land"),
        "commercial": _("commercial land"),
        "industrial": _("industrial land"),
        "all": _("all land uses"),
        "construction": _("construction land"),
        # A survey answer's land use outside the form's list, when the respondent typed no words for it.
        "other": _("other land use"),
    }
    return labels.get(land_use, land_use)


def legal_status_label(legal_status: str, tr: Translations) -> str:
    _ = tr.gettext
    labels = {
        "binding": _("legally binding"),
        "guideline": _("guideline, not binding"),
        "voluntary": _("voluntary"),
        "draft": _("draft"),
        "repealed": _("repealed"),
    }
    return labels.get(legal_status) or _("legal status unknown")


def jurisdiction_label(code: str | None, locale: str) -> str:
    return country_name(code, _language(locale)) if code else ""


def pollutant_name(pollutant_id: str | None, locale: str) -> str:
    return display_name(pollutant_id, _language(locale)) if pollutant_id else ""


# A reviewer's remark kept in the seed next to the source's wording ("presumed ...", "not stated in
# retrieved text", "(none found); review: ..."): kept in exports, never shown to users.
_REVIEW_REMARKS = ("presum", "not stated", "none found", "review:")
_PARENTHESIS = re.compile(r"(\s*)\(([^()]*)\)")


def _is_remark(text: str) -> bool:
    lowered = text.lower()
    return any(remark in lowered for remark in _REVIEW_REMARKS)


def public_wording(text: str) -> str:
    """A source's wording without the reviewer's remarks: a bracket or a ";" clause holding one is left out."""
    if not text or not _is_remark(text):
        return text
    previous = None
    while previous != text:
        previous = text
        text = _PARENTHESIS.sub(lambda m: "" if _is_remark(m.group(2)) else f"{m.group(1)}\x00{m.group(2)}\x01", text)
    text = text.replace("\x00", "(").replace("\x01", ")")
    clauses = [clause.strip() for clause in text.split(";")]
    return "; ".join(clause for clause in clauses if clause and not _is_remark(clause)).strip(" ,;")


def source_text(record: ThresholdRecord, tr: Translations, locale: str, with_link: bool = True) -> str:
    """Where a value comes from: a survey answer worded in the reader's language (country, date; the authority and
    link as the respondent typed them), any other source as written. `with_link=False` leaves out a survey
    answer's link, for a page that links it itself (`source_link`)."""
    survey = survey_source(record.source)
    if survey is None:
        return record.source
    _ = tr.gettext
    country = jurisdiction_label(record.jurisdiction, locale) or record.jurisdiction_name
    submitted = format_date(survey.submitted, "long", locale=_babel_locale(locale)) if survey.submitted else ""
    if submitted and survey.authority:
        text = _("INSOP threshold survey, answer for {country}, submitted {date}; issued by {authority}").format(
            country=country, date=submitted, authority=survey.authority
        )
    elif submitted:
        text = _("INSOP threshold survey, answer for {country}, submitted {date}").format(
            country=country, date=submitted
        )
    elif survey.authority:
        text = _("INSOP threshold survey, answer for {country}; issued by {authority}").format(
            country=country, authority=survey.authority
        )
    else:
        text = _("INSOP threshold survey, answer for {country}").format(country=country)
    if survey.link and (with_link or not source_link(record)):
        text = _("{source}; {link}").format(source=text, link=survey.link)
    return text


def source_link(record: ThresholdRecord) -> str:
    """The web address a value's source gives (a survey answer's link, or a source that is one), else ""."""
    survey = survey_source(record.source)
    link = survey.link if survey else record.source
    return link if link.startswith(("http://", "https://")) else ""


def own_value_type(record: ThresholdRecord) -> str:
    """The value type in the source's own words; for a survey answer, only a name the respondent typed."""
    return typed_value_type(record) if survey_source(record.source) else record.value_type_original


def own_land_use(record: ThresholdRecord) -> str:
    """The land use in the source's own words, without reviewer's remarks; for a survey answer, only typed words."""
    return typed_land_use(record) if survey_source(record.source) else public_wording(record.land_use_original)


def own_conditions(record: ThresholdRecord) -> str:
    """The conditions in the source's own words (a survey answer's pH band and "must not be detected" are the
    survey's words, said elsewhere in the reader's language)."""
    return typed_conditions(record) if survey_source(record.source) else public_wording(record.conditions)


def public_year(record: ThresholdRecord) -> str:
    """The instrument's year as a plain year ("2007 (amended to >=2013)" -> "2007"); the full wording stays in exports."""
    return str(record.year) if record.year else ""


def title_case(name: str) -> str:
    return name[:1].upper() + name[1:]


def paged_records(result: LookupResult) -> tuple[ThresholdRecord, ...]:
    """The records the Details pages go through: the country's values (or its values for other land uses)."""
    if result.kind == RESULT_VALUES:
        return result.results
    if result.kind == RESULT_OTHER_LAND_USES:
        return result.other_land_uses
    return ()


def page_count(result: LookupResult) -> int:
    """How many Details pages of RECORDS_PER_PAGE values the answer has (0: the first screen says it all).

    Page 0 is the first screen; pages 1..page_count hold every value with its conditions and source,
    EU law that applies too on the first of them.
    """
    records = paged_records(result)
    if records:
        return -(-len(records) // RECORDS_PER_PAGE)
    return 1 if result.supranational else 0


def _finite(number: float | None) -> float | None:
    """JSON has no Infinity or NaN: such a number is given as null."""
    return number if number is None or math.isfinite(number) else None


def _record_json(record: ThresholdRecord, locale: str, **extra: Any) -> dict[str, Any]:
    item = {
        "country": record.jurisdiction,
        "country_name": jurisdiction_label(record.jurisdiction, locale),
        "pollutant": record.pollutant_name,
        "pollutant_id": record.pollutant_id,
        "land_use": record.land_use,
        "land_use_covers": list(record.land_uses),
        "land_use_original": record.land_use_original,
        "value": _finite(record.value),
        "value_min": _finite(record.value_min),
        "value_max": _finite(record.value_max),
        "unit": record.unit,
        "unit_original": record.unit_original,
        "value_type": record.value_type,
        "value_type_original": record.value_type_original,
        "basis": record.basis,
        "conditions": record.conditions,
        "ph_min": record.ph_min,
        "ph_max": record.ph_max,
        "legal_status": record.legal_status,
        "instrument": record.instrument,
        "year": record.year,
        "year_original": record.year_original,
        "source": record.source,
        # A survey answer's source as data (the `source` above is its stored code, or the English sentence of a
        # value approved before the code existed): the submission's date and the authority and link as typed.
        "survey_source": _survey_source_json(record),
        # Added with tiers (issue 13); the remark on where a value was read is never given here.
        "tier": record.tier or None,
        "target": list(record.targets),
        "land_use_detail": list(record.land_use_details),
        "soil_texture": record.soil_texture or None,
        "organic_carbon": record.organic_carbon or None,
        "extraction": record.extraction or None,
    }
    item.update(extra)
    return item


def _survey_source_json(record: ThresholdRecord) -> dict[str, Any] | None:
    survey = survey_source(record.source)
    if survey is None:
        return None
    return {
        "submitted": survey.submitted.isoformat() if survey.submitted else None,
        "authority": survey.authority or None,
        "link": survey.link or None,
    }


def result_data(result: LookupResult, tr: Translations, locale: str) -> dict[str, Any]:
    """The lookup as plain JSON data (`python -m bot lookup --json` adds the reply's text).

    Each list holds at most JSON_RECORDS_CAP records; `<list>_total` gives the full count and
    `truncated` says whether any list was cut.
    """
    pollutant = POLLUTANTS_BY_ID.get(result.pollutant) if result.pollutant else None
    cap = JSON_RECORDS_CAP
    results = [_record_json(r, locale, applies_to_country=True) for r in result.results[:cap]]
    results += [
        _record_json(r, locale, applies_to_country=True, applies_via="EU")
        for r in result.supranational[: max(0, cap - len(results))]
    ]
    totals = {
        "results_total": len(result.results) + len(result.supranational),
        "other_land_uses_total": len(result.other_land_uses),
        "country_status_total": len(result.country_status),
        "alternatives_total": len(result.alternatives),
    }
    return {
        "kind": result.kind,
        "pollutant": pollutant.name_en if pollutant else result.pollutant,
        "pollutant_id": result.pollutant,
        "land_use": result.land_use,
        "country": result.country,
        "country_from_member": result.country_from_member,
        "country_surveyed": result.country_surveyed if result.country else None,
        "ph": result.query.ph,
        "value_type": result.query.value_type,
        "results": results,
        "other_land_uses": [_record_json(r, locale, applies_to_country=True) for r in result.other_land_uses[:cap]],
        "country_status": [_record_json(r, locale) for r in result.country_status[:cap]],
        "alternatives": [_record_json(r, locale, applies_to_country=False) for r in result.alternatives[:cap]],
        **totals,
        "truncated": any(total > cap for total in totals.values()),
        "tier": result.tier,
        "tiers": {tier: count for tier, count in result.tiers},
        "conditions_asked": {
            "land_use_detail": result.query.land_use_detail,
            "soil_texture": result.query.soil_texture,
            "ph_band": result.query.ph_band,
            "extraction": result.query.extraction,
        },
        "confidence": dict(result.query.confidence),
        "suggestions": [
            {"part": s.part, "typed": s.typed, "value": s.value, "score": s.score, "accepted": s.accepted}
            for s in result.query.suggestions
        ],
    }


def land_use_label(land_use: str | None, tr: Translations) -> str:
    """A land-use category as the reader says it ("agricultural land"); all land uses when None."""
    return land_use_text(land_use or "all", tr)


def pollutant_label(pollutant_id: str, locale: str) -> str:
    """The pollutant's name in the reader's language."""
    return title_case(pollutant_name(pollutant_id, locale))


def comparison_rows(records: list[ThresholdRecord], tr: Translations, locale: str) -> list[dict[str, Any]]:
    """One chart row per jurisdiction: name, value or range, unit, value type."""
    return [
        {
            "jurisdiction": jurisdiction_label(record.jurisdiction, locale) or record.jurisdiction_name,
            "value": record.value,
            "value_min": record.value_min,
            "value_max": record.value_max,
            "unit": unit_label(record.unit),
            "value_type": record.value_type,
        }
        for record in records
    ]


def record_to_json(record: ThresholdRecord, locale: str) -> dict[str, Any]:
    """One value as the plain JSON record of `lookup --json` (for the web API's filtered lists)."""
    return _record_json(record, locale)


def record_view(record: ThresholdRecord, tr: Translations, locale: str) -> dict[str, Any]:
    """One value as plain labelled text, worded as in a lookup reply, for pages that escape it themselves."""
    conditions = [
        format_ph_band(record, locale) or "",
        texture_label(record.soil_texture, tr) if record.soil_texture else "",
        record.organic_carbon or "",
        extraction_label(record.extraction, tr) if record.extraction else "",
        own_conditions(record),
    ]
    return {
        "country": record.jurisdiction,
        "country_name": jurisdiction_label(record.jurisdiction, locale) or record.jurisdiction_name,
        "pollutant_id": record.pollutant_id,
        "pollutant": title_case(pollutant_name(record.pollutant_id, locale)),
        "amount": amount_text(record, tr, locale),
        "value_type": value_type_label(record.value_type, tr),
        "value_type_original": own_value_type(record),
        "land_use": record.land_use,
        "land_use_label": land_use_text(record.land_use, tr),
        "land_use_original": own_land_use(record),
        "tier": record.tier or "",
        "tier_label": tier_short_label(record.tier, tr),
        "tier_text": tier_label(record.tier, tr),
        "targets": targets_label(record, tr, locale),
        "conditions": [condition for condition in conditions if condition],
        "legal_status": legal_status_label(record.legal_status, tr),
        "instrument": public_wording(record.instrument),
        "year": public_year(record),
        "source": source_text(record, tr, locale, with_link=False),
        "source_link": source_link(record),
        "status": record.value_type_original if record.kind != "value" else "",
    }
