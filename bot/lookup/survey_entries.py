"""Threshold values a focal point reported in the survey, as candidate records for review.

The survey's choice names (see storage/forms/build_forms.py) are turned into the wording of the
reference CSV and go through the same `normalize_row`, so both kinds of rows look alike. Both form
versions are read: the first one's flat `threshold` repeat, and the key values typed inside each legal
instrument of version 2026113001. Only answers whose consent allows naming the country become records.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from bot.limits import cluster_boundary
from bot.lookup.records import RowError, ThresholdRecord, normalize_row

# Survey choice names -> the units `normalize_row` understands.
_UNITS = {"mg_kg": "mg/kg", "ug_kg": "µg/kg", "g_kg": "g/kg"}
# `normalize_row` reads the first word ("binding ...", "guideline ...", "unknown ..."), as in the seed table.
# "both" is said once for the whole country (first version of the form): which value is binding is not known.
_LEGAL_STATUS = {
    "binding": "binding (legally binding, survey answer)",
    "guideline": "guideline (not binding, survey answer)",
    "both": "unknown (the country has both binding and guideline values; not stated per value)",
    "draft": "draft (survey answer)",
    "dont_know": "unknown (survey answer: don't know)",
}
# The land use of a value the respondent typed ("other"): kept for the coordinator, who approves the
# value with a land use of the lookups, when the typed wording names none.
OTHER_LAND_USE = "other"
# How a submission's answers may be used (consent_publish): only "named" answers become values that
# lookups show with the country's name; "aggregate" answers count in indicators; "internal" ones stay
# with INSOP's staff. The first form version asked yes/no about naming the country.
CONSENT_NAMED, CONSENT_AGGREGATE, CONSENT_INTERNAL = "named", "aggregate", "internal"
_CONSENT = {
    "named": CONSENT_NAMED,
    "yes": CONSENT_NAMED,
    "aggregate": CONSENT_AGGREGATE,
    "no": CONSENT_AGGREGATE,
    "internal": CONSENT_INTERNAL,
}
# Typed answers copied as they are into a bounded record field: the survey says the field's width
# when it asks the question and refuses a longer answer (the width comes from the storage layer).
BOUNDED_ANSWERS = {"pollutant_other": "pollutant_name"}
# Record fields that are identifiers made from the wording: shortened with a hash, so that two long
# names never share an id. Other fields are shortened with an ellipsis; the wording stays whole in
# the record's *_original fields, which are unbounded.
_ID_FIELDS = ("pollutant_id", "pollutant_family")


def records_from_submission(
    data: dict[str, Any],
    country: str,
    country_name: str,
    submitted_at: datetime,
    submission_id: int,
    widths: dict[str, int] | None = None,
) -> tuple[list[ThresholdRecord], list[str]]:
    """Candidate records from a threshold-survey submission, and a note for each entry that could not be read.

    `widths` (field -> most characters it may hold) makes every record fit its storage: a focal point's
    long "other" pollutant must never stop the survey from being submitted.
    """
    records: list[ThresholdRecord] = []
    problems: list[str] = []
    consent = publication_consent(data)
    if consent != CONSENT_NAMED and reported_values(data):
        return [], [
            f"submission {submission_id}: {reported_values(data)} reported value(s) not offered for review: "
            f"the respondent agreed to {consent} use only, not to publication naming the country"
        ]
    if data.get("instrument"):
        return _instrument_records(data, country, country_name, submitted_at, submission_id, widths or {})
    legal_status = _LEGAL_STATUS.get(str(data.get("legal_status") or ""), "unknown (not stated)")
    for position, entry in enumerate(data.get("threshold") or [], start=1):
        pollutant = entry.get("pollutant")
        if pollutant == "other":
            pollutant = entry.get("pollutant_other") or ""
        basis = entry.get("basis_other") if entry.get("basis") == "other" else entry.get("basis")
        link = entry.get("link") or ""
        land_use = str(entry.get("threshold_land_use") or "")
        if land_use == OTHER_LAND_USE:
            land_use = str(data.get("land_uses_other") or "").strip() or OTHER_LAND_USE
        row = {
            "country_iso2": country,
            "country": country_name,
            "jurisdiction_level": "national (survey answer)",
            "pollutant": str(pollutant or ""),
            "cas": "",
            "land_use": land_use,
            "value": _plain_number(entry.get("value")),
            "unit": _UNITS.get(str(entry.get("unit") or ""), str(entry.get("unit") or "")),
            "value_type": str(entry.get("value_type") or ""),
            "basis": str(basis or "").replace("_", " "),
            "conditions": str(entry.get("soil_conditions") or ""),
            "legal_status": legal_status,
            "instrument": str(entry.get("instrument") or ""),
            "year": str(entry.get("year") or ""),
            "source_url_or_path": survey_source_code(country, submitted_at, link=str(link)),
        }
        try:
            records.append(fit_record(_normalize_keeping_land_use(row, position), widths or {}))
        except RowError as error:
            problems.append(f"submission {submission_id}, entry {position}: {error}")
    return records, problems


# Version 2026113001 of the form: choice names -> the wording of the reference table.
_LAND_USES = {
    "all_uses": "all land uses",
    "agricultural": "agricultural",
    "arable": "agricultural (arable land)",
    "paddy": "agricultural (paddy fields)",
    "grassland": "agricultural (grassland)",
    "orchard": "agricultural (orchards)",
    "kitchen_garden": "residential (kitchen gardens)",
    "sludge_land": "agricultural (land receiving sewage sludge)",
    "residential": "residential",
    "playground": "residential (children's playgrounds)",
    "park": "residential (parks)",
    "commercial": "commercial",
    "industrial": "industrial",
    "natural": "natural areas and ecosystems",
}
_VALUE_TYPES = {
    "protection": "precautionary value",
    "assessment": "screening value",
    "action": "intervention value",
    "sludge": "limit value for soil receiving sewage sludge",
    "food": "limit value for crop and food safety",
    "dont_know": "value (kind not specified in the document)",
}
# The condition a "must not be detected" value is stored with (it has no number).
NOT_DETECTED = "must not be detected"
_TARGETS = {
    "human_health": "human_health",
    "ecosystem": "ecosystem",
    "groundwater": "groundwater",
    "food": "crops_food",
}
_BASES = {"total": "total", "aqua_regia": "aqua regia", "extractable": "extractable", "not_specified": "not stated"}
_UNITS_V2 = {
    "mg_kg": "mg/kg",
    "ug_kg": "µg/kg",
    "g_kg": "g/kg",
    "ng_teq_kg": "ng TEQ/kg",
    "mg_l": "mg/L",
    "mg_kg_fw": "mg/kg fresh weight",
}
_DDT_SUM = "DDT (sum of DDT, DDE and DDD)"
# A key value's field and the instrument's question that answers it for all its values.
_INSTRUMENT_DEFAULTS = {
    "val_unit": "instr_unit",
    "val_basis": "instr_basis",
    "val_target": "instr_target",
    "val_tier": "instr_tier",
    "val_name": "instr_val_name",
    "val_form": "instr_form",
}


def _instrument_records(
    data: dict[str, Any],
    country: str,
    country_name: str,
    submitted_at: datetime,
    submission_id: int,
    widths: dict[str, int],
) -> tuple[list[ThresholdRecord], list[str]]:
    """Records of the key values typed inside each legal instrument (form version 2026113001)."""
    from bot.lookup.pollutants import POLLUTANTS

    catalogue = {pollutant.id: pollutant for pollutant in POLLUTANTS}
    records: list[ThresholdRecord] = []
    problems: list[str] = []
    for instrument, values in _instruments(data):
        status = (
            "repealed (survey answer)"
            if instrument.get("instr_in_force") == "repealed"
            else _LEGAL_STATUS.get(str(instrument.get("instr_status") or ""), "unknown (not stated)")
        )
        title = str(instrument.get("instr_title") or "")
        number = str(instrument.get("instr_number") or "")
        level = "national (survey answer)"
        if instrument.get("instr_level") == "subnational":
            level = f"subnational ({instrument.get('instr_area') or 'area not stated'}; survey answer)"
        source = survey_source_code(
            country,
            submitted_at,
            authority=str(instrument.get("instr_authority") or ""),
            link=str(instrument.get("instr_link") or ""),
        )
        # Unit, basis, target, tier, the values' name and form are asked once per instrument (the last three since
        # 2026113004); per value only where they differ ("varies"). A value's own answer wins.
        defaults = {value_field: instrument.get(field) for value_field, field in _INSTRUMENT_DEFAULTS.items()}
        for position, _where, value in values:
            value = {
                **{field: default for field, default in defaults.items() if default not in (None, "", "varies")},
                **{field: answer for field, answer in value.items() if answer not in (None, "")},
            }
            pollutant_id = str(value.get("pollutant") or "")
            known = catalogue.get(pollutant_id)
            if pollutant_id == "other":
                pollutant, cas = str(value.get("pollutant_other") or ""), str(value.get("pollutant_cas") or "")
            elif pollutant_id == "ddt_sum":
                pollutant, cas = _DDT_SUM, ""
            else:
                pollutant, cas = (known.name_en, known.cas or "") if known else (pollutant_id, "")
            land_use = _LAND_USES.get(str(value.get("val_land_use") or ""))
            if land_use is None:
                land_use = str(value.get("val_land_use_other") or "").strip() or OTHER_LAND_USE
            form = value.get("val_form")
            number_text = {
                "single": _plain_number(value.get("value")),
                "range": f"{_plain_number(value.get('value_min'))}-{_plain_number(value.get('value_max'))}",
            }.get(str(form), "")
            conditions = [_ph_band(value.get("ph_min"), value.get("ph_max"))]
            if form == "not_detected":
                conditions.append(NOT_DETECTED)
            tier = str(value.get("val_tier") or "")
            row = {
                "country_iso2": country,
                "country": country_name,
                "jurisdiction_level": level,
                "pollutant": pollutant,
                "cas": cas,
                "land_use": land_use,
                "value": number_text,
                "unit": _UNITS_V2.get(str(value.get("val_unit") or ""), ""),
                "value_type": str(value.get("val_name") or "") or _VALUE_TYPES.get(tier, _VALUE_TYPES["dont_know"]),
                "basis": _BASES.get(str(value.get("val_basis") or ""), "not stated"),
                "conditions": "; ".join(part for part in conditions if part),
                "legal_status": status,
                "instrument": f"{title} ({number})" if number else title,
                "year": str(instrument.get("instr_year") or ""),
                "source_url_or_path": source,
            }
            try:
                record = _normalize_keeping_unit(row, position)
            except RowError as error:
                problems.append(f"submission {submission_id}, value {position}: {error}")
                continue
            # The respondent said what crossing the value means and what it protects: that wins over the wording.
            changes: dict[str, Any] = {}
            if tier in ("protection", "assessment", "action", "sludge", "food"):
                changes["tier"] = tier
            if value.get("val_target") in _TARGETS:
                changes["target"] = _TARGETS[value["val_target"]]
            records.append(fit_record(dataclasses.replace(record, **changes) if changes else record, widths))
    return records, problems


def _normalize_keeping_unit(row: dict[str, str], position: int) -> ThresholdRecord:
    """Like `_normalize_keeping_land_use`; a unit that is not mg/kg dry weight (mg/L in an extract, fresh weight)
    is kept as it was given, never converted: the coordinator approves the value with a unit, or rejects it."""
    try:
        return _normalize_keeping_land_use(row, position)
    except RowError as error:
        if error.column != "unit":
            raise
    record = _normalize_keeping_land_use({**row, "unit": "mg/kg"}, position)
    return dataclasses.replace(record, unit=row["unit"], unit_original=row["unit"])


def _ph_band(low: Any, high: Any) -> str:
    if low not in (None, "") and high not in (None, ""):
        return f"pH {_plain_number(low)}-{_plain_number(high)}"
    if low not in (None, ""):
        return f"pH >= {_plain_number(low)}"
    if high not in (None, ""):
        return f"pH <= {_plain_number(high)}"
    return ""


def document_value_name(value_type: str) -> str:
    """The value's name in the document as the respondent typed it ("Prüfwert"); "" when the stored value type
    is only the survey's own wording for the tier (no name was given)."""
    name = (value_type or "").strip()
    return "" if name in _VALUE_TYPES.values() else name


# Where a survey-reported value comes from, stored as a code rather than a sentence: "insop-survey:" and a JSON
# object of the ISO code of the country answered for, the submission's date (ISO 8601) and, when the respondent
# gave them, the issuing authority and a link, as typed. The bot words it in the reader's language when it shows
# it (bot.lookup.views.source_text); `data export` writes it as stored, so the file imports again unchanged.
SURVEY_SOURCE_PREFIX = "insop-survey:"
# Rows approved before the code existed store an English sentence: "INSOP threshold survey: answer of the focal
# point of Kenya, submitted 2026-11-30[; <link>]" (first form) or "INSOP threshold survey: answer for Kenya,
# submitted 2026-11-30; issued by <authority or "not stated">[; <link>]" (since 2026113001). Read as the code is.
_OLD_SURVEY_SOURCE = re.compile(
    r"INSOP threshold survey: answer (?:of the focal point of|for) .*?"
    r"(?:, submitted (?P<date>\d{4}-\d{2}-\d{2}))?(?:; (?P<rest>.*))?",
    re.DOTALL,
)
_OLD_NOT_STATED = "not stated"
# A last "; ..." clause of an old sentence that is a link rather than part of the authority's name.
_LINK = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S*", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class SurveySource:
    """Where a survey-reported value comes from: the submission's date, and the authority and link as typed."""

    submitted: date | None
    authority: str = ""
    link: str = ""


def survey_source_code(country: str, submitted_at: datetime, authority: str = "", link: str = "") -> str:
    """The stored source of a value reported in the survey (see SURVEY_SOURCE_PREFIX)."""
    fields = {"country": country, "submitted": submitted_at.date().isoformat(), "authority": authority, "link": link}
    code = {name: value.strip() for name, value in fields.items() if value and value.strip()}
    return SURVEY_SOURCE_PREFIX + json.dumps(code, ensure_ascii=False, separators=(",", ":"))


def survey_source(source: str) -> SurveySource | None:
    """The survey answer a stored source names (the code, or the English sentence of rows stored before it);
    None for any other source, a document's reference, which is shown as written."""
    if not source.startswith((SURVEY_SOURCE_PREFIX, "INSOP threshold survey: ")):
        return None
    return _survey_source(source)


@lru_cache(maxsize=4096)
def _survey_source(source: str) -> SurveySource | None:
    if source.startswith(SURVEY_SOURCE_PREFIX):
        try:
            code = json.loads(source[len(SURVEY_SOURCE_PREFIX) :])
        except (ValueError, RecursionError):  # not the bot's code (an imported file): shown as written
            return None
        if not isinstance(code, dict):
            return None
        return SurveySource(
            _iso_date(code.get("submitted")), str(code.get("authority") or ""), str(code.get("link") or "")
        )
    match = _OLD_SURVEY_SOURCE.fullmatch(source)
    if match is None:
        return None
    rest, authority, link = (match.group("rest") or "").strip(), "", ""
    if rest.startswith("issued by "):
        authority, _separator, last = rest.removeprefix("issued by ").rpartition("; ")
        if not (authority and _LINK.fullmatch(last.strip())):
            authority, last = f"{authority}; {last}" if authority else last, ""
        link = last.strip()
        authority = "" if authority.strip() == _OLD_NOT_STATED else authority.strip()
    else:
        link = rest
    return SurveySource(_iso_date(match.group("date")), authority, link)


def _iso_date(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


# The first form's choice names, stored as the value type and land use of a value: the survey's words, not the
# respondent's (since 2026113001 the survey's words are _VALUE_TYPES and _LAND_USES).
_FIRST_FORM_VALUE_TYPES = frozenset({"screening", "guideline", "intervention", "limit", "background"})
_FIRST_FORM_LAND_USES = frozenset({"agricultural", "residential", "commercial", "industrial", "all"})
_PH_CLAUSE = re.compile(r"pH\s*(?:[<>≤≥]=?)?\s*\d+(?:[.,]\d+)?(?:\s*[-–]\s*\d+(?:[.,]\d+)?)?", re.IGNORECASE)


def typed_value_type(record: ThresholdRecord) -> str:
    """A survey value's name in the document as the respondent typed it; "" when the survey named its kind."""
    name = document_value_name(record.value_type_original)
    return "" if name in _FIRST_FORM_VALUE_TYPES else name


def typed_pollutant(record: ThresholdRecord) -> str:
    """A survey value's pollutant as the respondent typed it ("other"); "" when it was one of the survey's choices."""
    from bot.lookup.pollutants import POLLUTANTS_BY_ID

    text = record.pollutant_original.strip()
    known = POLLUTANTS_BY_ID.get(record.pollutant_id)
    if known is None:  # a pollutant the survey does not list: typed
        return text
    return "" if text.casefold() in {known.name_en.casefold(), known.id, _DDT_SUM.casefold()} else text


def typed_land_use(record: ThresholdRecord) -> str:
    """A survey value's land use as the respondent typed it ("other"); "" when it was one of the survey's choices."""
    text = record.land_use_original.strip()
    choices = (*_LAND_USES.values(), *_FIRST_FORM_LAND_USES, OTHER_LAND_USE)
    return "" if text in choices else text


def is_not_detected(record: ThresholdRecord) -> bool:
    """Whether a survey value is "must not be detected": it has no number."""
    return (
        record.value is None
        and record.value_min is None
        and record.value_max is None
        and any(clause.strip().lower() == NOT_DETECTED for clause in record.conditions.split(";"))
    )


def typed_conditions(record: ThresholdRecord) -> str:
    """A survey value's conditions as the respondent typed them: without the clauses the survey wrote from its
    choices (the pH band, shown in the reader's words, and "must not be detected")."""
    not_detected = is_not_detected(record)
    clauses = []
    for clause in (part.strip() for part in record.conditions.split(";")):
        if not clause:
            continue
        if record.has_ph_band and _PH_CLAUSE.fullmatch(clause):
            continue
        if not_detected and clause.lower() == NOT_DETECTED:
            continue
        clauses.append(clause)
    return "; ".join(clauses)


def value_question(data: dict[str, Any], position: int | None) -> str | None:
    """The question a single reported value was typed at, by its position among the submission's values
    (`ThresholdRecord.row_number`): "threshold[3]/value" in the first form versions, "instrument[2]/key_value[1]/value"
    since 2026113001; None for a range or a value not found."""
    if not position or position < 1:
        return None
    if not isinstance(data.get("instrument"), list):
        return f"threshold[{int(position)}]/value"
    for _instrument, values in _instruments(data):
        for seen, where, _value in values:
            if seen == position:
                return f"{where}/value"
    return None


def _entries(value: Any) -> list[dict[str, Any]]:
    """A repeat's entries; another form's same-named field is not one."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _instruments(data: dict[str, Any]) -> Iterator[tuple[dict[str, Any], list[tuple[int, str, dict[str, Any]]]]]:
    """Each legal instrument of a submission (form 2026113001 on) with its key values, each with its position
    among all the submission's values (`ThresholdRecord.row_number`) and its place in the form
    ("instrument[2]/key_value[1]"): the records and the questions a value was typed at count alike."""
    position = 0
    for outer, instrument in enumerate(_entries(data.get("instrument")), start=1):
        values = []
        for inner, value in enumerate(_entries(instrument.get("key_value")), start=1):
            position += 1
            values.append((position, f"instrument[{outer}]/key_value[{inner}]", value))
        yield instrument, values


def publication_consent(data: dict[str, Any]) -> str:
    """How the respondent agreed the answers may be used: named, aggregate or internal (the strictest when unsaid)."""
    return _CONSENT.get(str(data.get("consent_publish") or ""), CONSENT_INTERNAL)


def reported_values(data: dict[str, Any]) -> int:
    """How many threshold values the submission reports (every version of the form)."""
    typed = sum(len(values) for _instrument, values in _instruments(data))
    return len(_entries(data.get("threshold"))) + typed


def _normalize_keeping_land_use(row: dict[str, str], position: int) -> ThresholdRecord:
    """The normalized record; a land use the lookups do not know is kept as "other" with its wording.

    Such a value waits for review like any other: the coordinator approves it with a land use
    ("Approve with another land use"). It is never dropped because its wording is new.
    """
    try:
        return normalize_row(row, row_number=position, check_widths=False)
    except RowError as error:
        if error.column != "land_use":
            raise
    record = normalize_row({**row, "land_use": "all"}, row_number=position, check_widths=False)
    return dataclasses.replace(
        record,
        land_use=OTHER_LAND_USE,
        land_use_covers=OTHER_LAND_USE,
        land_use_original=row["land_use"],
        land_use_detail="",
    )


def fit_record(record: ThresholdRecord, widths: dict[str, int]) -> ThresholdRecord:
    """The record with every text field within its width (identifiers keep a hash of the whole wording)."""
    changes: dict[str, Any] = {}
    for name, width in widths.items():
        value = getattr(record, name, None)
        if isinstance(value, str) and len(value) > width:
            changes[name] = fit_identifier(value, width) if name in _ID_FIELDS else _shorten(value, width)
    return dataclasses.replace(record, **changes) if changes else record


def _shorten(value: str, width: int) -> str:
    return value[: cluster_boundary(value, width - 1)].rstrip() + "…"


def fit_identifier(value: str, width: int) -> str:
    """An identifier of at most `width` characters: its beginning and a hash of the whole."""
    digest = hashlib.sha1(value.encode()).hexdigest()[:10]
    return value[: max(width - len(digest) - 1, 1)].rstrip("_") + "_" + digest


def _plain_number(value: Any) -> str:
    """The number as the focal point would write it: 3.5, not 3.500000; 0.0003, not 3e-04."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # The shortest digits that read back as the same float, never in exponent form: 5.5, not 5.500000.
    return format(Decimal(repr(value)), "f") if isinstance(value, float) else str(value)
