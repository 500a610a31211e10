"""Why a survey step was not taken, worded in the member's language: the engine's refusals (InvalidAnswer
codes) and the survey service's own (StepProblem codes of bot/services/surveys.py)."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from typing import Protocol

_NULL_TRANSLATIONS = gettext.NullTranslations()


class Translations(Protocol):
    """A gettext catalog, as the survey's words read it (gettext.NullTranslations and its kin fit)."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


class Refusal(Protocol):
    """A code and the parameters its words need: an engine's InvalidAnswer or a service's StepProblem."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, str]: ...


def _messages(_) -> dict[str, str]:
    # One text per code; {names} are filled from the error's parameters.
    return {
        "number": _("Please enter a number."),
        "whole_number": _("Please enter a whole number."),
        "date": _("Please enter a date, for example 2024-05-31."),
        "choose_one": _("Please choose one of the options."),
        "no_match": _("I could not match “{answer}” to an option."),
        "choose_some": _("Please choose at least one option."),
        "document": _("Please send the document itself as a file (PDF, Word, Excel or a picture)."),
        "ambiguous_number": _(
            "Did you mean {thousands} or {decimal}? Please type the number again without a thousands separator."
        ),
        "no_open_question": _("This survey has no open question."),
        "rule_too_slow": _(
            "This answer could not be checked: the survey's rule for it takes too long. "
            "Please try a shorter answer or tell a coordinator."
        ),
        "not_allowed": _("This answer is not allowed."),
        "required": _("This answer is required."),
        "yes_or_no": _("Please answer yes or no."),
        "no_more_entries": _("No more entries can be added."),
        "letter_for_digit": _("“{letter}” is a letter, not a digit: type {fixed}."),
        "number_only_before_unit": _(
            "Type the number only, for example {number}: the unit is asked in the next question."
        ),
        "number_only": _("Type the number only, for example {number}."),
    }


def _counted(error: Refusal, ngettext) -> str | None:
    """The message of a code whose words depend on a number (plural forms), or None for other codes."""
    params = error.params
    if error.code == "too_long":
        return ngettext(
            "Please shorten your answer to at most {limit} character (it has {length}).",
            "Please shorten your answer to at most {limit} characters (it has {length}).",
            int(params["limit"]),
        )
    if error.code == "too_long_to_submit":
        return ngettext(
            "The answer to “{question}” is too long: {length} character, at most {limit}. Press it below to change it.",
            "The answer to “{question}” is too long: {length} characters, at most {limit}. "
            "Press it below to change it.",
            int(params["length"]),
        )
    if error.code == "not_stored":
        return ngettext(
            "This could not be stored: an answer is too long (at most {limit} character). Please shorten it.",
            "This could not be stored: an answer is too long (at most {limit} characters). Please shorten it.",
            int(params["limit"]),
        )
    return None


def explain(error: Refusal, tr: Translations | None = None) -> str:
    """The message for a refused reply, in the language of `tr` (the form's own messages as the form words them)."""
    if error.code == "form_message":
        return error.params.get("text", "")
    tr = tr or _NULL_TRANSLATIONS
    template = _counted(error, tr.ngettext) or _messages(tr.gettext)[error.code]
    return template.format(**error.params)


def suggest_cancel(tr: Translations | None = None) -> str:
    """How to ask something else while a survey waits for a choice the typed text did not match."""
    _ = (tr or _NULL_TRANSLATIONS).gettext
    return _("To ask me something else first, send /cancel: your answers are kept, and /resume brings you back here.")
