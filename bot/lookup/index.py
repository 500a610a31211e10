"""In-memory threshold index and the answer rules of a lookup.

Rules, in order:
- nothing recognised -> kind "help";
- a country but no pollutant -> "country_overview" (which pollutants have values, and status);
- a pollutant with a country (from the query, else the member's own country) -> that country's
  values for the land use plus its values for all land uses, every species of the pollutant
  when an element was asked for ("chromium" -> total, VI, III);
  a pH picks the band(s) that contain it (unbanded values always stay);
  none for that land use but some for others -> "other_land_uses";
  none at all -> "no_national_value": the country's recorded status (Kenya) and, labelled as
  not applying there, one representative value per other jurisdiction;
- a pollutant and no country -> "comparison": one representative value per jurisdiction.
EU: for a query about an EU member state, EU-wide values for the same pollutant and land use
are returned separately in `supranational` and shown as applying there through EU law.

Like is compared with like: a comparison (and the other jurisdictions' values shown to a country
without its own) stays within one tier (protection, assessment, action; or the sludge and food
kinds) and one unit, so a precautionary value for sandy soil never stands next to intervention
values. The tier is the one most jurisdictions have values in, unless the question names a value
type; a land-use-specific value beats an all-land-use value.

Conditions: a question naming a specific land use (playground, arable...), a texture, an
extraction or a pH gets the matching values first; "acidic"/"alkaline" keep the pH bands on
that side of 7. Without conditions every condition's value is listed, each labelled by the reply.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bot.lookup.conditions import TEXTURE_MATCHES
from bot.lookup.parser import ParsedQuery
from bot.lookup.records import KIND_STATUS, KIND_VALUE, NORMALIZED_UNIT, ThresholdRecord
from bot.lookup.tiers import TIER_ACTION, TIER_ASSESSMENT, TIER_FOOD, TIER_PROTECTION, TIER_SLUDGE, TIERS, classify
from bot.lookup.vocabulary import EU_MEMBER_STATES, LAND_USE_GROUPS

RESULT_VALUES = "values"
RESULT_OTHER_LAND_USES = "other_land_uses"
RESULT_NO_NATIONAL_VALUE = "no_national_value"
RESULT_COMPARISON = "comparison"
RESULT_COUNTRY_OVERVIEW = "country_overview"
RESULT_HELP = "help"

# Which value best represents a jurisdiction in a comparison: limits people act on first,
# background values (not limits at all) last.
_VALUE_TYPE_PREFERENCE = {
    value_type: rank
    for rank, value_type in enumerate(
        (
            "screening",
            "trigger",
            "guideline",
            "limit",
            "standard",
            "maximum",
            "warning",
            "threshold",
            "reference",
            "indication",
            "action",
            "precautionary",
            "prevention",
            "investigation",
            "monitoring",
            "control",
            "intervention",
            "designation",
            "target",
            "other",
            "background",
        )
    )
}
_LAND_USE_ORDER = {
    land_use: rank for rank, land_use in enumerate(("all", "agricultural", "residential", "commercial", "industrial"))
}
# A country's values are listed by tier in this order; a comparison's default tier, on a tie, too.
TIER_ORDER = (TIER_ASSESSMENT, TIER_ACTION, TIER_PROTECTION, TIER_FOOD, TIER_SLUDGE)
_TIER_RANK = {tier: rank for rank, tier in enumerate(TIER_ORDER)}
# A country's own values are read as "the limit" from the top down: the lowest tier that is a limit comes
# first, an action (intervention) value after it, and background values, which are no limit at all, last.
COUNTRY_TIER_ORDER = (TIER_ASSESSMENT, TIER_PROTECTION, TIER_ACTION, TIER_FOOD, TIER_SLUDGE)
_COUNTRY_TIER_RANK = {tier: rank for rank, tier in enumerate(COUNTRY_TIER_ORDER)}


@dataclass(frozen=True)
class Comparison:
    """One value per jurisdiction for a pollutant, all of one tier and one unit, lowest first."""

    pollutant: str
    land_use: str | None
    tier: str | None
    unit: str | None
    records: tuple[ThresholdRecord, ...]
    # Every tier with values for this pollutant and land use, and how many jurisdictions each has.
    tiers: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class LookupResult:
    """Everything a reply needs: which values apply, what else to show, and why."""

    kind: str
    query: ParsedQuery
    pollutant: str | None = None
    land_use: str | None = None
    country: str | None = None
    country_from_member: bool = False
    results: tuple[ThresholdRecord, ...] = ()
    supranational: tuple[ThresholdRecord, ...] = ()
    other_land_uses: tuple[ThresholdRecord, ...] = ()
    country_status: tuple[ThresholdRecord, ...] = ()
    alternatives: tuple[ThresholdRecord, ...] = ()
    ph_band_applied: bool = False
    ph_without_bands: bool = False
    value_type_not_found: bool = False
    available_pollutants: tuple[str, ...] = field(default_factory=tuple)
    # The tier the comparison or the other jurisdictions' values are in, and the tiers to switch to.
    tier: str | None = None
    # False for a country with no record at all: not yet surveyed, which is not "no national values found".
    country_surveyed: bool = True
    tiers: tuple[tuple[str, int], ...] = ()


def chart_value(record: ThresholdRecord) -> float | None:
    """The single number to plot for a record: its value, or the top of its range."""
    return record.value if record.value is not None else record.value_max


class ThresholdIndex:
    """Threshold records indexed by pollutant (id and family) and jurisdiction."""

    def __init__(self, records: Iterable[ThresholdRecord]):
        self._by_pollutant: dict[str, dict[str, list[ThresholdRecord]]] = defaultdict(lambda: defaultdict(list))
        self._status: dict[str, list[ThresholdRecord]] = defaultdict(list)
        self._pollutants_of: dict[str, set[str]] = defaultdict(set)
        self._representatives_cache: dict[tuple[Any, ...], tuple[ThresholdRecord, ...]] = {}
        count = 0
        for record in records:
            count += 1
            if record.kind == KIND_STATUS:
                self._status[record.jurisdiction].append(record)
                continue
            self._by_pollutant[record.pollutant_id][record.jurisdiction].append(record)
            if record.pollutant_family != record.pollutant_id:
                self._by_pollutant[record.pollutant_family][record.jurisdiction].append(record)
            self._pollutants_of[record.jurisdiction].add(record.pollutant_id)
        self.record_count = count
        # For comparisons: per pollutant and jurisdiction, values bucketed by land-use category
        # and pre-sorted by how well they represent the jurisdiction, so a cold comparison
        # over 100,000 records reads only the head of a few buckets per jurisdiction.
        # Buckets are per tier, and hold only the tier's most common unit (TEQ never meets mg/kg).
        self._buckets: dict[str, dict[str, dict[str, dict[str, list[ThresholdRecord]]]]] = {}
        self._units: dict[tuple[str, str], str] = {}
        for key, by_jurisdiction in self._by_pollutant.items():
            units: dict[str, Counter[str]] = defaultdict(Counter)
            by_tier: dict[str, dict[str, list[ThresholdRecord]]] = defaultdict(lambda: defaultdict(list))
            for jurisdiction, records_of in by_jurisdiction.items():
                for record in records_of:
                    if record.kind == KIND_VALUE:
                        tier = _tier_of(record)
                        units[tier][record.unit] += 1
                        by_tier[tier][jurisdiction].append(record)
            per_tier: dict[str, dict[str, dict[str, list[ThresholdRecord]]]] = {}
            for tier, counts in units.items():
                unit = max(counts, key=lambda u: (counts[u], u == NORMALIZED_UNIT))
                self._units[(key, tier)] = unit
                per_jurisdiction = {}
                for jurisdiction, records_of in by_tier[tier].items():
                    buckets: dict[str, list[ThresholdRecord]] = defaultdict(list)
                    for record in records_of:
                        if record.unit == unit:
                            for category in record.land_uses:
                                buckets[category].append(record)
                    for bucket in buckets.values():
                        bucket.sort(key=functools.partial(_static_rank, pollutant=key))
                    if buckets:
                        per_jurisdiction[jurisdiction] = dict(buckets)
                per_tier[tier] = per_jurisdiction
            self._buckets[key] = per_tier
        # Freeze into plain dicts so lookups of unknown keys never grow the index.
        self._by_pollutant = {key: dict(value) for key, value in self._by_pollutant.items()}
        self._status = dict(self._status)
        self._pollutants_of = dict(self._pollutants_of)

    @cached_property
    def jurisdictions(self) -> frozenset[str]:
        """Every jurisdiction with a value or a recorded status."""
        return frozenset(self._pollutants_of) | frozenset(self._status)

    def knows_pollutant(self, pollutant: str) -> bool:
        """Whether any record names this pollutant (or family): a button's id is checked before use."""
        return pollutant in self._by_pollutant

    def records(self) -> list[ThresholdRecord]:
        """Every record of the index once (values and statuses), for coverage counts."""
        seen: dict[int, ThresholdRecord] = {}
        for by_jurisdiction in self._by_pollutant.values():
            for records_of in by_jurisdiction.values():
                for record in records_of:
                    seen.setdefault(id(record), record)
        for records_of in self._status.values():
            for record in records_of:
                seen.setdefault(id(record), record)
        return list(seen.values())

    def pollutants_in(self, jurisdiction: str) -> frozenset[str]:
        """Pollutant ids with at least one value recorded for a jurisdiction."""
        return frozenset(self._pollutants_of.get(jurisdiction, ()))

    def status_of(self, jurisdiction: str) -> tuple[ThresholdRecord, ...]:
        """Recorded status rows of a jurisdiction (e.g. "no national values found")."""
        return tuple(self._status.get(jurisdiction, ()))

    def find(self, parsed: ParsedQuery, member_country: str | None = None) -> LookupResult:
        """Answer a parsed question following the rules in the module docstring."""
        member_country = member_country.upper() if member_country else None
        if parsed.pollutant is None:
            if parsed.country:
                return LookupResult(
                    kind=RESULT_COUNTRY_OVERVIEW,
                    query=parsed,
                    land_use=parsed.land_use,
                    country=parsed.country,
                    country_status=self.status_of(parsed.country),
                    available_pollutants=tuple(sorted(self.pollutants_in(parsed.country))),
                    country_surveyed=parsed.country in self.jurisdictions,
                )
            return LookupResult(kind=RESULT_HELP, query=parsed, land_use=parsed.land_use)

        country = parsed.country or member_country
        if country is None:
            comparison = self.comparison(
                parsed.pollutant,
                parsed.land_use,
                parsed.ph,
                asked_tier(parsed),
                detail=parsed.land_use_detail,
                ph_range=parsed.ph_range,
            )
            return LookupResult(
                kind=RESULT_COMPARISON,
                query=parsed,
                pollutant=parsed.pollutant,
                land_use=parsed.land_use,
                results=comparison.records,
                tier=comparison.tier,
                tiers=comparison.tiers,
            )

        by_jurisdiction = self._by_pollutant.get(parsed.pollutant, {})
        national = list(by_jurisdiction.get(country, ()))
        matching = _for_land_use(national, parsed.land_use, parsed.land_use_detail)
        matching, ph_applied, ph_without_bands = _for_ph(matching, parsed.ph, parsed.ph_range)
        matching, value_type_missing = _for_value_type(matching, parsed.value_type)
        supranational: list[ThresholdRecord] = []
        if country in EU_MEMBER_STATES:
            eu_values = _for_land_use(list(by_jurisdiction.get("EU", ())), parsed.land_use, parsed.land_use_detail)
            supranational, _, _ = _for_ph(eu_values, parsed.ph, parsed.ph_range)
        common: dict[str, Any] = dict(
            query=parsed,
            pollutant=parsed.pollutant,
            land_use=parsed.land_use,
            country=country,
            country_from_member=parsed.country is None,
            supranational=tuple(_ordered(supranational, parsed)),
            ph_band_applied=ph_applied,
            ph_without_bands=ph_without_bands,
            value_type_not_found=value_type_missing,
        )
        if matching:
            return LookupResult(kind=RESULT_VALUES, results=tuple(_ordered(matching, parsed)), **common)
        if national:
            return LookupResult(
                kind=RESULT_OTHER_LAND_USES, other_land_uses=tuple(_ordered(national, parsed)), **common
            )
        comparison = self.comparison(
            parsed.pollutant,
            parsed.land_use,
            parsed.ph,
            asked_tier(parsed),
            detail=parsed.land_use_detail,
            ph_range=parsed.ph_range,
        )
        # A jurisdiction whose law applies here (the EU in France) is never also listed as not applying.
        applying = {country} | {record.jurisdiction for record in supranational}
        return LookupResult(
            kind=RESULT_NO_NATIONAL_VALUE,
            country_status=self.status_of(country),
            country_surveyed=country in self.jurisdictions,
            alternatives=tuple(r for r in comparison.records if r.jurisdiction not in applying),
            tier=comparison.tier,
            tiers=comparison.tiers,
            **common,
        )

    def compare(
        self, pollutant: str, land_use: str | None = None, ph: float | None = None, tier: str | None = None
    ) -> list[ThresholdRecord]:
        """One representative value per jurisdiction, lowest first, all of one tier and unit."""
        return list(self.comparison(pollutant, land_use, ph, tier).records)

    def comparison(
        self,
        pollutant: str,
        land_use: str | None = None,
        ph: float | None = None,
        tier: str | None = None,
        detail: str | None = None,
        ph_range: tuple[float, float] | None = None,
    ) -> Comparison:
        """One value per jurisdiction within one tier (the asked one, else the fullest) and one unit."""
        counts = tuple(
            (name, len(self._representatives(pollutant, land_use, ph, name, detail, ph_range))) for name in TIER_ORDER
        )
        available = tuple((name, count) for name, count in counts if count)
        if tier not in dict(available):
            tier = max(available, key=lambda item: (item[1], -_TIER_RANK[item[0]]))[0] if available else None
        records = self._representatives(pollutant, land_use, ph, tier, detail, ph_range) if tier else ()
        return Comparison(
            pollutant, land_use, tier, self._units.get((pollutant, tier)) if tier else None, records, available
        )

    def _representatives(
        self,
        pollutant: str,
        land_use: str | None,
        ph: float | None,
        tier: str,
        detail: str | None = None,
        ph_range: tuple[float, float] | None = None,
    ) -> tuple[ThresholdRecord, ...]:
        key = (pollutant, land_use, ph, tier, detail, ph_range)
        cached = self._representatives_cache.get(key)
        if cached is None:
            chosen = []
            wanted = (_land_use_categories(land_use) | {"all"}) if land_use else None
            for buckets in self._buckets.get(pollutant, {}).get(tier, {}).values():
                best, best_rank = None, None
                for category in wanted if wanted is not None else buckets:
                    for record in buckets.get(category, ()):
                        if ph is not None and not record.ph_in_band(ph):
                            continue
                        if ph_range is not None and not _overlaps(record, ph_range):
                            continue
                        rank = _representative_rank(record, pollutant, land_use, detail)
                        if best_rank is None or rank < best_rank:
                            best, best_rank = record, rank
                        if detail is None:
                            break  # buckets are sorted: the first record that fits is the best of them
                if best is not None:
                    chosen.append(best)
            chosen.sort(key=lambda r: (chart_value(r), r.jurisdiction))
            cached = tuple(chosen)
            # Comparisons repeat (same pollutant, land use); the index never changes.
            if len(self._representatives_cache) < 4096:
                self._representatives_cache[key] = cached
        return cached


def _land_use_categories(land_use: str) -> frozenset[str]:
    return frozenset(LAND_USE_GROUPS.get(land_use, (land_use,)))


def _tier_of(record: ThresholdRecord) -> str:
    """A record's tier; one stored before tiers existed gets it from its value type."""
    if record.tier in TIERS:
        return record.tier
    return classify(
        record.jurisdiction,
        record.value_type_original,
        record.land_use_original,
        record.value_type,
        record.is_sludge_only,
    )[0]


def asked_tier(parsed: ParsedQuery) -> str | None:
    """The tier a question points to: sludge for land receiving sludge, else its value type's
    ("intervention" -> action), or None."""
    if parsed.land_use_detail == "sludge":
        return TIER_SLUDGE
    if parsed.value_type is None:
        return None
    return classify("", parsed.value_type, "", parsed.value_type, False)[0]


def _overlaps(record: ThresholdRecord, ph_range: tuple[float, float]) -> bool:
    """Whether a record's pH band reaches into an open range such as (0, 7) for "acidic"."""
    low, high = ph_range
    if record.ph_min is not None and (record.ph_min > high or (record.ph_min == high)):
        return False
    if record.ph_max is not None and (record.ph_max < low or (record.ph_max == low)):
        return False
    return True


def _for_land_use(
    records: list[ThresholdRecord], land_use: str | None, detail: str | None = None
) -> list[ThresholdRecord]:
    if land_use is None and detail is None:
        return records
    wanted = _land_use_categories(land_use) if land_use else frozenset()
    return [
        r
        for r in records
        if "all" in r.land_uses
        or wanted.intersection(r.land_uses)
        or (detail is not None and detail in r.land_use_details)
    ]


def _for_ph(
    records: list[ThresholdRecord], ph: float | None, ph_range: tuple[float, float] | None = None
) -> tuple[list[ThresholdRecord], bool, bool]:
    """Keep the pH band(s) containing `ph` (or reaching into the range); returns (records, band applied,
    no bands to apply)."""
    if ph is None and ph_range is None:
        return records, False, False
    if not any(r.has_ph_band for r in records):
        return records, False, bool(records)
    if ph is not None:
        return [r for r in records if r.ph_in_band(ph)], True, False
    assert ph_range is not None  # one of ph and ph_range is given here
    return [r for r in records if _overlaps(r, ph_range)], True, False


def _for_value_type(records: list[ThresholdRecord], value_type: str | None) -> tuple[list[ThresholdRecord], bool]:
    """Narrow to the asked value type when the country has it; otherwise keep all and say so."""
    if value_type is None or not records:
        return records, False
    narrowed = [r for r in records if r.value_type == value_type]
    return (narrowed, False) if narrowed else (records, True)


def _condition_score(record: ThresholdRecord, parsed: ParsedQuery) -> int:
    """How well a record fits the conditions the question names (higher first)."""
    score = 0
    if parsed.land_use_detail and parsed.land_use_detail in record.land_use_details:
        score += 4
    if parsed.soil_texture and record.soil_texture:
        matches = TEXTURE_MATCHES.get(parsed.soil_texture, (parsed.soil_texture,))
        if record.soil_texture == matches[0]:
            score += 4
        elif record.soil_texture in matches:
            score += 2
    if parsed.extraction and record.extraction == parsed.extraction:
        score += 2
    return score


def _ordered(records: list[ThresholdRecord], parsed: ParsedQuery) -> list[ThresholdRecord]:
    """Values fitting the named conditions first, specific land use before general, asked species
    first, background values last, then by tier (COUNTRY_TIER_ORDER) and the source table's order."""
    wanted = _land_use_categories(parsed.land_use) if parsed.land_use else frozenset()
    return sorted(
        records,
        key=lambda r: (
            -_condition_score(r, parsed),
            0 if wanted.intersection(r.land_uses) else 1,
            0 if r.pollutant_id == parsed.pollutant else 1,
            1 if r.value_type == "background" else 0,
            _COUNTRY_TIER_RANK.get(_tier_of(r), len(_COUNTRY_TIER_RANK)),
            r.row_number if r.row_number is not None else 0,
        ),
    )


def _static_rank(record: ThresholdRecord, pollutant: str) -> tuple[int, int, int, int, int]:
    """The part of the representative rank that does not depend on the asked land use."""
    return (
        1 if record.is_sludge_only else 0,
        1 if record.value_type == "background" else 0,
        0 if record.pollutant_id == pollutant or record.pollutant_species in (None, "total") else 1,
        _VALUE_TYPE_PREFERENCE.get(record.value_type, len(_VALUE_TYPE_PREFERENCE)),
        record.row_number if record.row_number is not None else 0,
    )


def _representative_rank(
    record: ThresholdRecord, pollutant: str, land_use: str | None, detail: str | None = None
) -> tuple[Any, ...]:
    if land_use is not None:
        # A value set for the land use beats an all-land-use value; one set for the asked detail beats both.
        land_use_rank = 0 if _land_use_categories(land_use).intersection(record.land_uses) else 2
        if detail is not None and detail in record.land_use_details:
            land_use_rank = -1
    else:
        land_use_rank = _LAND_USE_ORDER.get(record.land_use, len(_LAND_USE_ORDER))
    return (
        1 if record.is_sludge_only else 0,
        # A background value says what soil usually holds, not where action starts.
        1 if record.value_type == "background" else 0,
        land_use_rank,
        0 if record.pollutant_id == pollutant or record.pollutant_species in (None, "total") else 1,
        _VALUE_TYPE_PREFERENCE.get(record.value_type, len(_VALUE_TYPE_PREFERENCE)),
        record.row_number if record.row_number is not None else 0,
    )
