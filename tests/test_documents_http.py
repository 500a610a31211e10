"""Real HTTP: a document answer downloaded from the fake Bot API (getFile, then /file/bot.../path) by `python -m bot run`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services import coordination
from storage.db import create_engine
from storage.models import Member, Submission, SurveyDocument
from tests.botprocess import BotProcess
from tests.test_documents import PDF, publish_test_survey

# A bot process against the fake Bot API, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

USER = 7017


def sent_to(user: int, fragment: str):
    return lambda call: call.params.get("chat_id") == user and fragment in (call.params.get("text") or "")


async def test_a_document_answer_is_downloaded_over_http(fake, database_url):
    from sqlalchemy.ext.asyncio import async_sessionmaker

    bot = BotProcess(fake, database_url)
    await bot.start()
    engine = create_engine(database_url)
    try:
        await publish_test_survey(async_sessionmaker(engine, expire_on_commit=False))
        since = fake.mark()

        async def expect(fragment: str) -> None:
            await fake.wait_for("sendMessage", sent_to(USER, fragment), since=since, timeout=20)

        # The survey is for focal points, whom a coordinator appoints: here with an invite link.
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            invite = await coordination.create_invite(session, 900, "KE", "focal_point", multi_use=False)
        fake.inject_command("start", invite.code, user_id=USER, language_code="en", first_name="Grace")
        await expect("Your invitation sets your country to Kenya and your role to National focal point.")
        await expect("What I can do")
        fake.inject_message("/survey", user_id=USER, language_code="en")
        await expect("Which survey")
        fake.press_button(USER, text="Document test survey")
        await expect("Title of the legal instrument?")
        fake.inject_message("Decree 12/2023", user_id=USER, language_code="en")
        await expect("Please send the official text")
        fake.inject_document("decree.docx", b"not a document at all", user_id=USER, language_code="en")
        await expect("This type of file is not accepted.")
        fake.inject_document("decree.pdf", PDF, user_id=USER, language_code="en")
        await expect("Any annex to send?")
        async with engine.connect() as connection:
            stored = (
                await connection.execute(
                    select(SurveyDocument.content, SurveyDocument.media_type)
                    .join(Submission, Submission.id == SurveyDocument.submission_id)
                    .join(Member, Member.id == Submission.member_id)
                    .where(Member.telegram_id == USER)
                )
            ).all()
        assert [(row.content, row.media_type) for row in stored] == [(PDF, "application/pdf")]
    finally:
        bot.stop()
        await engine.dispose()
