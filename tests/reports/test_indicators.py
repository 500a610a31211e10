"""Action-plan indicators from hand-made submissions: one count per country, latest answer wins."""

import datetime
import gettext
from pathlib import Path

from bot.reports.indicators import (
    FORM_ANSWERS,
    INDICATORS,
    compute_indicators,
    indicator_label,
    latest_by_country,
    region_progress,
    targeted_from_members,
)
from bot.reports.regions import REGIONS, load_regions

FORMS_DIR = Path(__file__).resolve().parents[2] / "storage" / "forms"

REGIONS_TABLE = load_regions()


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 6, day, tzinfo=datetime.timezone.utc)


def by_id(indicators):
    return {indicator.id: indicator for indicator in indicators}


THRESHOLDS = [
    {"country": "KE", "submitted_at": at(1), "data": {"in_discussions": "no", "has_thresholds": "no", "working_toward": "no"}},
    # Kenya answered again later: only this one counts.
    {"country": "KE", "submitted_at": at(5), "data": {"in_discussions": "yes", "has_thresholds": "no", "working_toward": "yes"}},
    {"country": "NL", "submitted_at": at(2), "data": {"in_discussions": "yes", "has_thresholds": "yes", "legal_status": "binding"}},
    {"country": "BR", "submitted_at": at(3), "data": {"in_discussions": "no", "has_thresholds": "yes", "legal_status": "guideline"}},
    {"country": "CN", "submitted_at": at(3), "data": {"in_discussions": "yes", "has_thresholds": "in_preparation",
                                                      "legal_status": "binding", "working_toward": "dont_know"}},
    # Not targeted: left out of every country indicator.
    {"country": "FR", "submitted_at": at(4), "data": {"in_discussions": "yes", "has_thresholds": "yes", "legal_status": "both"}},
]
TARGETED = {"KE", "NL", "BR", "CN", "EG", "FJ", "KZ", "CA"}
LABS = [
    {"country": "KE", "data": {"lab_name": "KALRO Soil Lab", "glosolan_aware": "no", "sop_participation": "no"}},
    {"country": "KE", "data": {"lab_name": "kalro  soil lab", "glosolan_aware": "yes", "sop_participation": "yes"}},
    {"country": "EG", "data": {"lab_name": "SWERI", "glosolan_aware": "yes", "sop_participation": "maybe"}},
    {"country": "CN", "data": {"lab_name": "ISSAS", "glosolan_aware": "yes", "sop_participation": "yes"}},
    {"country": "AR", "data": {"lab_name": "INTA", "glosolan_aware": "no", "sop_participation": "yes"}},
]


def test_country_indicators_count_each_targeted_country_once():
    indicators = by_id(compute_indicators(THRESHOLDS, LABS, TARGETED, REGIONS_TABLE))
    assert list(INDICATORS) == list(indicators)
    responded = indicators["countries_responded"]
    assert (responded.numerator, responded.denominator, responded.value) == (4, 8, 0.5)
    discussions = indicators["countries_in_discussions"]
    assert (discussions.numerator, discussions.denominator, discussions.goal) == (3, 8, 0.5)
    assert discussions.goal_met is False
    assert indicators["countries_working_toward"].numerator == 1  # Kenya's later answer
    # Only the Netherlands: China's binding values are still in preparation, France is not targeted.
    assert indicators["countries_binding_values"].numerator == 1


def test_lab_indicators_count_each_lab_once_and_regions_with_willing_labs():
    indicators = by_id(compute_indicators(THRESHOLDS, LABS, TARGETED, REGIONS_TABLE))
    aware = indicators["labs_aware_sops"]
    assert (aware.numerator, aware.denominator, aware.value, aware.goal) == (3, 4, 0.75, 0.8)
    regions = indicators["regions_with_sop_labs"]
    # Kenya (africa), China (asia), Argentina (latin america); Egypt only said maybe.
    assert (regions.numerator, regions.denominator, regions.goal) == (3, 8, 1.0)


def test_nothing_submitted_gives_zeros_without_dividing_by_zero():
    indicators = compute_indicators([], [], set(), REGIONS_TABLE)
    assert [indicator.value for indicator in indicators] == [0.0] * len(INDICATORS)
    assert by_id(indicators)["regions_with_sop_labs"].denominator == len(REGIONS)
    assert all(row.targeted == row.responded == row.drafts == 0 for row in region_progress(set(), [], REGIONS_TABLE))


def test_latest_wins_by_list_order_when_timestamps_are_missing():
    submissions = [
        {"data": {"country": "ke", "in_discussions": "yes"}},
        {"country": "KE", "data": {"in_discussions": "no"}},
    ]
    assert latest_by_country(submissions)["KE"]["data"]["in_discussions"] == "no"
    indicators = by_id(compute_indicators(submissions, [], {"KE"}, REGIONS_TABLE))
    assert indicators["countries_in_discussions"].numerator == 0


def test_region_progress_counts_targeted_responded_and_drafts():
    rows = {row.region: row for row in region_progress(TARGETED, THRESHOLDS, REGIONS_TABLE, draft_countries={"EG", "KE", "FR"})}
    assert list(rows) == list(REGIONS)
    assert (rows["africa"].targeted, rows["africa"].responded, rows["africa"].drafts) == (1, 1, 0)
    assert (rows["near_east_north_africa"].targeted, rows["near_east_north_africa"].drafts) == (1, 1)
    assert rows["europe"].targeted == 1 and rows["europe"].responded == 1  # France is not targeted
    assert rows["pacific"].response_rate == 0.0
    assert rows["africa"].response_rate == 1.0


def test_targeted_countries_come_from_focal_points():
    members = [
        {"country": "ke", "role": "focal_point"},
        {"country": "NL", "role": "member"},
        {"country": None, "role": "focal_point"},
        {"country": "BR", "role": "focal_point"},
    ]
    assert targeted_from_members(members) == {"KE", "BR"}


def test_form_answers_name_questions_of_the_shipped_forms():
    from bot.survey import load_form

    threshold = load_form(FORMS_DIR / "threshold_survey.xlsx")
    lab = load_form(FORMS_DIR / "lab_sop_survey.xlsx")
    for key, conditions in FORM_ANSWERS.items():
        form = lab if key.startswith("lab_") else threshold
        for question, choices in conditions:
            node = form.find_node(question)
            assert node is not None, (key, question)
            names = {choice.name for choice in form.choices.get(node.list_name, [])}
            assert choices <= names, (key, question, choices - names)


def test_indicator_names_go_through_gettext():
    tr = gettext.NullTranslations()
    assert indicator_label("labs_aware_sops", tr) == "Laboratories aware of GLOSOLAN harmonized SOPs"
    assert all(indicator_label(indicator, tr) != indicator for indicator in INDICATORS)


def test_the_focal_points_answer_counts_even_when_a_member_answers_later():
    """One official answer per country: an INSOP member's later answer never replaces the focal point's."""
    from bot.reports.indicators import counted_answers

    submissions = [
        {"id": 1, "country": "KE", "role": "focal_point", "submitted_at": at(1), "data": {"in_discussions": "yes"}},
        {"id": 2, "country": "KE", "role": "member", "submitted_at": at(5), "data": {"in_discussions": "no"}},
        {"id": 3, "country": "NL", "role": "member", "submitted_at": at(2), "data": {"in_discussions": "yes"}},
        {"id": 4, "country": "NL", "role": "member", "submitted_at": at(3), "data": {"in_discussions": "no"}},
    ]
    assert latest_by_country(submissions)["KE"]["id"] == 1
    assert latest_by_country(submissions)["NL"]["id"] == 4  # no focal point answered: the latest answer
    indicators = by_id(compute_indicators(submissions, [], {"KE", "NL"}, REGIONS_TABLE))
    assert indicators["countries_in_discussions"].numerator == 1
    counted = {answer.country: answer for answer in counted_answers(submissions, {"KE", "NL"})}
    assert (counted["KE"].submission_id, counted["KE"].official, counted["KE"].answers) == (1, True, 2)
    assert (counted["NL"].submission_id, counted["NL"].official) == (4, False)
