"""INSOP action-plan indicators computed from submitted survey answers (plain data in, plain data out)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.reports.regions import REGIONS

# Where each indicator reads its answer in the shipped forms (storage/forms/build_forms.py).
# A coordinator who renames a question or a choice in an XLSForm changes it here and nowhere else.
# Each entry lists alternatives, one per form version that can answer it (the current version first, then
# the first version kept in storage/forms/previous/); an alternative is a list of (question name, accepted
# choice names) conditions that must all hold. Submissions of both versions are read.
Conditions = tuple[tuple[str, frozenset[str]], ...]
FORM_ANSWERS: dict[str, tuple[Conditions, ...]] = {
    # Threshold survey (form_id insop_thresholds)
    "threshold_country": ((("country", frozenset()),),),
    # The capacity a focal point of the country answered about declares for the answer to count as official.
    "official_capacity": ((("resp_capacity", frozenset({"gsp_focal_point", "designated"})),),),
    # P2: a government body took part in formal discussions on establishing or revising values (last two years).
    "in_discussions": ((("discussions_2y", frozenset({"yes"})),), (("in_discussions", frozenset({"yes"})),)),
    # P2: working towards adopting values in national regulation, computed from the regulatory stage.
    "working_toward": (
        (("reg_stage", frozenset({"drafting", "consultation", "adopted_not_in_force", "in_force_revising"})),),
        (("working_toward", frozenset({"yes"})),),
    ),
    # A legally binding instrument in force; in the first version "both" meant some values are binding.
    "binding_values": (
        (("has_thresholds", frozenset({"yes"})), ("has_binding_in_force", frozenset({"yes"}))),
        (("has_thresholds", frozenset({"yes"})), ("legal_status", frozenset({"binding", "both"}))),
    ),
    # Lab SOP survey (form_id insop_lab_sop)
    "lab_country": ((("country", frozenset()),),),
    "lab_name": ((("lab_name", frozenset()),),),
    "lab_glosolan_code": ((("glosolan_code", frozenset()),),),
    "lab_registered": ((("glosolan_member", frozenset({"yes"})),),),
    # P1: aware of the harmonized SOPs (the first version asked only this).
    "lab_aware_sops": (
        (("sop_knowledge", frozenset({"aware", "read", "trained", "using"})),),
        (("glosolan_aware", frozenset({"yes"})),),
    ),
    # P1 (goal 80 %): aware of how to use them: trained on one, or using one.
    "lab_able_sops": ((("sop_knowledge", frozenset({"trained", "using"})),),),
    # P1: involved in developing the SOPs (drafting, ring test, training), not only willing.
    "lab_involved_sops": ((("sop_involvement", frozenset({"drafting", "ring_test", "training_host"})),),),
    "lab_willing_sops": (
        (("sop_willing", frozenset({"yes", "yes_if_supported"})),),
        (("sop_participation", frozenset({"yes"})),),
    ),
}

# Targets of the INSOP action plan, as shares (0-1).
GOALS: dict[str, float] = {
    "countries_in_discussions": 0.5,
    "labs_able_sops": 0.8,
    "regions_with_sop_labs": 1.0,
}

INDICATORS: tuple[str, ...] = (
    "countries_responded",
    "countries_in_discussions",
    "countries_working_toward",
    "countries_binding_values",
    "labs_aware_sops",
    "labs_able_sops",
    "regions_with_sop_labs",
    "labs_willing_sops",
)

FOCAL_POINT_ROLE = "focal_point"


@dataclass(frozen=True)
class Indicator:
    """One action-plan indicator: value is numerator / denominator (0 when nothing is counted yet)."""

    id: str
    value: float
    numerator: int
    denominator: int
    goal: float | None = None

    @property
    def goal_met(self) -> bool | None:
        """Whether the goal is reached, or None for indicators without a goal."""
        return None if self.goal is None else self.value >= self.goal


@dataclass(frozen=True)
class RegionProgress:
    """How many targeted countries of a region have responded or have a survey in progress."""

    region: str
    targeted: int
    responded: int
    drafts: int

    @property
    def response_rate(self) -> float:
        """Share of targeted countries that responded (0 when none is targeted)."""
        return _share(self.responded, self.targeted)


def targeted_from_members(members: Iterable[dict[str, Any]]) -> set[str]:
    """Countries that have at least one member with the focal point role."""
    return {
        _country_code(member.get("country"))
        for member in members
        if member.get("role") == FOCAL_POINT_ROLE and _country_code(member.get("country"))
    }


def latest_by_country(
    submissions: Iterable[dict[str, Any]], country_key: str = "threshold_country"
) -> dict[str, dict[str, Any]]:
    """Each country's one official answer: the latest of its focal points' answers, else its latest answer.

    An official answer (see `is_official`) is never replaced by a later answer that is not; "latest" is
    the greatest submitted_at when all have one, else the last in the list.
    """
    latest: dict[str, dict[str, Any]] = {}
    for submission in _in_submission_order(submissions):
        country = submission_country(submission, country_key)
        if country and (
            is_official(submission, country_key) or not is_official(latest.get(country) or {}, country_key)
        ):
            latest[country] = submission
    return latest


def is_official(submission: dict[str, Any], country_key: str = "threshold_country") -> bool:
    """Whether the answer speaks for its country: the bot knows the submitter as the focal point of the
    country answered about (role focal point, registered for that country; a coordinator's invite sets
    both) and they answer as the focal point or designated by the responsible ministry.

    The capacity alone is what anyone can pick, so it never makes an answer official by itself.
    """
    country = submission_country(submission, country_key)
    return (
        bool(country)
        and submission.get("role") == FOCAL_POINT_ROLE
        and _country_code(submission.get("member_country")) == country
        and _answer_matches(submission.get("data") or {}, "official_capacity")
    )


@dataclass(frozen=True)
class CountedAnswer:
    """Which submission counted for a country in the indicators, and why."""

    country: str
    submission_id: int | None
    official: bool
    answers: int

    @property
    def worth_naming(self) -> bool:
        """Whether there was a choice to say: several answers for the country, or none of them official."""
        return self.answers > 1 or not self.official


def counted_answers(submissions: Iterable[dict[str, Any]], targeted_countries: Iterable[str]) -> list[CountedAnswer]:
    """Per targeted country that answered: the submission the indicators count, and how many it was chosen from."""
    submissions = list(submissions)
    targeted = {_country_code(code) for code in targeted_countries} - {""}
    totals: dict[str, int] = {}
    for submission in submissions:
        country = submission_country(submission)
        totals[country] = totals.get(country, 0) + 1
    return [
        CountedAnswer(country, submission.get("id"), is_official(submission), totals[country])
        for country, submission in sorted(latest_by_country(submissions).items())
        if country in targeted
    ]


def submission_country(submission: dict[str, Any], country_key: str = "threshold_country") -> str:
    """The country the answer counts under: the form's country answer (the country answered about), else
    the stored column (the member's country when they began)."""
    question = FORM_ANSWERS[country_key][0][0][0]
    return _country_code((submission.get("data") or {}).get(question)) or _country_code(submission.get("country"))


def compute_indicators(
    threshold_submissions: list[dict[str, Any]],
    lab_submissions: list[dict[str, Any]],
    targeted_countries: Iterable[str],
    regions: dict[str, str],
) -> list[Indicator]:
    """Compute the action-plan indicators; country indicators count only targeted countries, once each."""
    targeted = {_country_code(code) for code in targeted_countries} - {""}
    answers = {
        country: submission.get("data") or {}
        for country, submission in latest_by_country(threshold_submissions).items()
        if country in targeted
    }
    labs = _latest_by_lab(lab_submissions)

    def lab_count(answer_key: str, among: list[dict[str, Any]] = labs) -> int:
        return sum(1 for lab in among if _answer_matches(lab.get("data") or {}, answer_key))

    # "Able to use" is asked from the second version on: its denominator is the labs registered in
    # GLOSOLAN that answered that version (labs working with the GSP), each lab once.
    registered = [lab for lab in labs if _answer_matches(lab.get("data") or {}, "lab_registered")]
    sop_regions = {
        regions.get(_lab_country(lab)) for lab in labs if _answer_matches(lab.get("data") or {}, "lab_involved_sops")
    } & set(REGIONS)

    def country_count(answer_key: str) -> int:
        return sum(1 for data in answers.values() if _answer_matches(data, answer_key))

    counts = {
        "countries_responded": (len(answers), len(targeted)),
        "countries_in_discussions": (country_count("in_discussions"), len(targeted)),
        "countries_working_toward": (country_count("working_toward"), len(targeted)),
        "countries_binding_values": (country_count("binding_values"), len(targeted)),
        "labs_aware_sops": (lab_count("lab_aware_sops"), len(labs)),
        "labs_able_sops": (lab_count("lab_able_sops", registered), len(registered)),
        "regions_with_sop_labs": (len(sop_regions), len(REGIONS)),
        "labs_willing_sops": (lab_count("lab_willing_sops"), len(labs)),
    }
    return [
        Indicator(indicator_id, _share(*counts[indicator_id]), *counts[indicator_id], GOALS.get(indicator_id))
        for indicator_id in INDICATORS
    ]


def region_progress(
    targeted_countries: Iterable[str],
    threshold_submissions: list[dict[str, Any]],
    regions: dict[str, str],
    draft_countries: Iterable[str] = (),
) -> list[RegionProgress]:
    """One row per GSP region: targeted countries, how many responded, how many only have a draft."""
    targeted = {_country_code(code) for code in targeted_countries} - {""}
    responded = set(latest_by_country(threshold_submissions)) & targeted
    drafting = ({_country_code(code) for code in draft_countries} & targeted) - responded
    rows = []
    for region in REGIONS:
        in_region = {country for country in targeted if regions.get(country) == region}
        rows.append(RegionProgress(region, len(in_region), len(in_region & responded), len(in_region & drafting)))
    return rows


def indicator_label(indicator_id: str, tr) -> str:
    """The indicator's name in the coordinator's language (unknown ids are shown as they are)."""
    _ = tr.gettext
    labels = {
        "countries_responded": _("Targeted countries that responded"),
        "countries_in_discussions": _("Countries taking part in threshold discussions"),
        "countries_working_toward": _("Countries working toward adopting threshold values"),
        "countries_binding_values": _("Countries with legally binding threshold values"),
        "labs_aware_sops": _("Laboratories aware of GLOSOLAN harmonized SOPs"),
        "labs_able_sops": _("GLOSOLAN laboratories able to use the harmonized SOPs (trained or using)"),
        "regions_with_sop_labs": _("Regions with a laboratory developing SOPs"),
        "labs_willing_sops": _("Laboratories willing to help develop SOPs"),
    }
    return labels.get(indicator_id, indicator_id)


# ---------------------------------------------------------------- helpers


def _share(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _country_code(value: Any) -> str:
    return value.strip().upper() if isinstance(value, str) else ""


def _answer_matches(data: dict[str, Any], answer_key: str) -> bool:
    """Whether the answers meet every condition of one of the entry's alternatives (one per form version)."""
    return any(_conditions_hold(data, conditions) for conditions in FORM_ANSWERS[answer_key])


def _conditions_hold(data: dict[str, Any], conditions: Conditions) -> bool:
    for question, accepted in conditions:
        value = data.get(question)
        chosen = set(value) if isinstance(value, (list, tuple, set)) else {value}
        if not chosen & accepted:
            return False
    return True


def _in_submission_order(submissions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    submissions = list(submissions)
    # Mixed or missing timestamps cannot be compared; the caller's order (oldest first) is then trusted.
    if submissions and all(submission.get("submitted_at") is not None for submission in submissions):
        try:
            return sorted(submissions, key=lambda submission: submission["submitted_at"])
        except TypeError:
            return submissions
    return submissions


def _lab_country(submission: dict[str, Any]) -> str:
    return submission_country(submission, "lab_country")


def _latest_by_lab(submissions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One submission per laboratory (GLOSOLAN code, else country + folded lab name); nameless labs count each time."""
    name_question = FORM_ANSWERS["lab_name"][0][0][0]
    code_question = FORM_ANSWERS["lab_glosolan_code"][0][0][0]
    ordered = _in_submission_order(submissions)
    codes: dict[tuple[str, str], str] = {}  # a lab that gives its code in one answer is that lab in every answer
    for submission in ordered:
        data = submission.get("data") or {}
        name, code = _fold(data.get(name_question)), _fold(data.get(code_question)).replace(" ", "")
        if code and name:
            codes[(_lab_country(submission), name)] = code
    latest: dict[Any, dict[str, Any]] = {}
    for position, submission in enumerate(ordered):
        data = submission.get("data") or {}
        name = _fold(data.get(name_question))
        code = _fold(data.get(code_question)).replace(" ", "") or codes.get((_lab_country(submission), name), "")
        key = ("glosolan", code) if code else (_lab_country(submission), name) if name else ("", position)
        latest[key] = submission
    return list(latest.values())


def _fold(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())
