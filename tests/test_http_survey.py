"""Real HTTP: the threshold survey through buttons and text, the bot killed mid-survey and restarted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.db import create_engine
from storage.models import Member, Submission, SurveyAnswer
from tests.botprocess import BotProcess

# A bot process against the fake Bot API, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

USER = 7007


def sent_to(user: int, fragment: str):
    return lambda call: call.params.get("chat_id") == user and fragment in (call.params.get("text") or "")


async def draft(database_url: str) -> tuple[dict, int, int]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    select(Submission.id, Submission.state)
                    .join(Member, Member.id == Submission.member_id)
                    .where(Member.telegram_id == USER)
                )
            ).one()
            # One statement, one snapshot: the bot may be writing while we count.
            answers, distinct = (
                await connection.execute(
                    select(func.count(SurveyAnswer.id), func.count(func.distinct(SurveyAnswer.update_id))).where(
                        SurveyAnswer.submission_id == row.id
                    )
                )
            ).one()
            return row.state, answers, distinct
    finally:
        await engine.dispose()


async def test_survey_survives_kill_and_resumes_at_the_right_question(fake, database_url):
    bot = BotProcess(fake, database_url)
    await bot.start()
    try:
        since = fake.mark()

        async def say(text: str, expect: str) -> None:
            fake.inject_message(text, user_id=USER, language_code="en")
            await fake.wait_for("sendMessage", sent_to(USER, expect), since=since, timeout=20)

        async def press(label: str, expect: str) -> None:
            fake.press_button(USER, text=label)
            await fake.wait_for("sendMessage", sent_to(USER, expect), since=since, timeout=20)

        fake.inject_command("start", user_id=USER, language_code="en", first_name="Grace")
        await fake.wait_for("sendMessage", sent_to(USER, "Which country"), since=since, timeout=20)
        await say("Kenya", "What is your role")  # a name typed exactly: no "Did you mean"
        await press("INSOP member / other", "What I can do")  # focal points are appointed
        await say("/survey", "Which survey")
        await press("INSOP soil threshold values", "Which country are you answering about?")
        await press("Kenya", "In what capacity are you answering?")
        await press("Official GSP national focal point", "Your full name")
        await say("Grace Wanjiku", "Your work e-mail")
        await say("grace@example.org", "Which institution")
        await say("Ministry of Environment", "checked with the authority")
        await press("Yes", "Does your country have national soil threshold values")
        await press("Yes, in force", "Do states or provinces")

        bot.kill()
        state, answers, distinct = await draft(database_url)
        assert state["answers"]["respondent/institution"] == "Ministry of Environment"
        assert state["answers"]["status/has_thresholds"] == "yes"
        assert answers == distinct  # no update recorded twice

        await bot.start()
        since = fake.mark()
        await say("/survey", "Which survey")
        fake.press_button(USER, text="continue")
        question = await fake.wait_for("sendMessage", sent_to(USER, "Do states or provinces"), since=since, timeout=20)
        assert "Do states or provinces of your country set their own values?" in question.params["text"]
        await press("No", "Which other values are used in practice")
        state, answers, distinct = await draft(database_url)
        assert state["answers"]["status/subnational_values"] == "no"
        assert answers == distinct
        # /resume gives the same next question after the restart too.
        since = fake.mark()
        await say("/resume", "Which other values are used in practice")
    finally:
        bot.stop()
