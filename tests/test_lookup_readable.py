"""Issue 17, lookups a field worker can read: through the real dispatcher, reading what the user sees.

The first screen fits a phone and leads with the value asked for; conditions and sources are behind
[Details]; source wording is marked; no jurisdiction both applies and does not; an unknown pollutant
is named; "is it safe?" is answered with values and no verdict; greetings get the help screen.
"""

from __future__ import annotations

import re

import pytest

from tests.harness import BotHarness


async def member(harness: BotHarness, user_id: int, country: str = "Kenya", language: str = "en"):
    user = harness.user(user_id, language=language)
    await harness.onboard(user, country, "INSOP member" if language == "en" else "INSOP")
    return user


def buttons(call) -> list[str]:
    return [button.text for row in call.keyboard.inline_keyboard for button in row] if call.keyboard else []


def plain(text: str) -> str:
    """The text as the phone shows it: tags and direction marks gone."""
    return re.sub(r"<[^>]+>|[\u2068\u2069\u200f]", "", text).replace("&lt;", "<").replace("&gt;", ">")


async def test_the_first_screen_fits_a_phone_and_leads_with_a_limit_not_the_intervention_value(harness, user_id):
    """ "cadmum netherlands" gave 44 lines opening with the 13 mg/kg intervention value."""
    user = await member(harness, user_id)
    calls = await harness.send(user, "cadmum netherlands")
    messages = harness.texts(calls)
    assert len(messages) == 1
    screen = plain(messages[0])
    assert len(screen.splitlines()) <= 14, screen
    values = [line for line in screen.splitlines() if line.startswith("• ")]
    assert values[0].startswith("• 1.2 mg/kg — maximum value, residential land"), values
    assert screen.index("1.2 mg/kg") < screen.index("13 mg/kg — intervention value")
    assert screen.index("0.6 mg/kg — background value") > screen.index("13 mg/kg")  # background is no limit
    assert "Tier 1, soil protection: a precautionary value" in screen  # what the first value means
    assert "Source:" not in screen and "standard soil" not in screen  # sources and conditions wait behind Details
    assert buttons(calls[-1]) == ["🔎 Details and sources ▸", "📊 Compare countries"]

    details = plain("\n".join(harness.texts(await harness.press(user, "Details"))))
    assert "Source: https://wetten.overheid.nl/BWBR0023085" in details
    # The instrument's own Dutch words are marked as such, not mixed into the reply as if translated.
    assert "In the source's own words (not translated): “maximum value (maximale waarde wonen)" in details
    assert "Conditions, as written in the source (not translated): standard soil" in details
    assert "EU law that also applies in Netherlands (Kingdom of the):" in details


async def test_ph_bands_fold_into_one_line(harness, user_id):
    user = await member(harness, user_id)
    screen = plain("\n".join(harness.texts(await harness.send(user, "中国农用地镉筛选值"))))
    assert (
        "• pH ≤ 5.5: 0.3 · 5.5 < pH ≤ 6.5: 0.3 · 6.5 < pH ≤ 7.5: 0.3 · pH > 7.5: 0.6 mg/kg — screening value" in screen
    )
    assert len(screen.splitlines()) <= 8


async def test_source_wording_is_marked_in_every_language(harness, user_id):
    user = await member(harness, user_id, language="es")
    await harness.send(user, "cadmio Países Bajos")
    details = plain("\n".join(harness.texts(await harness.press(user, "Detalles"))))
    assert "En las palabras de la fuente (sin traducir): “maximum value (maximale waarde wonen)" in details
    assert "Condiciones, tal como figuran en la fuente (sin traducir): standard soil" in details


async def test_a_jurisdiction_never_both_applies_and_does_not(harness, user_id):
    """Portugal has no value of its own: EU law applies there, so the EU is not among the "do NOT apply" values."""
    user = await member(harness, user_id)
    screen = plain("\n".join(harness.texts(await harness.send(user, "copper sludge Portugal"))))
    assert "EU law that also applies in Portugal:" in screen
    applies, _, not_applying = screen.partition("do NOT apply in Portugal")
    assert "50–140 mg/kg" in applies
    assert not_applying and "European Union" not in not_applying and "50–140" not in not_applying


async def test_a_pollutant_not_in_the_table_is_named(harness, user_id):
    user = await member(harness, user_id)
    screen = plain("\n".join(harness.texts(await harness.send(user, "glyphosate agricultural Kenya"))))
    assert "No values for “glyphosate” are recorded anywhere in our table." in screen
    assert "No national value recorded for Kenya" not in screen  # not an answer about the country


async def test_is_it_safe_gets_the_values_and_no_verdict(harness, user_id):
    user = await member(harness, user_id, country="Netherlands")
    screen = plain("\n".join(harness.texts(await harness.send(user, "is 5 mg/kg cadmium safe?"))))
    assert "• 1.2 mg/kg — maximum value, residential land" in screen
    assert "5 mg/kg is above: 1.2 mg/kg (maximum value, residential land)" in screen
    assert "5 mg/kg is not above: 13 mg/kg (intervention value, all land uses)" in screen
    assert "A threshold value is not a safety verdict for a site" in screen
    plain_lookup = plain("\n".join(harness.texts(await harness.send(user, "cadmium"))))
    assert "safety verdict" not in plain_lookup


@pytest.mark.parametrize("greeting", ["hi", "Hello!", "help", "hola", "привет", "你好", "مرحبا", "aide"])
async def test_greetings_and_help_get_the_help_screen(harness, user_id, greeting):
    user = await member(harness, user_id)
    reply = "\n".join(harness.texts(await harness.send(user, greeting)))
    assert "<b>What I can do</b>" in reply
    assert "could not find" not in reply and "Coordinator tools" not in reply


async def test_a_greeting_in_russian_gets_the_russian_help(harness, user_id):
    user = await member(harness, user_id, country="Кения", language="ru")
    reply = "\n".join(harness.texts(await harness.send(user, "Привет!")))
    assert "/survey" in reply and "could not find" not in reply and "Examples" not in reply
