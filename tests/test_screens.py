"""The key screens in each of the six languages, through the real dispatcher, checked for typography and direction.

Greeting, /help, lookup answers (values, a comparison, a country overview), a survey question and the
survey's review screen, and a coordinator's /stats. Every text and button the user sees must have:
- no ASCII list separator in Arabic or Chinese ("،" / "、" / "，" instead);
- French narrow no-break spaces before : ; ! ? and inside « »;
- balanced bidi isolates;
- in Arabic, every line laid out right to left (Telegram takes a line's direction from its first strong character).
Source data quoted as is (instrument titles, sources, conditions in their original language) is left out of the checks.
"""

from __future__ import annotations

import html
import re

import pytest

from bot.callbacks import SurveyStep
from bot.config import Settings
from bot.i18n.typography import french_spacing_problems, paragraph_direction, unbalanced_isolates
from bot.lookup import read_thresholds_csv
from tests.conftest import ROOT
from tests.harness import BotHarness

COORDINATOR_BASE = 914_000
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
SCREENS = {
    # language: (country typed, role button (focal points are appointed, not chosen), lookup with values, comparison without a country, country alone)
    "en": ("Canada", "INSOP member", "Pb industrial Canada", "cadmium agricultural", "China"),
    "fr": ("Canada", "Membre de", "plomb sol industriel Canada", "cadmium agricole", "Chine"),
    "es": ("Canadá", "Miembro", "límite de cadmio en suelo agrícola en Canadá", "cadmio agrícola", "China"),
    "ru": ("Канада", "Участник", "свинец промышленные земли Китай", "кадмий сельскохозяйственные", "Китай"),
    "zh": ("加拿大", "INSOP 成员", "中国农用地镉筛选值", "农用地镉", "中国"),
    "ar": ("كندا", "عضو", "حد الكادميوم في التربة الزراعية في كندا", "الكادميوم الزراعية", "الصين"),
}
TYPED = "2019"  # what the survey walk types into text and number questions
ASCII_LIST_COMMA = re.compile(r"(?<!\d),|,(?!\d)")  # a comma that is not a digit group separator
TAG = re.compile(r"<[^>]*>")


@pytest.fixture(scope="module")
async def harness(database_url, module_storage):
    coordinators = ",".join(str(COORDINATOR_BASE + index) for index in range(len(LANGUAGES)))
    settings = Settings(
        _env_file=None, database_url=database_url, coordinator_ids=coordinators, bot_token=None, heavy_workers=0
    )
    harness = await BotHarness.start(settings, module_storage)
    yield harness
    await harness.close()


@pytest.fixture(scope="module")
def data_strings() -> list[str]:
    """Source wording shown as is, longest first (it is not the bot's text to typeset)."""
    records = read_thresholds_csv(ROOT / "storage/seed/reference_thresholds.csv")
    values = {
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
            record.jurisdiction_name,
        )
        if value
    }
    return sorted(values, key=len, reverse=True)


BUTTON = "\x00button\x00"  # marks a button label among the texts (a label is one line with its own direction)


def seen(calls) -> list[str]:
    """Texts, captions, alerts and button labels the user saw."""
    texts = []
    for call in calls:
        if call.text:
            texts.append(call.text)
        if call.keyboard is not None:
            texts += [BUTTON + button.text for row in call.keyboard.inline_keyboard for button in row]
    return texts


def problems(language: str, texts: list[str], data: list[str]) -> list[str]:
    found = []
    for text in texts:
        button = text.startswith(BUTTON)
        text = text.removeprefix(BUTTON)
        if unbalanced_isolates(text):
            found.append(f"unbalanced bidi isolates: {text!r}")
        if language == "ar" and not button:
            for line in text.split("\n"):
                if TAG.sub("", line).strip() and paragraph_direction(line) != "rtl":
                    found.append(f"line laid out left to right: {line!r}")
        own = html.unescape(TAG.sub("", text))
        for quoted in data:
            own = own.replace(quoted, " ")
        own = own.replace(TYPED, " ")
        if language in ("ar", "zh"):
            for match in ASCII_LIST_COMMA.finditer(own):
                found.append(f"ASCII comma: {own[max(0, match.start() - 20) : match.end() + 20]!r}")
        if language == "fr":
            found += [f"French spacing: {excerpt!r}" for excerpt in french_spacing_problems(own)]
    return found


def _newest_keyboard(harness: BotHarness, chat_id: int):
    for call in reversed(harness.api.calls):
        if call.chat_id == chat_id and call.keyboard is not None:
            return call
    return None


FALLBACKS = ("name@example.org", "2020", "1", "Cd", "https://example.org", "/skip")


async def walk_survey(harness: BotHarness, user) -> tuple[list[str], list[str]]:
    """Open the first survey offered and answer until the review screen: (first question screen, review screen).

    Buttons are chosen by position, so the walk follows whatever form is published: the first choice,
    or the last one for a question seen before (so a repeat ends); two ticks (not the first) and Done for a multiple
    choice; TYPED for text and numbers, /skip where that is refused.
    """
    calls = await harness.send(user, "/survey")
    offer = next(
        button
        for call in calls
        if call.keyboard
        for row in call.keyboard.inline_keyboard
        for button in row
        if (button.callback_data or "").startswith("svo:")
    )
    calls = await harness.press(user, data=offer.callback_data)
    first_question = seen(calls)
    asked: set[str] = set()
    attempts = 0
    for _step in range(120):
        newest = _newest_keyboard(harness, user.id)
        buttons = (
            [
                button
                for row in newest.keyboard.inline_keyboard
                for button in row
                if (button.callback_data or "").startswith("svs:")
            ]
            if newest
            else []
        )
        steps = [(button, SurveyStep.unpack(button.callback_data)) for button in buttons]
        if any(step.action == "S" for _button, step in steps):
            return first_question, seen([newest])
        last_text = (
            next(call.text for call in reversed(calls) if call.text and call.chat_id == user.id) if calls else ""
        )
        choose = [button for button, step in steps if step.action == "c"]
        toggles = [button for button, step in steps if step.action == "t"]
        done = [button for button, step in steps if step.action == "d"]
        refused = any(call.text.startswith("⚠️") for call in calls if call.text)
        if toggles:
            # Two ticks past the first option (often an exclusive "None"); once only, should Done be refused.
            for button in (toggles[1:3] if len(toggles) > 2 else toggles[-1:]) if not refused else ():
                await harness.press(user, data=button.callback_data)
            calls = await harness.press(user, data=done[0].callback_data)
        elif choose:
            label = "".join(re.findall(r"<b>(.*?)</b>", last_text))  # the question, without its number
            pick = choose[-1] if label in asked else choose[0]
            asked.add(label)
            calls = await harness.press(user, data=pick.callback_data)
        elif refused and attempts < len(FALLBACKS):
            # TYPED was refused: an address, a year or a number, or the question is optional (a link, say).
            attempts += 1
            calls = await harness.send(user, FALLBACKS[attempts - 1])
        else:
            attempts = 0
            calls = await harness.send(user, TYPED)
    raise AssertionError("the survey walk did not reach the review screen")


@pytest.mark.slow  # the whole survey walked in each of six languages
@pytest.mark.parametrize("language", LANGUAGES)
async def test_key_screens_are_typeset_for_the_language(harness, user_id, data_strings, language):
    country, role, values_query, comparison_query, country_query = SCREENS[language]
    user = harness.user(user_id, language=language, name="Ana")
    screens: dict[str, list[str]] = {}
    screens["greeting"] = seen(await harness.send(user, "/start"))
    screens["role question"] = seen(await harness.type_country(user, country, country[:3]))
    screens["profile"] = seen(await harness.press(user, role))
    screens["help"] = seen(await harness.send(user, "/help"))
    screens["lookup"] = seen(await harness.send(user, values_query))
    screens["comparison"] = seen(await harness.send(user, comparison_query))
    screens["overview"] = seen(await harness.send(user, country_query))
    screens["question"], screens["review"] = await walk_survey(harness, user)

    coordinator = harness.user(COORDINATOR_BASE + LANGUAGES.index(language), language=language, name="Coco")
    screens["stats"] = seen(await harness.send(coordinator, "/stats"))

    assert all(screens.values()), {name: texts for name, texts in screens.items() if not texts}
    if language == "ar":  # the checks below must have something to bite on
        assert any("، " in text or " و" in text for text in screens["overview"] + screens["comparison"]), screens[
            "overview"
        ]
    found = {name: problems(language, texts, data_strings) for name, texts in screens.items()}
    found = {name: items for name, items in found.items() if items}
    assert not found, f"{language}:\n" + "\n".join(
        f"[{name}] {item}" for name, items in found.items() for item in items
    )


def test_the_checks_catch_what_they_are_for(data_strings):
    """Each check fails on the mistake it is there for (the screens above must not pass vacuously)."""
    assert problems("ar", ["(الأراضي الزراعية, pH ≤ 5.5)"], data_strings)
    assert problems("zh", ["（农用地, pH ≤ 5.5）"], data_strings)
    assert not problems("zh", ["（农用地、pH ≤ 5.5）1,400"], data_strings)
    assert problems("fr", ["Pays : Kenya"], data_strings)
    assert problems("en", ["\u2068Kenya"], data_strings)
    assert problems("ar", ["/start: إعداد ملفك الشخصي"], data_strings)
    assert not problems("ar", ["\u200f/start: إعداد ملفك الشخصي"], data_strings)
