"""Match typed text to a choice by name or label: exact first, then fuzzy (rapidfuzz)."""

from __future__ import annotations

import unicodedata
from collections.abc import Set
from typing import Any

from rapidfuzz import fuzz, process

FUZZY_CUTOFF = 80.0
FUZZY_MIN_LENGTH = 4
# Yes and no as members of the six languages type them ("是的", "不是", "أجل", "كلا"), besides the catalogs' words.
YES_WORDS = {
    "yes",
    "y",
    "true",
    "1",
    "oui",
    "si",
    "sí",
    "да",
    "是",
    "是的",
    "对",
    "好",
    "好的",
    "نعم",
    "أجل",
    "بلى",
    "ok",
}
NO_WORDS = {"no", "n", "false", "0", "non", "нет", "否", "不", "不是", "没有", "不要", "لا", "كلا", "ne"}


def normalize(text: str) -> str:
    """Fold case and accents and squeeze spaces, so 'Élevé ' matches 'eleve'."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def match_choice(text: str, options: list[tuple[str, list[str]]]) -> str | None:
    """Return the name of the option whose name or a label matches text, or None."""
    wanted = str(text).strip()
    if not wanted:
        return None
    for name, _labels in options:
        if name == wanted:
            return name
    folded = normalize(wanted)
    for name, labels in options:
        if normalize(name) == folded or any(normalize(label) == folded for label in labels):
            return name
    # "Cadmium (Cd)": its name alone or its symbol alone, when only one option has it.
    parts = {name for name, labels in options if any(folded in _label_parts(label) for label in labels)}
    if len(parts) == 1:
        return parts.pop()
    # Fuzzy only between words long enough to be misspelt: "the" is no misspelling of the code "th" (Thailand).
    if len(folded) < FUZZY_MIN_LENGTH:
        return None
    candidates: dict[int, str] = {}
    owners: list[str] = []
    for name, labels in options:
        for label in [*labels, name.replace("_", " ")]:
            if len(normalize(label)) >= FUZZY_MIN_LENGTH:
                candidates[len(owners)] = normalize(label)
            owners.append(name)
    results = process.extract(folded, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
    if not results:
        return None
    best_score = results[0][1]
    best_names = {owners[key] for _text, score, key in results if score == best_score}
    return best_names.pop() if len(best_names) == 1 else None


def _label_parts(label: str) -> tuple[str, ...]:
    """The words before a bracket and the bracket's content: ("cadmium", "cd") for "Cadmium (Cd)"; the words
    before a comma: ("yes",) for "Yes, in force"."""
    text = str(label)
    parts: tuple[str, ...] = ()
    head, bracket, rest = text.partition("(")
    if bracket and ")" in rest:
        parts = (normalize(head), normalize(rest.split(")", 1)[0]))
    before, comma, _after = text.partition(",")
    if comma and before.strip():
        parts += (normalize(before),)
    return parts


_YES = frozenset(map(normalize, YES_WORDS))  # folded as typed words are ("أجل" loses its hamza)
_NO = frozenset(map(normalize, NO_WORDS))


def match_yes_no(text: Any, extra_yes: Set[str] = frozenset(), extra_no: Set[str] = frozenset()) -> bool | None:
    """Read a yes/no reply in English, a translated word, or a boolean; None when unclear."""
    if isinstance(text, bool):
        return text
    folded = normalize(str(text)).strip(" .!。！")
    if folded in _YES or folded in {normalize(word) for word in extra_yes}:
        return True
    if folded in _NO or folded in {normalize(word) for word in extra_no}:
        return False
    return None
