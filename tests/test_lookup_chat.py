"""Lookups through the real dispatcher: free text in six languages, /lookup, /compare, inline mode."""

from __future__ import annotations

import pytest
from aiogram.types import InlineQuery, Update

from tests.harness import BotHarness


@pytest.fixture(scope="module")
async def harness(settings):
    harness = await BotHarness.start(settings)
    yield harness
    await harness.close()


async def member(harness: BotHarness, user_id: int, country: str = "Kenya", language: str = "en"):
    user = harness.user(user_id, language=language)
    await harness.onboard(user, country, "INSOP member" if language == "en" else "INSOP")
    return user


@pytest.mark.parametrize("query, expected", [
    ("Pb industrial Canada", "600 mg/kg"),
    ("límite de cadmio en suelo agrícola en Canadá", "1.4 mg/kg"),
    ("свинец промышленные земли Китай", "800 mg/kg"),
    ("中国农用地镉筛选值", "0.3 mg/kg"),
    ("حد الكادميوم في التربة الزراعية في كندا", "1.4 mg/kg"),
    ("cadmum limt agricultral soil canda", "1.4 mg/kg"),
    ("7440-43-9 agricultural Canada", "1.4 mg/kg"),
    ("Hg residential Netherlands", "mg/kg"),
])
async def test_free_text_lookups_answer_with_values(harness, user_id, query, expected):
    user = await member(harness, user_id)
    calls = await harness.send(user, query)
    reply = "\n".join(harness.texts(calls))
    assert expected in reply
    assert calls[-1].keyboard is not None  # the Compare button


async def test_kenya_has_no_national_value_and_gets_alternatives(harness, user_id):
    user = await member(harness, user_id)
    reply = "\n".join(harness.texts(await harness.send(user, "cadmium limit in agricultural soil in Kenya")))
    assert "No national value recorded for Kenya." in reply
    assert "do NOT apply in Kenya" in reply


async def test_members_own_country_is_used_when_none_is_named(harness, user_id):
    user = await member(harness, user_id, country="Canada")
    reply = "\n".join(harness.texts(await harness.send(user, "lead industrial")))
    assert "Canada" in reply and "600 mg/kg" in reply


async def test_nonsense_long_and_injection_queries_get_help(harness, user_id):
    user = await member(harness, user_id)
    for text in ["asdf qwer zxcv", "x" * 10_000, "'; DROP TABLE thresholds; --"]:
        calls = await harness.send(user, text)
        assert calls and all(len(call.text) <= 4096 for call in calls)
        assert "Examples" in "\n".join(harness.texts(calls)) or "did you mean" in "\n".join(harness.texts(calls)).lower()
    calls = await harness.send(user, "Pb industrial Canada")
    assert "600 mg/kg" in "\n".join(harness.texts(calls))


async def test_lookup_command_and_compare_button_send_a_chart(harness, user_id):
    user = await member(harness, user_id)
    calls = await harness.send(user, "/lookup cadmium agricultural Canada")
    assert "1.4 mg/kg" in "\n".join(harness.texts(calls))
    calls = await harness.press(user, "Compare")
    photos = [call for call in calls if call.method == "sendPhoto"]
    assert len(photos) == 1 and photos[0].files["photo"].startswith(b"\x89PNG")
    table = "\n".join(harness.texts(calls))
    assert "Canada: <b>1.4 mg/kg</b>" in table and "China: <b>0.3 mg/kg</b>" in table


async def test_compare_command_without_pollutant_asks_for_one(harness, user_id):
    user = await member(harness, user_id)
    calls = await harness.send(user, "/compare")
    assert harness.texts(calls) == ["Which pollutant should I compare? For example: /compare cadmium agricultural"]


async def test_inline_query_returns_the_answer(harness, user_id):
    user = harness.user(user_id)
    update = Update(update_id=next(harness.updates._ids), inline_query=InlineQuery(
        id="q1", from_user=user, query="cadmium canada agricultural", offset=""))
    calls = await harness.feed(update)
    answers = [call for call in calls if call.method == "answerInlineQuery"]
    assert len(answers) == 1
    article = answers[0].params["results"][0]
    assert "1.4 mg/kg" in article.input_message_content.message_text


async def test_long_answers_come_a_page_at_a_time_with_a_more_button(harness, user_id):
    """China has more cadmium values than one message shows: five, then "More values" for the next five."""
    user = await member(harness, user_id)
    calls = await harness.send(user, "cadmium China")
    first = "\n".join(harness.texts(calls))
    assert first.count("Legal status:") == 5
    total = int(first.rsplit(" of ", 1)[1].split(".")[0])
    assert "Values 1–5 of" in first and total > 5
    seen = 5
    while seen < total:
        calls = await harness.press(user, "More values")
        page = "\n".join(harness.texts(calls))
        shown = page.count("Legal status:")
        assert f"Values {seen + 1}–{seen + shown} of {total}." in page
        assert 0 < shown <= 5
        seen += shown
    assert all("More values" not in button.text for row in calls[-1].keyboard.inline_keyboard for button in row)


async def test_a_forged_page_number_is_ignored(harness, user_id):
    user = await member(harness, user_id)
    await harness.send(user, "cadmium China")
    for data in ("lkp:cadmium:CN:999999999999::::", "lkp:cadmium:CN:-1::::", "lkp:cadmium:ZZ:1::::"):
        calls = await harness.press(user, data=data)
        assert [call.method for call in calls] == ["answerCallbackQuery"], data
    # A pH that is not one is dropped; the page itself is shown.
    calls = await harness.press(user, data="lkp:cadmium:CN:1::1e400::")
    assert "Values 6–" in "\n".join(harness.texts(calls))
