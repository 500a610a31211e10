"""The shipped survey forms, answered with scripted replies: what they measure and what becomes a candidate record."""

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from bot.lookup.survey_entries import records_from_submission, reported_values, value_question
from bot.reports.indicators import compute_indicators
from bot.reports.regions import load_regions
from bot.survey.cli import run_answers
from bot.survey.loader import load_form

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "storage" / "forms"
ANSWERS = ROOT / "tests" / "fixtures" / "survey_answers"


@pytest.fixture(scope="module")
def threshold_form():
    return load_form(FORMS / "threshold_survey.xlsx")


@pytest.fixture(scope="module")
def lab_form():
    return load_form(FORMS / "lab_sop_survey.xlsx")


def two_instruments():
    return json.loads((ANSWERS / "threshold_two_instruments.json").read_text(encoding="utf-8"))


def test_two_instruments_and_eight_key_values_become_records_and_indicators(threshold_form):
    run = run_answers(threshold_form, two_instruments())
    assert run["status"] == "complete", [step for step in run["steps"] if not step["accepted"]]
    data = run["data"]
    assert [len(instrument["key_value"]) for instrument in data["instrument"]] == [4, 4]
    # Each key value carries what its instrument answered for all of them (an export's row needs no join).
    first = data["instrument"][0]["key_value"][0]
    assert (first["val_tier_used"], first["val_basis_used"], first["val_target_used"], first["val_unit_used"]) == (
        "assessment",
        "total",
        "human_health",
        "mg_kg",
    )
    records, problems = records_from_submission(data, "KE", "Kenya", datetime(2026, 11, 30), 1)
    assert problems == [] and len(records) == 8
    cadmium = records[0]
    assert (
        cadmium.pollutant_id,
        cadmium.land_use,
        cadmium.value,
        cadmium.legal_status,
        cadmium.tier,
        cadmium.target,
    ) == ("cadmium", "agricultural", 0.3, "binding", "assessment", "human_health")
    assert cadmium.instrument == "Soil Quality Regulations (LN 12/2018)" and cadmium.year == 2018
    perchlorate = records[-1]
    assert (perchlorate.pollutant_name, perchlorate.cas) == ("perchlorate", "14797-73-0")

    indicators = {
        item.id: item
        for item in compute_indicators(
            [{"country": "KE", "role": "focal_point", "data": data}], [], {"KE", "UG"}, load_regions()
        )
    }
    assert indicators["countries_in_discussions"].numerator == 1
    assert indicators["countries_working_toward"].numerator == 1  # in force and being revised
    assert indicators["countries_binding_values"].numerator == 1


def test_aggregated_consent_keeps_values_out_of_the_review_queue(threshold_form):
    answers = two_instruments()
    answers[answers.index("named")] = "aggregate"
    data = run_answers(threshold_form, answers)["data"]
    records, problems = records_from_submission(data, "KE", "Kenya", datetime(2026, 11, 30), 1)
    assert records == [] and "8 reported value(s)" in problems[0]


def replies_until(form, answers, question):
    """The scripted replies up to (not including) the first time `question` is asked."""
    run = run_answers(form, answers)
    position = next(i for i, step in enumerate(run["steps"]) if step["question"] == question)
    return answers[:position]


def test_a_value_in_an_unlikely_unit_is_confirmed_before_it_is_kept(threshold_form):
    answers = two_instruments()
    start = replies_until(threshold_form, answers, "instr_unit")
    # The unit is asked (here once for the instrument) before any value.
    # Tier, the values' name and form are answered for the instrument; some of its values depend on pH.
    cadmium = ["total", "human_health", "assessment", "", "single", "yes", "cadmium", "agricultural"]
    # Cadmium in agricultural soil: 30 µg/kg (0.03 mg/kg) is a hundred times below usual values.
    run = run_answers(threshold_form, start + ["ug_kg", *cadmium, "30", "no"])
    asked = run["steps"][-1]
    assert asked["question"] == "unit_confirm" and not asked["accepted"]
    assert "/back" in asked["message"]
    run = run_answers(threshold_form, start + ["ug_kg", *cadmium, "30", "yes", "no"])
    assert all(step["accepted"] for step in run["steps"])
    # 0.3 mg/kg is not questioned.
    run = run_answers(threshold_form, start + ["mg_kg", *cadmium, "0.3", "no"])
    assert run["steps"][-1]["question"] == "ph_dependent" and run["steps"][-1]["accepted"]


def test_what_the_instrument_answers_for_its_values_is_asked_per_value_only_where_they_differ(threshold_form):
    answers = two_instruments()
    start = replies_until(threshold_form, answers, "instr_tier")
    one_value = ["cadmium", "agricultural"]
    # The tier, its name and the form differ between values: each value says its own; pH is asked per value.
    run = run_answers(
        threshold_form,
        start + ["varies", "varies", "yes", *one_value, "action", "管制值", "range", "1", "3", "yes", "6.5", "", "no"],
    )
    asked = [step["question"] for step in run["steps"][len(start) :]]
    assert asked[:3] == ["instr_tier", "instr_form", "instr_ph"]  # no name for values whose tier differs
    assert asked[3:] == [
        "pollutant",
        "val_land_use",
        "val_tier",
        "val_name",
        "val_form",
        "value_min",
        "value_max",
        "ph_dependent",
        "ph_min",
        "ph_max",
        "key_value",
    ], asked
    assert all(step["accepted"] for step in run["steps"])
    value = run["data"]["instrument"][0]["key_value"][0]
    assert (value["val_tier_used"], value["val_name_used"], value["val_form_used"]) == ("action", "管制值", "range")


def test_the_previous_version_asked_per_value_and_gives_the_same_records(threshold_form):
    previous = load_form(FORMS / "previous" / "threshold_survey_2026113003.xlsx")
    old_answers = json.loads((ANSWERS / "threshold_two_instruments_2026113003.json").read_text(encoding="utf-8"))
    old = run_answers(previous, old_answers)
    new = run_answers(threshold_form, two_instruments())
    assert old["status"] == new["status"] == "complete"
    assert len(old["steps"]) - len(new["steps"]) == 24  # tier, name, form and pH once per instrument, not per value
    old_records, old_problems = records_from_submission(old["data"], "KE", "Kenya", datetime(2026, 11, 30), 1)
    new_records, new_problems = records_from_submission(new["data"], "KE", "Kenya", datetime(2026, 11, 30), 1)
    assert old_problems == new_problems == [] and len(new_records) == 8
    assert old_records == new_records


def test_each_value_names_the_question_it_was_typed_at(threshold_form):
    data = run_answers(threshold_form, two_instruments())["data"]
    records, _problems = records_from_submission(data, "KE", "Kenya", datetime(2026, 11, 30), 1)
    singles = [record for record in records if record.value is not None]  # not ranges, not "not detected"
    assert len(singles) >= 4
    for record in singles:
        question = value_question(data, record.row_number)
        outer, inner = (int(part.split("[")[1].rstrip("]")) for part in question.split("/")[:2])
        assert float(data["instrument"][outer - 1]["key_value"][inner - 1]["value"]) == record.value, question
    assert reported_values(data) == len(records) == 8
    assert value_question(data, 9) is None


def test_no_national_values_cannot_be_in_force(threshold_form):
    answers = two_instruments()
    start = replies_until(threshold_form, answers, "has_thresholds")
    run = run_answers(threshold_form, start + ["no", "no", ["none"], "in_force"])
    assert run["steps"][-1]["question"] == "reg_stage" and not run["steps"][-1]["accepted"]
    run = run_answers(threshold_form, start + ["no", "no", ["none"], "considered", "no", ["lack_of_funding"]])
    assert all(step["accepted"] for step in run["steps"])
    assert "instrument" not in run["data"]


def test_the_country_list_is_fao_members_under_un_names(threshold_form, lab_form):
    for form in (threshold_form, lab_form):
        countries = {choice.name: choice.label for choice in form.choices["country"]}
        assert len(countries) == 194
        assert not {"AQ", "TW", "PS", "LI", "HK", "EU"} & set(countries)
        assert {"CK", "NU", "KE", "CN"} <= set(countries)
        english = {
            name: labels[next(key for key in labels if key.startswith("English"))] for name, labels in countries.items()
        }
        assert english["TR"] == "Türkiye" and english["CI"].startswith("Côte d")


def test_every_text_of_the_new_forms_is_in_six_languages(threshold_form, lab_form):
    for form in (threshold_form, lab_form):
        assert len(form.languages) == 6
        for node in form.iter_nodes() if hasattr(form, "iter_nodes") else []:
            for texts in (node.label, node.hint, node.constraint_message, node.required_message):
                if texts:
                    assert all(texts.get(language) for language in form.languages), (node.name, texts)
        for list_name, items in form.choices.items():
            for choice in items:
                assert all(choice.label.get(language) for language in form.languages), (list_name, choice.name)


LAB_FULL = json.loads((ANSWERS / "lab_full.json").read_text(encoding="utf-8"))


def test_lab_survey_measures_knowledge_involvement_and_registration(lab_form):
    run = run_answers(lab_form, LAB_FULL)
    assert run["status"] == "complete", [step for step in run["steps"] if not step["accepted"]]
    data = run["data"]
    indicators = {
        item.id: item for item in compute_indicators([], [{"country": "KE", "data": data}], set(), load_regions())
    }
    assert indicators["labs_able_sops"].numerator == indicators["labs_able_sops"].denominator == 1
    assert indicators["regions_with_sop_labs"].numerator == 1
    assert "method_hhp" not in data and data["pesticides_quantified"] == ["ddt", "hch"]


def test_a_lab_without_pollutant_analyses_is_not_forced_to_invent_methods(lab_form):
    short = LAB_FULL[:8] + [
        "no",
        "not_yes" if False else "yes_other",
        "not_aware",
        ["none"],
        "yes",
        ["review"],
        ["none"],
        ["equipment"],
        "Jane Doe",
        "jane@kalro.org",
        "no",
        "yes",
        "",
    ]
    run = run_answers(lab_form, short)
    assert run["status"] == "complete", [step for step in run["steps"] if not step["accepted"]]
    asked = {step["question"] for step in run["steps"]}
    assert not asked & {"pollutant_groups", "metal_digestion", "pt_last2y", "samples_per_year"}


def _texts(form, language_code):
    """Every label, hint and message of a form in one language (choices included)."""
    language = next(key for key in form.languages if key.endswith(f"({language_code})"))
    for node in form.iter_nodes():
        for texts in (node.label, node.hint, node.constraint_message, node.required_message):
            if texts and texts.get(language):
                yield node.name, texts[language]
    for list_name, items in form.choices.items():
        for choice in items:
            if choice.label.get(language):
                yield f"{list_name}/{choice.name}", choice.label[language]


def test_survey_texts_follow_the_translation_review(threshold_form, lab_form):
    """French typography as in the catalogs, and the review's wording findings that concern survey texts."""
    from bot.i18n.typography import french_spacing_problems

    for form in (threshold_form, lab_form):
        french = list(_texts(form, "fr"))
        assert len(french) > 100
        assert not [(name, problem) for name, text in french for problem in french_spacing_problems(text)]
        assert not [name for name, text in french if "'" in re.sub(r"\$\{[^}]*\}", "", text)], "one apostrophe: ’"
        assert not [name for name, text in french if "laboratoires des sols" in text or "Elle dure" in text]
        # Russian: «координатор» in a survey text is the GSP's national focal point, never the bot's role.
        assert not [
            name
            for name, text in _texts(form, "ru")
            if re.search(r"(?<!национальный )(?<!национального )координатор", text, re.I)
        ]
        assert not [name for name, text in _texts(form, "ru") if "о-ва" in text or "Особо опасные пестициды" in text]
        # Arabic: سؤال مفتوح is an open-ended question; المبدأ التوجيهي a guiding principle, not a guideline.
        assert not [name for name, text in _texts(form, "ar") if "سؤال مفتوح" in text or "المبدأ التوجيهي" in text]
        assert not [name for name, text in _texts(form, "zh") if "高危农药" in text or "政治优先级低" in text]
        assert not [
            name
            for name, text in _texts(form, "es")
            if "valores umbral del suelo" in text.lower() or "valores umbral nacionales del suelo" in text
        ]


def test_typographic_quotes_reach_the_chat_as_written(threshold_form):
    """pyxform straightens ’ and “ ” in every cell; labels keep them, expressions are still straightened."""
    from bot.survey.loader import load_form_bytes

    intro = next(node for node in threshold_form.iter_nodes() if node.name == "intro").label
    assert "l’INSOP" in intro["French (fr)"] and "“过去两年”" in intro["Chinese (zh)"]
    markdown = (
        "| survey |\n| | type | name | label | relevant |\n| | select_one yn | a | C’est “bon” ? | |\n"
        "| | note | b | Merci d’avoir répondu | ${a} = ‘y’ |\n"
        "| choices |\n| | list_name | name | label |\n| | yn | y | Oui, d’accord |\n| | yn | n | Non |\n"
    )
    form = load_form_bytes(markdown.encode("utf-8"), "quotes.md")
    nodes = {node.name: node for node in form.iter_nodes()}
    assert list(nodes["a"].label.values()) == ["C’est “bon” ?"] and list(nodes["b"].label.values()) == [
        "Merci d’avoir répondu"
    ]
    assert "'y'" in nodes["b"].relevant
    assert list(form.choices["yn"][0].label.values()) == ["Oui, d’accord"]


def test_simple_conditions_read_without_xpath_agree_with_xpath(threshold_form):
    """The engine reads "${a} = 'x' or selected(${b}, 'y')" itself; on every question of a filled-in
    threshold survey (two instruments, eight key values) it must decide as elementpath does."""
    from bot.survey import engine
    from bot.survey.expressions import Instance, simple_condition

    run = run_answers(threshold_form, two_instruments())
    assert run["status"] == "complete"
    state = engine.start(threshold_form, "en")
    for reply in two_instruments():
        while engine.current_prompt(threshold_form, state).kind == "note":
            state = engine.answer(threshold_form, state, None).state
        state = engine.answer(threshold_form, state, reply).state
    counts = {path: info["count"] for path, info in state["repeats"].items()}
    instance = Instance(threshold_form, state["answers"], counts, "en")
    nodes = threshold_form.node_by_path()
    compared = 0
    for path in instance.elements:
        node = nodes.get(path and "/".join(part.split("[")[0] for part in path.split("/")))
        if node is None or not node.relevant or simple_condition(node.relevant) is None:
            continue
        fast = instance._simple_bool(node.relevant, path)
        assert fast is not None, (path, node.relevant)
        assert fast == bool(instance.evaluate(f"boolean({node.relevant})", path)), (path, node.relevant)
        compared += 1
    assert compared > 50


def test_the_common_metals_are_offered_first_and_the_rest_is_typed(threshold_form):
    from bot.survey import engine

    answers = two_instruments()
    start = replies_until(threshold_form, answers, "pollutant")
    state = engine.start(threshold_form, "en")
    for reply in start:
        while engine.current_prompt(threshold_form, state, "en").kind == "note":
            state = engine.answer(threshold_form, state, None).state
        state = engine.answer(threshold_form, state, reply).state
    prompt = engine.current_prompt(threshold_form, state, "en")
    assert prompt.question == "pollutant" and len(prompt.choices) > 40
    assert prompt.featured == ["arsenic", "cadmium", "chromium", "copper", "lead", "mercury", "nickel", "zinc"]
    # Typing still finds any pollutant of the catalogue.
    assert engine.answer(threshold_form, state, "barum").accepted
    # The earlier version marks none: its list is typed as before.
    previous = load_form(FORMS / "previous" / "threshold_survey_2026113003.xlsx")
    assert not any(choice.featured for choice in previous.choices["pollutant"])
