"""Typed numbers with thousands separators: never silently a thousand times too small."""

from pathlib import Path

import pytest

from bot.i18n.survey_errors import explain
from bot.survey import engine
from bot.survey.loader import load_form
from bot.survey.values import AmbiguousNumber, InvalidAnswer, parse_decimal, parse_integer

FORMS = Path(__file__).parent / "forms"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1 000", 1000),
        ("1\u202f000", 1000),
        ("1,000,000", 1_000_000),
        ("1.000.000", 1_000_000),
        ("1,000.5", 1000.5),
        ("1.000,5", 1000.5),
        ("1 000,5", 1000.5),
        ("1,00,000", 100_000),
        ("1,5", 1.5),
        ("0,500", 0.5),
        ("1.5", 1.5),
        ("1234,567", 1234.567),
        ("٣٫٥", 3.5),
        ("12", 12),
    ],
)
def test_unambiguous_numbers_are_read_right(typed, expected):
    assert parse_decimal(typed, "en") == expected
    assert parse_decimal(typed, "fr") == expected


@pytest.mark.parametrize(
    "typed, thousands, decimal_en, decimal_fr",
    [
        ("1,000", "1000", "1.0", "1,0"),
        ("1.000", "1000", "1.0", "1,0"),
        ("2,500", "2500", "2.5", "2,5"),
        ("1,234", "1234", "1.2340", "1,2340"),
        ("-2.500", "-2500", "-2.5", "-2,5"),
    ],
)
def test_a_separator_that_reads_two_ways_is_asked_back(typed, thousands, decimal_en, decimal_fr):
    for locale, decimal in (("en", decimal_en), ("fr", decimal_fr)):
        with pytest.raises(AmbiguousNumber) as asked:
            parse_decimal(typed, locale)
        assert asked.value.params == {"thousands": thousands, "decimal": decimal}
        # Either reading, typed back as offered, is read without a question.
        assert parse_decimal(thousands, locale) == float(thousands)
        assert parse_decimal(decimal, locale) == pytest.approx(float(decimal.replace(",", ".")))


def test_integers_take_the_only_whole_reading_and_ask_otherwise():
    assert parse_integer("2,019") == 2019
    assert parse_integer("1 000") == 1000
    with pytest.raises(AmbiguousNumber):
        parse_integer("1.000")
    with pytest.raises(InvalidAnswer):
        parse_integer("2.5")


def test_the_question_is_asked_in_the_members_language():
    form = load_form(FORMS / "features.md")
    state = engine.answer(form, engine.start(form, "fr"), None).state  # past the welcome note
    state = engine.answer(form, state, "Léa Martin").state
    state = engine.answer(form, state, "33").state
    result = engine.answer(form, state, "1,000")
    assert not result.accepted and explain(result.error) == (
        "Did you mean 1000 or 1,0? Please type the number again without a thousands separator."
    )
    assert engine.current_prompt(form, result.state).question == "height"  # asked again, nothing stored
    result = engine.answer(form, result.state, "1,0")
    assert result.accepted and result.state["answers"]["person/height"] == 1.0


def test_every_refusal_code_has_its_words():
    """Each InvalidAnswer code the engine can give is worded by the adapter (the form's own text as it is)."""
    from typing import get_args

    from bot.survey.values import ErrorCode

    params = {"answer": "x", "thousands": "1000", "decimal": "1.0", "text": "As the form says."}
    for code in get_args(ErrorCode):
        worded = explain(InvalidAnswer(code, params))
        assert worded and worded != code, code
    assert explain(InvalidAnswer("form_message", {"text": "As the form says."})) == "As the form says."
    assert explain(InvalidAnswer("no_match", {"answer": "zinc"})) == "I could not match “zinc” to an option."


def test_every_step_problem_of_the_service_has_its_words():
    """The survey service words nothing either: each of its StepProblem codes is worded by the adapter, with
    the plural its number needs."""
    from typing import get_args

    from bot.services.surveys import StepProblem, StepProblemCode

    params = {"limit": "1", "length": "7", "question": "Name", "letter": "O", "fixed": "2019", "number": "3"}
    for code in get_args(StepProblemCode):
        worded = explain(StepProblem(code, params))
        assert worded and worded != code and "{" not in worded, code
    assert explain(StepProblem("number_only", {"number": "3"})) == "Type the number only, for example 3."
    assert explain(StepProblem("too_long", {"limit": "1", "length": "7"})) == (
        "Please shorten your answer to at most 1 character (it has 7)."
    )
    assert explain(StepProblem("too_long", {"limit": "40", "length": "70"})) == (
        "Please shorten your answer to at most 40 characters (it has 70)."
    )


def test_numbers_are_echoed_without_grouping():
    """After "1,000 — 1000 or 1.0?", the echo must not say "1,000" again: numbers are shown ungrouped."""
    from bot.survey.values import format_number

    assert format_number(1000.0, "en") == "1000"
    assert format_number(1234567.25, "en") == "1234567.25"
    assert format_number(1000.5, "fr") == "1000,5"
    assert format_number(2019, "en") == "2019"


def test_a_number_too_small_to_keep_is_refused_not_read_as_zero():
    """ "1e-400" underflowed to 0 and was stored as pH 0; a plain 0 is still zero."""
    with pytest.raises(InvalidAnswer):
        parse_decimal("1e-400")
    assert parse_decimal("0") == 0 and parse_decimal("0,0") == 0 and parse_decimal("1e-3") == 0.001
