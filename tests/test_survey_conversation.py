"""How a survey conversation reads on a phone (issue 17): every answer leaves a trace, errors say how to
fix the input, lookups typed mid-survey are recognised, progress never jumps, the review fits a screen,
and a submission ends with a receipt. Through the real dispatcher, reading what the user sees."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from bot.countries import country_name
from bot.limits import utf16_len
from bot.survey import load_form
from storage.models import Member, Submission, SurveyForm, Threshold
from storage.repositories.surveys import SurveyRepository
from storage.seed import FORMS_DIR
from tests.harness import BotHarness, shown

# The conversation's mechanics are read on the first threshold form (one flat repeat of values), made
# the current version for this module and the shipped one again afterwards; tests/test_survey_chat.py
# walks the shipped form with the same mechanics.
FIRST_THRESHOLD_FORM = FORMS_DIR / "previous" / "threshold_survey_2025060101.xlsx"


async def _make_current(harness: BotHarness, form_id: str, version: str) -> None:
    async with harness.storage.sessionmaker() as session, session.begin():
        await session.execute(
            update(SurveyForm).where(SurveyForm.form_id == form_id).values(is_current=SurveyForm.version == version)
        )


@pytest.fixture(scope="module")
async def harness(settings, module_storage):
    harness = await BotHarness.start(settings, module_storage)
    first = load_form(FIRST_THRESHOLD_FORM)
    async with harness.storage.sessionmaker() as session, session.begin():
        repo = SurveyRepository(session)
        if await repo.form_version(first.form_id, first.version) is None:
            await repo.publish(
                first.form_id,
                first.version,
                first.title,
                first.to_dict(),
                "focal_point,member",
                FIRST_THRESHOLD_FORM.name,
                None,
            )
    await _make_current(harness, first.form_id, first.version)
    yield harness
    await harness.close()


async def focal_point(harness: BotHarness, user_id: int, language: str = "en"):
    user = harness.user(user_id, language=language)
    await harness.onboard(user, "Kenya", "National focal point" if language == "en" else "Point focal national")
    return user


async def open_threshold_survey(harness: BotHarness, user):
    await harness.send(user, "/survey")
    return await harness.press(user, "INSOP")


async def draft_of(harness: BotHarness, user_id: int) -> Submission | None:
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(
            select(Submission)
            .join(Member, Member.id == Submission.member_id)
            .where(Member.telegram_id == user_id)
            .order_by(Submission.id.desc())
            .limit(1)
        )


def sent(calls) -> list[str]:
    return [call.text for call in calls if call.method == "sendMessage"]


def last_text(calls) -> str:
    texts = sent(calls)
    return texts[-1] if texts else ""


def buttons(call) -> list[str]:
    return [button.text for row in call.keyboard.inline_keyboard for button in row] if call.keyboard else []


def last_buttons(calls) -> list[str]:
    keyed = [call for call in calls if call.method == "sendMessage" and call.keyboard is not None]
    return buttons(keyed[-1]) if keyed else []


async def to_has_thresholds(harness: BotHarness, user, country: str = "Kenya"):
    """Open the survey and answer the questions about the respondent (the member's own country is a button)."""
    await open_threshold_survey(harness, user)
    if country == "Kenya":
        await harness.press(user, country)
    else:
        await harness.send(user, country)
    await harness.send(user, "Head of soil unit")
    return await harness.send(user, "KALRO")


async def to_first_value(harness: BotHarness, user):
    """Answer up to the first threshold value's pollutant."""
    await to_has_thresholds(harness, user)
    await harness.press(user, "Yes")
    await harness.press(user, "Guideline")
    await harness.press(user, "Agricultural")
    return await harness.press(user, "Done")


async def test_a_tapped_answer_is_written_onto_its_question(harness, user_id):
    user = await focal_point(harness, user_id)
    await to_has_thresholds(harness, user)
    calls = await harness.press(user, "Yes")
    edits = [call for call in calls if call.method == "editMessageText"]
    assert len(edits) == 1 and edits[0].keyboard is None
    assert re.search(r"Does your country have soil threshold values for pollutants\? → <b>Yes</b>", edits[0].text)


async def test_typed_answers_are_confirmed_as_read(harness, user_id):
    user = await focal_point(harness, user_id)
    calls = await to_first_value(harness, user)
    calls = await harness.send(user, "cadmum")  # a typo, fuzzy-matched
    assert last_text(calls).startswith("✓ Pollutant: <b>Cadmium")
    await harness.press(user, "Agricultural")
    calls = await harness.send(user, "0,8")
    assert last_text(calls).startswith("✓ Threshold value (number only): <b>0.8</b>")
    # The unit's default is offered as a suggestion, not as if it had been answered.
    assert "Suggested: mg/kg" in last_text(calls) and "Current answer" not in last_text(calls)


async def test_back_offers_to_keep_the_answer_and_skip_clears_an_optional_one(harness, user_id):
    user = await focal_point(harness, user_id)
    await to_has_thresholds(harness, user)
    calls = await harness.send(user, "/back")
    assert "Which institution do you work for?" in last_text(calls) and "Current answer: KALRO" in last_text(calls)
    assert last_buttons(calls) == ["Keep “KALRO” ▶", "◀ Back"]
    calls = await harness.press(user, "Keep")
    assert "Does your country have soil threshold values" in last_text(calls)
    assert (await draft_of(harness, user_id)).state["answers"]["respondent/institution"] == "KALRO"

    # An optional question: /skip leaves it empty, even when it had an answer.
    await harness.press(user, "Yes")
    await harness.press(user, "Guideline")
    await harness.press(user, "Agricultural")
    await harness.press(user, "Done")
    await harness.send(user, "cadmium")
    await harness.press(user, "Agricultural")
    await harness.send(user, "3")
    await harness.press(user, "mg/kg")
    await harness.press(user, "Guideline")
    await harness.press(user, "Total")
    calls = await harness.send(user, "pH 6 to 7")
    assert "Name of the legal instrument" in last_text(calls)
    assert last_buttons(calls) == ["◀ Back"]  # a required text question: Back, no Skip
    await harness.send(user, "/back")
    draft = await draft_of(harness, user_id)
    assert draft.state["answers"]["threshold[1]/soil_conditions"] == "pH 6 to 7"
    calls = await harness.send(user, "/skip")
    assert last_text(calls).startswith("✓ “pH or soil conditions the value applies to (optional)” left empty.")
    assert "threshold[1]/soil_conditions" not in (await draft_of(harness, user_id)).state["answers"]


async def test_text_questions_have_back_and_skip_buttons(harness, user_id):
    user = await focal_point(harness, user_id)
    calls = await open_threshold_survey(harness, user)
    assert last_buttons(calls) == ["Kenya"]  # the first question: no Back that would only ask it again
    calls = await harness.press(user, "Kenya")
    assert "What is your role or position?" in last_text(calls)
    assert last_buttons(calls) == ["◀ Back"]
    await harness.send(user, "Analyst")
    await harness.send(user, "KALRO")
    await harness.press(user, "Yes")
    await harness.press(user, "Guideline")
    await harness.press(user, "Agricultural")
    await harness.press(user, "Done")
    await harness.send(user, "cadmium")
    await harness.press(user, "Agricultural")
    await harness.send(user, "3")
    await harness.press(user, "mg/kg")
    await harness.press(user, "Guideline")
    calls = await harness.press(user, "Total")
    assert "pH or soil conditions" in last_text(calls)
    assert last_buttons(calls) == ["◀ Back", "Skip ▶"]
    calls = await harness.press(user, "Skip")
    edits = [call for call in calls if call.method == "editMessageText"]
    assert edits and "→ <i>(left empty)</i>" in edits[0].text
    assert "Name of the legal instrument" in last_text(calls)


async def test_error_messages_say_how_to_fix_the_input(harness, user_id):
    user = await focal_point(harness, user_id)
    await to_first_value(harness, user)
    await harness.send(user, "cadmium")
    await harness.press(user, "Agricultural")
    calls = await harness.send(user, "3 mg/kg")
    assert sent(calls) == ["⚠️ Type the number only, for example 3: the unit is asked in the next question."]
    await harness.send(user, "3")
    await harness.press(user, "mg/kg")
    await harness.press(user, "Guideline")
    await harness.press(user, "Total")
    await harness.send(user, "/skip")
    await harness.send(user, "EMCA (Soil Quality) Regulations")
    calls = await harness.send(user, "cadmium limit kenya")  # a lookup on a number question
    assert "looks like a question for a lookup" in last_text(calls) and last_buttons(calls) == ["🔎 Look it up"]
    calls = await harness.send(user, "2O19")
    assert sent(calls) == ["⚠️ “O” is a letter, not a digit: type 2019."]
    calls = await harness.send(user, "2019")
    assert last_text(calls).startswith("✓ Year of adoption: <b>2019</b>")


async def test_option_numbers_and_sign_up_country_names_are_understood(harness, user_id):
    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    calls = await harness.send(user, "USA")
    assert last_text(calls).startswith("✓ Which country do you represent?: <b>United States")
    await harness.send(user, "/back")
    calls = await harness.send(user, "DRC")
    assert "Congo - Kinshasa" in last_text(calls).split("\n")[0]  # the form's CLDR label
    # A loose guess is not stored as the country answered about ("x" shares a letter with Mexico); a close
    # misspelling is.
    await harness.send(user, "/back")
    for loose in ("x", "the", "hello"):
        calls = await harness.send(user, loose)
        assert not last_text(calls).startswith("✓"), (loose, last_text(calls))
    calls = await harness.send(user, "Keyna")
    assert last_text(calls).startswith("✓ Which country do you represent?: <b>Kenya")
    await harness.send(user, "/back")
    await harness.send(user, "DRC")
    await harness.send(user, "Analyst")
    calls = await harness.send(user, "KALRO")
    assert "Press a button, or type the option or its number." in last_text(calls)
    calls = await harness.send(user, "1")  # the first option
    assert last_text(calls).startswith("✓ Does your country have soil threshold values for pollutants?: <b>Yes</b>")


async def test_a_french_pollutant_name_without_its_symbol_is_accepted(harness, user_id):
    user = await focal_point(harness, user_id, language="fr")
    await to_has_thresholds(harness, user)
    await harness.press(user, "Oui")
    await harness.press(user, "Indicatives")
    await harness.press(user, "Agricole")
    await harness.press(user, "Terminé")
    calls = await harness.send(user, "plomb")
    assert last_text(calls).startswith("✓ Polluant\u202f: <b>Plomb (Pb)</b>")
    assert (await draft_of(harness, user_id)).state["answers"]["threshold[1]/pollutant"] == "lead"


async def test_a_lookup_typed_during_a_survey_is_never_stored_as_the_answer(harness, user_id):
    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    await harness.press(user, "Kenya")
    calls = await harness.send(user, "\u202ecadmium limit kenya\u202c")  # an override typed around it
    assert "“cadmium limit kenya” looks like a question for a lookup" in last_text(calls)  # quoted without it
    assert last_buttons(calls) == ["🔎 Look it up", "Save as my answer"]
    assert "respondent/role" not in (await draft_of(harness, user_id)).state["answers"]
    calls = await harness.press(user, "Look it up")
    texts = "\n".join(harness.texts(calls))
    assert "Kenya" in texts and "send /resume" in last_text(calls)
    assert not (await draft_of(harness, user_id)).active
    calls = await harness.send(user, "/resume")
    assert "What is your role or position?" in last_text(calls)

    # On a choice question the bot says how to pause.
    await harness.send(user, "Analyst")
    await harness.send(user, "KALRO")
    calls = await harness.send(user, "lead limit in residential soil in canada")
    assert "looks like a question for a lookup" in last_text(calls)
    assert last_buttons(calls) == ["🔎 Look it up"]
    assert "status/has_thresholds" not in (await draft_of(harness, user_id)).state["answers"]

    # "Save as my answer" stores the text when it really was the answer.
    await harness.press(user, "Yes")
    await harness.press(user, "Legally binding")
    await harness.press(user, "Agricultural")
    await harness.press(user, "Done")
    await harness.send(user, "cadmium")
    await harness.press(user, "Agricultural")
    await harness.send(user, "3")
    await harness.press(user, "mg/kg")
    await harness.press(user, "Guideline")
    await harness.press(user, "Total")
    await harness.send(user, "cadmium in Kenya soils")
    calls = await harness.press(user, "Save as my answer")
    assert "Name of the legal instrument" in last_text(calls)
    assert (await draft_of(harness, user_id)).state["answers"][
        "threshold[1]/soil_conditions"
    ] == "cadmium in Kenya soils"


async def test_progress_never_jumps_back_or_grows(harness, user_id):
    user = await focal_point(harness, user_id)
    lines = []

    def progress(calls):
        for text in sent(calls):
            found = re.search(r"<i>Part (\d+) of (\d+)(?:, entry (\d+))?(?:, question (\d+) of (\d+))?</i>", text)
            if found:
                lines.append(tuple(int(number) if number else 0 for number in found.groups()))

    progress(await open_threshold_survey(harness, user))
    progress(await harness.press(user, "Kenya"))
    progress(await harness.send(user, "Analyst"))
    progress(await harness.send(user, "KALRO"))
    for label in ("Yes", "Guideline", "Agricultural", "Done"):
        progress(await harness.press(user, label))
    for _value in range(2):
        progress(await harness.send(user, "cadmium"))
        progress(await harness.press(user, "Agricultural"))
        progress(await harness.send(user, "3"))
        for label in ("mg/kg", "Guideline", "Total"):
            progress(await harness.press(user, label))
        progress(await harness.send(user, "/skip"))
        progress(await harness.send(user, "EMCA"))
        progress(await harness.send(user, "2019"))
        progress(await harness.send(user, "/skip"))
        progress(await harness.press(user, "Yes" if _value == 0 else "No"))
    assert lines[0] == (1, 5, 0, 1, 3)
    assert {total for _part, total, *_rest in lines} == {5}
    parts = [part for part, *_rest in lines]
    assert parts == sorted(parts)
    assert {entry for _part, _total, entry, *_rest in lines} == {0, 1, 2}  # both threshold values named
    for (part, _total, entry, question, questions), (next_part, _t, next_entry, next_question, next_questions) in zip(
        lines, lines[1:]
    ):
        if question and next_part == part and next_question:
            if next_entry == entry:
                assert next_question > question and next_questions == questions  # forward, same total
            else:
                assert (next_entry, next_question, next_questions) == (entry + 1, 1, questions)
        assert question <= questions


async def test_review_fits_a_phone_and_opens_each_part_in_place(harness, user_id):
    user = await focal_point(harness, user_id)
    await to_first_value(harness, user)
    for value in range(2):
        await harness.send(user, "cadmium" if value == 0 else "lead")
        await harness.press(user, "Agricultural")
        await harness.send(user, "3")
        for label in ("mg/kg", "Guideline", "Total"):
            await harness.press(user, label)
        await harness.send(user, "/skip")
        await harness.send(user, "Environmental Management and Coordination (Soil Quality) Regulations")
        await harness.send(user, "2019")
        calls = await harness.send(user, "/skip")
        if value == 1:  # "Add another?" lists what was entered so far
            assert "• Threshold value 1: Cadmium (Cd) · Agricultural · 3 · mg/kg" in last_text(calls)
            assert "• Threshold value 2: Lead (Pb) · Agricultural" in last_text(calls)
        await harness.press(user, "Yes" if value == 0 else "No")
    await harness.press(user, "Yes")
    calls = await harness.press(user, "Yes")
    review = shown(calls)[-1]
    lines = review.text.split("\n")
    assert len(lines) <= 12, review.text
    assert any("Threshold value 1" in line and "Cadmium" in line for line in lines)
    assert any("Threshold value 2" in line and "Lead" in line for line in lines)
    labels = buttons(review)
    assert labels == [
        "About you (3)",
        "Soil threshold values (3)",
        "Threshold value 1 (8)",
        "Threshold value 2 (8)",
        "Policy (1)",
        "Do you agree that INSOP publishes these… (1)",
        "✅ Submit",
    ]

    calls = await harness.press(user, "Threshold value 2")
    edit = shown(calls)[-1]
    assert edit.method == "editMessageText" and edit.params["message_id"] == review.result.message_id
    assert "• Pollutant: <b>Lead (Pb)</b>" in edit.text
    part_buttons = buttons(edit)
    assert "Change: Pollutant" in part_buttons and part_buttons[-1] == "◀ All parts"
    for label in part_buttons:
        assert utf16_len(label) <= 60 and (not label.endswith("…") or label[-2] != " ")
    calls = await harness.press(user, "All parts")
    assert shown(calls)[-1].method == "editMessageText" and "Please check your answers" in shown(calls)[-1].text


async def test_submit_gives_a_receipt_and_answer_again_offers_the_last_answers(harness, user_id):
    user = await focal_point(harness, user_id)
    await to_has_thresholds(harness, user)
    await harness.press(user, "No")
    await harness.press(user, "No")  # in discussions
    await harness.press(user, "Yes")  # working toward
    await harness.press(user, "Lack of funding")
    await harness.press(user, "Done")
    calls = await harness.press(user, "Yes")  # consent
    assert "Please check your answers" in last_text(calls)
    calls = await harness.press(user, "Submit")
    receipt = last_text(calls)
    submission = await draft_of(harness, user_id)
    assert "Thank you! Your answers have been submitted." in receipt
    assert f"Reference: <b>INSOP-{submission.id:05d}</b>" in receipt
    # A country without values reported none: the receipt says nothing of a review.
    assert "Receipt: 8 answers sent.\n" in receipt and "review" not in receipt

    calls = await harness.send(user, "/survey")
    calls = await harness.press(user, "answer again")
    assert "Answering again sends a new submission" in last_text(calls)
    assert last_buttons(calls) == ["Start from my last answers", "Start a new, empty submission"]
    calls = await harness.press(user, "Start from my last answers")
    assert "Please check your answers" in last_text(calls) and "KALRO" in last_text(calls)
    draft = await draft_of(harness, user_id)
    assert draft.id != submission.id and draft.status == "draft"
    assert draft.state["answers"]["respondent/institution"] == "KALRO"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            {
                1: "Квитанция: отправлено 8 ответов, 1 пороговое значение на проверку.",
                2: "Квитанция: отправлено 8 ответов, 2 пороговых значения на проверку.",
                5: "Квитанция: отправлено 8 ответов, 5 пороговых значений на проверку.",
            },
        ),
        (
            "ar",
            {
                1: "الإيصال: \u2068أُرسلت 8 إجابات\u2069، و\u20681 قيمة حدية للمراجعة\u2069.",
                2: "الإيصال: \u2068أُرسلت 8 إجابات\u2069، و\u20682 قيمتان حديتان للمراجعة\u2069.",
                11: "الإيصال: \u2068أُرسلت 8 إجابات\u2069، و\u206811 قيمة حدية للمراجعة\u2069.",
            },
        ),
    ],
)
async def test_the_receipt_counts_take_the_plural_form_of_the_language(
    harness, user_id, settings, monkeypatch, language, expected
):
    """Each count of the receipt in its own plural form. The answers are real (8); the number of values for
    review is set here, since typing 11 values in the chat would take some 120 messages (a real queued value
    is counted in tests/test_survey_chat.py)."""
    from bot.app import build_i18n
    from bot.i18n import language_name
    from bot.services import surveys

    submit = build_i18n(settings).gettext("✅ Submit", locale=language)
    for number, (values, line) in enumerate(expected.items()):

        async def waiting(session, submission, values=values):
            return values

        monkeypatch.setattr(surveys, "values_for_review", waiting)
        user = await focal_point(harness, user_id + number * 100_000)
        await to_has_thresholds(harness, user)
        await harness.press(user, "No")
        await harness.press(user, "No")  # in discussions
        await harness.press(user, "Yes")  # working toward
        await harness.press(user, "Lack of funding")
        await harness.press(user, "Done")
        await harness.press(user, "Yes")  # consent
        await harness.send(user, "/language")
        await harness.press(user, language_name(language))
        calls = await harness.press(user, submit)
        assert line in last_text(calls), last_text(calls)


async def test_the_paused_draft_line_counts_its_answers_in_the_plural_form(harness, user_id):
    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    await harness.press(user, "Kenya")
    await harness.send(user, "/cancel")
    calls = await harness.send(user, "/start")
    assert "You have a draft of “INSOP soil threshold values” with 1 answer saved." in last_text(calls)
    await harness.send(user, "/language")
    await harness.press(user, "Русский")
    calls = await harness.send(user, "/start")
    assert "сохранён 1 ответ." in last_text(calls), last_text(calls)


async def test_start_offers_the_paused_draft_and_onboarding_offers_the_survey(harness, user_id):
    # A focal point is onboarded by a coordinator's invite link (nobody picks the role themselves).
    texts = harness.texts(await harness.send(harness.user(900, name="Coco"), "/invite Kenya focal_point"))
    code = texts[0].rsplit("?start=", 1)[1].strip()
    user = harness.user(user_id)
    calls = await harness.send(user, f"/start {code}")
    assert "A survey is waiting for you: “INSOP soil threshold values”." in last_text(calls)
    assert last_buttons(calls) == ["Start the survey ▶"]
    calls = await harness.press(user, "Start the survey")
    assert "Which country do you represent?" in last_text(calls)
    # A member who signs up (the threshold survey is offered to members too) gets the same button.
    newcomer = harness.user(user_id + 300_000)
    await harness.send(newcomer, "/start")
    await harness.type_country(newcomer, "Kenya")
    calls = await harness.press(newcomer, "INSOP member / other")
    assert "A survey is waiting for you: “INSOP soil threshold values”." in last_text(calls)
    assert last_buttons(calls) == ["Start the survey ▶"]
    await harness.press(user, "Kenya")
    await harness.send(user, "Analyst")
    await harness.send(user, "/cancel")
    calls = await harness.send(user, "/start")
    assert "Welcome back" in sent(calls)[0]
    assert "You have a draft of “INSOP soil threshold values” with 2 answers saved." in last_text(calls)
    assert last_buttons(calls) == ["Continue the survey ▶"]
    calls = await harness.press(user, "Continue the survey")
    assert "Which institution do you work for?" in last_text(calls)


async def test_profile_changes_country_and_role_later(harness, user_id):
    user = harness.user(user_id)
    await harness.onboard(user, "Kenya", "INSOP member / other")
    calls = await harness.send(user, "/profile")
    assert "Country: Kenya" in last_text(calls) and "Role: INSOP member / other" in last_text(calls)
    assert last_buttons(calls) == ["Change country", "Change role", "Change language"]
    await harness.press(user, "Change country")
    calls = await harness.type_country(user, "Ghana")
    assert "Country: Ghana." in harness.texts(calls)  # a name typed exactly: no "Did you mean"
    calls = await harness.send(user, "/profile")
    assert "Country: Ghana" in last_text(calls)
    await harness.press(user, "Change role")
    await harness.press(user, "Soil laboratory")
    calls = await harness.send(user, "/profile")
    assert "Role: Soil laboratory" in last_text(calls)
    async with harness.storage.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == user_id))
    assert (member.country, member.role) == ("GH", "lab")
    # A forged profile button is refused, not taken as "Change language".
    calls = await harness.press(user, data="prf:zzz")
    assert [call.text for call in calls if call.method == "answerCallbackQuery"] == ["This button is no longer active."]
    assert not [call for call in calls if call.method == "sendMessage"]


async def test_the_focal_point_is_told_when_a_coordinator_approves_or_rejects_a_value(harness, user_id):
    from bot.callbacks import CoordReview
    from storage.models import Threshold

    user = await focal_point(harness, user_id, language="fr")
    # Bhutan’s values: an approved one must not change what other tests read of Kenya.
    await to_has_thresholds(harness, user, country="Bhoutan")
    await harness.press(user, "Oui")
    await harness.press(user, "Indicatives")
    await harness.press(user, "Agricole")
    await harness.press(user, "Terminé")
    for value, more in (("cadmium", "Oui"), ("plomb", "Non")):
        await harness.send(user, value)
        await harness.press(user, "Agricole")
        await harness.send(user, "3")
        await harness.press(user, "mg/kg")
        await harness.press(user, "Valeur guide")
        await harness.press(user, "Teneur totale")
        await harness.send(user, "/skip")
        await harness.send(user, "EMCA")
        await harness.send(user, "2019")
        await harness.send(user, "/skip")
        await harness.press(user, more)
    await harness.press(user, "Oui")
    await harness.press(user, "Oui")
    await harness.press(user, "Envoyer")
    submission = await draft_of(harness, user_id)
    assert submission.status == "submitted"
    async with harness.storage.sessionmaker() as session:
        rows = list(
            await session.scalars(
                select(Threshold).where(Threshold.submission_id == submission.id).order_by(Threshold.id)
            )
        )
    cadmium, lead = rows
    assert cadmium.jurisdiction == "BT"
    coordinator = harness.user(900, name="Coco")
    await harness.send(coordinator, "/start")  # a coordinator has a member row

    calls = await harness.press(coordinator, data=CoordReview(tid=cadmium.id, action="ok").pack())
    told = [call.text for call in calls if call.method == "sendMessage" and call.chat_id == user_id]
    assert told == [
        f"Un coordinateur a approuvé la valeur seuil que vous avez signalée (<b>INSOP-{submission.id:05d}</b>)"
        f"\u202f: cadmium · 3 mg/kg dw. Elle apparaît désormais dans les recherches."
    ]

    await harness.press(coordinator, data=CoordReview(tid=lead.id, action="no").pack())
    calls = await harness.send(coordinator, "Please check the unit")
    told = [call.text for call in calls if call.method == "sendMessage" and call.chat_id == user_id]
    assert len(told) == 1 and "n’a pas accepté" in told[0] and "Raison\u202f: Please check the unit" in told[0]


async def test_a_language_change_mid_survey_asks_the_open_question_again_in_that_language(harness, user_id):
    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    await harness.press(user, "Kenya")
    await harness.send(user, "/language")
    calls = await harness.press(user, "Français")
    assert "Quelle est votre fonction ou votre poste" in last_text(calls)
    assert last_text(calls).startswith("<i>Partie 1 sur 5, question 2 sur 3</i>")


async def test_a_typed_role_at_sign_up_is_understood(harness, user_id):
    user = harness.user(user_id)
    await harness.send(user, "/start")
    await harness.type_country(user, "Kenya")
    calls = await harness.send(user, "soil laboratory")  # "focal point" is not a choice: tests/test_onboarding.py
    assert sent(calls)[0] == "Thank you, your profile is complete."
    async with harness.storage.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == user_id))
    assert member.role == "lab" and member.is_onboarded


async def test_a_bare_web_address_gets_its_https(harness, user_id):
    user = await focal_point(harness, user_id)
    await to_first_value(harness, user)
    await harness.send(user, "cadmium")
    await harness.press(user, "Agricultural")
    await harness.send(user, "3")
    for label in ("mg/kg", "Guideline", "Total"):
        await harness.press(user, label)
    await harness.send(user, "/skip")
    await harness.send(user, "EMCA")
    await harness.send(user, "2019")
    calls = await harness.send(user, "www.nema.go.ke")
    assert last_text(calls).startswith("✓ Link to the document (optional): <b>https://www.nema.go.ke</b>")
    assert (await draft_of(harness, user_id)).state["answers"]["threshold[1]/link"] == "https://www.nema.go.ke"


async def test_a_copy_of_a_submission_with_values_submits_as_a_new_one(harness, user_id):
    from storage.models import Threshold

    user = await focal_point(harness, user_id)
    await to_first_value(harness, user)
    await harness.send(user, "cadmium")
    await harness.press(user, "Agricultural")
    await harness.send(user, "7.1")  # a value no other test reports (values are queued once by content)
    for label in ("mg/kg", "Guideline", "Total"):
        await harness.press(user, label)
    for typed in ("/skip", "EMCA", "2019", "/skip"):
        await harness.send(user, typed)
    for label in ("No", "Yes", "Yes", "Submit"):
        await harness.press(user, label)
    first = await draft_of(harness, user_id)
    await harness.send(user, "/survey")
    await harness.press(user, "answer again")
    await harness.press(user, "Start from my last answers")
    # Only what changed is typed again: the value, from the review.
    await harness.press(user, "Threshold value 1")
    await harness.press(user, "Change: Threshold value")
    await harness.send(user, "7.2")
    calls = await harness.press(user, "Submit")
    second = await draft_of(harness, user_id)
    assert second.id != first.id and second.status == "submitted"
    assert f"INSOP-{second.id:05d}" in last_text(calls) and "1 threshold value for review." in last_text(calls)
    async with harness.storage.sessionmaker() as session:
        rows = list(await session.scalars(select(Threshold).where(Threshold.submission_id.in_([first.id, second.id]))))
    assert sorted((row.submission_id, row.value) for row in rows) == [(first.id, 7.1), (second.id, 7.2)]


async def _report_cadmium(harness: BotHarness, user, value: str, country: str = "Bhutan") -> list:
    """A whole submission reporting one cadmium value (agricultural, mg/kg), up to its review (not submitted)."""
    await to_has_thresholds(harness, user, country=country)
    for label in ("Yes", "Guideline", "Agricultural", "Done"):
        await harness.press(user, label)
    await harness.send(user, "cadmium")
    await harness.press(user, "Agricultural")
    await harness.send(user, value)
    for label in ("mg/kg", "Guideline", "Total"):
        await harness.press(user, label)
    for typed in ("/skip", "EMCA", "2019", "/skip"):
        await harness.send(user, typed)
    return [await harness.press(user, label) for label in ("No", "Yes", "Yes")][-1]


async def _answer_again_unchanged(harness: BotHarness, user) -> list:
    """The rejection's advice: /survey, answer again from the last answers, submit them as they are."""
    await harness.send(user, "/survey")
    await harness.press(user, "answer again")
    await harness.press(user, "Start from my last answers")
    return await harness.press(user, "Submit")


async def _rows(harness: BotHarness, value: float) -> list[Threshold]:
    async with harness.storage.sessionmaker() as session:
        return list(
            await session.scalars(
                select(Threshold).where(Threshold.origin == "survey", Threshold.value == value).order_by(Threshold.id)
            )
        )


async def test_a_rejected_value_sent_again_waits_for_review_again(harness, user_id):
    """Rejected, then sent again unchanged as the rejection advises: it is reviewed again, not lost, and the
    receipt counts it; the rejection stays in the value's history."""
    from bot.callbacks import CoordReview
    from storage.repositories.review import ReviewRepository
    from storage.repositories.thresholds import ThresholdRepository

    user = await focal_point(harness, user_id)
    await _report_cadmium(harness, user, "7.3")  # a value no other test reports; Bhutan, as it gets approved
    await harness.press(user, "Submit")
    first = await draft_of(harness, user_id)
    [row] = await _rows(harness, 7.3)
    coordinator = harness.user(901, name="Coco")
    await harness.send(coordinator, "/start")
    await harness.send(coordinator, "/review")  # a card with buttons (ours or an older value)
    await harness.press(coordinator, data=CoordReview(tid=row.id, action="no").pack())
    calls = await harness.send(coordinator, "Please attach the decree")
    told = [call.text for call in calls if call.method == "sendMessage" and call.chat_id == user_id]
    assert len(told) == 1 and "did not accept" in told[0] and "start from your last answers" in told[0]

    calls = await _answer_again_unchanged(harness, user)
    second = await draft_of(harness, user_id)
    assert second.id != first.id and second.status == "submitted"
    assert f"INSOP-{second.id:05d}" in last_text(calls) and "1 threshold value for review." in last_text(calls)
    [again] = await _rows(harness, 7.3)
    assert (again.id, again.review_status, again.submission_id) == (row.id, "pending", second.id)
    assert again.review_note is None and again.reviewed_by is None
    async with harness.storage.sessionmaker() as session:
        # What /review shows: the oldest waiting value, this one among them.
        assert (await ReviewRepository(session).next_pending_threshold(row.id - 1, wrap=False)).id == row.id
        [history] = await ThresholdRepository(session).revisions(row.id)
    assert history.change == "resubmitted"
    assert history.previous["review_status"] == "rejected" and history.previous["submission_id"] == first.id
    assert history.previous["review_note"] == "Please attach the decree" and history.previous["reviewed_by"] == 901

    # The coordinator can decide on it again, and the focal point hears about the new submission.
    await harness.send(coordinator, "/review")
    calls = await harness.press(coordinator, data=CoordReview(tid=row.id, action="ok").pack())
    told = [call.text for call in calls if call.method == "sendMessage" and call.chat_id == user_id]
    assert len(told) == 1 and "approved" in told[0] and f"INSOP-{second.id:05d}" in told[0]


async def test_a_value_sent_twice_is_queued_once(harness, user_id):
    """A Submit delivered twice, pressed twice, or the same value sent again while it waits or once approved:
    the value is stored once, and each receipt counts what waits for review."""
    from bot.callbacks import CoordReview

    user = await focal_point(harness, user_id)
    await _report_cadmium(harness, user, "7.4")
    message, button = harness.find_button(user.id, label="Submit")
    update = harness.updates.press(user, message, button.callback_data)
    calls = await harness.feed(update)
    assert "1 threshold value for review." in last_text(calls)
    first = await draft_of(harness, user_id)
    assert await harness.feed(update) == []  # Telegram's redelivery: nothing stored, nothing sent
    calls = await harness.press(user, data=button.callback_data)  # the old Submit pressed again
    assert not sent(calls) and [call.method for call in calls] == ["answerCallbackQuery"]
    [row] = await _rows(harness, 7.4)
    assert (row.review_status, row.submission_id) == ("pending", first.id)

    calls = await _answer_again_unchanged(harness, user)  # while it still waits: counted, not stored twice
    assert "1 threshold value for review." in last_text(calls)
    [row] = await _rows(harness, 7.4)
    assert (row.review_status, row.submission_id) == ("pending", first.id)

    coordinator = harness.user(900, name="Coco")
    await harness.send(coordinator, "/start")
    await harness.send(coordinator, "/review")
    await harness.press(coordinator, data=CoordReview(tid=row.id, action="ok").pack())
    calls = await _answer_again_unchanged(harness, user)  # once approved: nothing waits
    assert "0 threshold values for review." in last_text(calls)
    [row] = await _rows(harness, 7.4)
    assert (row.review_status, row.submission_id) == ("approved", first.id)


async def test_forged_conversation_buttons_change_nothing(harness, user_id):
    from bot.callbacks import SurveyStep

    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    await harness.press(user, "Kenya")
    await harness.send(user, "cadmium limit kenya")  # waits for "Look it up" / "Save as my answer"
    draft = await draft_of(harness, user_id)
    intruder = harness.user(user_id + 60_000)
    await harness.onboard(intruder, "Kenya", "National focal point")
    message, button = harness.find_button(user.id, label="Look it up")
    step = SurveyStep.unpack(button.callback_data).step
    for action, arg in (("l", 0), ("a", 0), ("v", 0), ("r", 0), ("k", 0), ("v", 9999)):
        data = SurveyStep(sub=draft.id, step=step, action=action, arg=arg).pack()
        calls = await harness.feed(harness.updates.press(intruder, message, data))
        alerts = [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"]
        assert alerts == ["This button is no longer active."], (action, alerts)
    after = await draft_of(harness, user_id)
    assert after.state == draft.state and after.pending == draft.pending and after.active


async def test_answering_about_another_country_than_ones_own_is_said_once(harness, user_id):
    """The answer counts for the country answered about; the member registered elsewhere is told so, once."""
    warning = "Your profile says Kenya, and you are answering about {answered}: your answers will count for {answered}."
    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    calls = await harness.send(user, "Netherlands")
    texts = sent(calls)
    netherlands = country_name("NL", "en")
    assert sum(warning.format(answered=netherlands) in text for text in texts) == 1
    assert texts[0].startswith("✓ Which country do you represent?: <b>Netherlands</b>\n\n⚠️ Your profile says Kenya")
    calls = await harness.send(user, "Analyst")  # the next question: no warning again
    assert not any("Your profile says" in text for text in sent(calls))
    await harness.send(user, "/back")
    await harness.send(user, "/back")
    calls = await harness.press(user, "Kenya")  # their own country: nothing to say
    assert sent(calls) and not any("Your profile says" in text for text in sent(calls))


async def test_pyxform_other_reads_in_the_members_language(harness, user_id):
    """pyxform's generated Other and its "Specify other." (English only in the form) are typed and asked in
    the member's language, and a choice not matched says how to ask something else first."""
    user = await focal_point(harness, user_id)
    await to_first_value(harness, user)  # the pollutant: a long list, typed
    calls = await harness.send(user, "zzz")
    assert sent(calls) == [
        "⚠️ Please choose one of the options.\nTo ask me something else first, send /cancel: your answers are "
        "kept, and /resume brings you back here."
    ]
    await harness.send(user, "/language")
    await harness.press(user, "Français")
    calls = await harness.send(user, "zzz")
    assert sent(calls)[0].startswith("⚠️ Veuillez choisir l’une des options.\nPour me demander autre chose")
    calls = await harness.send(user, "autre")  # the catalog's "Autre", typed
    assert "\n<b>Précisez «\u202fautre\u202f».</b>\n" in last_text(calls)


# pyxform's generated Other and "Specify other." in the catalogs (the form has them in English only), and what
# the walk to them types and presses: (language's name in the picker, Other, Specify other, no, yes, Done, the
# form's part that asks them, words of its question "What stands in the way?").
_OR_OTHER_WORDS = {
    "fr": ("Français", "Autre", "Précisez «\u202fautre\u202f»", "Non", "Oui", "Terminé", "Politiques", "obstacle"),
    "ar": ("العربية", "أخرى", "يُرجى توضيح ما تقصده بـ«أخرى»", "لا", "نعم", "تم ✔", "السياسات", "العوائق"),
}


@pytest.mark.parametrize("language", sorted(_OR_OTHER_WORDS))
async def test_pyxform_other_is_read_back_in_the_members_language(harness, user_id, language):
    """An answer of pyxform's generated Other, and its "Specify other." question, read back in the member's
    language wherever the answer is shown: on the answered question, on the review and its Change screen, in
    /mydata; never pyxform's English "Other"."""
    picker, other, specify, no, yes, done, part, question = _OR_OTHER_WORDS[language]
    user = await focal_point(harness, user_id)
    await harness.send(user, "/language")
    await harness.press(user, picker)
    await open_threshold_survey(harness, user)
    await harness.send(user, "Kenya")
    await harness.send(user, "Analyst")
    await harness.send(user, "KALRO")
    for answer in (no, yes, yes):  # no values yet; in discussions; working toward them: what stands in the way?
        await harness.send(user, answer)
    await harness.press(user, other)
    calls = await harness.press(user, done)
    [answered] = [call.text for call in calls if call.method == "editMessageText"]
    assert answered.endswith(f"<b>{other}</b>") and "Other" not in answered, answered
    assert specify in last_text(calls)  # asked next
    await harness.send(user, "lack of political will")
    calls = await harness.send(user, yes)  # consent: the review
    review = last_text(calls)
    assert f"{other} · lack of political will" in review and "Other" not in review, review
    calls = await harness.press(user, part)
    answers = "\n".join(harness.texts(calls))
    assert specify in answers and f"<b>{other}</b>" in answers and "Other" not in answers, answers
    assert "Specify other" not in "".join(buttons(calls[-1])), buttons(calls[-1])
    calls = await harness.press(user, question)  # Change: What stands in the way?
    asked = "\n".join(harness.texts(calls)) + "\n" + "\n".join(last_buttons(calls))
    assert other in asked and "Other" not in asked, asked
    mydata = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert f": {other}" in mydata or f": \u2068{other}" in mydata, mydata
    assert specify in mydata and "Other" not in mydata and "Specify other" not in mydata, mydata


async def test_an_overlong_answer_to_pyxforms_specify_other_is_named_in_the_members_language(harness, user_id):
    """Submit refused for an answer given before its limit existed names the question as it was asked,
    pyxform's "Specify other." in the member's language."""
    user = await focal_point(harness, user_id, language="fr")
    await to_has_thresholds(harness, user)
    for label in ("Oui", "Indicatives", "Agricole", "Terminé"):
        await harness.press(user, label)
    await harness.send(user, "autre")
    await harness.send(user, "Pentachlorophénol")
    await harness.press(user, "Agricole")
    await harness.send(user, "3")
    for label in ("mg/kg", "Valeur guide", "Teneur totale"):
        await harness.press(user, label)
    for typed in ("/skip", "EMCA", "2019", "/skip"):
        await harness.send(user, typed)
    for label in ("Non", "Oui", "Oui"):  # no other value; in discussions; consent: the review
        await harness.press(user, label)
    draft = await draft_of(harness, user_id)
    # As if answered before the limit existed.
    answers = {**draft.state["answers"], "threshold[1]/pollutant_other": "Q" * 300}
    async with harness.storage.sessionmaker() as session, session.begin():
        await session.execute(
            update(Submission).where(Submission.id == draft.id).values(state={**draft.state, "answers": answers})
        )
    calls = await harness.press(user, "Envoyer")
    assert any(
        "La réponse à «\u202fPrécisez «\u202fautre\u202f».\u202f» est trop longue" in text for text in sent(calls)
    ), sent(calls)
