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
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from bot.lookup.parser import ParsedQuery
from bot.lookup.records import KIND_STATUS, KIND_VALUE, ThresholdRecord
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
    value_type: rank for rank, value_type in enumerate((
        "screening", "guideline", "limit", "standard", "maximum", "warning", "threshold",
        "precautionary", "prevention", "investigation", "monitoring", "control",
        "intervention", "designation", "target", "other", "background",
    ))
}
_LAND_USE_ORDER = {land_use: rank for rank, land_use in enumerate(
    ("all", "agricultural", "residential", "commercial", "industrial"))}


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


def chart_value(record: ThresholdRecord) -> float | None:
    """The single number to plot for a record: its value, or the top of its range."""
    return record.value if record.value is not None else record.value_max


class ThresholdIndex:
    """Threshold records indexed by pollutant (id and family) and jurisdiction."""

    def __init__(self, records: Iterable[ThresholdRecord]):
        self._by_pollutant: dict[str, dict[str, list[ThresholdRecord]]] = defaultdict(
            lambda: defaultdict(list))
        self._status: dict[str, list[ThresholdRecord]] = defaultdict(list)
        self._pollutants_of: dict[str, set[str]] = defaultdict(set)
        self._representatives_cache: dict[tuple, tuple[ThresholdRecord, ...]] = {}
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
        self._buckets: dict[str, dict[str, dict[str, list[ThresholdRecord]]]] = {}
        for key, by_jurisdiction in self._by_pollutant.items():
            per_jurisdiction = {}
            for jurisdiction, records_of in by_jurisdiction.items():
                buckets: dict[str, list[ThresholdRecord]] = defaultdict(list)
                for record in records_of:
                    if record.kind == KIND_VALUE:
                        for category in record.land_uses:
                            buckets[category].append(record)
                for bucket in buckets.values():
                    bucket.sort(key=lambda r, key=key: _static_rank(r, key))
                if buckets:
                    per_jurisdiction[jurisdiction] = dict(buckets)
            self._buckets[key] = per_jurisdiction
        # Freeze into plain dicts so lookups of unknown keys never grow the index.
        self._by_pollutant = {key: dict(value) for key, value in self._by_pollutant.items()}
        self._status = dict(self._status)
        self._pollutants_of = dict(self._pollutants_of)

    @property
    def jurisdictions(self) -> frozenset[str]:
        """Every jurisdiction with a value or a recorded status."""
        return frozenset(self._pollutants_of) | frozenset(self._status)

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
                    kind=RESULT_COUNTRY_OVERVIEW, query=parsed, land_use=parsed.land_use,
                    country=parsed.country, country_status=self.status_of(parsed.country),
                    available_pollutants=tuple(sorted(self.pollutants_in(parsed.country))),
                )
            return LookupResult(kind=RESULT_HELP, query=parsed, land_use=parsed.land_use)

        country = parsed.country or member_country
        if country is None:
            return LookupResult(
                kind=RESULT_COMPARISON, query=parsed, pollutant=parsed.pollutant,
                land_use=parsed.land_use,
                results=self._representatives(parsed.pollutant, parsed.land_use, parsed.ph),
            )

        by_jurisdiction = self._by_pollutant.get(parsed.pollutant, {})
        national = list(by_jurisdiction.get(country, ()))
        matching = _for_land_use(national, parsed.land_use)
        matching, ph_applied, ph_without_bands = _for_ph(matching, parsed.ph)
        matching, value_type_missing = _for_value_type(matching, parsed.value_type)
        supranational: list[ThresholdRecord] = []
        if country in EU_MEMBER_STATES:
            eu_values = _for_land_use(list(by_jurisdiction.get("EU", ())), parsed.land_use)
            supranational, _, _ = _for_ph(eu_values, parsed.ph)
        common = dict(
            query=parsed, pollutant=parsed.pollutant, land_use=parsed.land_use, country=country,
            country_from_member=parsed.country is None,
            supranational=tuple(_ordered(supranational, parsed)),
            ph_band_applied=ph_applied, ph_without_bands=ph_without_bands,
            value_type_not_found=value_type_missing,
        )
        if matching:
            return LookupResult(kind=RESULT_VALUES, results=tuple(_ordered(matching, parsed)),
                                **common)
        if national:
            return LookupResult(kind=RESULT_OTHER_LAND_USES,
                                other_land_uses=tuple(_ordered(national, parsed)), **common)
        return LookupResult(
            kind=RESULT_NO_NATIONAL_VALUE, country_status=self.status_of(country),
            alternatives=self._representatives(parsed.pollutant, parsed.land_use, parsed.ph,
                                               exclude=country),
            **common,
        )

    def compare(self, pollutant: str, land_use: str | None = None,
                ph: float | None = None) -> list[ThresholdRecord]:
        """One representative value per jurisdiction, lowest first, for a comparison chart."""
        return list(self._representatives(pollutant, land_use, ph))

    def _representatives(self, pollutant: str, land_use: str | None, ph: float | None,
                         exclude: str | None = None) -> tuple[ThresholdRecord, ...]:
        key = (pollutant, land_use, ph)
        cached = self._representatives_cache.get(key)
        if cached is None:
            chosen = []
            wanted = (_land_use_categories(land_use) | {"all"}) if land_use else None
            for buckets in self._buckets.get(pollutant, {}).values():
                best, best_rank = None, None
                for category in (wanted if wanted is not None else buckets):
                    for record in buckets.get(category, ()):
                        if ph is not None and not record.ph_in_band(ph):
                            continue
                        rank = _representative_rank(record, pollutant, land_use)
                        if best_rank is None or rank < best_rank:
                            best, best_rank = record, rank
                        break
                if best is not None:
                    chosen.append(best)
            chosen.sort(key=lambda r: (chart_value(r), r.jurisdiction))
            cached = tuple(chosen)
            # Comparisons repeat (same pollutant, land use); the index never changes.
            if len(self._representatives_cache) < 4096:
                self._representatives_cache[key] = cached
        if exclude is None:
            return cached
        return tuple(r for r in cached if r.jurisdiction != exclude)


def _land_use_categories(land_use: str) -> frozenset[str]:
    return frozenset(LAND_USE_GROUPS.get(land_use, (land_use,)))


def _for_land_use(records: list[ThresholdRecord], land_use: str | None) -> list[ThresholdRecord]:
    if land_use is None:
        return records
    wanted = _land_use_categories(land_use)
    return [r for r in records if "all" in r.land_uses or wanted.intersection(r.land_uses)]


def _for_ph(records: list[ThresholdRecord], ph: float | None
            ) -> tuple[list[ThresholdRecord], bool, bool]:
    """Keep the pH band(s) containing `ph`; returns (records, band applied, no bands to apply)."""
    if ph is None:
        return records, False, False
    if not any(r.has_ph_band for r in records):
        return records, False, bool(records)
    return [r for r in records if r.ph_in_band(ph)], True, False


def _for_value_type(records: list[ThresholdRecord], value_type: str | None
                    ) -> tuple[list[ThresholdRecord], bool]:
    """Narrow to the asked value type when the country has it; otherwise keep all and say so."""
    if value_type is None or not records:
        return records, False
    narrowed = [r for r in records if r.value_type == value_type]
    return (narrowed, False) if narrowed else (records, True)


def _ordered(records: list[ThresholdRecord], parsed: ParsedQuery) -> list[ThresholdRecord]:
    """Specific land use before general, asked species first, then the source table's order."""
    wanted = _land_use_categories(parsed.land_use) if parsed.land_use else frozenset()
    return sorted(records, key=lambda r: (
        0 if wanted.intersection(r.land_uses) else 1,
        0 if r.pollutant_id == parsed.pollutant else 1,
        r.row_number if r.row_number is not None else 0,
    ))


def _static_rank(record: ThresholdRecord, pollutant: str):
    """The part of the representative rank that does not depend on the asked land use."""
    return (
        1 if record.is_sludge_only else 0,
        1 if record.value_type == "background" else 0,
        0 if record.pollutant_id == pollutant or record.pollutant_species in (None, "total") else 1,
        _VALUE_TYPE_PREFERENCE.get(record.value_type, len(_VALUE_TYPE_PREFERENCE)),
        record.row_number if record.row_number is not None else 0,
    )


def _representative_rank(record: ThresholdRecord, pollutant: str, land_use: str | None):
    if land_use is not None:
        land_use_rank = 0 if _land_use_categories(land_use).intersection(record.land_uses) else 1
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
