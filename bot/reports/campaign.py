"""Campaign progress from submission rows (plain data in, plain data out): counts per form, region and
country, the action-plan indicators and the response rate by region. Runs in the heavy-work process."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.reports.indicators import (
    CountedAnswer,
    Indicator,
    RegionProgress,
    compute_indicators,
    counted_answers,
    region_progress,
    submission_country,
    targeted_from_members,
)
from bot.reports.regions import REGIONS

THRESHOLD_FORM_ID = "insop_thresholds"
LAB_FORM_ID = "insop_lab_sop"
SUBMITTED = "submitted"
DRAFT = "draft"


@dataclass
class FormStats:
    """Submissions and drafts of one form, by region and country."""

    form_id: str
    title: str
    submitted: int = 0
    drafts: int = 0
    # region id (or "" for unknown) -> country code (or "") -> [submitted, drafts]
    by_region: dict[str, dict[str, list[int]]] = field(default_factory=dict)


@dataclass
class CampaignStats:
    forms: list[FormStats]
    indicators: list[Indicator]
    regions: list[RegionProgress]
    # Per targeted country that answered the threshold survey: the one answer the indicators count.
    counted: list[CountedAnswer] = field(default_factory=list)


def decode_answers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn each row's `data` from the JSON text the database gave into a dict (in place; {} when empty)."""
    for row in rows:
        data = row.get("data")
        if isinstance(data, (str, bytes)):
            data = json.loads(data) if data else None
        row["data"] = data if isinstance(data, dict) else {}
    return rows


def summarize_campaign(
    forms: list[tuple[str, str]], rows: list[dict[str, Any]], members: list[dict[str, Any]], regions: dict[str, str]
) -> CampaignStats:
    """Counts per form (current forms first, in the given order), indicators and regional response rates.

    `forms` are (form id, title) pairs; `rows` are submissions with form_id, status, country and data
    (a dict, or JSON text for submitted ones); `members` have country and role.
    """
    by_form: dict[str, FormStats] = {form_id: FormStats(form_id, title or form_id) for form_id, title in forms}
    submitted = [row for row in rows if row["status"] == SUBMITTED]
    thresholds = decode_answers([row for row in submitted if row["form_id"] == THRESHOLD_FORM_ID])
    labs = decode_answers([row for row in submitted if row["form_id"] == LAB_FORM_ID])
    # A submitted answer counts under the country it answers about (a focal point may answer for another).
    country_keys = {THRESHOLD_FORM_ID: "threshold_country", LAB_FORM_ID: "lab_country"}
    for row in rows:
        stats = by_form.setdefault(row["form_id"], FormStats(row["form_id"], row["form_id"]))
        key = country_keys.get(row["form_id"])
        if row["status"] == SUBMITTED and key is not None:
            country = submission_country(row, key)
        else:
            country = (row["country"] or "").upper()
        region = regions.get(country, "")
        cell = stats.by_region.setdefault(region, {}).setdefault(country, [0, 0])
        if row["status"] == SUBMITTED:
            stats.submitted += 1
            cell[0] += 1
        else:
            stats.drafts += 1
            cell[1] += 1
    targeted = targeted_from_members(members)
    draft_countries = {
        row["country"]
        for row in rows
        if row["form_id"] == THRESHOLD_FORM_ID and row["status"] == DRAFT and row["country"]
    }
    return CampaignStats(
        forms=list(by_form.values()),
        indicators=compute_indicators(thresholds, labs, targeted, regions),
        regions=region_progress(targeted, thresholds, regions, draft_countries),
        counted=counted_answers(thresholds, targeted),
    )


def region_order(region: str) -> int:
    """GSP order, unknown region last."""
    return REGIONS.index(region) if region in REGIONS else len(REGIONS)
