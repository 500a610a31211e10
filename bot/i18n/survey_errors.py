"""The survey engine's refusals (InvalidAnswer codes) worded in the member's language."""

from __future__ import annotations

import gettext

from bot.survey.engine import Translations
from bot.survey.values import InvalidAnswer

_NULL_TRANSLATIONS = gettext.NullTranslations()


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
    }


def explain(error: InvalidAnswer, tr: Translations | None = None) -> str:
    """The message for a refused reply, in the language of `tr` (the form's own messages as the form words them)."""
    if error.code == "form_message":
        return error.params.get("text", "")
    template = _messages((tr or _NULL_TRANSLATIONS).gettext)[error.code]
    return template.format(**error.params)
