"""/mydata and /forget through the real dispatcher: what is shown, what is erased, what stays."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.handlers.privacy import ForgetConfirm
from storage.models import Member, Submission, SubmissionStatus, SurveyAnswer
from tests.harness import BotHarness, rolled_back_storage


@pytest.fixture
async def harness(settings):
    """The bot for one test; what the test writes is rolled back after it, so no test cleans up by hand."""
    async with rolled_back_storage(settings) as storage:
        harness = await BotHarness.start(settings, storage)
        yield harness
        await harness.close()


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
