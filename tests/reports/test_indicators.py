"""Action-plan indicators from hand-made submissions: one count per country, latest answer wins."""

import datetime
import gettext

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
from tests.forms import shipped_form

REGIONS_TABLE = load_regions()


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 6, day, tzinfo=datetime.UTC)


def by_id(indicators):
    return {indicator.id: indicator for indicator in indicators}


THRESHOLDS = [
    {
        "country": "KE",
        "submitted_at": at(1),
        "data": {"in_discussions": "no", "has_thresholds": "no", "working_toward": "no"},
    },
    # Kenya answered again later: only this one counts.
    {
        "country": "KE",
        "submitted_at": at(5),
        "data": {"in_discussions": "yes", "has_thresholds": "no", "working_toward": "yes"},
    },
    {
        "country": "NL",
        "submitted_at": at(2),
        "data": {"in_discussions": "yes", "has_thresholds": "yes", "legal_status": "binding"},
    },
    {
        "country": "BR",
        "submitted_at": at(3),
        "data": {"in_discussions": "no", "has_thresholds": "yes", "legal_status": "guideline"},
    },
    {
        "country": "CN",
        "submitted_at": at(3),
        "data": {
            "in_discussions": "yes",
            "has_thresholds": "in_preparation",
            "legal_status": "binding",
            "working_toward": "dont_know",
        },
    },
    # Not targeted: left out of every country indicator.
    {
        "country": "FR",
        "submitted_at": at(4),
        "data": {"in_discussions": "yes", "has_thresholds": "yes", "legal_status": "both"},
    },
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


def test_lab_indicators_of_the_first_version_count_each_lab_once_and_willingness_apart():
    indicators = by_id(compute_indicators(THRESHOLDS, LABS, TARGETED, REGIONS_TABLE))
    aware = indicators["labs_aware_sops"]
    assert (aware.numerator, aware.denominator, aware.value, aware.goal) == (3, 4, 0.75, None)
    # Kenya, China and Argentina said they would take part: willing, not yet involved in developing SOPs.
    assert indicators["labs_willing_sops"].numerator == 3
    regions = indicators["regions_with_sop_labs"]
    assert (regions.numerator, regions.denominator, regions.goal) == (0, 8, 1.0)
    # The first version did not ask whether staff can use the SOPs.
    able = indicators["labs_able_sops"]
    assert (able.numerator, able.denominator, able.goal) == (0, 0, 0.8)


LABS_V2 = [
    {
        "country": "KE",
        "data": {
            "lab_name": "KALRO Soil Lab",
            "glosolan_member": "yes",
            "glosolan_code": "KE-001",
            "sop_knowledge": "read",
            "sop_involvement": ["none"],
            "sop_willing": "yes_if_supported",
        },
    },
    # The same lab under another name, with its GLOSOLAN code: counted once (its later answer).
    {
        "country": "KE",
        "data": {
            "lab_name": "Kenya Agricultural Soil Laboratory",
            "glosolan_member": "yes",
            "glosolan_code": "ke-001",
            "sop_knowledge": "using",
            "sop_involvement": ["ring_test"],
        },
    },
    {
        "country": "EG",
        "data": {
            "lab_name": "SWERI",
            "glosolan_member": "yes",
            "sop_knowledge": "trained",
            "sop_involvement": ["drafting", "training_host"],
        },
    },
    {
        "country": "CN",
        "data": {
            "lab_name": "ISSAS",
            "glosolan_member": "no",
            "sop_knowledge": "using",
            "sop_involvement": ["none"],
            "sop_willing": "no",
        },
    },
    {
        "country": "AR",
        "data": {
            "lab_name": "INTA",
            "glosolan_member": "yes",
            "sop_knowledge": "not_aware",
            "sop_involvement": ["none"],
            "sop_willing": "yes",
        },
    },
]


def test_lab_indicators_of_the_second_version_measure_use_and_involvement():
    indicators = by_id(compute_indicators([], LABS_V2, TARGETED, REGIONS_TABLE))
    assert indicators["labs_aware_sops"].numerator == 3  # Kenya (once), Egypt, China; Argentina was not aware
    able = indicators["labs_able_sops"]
    # Among the three registered labs: Kenya uses one, Egypt was trained; Argentina was not aware.
    assert (able.numerator, able.denominator, able.goal) == (2, 3, 0.8)
    # Involved in developing SOPs: Kenya (ring test, Africa) and Egypt (drafting, Near East and North Africa).
    assert indicators["regions_with_sop_labs"].numerator == len({REGIONS_TABLE["KE"], REGIONS_TABLE["EG"]})
    assert indicators["labs_willing_sops"].numerator == 1  # Argentina; Kenya's later answer is involvement


def test_country_indicators_read_the_second_version():
    submissions = [
        {
            "country": "KE",
            "data": {
                "discussions_2y": "yes",
                "reg_stage": "drafting",
                "has_thresholds": "in_preparation",
                "has_binding_in_force": "no",
            },
        },
        {
            "country": "NL",
            "data": {
                "discussions_2y": "no",
                "reg_stage": "in_force",
                "has_thresholds": "yes",
                "has_binding_in_force": "yes",
            },
        },
        {
            "country": "BR",
            "data": {
                "discussions_2y": "dont_know",
                "reg_stage": "in_force_revising",
                "has_thresholds": "yes",
                "has_binding_in_force": "no",
            },
        },
    ]
    indicators = by_id(compute_indicators(submissions, [], TARGETED, REGIONS_TABLE))
    assert indicators["countries_in_discussions"].numerator == 1
    assert indicators["countries_working_toward"].numerator == 2  # Kenya drafting, Brazil revising
    assert indicators["countries_binding_values"].numerator == 1


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
    rows = {
        row.region: row
        for row in region_progress(TARGETED, THRESHOLDS, REGIONS_TABLE, draft_countries={"EG", "KE", "FR"})
    }
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
    versions = {
        "threshold": [
            shipped_form("threshold_survey.xlsx"),
            shipped_form("previous/threshold_survey_2025060101.xlsx"),
        ],
        "lab": [
            shipped_form("lab_sop_survey.xlsx"),
            shipped_form("previous/lab_sop_survey_2025060101.xlsx"),
        ],
    }
    for key, alternatives in FORM_ANSWERS.items():
        forms = versions["lab" if key.startswith("lab_") else "threshold"]
        for conditions in alternatives:
            # Each alternative is answered by one shipped version: every question and choice exists there.
            def answered_by(form, conditions=conditions):
                for question, choices in conditions:
                    node = form.find_node(question)
                    if node is None:
                        return False
                    # A calculation (has_binding_in_force) computes its value; a choice question offers it.
                    if node.type != "calculate" and not choices <= {
                        choice.name for choice in form.choices.get(node.list_name, [])
                    }:
                        return False
                return True

            assert any(answered_by(form) for form in forms), (key, conditions)


def test_indicator_names_go_through_gettext():
    tr = gettext.NullTranslations()
    assert indicator_label("labs_aware_sops", tr) == "Laboratories aware of GLOSOLAN harmonized SOPs"
    assert all(indicator_label(indicator, tr) != indicator for indicator in INDICATORS)


def test_the_focal_points_answer_counts_even_when_a_member_answers_later():
    """One official answer per country: an INSOP member's later answer never replaces the focal point's."""
    from bot.reports.indicators import counted_answers

    submissions = [
        {
            "id": 1,
            "country": "KE",
            "role": "focal_point",
            "member_country": "KE",
            "submitted_at": at(1),
            "data": {"country": "KE", "resp_capacity": "gsp_focal_point", "in_discussions": "yes"},
        },
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


FOCAL_CAPACITY = {"resp_capacity": "gsp_focal_point"}


def test_a_member_declaring_the_focal_points_capacity_does_not_replace_the_focal_point():
    """The capacity anyone can pick is not enough: the bot must know the submitter as the country's focal point."""
    from bot.reports.indicators import counted_answers, is_official

    focal = {
        "id": 1,
        "country": "KE",
        "role": "focal_point",
        "member_country": "KE",
        "submitted_at": at(1),
        "data": {"country": "KE", **FOCAL_CAPACITY, "in_discussions": "yes"},
    }
    impostor = {
        "id": 2,
        "country": "KE",
        "role": "member",
        "member_country": "KE",
        "submitted_at": at(5),
        "data": {"country": "KE", **FOCAL_CAPACITY, "in_discussions": "no"},
    }
    assert is_official(focal) and not is_official(impostor)
    assert latest_by_country([focal, impostor])["KE"]["id"] == 1
    indicators = by_id(compute_indicators([focal, impostor], [], {"KE"}, REGIONS_TABLE))
    assert indicators["countries_in_discussions"].numerator == 1
    counted = counted_answers([focal, impostor], {"KE"})
    assert [(answer.submission_id, answer.official) for answer in counted] == [(1, True)]
    # Without the focal point's answer, the member's answer still counts for Kenya, as a member's answer.
    assert [(answer.submission_id, answer.official) for answer in counted_answers([impostor], {"KE"})] == [(2, False)]


def test_a_focal_point_answering_about_another_country_counts_there_and_is_official_for_neither():
    from bot.reports.indicators import counted_answers, is_official, submission_country

    kenya_focal_on_nl = {
        "id": 1,
        "country": "KE",
        "role": "focal_point",
        "member_country": "KE",
        "submitted_at": at(5),
        "data": {"country": "NL", **FOCAL_CAPACITY, "in_discussions": "yes"},
    }
    nl_member = {
        "id": 2,
        "country": "NL",
        "role": "member",
        "member_country": "NL",
        "submitted_at": at(1),
        "data": {"country": "NL", "in_discussions": "no"},
    }
    assert submission_country(kenya_focal_on_nl) == "NL"
    assert not is_official(kenya_focal_on_nl)
    latest = latest_by_country([kenya_focal_on_nl, nl_member])
    assert set(latest) == {"NL"} and latest["NL"]["id"] == 1  # the latest of two members' answers
    counted = counted_answers([kenya_focal_on_nl, nl_member], {"KE", "NL"})
    assert [(answer.country, answer.submission_id, answer.official, answer.answers) for answer in counted] == [
        ("NL", 1, False, 2)
    ]
    # A real focal point of the Netherlands is not replaced by it.
    nl_focal = dict(nl_member, id=3, role="focal_point", submitted_at=at(1), data={"country": "NL", **FOCAL_CAPACITY})
    assert latest_by_country([nl_focal, kenya_focal_on_nl])["NL"]["id"] == 3


def test_stats_count_a_submission_under_the_country_it_answers_about():
    """A member registered in Congo who answered about the DR Congo: /stats counts the answer under the DRC."""
    import json

    from bot.reports.campaign import summarize_campaign

    regions = load_regions()
    rows = [
        {"form_id": "insop_thresholds", "status": "submitted", "country": "CG", "data": json.dumps({"country": "CD"})},
        {"form_id": "insop_thresholds", "status": "draft", "country": "CG", "data": None},
    ]
    stats = summarize_campaign([("insop_thresholds", "Thresholds")], rows, [], regions)
    cells = {country: cell for region in stats.forms[0].by_region.values() for country, cell in region.items()}
    assert cells == {"CD": [1, 0], "CG": [0, 1]}
