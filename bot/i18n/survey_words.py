"""The words of the survey engine's own steps, in the member's language: "Add another …?" with Yes and No,
and pyxform's English-only "Other" and "Specify other.". The engine gives codes and marks; these put the
catalog's words in (a prompt shown, an answer trail read back), give them to the engine where it shows an
answer back (`wording`) and read the member's typed words back as codes (`synonyms`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.survey.engine import Prompt, Synonyms, Wording, describe_answer
from bot.survey.form import Form

Gettext = Callable[[str], str]


def mid_sentence(title: str) -> str:
    """A repeat's title inside a sentence: "Key value" reads "key value" ("Add another key value?"); an acronym
    ("GLOSOLAN lab"), a name with capitals inside or a script without case is left as it is."""
    first, rest = title[:1], title[1:2]
    return first.lower() + title[1:] if first.isupper() and rest.islower() else title


def add_another_question(repeat: str, _: Gettext) -> str:
    """An add-another step as the member is asked it: "Add another key value?"."""
    return _("Add another {repeat}?").format(repeat=mid_sentence(repeat))


def add_another_choice(code: str, _: Gettext) -> str:
    """An add-another button by its code ("yes" reads "Yes"); anything else as it is."""
    return {"yes": _("Yes"), "no": _("No")}.get(code, code)  # the codes of the engine's ADD_ANOTHER_CHOICES


def worded_prompt(prompt: Prompt, _: Gettext) -> Prompt:
    """The prompt with the engine's own steps and pyxform's English-only texts in the member's words."""
    if prompt.kind == "add_another":
        return replace(
            prompt,
            label=add_another_question(prompt.repeat, _),
            choices=[(code, add_another_choice(code, _)) for code, _label in prompt.choices],
        )
    if not prompt.specify_other and not prompt.other_choice:
        return prompt
    words = wording(_)
    return replace(
        prompt,
        label=words["specify_other"] if prompt.specify_other else prompt.label,
        choices=[(name, words["other"] if name == prompt.other_choice else label) for name, label in prompt.choices],
    )


def wording(_: Gettext) -> Wording:
    """pyxform's English-only texts in the member's language, by the engine's code: its generated Other
    choice and the "Specify other." question that follows it."""
    return {"other": _("Other"), "specify_other": _("Specify other.")}


def worded_answer(form: Form, path: str, value: Any, lang: str | None, _: Gettext) -> str:
    """A stored answer as the member reads it, pyxform's Other in their words (the question's current
    answer, the answer just given)."""
    described = describe_answer(form, path, value, lang, wording(_))
    return described[2] if described is not None else str(value)


def synonyms(_: Gettext) -> Synonyms:
    """What the member may type for the engine's own choices in their language, by code (the engine also
    reads each code and yes or no in the languages of `bot.survey.matching`)."""
    return {
        "yes": frozenset({_("yes"), _("Yes")}),
        "no": frozenset({_("no"), _("No")}),
        "other": frozenset({_("Other")}),
    }
