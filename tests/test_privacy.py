"""/mydata and /forget through the real dispatcher: what is shown, what is erased, what stays."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.handlers.privacy import ForgetConfirm
from storage.models import Member, Submission, SubmissionStatus, SurveyAnswer, SurveyForm, Threshold
from tests.forms import shipped_form
from tests.harness import BotHarness
from tests.survey_walk import (
    answer_about_you,
    answer_status_with_values,
    describe_instrument,
    finish_to_review,
    key_value_after_pollutant,
    open_threshold_survey,
)


async def member_row(harness: BotHarness, telegram_id: int) -> Member | None:
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(select(Member).where(Member.telegram_id == telegram_id))


async def submissions_of(harness: BotHarness, member_id: int | None, ids: list[int] | None = None) -> list[Submission]:
    async with harness.storage.sessionmaker() as session:
        query = select(Submission)
        query = (
            query.where(Submission.id.in_(ids)) if ids is not None else query.where(Submission.member_id == member_id)
        )
        return list(await session.scalars(query.order_by(Submission.id)))


async def submitted_survey_and_draft(harness: BotHarness, user) -> None:
    """Onboard, start the threshold survey and answer two questions (a draft)."""
    await harness.onboard(user, "Kenya", "National focal point")
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    await harness.press(user, "Kenya")
    await harness.send(user, "Head of soil unit")


async def test_mydata_shows_profile_and_drafts_with_dates(harness, user_id):
    user = harness.user(user_id, name="Zainab")
    calls = await harness.send(user, "/mydata")
    assert harness.texts(calls) == ["I store nothing about you."]
    await submitted_survey_and_draft(harness, user)
    calls = await harness.send(user, "/mydata")
    text = "\n".join(harness.texts(calls))
    assert f"Telegram id: {user_id}" in text
    assert "Name: Zainab" in text and "Country: Kenya" in text and "Role: National focal point" in text
    assert "Reminders muted: no" in text
    assert "INSOP soil threshold values: draft, started" in text
    assert "Head of soil unit" in text
    assert "Send /forget" in text


async def test_mydata_in_the_members_language(harness, user_id):
    user = harness.user(user_id, language="fr")
    await harness.send(user, "/start")
    await harness.press(user, "Français")
    calls = await harness.send(user, "/mydata")
    assert calls and all(len(call.text) <= 4096 for call in calls)


async def test_forget_erases_person_keeps_submitted_survey_detached(harness, user_id):
    user = harness.user(user_id, name="Kofi")
    await submitted_survey_and_draft(harness, user)
    member = await member_row(harness, user_id)
    draft = (await submissions_of(harness, member.id))[0]
    # A submitted survey of the country, by this member (made directly: the full survey is tested elsewhere).
    async with harness.storage.sessionmaker() as session, session.begin():
        submitted = Submission(
            form_pk=draft.form_pk,
            member_id=member.id,
            country="KE",
            language="en",
            status=SubmissionStatus.SUBMITTED,
            state={"answers": {"x": 1}},
            data={"x": 1},
            pending={},
            active=False,
            last_update_id=0,
        )
        session.add(submitted)
    submitted_id = submitted.id

    calls = await harness.send(user, "/forget")
    assert "Erase now?" in harness.texts(calls)[0]
    assert await member_row(harness, user_id) is not None  # nothing happens before the confirmation

    calls = await harness.press(user, "No, keep it")
    assert "Nothing was erased." in harness.texts(calls)
    assert await member_row(harness, user_id) is not None

    await harness.send(user, "/forget")
    calls = await harness.press(user, "Yes, erase my data")
    assert any("Your personal data has been erased" in text for text in harness.texts(calls))
    assert await member_row(harness, user_id) is None
    remaining = await submissions_of(harness, None, ids=[draft.id, submitted_id])
    assert [(row.id, row.member_id, row.status) for row in remaining] == [(submitted_id, None, "submitted")]
    async with harness.storage.sessionmaker() as session:
        orphan_answers = await session.scalar(
            select(func.count(SurveyAnswer.id)).where(SurveyAnswer.submission_id == draft.id)
        )
    assert orphan_answers == 0
    calls = await harness.send(user, "/mydata")
    assert harness.texts(calls) == ["I store nothing about you."]
    # The bot still works for them: /start begins afresh.
    calls = await harness.send(user, "/start")
    assert any("Hello" in text for text in harness.texts(calls))


async def test_forged_confirmation_from_another_user_erases_nothing(harness, user_id):
    victim = harness.user(user_id, name="Victim")
    intruder = harness.user(user_id + 50_000, name="Intruder")
    await harness.onboard(victim, "Kenya", "Soil laboratory")
    await harness.onboard(intruder, "Kenya", "Soil laboratory")
    await harness.send(victim, "/forget")
    message, button = harness.find_button(victim.id, label="Yes, erase my data")
    # The intruder replays the victim's button data (forwarded message or a crafted callback).
    calls = await harness.feed(harness.updates.press(intruder, message, button.callback_data))
    assert harness.texts(calls) == ["This button is no longer active."]
    forged = ForgetConfirm(user=victim.id, erase=True).pack()
    calls = await harness.feed(harness.updates.press(intruder, message, forged))
    assert harness.texts(calls) == ["This button is no longer active."]
    assert await member_row(harness, victim.id) is not None
    assert await member_row(harness, intruder.id) is not None


async def test_forget_erases_name_and_email_from_submitted_survey_keeps_values(harness, user_id):
    """The survey promises "/forget erases them": the answers marked personal in the form leave every column."""
    name, email = "Wanjiru Forgetme-Kamau", "w.forgetme@example.org"
    user = harness.user(user_id, name="Wanjiru")
    await harness.onboard(user, "Kenya", "National focal point")
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user, name=name, email=email)
    await answer_status_with_values(harness, user)
    await describe_instrument(harness, user)
    await harness.send(user, "cadmium")
    await key_value_after_pollutant(harness, user, "0,8")
    await finish_to_review(harness, user)
    calls = await harness.press(user, "Submit")
    assert any("have been submitted" in text for text in harness.texts(calls))
    submitted = (await submissions_of(harness, (await member_row(harness, user_id)).id))[-1]
    assert submitted.status == SubmissionStatus.SUBMITTED

    async def stored_text() -> str:
        """Every text and JSON column of the survey's submission row and its answer trail, as one string."""
        async with harness.storage.sessionmaker() as session:
            row = await session.get(Submission, submitted.id)
            trail = list(await session.scalars(select(SurveyAnswer).where(SurveyAnswer.submission_id == submitted.id)))
        parts = [json.dumps([row.state, row.data, row.pending], ensure_ascii=False)]
        parts += [json.dumps([answer.question, answer.action, answer.value], ensure_ascii=False) for answer in trail]
        return "\n".join(parts)

    before = await stored_text()
    assert name in before and email in before  # held until /forget, as the survey says
    calls = await harness.send(user, "/mydata")
    assert email in "\n".join(harness.texts(calls))

    await harness.send(user, "/forget")
    await harness.press(user, "Yes, erase my data")
    after = await stored_text()
    assert name not in after and email not in after
    assert "Kenya Soil Survey" in after  # the institution is not personal: it stays
    async with harness.storage.sessionmaker() as session:
        row = await session.get(Submission, submitted.id)
        values = list(await session.scalars(select(Threshold).where(Threshold.submission_id == submitted.id)))
    assert row.member_id is None and row.status == SubmissionStatus.SUBMITTED
    assert "resp_name" not in row.data and "resp_email" not in row.data and row.data["country"] == "KE"
    assert "respondent/resp_name" not in row.state["answers"]
    assert [(value.pollutant_id, value.value) for value in values] == [("cadmium", 0.8)]


async def test_forget_reads_an_unmarked_earlier_version_through_the_current_one(harness, user_id):
    """Version 2026113002 has no personal column: its resp_name is personal because the current version says so."""
    earlier = shipped_form("previous/threshold_survey_2026113002.xlsx")
    assert not any(node.personal for node in earlier.iter_nodes())
    user = harness.user(user_id, name="Ama")
    await harness.onboard(user, "Ghana", "National focal point")
    member = await member_row(harness, user_id)
    async with harness.storage.sessionmaker() as session, session.begin():
        form = SurveyForm(
            form_id=earlier.form_id,
            version="2026113002",
            title=earlier.title,
            definition=earlier.to_dict(),
            is_current=False,
        )
        session.add(form)
        await session.flush()
        submission = Submission(
            form_pk=form.id,
            member_id=member.id,
            country="GH",
            language="en",
            status=SubmissionStatus.SUBMITTED,
            state={
                "answers": {"respondent/resp_name": "Ama Mensah", "respondent/institution": "Soil Research Institute"}
            },
            data={"resp_name": "Ama Mensah", "institution": "Soil Research Institute"},
            pending={},
            active=False,
            last_update_id=0,
        )
        session.add(submission)
        await session.flush()
        session.add(
            SurveyAnswer(
                submission_id=submission.id,
                update_id=1,
                question="respondent/resp_name",
                action="answer",
                value="Ama Mensah",
                accepted=True,
            )
        )
    await harness.send(user, "/forget")
    await harness.press(user, "Yes, erase my data")
    async with harness.storage.sessionmaker() as session:
        row = await session.get(Submission, submission.id)
        trail = list(await session.scalars(select(SurveyAnswer).where(SurveyAnswer.submission_id == submission.id)))
    assert row.data == {"institution": "Soil Research Institute"}
    assert row.state["answers"] == {"respondent/institution": "Soil Research Institute"}
    assert trail == []
