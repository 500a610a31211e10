"""Tier and protection target of a threshold value: compare like with like.

Tiers say what crossing the value means:
- protection: precautionary, background, target or preventive values (soil protection);
- assessment: screening, trigger, investigation or guideline values (assessment needed above it);
- action: intervention, action or remediation values (action needed above it).
Two kinds stand beside them: `sludge` (limits for soil receiving sewage sludge) and `food` (values
for the safety of crops or food). A status row ("no national values found") has tier `none`.

Targets: human_health, ecosystem, groundwater, crops_food (several, space-separated).

The tier comes from a reviewed table, `storage/seed/value_type_tiers.csv` (jurisdiction, the
instrument's value-type wording, optionally a land-use word, tier, target and the reason), read by
path so the engine needs no database. Values not in the table (survey answers, imported files) get a
tier from their normalized value type and no target.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TIER_PROTECTION = "protection"
TIER_ASSESSMENT = "assessment"
TIER_ACTION = "action"
TIER_SLUDGE = "sludge"
TIER_FOOD = "food"
TIER_NONE = "none"
TIERS = (TIER_PROTECTION, TIER_ASSESSMENT, TIER_ACTION, TIER_SLUDGE, TIER_FOOD)
TARGETS = ("human_health", "ecosystem", "groundwater", "crops_food")

TIER_TABLE = Path(__file__).resolve().parents[2] / "storage" / "seed" / "value_type_tiers.csv"

_FALLBACK = {
    TIER_PROTECTION: ("precautionary", "prevention", "background", "target"),
    TIER_ASSESSMENT: (
        "screening",
        "trigger",
        "guideline",
        "investigation",
        "warning",
        "threshold",
        "monitoring",
        "standard",
        "limit",
        "maximum",
        "indication",
        "reference",
        "other",
    ),
    TIER_ACTION: ("intervention", "action", "control", "designation"),
}


@dataclass(frozen=True)
class TierRule:
    """One reviewed line of the table: which values it covers and what they are."""

    jurisdiction: str
    value_type: str
    land_use_contains: str
    tier: str
    target: str
    rationale: str
    line: int

    def covers(self, jurisdiction: str, value_type: str, land_use: str) -> bool:
        """Whether a value of this jurisdiction, value-type wording and land-use wording is covered."""
        return (
            self.jurisdiction == jurisdiction
            and self.value_type == value_type
            and (not self.land_use_contains or self.land_use_contains in land_use)
        )


def _key(text: str) -> str:
    return " ".join(text.lower().split())


@lru_cache(maxsize=4)
def tier_rules(path: Path = TIER_TABLE) -> tuple[TierRule, ...]:
    """The reviewed table, checked: a bad line raises ValueError naming it."""
    rules = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            tier = (row.get("tier") or "").strip()
            targets = (row.get("target") or "").split()
            if tier not in TIERS + (TIER_NONE,):
                raise ValueError(f"{path.name} line {line}: unknown tier {tier!r}")
            if any(target not in TARGETS for target in targets):
                raise ValueError(f"{path.name} line {line}: unknown target in {row.get('target')!r}")
            if not (row.get("rationale") or "").strip():
                raise ValueError(f"{path.name} line {line}: every line says why")
            rules.append(
                TierRule(
                    (row.get("jurisdiction") or "").strip().upper(),
                    _key(row.get("value_type") or ""),
                    _key(row.get("land_use_contains") or ""),
                    tier,
                    " ".join(targets),
                    row["rationale"].strip(),
                    line,
                )
            )
    return tuple(rules)


def find_rule(jurisdiction: str, value_type_original: str, land_use_original: str) -> TierRule | None:
    """The table line that covers a value, or None."""
    value_type, land_use = _key(value_type_original), _key(land_use_original)
    for rule in tier_rules():
        if rule.covers(jurisdiction.upper(), value_type, land_use):
            return rule
    return None


def classify(
    jurisdiction: str, value_type_original: str, land_use_original: str, value_type: str, sludge_only: bool
) -> tuple[str, str]:
    """(tier, target) of a value: from the reviewed table, else from its normalized value type."""
    if value_type == "none":
        return TIER_NONE, ""
    rule = find_rule(jurisdiction, value_type_original, land_use_original)
    if rule is not None:
        return rule.tier, rule.target
    if sludge_only:
        return TIER_SLUDGE, ""
    for tier, value_types in _FALLBACK.items():
        if value_type in value_types:
            return tier, ""
    return TIER_ASSESSMENT, ""
