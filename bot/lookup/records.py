"""Threshold records: one normalized row of the reference table, and the CSV reader.

Every normalized field keeps its source wording next to it (`*_original`), because a
field officer must be able to see exactly what the instrument says.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import IO, Any, ClassVar

from bot.lookup import conditions as condition_words
from bot.lookup.pollutants import (
    ALL_POLLUTANTS_ID,
    ALL_POLLUTANTS_WORDING,
    POLLUTANTS,
    POLLUTANTS_BY_ID,
    SOURCE_WORDING,
    Pollutant,
)
from bot.lookup.tiers import classify

CSV_COLUMNS = (
    "country_iso2",
    "country",
    "jurisdiction_level",
    "pollutant",
    "cas",
    "land_use",
    "value",
    "unit",
    "value_type",
    "basis",
    "conditions",
    "legal_status",
    "instrument",
    "year",
    "source_url_or_path",
)
# Read when present: where the value was actually read. Kept for coordinators, never shown to users.
OPTIONAL_COLUMNS = ("verification_note",)

# CSV column -> the record field that keeps the source's own wording (export writes them back).
ORIGINAL_FIELDS = {
    "country_iso2": "jurisdiction",
    "country": "jurisdiction_name",
    "jurisdiction_level": "jurisdiction_level_original",
    "pollutant": "pollutant_original",
    "cas": "cas",
    "land_use": "land_use_original",
    "value": "value_original",
    "unit": "unit_original",
    "value_type": "value_type_original",
    "basis": "basis_original",
    "conditions": "conditions",
    "legal_status": "legal_status_original",
    "instrument": "instrument",
    "year": "year_original",
    "source_url_or_path": "source",
    "verification_note": "verification_note",
}

_POLLUTANT_ID_WIDTH = 64  # storage/models.py Threshold.pollutant_id

# Widths of the stored columns fed from a CSV cell (storage/models.py; a test keeps them equal):
# a longer cell is refused with its row and column, before it reaches the database.
FIELD_LIMITS = {
    "jurisdiction_name": ("country", 128),
    "pollutant_id": ("pollutant", _POLLUTANT_ID_WIDTH),
    "pollutant_family": ("pollutant", 64),
    "pollutant_name": ("pollutant", 256),
    "cas": ("cas", 32),
    "unit_original": ("unit", 128),
    "year_original": ("year", 256),
    "land_use_covers": ("land_use", 128),
    "land_use_detail": ("land_use", 128),
}

LAND_USES = ("agricultural", "residential", "commercial", "industrial", "all")
NORMALIZED_UNIT = "mg/kg dw"
# Dioxins and dioxin-like PCBs are given as toxic equivalents: never converted to mg/kg, never compared with it.
TEQ_UNITS = ("ng WHO-TEQ/kg dw", "ng I-TEQ/kg dw", "ng TEQ/kg dw")
KIND_VALUE = "value"
KIND_NO_VALUE = "no_value"
KIND_STATUS = "status"

_MISSING_VALUES = {"", "na", "n/a", "-", "—", "none", "nd", "n.d.", "null"}
# Factors to mg/kg; decimal strings so 0.5 µg/kg converts without float noise.
_UNIT_FACTORS = {
    "mg/kg": "1",
    "ppm": "1",
    "ug/g": "1",
    "mg/l": None,
    "ug/kg": "0.001",
    "ppb": "0.001",
    "ng/g": "0.001",
    "g/kg": "1000",
    "mg/g": "1000",
}
_DRY_BASIS_WORDS = re.compile(r"\b(dry weight|dry matter|dry soil|dry|d\.?w\.?|d\.?m\.?|tm|ts|ms)\b")
# TEQ amounts to ng/kg: ng/kg and pg/g are the same, µg/kg is a thousand of them.
_TEQ_FACTORS = {"ng/kg": "1", "pg/g": "1", "ug/kg": "1000", "ng/g": "1000"}
_NUMBER = r"(\d+(?:\.\d+)?)"
_SINGLE_VALUE = re.compile(rf"^\s*(?:[<>≤≥]=?)?\s*{_NUMBER}\s*$")
_RANGE_VALUE = re.compile(rf"^\s*{_NUMBER}\s*(?:-|–|—|to)\s*{_NUMBER}\s*$")
_PH_BETWEEN = re.compile(rf"{_NUMBER}\s*(<=|<|≤)\s*ph\s*(<=|<|≤)\s*{_NUMBER}")
_PH_ONE_SIDE = re.compile(rf"ph\s*(<=|>=|<|>|≤|≥)\s*{_NUMBER}")
_PH_RANGE = re.compile(rf"ph\s*(?:of\s*)?{_NUMBER}\s*(?:-|–|to)\s*{_NUMBER}")
# "pH 5.0<5.5" as Great Britain's sludge table heads its columns: from 5.0 to below 5.5.
_PH_HALF_OPEN = re.compile(rf"ph\s*{_NUMBER}\s*<\s*{_NUMBER}")
_PH_AND_ABOVE = re.compile(rf"ph\s*{_NUMBER}\s*and\s*above")
# How the pH was measured, between "pH" and its band: pH(H2O), pH/CaCl2, pH (KCl), "pH suelo".
_PH_QUALIFIER = re.compile(r"ph\s*(?:\((?:h2o|cacl2|kcl)\)|/\s*(?:h2o|cacl2|kcl)|suelo|del suelo)")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


class RowError(ValueError):
    """A row of the threshold table that cannot be normalized."""

    def __init__(self, row_number: int, column: str, message: str):
        self.row_number = row_number
        self.column = column
        self.message = message
        super().__init__(f"row {row_number}, column {column!r}: {message}")


@dataclass(frozen=True)
class ThresholdRecord:
    """One threshold value (or a country's recorded status) in plain, storable fields."""

    kind: str
    jurisdiction: str
    jurisdiction_name: str
    jurisdiction_level: str
    jurisdiction_level_original: str
    pollutant_id: str
    pollutant_family: str
    pollutant_name: str
    pollutant_group: str
    pollutant_species: str | None
    pollutant_original: str
    cas: str | None
    land_use: str
    land_use_covers: str
    land_use_original: str
    value: float | None
    value_min: float | None
    value_max: float | None
    value_original: str
    unit: str
    unit_original: str
    value_type: str
    value_type_original: str
    basis: str
    basis_original: str
    conditions: str
    ph_min: float | None
    ph_max: float | None
    ph_min_inclusive: bool
    ph_max_inclusive: bool
    legal_status: str
    legal_status_original: str
    instrument: str
    year: int | None
    year_original: str
    source: str
    row_number: int | None = None
    # Added with the 965-row table; defaults keep records built by older code valid.
    verification_note: str = ""
    tier: str = ""
    target: str = ""
    land_use_detail: str = ""
    soil_texture: str = ""
    organic_carbon: str = ""
    extraction: str = ""

    def __post_init__(self) -> None:
        # Derived once per record (the index asks them in hot loops); a frozen dataclass keeps a __dict__,
        # and setting them here costs less than a cached_property's first access (a lock on Python 3.11).
        details = tuple(self.land_use_detail.split())
        object.__setattr__(self, "land_uses", tuple(self.land_use_covers.split()))
        object.__setattr__(self, "land_use_details", details)
        object.__setattr__(self, "targets", tuple(self.target.split()))
        object.__setattr__(self, "is_sludge_only", "sludge" in details or "sludge" in self.land_use_original.lower())

    # Set by __post_init__: every land-use category the value applies to; the specific land uses its
    # wording names (playground, park, arable...); what it protects; whether it applies only to land
    # receiving sewage sludge (or spread wastes).
    land_uses: ClassVar[tuple[str, ...]]
    land_use_details: ClassVar[tuple[str, ...]]
    targets: ClassVar[tuple[str, ...]]
    is_sludge_only: ClassVar[bool]

    @property
    def has_ph_band(self) -> bool:
        """Whether the source ties this value to a soil pH band."""
        return self.ph_min is not None or self.ph_max is not None

    @property
    def has_conditions(self) -> bool:
        """Whether the value is one of several set by soil condition (pH, texture, organic carbon)."""
        return self.has_ph_band or bool(self.soil_texture or self.organic_carbon)

    def ph_in_band(self, ph: float) -> bool:
        """Whether a soil pH falls inside this record's pH band (unbanded records accept all)."""
        if self.ph_min is not None:
            if ph < self.ph_min or (ph == self.ph_min and not self.ph_min_inclusive):
                return False
        if self.ph_max is not None:
            if ph > self.ph_max or (ph == self.ph_max and not self.ph_max_inclusive):
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of str/int/float/bool/None, one key per storage column."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ThresholdRecord:
        """Rebuild a record from `to_dict()` output; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def normalize_row(row: dict[str, Any], row_number: int, check_widths: bool = True) -> ThresholdRecord:
    """Normalize one CSV row (dict keyed by CSV_COLUMNS) into a ThresholdRecord.

    A field longer than its column is refused with the row and column named, unless `check_widths` is
    false: a survey answer's record is fitted to its columns afterwards (`survey_entries.fit_record`).
    """
    cell = {column: _clean(row.get(column)) for column in CSV_COLUMNS}

    jurisdiction = _jurisdiction_code(cell["country_iso2"], row_number)
    pollutant_id, pollutant = _pollutant(cell["pollutant"], row_number)
    value_type = _value_type(cell["value_type"], row_number)
    is_status = value_type == "none" or pollutant_id == ALL_POLLUTANTS_ID
    value, value_min, value_max = _value(cell["value"], row_number)
    unit, unit_factor = _unit(cell["unit"], row_number, required=value is not None or value_min is not None)
    if unit_factor is not None:
        value, value_min, value_max = (_convert(number, unit_factor) for number in (value, value_min, value_max))
    _check_finite(cell["value"], (value, value_min, value_max), row_number)
    land_use, covers = _land_use(cell["land_use"], row_number)
    details = condition_words.land_use_details(cell["land_use"])
    ph_min, ph_max, ph_min_inclusive, ph_max_inclusive = parse_ph_band(cell["conditions"])
    _check_ph_band(ph_min, ph_max, row_number)
    if not cell["source_url_or_path"]:
        raise RowError(row_number, "source_url_or_path", "every value needs its source")

    if is_status:
        kind = KIND_STATUS
    elif value is None and value_min is None:
        kind = KIND_NO_VALUE
    else:
        kind = KIND_VALUE

    year_match = _YEAR.search(cell["year"])
    pollutant_name = pollutant.name_en if pollutant else cell["pollutant"]
    for field, text in (
        ("jurisdiction_name", cell["country"]),
        ("pollutant_id", pollutant_id),
        ("pollutant_name", pollutant_name),
        ("cas", cell["cas"]),
        ("unit_original", cell["unit"]),
        ("year_original", cell["year"]),
    ):
        column, limit = FIELD_LIMITS[field]
        if check_widths and len(text) > limit:
            raise RowError(row_number, column, f"longer than {limit} characters")
    tier, target = classify(
        jurisdiction, cell["value_type"], cell["land_use"], value_type, sludge_only="sludge" in details.split()
    )
    return ThresholdRecord(
        kind=kind,
        jurisdiction=jurisdiction,
        jurisdiction_name=cell["country"] or jurisdiction,
        jurisdiction_level=_jurisdiction_level(cell["jurisdiction_level"]),
        jurisdiction_level_original=cell["jurisdiction_level"],
        pollutant_id=pollutant_id,
        pollutant_family=pollutant.family if pollutant else pollutant_id,
        pollutant_name=pollutant.name_en if pollutant else cell["pollutant"],
        pollutant_group=pollutant.group if pollutant else ("all" if is_status else "other"),
        pollutant_species=pollutant.species if pollutant else None,
        pollutant_original=cell["pollutant"],
        cas=cell["cas"] or (pollutant.cas if pollutant else None),
        land_use=land_use,
        land_use_covers=" ".join(covers),
        land_use_original=cell["land_use"],
        value=value,
        value_min=value_min,
        value_max=value_max,
        value_original=cell["value"],
        unit=unit,
        unit_original=cell["unit"],
        value_type=value_type,
        value_type_original=cell["value_type"],
        basis=_basis(cell["basis"]),
        basis_original=cell["basis"],
        conditions=cell["conditions"],
        ph_min=ph_min,
        ph_max=ph_max,
        ph_min_inclusive=ph_min_inclusive,
        ph_max_inclusive=ph_max_inclusive,
        legal_status=_legal_status(cell["legal_status"]),
        legal_status_original=cell["legal_status"],
        instrument=cell["instrument"],
        year=int(year_match.group(1)) if year_match else None,
        year_original=cell["year"],
        source=cell["source_url_or_path"],
        row_number=row_number,
        verification_note=_clean(row.get("verification_note")),
        tier=tier,
        target=target,
        land_use_detail=details,
        soil_texture=condition_words.soil_texture(cell["conditions"]),
        organic_carbon=condition_words.organic_carbon(cell["conditions"]),
        extraction=condition_words.extraction(cell["basis"]),
    )


def read_thresholds_csv(path_or_file: str | os.PathLike[str] | IO[str]) -> list[ThresholdRecord]:
    """Read and normalize the whole threshold CSV; raises RowError naming the bad row/column."""
    if isinstance(path_or_file, (str, os.PathLike)):
        with open(path_or_file, encoding="utf-8-sig", newline="") as handle:
            return list(iter_thresholds(handle))
    return list(iter_thresholds(path_or_file))


def iter_thresholds(handle: Iterable[str]) -> Iterator[ThresholdRecord]:
    """Normalize a threshold CSV one row at a time (an import of any size holds one row in memory).

    Raises RowError naming the bad row and column when it reaches it; rows before it were yielded.
    """
    reader = csv.DictReader(handle)
    header = [name.strip().lstrip("\ufeff") for name in (reader.fieldnames or [])]
    for column in CSV_COLUMNS:
        if column not in header:
            raise RowError(1, column, "missing column in the header")
    reader.fieldnames = header
    # Row 1 is the header, so data rows are numbered as a spreadsheet shows them.
    for row_number, row in enumerate(reader, start=2):
        if not any(_clean(value) for value in row.values() if isinstance(value, str)):
            continue
        yield normalize_row(row, row_number)


def parse_ph_band(conditions: str) -> tuple[float | None, float | None, bool, bool]:
    """pH band (min, max, min inclusive, max inclusive) from a conditions text, or Nones."""
    # Only the leading clause states the band; later clauses mention pH in passing
    # (e.g. "1999 predecessor lowered Cd one class at pH<6"), which is not a band.
    lead = conditions.split(";", 1)[0].lower().replace(",", ".").replace("–", "-")
    lead = _PH_QUALIFIER.sub("ph", lead)
    match = _PH_HALF_OPEN.search(lead)
    if match:
        return float(match.group(1)), float(match.group(2)), True, False
    match = _PH_AND_ABOVE.search(lead)
    if match:
        return float(match.group(1)), None, True, True
    match = _PH_BETWEEN.search(lead)
    if match:
        low, low_op, high_op, high = match.groups()
        return float(low), float(high), low_op in ("<=", "≤"), high_op in ("<=", "≤")
    match = _PH_RANGE.search(lead)
    if match:
        return float(match.group(1)), float(match.group(2)), True, True
    match = _PH_ONE_SIDE.search(lead)
    if match:
        operator, number = match.group(1), float(match.group(2))
        if operator in ("<", "<=", "≤"):
            return None, number, True, operator != "<"
        return number, None, operator != ">", True
    return None, None, True, True


def _check_ph_band(low: float | None, high: float | None, row_number: int) -> None:
    """A pH band within 0-14, its lower end below its upper ("pH 99999-1e999" would match no soil, silently)."""
    for end in (low, high):
        if end is not None and not (math.isfinite(end) and 0 <= end <= 14):
            raise RowError(row_number, "conditions", f"the pH band's ends must be numbers from 0 to 14, not {end:g}")
    if low is not None and high is not None and low >= high:
        raise RowError(
            row_number, "conditions", f"the pH band's lower end ({low:g}) must be below its upper ({high:g})"
        )


# A cell an export protected from spreadsheets ("'=..."), read back as it was written.
_FORMULA_STARTS = ("=", "+", "-", "@")


def _clean(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    text: str = value.strip()
    if text.startswith("'") and text[1:2] in _FORMULA_STARTS:
        return text[1:]
    return text


def _check_finite(text: str, numbers: Iterable[float | None], row_number: int) -> None:
    """Refuse a value that overflowed to infinity (400 nines); JSON and charts cannot carry it."""
    if any(number is not None and not math.isfinite(number) for number in numbers):
        shown = text if len(text) <= 24 else text[:24] + "…"
        raise RowError(row_number, "value", f"{shown!r} is too large to be a concentration")


def _jurisdiction_code(text: str, row_number: int) -> str:
    from bot.countries import is_jurisdiction

    code = text.upper()
    if is_jurisdiction(code):
        return code
    raise RowError(row_number, "country_iso2", f"{text!r} is not an ISO 3166-1 alpha-2 code or EU")


def _jurisdiction_level(text: str) -> str:
    words = text.lower().split()
    first = words[0] if words else ""
    if first == "supranational":
        return "supranational"
    if first in ("national", "federal"):
        return "national"
    if first in ("subnational", "state", "provincial", "regional", "local", "municipal"):
        return "subnational"
    return "unknown" if not first else "other"


@lru_cache(maxsize=1)
def _catalogue_wording() -> dict[str, str]:
    wording = {}
    for pollutant in POLLUTANTS:
        wording[pollutant.name_en.lower()] = pollutant.id
        for name in pollutant.names.get("en", ()):
            wording.setdefault(name.lower(), pollutant.id)
    wording.update(SOURCE_WORDING)
    return wording


def _pollutant(text: str, row_number: int) -> tuple[str, Pollutant | None]:
    if not text:
        raise RowError(row_number, "pollutant", "pollutant is empty")
    lowered = " ".join(text.lower().split())
    if lowered in ALL_POLLUTANTS_WORDING:
        return ALL_POLLUTANTS_ID, None
    pollutant_id = _catalogue_wording().get(lowered)
    if pollutant_id is None:
        pollutant_id = _new_pollutant_id(lowered)
    return pollutant_id, POLLUTANTS_BY_ID.get(pollutant_id)


def _new_pollutant_id(lowered: str) -> str:
    """A stable id for a pollutant we have no names for, so new rows import: its words joined by "_" in any
    script ("перхлорат", "高氯酸盐"), a digest where no word is left (emoji) or the words are too long, so two
    pollutants never share an id."""
    slug = re.sub(r"\W+", "_", lowered).strip("_")
    digest = hashlib.sha256(lowered.encode("utf-8")).hexdigest()[:12]
    if not slug:
        return f"unnamed_{digest}"
    return slug if len(slug) <= _POLLUTANT_ID_WIDTH else f"{slug[: _POLLUTANT_ID_WIDTH - 13]}_{digest}"


# Checked in order: "maximum limit" is a limit, "total maximum threshold" a maximum.
_VALUE_TYPE_KEYWORDS = (
    ("none", "none"),
    ("trigger", "trigger"),
    ("action value", "action"),
    ("guide level", "guideline"),
    ("indication", "indication"),
    ("preventive", "prevention"),
    ("reference level", "reference"),
    ("screening", "screening"),
    ("intervention", "intervention"),
    ("investigation", "investigation"),
    ("precaution", "precautionary"),
    ("prevention", "prevention"),
    ("background", "background"),
    ("warning", "warning"),
    ("monitoring", "monitoring"),
    ("control", "control"),
    ("designation", "designation"),
    ("limit", "limit"),
    ("maximum", "maximum"),
    ("threshold", "threshold"),
    ("guideline", "guideline"),
    ("guidance", "guideline"),
    ("target", "target"),
    ("standard", "standard"),
)


def _value_type(text: str, row_number: int) -> str:
    lowered = text.lower()
    if not lowered:
        raise RowError(row_number, "value_type", "value type is empty")
    if lowered.startswith("none"):
        return "none"
    for keyword, value_type in _VALUE_TYPE_KEYWORDS:
        if keyword in lowered:
            return value_type
    return "other"


def _value(text: str, row_number: int) -> tuple[float | None, float | None, float | None]:
    if text.lower() in _MISSING_VALUES:
        return None, None, None
    match = _SINGLE_VALUE.match(text)
    if match:
        return float(match.group(1)), None, None
    match = _RANGE_VALUE.match(text)
    if match:
        low, high = float(match.group(1)), float(match.group(2))
        if low > high:
            raise RowError(row_number, "value", f"range {text!r} runs backwards")
        return None, low, high
    raise RowError(row_number, "value", f"cannot read {text!r} as a number or a range like 1-3")


def _unit(text: str, row_number: int, required: bool) -> tuple[str, Decimal | None]:
    """The normalized unit and the factor to it: mg/kg dry weight, or ng TEQ/kg for toxic equivalents."""
    if not text:
        if required:
            raise RowError(row_number, "unit", "a value needs a unit")
        return NORMALIZED_UNIT, None
    lowered = text.lower().replace("µ", "u").replace("μ", "u")
    if "teq" in lowered:
        return _teq_unit(text, lowered, row_number)
    compact = re.sub(r"\(.*?\)", " ", lowered)
    compact = _DRY_BASIS_WORDS.sub(" ", compact)
    compact = re.sub(r"\s+", "", compact).rstrip(".,;")
    factor = _UNIT_FACTORS.get(compact)
    if factor is None:
        raise RowError(row_number, "unit", f"unknown soil concentration unit {text!r}")
    return NORMALIZED_UNIT, Decimal(factor)


def _teq_unit(text: str, lowered: str, row_number: int) -> tuple[str, Decimal]:
    scheme = "WHO-TEQ" if "who" in lowered else "I-TEQ" if re.search(r"\bi-?teq", lowered) else "TEQ"
    compact = re.sub(r"\b(?:who-?|i-?)?teq\b|[()]", " ", lowered)
    compact = _DRY_BASIS_WORDS.sub(" ", compact)
    compact = re.sub(r"\s+", "", compact).rstrip(".,;")
    factor = _TEQ_FACTORS.get(compact)
    if factor is None:
        raise RowError(row_number, "unit", f"unknown toxic-equivalent unit {text!r}")
    return f"ng {scheme}/kg dw", Decimal(factor)


def _convert(number: float | None, factor: Decimal) -> float | None:
    if number is None or factor == 1:
        return number
    try:
        return float(Decimal(repr(number)) * factor)
    except InvalidOperation:  # pragma: no cover - repr of a float is always a valid Decimal
        return number * float(factor)


_AGRICULTURAL_WORDS = (
    "agricultur",
    "farm",
    "crop",
    "paddy",
    "orchard",
    "pasture",
    "allotment",
    "arable",
    "grassland",
    "épandage",
    "other uses",
)
_RESIDENTIAL_WORDS = ("residential", "housing", "parkland", "children's play", "play area", "urban", "settlement")


def _land_use(text: str, row_number: int) -> tuple[str, tuple[str, ...]]:
    lowered = text.lower()
    if not lowered:
        raise RowError(row_number, "land_use", "land use is empty")
    if lowered.startswith("all") and "except industrial" in lowered:
        return "agricultural", ("agricultural", "residential", "commercial")
    if lowered.startswith("all") or lowered.startswith("ecological receptor"):
        return "all", ("all",)
    # GB 36600: category 1 is residential/schools/parks, category 2 industrial/commercial.
    if "category 1" in lowered:
        return "residential", ("residential",)
    if "category 2" in lowered:
        return "industrial", ("industrial", "commercial")
    head = lowered.split("(", 1)[0]
    found: list[tuple[int, str]] = []
    for category, words in (
        ("agricultural", _AGRICULTURAL_WORDS),
        ("residential", _RESIDENTIAL_WORDS),
        ("commercial", ("commercial",)),
        ("industrial", ("industrial", "industry")),
    ):
        positions = [head.find(word) for word in words if word in head]
        if positions:
            found.append((min(positions), category))
    if not found and ("recreation" in head or "park" in head):
        # Parks and public open space sit with residential land in CCME and GB 36600.
        found.append((0, "residential"))
    if not found:
        raise RowError(row_number, "land_use", f"cannot tell the land-use category of {text!r}")
    covers = tuple(category for _, category in sorted(found))
    return covers[0], covers


def _basis(text: str) -> str:
    lowered = text.lower()
    if not lowered:
        return "not_stated"
    if lowered.startswith("total"):
        return "total"
    if "not stated" in lowered or "not read" in lowered:
        return "not_stated"
    if "aqua regia" in lowered:
        return "aqua_regia"
    if "acid digestion" in lowered or "3050" in lowered or "3051" in lowered:
        return "acid_digestion"
    if "extractable" in lowered:
        return "extractable"
    if "total" in lowered:
        return "total"
    return "other"


def _legal_status(text: str) -> str:
    words = text.lower().split()
    first = words[0] if words else "unknown"
    if first in ("binding", "guideline", "unknown", "voluntary", "draft", "repealed"):
        return first
    return "other"


def original_row(data: dict[str, Any]) -> dict[str, str]:
    """The CSV row a stored record was read from (its original wording), to normalize it again."""
    return {
        column: "" if data.get(field) is None else str(data.get(field)) for column, field in ORIGINAL_FIELDS.items()
    }


def identity_key(record: ThresholdRecord) -> str:
    """What makes a row the same row in the next version of a table, whatever else changes there.

    Jurisdiction, the pollutant, land-use and value-type wording, and the conditions the value
    depends on (pH band, soil texture, organic carbon, extraction). Value, unit, instrument, source
    and remarks may change: the row is then updated, not added again.
    """
    parts = [
        record.jurisdiction,
        " ".join(record.pollutant_original.lower().split()),
        " ".join(record.land_use_original.lower().split()),
        " ".join(record.value_type_original.lower().split()),
        record.ph_min,
        record.ph_max,
        record.ph_min_inclusive,
        record.ph_max_inclusive,
        record.soil_texture,
        record.organic_carbon,
        record.extraction,
    ]
    payload = json.dumps(parts, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:40]


def with_derived_fields(record: ThresholdRecord) -> ThresholdRecord:
    """A record stored before tiers and conditions existed (a survey value approved earlier), completed
    from its own wording; its value, unit and land use stay as stored (a reviewer may have corrected them)."""
    if record.tier or record.kind == KIND_STATUS:
        return record
    try:
        fresh = normalize_row(original_row(record.to_dict()), record.row_number or 0)
    except RowError:
        tier, target = classify(
            record.jurisdiction,
            record.value_type_original,
            record.land_use_original,
            record.value_type,
            record.is_sludge_only,
        )
        return replace(record, tier=tier, target=target)
    return replace(
        record,
        tier=fresh.tier,
        target=fresh.target,
        land_use_detail=fresh.land_use_detail,
        soil_texture=fresh.soil_texture,
        organic_carbon=fresh.organic_carbon,
        extraction=fresh.extraction,
    )
