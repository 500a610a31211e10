"""The threshold survey in the chat, through the real dispatcher: buttons, text, resume, duplicates."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from storage.models import Member, Submission, SurveyAnswer
from tests.forms import shipped_form
from tests.harness import BotHarness, shown
from tests.survey_walk import (
    COUNTRY_QUESTION,
    THRESHOLD_TITLE,
    answer_about_you,
    answer_status_with_values,
    describe_instrument,
    finish_after_key_values,
    finish_to_review,
    first_key_value,
    key_value_after_pollutant,
    open_threshold_survey,
)


async def focal_point(harness: BotHarness, user_id: int, language: str = "en"):
    user = harness.user(user_id, language=language)
    await harness.onboard(user, "Kenya", "National focal point" if language == "en" else "Point focal national")
    return user


async def draft_of(harness: BotHarness, user_id: int) -> Submission | None:
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(
            select(Submission)
            .join(Member, Member.id == Submission.member_id)
            .where(Member.telegram_id == user_id)
            .order_by(Submission.id.desc())
            .limit(1)
        )


async def trail_count(harness: BotHarness, submission_id: int) -> int:
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(
            select(func.count(SurveyAnswer.id)).where(SurveyAnswer.submission_id == submission_id)
        )


def last_text(calls) -> str:
    texts = [call.text for call in calls if call.method in ("sendMessage", "editMessageText")]
    return texts[-1] if texts else ""


WALKER = 7_000_001  # the focal point of the end-to-end walk


@pytest.fixture(scope="module")
async def walked(harness) -> Submission:
    """The survey of the end-to-end walk, submitted once for the module (the review and export tests read it)."""
    return await walk_threshold_survey(harness, WALKER)


async def walk_threshold_survey(harness: BotHarness, user_id: int) -> Submission:
    """A focal point answers the threshold survey, edits an answer from the review and submits."""
    user = await focal_point(harness, user_id)
    calls = await harness.send(user, "/survey")
    assert last_text(calls) == "Which survey would you like to answer?"
    calls = await harness.press(user, THRESHOLD_TITLE)
    assert "This INSOP survey maps" in harness.texts(calls)[0]
    assert COUNTRY_QUESTION in last_text(calls)
    calls = await harness.press(user, "Kenya")  # the member's own country is offered as a button
    assert "In what capacity are you answering?" in last_text(calls)
    await harness.press(user, "Official GSP national focal point")
    await harness.send(user, "Wanjiru Kamau")
    calls = await harness.send(user, "not an address")
    assert any("⚠️" in text for text in harness.texts(calls))
    await harness.send(user, "w.kamau@example.org")
    await harness.send(user, "Kenya Agricultural and Livestock Research Organization")
    await harness.press(user, "Yes")
    await answer_status_with_values(harness, user)
    calls = await harness.send(user, "Environmental Management (Soil Quality) Regulations")
    assert "Official number" in last_text(calls)
    await harness.send(user, "/skip")
    await harness.send(user, "Ministry of Environment")
    await harness.press(user, "Nationally")
    await harness.press(user, "Legally binding")
    await harness.press(user, "Yes, in force")
    calls = await harness.send(user, "1800")
    assert any("⚠️" in text for text in harness.texts(calls))
    await harness.send(user, "2019")
    await harness.send(user, "/skip")
    await harness.press(user, "Agricultural land")
    calls = await harness.press(user, "Contaminated sites")
    labels = [button.text for row in shown(calls)[-1].keyboard.inline_keyboard for button in row]
    assert "☑ Agricultural land (selected)" in labels and "☑ Contaminated sites (selected)" in labels
    assert "☐ Use of sewage sludge on land" in labels
    await harness.press(user, "Done")
    await harness.send(user, "/skip")  # link
    calls = await harness.send(user, "/skip")  # the document itself, as a file
    assert "Would you like to type some key values" in last_text(calls)
    await harness.press(user, "Yes")
    calls = await harness.press(user, "mg/kg dry weight")  # the unit, asked before any value
    assert "Basis or extraction of its values" in last_text(calls)
    await harness.press(user, "Total content")
    calls = await harness.press(user, "Human health")
    assert "What does crossing its values mean?" in last_text(calls)  # once for all its values
    await harness.press(user, "Screening or trigger")
    await harness.send(user, "/skip")  # the values' name in the document
    await harness.press(user, "One number")
    calls = await harness.press(user, "No")  # none only in a pH band
    assert "Pollutant" in last_text(calls)
    # The common metals are buttons (the form's featured choices); the rest of the catalogue is typed.
    offered = [
        button.text for call in calls if call.keyboard for row in call.keyboard.inline_keyboard for button in row
    ]
    assert {"Cadmium (Cd)", "Lead (Pb)", "Mercury (Hg)", "Zinc (Zn)"} <= set(offered), offered
    assert not any(text.startswith(("Barium", "Mirex")) for text in offered), offered
    assert "its number" not in last_text(calls)  # a number would pick from the whole list, not the buttons
    await harness.send(user, "cadmum")  # typed and fuzzy-matched to a choice
    calls = await harness.press(user, "Agricultural land")
    assert "Value (number only)" in last_text(calls)
    calls = await harness.send(user, "abc")
    assert any("⚠️" in text for text in harness.texts(calls))
    calls = await harness.send(user, "1,000")  # one thousand, or one? Asked, nothing stored.
    assert any("Did you mean 1000 or 1.0?" in text for text in harness.texts(calls))
    calls = await harness.send(user, "0,8")
    assert "Add another key value?" in last_text(calls)
    calls = await finish_to_review(harness, user)
    review = "\n".join(harness.texts(calls))
    assert "Please check your answers" in review
    assert "2019" in review

    calls = await harness.press(user, "Legal instrument or official guideline 1")  # the part, then its answer
    assert "0.8" in last_text(calls) and "Cadmium" in last_text(calls)
    assert "\n<i>Key value 1</i>\n• Pollutant: <b>Cadmium (Cd)</b>" in last_text(calls)  # each entry headed
    calls = await harness.press(user, "Year of adoption")
    assert "Year of adoption" in last_text(calls) and "Current answer: 2019" in last_text(calls)
    calls = await harness.send(user, "2020")
    assert "Please check your answers" in "\n".join(harness.texts(calls))
    calls = await harness.press(user, "Submit")
    assert "Thank you! Your answers have been submitted." in last_text(calls)
    assert "1 threshold value for review." in last_text(calls)  # the instrument's key value, not 0

    return await draft_of(harness, user_id)


async def test_threshold_survey_end_to_end_with_review_edit_and_submit(walked):
    submission = walked
    assert submission.status == "submitted" and submission.submitted_at is not None
    data = submission.data
    assert data["country"] == "KE" and data["has_thresholds"] == "yes" and data["consent_publish"] == "named"
    instrument = data["instrument"][0]
    assert instrument["instr_scope"] == ["agricultural", "contaminated_sites"] and instrument["instr_year"] == 2020
    value = instrument["key_value"][0]
    assert (value["pollutant"], value["value"], instrument["instr_unit"]) == ("cadmium", 0.8, "mg_kg")
    assert "ph_min" not in value


async def test_redelivered_update_is_recorded_once(harness, user_id):
    user = await focal_point(harness, user_id)
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    await harness.press(user, "Kenya")
    await harness.press(user, "Official GSP national focal point")
    update = harness.updates.message(user, "Wanjiru Kamau")
    first = await harness.feed(update)
    assert "Your work e-mail" in last_text(first)
    submission = await draft_of(harness, user_id)
    trail = await trail_count(harness, submission.id)
    again = await harness.feed(update)
    assert again == []
    after = await draft_of(harness, user_id)
    assert after.state == submission.state
    assert await trail_count(harness, submission.id) == trail


async def test_cancel_keeps_the_draft_and_resume_continues(harness, user_id):
    user = await focal_point(harness, user_id, language="fr")
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP")
    await harness.press(user, "Kenya")
    await harness.press(user, "Point focal national officiel du PMS")
    await harness.send(user, "Amina Diallo")
    calls = await harness.send(user, "/cancel")
    assert "/resume" in last_text(calls)
    # Free text now goes elsewhere, not into the survey.
    await harness.send(user, "amina@example.org")
    draft = await draft_of(harness, user_id)
    assert draft.state["answers"].get("respondent/resp_email") is None
    assert draft.state["answers"]["respondent/resp_name"] == "Amina Diallo"
    calls = await harness.send(user, "/resume")
    assert "adresse électronique professionnelle" in last_text(calls)
    await harness.send(user, "amina@example.org")
    draft = await draft_of(harness, user_id)
    assert draft.state["answers"]["respondent/resp_email"] == "amina@example.org"


async def test_stale_and_forged_survey_buttons_change_nothing(harness, user_id):
    user = await focal_point(harness, user_id)
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    await harness.press(user, "Kenya")
    await harness.press(user, "Official GSP national focal point")
    await harness.send(user, "Analyst")
    await harness.send(user, "analyst@example.org")
    await harness.send(user, "Ministry")
    question = harness.find_button(user.id, label="Not yet")
    await harness.press(user, "No")
    before = await draft_of(harness, user_id)
    # Pressing a button of the already answered question again.
    calls = await harness.feed(harness.updates.press(user, question[0], question[1].callback_data))
    alerts = [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"]
    assert alerts == ["This question is already answered. Send /resume to see the current one."]
    # Another member forging this member's draft id.
    intruder = harness.user(user_id + 50_000)
    await harness.onboard(intruder, "Kenya", "National focal point")
    forged = question[1].callback_data.replace(question[1].callback_data.split(":")[2], "00000000")
    calls = await harness.feed(harness.updates.press(intruder, question[0], forged))
    assert [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"] == [
        "This button is no longer active."
    ]
    after = await draft_of(harness, user_id)
    assert after.state == before.state


async def _press_forged(harness: BotHarness, user, step_label: str, action: str, arg: int) -> list:
    """The member's own draft and the current step's token, with an action or argument its keyboard never shows."""
    from bot.callbacks import SurveyStep

    message, button = harness.find_button(user.id, label=step_label)
    shown_step = SurveyStep.unpack(button.callback_data)
    data = SurveyStep(sub=shown_step.sub, step=shown_step.step, action=action, arg=arg).pack()
    return await harness.feed(harness.updates.press(user, message, data))


async def _assert_refused_and_unchanged(
    harness: BotHarness, user_id: int, calls: list, before: Submission, case: object = None
) -> None:
    alerts = [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"]
    assert alerts == ["This button is no longer active."], case
    assert not shown(calls), case  # no question asked again, no keyboard redrawn
    after = await draft_of(harness, user_id)
    assert (after.state, after.pending, after.last_update_id) == (
        before.state,
        before.pending,
        before.last_update_id,
    ), case
    assert await trail_count(harness, after.id) == await trail_count(harness, before.id), case


# Buttons the step's keyboard never shows, as (action, arg), with why. All are pressed one after another on one
# draft: each must leave it exactly as it was before the first.
_NOT_ON_ADD_ANOTHER = [
    ("c", 2),  # "Add another key value?" has two choices, Yes and No
    ("c", 5),
    ("c", 99),
    ("c", 9999),
    ("t", 0),  # a toggle: only a multiple choice shows them
    ("d", 0),  # Done: only under a multiple choice
    ("k", 0),  # Keep: only under a question answered before
    ("s", 0),  # Skip: only under an optional question
    ("e", 0),  # Change: only on the review
    ("S", 0),  # Submit: only on the review
    ("a", 0),  # Save as my answer: only under typed text that read as a lookup
]
_NOT_ON_THE_REVIEW = [("c", 0), ("b", 0), ("e", 9999), ("v", 9999)]  # no choices, no Back, nothing beyond its list


async def test_buttons_a_step_does_not_show_are_refused(harness, user_id):
    """Forged buttons on "Add another key value?", then on the review: "no longer active", the draft unchanged."""
    user = await focal_point(harness, user_id)
    calls = await first_key_value(harness, user)
    assert "Add another key value?" in last_text(calls)
    before = await draft_of(harness, user_id)
    for action, arg in _NOT_ON_ADD_ANOTHER:
        calls = await _press_forged(harness, user, "No", action, arg)
        await _assert_refused_and_unchanged(harness, user_id, calls, before, (action, arg))
    calls = await harness.press(user, "No")  # the step's own buttons still work
    assert "Add another key value?" not in last_text(calls)

    await finish_after_key_values(harness, user)
    before = await draft_of(harness, user_id)
    for action, arg in _NOT_ON_THE_REVIEW:
        calls = await _press_forged(harness, user, "Submit", action, arg)
        await _assert_refused_and_unchanged(harness, user_id, calls, before, (action, arg))


async def test_choose_on_a_multiple_choice_is_refused(harness, user_id):
    """A multiple choice shows toggles and Done: a forged "choose" would answer it without Done."""
    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user)
    await harness.press(user, "Yes, in force")
    await harness.press(user, "No")  # no state or provincial values: a multiple choice with Done
    before = await draft_of(harness, user_id)
    calls = await _press_forged(harness, user, "Done", "c", 0)
    await _assert_refused_and_unchanged(harness, user_id, calls, before)


async def test_surveys_offered_by_role(harness, user_id):
    lab = harness.user(user_id)
    await harness.onboard(lab, "Peru", "Soil laboratory")
    calls = await harness.send(lab, "/survey")
    labels = [button.text for row in shown(calls)[-1].keyboard.inline_keyboard for button in row]
    assert labels == ["INSOP soil laboratory SOP survey"]
    newcomer = harness.user(user_id + 70_000)
    calls = await harness.send(newcomer, "/survey")
    assert last_text(calls) == "Please set up your profile first: send /start."


async def test_a_typed_bidi_override_is_dropped_and_the_receipt_counts_the_queued_value(harness, user_id):
    """U+202E typed into a value's name would turn the rest of the coordinator's line around: it is dropped
    (the marks U+200E/U+200F are kept); the receipt counts the value that now waits in /review."""
    from storage.models import Threshold

    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user)
    await answer_status_with_values(harness, user)
    await describe_instrument(
        harness,
        user,
        title="\u2067Bidi Test Regulations\u2069 \u200fnote",
        values_name="\u202eeulav reggirt\u202c \u202a\u202b\u202d\u2066\u2068x",  # the name of its values
    )
    await harness.send(user, "lead")
    await harness.press(user, "Agricultural land")
    await harness.send(user, "1000")
    await finish_to_review(harness, user)
    calls = await harness.press(user, "Submit")
    assert "Receipt:" in last_text(calls) and "1 threshold value for review." in last_text(calls)
    submission = await draft_of(harness, user_id)
    instrument = submission.data["instrument"][0]
    assert instrument["instr_title"] == "Bidi Test Regulations \u200fnote"
    assert instrument["instr_val_name"] == "eulav reggirt x"
    async with harness.storage.sessionmaker() as session:
        rows = list(await session.scalars(select(Threshold).where(Threshold.submission_id == submission.id)))
    assert [(row.pollutant_id, row.value, row.review_status) for row in rows] == [("lead", 1000, "pending")]
    stored = " ".join(str(value) for row in rows for value in vars(row).values())
    assert not any(chr(code) in stored for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


async def test_submitted_values_wait_for_review_and_stay_out_of_lookups(harness, walked, user_id):
    from storage.models import Threshold

    async with harness.storage.sessionmaker() as session:
        rows = list(await session.scalars(select(Threshold).where(Threshold.submission_id == walked.id)))
    assert [
        (row.pollutant_id, row.value, row.land_use, row.review_status, row.origin, row.jurisdiction) for row in rows
    ] == [("cadmium", 0.8, "agricultural", "pending", "survey", "KE")]
    # Stored as a code, worded in each reader's language when shown (tests/lookup/test_survey_wording.py).
    assert rows[0].source.startswith('insop-survey:{"country":"KE","submitted":')
    # The review card reads what was typed for it inside its instrument ("0,8", before any reading of it).
    from bot.services.coordination import review_item

    async with harness.storage.sessionmaker() as session:
        assert (await review_item(session, rows[0].id)).typed_value == "0,8"
    user = harness.user(user_id)
    await harness.onboard(user, "Kenya", "INSOP member")
    calls = await harness.send(user, "cadmium agricultural Kenya")
    assert "No national value recorded for Kenya" in "\n".join(harness.texts(calls))


async def test_an_approved_value_reads_in_the_readers_language_on_review_and_in_lookups(harness, walked, user_id):
    """What the bot writes about a survey value (its source: the survey, the country, the date) is worded in each
    reader's language, on the coordinator's card and in a member's lookup; the authority stays as typed."""
    from bot.callbacks import CoordReview
    from storage.models import Threshold

    async with harness.storage.sessionmaker() as session:
        [row] = list(await session.scalars(select(Threshold).where(Threshold.submission_id == walked.id)))
    day = walked.submitted_at.day
    coordinator = harness.user(900, language="fr", name="Coco")
    await harness.send(coordinator, "/start")
    card = "\n".join(harness.texts(await harness.send(coordinator, "/review")))
    assert "Source\u202f: Enquête de l’INSOP sur les valeurs seuils, réponse pour Kenya, envoyée le " in card
    assert "texte émis par Ministry of Environment" in card and "INSOP threshold survey" not in card
    await harness.press(coordinator, data=CoordReview(tid=row.id, action="ok").pack())

    for language, worded in (
        ("fr", f"Source\u202f: Enquête de l’INSOP sur les valeurs seuils, réponse pour Kenya, envoyée le {day} "),
        ("zh", "来源：INSOP 阈值调查，肯尼亚的答复，提交于"),
    ):
        reader = harness.user(user_id + len(language) * 1000 + ord(language[0]), language=language)
        await harness.onboard(reader, "Kenya" if language == "fr" else "肯尼亚", "INSOP")
        await harness.send(reader, "cadmium Kenya")
        reply = "\n".join(harness.texts(await harness.press(reader, "Détails" if language == "fr" else "详情")))
        assert worded in reply, reply
        assert "Ministry of Environment" in reply  # typed by the respondent: as typed
        for english in ("INSOP threshold survey", "answer for", "submitted", "issued by", "survey answer"):
            assert english not in reply, (language, english)


async def test_a_new_form_version_keeps_old_drafts_answerable(harness, user_id):
    from storage.repositories.surveys import SurveyRepository

    user = await focal_point(harness, user_id)
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    await harness.press(user, "Kenya")
    await harness.press(user, "Official GSP national focal point")
    old = await draft_of(harness, user_id)

    form = shipped_form("threshold_survey.xlsx")
    definition = form.to_dict()
    async with harness.storage.sessionmaker() as session, session.begin():
        repo = SurveyRepository(session)
        stored_old = await repo.form(old.form_pk)
        await repo.publish(
            form.form_id,
            f"{form.version}-v2-{user_id}",
            "INSOP soil threshold values (v2)",
            definition,
            stored_old.audience,
            "test",
            None,
        )
    calls = await harness.send(user, "Soil chemist")
    assert "Your work e-mail" in last_text(calls)
    draft = await draft_of(harness, user_id)
    assert draft.id == old.id and draft.form_pk == old.form_pk
    assert draft.state["answers"]["respondent/resp_name"] == "Soil chemist"
    calls = await harness.send(user, "/survey")
    labels = [button.text for row in shown(calls)[-1].keyboard.inline_keyboard for button in row]
    assert labels == ["INSOP soil threshold values (v2): continue"]


async def test_export_says_where_each_submissions_values_stand(harness, walked):
    import io

    from openpyxl import load_workbook

    from bot.services import coordination

    async with harness.storage.sessionmaker() as session:
        _form, files, count = await coordination.export_form(session, "insop_thresholds")
    sheet = load_workbook(io.BytesIO(files.xlsx)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, [cell.value for cell in row])) for row in sheet.iter_rows(min_row=2)]
    assert count == 1  # the walk's submission only: other tests' are rolled back
    assert [row["_review_status"] for row in rows if row["_submission_id"] == walked.id] == ["pending"]


async def test_typed_input_never_reopens_a_survey_paused_meanwhile(harness, user_id):
    """The draft id read with the member can be stale (a /cancel handled in between): nothing is stored then."""
    from bot.services import surveys

    user = await focal_point(harness, user_id)
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    draft = await draft_of(harness, user_id)
    await harness.send(user, "/cancel")
    before = await trail_count(harness, draft.id)
    async with harness.storage.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == user_id))
    async with harness.storage.sessionmaker() as session:
        with pytest.raises(surveys.SurveyUnavailable):
            await surveys.reply(
                session, harness.dispatcher["forms"], member, draft.id, 10**12, "answer", "Kenya", open_only=True
            )
    assert await trail_count(harness, draft.id) == before
    assert not (await draft_of(harness, user_id)).active


async def test_typed_words_and_option_numbers_read_as_the_member_meant(harness, user_id):
    """ "yes" is the one option that starts with Yes; four option numbers where at most three are allowed get
    the question's own "at most three", not "I could not match “2”"."""
    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user)
    calls = await harness.send(user, "yes")  # "Yes, in force"
    assert "Yes, in force" in shown(calls)[0].text, [call.text for call in shown(calls)]
    await harness.send(user, "/back")
    await harness.press(user, "No")  # no national values
    await harness.press(user, "No")  # no state or provincial values
    await harness.press(user, "None")
    await harness.press(user, "Done")
    await harness.press(user, "Being considered")
    calls = await harness.press(user, "No")  # no discussions in the last two years
    assert "What most hinders" in last_text(calls)
    calls = await harness.send(user, "2, 3, 4, 5")
    assert "Please choose at most three." in last_text(calls), last_text(calls)
    assert "could not match" not in last_text(calls)
    calls = await harness.send(user, "2, 3")
    assert "Which support would help most?" in last_text(calls)


_PROGRESS = re.compile(r"<i>Part (\d+) of (\d+)(?:, entry (\d+))?(?:, question (\d+) of (\d+))?</i>")


class _ProgressReader:
    """Passes a walk's messages and presses on to the harness, and keeps each progress line the member saw."""

    def __init__(self, harness: BotHarness) -> None:
        self.harness = harness
        self.lines: list[tuple[int, ...]] = []

    def _read(self, calls) -> list:
        for call in calls:
            found = _PROGRESS.search(call.text or "") if call.method == "sendMessage" else None
            if found:
                self.lines.append(tuple(int(number or 0) for number in found.groups()))
        return calls

    async def send(self, user, text: str) -> list:
        return self._read(await self.harness.send(user, text))

    async def press(self, user, label: str) -> list:
        return self._read(await self.harness.press(user, label))


async def test_progress_totals_never_change_as_key_values_and_instruments_are_added(harness, user_id):
    """Issue 17: adding a key value made "question 3 of 8" become "question 4 of 16". Inside a repeat the line
    names the entry and counts the questions of one entry, from the form's structure: a second key value or a
    second instrument starts again at question 1 of the same total, and no number goes backwards."""
    user = await focal_point(harness, user_id)
    walk = _ProgressReader(harness)
    await open_threshold_survey(walk, user)
    await answer_about_you(walk, user)
    await answer_status_with_values(walk, user)
    await describe_instrument(walk, user)
    await walk.send(user, "cadmium")
    await key_value_after_pollutant(walk, user)  # "Add another key value?"
    calls = await walk.press(user, "Yes")
    assert "Part 4 of 6, entry 2, question 1 of 18" in last_text(calls), last_text(calls)
    await walk.send(user, "lead")
    await key_value_after_pollutant(walk, user, "50")
    await walk.press(user, "No")  # no third key value: "Add another instrument?"
    calls = await walk.press(user, "Yes")
    assert "Part 4 of 6, entry 2, question 1 of 20" in last_text(calls), last_text(calls)
    await describe_instrument(walk, user, "Soil Remediation Guideline", "2021")
    await walk.send(user, "zinc")
    await key_value_after_pollutant(walk, user, "300")
    calls = await finish_to_review(walk, user)
    assert "Submit" in harness.texts(calls)[-1] or any("Submit" in text for text in harness.texts(calls))

    lines = walk.lines
    assert {parts for _part, parts, *_rest in lines} == {6}
    assert [part for part, *_rest in lines] == sorted(part for part, *_rest in lines)
    totals: dict[tuple[int, bool], set[int]] = {}
    for part, _parts, entry, _question, questions in lines:
        if questions:
            totals.setdefault((part, bool(entry)), set()).add(questions)
    # One total per part, and inside the repeats one per kind of entry (an instrument's own questions, a key value's).
    assert all(len(found) == 1 for (_part, in_entry), found in totals.items() if not in_entry), totals
    assert totals[(4, True)] == {18, 20}, totals
    for before, after in zip(lines, lines[1:]):
        same_unit = before[0] == after[0] and before[2] == after[2] and before[4] == after[4]
        if before[4] and after[4] and same_unit:
            assert after[3] > before[3], (before, after)  # forward within an entry, never back


def _keyboard_of_last_question(calls) -> list[str]:
    keyed = [call for call in calls if call.method == "sendMessage" and call.keyboard is not None]
    return [button.text for row in keyed[-1].keyboard.inline_keyboard for button in row] if keyed else []


async def test_a_multiple_choice_asked_again_shows_its_answer_ticked_and_done_keeps_what_is_ticked(harness, user_id):
    """After /back (or a review edit) the boxes show the current answer: no box reads ☐ for an option that
    counts, an untick removes it, and Done keeps exactly the ticked options."""
    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user)
    await harness.press(user, "Yes, in force")
    await harness.press(user, "No")  # no state or provincial values
    await harness.press(user, "None")
    await harness.press(user, "Done")
    await harness.press(user, "Metals and metalloids")
    calls = await harness.press(user, "Done")
    assert "Agricultural land" in " ".join(_keyboard_of_last_question(calls))
    calls = await harness.send(user, "/back")
    assert "Current answer: Metals and metalloids" in last_text(calls), last_text(calls)
    keyboard = _keyboard_of_last_question(calls)
    assert "☑ Metals and metalloids (selected)" in keyboard, keyboard
    assert not any(text.startswith("☐ Metals") for text in keyboard), keyboard
    # Untick it, tick another group: Done keeps the other group only.
    await harness.press(user, "☑ Metals and metalloids")
    calls = await harness.press(user, "Pesticides in current use")
    edited = [call for call in calls if call.method == "editMessageReplyMarkup"]
    keyboard = [button.text for row in edited[-1].keyboard.inline_keyboard for button in row]
    assert "☐ Metals and metalloids" in keyboard and "☑ Pesticides in current use (selected)" in keyboard, keyboard
    calls = await harness.press(user, "Done")
    assert "→ <b>Pesticides in current use</b>" in " ".join(harness.texts(calls)), harness.texts(calls)
    draft = await draft_of(harness, user_id)
    assert ["pesticides_current"] in draft.state["answers"].values(), draft.state["answers"]
    assert ["metals"] not in draft.state["answers"].values() and [
        "metals",
        "pesticides_current",
    ] not in draft.state["answers"].values()


async def test_a_multiple_choice_opened_from_the_review_shows_its_answer_ticked(harness, user_id):
    """Pressing an answer on the review to change it: the boxes show the answer, and Done keeps the ticks."""
    user = await focal_point(harness, user_id)
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user)
    await answer_status_with_values(harness, user)
    await describe_instrument(harness, user)  # covers agricultural land
    await harness.send(user, "cadmium")
    await key_value_after_pollutant(harness, user)
    await finish_to_review(harness, user)
    await harness.press(user, "Legal instrument or official guideline 1")
    calls = await harness.press(user, "What does it cover?")
    assert "Current answer: Agricultural land" in last_text(calls), last_text(calls)
    keyboard = _keyboard_of_last_question(calls)
    assert "☑ Agricultural land (selected)" in keyboard, keyboard
    await harness.press(user, "Contaminated sites")
    calls = await harness.press(user, "Done")
    assert "Please check your answers" in "\n".join(harness.texts(calls))
    draft = await draft_of(harness, user_id)
    assert draft.state["answers"]["instrument[1]/instr_scope"] == ["agricultural", "contaminated_sites"]
