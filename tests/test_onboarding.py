"""Onboarding through the real dispatcher: greeting, language, country, role, commands mid-way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Member, RoleChange
from tests.harness import BotHarness

ROLE_QUESTION = (
    "What is your role in the network?\n"
    "National focal points are confirmed by the INSOP coordinators: through their invitation link, or ask a "
    "coordinator."
)
CONFIRMED = (
    "Your role and country as national focal point were confirmed by the INSOP coordinators; to change them, "
    "ask a coordinator."
)


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
    texts = harness.texts(await harness.send(user, "kenyia"))
    assert texts == ["Did you mean:"]
    calls = await harness.press(user, "Kenya")
    assert "Country: Kenya." in harness.texts(calls)
    assert ROLE_QUESTION in harness.texts(calls)
    calls = await harness.press(user, "Soil laboratory")
    assert "Thank you, your profile is complete." in harness.texts(calls)
    member = await stored(harness, user_id)
    assert (member.country, member.role, member.start_payload) == ("KE", "lab", "invite_ke-42")
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
    await harness.type_country(user, "Canadá")
    assert harness.texts(await harness.send(user, "/help"))[0].startswith("<b>Lo que puedo hacer</b>")
    assert harness.texts(await harness.send(user, "/cancel"))[0].startswith("Detenido.")
    member = await stored(harness, user_id)
    assert member.country == "CA" and member.role is None
    calls = await harness.send(user, "/start")
    assert any(text.startswith("¿Cuál es su función en la red?") for text in harness.texts(calls))


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
    calls = await harness.send(user, "Kenya")
    assert "Country: Kenya." in harness.texts(calls)
    assert (await stored(harness, user_id)).country == "KE"


@pytest.mark.parametrize("typed", ["Kenya", "kenia", "肯尼亚", "Кения"])
async def test_a_country_named_exactly_is_kept_without_asking(harness, user_id, typed):
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start")
    texts = harness.texts(await harness.send(user, typed))
    assert "Did you mean:" not in texts
    assert texts[:2] == ["Country: Kenya.", ROLE_QUESTION]
    assert (await stored(harness, user_id)).country == "KE"


async def test_an_old_or_forged_country_button_changes_no_country(harness, user_id):
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start")
    await harness.send(user, "Kenyia")
    await harness.press(user, "Kenya")
    calls = await harness.press(user, data="ctry:XK")  # pressed again later, or forged
    assert [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"] == [
        "This button is no longer active."
    ]
    assert (await stored(harness, user_id)).country == "KE"  # /profile changes it (test_survey_conversation)


@pytest.mark.parametrize("typed", ["no", "Kenyaa", "Congo"])
async def test_a_code_a_misspelling_or_an_ambiguous_name_is_confirmed_first(harness, user_id, typed):
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start")
    texts = harness.texts(await harness.send(user, typed))
    assert texts == ["Did you mean:"]  # "no" is a word as well as Norway's code
    assert (await stored(harness, user_id)).country is None


@pytest.mark.parametrize(
    ("typed", "language", "button", "code"),
    [
        ("Kenya", "en", "Kenya", "KE"),
        ("USA", "en", "United States", "US"),
        ("DRC", "en", "Congo", "CD"),
        ("Pays-Bas", "fr", "Pays-Bas", "NL"),
    ],
)
async def test_a_single_country_name_is_still_a_country(harness, user_id, typed, language, button, code):
    user = harness.user(user_id, language=language)
    await harness.send(user, "/start")
    await harness.type_country(user, typed, button)
    assert (await stored(harness, user_id)).country == code


def button_labels(call) -> list[str]:
    return [button.text for row in call.keyboard.inline_keyboard for button in row]


def last_sent(calls):
    return [call for call in calls if call.method == "sendMessage"][-1]


async def at_role_question(harness: BotHarness, user_id: int, language: str = "en"):
    user = harness.user(user_id, language=language)
    await harness.send(user, "/start")
    return user, await harness.type_country(user, "Kenya")


async def test_the_role_question_offers_no_focal_point_button_and_says_why(harness, user_id):
    _user, calls = await at_role_question(harness, user_id)
    question = [call for call in calls if call.text == ROLE_QUESTION]
    assert len(question) == 1
    assert button_labels(question[0]) == ["Soil laboratory", "INSOP member / other"]
    # The same in the member's language.
    _user, calls = await at_role_question(harness, user_id + 500_000, language="fr")
    assert button_labels(last_sent(calls)) == ["Laboratoire d’analyse des sols", "Membre de l’INSOP / autre"]
    assert "confirmés par les coordinateurs de l’INSOP" in last_sent(calls).text


async def test_typing_focal_point_at_the_role_question_is_not_accepted(harness, user_id):
    user, _calls = await at_role_question(harness, user_id)
    for typed in ("focal point", "National focal point", "focal_point"):
        calls = await harness.send(user, typed)
        assert harness.texts(calls) == [ROLE_QUESTION], typed
        assert button_labels(last_sent(calls)) == ["Soil laboratory", "INSOP member / other"]
        member = await stored(harness, user_id)
        assert member.role is None and member.onboarded_at is None
    # A forged button press for the role is refused too.
    calls = await harness.press(user, data="role:focal_point")
    assert harness.texts(calls) == ["This choice is not available."]
    assert (await stored(harness, user_id)).role is None
    # What a member may pick, typed, still works.
    calls = await harness.send(user, "member")
    assert "Thank you, your profile is complete." in harness.texts(calls)
    assert (await stored(harness, user_id)).role == "member"


async def test_a_confirmed_focal_point_cannot_change_role_or_country_in_the_profile(harness, user_id):
    user = harness.user(user_id)
    await harness.onboard(user, "Kenya", "National focal point")  # a coordinator's /setrole (harness)
    calls = await harness.send(user, "/profile")
    assert harness.texts(calls) == [
        "<b>Your profile</b>\nCountry: Kenya\nRole: National focal point\nLanguage: English\n" + CONFIRMED
    ]
    assert button_labels(last_sent(calls)) == ["Change language"]
    # Buttons kept from before (or forged): the confirmation stands.
    for data in ("prf:role", "prf:country", "role:member", "role:lab", "ctry:GH"):
        calls = await harness.press(user, data=data)
        assert harness.texts(calls) == [CONFIRMED], data
    member = await stored(harness, user_id)
    assert (member.role, member.country) == ("focal_point", "KE")
    async with harness.storage.sessionmaker() as session:
        changes = list(await session.scalars(select(RoleChange).where(RoleChange.member_id == member.id)))
    assert [(change.old_role, change.new_role, change.changed_by) for change in changes] == [
        ("member", "focal_point", 900)
    ]


async def test_a_member_changing_role_in_the_profile_is_offered_no_focal_point(harness, user_id):
    user = harness.user(user_id)
    await harness.onboard(user, "Kenya", "Soil laboratory")
    await harness.send(user, "/profile")
    calls = await harness.press(user, "Change role")
    assert harness.texts(calls) == [ROLE_QUESTION]
    assert button_labels(last_sent(calls)) == ["Soil laboratory", "INSOP member / other"]
    calls = await harness.press(user, data="role:focal_point")
    assert harness.texts(calls) == ["This choice is not available."]
    assert (await stored(harness, user_id)).role == "lab"


async def test_a_lookup_typed_for_the_role_is_answered_and_the_role_asked_again(harness, user_id):
    user, _calls = await at_role_question(harness, user_id)
    calls = await harness.send(user, "cadmium kenya")
    texts = harness.texts(calls)
    assert any("Cadmium" in text for text in texts[:-1]), texts  # the lookup's answer
    assert texts[-1].startswith("I answered that as a lookup; it is not saved as your role.\nWhat is your role")
    assert button_labels(last_sent(calls)) == ["Soil laboratory", "INSOP member / other"]
    assert (await stored(harness, user_id)).role is None


async def test_congo_at_sign_up_offers_both_congos(harness, user_id):
    user = harness.user(user_id, language="en")
    await harness.send(user, "/start")
    calls = await harness.send(user, "Congo")
    labels = [b.text for call in calls if call.keyboard for row in call.keyboard.inline_keyboard for b in row]
    assert labels[:2] == ["Congo", "Democratic Republic of the Congo"], labels
