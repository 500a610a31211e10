"""Level 3: coordinator tools and the reminder sender as real processes over HTTP against the fake Bot API.

- a coordinator's /stats gets a photo (sendPhoto multipart) and /export a document that opens with
  openpyxl and holds the submissions; a member gets neither;
- a broadcast to 2,000 members through a fake Telegram that allows 30 messages per (fake) second and
  answers 429 above it: every message is accepted once, also when the sender is killed with SIGKILL
  halfway and started again.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from bot.survey import load_form
from storage.db import create_engine, create_sessionmaker, ensure_database
from storage.models import Member, Submission, utcnow
from storage.repositories.surveys import SurveyRepository
from storage.seed import FORMS_DIR

# A bot process against the fake Bot API, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

COORDINATOR = 900


async def with_session(database_url: str, work):
    engine = create_engine(database_url)
    try:
        await ensure_database(engine)
        async with create_sessionmaker(engine)() as session:
            async with session.begin():
                return await work(session)
    finally:
        await engine.dispose()


# ================================================================ /stats and /export over HTTP


def upload(call):
    """The one file a multipart call carried (aiogram names the part `attach://<random>`)."""
    assert len(call.files) == 1
    return next(iter(call.files.values()))


async def test_coordinator_gets_stats_photo_and_export_document_member_gets_neither(fake, bot_process, database_url):
    form_id = "coord_http_export"

    async def prepare(session):
        form = load_form(FORMS_DIR / "lab_sop_survey.xlsx")
        stored = await SurveyRepository(session).publish(
            form_id, "1", "HTTP export test", form.to_dict(), "lab", "test", None
        )
        member = Member(
            telegram_id=6_100_001,
            name="Lab",
            country="KE",
            role="lab",
            created_at=utcnow(),
            last_seen_at=utcnow(),
            onboarded_at=utcnow(),
        )
        session.add(member)
        await session.flush()
        for name in ("KALRO soil lab", "Nairobi soil lab"):
            session.add(
                Submission(
                    form_pk=stored.id,
                    member_id=member.id,
                    country="KE",
                    language="en",
                    status="submitted",
                    state={},
                    data={"lab_name": name, "country": "KE"},
                    active=False,
                    pending={},
                    last_update_id=0,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                    submitted_at=utcnow(),
                )
            )

    await with_session(database_url, prepare)
    member = 6_100_002
    since = fake.mark()
    fake.inject_command("stats", user_id=member)
    refusal = await fake.wait_for("sendMessage", {"chat_id": member}, since=since, timeout=15)
    assert refusal.params["text"] == "Sorry, this is only for coordinators."
    fake.inject_command("export", user_id=member)
    await fake.wait_for("sendMessage", {"chat_id": member}, since=since, timeout=15)

    fake.inject_command("stats", user_id=COORDINATOR)
    photo = await fake.wait_for("sendPhoto", {"chat_id": COORDINATOR}, since=since, timeout=60)
    assert photo.ok and upload(photo).data.startswith(b"\x89PNG")

    fake.inject_command("export", user_id=COORDINATOR)
    await fake.wait_for(
        "sendMessage",
        lambda call: call.params.get("chat_id") == COORDINATOR and "Which survey" in (call.params.get("text") or ""),
        since=since,
        timeout=15,
    )
    fake.press_button(COORDINATOR, text="HTTP export test")
    xlsx = await fake.wait_for("sendDocument", {"chat_id": COORDINATOR}, since=since, timeout=15)
    csv_file = await fake.wait_for("sendDocument", {"chat_id": COORDINATOR}, since=since, timeout=15)
    assert xlsx.ok and upload(xlsx).filename.endswith(".xlsx")
    assert upload(csv_file).filename.endswith(".csv")
    sheet = openpyxl.load_workbook(io.BytesIO(upload(xlsx).data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert sorted(row[header.index("lab_name")] for row in rows[1:]) == ["KALRO soil lab", "Nairobi soil lab"]
    assert "_telegram_id" not in header
    # The member got no photo and no document.
    assert not [
        call
        for call in fake.calls
        if call.method in ("sendPhoto", "sendDocument") and call.params.get("chat_id") == member
    ]
