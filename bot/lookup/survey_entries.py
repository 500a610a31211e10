"""Threshold values a focal point reported in the survey, as candidate records for review.

The survey's choice names (see storage/forms/build_forms.py) are turned into the wording of the
reference CSV and go through the same `normalize_row`, so both kinds of rows look alike.
"""

from __future__ import annotations

import dataclasses
import hashlib
from decimal import Decimal
from datetime import datetime
from typing import Any

from bot.limits import cluster_boundary
from bot.lookup.records import RowError, ThresholdRecord, normalize_row

# Survey choice names -> the units `normalize_row` understands.
_UNITS = {"mg_kg": "mg/kg", "ug_kg": "µg/kg", "g_kg": "g/kg"}
_LEGAL_STATUS = {"binding": "legally binding", "guideline": "guideline", "both": "legally binding and guideline"}
# Typed answers copied as they are into a bounded record field: the survey says the field's width
# when it asks the question and refuses a longer answer (the width comes from the storage layer).
BOUNDED_ANSWERS = {"pollutant_other": "pollutant_name"}
# Record fields that are identifiers made from the wording: shortened with a hash, so that two long
# names never share an id. Other fields are shortened with an ellipsis; the wording stays whole in
# the record's *_original fields, which are unbounded.
_ID_FIELDS = ("pollutant_id", "pollutant_family")


def records_from_submission(data: dict[str, Any], country: str, country_name: str, submitted_at: datetime,
                            submission_id: int, widths: dict[str, int] | None = None
                            ) -> tuple[list[ThresholdRecord], list[str]]:
    """Candidate records from a threshold-survey submission, and a note for each entry that could not be read.

    `widths` (field -> most characters it may hold) makes every record fit its storage: a focal point's
    long "other" pollutant must never stop the survey from being submitted.
    """
    records: list[ThresholdRecord] = []
    problems: list[str] = []
    legal_status = _LEGAL_STATUS.get(str(data.get("legal_status") or ""), "not stated")
    for position, entry in enumerate(data.get("threshold") or [], start=1):
        pollutant = entry.get("pollutant")
        if pollutant == "other":
            pollutant = entry.get("pollutant_other") or ""
        basis = entry.get("basis_other") if entry.get("basis") == "other" else entry.get("basis")
        link = entry.get("link") or ""
        source = f"INSOP threshold survey: answer of the focal point of {country_name}, submitted {submitted_at:%Y-%m-%d}"
        row = {
            "country_iso2": country,
            "country": country_name,
            "jurisdiction_level": "national (survey answer)",
            "pollutant": str(pollutant or ""),
            "cas": "",
            "land_use": str(entry.get("threshold_land_use") or ""),
            "value": _plain_number(entry.get("value")),
            "unit": _UNITS.get(str(entry.get("unit") or ""), str(entry.get("unit") or "")),
            "value_type": str(entry.get("value_type") or ""),
            "basis": str(basis or "").replace("_", " "),
            "conditions": str(entry.get("soil_conditions") or ""),
            "legal_status": legal_status,
            "instrument": str(entry.get("instrument") or ""),
            "year": str(entry.get("year") or ""),
            "source_url_or_path": f"{source}; {link}" if link else source,
        }
        try:
            records.append(fit_record(normalize_row(row, row_number=position, check_widths=False), widths or {}))
        except RowError as error:
            problems.append(f"submission {submission_id}, entry {position}: {error}")
    return records, problems


def fit_record(record: ThresholdRecord, widths: dict[str, int]) -> ThresholdRecord:
    """The record with every text field within its width (identifiers keep a hash of the whole wording)."""
    changes = {}
    for name, width in widths.items():
        value = getattr(record, name, None)
        if isinstance(value, str) and len(value) > width:
            changes[name] = fit_identifier(value, width) if name in _ID_FIELDS else _shorten(value, width)
    return dataclasses.replace(record, **changes) if changes else record


def _shorten(value: str, width: int) -> str:
    return value[:cluster_boundary(value, width - 1)].rstrip() + "…"


def fit_identifier(value: str, width: int) -> str:
    """An identifier of at most `width` characters: its beginning and a hash of the whole."""
    digest = hashlib.sha1(value.encode()).hexdigest()[:10]
    return value[:max(width - len(digest) - 1, 1)].rstrip("_") + "_" + digest


def _plain_number(value: Any) -> str:
    """The number as the focal point would write it: 3.5, not 3.500000; 0.0003, not 3e-04."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)
