"""Lookups through the real dispatcher: free text in six languages, /lookup, /compare, inline mode."""

from __future__ import annotations

import pytest
from aiogram.types import InlineQuery, Update

from tests.harness import BotHarness


async def member(harness: BotHarness, user_id: int, country: str = "Kenya", language: str = "en"):
    user = harness.user(user_id, language=language)
    await harness.onboard(user, country, "INSOP member" if language == "en" else "INSOP")
    return user


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Pb industrial Canada", "600 mg/kg"),
        ("límite de cadmio en suelo agrícola en Canadá", "1.4 mg/kg"),
        ("свинец промышленные земли Китай", "800 mg/kg"),
        ("中国农用地镉筛选值", "pH ≤ 5.5: <b>0.3</b>"),
        ("حد الكادميوم في التربة الزراعية في كندا", "1.4 mg/kg"),
        ("cadmum limt agricultral soil canda", "1.4 mg/kg"),
        ("7440-43-9 agricultural Canada", "1.4 mg/kg"),
        ("Hg residential Netherlands", "mg/kg"),
    ],
)
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
        assert (
            "Examples" in "\n".join(harness.texts(calls)) or "did you mean" in "\n".join(harness.texts(calls)).lower()
        )
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
    """/compare alone says what to type, with an example button; the next message is the pollutant to compare."""
    user = await member(harness, user_id)
    calls = await harness.send(user, "/compare")
    assert harness.texts(calls) == [
        "Which pollutant should I compare across countries? Type its name, and a land use "
        "if you like, for example <i>lead industrial</i>. Or tap the example:"
    ]
    assert [b.text for row in calls[-1].keyboard.inline_keyboard for b in row] == ["📊 Cadmium, agricultural land"]
    calls = await harness.send(user, "свинец")  # taken as the pollutant to compare, not as a lookup
    assert [call for call in calls if call.method == "sendPhoto"]
    assert "Lead, all land uses: values by jurisdiction" in "\n".join(harness.texts(calls))
    # Once answered, text is a lookup again.
    assert "Lead — Kenya" in "\n".join(harness.texts(await harness.send(user, "lead")))
    calls = await harness.send(user, "/compare")
    calls = await harness.press(user, "Cadmium, agricultural land")
    assert "Cadmium, agricultural land: values by jurisdiction" in "\n".join(harness.texts(calls))


async def test_lookup_command_alone_explains_itself_with_an_example(harness, user_id):
    user = await member(harness, user_id)
    calls = await harness.send(user, "/lookup")
    reply = "\n".join(harness.texts(calls))
    assert reply.startswith("What should I look up? Type a pollutant and a country")
    assert "could not find" not in reply
    calls = await harness.press(user, "Cadmium, agricultural land, Canada")
    answer = "\n".join(harness.texts(calls))
    assert "<b>Cadmium — Canada</b>" in answer and "1.4 mg/kg" in answer


async def test_inline_query_returns_the_answer(harness, user_id):
    user = harness.user(user_id)
    update = Update(
        update_id=next(harness.updates._ids),
        inline_query=InlineQuery(id="q1", from_user=user, query="cadmium canada agricultural", offset=""),
    )
    calls = await harness.feed(update)
    answers = [call for call in calls if call.method == "answerInlineQuery"]
    assert len(answers) == 1
    article = answers[0].params["results"][0]
    assert "1.4 mg/kg" in article.input_message_content.message_text


async def test_long_answers_come_a_page_at_a_time_with_a_more_button(harness, user_id):
    """China has more cadmium values than one message shows: Details gives five, then "More values" the next five."""
    user = await member(harness, user_id)
    await harness.send(user, "cadmium China")
    calls = await harness.press(user, "Details")
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
    for data in (
        "lkp:cadmium:CN:999999999999::::",
        "lkp:cadmium:CN:-1::::",
        "lkp:cadmium:ZZ:1::::",
        "lkp:cadmium:CN:9999::::",
        "lkp:nosuchthing:CN:0::::",
    ):
        calls = await harness.press(user, data=data)
        assert [call.method for call in calls] == ["answerCallbackQuery"], data
    # A pH that is not one is dropped; the page itself is shown.
    calls = await harness.press(user, data="lkp:cadmium:CN:2::1e400::")
    assert "Values 6–" in "\n".join(harness.texts(calls))


async def test_compare_stays_within_one_tier_and_switches_by_button(harness, user_id):
    """Issue 13: Germany's 40 mg/kg (precautionary, sandy soil, any land use) is not charted among
    industrial screening values; the other tiers are a button away and the chart names its tier."""
    user = await member(harness, user_id)
    calls = await harness.send(user, "/compare lead industrial")
    table = "\n".join(harness.texts(calls))
    assert "Compared within one tier: Tier 2 · assessment." in table
    assert "Germany: <b>2,000 mg/kg</b> (trigger value, 2021)" in table and "40 mg/kg" not in table
    assert len([call for call in calls if call.method == "sendPhoto"]) == 1
    labels = [button.text for row in calls[-1].keyboard.inline_keyboard for button in row]
    assert any(label.startswith("Tier 1 · soil protection") for label in labels)
    assert any(label.startswith("Tier 3 · action") for label in labels)

    calls = await harness.press(user, "Tier 1 · soil protection")
    table = "\n".join(harness.texts(calls))
    assert "Compared within one tier: Tier 1 · soil protection." in table
    assert "Germany: <b>40 mg/kg</b>" in table
    assert calls[0].method == "answerCallbackQuery"
    assert [call for call in calls if call.method == "sendPhoto"][0].files["photo"].startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "language, kenya, query, words",
    [
        ("en", "Kenya", "lead playground Germany", "Tier 2: assessment is needed above this value"),
        (
            "fr",
            "Kenya",
            "plomb aire de jeux Allemagne",
            "Niveau 2\u202f: une évaluation est nécessaire au-delà de cette valeur",
        ),
        (
            "es",
            "Kenya",
            "plomo parque infantil Alemania",
            "Nivel 2: por encima de este valor se requiere una evaluación",
        ),
        ("ru", "Кения", "свинец детская площадка Германия", "Уровень 2: выше этого значения требуется оценка"),
        ("zh", "肯尼亚", "德国儿童游乐场铅", "第2级：超过此值需要进行评估"),
        ("ar", "كينيا", "الرصاص ملعب أطفال ألمانيا", "المستوى 2: يلزم إجراء تقييم فوق هذه القيمة"),
    ],
)
async def test_lookups_name_the_tier_in_every_language(harness, user_id, language, kenya, query, words):
    user = await member(harness, user_id, country=kenya, language=language)
    calls = await harness.send(user, query)
    reply = "\n".join(harness.texts(calls))
    assert words in reply
    unit = {"ru": "мг/кг"}.get(language, "mg/kg")  # the Russian catalog writes the unit in Cyrillic
    assert f"200 {unit}" in reply.replace("\u2068", "").replace("\u2069", "").replace("\u200f", "")
    assert "@1ec5a8c" not in reply and "legalize" not in reply  # where it was read stays with coordinators


async def test_a_country_never_surveyed_is_not_a_country_without_values(harness, user_id):
    user = await member(harness, user_id)
    reply = "\n".join(harness.texts(await harness.send(user, "cadmium Mali")))
    assert "Mali has not been surveyed yet." in reply and "No national value recorded" not in reply
    assert "do NOT apply in Mali" in reply
    kenya = "\n".join(harness.texts(await harness.send(user, "cadmium Kenya")))
    assert "No national value recorded for Kenya." in kenya and "not been surveyed" not in kenya
    assert "focal point" not in reply  # an INSOP member, not Mali's focal point


async def test_a_focal_point_of_an_unsurveyed_country_is_pointed_to_the_survey(harness, user_id):
    user = harness.user(user_id)
    await harness.onboard(user, "Mali", "National focal point")
    reply = "\n".join(harness.texts(await harness.send(user, "lead Canada")))
    assert "focal point" not in reply  # Canada has values, and is not their country
    reply = "\n".join(harness.texts(await harness.send(user, "lead")))  # their own country, Mali
    assert "Mali has not been surveyed yet." in reply
    assert "You are the focal point for Mali: the threshold survey (/survey) is how its values get into" in reply


async def test_countries_lists_jurisdictions_with_values_by_region(harness, user_id):
    from bot.services import thresholds

    user = await member(harness, user_id)
    reply = "\n".join(harness.texts(await harness.send(user, "/countries")))
    # The seed's 23, and any a test module run before this one approved (the database is the session's).
    async with harness.storage.sessionmaker() as session:
        coverage = await thresholds.jurisdiction_coverage(session, harness.dispatcher.workflow_data["catalog"])
    with_values = sum(1 for entry in coverage if entry.values)
    assert with_values >= 23 and f"{with_values} jurisdictions have threshold values:" in reply
    europe = reply.split("<b>Europe</b>", 1)[1].split("\n\n", 1)[0]
    assert "• Germany: 152 values" in europe and "• Bulgaria: 133 values" in europe
    assert "• Argentina: 126 values" in reply.split("<b>Latin America and the Caribbean</b>", 1)[1]
    assert "• European Union: 6 values" in reply.split("<b>Supranational and other</b>", 1)[1]
    assert "No national values found (recorded status): Kenya." in reply
    assert "Every other country has not been surveyed yet." in reply


async def test_countries_in_french(harness, user_id):
    user = await member(harness, user_id, language="fr")
    reply = "\n".join(harness.texts(await harness.send(user, "/countries")))
    assert "<b>Europe</b>" in reply and "Allemagne" in reply
    assert "Aucune valeur nationale trouvée" in reply


async def test_the_next_page_keeps_the_conditions_of_the_question(harness, user_id):
    """ "lead clay Germany": the clay value first; the pages after it are the same answer's, in its order."""
    user = await member(harness, user_id)
    summary = "\n".join(harness.texts(await harness.send(user, "lead clay Germany")))
    assert summary.split("\n")[1].startswith("• <b>100 mg/kg</b>")  # the clay value leads the first screen
    first = "\n".join(harness.texts(await harness.press(user, "Details")))
    assert first.index("100 mg/kg") < first.index("Soil texture")  # and the Details
    total = int(first.rsplit(" of ", 1)[1].split(".")[0])
    pages, seen = [first], 5
    while seen < total:
        pages.append("\n".join(harness.texts(await harness.press(user, "More values"))))
        seen += 5
    answer = "\n".join(pages)
    assert answer.count("Soil texture: clay (heavy texture)") == 1
    assert f"Values {total - (total - 1) % 5}–{total} of {total}." in pages[-1]
    # Without the condition the clay value is not the first one.
    plain = "\n".join(harness.texts(await harness.send(user, "lead Germany")))
    assert plain.index("Legal status:") < plain.index("100 mg/kg") if "100 mg/kg" in plain else True


async def test_a_lookup_reaches_its_answer_without_a_thread_per_filter(harness, user_id, monkeypatch):
    # aiogram runs a plain (non-async) filter through asyncio.to_thread; build_dispatcher makes them run inline,
    # or a typed lookup waits for eleven thread-pool round trips before its handler.
    import asyncio

    threaded: list[object] = []
    real = asyncio.to_thread

    async def recording(function, /, *args, **kwargs):
        threaded.append(function)
        return await real(function, *args, **kwargs)

    user = await member(harness, user_id)
    monkeypatch.setattr(asyncio, "to_thread", recording)
    reply = "\n".join(harness.texts(await harness.send(user, "Pb industrial Canada")))
    group = await harness.feed(
        harness.updates.message(user, "Pb industrial Canada", chat_id=-1_000_000_200_000 - user_id)
    )
    assert "600 mg/kg" in reply
    assert harness.texts(group) == []  # plain text in a group is not a question to the bot
    assert threaded == []


async def test_filters_run_inline_decide_as_before():
    from aiogram import F, Router
    from aiogram.types import Chat, Message

    from bot.app import run_filters_inline
    from bot.handlers.groups import in_private_chat

    router = Router()
    router.message.filter(in_private_chat)
    router.message.register(lambda message: None, F.text.startswith("cad"))  # noqa: ARG005
    run_filters_inline(router)
    observer = router.message
    filters = [*observer._handler.filters, *observer.handlers[0].filters]
    assert all(each.awaitable for each in filters)

    def message(text: str, chat_type: str) -> Message:
        return Message(message_id=1, date=0, chat=Chat(id=1, type=chat_type), text=text)

    async def passes(event: Message) -> bool:
        return all([await each.call(event) for each in filters])

    assert await passes(message("cadmium", "private"))
    assert not await passes(message("lead", "private"))
    assert not await passes(message("cadmium", "group"))


@pytest.mark.parametrize(
    "language, query, status, wording, details",
    [
        (
            "fr",
            "plomb Kenya",
            "Statut enregistré\u202f: aucune valeur",
            "Dans les termes de la source (non traduits)",
            "Précisions, telles qu’écrites dans la source (non traduites)\u202f: source states only",
        ),
        (
            "ar",
            "الرصاص كينيا",
            "الوضع المسجل: \u2068لا توجد قيمة\u2069",
            "(دون ترجمة)",
            "التفاصيل كما وردت في المصدر (دون ترجمة): \u2068source states only",
        ),
    ],
)
async def test_kenyas_recorded_status_is_translated_and_its_source_wording_marked(
    harness, user_id, language, query, status, wording, details
):
    """The status is said in the reader's words; the source's English is shown marked as not translated."""
    user = await member(harness, user_id, language=language)
    reply = "\n".join(harness.texts(await harness.send(user, query)))
    assert status in reply and "none - no national soil threshold values found" in reply
    assert wording in reply.split(status, 1)[1]
    assert details in reply
