"""Each of the six languages end to end: /start, a lookup, the first survey questions, no English left."""

from __future__ import annotations

import re

import pytest

from bot.console import plain

# Words that only English has among the six languages; finding one means an untranslated text.
ENGLISH_ONLY = {
    "the",
    "and",
    "your",
    "you",
    "which",
    "what",
    "please",
    "values",
    "land",
    "soil",
    "limit",
    "answer",
    "country",
    "survey",
    "recorded",
    "found",
    "with",
    "this",
    "that",
    "here",
    "choose",
    "welcome",
    "hello",
    "back",
    "skip",
    "submit",
    "about",
    "of",
    "value",
    "role",
    "language",
}
WORD = re.compile(r"[A-Za-z]+")
COMMAND = re.compile(r"/[a-z_]+")

SCENARIOS = {
    # language: (country typed, role button (focal points are appointed, not chosen), lookup query, expected value in the lookup answer)
    "fr": ("Canada", "Membre de", "plomb sol industriel Canada", "600"),
    "es": ("Canadá", "Miembro", "límite de cadmio en suelo agrícola en Canadá", "1,4"),
    "ru": ("Канада", "Участник", "свинец промышленные земли Китай", "800"),
    "zh": ("加拿大", "INSOP 成员", "中国农用地镉筛选值", "0.3"),
    "ar": ("كندا", "عضو", "حد الكادميوم في التربة الزراعية في كندا", "1.4"),
}


def shown(calls) -> list[str]:
    """Everything the user read: texts, alerts and button labels, as plain text."""
    seen = []
    for call in calls:
        if call.text:
            seen.append(plain(call.text))
        if call.keyboard is not None:
            seen += [button.text for row in call.keyboard.inline_keyboard for button in row]
    return seen


def english_words(texts: list[str], data_strings: list[str]) -> set[str]:
    found = set()
    for text in texts:
        for data in sorted(data_strings, key=len, reverse=True):
            if data:
                text = text.replace(data, " ")  # the sources' own wording (instrument, citation) is quoted as is
        text = COMMAND.sub(" ", text)  # /survey, /language are commands, not words
        found |= {word.lower() for word in WORD.findall(text) if word.lower() in ENGLISH_ONLY}
    return found


@pytest.mark.slow  # the whole survey walked in each of the five languages besides English
@pytest.mark.parametrize("language", sorted(SCENARIOS))
async def test_whole_walk_in_one_language_leaves_no_english(harness, user_id, language):
    from bot.lookup import read_thresholds_csv
    from tests.conftest import ROOT

    country, role, query, expected = SCENARIOS[language]
    user = harness.user(user_id, language=language, name="Ana")
    seen = shown(await harness.send(user, "/start"))
    seen += shown(await harness.type_country(user, country, country[:3]))
    seen += shown(await harness.press(user, role))
    answer = shown(await harness.send(user, query))
    assert any(expected in text for text in answer), answer
    seen += answer
    seen += shown(await harness.send(user, "/survey"))
    seen += shown(await harness.press(user, "INSOP"))
    seen += shown(await harness.send(user, "/skip"))

    records = read_thresholds_csv(ROOT / "storage/seed/reference_thresholds.csv")
    data_strings = [
        value
        for record in records
        for value in (
            record.instrument,
            record.source,
            record.conditions,
            record.value_type_original,
            record.land_use_original,
            record.legal_status_original,
            record.year_original,
            record.jurisdiction_level_original,
            record.basis_original,
        )
    ]
    left = english_words(seen, data_strings)
    assert left == set(), f"English words {sorted(left)} in:\n" + "\n---\n".join(
        text for text in seen if english_words([text], data_strings)
    )
