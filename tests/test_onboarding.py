"""Onboarding through the real dispatcher: greeting, language, country, role, commands mid-way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Member
from tests.harness import BotHarness


@pytest.fixture(scope="module")
async def harness(settings):
    harness = await BotHarness.start(settings)
    yield harness
    await harness.close()


async def stored(harness: BotHarness, user_id: int) -> Member | None:
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(select(Member).where(Member.telegram_id == user_id))


async def test_start_greets_in_client_language_and_offers_languages(harness, user_id):
    user = harness.user(user_id, language="fr-CA")
    calls = await harness.send(user, "/start")
    texts = harness.texts(calls)
    assert texts[0].startswith("Bonjour, Amina")
    assert "Dans quel pays travaillez-vous" in texts[-1]
    labels = [button.text for row in calls[0].keyboard.inline_keyboard for button in row]
    assert labels == ["العربية", "中文", "English", "✓ Français", "Русский", "Español"]


async def test_full_onboarding_is_stored(harness, user_id):
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start invite_ke-42")
    texts = harness.texts(await harness.send(user, "kenia"))
    assert texts == ["Did you mean:"]
    calls = await harness.press(user, "Kenya")
    assert "Country: Kenya." in harness.texts(calls)
    assert "What is your role in the network?" in harness.texts(calls)
    calls = await harness.press(user, "National focal point")
    assert "Thank you, your profile is complete." in harness.texts(calls)
    member = await stored(harness, user_id)
    assert (member.country, member.role, member.start_payload) == ("KE", "focal_point", "invite_ke-42")
    assert member.onboarded_at is not None
    texts = harness.texts(await harness.send(user, "/start"))
    assert texts[0] == "Welcome back, Amina!"


async def test_language_switch_applies_to_the_next_question(harness, user_id):
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start")
    calls = await harness.press(user, "Русский")
    texts = harness.texts(calls)
    assert texts[0] == "Выбран язык: Русский."
    assert texts[1].startswith("В какой стране вы работаете?")
    assert (await stored(harness, user_id)).language == "ru"
    # The stored choice wins over the Telegram client's language from now on.
    assert harness.texts(await harness.send(user, "/help"))[0].startswith("<b>Что я умею</b>")


async def test_commands_work_in_the_middle_of_onboarding_and_keep_answers(harness, user_id):
    user = harness.user(user_id, language="es")
    await harness.send(user, "/start")
    await harness.send(user, "Canadá")
    await harness.press(user, "Canadá")
    assert harness.texts(await harness.send(user, "/help"))[0].startswith("<b>Lo que puedo hacer</b>")
    assert harness.texts(await harness.send(user, "/cancel"))[0].startswith("Detenido.")
    member = await stored(harness, user_id)
    assert member.country == "CA" and member.role is None
    calls = await harness.send(user, "/start")
    assert "¿Cuál es su función en la red?" in harness.texts(calls)


async def test_unknown_country_gets_a_polite_retry(harness, user_id):
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start")
    texts = harness.texts(await harness.send(user, "qqqqxxzz"))
    assert texts == ["I could not find a country called “qqqqxxzz”. Please check the spelling and type it again."]
    assert (await stored(harness, user_id)).country is None


async def test_forged_buttons_are_refused(harness, user_id):
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start")
    calls = await harness.press(user, data="role:coordinator")
    assert [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"] == [
        "This choice is not available."
    ]
    calls = await harness.press(user, data="ctry:QQ")
    assert "I don't know that country. Please type its name again." in harness.texts(calls)
    calls = await harness.press(user, data="nonsense:1")
    assert harness.texts(calls) == ["This button is no longer active."]
    member = await stored(harness, user_id)
    assert member.role is None and member.country is None


async def test_malformed_deep_link_payload_is_ignored(harness, user_id):
    user = harness.user(user_id)
    await harness.send(user, "/start bad payload with spaces!")
    assert (await stored(harness, user_id)).start_payload is None


async def test_commands_registered_per_language(harness):
    registered = [call for call in harness.api.calls if call.method == "setMyCommands"]
    menus = {
        call.params.get("language_code"): call.params["commands"]
        for call in registered
        if call.params.get("scope") is None
    }
    assert set(menus) == {None, "ar", "en", "es", "fr", "ru", "zh"}
    # Group chats get a menu of their own: lookups only (everything else works in private chats).
    group_menus = {
        call.params.get("language_code"): [c.command for c in call.params["commands"]]
        for call in registered
        if call.params.get("scope") is not None and call.params["scope"].type == "all_group_chats"
    }
    assert group_menus == {language: ["lookup", "compare"] for language in menus}
    assert [command.command for command in menus["fr"]][:2] == ["start", "lookup"]
    assert {"survey", "resume", "back", "skip", "help", "profile", "language", "cancel", "compare"} <= {
        c.command for c in menus["fr"]
    }
    assert {c.command: c.description for c in menus["fr"]}["language"] == "Changer de langue"
    assert {c.command: c.description for c in menus[None]}["language"] == "Change the language"


@pytest.mark.parametrize("typed", ["cadmium netherlands", "lead limit kenya"])
async def test_a_lookup_typed_for_the_country_is_answered_and_the_country_asked_again(harness, user_id, typed):
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start")
    calls = await harness.send(user, typed)
    texts = harness.texts(calls)
    assert "Did you mean:" not in texts and all(
        call.keyboard is None or "Country" not in str(call.keyboard) for call in calls
    )
    assert texts[-1].startswith("I answered that as a lookup; it is not saved as your country.")
    assert "Which country do you work in?" in texts[-1]
    assert any(("Cadmium" if "cadmium" in typed else "Lead") in text for text in texts[:-1]), (
        texts
    )  # the lookup's answer
    assert (await stored(harness, user_id)).country is None
    # The member answers the question now: the country is taken.
    await harness.send(user, "Kenya")
    calls = await harness.press(user, "Kenya")
    assert "Country: Kenya." in harness.texts(calls)
    assert (await stored(harness, user_id)).country == "KE"


@pytest.mark.parametrize(
    ("typed", "language", "button"),
    [("Kenya", "en", "Kenya"), ("USA", "en", "United States"), ("DRC", "en", "Congo"), ("Pays-Bas", "fr", "Pays-Bas")],
)
async def test_a_single_country_name_is_still_a_country(harness, user_id, typed, language, button):
    user = harness.user(user_id, language=language)
    await harness.send(user, "/start")
    calls = await harness.send(user, typed)
    labels = [b.text for call in calls if call.keyboard for row in call.keyboard.inline_keyboard for b in row]
    assert any(button in label for label in labels), (harness.texts(calls), labels)
