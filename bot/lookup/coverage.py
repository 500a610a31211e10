"""What the table covers: jurisdictions × pollutant families × land-use categories, honestly.

A jurisdiction with values, one with only a recorded status (Kenya: "no national values found"),
and one with no record at all (not yet surveyed) are three different things; `coverage()` lists the
first two, everything else is the third.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.lookup.records import KIND_STATUS, KIND_VALUE, LAND_USES, ThresholdRecord


@dataclass
class JurisdictionCoverage:
    """One jurisdiction's share of the table."""

    code: str
    name: str
    values: int = 0
    statuses: list[str] = field(default_factory=list)
    instruments: Counter[str] = field(default_factory=Counter)
    tiers: Counter[str] = field(default_factory=Counter)
    # pollutant family (metal, pesticide, pah...) -> land-use category -> number of values
    cells: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    pollutants: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        """Plain data for `data coverage --json`."""
        return {
            "code": self.code,
            "name": self.name,
            "values": self.values,
            "pollutants": len(self.pollutants),
            "statuses": list(self.statuses),
            "tiers": dict(sorted(self.tiers.items())),
            "instruments": [{"instrument": name, "values": count} for name, count in self.instruments.most_common()],
            "families": {
                family: {land_use: counts[land_use] for land_use in LAND_USES if counts[land_use]}
                for family, counts in sorted(self.cells.items())
            },
        }


def coverage(records: Iterable[ThresholdRecord]) -> list[JurisdictionCoverage]:
    """Every jurisdiction with a value or a recorded status, most values first."""
    table: dict[str, JurisdictionCoverage] = {}
    for record in records:
        entry = table.get(record.jurisdiction)
        if entry is None:
            entry = table[record.jurisdiction] = JurisdictionCoverage(record.jurisdiction, record.jurisdiction_name)
        if record.kind == KIND_STATUS:
            entry.statuses.append(record.value_type_original)
            continue
        if record.kind != KIND_VALUE:
            continue
        entry.values += 1
        entry.pollutants.add(record.pollutant_id)
        entry.instruments[record.instrument] += 1
        entry.tiers[record.tier or "unknown"] += 1
        for land_use in record.land_uses:
            entry.cells[record.pollutant_group][land_use] += 1
    return sorted(table.values(), key=lambda entry: (-entry.values, entry.code))
