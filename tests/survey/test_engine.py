"""Unit tests of the survey engine: state as JSON, navigation, stale replies, relevance, robustness."""

import gettext
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.i18n.survey_errors import explain
from bot.i18n.survey_words import synonyms, worded_prompt, wording
from bot.survey import engine
from bot.survey.cli import check_form, dry_run, run_answers
from bot.survey.form import Form, FormError
from bot.survey.loader import load_form
from bot.survey.values import InvalidAnswer

FORMS = Path(__file__).parent / "forms"
SHIPPED = Path(__file__).resolve().parents[2] / "storage" / "forms"
CONFORMANCE = FORMS / "conformance"


@pytest.fixture(scope="module")
def form():
    return load_form(FORMS / "features.md")


def answer_all(form, state, replies):
    for reply in replies:
        while engine.current_prompt(form, state).kind == "note":
            state = engine.answer(form, state, None).state
        result = engine.answer(form, state, reply)
        assert result.accepted, (reply, result.error)
        state = result.state
    return state


def test_state_survives_json_at_every_step(form):
    """A conversation resumed from stored JSON after any step continues identically."""
    replies = [
        "Jo Smith",
        "45",
        "",
        "2024-01-02",
        "north",
        "lille",
        "wheat",
        "2",
        "yes",
        "yes",
        "3",
        "no",
        "no",
        "done",
    ]
    state = engine.start(form, "en")
    for reply in replies:
        stored = json.loads(json.dumps(state.to_dict()))
        assert engine.SurveyState.from_dict(stored) == state
        assert engine.current_prompt(form, stored) == engine.current_prompt(form, state)
        while engine.current_prompt(form, stored).kind == "note":
            stored = engine.answer(form, stored, None).state.to_dict()
        state = engine.answer(form, stored, reply).state
    assert engine.is_complete(form, json.loads(json.dumps(state.to_dict())))


def test_a_state_is_never_changed_by_anyone(form):
    """Operations return new states: neither the caller nor a later step can change one in place."""
    import dataclasses

    state = engine.start(form, "en")
    state = engine.answer(form, state, None).state  # the welcome note
    after = engine.answer(form, state, "Jo Smith").state
    assert "person/name" not in state["answers"] and after.answers["person/name"] == "Jo Smith"
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.cursor = "elsewhere"  # type: ignore[misc]
    with pytest.raises(TypeError):
        after.answers["person/name"] = "Someone else"  # type: ignore[index]
    assert after.to_dict()["answers"]["person/name"] == "Jo Smith"


def test_form_round_trips_through_json(form):
    """A published form stored as JSON runs exactly like the file it came from."""
    restored = Form.from_dict(json.loads(json.dumps(form.to_dict())))
    assert restored == form
    replies = ["Jo Smith", "45", "", "", "south", "Nice", "", "1", "yes", "no", ""]
    assert run_answers(restored, replies, "fr") == run_answers(form, replies, "fr")


def test_prompt_describes_question_choices_progress_and_value(form):
    """The prompt carries label, hint, filtered choices, progress and the current value."""
    state = answer_all(form, engine.start(form, "en"), ["Jo Smith", "45", "", "", "south"])
    prompt = engine.current_prompt(form, state)
    assert (prompt.kind, prompt.question, prompt.type, prompt.required) == ("question", "city", "select_one", True)
    assert prompt.choices == [("nice", "Nice"), ("marseille", "Marseille")]
    assert 1 < prompt.index <= prompt.total
    state = engine.back(form, state)
    prompt = engine.current_prompt(form, state)
    assert (prompt.question, prompt.value, prompt.display_value) == ("region", "south", "South")


def test_translation_falls_back_to_default_language(form):
    """A label missing in French is shown in English, never blank."""
    state = answer_all(form, engine.start(form, "fr"), ["Jo Smith", "45"])
    prompt = engine.current_prompt(form, state)
    assert (prompt.question, prompt.label, prompt.section) == ("height", "Height in metres?", "À propos de vous")
    assert prompt.value == 1.7  # the form's default


def test_note_label_interpolates_later_calculation(form):
    """A note shows values computed by calculations placed after it in the form."""
    state = answer_all(form, engine.start(form, "en"), ["Jo Smith", "45", "", "", "north", "lille", "wheat, maize"])
    prompt = engine.current_prompt(form, state)
    assert prompt.kind == "note"
    assert prompt.label == "You chose 2 crops in lille."


def test_add_another_prompt_and_repeat_position(form):
    """After a repeat instance the engine asks whether to add another; labels use position(..)."""
    state = answer_all(form, engine.start(form, "en"), ["Jo Smith", "20", "", "", "north", "lille", "4", "no"])
    prompt = engine.current_prompt(form, state)
    # The engine words none of its own step: the repeat's title and the codes of its choices, for the adapter.
    assert (prompt.kind, prompt.question, prompt.repeat, prompt.label) == ("add_another", "plot", "Plot", "")
    assert prompt.choices == [("yes", ""), ("no", "")]
    worded = worded_prompt(prompt, gettext.NullTranslations().gettext)
    assert (worded.label, worded.choices) == ("Add another plot?", [("yes", "Yes"), ("no", "No")])
    state = engine.answer(form, state, "yes").state
    prompt = engine.current_prompt(form, state)
    assert (prompt.path, prompt.label, prompt.section) == ("plot[2]/area", "Area of plot 2 (ha)?", "Plot 2")


def test_skip_is_refused_for_required_and_allowed_for_optional(form):
    """Skipping a required question gives its message; an optional one moves on."""
    state = engine.start(form, "en")
    state = engine.answer(form, state, None).state  # the welcome note
    refused = engine.skip(form, state)
    assert not refused.accepted and refused.error == InvalidAnswer(
        "form_message", {"text": "Please tell us your name."}
    )
    state = answer_all(form, state, ["Jo Smith", "45", ""])
    result = engine.skip(form, state)  # the optional visit date
    assert result.accepted
    assert engine.current_prompt(form, result.state).question == "region"


def test_stale_or_duplicated_answer_is_ignored(form):
    """A reply to a question that is no longer current changes nothing."""
    state = answer_all(form, engine.start(form, "en"), ["Jo Smith"])
    result = engine.answer(form, state, "Someone", expected_question="name")
    assert result.stale and not result.accepted
    assert result.state == state
    fresh = engine.answer(form, state, "45", expected_question="age")
    assert fresh.accepted and not fresh.stale


def test_relevance_change_drops_answers(form):
    """Changing an answer so a later question no longer applies removes its answer."""
    state = answer_all(
        form, engine.start(form, "en"), ["Jo Smith", "45", "", "", "north", "lille", "wheat, other", "rice"]
    )
    assert engine.submission_data(form, state)["crops_other"] == "rice"
    state = engine.jump_to(form, state, "age")
    state = engine.answer(form, state, "20").state
    data = engine.submission_data(form, state)
    assert "crops" not in data and "crops_other" not in data
    assert data["age"] == 20


def test_review_lists_answers_with_labels_and_jump_to_returns(form):
    """The review shows what was answered; editing one answer comes back to the review."""
    replies = ["Jo Smith", "45", "", "", "north", "lille", "", "1.5", "yes", "no", ""]
    state = answer_all(form, engine.start(form, "fr"), replies)
    assert engine.current_prompt(form, state).kind == "review"
    items = {item["question"]: item for item in engine.review(form, state)}
    assert items["region"]["display"] == "Nord"
    assert items["area"]["display"] == "1,5"
    assert items["name"]["label"] == "Votre nom ?"
    state = engine.jump_to(form, state, "city")
    assert engine.current_prompt(form, state).value == "lille"
    state = engine.answer(form, state, "Amiens").state
    assert engine.current_prompt(form, state).kind == "review"
    assert engine.submission_data(form, state)["city"] == "amiens"
    with pytest.raises(engine.UnknownQuestionError):
        engine.jump_to(form, state, "no_such_question")


def test_submit_marks_complete(form):
    """Submitting a finished response turns the prompt into 'complete'."""
    state = answer_all(
        form, engine.start(form, "en"), ["Jo Smith", "20", "", "", "north", "lille", "1", "no", "no", ""]
    )
    assert engine.is_complete(form, state)
    assert engine.current_prompt(form, engine.submit(form, state)).kind == "complete"


def test_back_at_first_question_changes_nothing(form):
    """Going back before the first answer keeps the user where they are."""
    state = engine.start(form, "en")
    assert engine.back(form, state) == state


class French(gettext.NullTranslations):
    def gettext(self, message):
        return {
            "Please enter a whole number.": "Veuillez saisir un nombre entier.",
            "Add another {repeat}?": "Ajouter une autre {repeat} ?",
            "Yes": "Volontiers",
            "Other": "Autre",
            "Specify other.": "Précisez.",
        }.get(message, message)


def test_builtin_messages_go_through_gettext(form):
    """The engine's refusals and its own steps are worded from the member's catalog by the adapter."""
    state = answer_all(form, engine.start(form, "fr"), ["Jo Smith"])
    refused = engine.answer(form, state, "douze")
    assert refused.error == InvalidAnswer("whole_number")
    assert explain(refused.error, French()) == "Veuillez saisir un nombre entier."
    state = answer_all(form, state, ["20", "", "", "north", "lille", "1", "oui"])
    prompt = worded_prompt(engine.current_prompt(form, state), French().gettext)
    assert (prompt.label, prompt.choices) == ("Ajouter une autre parcelle ?", [("yes", "Volontiers"), ("no", "No")])


@pytest.mark.parametrize(
    ("typed", "adds"),
    [
        ("是的", True),
        ("好的。", True),
        ("أجل", True),
        ("Да!", True),
        ("不", False),
        ("不是", False),
        ("没有", False),
        ("كلا", False),
    ],
)
def test_yes_and_no_as_members_type_them(form, typed, adds):
    state = answer_all(form, engine.start(form, "fr"), ["Jo Smith", "20", "", "", "north", "lille", "1", "no"])
    result = engine.answer(form, state, typed)
    assert result.accepted, result.error
    assert (engine.current_prompt(form, result.state).path == "plot[2]/area") is adds


def test_typed_words_for_the_engines_own_choices_come_from_the_adapter(form):
    """A member's word for Yes or Other is read only when the adapter gives it (the engine imports no
    catalog): "volontiers" adds a plot, and "autre" picks pyxform's generated Other."""
    state = answer_all(form, engine.start(form, "fr"), ["Jo Smith", "20", "", "", "north", "lille", "1", "no"])
    assert engine.current_prompt(form, state).kind == "add_another"
    assert engine.answer(form, state, "volontiers").error == InvalidAnswer("yes_or_no")
    added = engine.answer(form, state, "VOLONTIERS", synonyms(French().gettext))
    assert added.accepted and engine.current_prompt(form, added.state).path == "plot[2]/area"
    assert engine.answer(form, state, "Oui").accepted  # the codes and matching's words need no catalog

    other = load_form(CONFORMANCE / "specify_other.xlsx")
    start = engine.start(other, "en")
    prompt = engine.current_prompt(other, start)
    assert (prompt.other_choice, prompt.choices[-1]) == ("other", ("other", "Other"))
    assert worded_prompt(prompt, French().gettext).choices[-1] == ("other", "Autre")
    assert not engine.answer(other, start, "autre").accepted
    chosen = engine.answer(other, start, "Autre", synonyms(French().gettext))
    assert chosen.accepted
    specify = engine.current_prompt(other, chosen.state)
    assert (specify.label, specify.specify_other) == ("Specify other.", True)
    assert worded_prompt(specify, French().gettext).label == "Précisez."


def test_pyxform_other_is_shown_back_in_the_adapters_words():
    """An answer of pyxform's generated Other and its "Specify other." question, shown back (the review,
    /mydata), take the adapter's words; without them, pyxform's English (the engine imports no catalog)."""
    other = load_form(CONFORMANCE / "specify_other.xlsx")
    state = answer_all(other, engine.start(other, "en"), ["other", "prefer not to say"])
    words = wording(French().gettext)
    shown = [(item["label"], item["display"]) for item in engine.review(other, state, "en", wording=words)]
    assert shown == [("What sex are you?", "Autre"), ("Précisez.", "prefer not to say")]
    assert [(item["label"], item["display"]) for item in engine.review(other, state, "en")][1:] == [
        ("Specify other.", "prefer not to say")
    ]
    assert engine.describe_answer(other, "sex", "other", "en", words) == ("", "What sex are you?", "Autre")
    assert engine.describe_answer(other, "sex_other", "x", "en", words) == ("", "Précisez.", "x")
    assert engine.describe_answer(other, "sex", "other", "en")[2] == "Other"


def test_unsupported_questions_are_listed_and_skipped(tmp_path):
    """Photo or GPS questions are reported by check_form and not asked when run."""
    source = tmp_path / "photo.md"
    source.write_text(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| | photo | p | Photo |\n| | geopoint | g | Where |\n| | text | b | B |\n"
    )
    code, text = check_form(source)
    assert code == 0 and "Unsupported: p (type 'photo'), g (type 'geopoint')" in text
    result = dry_run(source, ["one", "two"], None)
    assert [step["question"] for step in result["steps"]] == ["a", "b"]
    assert result["status"] == "complete"


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            "| survey |\n| | type | name | label | relevant |\n| | text | a | A | |\n| | text | b | B | ${a} = = 'x' |\n",
            "sheet 'survey', row 3, column 'relevant' of 'b'",
        ),
        (
            "| survey |\n| | type | name | label | relevant |\n| | text | a | A | ${missing} = 1 |\n",
            "[row : 2] On the 'survey' sheet, the 'relevant' value is invalid",
        ),
        (
            "| survey |\n| | type | name | label |\n| | text | a | A |\n| | calculate | c | |\n",
            "sheet 'survey', row 3: Missing calculation.",
        ),
        (
            "| survey |\n| | type | name | label |\n| | select_one nolist | a | A |\n| choices |\n| | list_name | name | label |\n"
            "| | yn | yes | Yes |\n",
            "sheet 'survey', row 2: List name not in choices sheet: nolist",
        ),
    ],
)
def test_broken_form_gives_one_line_naming_the_place(tmp_path, content, expected):
    """A broken form is reported in one line that says where to look, exit code 2."""
    source = tmp_path / "broken.md"
    source.write_text(content)
    with pytest.raises(FormError) as error:
        load_form(source)
    assert "\n" not in str(error.value) and expected in str(error.value)
    code, text = check_form(source)
    assert code == 2 and "\n" not in text and expected in text


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.xlsx")))
def test_shipped_forms_pass_check(path):
    """The shipped forms load cleanly with English, French and Spanish text."""
    code, text = check_form(path)
    assert code == 0, text
    form = load_form(path)
    assert form.form_id in ("insop_thresholds", "insop_lab_sop")
    assert {"English (en)", "French (fr)", "Spanish (es)"} <= set(form.languages)
    assert not form.unsupported_nodes()


REPLIES = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.text(max_size=10), max_size=4),
    st.sampled_from(["yes", "no", "north", "1e400", "-0", "2024-02-30", "Other"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies=st.lists(REPLIES, max_size=25))
def test_random_replies_never_raise(form, replies):
    """Whatever a user types, the engine answers with a result, never an exception."""
    state = engine.start(form, "en")
    for reply in replies:
        result = engine.answer(form, state, reply)
        assert isinstance(result.accepted, bool)
        assert result.accepted or result.error or result.stale
        state = json.loads(json.dumps(result.state.to_dict()))
        engine.current_prompt(form, state)
    engine.review(form, state)
    engine.submission_data(form, state)


def test_refused_answer_leaves_nothing_behind_in_walks_kept_for_reuse(tmp_path):
    """The engine keeps walks of the same answers; a value a constraint refused must not linger in them."""
    source = tmp_path / "limit.md"
    source.write_text(
        "| survey |\n| | type | name | label | hint | constraint | relevant |\n"
        "| | integer | n | How many? | (now: ${n}) | . < 10 | |\n"
        "| | text | many | Why so many? | | | ${n} >= 10 |\n"
        "| | text | last | Anything else? | | | |\n"
    )
    form = load_form(source)
    state = engine.start(form, "en")
    refused = engine.answer(form, state, "50")
    assert not refused.accepted
    assert engine.current_prompt(form, refused.state).hint == "(now: )"
    accepted = engine.answer(form, refused.state, "5")
    assert accepted.accepted
    assert engine.current_prompt(form, accepted.state).question == "last"


def test_kept_walks_give_the_same_conversation_as_fresh_ones(form, monkeypatch):
    replies = [
        "Jo Smith",
        "45",
        "",
        "2024-01-02",
        "north",
        "lille",
        "wheat",
        "2",
        "yes",
        "yes",
        "3",
        "no",
        "no",
        "done",
    ]

    def conversation():
        state, seen = engine.start(form, "en"), []
        for reply in replies:
            while engine.current_prompt(form, state).kind == "note":
                state = engine.answer(form, state, None).state
            seen.append(engine.current_prompt(form, state))
            state = engine.answer(form, state, reply).state
        return seen, state

    engine.WALKS.clear()
    with monkeypatch.context() as patch:
        patch.setattr(engine, "REFRESH_CACHE_SIZE", 0)  # every walk evicted at once: nothing reused
        fresh = conversation()
    assert not len(engine.WALKS)
    assert conversation() == fresh  # first run fills the kept walks
    assert conversation() == fresh  # second run reuses them


# A form naming the chosen crop with jr:choice-name() in a later label, in English and French.
CROPS_FORM = (
    "| survey |\n| | type | name | label::English (en) | label::Français (fr) | calculation |\n"
    "| | select_one crop | crop | Which crop? | Quelle culture ? | |\n"
    "| | calculate | crop_label | | | jr:choice-name(${crop}, '${crop}') |\n"
    "| | text | why | Why ${crop_label}? | Pourquoi ${crop_label} ? | |\n"
    "| choices |\n| | list_name | name | label::English (en) | label::Français (fr) |\n"
    "| | crop | wheat | Wheat | Blé |\n| | crop | maize | Maize | Maïs |\n"
)


def crops_form(tmp_path):
    source = tmp_path / "crops.md"
    source.write_text(CROPS_FORM)
    return source


def test_choice_name_gives_the_chosen_label_in_the_members_language(tmp_path):
    """jr:choice-name(), common in KoboToolbox forms, names the chosen option as the member reads it."""
    source = crops_form(tmp_path)
    form = load_form(source)
    assert check_form(source)[0] == 0
    for lang, reply, question in (("en", "Maize", "Why Maize?"), ("fr", "blé", "Pourquoi Blé ?")):
        result = engine.answer(form, engine.start(form, lang), reply)
        assert result.accepted, result.error
        assert engine.current_prompt(form, result.state).label == question


def test_walks_reading_the_clock_are_walked_again_at_the_time_given(tmp_path):
    """Kept walks must not freeze now(): the same answers at a later time given give the later time."""
    import datetime

    source = tmp_path / "clock.md"
    source.write_text(
        "| survey |\n| | type | name | label | calculation |\n| | calculate | stamp | | now() |\n| | text | a | A | |\n"
    )
    form = load_form(source)
    earlier = engine.start(form, "en", now=datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC))
    later = engine.start(form, "en", now=datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC))
    assert earlier["answers"]["stamp"].startswith("2026-05-01")
    assert later["answers"]["stamp"].startswith("2030-01-01")


def test_a_constraint_reading_today_checks_against_the_time_given_and_walks_are_still_kept(tmp_path):
    """today() in a constraint reads the caller's clock, and does not stop the form's walks from being reused."""
    import datetime

    source = tmp_path / "year.md"
    source.write_text(
        "| survey |\n| | type | name | label | constraint |\n"
        "| | integer | year | Year? | . <= number(substring(today(), 1, 4)) |\n"
        "| | text | a | A | |\n"
    )
    form = load_form(source)
    in_2026 = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)
    in_2030 = datetime.datetime(2030, 5, 1, 12, tzinfo=datetime.UTC)
    state = engine.start(form, "en", now=in_2026)
    assert engine.answer(form, state, "2029", now=in_2026).error == InvalidAnswer("not_allowed")
    assert engine.answer(form, state, "2029", now=in_2030).accepted
    engine.WALKS.clear()
    engine.current_prompt(form, state, now=in_2026)
    assert len(engine.WALKS) == 1  # the walk never read the clock: kept


def test_choice_name_follows_the_language_asked_for(tmp_path):
    source = crops_form(tmp_path)
    form = load_form(source)
    state = engine.answer(form, engine.start(form, "en"), "Wheat").state
    assert engine.current_prompt(form, state, "fr").label == "Pourquoi Blé ?"


def test_a_typed_symbol_or_name_matches_a_label_with_brackets():
    from bot.survey.matching import match_choice

    options = [("cadmium", ["الكادميوم (Cd)"]), ("lead", ["Plomb (Pb)"]), ("a", ["Alpha (x)"]), ("b", ["Beta (x)"])]
    assert match_choice("Cd", options) == "cadmium"
    assert match_choice("plomb", options) == "lead"
    assert match_choice("x", options) is None  # two options share it: ask again rather than guess
    legal = [("in_force", ["Yes, in force"]), ("draft", ["No, a draft"]), ("none", ["No, none"])]
    assert match_choice("yes", legal) == "in_force"  # the words before the comma, when one option has them
    assert match_choice("no", legal) is None  # two options start with "No": ask again


def _progress_walk(form, replies):
    """(question, part, parts, entry, question number, questions) of every question asked on the way."""
    state, seen = engine.start(form, "en"), []
    for reply in replies:
        while (prompt := engine.current_prompt(form, state)).kind == "note":
            state = engine.answer(form, state, None).state
        if prompt.kind == "question":
            seen.append(
                (prompt.question, prompt.part, prompt.parts, prompt.entry, prompt.part_question, prompt.part_questions)
            )
        result = engine.answer(form, state, reply)
        assert result.accepted, (reply, result.error)
        state = result.state
    return seen


def test_progress_counts_each_repeat_entry_and_never_changes_a_total(form):
    """Issue 17: the numbers come from the form's structure. A question that stops applying (crops, asked from
    30 years of age) is skipped over without changing its part's total, and each plot counts as its own entry."""
    older = _progress_walk(form, ["Jo Smith", "45", "", "", "north", "lille", "wheat", "2", "yes", "yes", "3", "no"])
    younger = _progress_walk(form, ["Jo Smith", "25", "", "", "north", "lille", "2", "yes", "yes", "3", "no", "no"])
    assert older[:4] == [
        ("name", 1, 4, 0, 1, 4),
        ("age", 1, 4, 0, 2, 4),
        ("height", 1, 4, 0, 3, 4),
        ("visit", 1, 4, 0, 4, 4),
    ]
    assert ("crops", 2, 4, 0, 3, 4) in older
    assert [step for step in younger if step[0] in ("region", "city", "area")][:3] == [
        ("region", 2, 4, 0, 1, 4),
        ("city", 2, 4, 0, 2, 4),
        ("area", 3, 4, 1, 1, 2),  # the crops skipped: part 2 kept its total of 4 and simply ended
    ]
    plots = [step for step in older if step[1] == 3]
    assert plots == [
        ("area", 3, 4, 1, 1, 2),
        ("irrigated", 3, 4, 1, 2, 2),
        ("area", 3, 4, 2, 1, 2),
        ("irrigated", 3, 4, 2, 2, 2),
    ]


def test_a_short_word_is_no_misspelling_of_a_short_code():
    """ "the" scored 80 against Thailand's code "th" and was stored as the country answered about."""
    from bot.survey.matching import match_choice

    options = [("TH", ["Thailand"]), ("MX", ["Mexico"]), ("KE", ["Kenya"])]
    assert match_choice("the", options) is None and match_choice("x", options) is None
    assert match_choice("th", options) == "TH"  # the code itself, exactly
    assert match_choice("Thailnd", options) == "TH" and match_choice("Keyna", options) == "KE"
