"""Synthetic threshold records for benchmarks: many jurisdictions x pollutants x land uses.

Values are random and mean nothing; the shape (pH bands, ranges, status rows, species,
EU rows) mirrors the real table so the index does the same work as in production.
"""

from __future__ import annotations

import random

from bot.lookup.pollutants import POLLUTANTS
from bot.lookup.records import (
    KIND_STATUS,
    KIND_VALUE,
    LAND_USES,
    NORMALIZED_UNIT,
    ThresholdRecord,
)
from bot.lookup.tiers import classify

_VALUE_TYPES = (
    "screening",
    "guideline",
    "limit",
    "intervention",
    "investigation",
    "maximum",
    "background",
    "precautionary",
    "warning",
)
_PH_BANDS = ((None, 5.5, True, True), (5.5, 6.5, False, True), (6.5, 7.5, False, True), (7.5, None, False, True))
_TEXTURES = ("sand", "loam", "clay")
_DETAILS = {"residential": ("playground", "park"), "agricultural": ("arable", "grassland", "sludge")}


def synthetic_jurisdictions() -> list[str]:
    """Every CLDR two-letter territory code plus EU (about 250 jurisdictions)."""
    from bot.countries import jurisdiction_codes

    return sorted(jurisdiction_codes() | {"EU"})


def synthetic_records(n: int, seed: int = 0) -> list[ThresholdRecord]:
    """`n` deterministic fake records spread over 200+ jurisdictions, all pollutants, land uses."""
    rng = random.Random(seed)
    jurisdictions = synthetic_jurisdictions()
    records: list[ThresholdRecord] = []
    for number in range(n):
        jurisdiction = jurisdictions[number % len(jurisdictions)]
        if number % 997 == 0:
            records.append(_status_record(jurisdiction, number))
            continue
        pollutant = POLLUTANTS[rng.randrange(len(POLLUTANTS))]
        land_use = LAND_USES[rng.randrange(len(LAND_USES))]
        banded = rng.random() < 0.15
        ph_min, ph_max, min_inclusive, max_inclusive = (
            _PH_BANDS[rng.randrange(len(_PH_BANDS))] if banded else (None, None, True, True)
        )
        is_range = rng.random() < 0.05
        low = round(rng.uniform(0.01, 500.0), 3)
        high = round(low * rng.uniform(1.5, 5.0), 3)
        value_type = _VALUE_TYPES[rng.randrange(len(_VALUE_TYPES))]
        year = rng.randrange(1986, 2025)
        # Conditions as often as in the real table: a texture class on one value in ten, a specific land use on one in five.
        texture = _TEXTURES[rng.randrange(3)] if rng.random() < 0.1 else ""
        details = _DETAILS.get(land_use, ())
        detail = details[rng.randrange(len(details))] if details and rng.random() < 0.2 else ""
        tier, _target = classify("", value_type, "", value_type, detail == "sludge")
        records.append(
            ThresholdRecord(
                kind=KIND_VALUE,
                jurisdiction=jurisdiction,
                jurisdiction_name=jurisdiction,
                jurisdiction_level="supranational" if jurisdiction == "EU" else "national",
                jurisdiction_level_original="synthetic",
                pollutant_id=pollutant.id,
                pollutant_family=pollutant.family,
                pollutant_name=pollutant.name_en,
                pollutant_group=pollutant.group,
                pollutant_species=pollutant.species,
                pollutant_original=pollutant.name_en,
                cas=pollutant.cas,
                land_use=land_use,
                land_use_covers=land_use,
                land_use_original=f"{land_use} (synthetic)",
                value=None if is_range else low,
                value_min=low if is_range else None,
                value_max=high if is_range else None,
                value_original=str(low),
                unit=NORMALIZED_UNIT,
                unit_original="mg/kg",
                value_type=value_type,
                value_type_original=value_type,
                basis="total",
                basis_original="total",
                conditions="synthetic record",
                ph_min=ph_min,
                ph_max=ph_max,
                ph_min_inclusive=min_inclusive,
                ph_max_inclusive=max_inclusive,
                legal_status="binding" if rng.random() < 0.7 else "guideline",
                legal_status_original="synthetic",
                instrument=f"Synthetic instrument {number}",
                year=year,
                year_original=str(year),
                source=f"synthetic://{seed}/{number}",
                row_number=number + 2,
                tier=tier,
                target="human_health",
                land_use_detail=detail,
                soil_texture=texture,
                extraction="aqua_regia" if rng.random() < 0.2 else "",
            )
        )
    return records


def _status_record(jurisdiction: str, number: int) -> ThresholdRecord:
    return ThresholdRecord(
        kind=KIND_STATUS,
        jurisdiction=jurisdiction,
        jurisdiction_name=jurisdiction,
        jurisdiction_level="national",
        jurisdiction_level_original="synthetic",
        pollutant_id="all",
        pollutant_family="all",
        pollutant_name="all soil contaminants",
        pollutant_group="all",
        pollutant_species=None,
        pollutant_original="all soil contaminants",
        cas=None,
        land_use="all",
        land_use_covers="all",
        land_use_original="all",
        value=None,
        value_min=None,
        value_max=None,
        value_original="NA",
        unit=NORMALIZED_UNIT,
        unit_original="mg/kg",
        value_type="none",
        value_type_original="none - no national soil threshold values found",
        basis="not_stated",
        basis_original="",
        conditions="synthetic status",
        ph_min=None,
        ph_max=None,
        ph_min_inclusive=True,
        ph_max_inclusive=True,
        legal_status="unknown",
        legal_status_original="unknown",
        instrument="(none found)",
        year=None,
        year_original="",
        source=f"synthetic://status/{number}",
        row_number=number + 2,
    )
