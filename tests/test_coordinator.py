"""Coordinator tools through the real dispatcher (level 2): roles, invites, stats, review, export, publishing, reminders.

Every coordinator command and button is also tried by a member who is not a coordinator (forged
callback data included): they get a polite refusal and nothing changes.
"""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import re
import time
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Chat, Document, Message, Update
from pydantic import SecretStr
from sqlalchemy import func, select, update

from bot.app import build_i18n
from bot.callbacks import CoordExport, CoordPublish, CoordRemind, CoordReminderAdmin, CoordReview
from bot.handlers.coordinator import publish as coordinator_handlers
from bot.keyboards import remind_zone_keyboard, reminder_zone, zone_label
from bot.lookup.records import normalize_row
from bot.sender import deliver_due
from bot.services.coord_reminders import week_after
from storage.models import (
    FormUpload,
    Invite,
    Member,
    Reminder,
    ReminderDelivery,
    ReminderSchedule,
    RoleChange,
    Submission,
    SurveyForm,
    Threshold,
    utcnow,
)
from storage.repositories.surveys import SurveyRepository
from storage.repositories.thresholds import source_key
from storage.seed import FORMS_DIR, REFERENCE_THRESHOLDS
from tests.forms import shipped_form
from tests.harness import BotHarness

COORDINATOR = 900
REFUSAL = "Sorry, this is only for coordinators."
_unique = itertools.count(1)


@pytest.fixture(scope="module")
def i18n(settings):
    return build_i18n(settings)


async def onboarded(
    harness: BotHarness,
    user_id: int,
    country: str = "Kenya",
    role: str = "National focal point",
    language: str = "en",
    username: str | None = None,
):
    user = harness.user(user_id, language=language)
    if username:
        user = user.model_copy(update={"username": username})
    await harness.onboard(user, country, role)
    return user


async def send_due(harness: BotHarness, i18n, settings):
    """One pass of the reminder sender, with one worker: the isolated database's sessions share one connection
    (its workers racing on real connections: tests/test_coordinator_broadcast.py, a bot process)."""
    return await deliver_due(
        harness.bot, harness.storage.sessionmaker, i18n, settings.default_language, rate=1000, workers=1
    )


def coordinator(harness: BotHarness):
    return harness.user(COORDINATOR, language="en", name="Coco")


async def scalar(harness: BotHarness, query):
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(query)


async def execute(harness: BotHarness, statement) -> None:
    async with harness.storage.sessionmaker() as session, session.begin():
        await session.execute(statement)


async def add_members(harness: BotHarness, rows: list[dict]) -> list[Member]:
    """Members straight into the database (many at once, already onboarded)."""
    async with harness.storage.sessionmaker() as session, session.begin():
        members = [
            Member(
                name=row.get("name", "M"),
                created_at=utcnow(),
                last_seen_at=utcnow(),
                onboarded_at=utcnow(),
                **{key: value for key, value in row.items() if key != "name"},
            )
            for row in rows
        ]
        session.add_all(members)
    return members


async def pending_threshold(harness: BotHarness, unit: str = "mg/kg", value: str = "0.8") -> Threshold:
    """A survey-reported value waiting for review, built from a real reference row."""
    with REFERENCE_THRESHOLDS.open(newline="", encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    tag = f"coordinator test {next(_unique)} {time.time_ns()}"
    record = normalize_row(
        dict(row, value=value, unit=unit, instrument=tag, source_url_or_path="survey answer " + tag), 1
    )
    values = record.to_dict()
    async with harness.storage.sessionmaker() as session, session.begin():
        threshold = Threshold(
            source_key=source_key(values),
            origin="survey",
            review_status="pending",
            created_at=utcnow(),
            updated_at=utcnow(),
            **values,
        )
        session.add(threshold)
    return threshold


def alerts(calls) -> list[str]:
    return [
        call.params.get("text") for call in calls if call.method == "answerCallbackQuery" and call.params.get("text")
    ]


def sent_texts(calls) -> list[str]:
    return [call.text for call in calls if call.method == "sendMessage"]


async def document_update(harness: BotHarness, user, filename: str) -> Update:
    update_id = next(harness.updates._ids)
    document = Document(file_id=f"doc-{update_id}", file_unique_id=f"u-{update_id}", file_name=filename, file_size=1000)
    message = Message(
        message_id=update_id,
        date=int(time.time()),
        chat=Chat(id=user.id, type="private"),
        from_user=user,
        document=document,
    )
    return Update(update_id=update_id, message=message)


def form_bytes(filename: str, version: str | None = None, form_id: str | None = None) -> bytes:
    """A shipped XLSForm, optionally with another version or form id in its settings sheet."""
    workbook = openpyxl.load_workbook(FORMS_DIR / filename)
    settings = workbook["settings"]
    header = [cell.value for cell in settings[1]]
    if version is not None:
        settings.cell(row=2, column=header.index("version") + 1, value=version)
    if form_id is not None:
        settings.cell(row=2, column=header.index("form_id") + 1, value=form_id)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ================================================================ refusals


COMMANDS = [
    "/stats",
    "/dashboard",
    "/remind",
    "/reminders",
    "/review",
    "/export",
    "/export ids",
    "/invite Kenya lab",
    "/promote 123",
    "/demote 123",
    "/setrole 123 focal_point Kenya",
]


async def test_every_coordinator_command_is_refused_for_a_member(harness, user_id):
    user = await onboarded(harness, user_id, role="INSOP member / other")
    calls = await harness.send(user, f"/setrole {user_id} focal_point Kenya")  # making themselves focal point
    assert harness.texts(calls) == [REFUSAL]
    assert (await scalar(harness, select(Member).where(Member.telegram_id == user_id))).role == "member"
    assert await scalar(harness, select(func.count(RoleChange.id)).where(RoleChange.changed_by == user_id)) == 0
    for command in COMMANDS:
        calls = await harness.send(user, command)
        assert harness.texts(calls) == [REFUSAL], command
        assert not [call for call in calls if call.method in ("sendPhoto", "sendDocument", "setMyCommands")]
    assert await scalar(harness, select(func.count(Reminder.id)).where(Reminder.created_by == user_id)) == 0
    assert await scalar(harness, select(func.count(Invite.id)).where(Invite.created_by == user_id)) == 0


async def test_every_coordinator_button_is_refused_for_a_member_even_forged(harness, user_id, settings):
    user = await onboarded(harness, user_id + 100_000)
    # Real objects a coordinator created, so a forged press would have something to act on.
    await harness.send(coordinator(harness), "/remind")
    draft = await scalar(
        harness, select(Reminder).where(Reminder.created_by == COORDINATOR).order_by(Reminder.id.desc()).limit(1)
    )
    threshold = await pending_threshold(harness)
    form = await scalar(harness, select(SurveyForm).where(SurveyForm.is_current).limit(1))
    async with harness.storage.sessionmaker() as session, session.begin():
        upload = FormUpload(
            uploaded_by=COORDINATOR,
            filename="x.xlsx",
            form_id="coord_forged",
            version="9",
            title="Forged",
            definition=form.definition,
            created_at=utcnow(),
        )
        session.add(upload)
    await harness.send(user, "/help")  # a message in the member's chat to press buttons under
    forged = [
        CoordRemind(rid=draft.id, action="txt"),
        CoordRemind(rid=draft.id, action="aud", arg="all"),
        CoordRemind(rid=draft.id, action="now"),
        CoordRemind(rid=draft.id, action="cancel"),
        CoordRemind(rid=draft.id, action="nowok"),
        CoordRemind(rid=draft.id, action="prev"),
        CoordRemind(rid=draft.id, action="tz", arg="60"),
        CoordRemind(rid=draft.id, action="at", arg="tom"),
        CoordRemind(rid=draft.id, action="nar", arg="language"),
        CoordRemind(rid=draft.id, action="nv", arg="language=fr"),
        CoordReview(tid=threshold.id, action="val"),
        CoordReview(tid=threshold.id, action="again"),
        CoordReminderAdmin(rid=draft.id),
        CoordReview(tid=threshold.id, action="ok"),
        CoordReview(tid=threshold.id, action="fixu", arg="g/kg"),
        CoordReview(tid=threshold.id, action="no"),
        CoordExport(form_pk=form.id, ids=1),
        CoordPublish(upload=upload.id, action="aud", arg="all"),
    ]
    for data in forged:
        calls = await harness.press(user, data=data.pack())
        assert alerts(calls) == [REFUSAL], data
        assert not [
            call for call in calls if call.method in ("sendDocument", "sendPhoto", "sendMessage", "editMessageText")
        ]
    assert (await scalar(harness, select(Reminder).where(Reminder.id == draft.id))).status == "draft"
    assert (await scalar(harness, select(Threshold).where(Threshold.id == threshold.id))).review_status == "pending"
    assert (await scalar(harness, select(FormUpload).where(FormUpload.id == upload.id))).published_form_pk is None
    # The member is in no typed-input step either: their next text is not taken as a reason or a reminder.
    calls = await harness.send(user, "some text")
    assert "Rejected" not in " ".join(harness.texts(calls))


async def test_a_member_sending_a_form_file_publishes_nothing(harness, user_id, monkeypatch):
    user = await onboarded(harness, user_id)
    downloads = []
    monkeypatch.setattr(coordinator_handlers, "download_document", lambda *args: downloads.append(args))
    before = await scalar(harness, select(func.count(SurveyForm.id)))
    calls = await harness.feed(await document_update(harness, user, "lab_sop_survey.xlsx"))
    assert harness.texts(calls) == ["Only coordinators can publish surveys. To answer a survey, send /survey."]
    assert downloads == []
    assert await scalar(harness, select(func.count(SurveyForm.id))) == before


# ================================================================ roles


async def test_promote_and_demote_are_recorded_and_change_the_menu(harness, user_id):
    user = await onboarded(harness, user_id, role="Soil laboratory", username=f"lab_{user_id}")
    calls = await harness.send(coordinator(harness), f"/promote @LAB_{user_id}")
    assert harness.texts(calls) == ["Amina is now a coordinator."]
    menus = [call for call in calls if call.method == "setMyCommands"]
    assert menus and menus[0].params["scope"].chat_id == user_id
    assert "stats" in [command.command for command in menus[0].params["commands"]]
    member = await scalar(harness, select(Member).where(Member.telegram_id == user_id))
    assert member.role == "coordinator"
    # The promoted member can use the tools now.
    assert harness.texts(await harness.send(user, "/reminders"))[0] != REFUSAL

    calls = await harness.send(coordinator(harness), f"/demote {user_id}")
    assert harness.texts(calls) == ["Amina is no longer a coordinator (role now: Soil laboratory)."]
    assert [call.method for call in calls if call.method.endswith("MyCommands")] == ["deleteMyCommands"]
    changes = list((await scalar(harness, select(func.count(RoleChange.id)).where(RoleChange.member_id == member.id)),))
    assert changes == [2]
    async with harness.storage.sessionmaker() as session:
        history = list(
            await session.scalars(select(RoleChange).where(RoleChange.member_id == member.id).order_by(RoleChange.id))
        )
    assert [(h.old_role, h.new_role, h.changed_by) for h in history] == [
        ("lab", "coordinator", COORDINATOR),
        ("coordinator", "lab", COORDINATOR),
    ]
    assert harness.texts(await harness.send(user, "/stats")) == [REFUSAL]


async def test_configured_coordinators_cannot_be_demoted_and_unknown_people_are_named(harness):
    texts = harness.texts(await harness.send(coordinator(harness), "/demote 901"))
    assert texts[0].startswith("901 is a coordinator by the bot's configuration")
    texts = harness.texts(await harness.send(coordinator(harness), "/promote @nobody_here"))
    assert texts == ["I know no member @nobody_here. They need to send /start to the bot first."]
    assert harness.texts(await harness.send(coordinator(harness), "/promote")) == [
        "Usage: /promote &lt;Telegram id or @username&gt; [more ids or usernames, at most 20]"
    ]


# ================================================================ invites


def invite_code(text: str) -> str:
    assert "https://t.me/insop_bot?start=" in text
    return text.rsplit("?start=", 1)[1].strip()


async def test_single_use_invite_presets_country_and_role_then_is_used_up(harness, user_id):
    texts = harness.texts(await harness.send(coordinator(harness), "/invite Kenia focal_point"))
    assert texts[0].startswith("Invite link for a National focal point in Kenya (one person can use it), valid until")
    code = invite_code(texts[0])
    newcomer = harness.user(user_id, language="en", name="Wanjiru")
    texts = harness.texts(await harness.send(newcomer, f"/start {code}"))
    assert "Your invitation sets your country to Kenya and your role to National focal point." in texts
    assert texts[-2].startswith("<b>What I can do</b>")  # no country or role question
    assert texts[-1] == "A survey is waiting for you: “INSOP soil threshold values”."  # under it [Start the survey ▶]
    member = await scalar(harness, select(Member).where(Member.telegram_id == user_id))
    assert (member.country, member.role, member.is_onboarded) == ("KE", "focal_point", True)
    # Who made them focal point is on record, as for /setrole: the coordinator who wrote the invite.
    change = await scalar(harness, select(RoleChange).where(RoleChange.member_id == member.id))
    assert (change.old_role, change.new_role, change.new_country, change.changed_by) == (
        None,
        "focal_point",
        "KE",
        COORDINATOR,
    )

    late = harness.user(user_id + 100_000, language="en", name="Otieno")
    texts = harness.texts(await harness.send(late, f"/start {code}"))
    assert "This invitation link has expired or was already used. Let's set up your profile together." in texts
    assert texts[-1].startswith("Which country do you work in?")
    late_member = await scalar(harness, select(Member).where(Member.telegram_id == late.id))
    assert late_member.country is None and late_member.role is None


async def test_no_focal_point_invite_for_a_place_that_is_not_an_fao_member(harness):
    texts = harness.texts(await harness.send(coordinator(harness), "/invite Kosovo focal_point"))
    assert texts == ["Kosovo is not an FAO member nation: national focal points are appointed for member nations only."]
    texts = harness.texts(await harness.send(coordinator(harness), "/invite Kosovo lab"))
    assert texts[0].startswith("Invite link for a Soil laboratory in Kosovo")


async def test_multi_use_invite_works_for_several_and_expired_one_for_none(harness, user_id):
    code = invite_code(harness.texts(await harness.send(coordinator(harness), "/invite KE lab multi 60"))[0])
    for offset in (0, 100_000):
        await harness.send(harness.user(user_id + offset), f"/start {code}")
        member = await scalar(harness, select(Member).where(Member.telegram_id == user_id + offset))
        assert (member.country, member.role) == ("KE", "lab")
    invite = await scalar(harness, select(Invite).where(Invite.code == code))
    assert invite.uses == 2 and invite.max_uses is None
    assert invite.expires_at.replace(tzinfo=UTC) - utcnow() > timedelta(days=59)

    code = invite_code(harness.texts(await harness.send(coordinator(harness), "/invite Canada member multi"))[0])
    await execute(harness, update(Invite).where(Invite.code == code).values(expires_at=utcnow() - timedelta(minutes=1)))
    texts = harness.texts(await harness.send(harness.user(user_id + 200_000), f"/start {code}"))
    assert "This invitation link has expired or was already used. Let's set up your profile together." in texts
    assert harness.texts(await harness.send(coordinator(harness), "/invite lab"))[0].startswith("Usage: /invite")


# ================================================================ stats and export


async def test_stats_sends_counts_indicators_and_a_chart_even_when_empty(harness):
    calls = await harness.send(coordinator(harness), "/stats")
    text = "\n".join(sent_texts(calls))
    assert "Survey campaign progress" in text and "INSOP soil threshold values" in text
    assert "Targeted countries that responded" in text
    photos = [call for call in calls if call.method == "sendPhoto"]
    assert len(photos) == 1 and photos[0].files["photo"].startswith(b"\x89PNG")


async def test_dashboard_opens_the_mini_app_and_a_signed_link_for_coordinators_only(harness, settings, user_id):
    texts = harness.texts(await harness.send(coordinator(harness), "/dashboard"))
    assert texts == [
        "The dashboard opens once the bot is served over HTTPS (WEBHOOK_URL is set). "
        "Meanwhile, /stats gives the same figures."
    ]
    served = await BotHarness.start(
        settings.model_copy(
            update={"webhook_url": "https://insop.example.org/telegram/webhook", "bot_token": SecretStr("1000:test")}
        ),
        harness.storage,
    )
    try:
        calls = await served.send(coordinator(served), "/dashboard")
        buttons = [button for row in calls[-1].keyboard.inline_keyboard for button in row]
        assert buttons[0].web_app.url == "https://insop.example.org/dashboard"
        assert buttons[1].url.startswith("https://insop.example.org/dashboard/link?u=")
        assert served.texts(await served.send(served.user(user_id), "/dashboard")) == [REFUSAL]
    finally:
        await served.close()


async def test_stats_names_countries_as_the_un_writes_them(harness, user_id):
    member = harness.user(user_id, language="en")
    await harness.onboard(member, "Côte d’Ivoire", "National focal point")
    await harness.send(member, "/survey")
    await harness.press(member, "INSOP soil threshold values")  # a draft in progress
    text = "\n".join(sent_texts(await harness.send(coordinator(harness), "/stats")))
    assert "Côte d’Ivoire 0/1" in text and "CI 0/1" not in text
    assert "(country: submitted/in progress)" in text


async def test_stats_says_which_answer_counted_for_a_country(harness, user_id):
    """One official answer per country: the focal point's, even when a member answered later."""
    focal, member = await add_members(
        harness,
        [
            {"telegram_id": user_id, "country": "ZM", "role": "focal_point"},
            {"telegram_id": user_id + 300_000, "country": "ZM", "role": "member"},
        ],
    )
    async with harness.storage.sessionmaker() as session, session.begin():
        form = await session.scalar(
            select(SurveyForm).where(SurveyForm.form_id == "insop_thresholds", SurveyForm.is_current)
        )
        submissions = []
        for who, minutes, discussed in ((focal, 0, "yes"), (member, 5, "no")):
            submissions.append(
                Submission(
                    form_pk=form.id,
                    member_id=who.id,
                    country="ZM",
                    language="en",
                    status="submitted",
                    state={},
                    data={
                        "country": "ZM",
                        "resp_capacity": "gsp_focal_point",  # both say so: only the focal point is known as one
                        "discussions_2y": discussed,
                        "consent_publish": "internal",
                    },
                    active=False,
                    pending={},
                    last_update_id=0,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                    submitted_at=utcnow() + timedelta(minutes=minutes),
                )
            )
        session.add_all(submissions)
        await session.flush()
        counted = submissions[0].id
    text = "\n".join(sent_texts(await harness.send(coordinator(harness), "/stats")))
    assert "Counted for the indicators (one answer per country):" in text
    assert f"ZM: answer no. {counted} of the focal point" in text


async def test_setrole_makes_a_member_the_focal_point_whose_answer_then_counts(harness, user_id):
    """Only a coordinator makes a focal point: the member's answer speaks for the country from then on."""
    tendai, later, _focal = await add_members(
        harness,
        [
            {"telegram_id": user_id, "country": "ZW", "role": "member", "name": "Tendai", "language": "fr"},
            {"telegram_id": user_id + 300_000, "country": "ZW", "role": "member"},
            # Zimbabwe has a focal point who has not answered (yet): the country is targeted.
            {"telegram_id": user_id + 400_000, "country": "ZW", "role": "focal_point"},
        ],
    )
    async with harness.storage.sessionmaker() as session, session.begin():
        form = await session.scalar(
            select(SurveyForm).where(SurveyForm.form_id == "insop_thresholds", SurveyForm.is_current)
        )
        submissions = [
            Submission(
                form_pk=form.id,
                member_id=who.id,
                country="ZW",
                language="fr",
                status="submitted",
                state={},
                # Both say they answer as focal point: only the one a coordinator confirmed is known as one.
                data={"country": "ZW", "resp_capacity": "gsp_focal_point", "consent_publish": "internal"},
                active=False,
                pending={},
                last_update_id=0,
                created_at=utcnow(),
                updated_at=utcnow(),
                submitted_at=utcnow() + timedelta(minutes=minutes),
            )
            for who, minutes in ((tendai, 0), (later, 5))
        ]
        session.add_all(submissions)
        await session.flush()
        first, second = (submission.id for submission in submissions)
    text = "\n".join(sent_texts(await harness.send(coordinator(harness), "/stats")))
    assert f"ZW: answer no. {second}, no focal point has answered" in text

    calls = await harness.send(coordinator(harness), f"/setrole {user_id} focal_point")
    assert [(call.chat_id, call.text) for call in calls if call.method == "sendMessage"] == [
        (COORDINATOR, "Tendai now has the role: National focal point (Zimbabwe)."),
        (
            user_id,
            "Un coordinateur vous a confirmé comme point focal national de votre pays (Zimbabwe). Vos réponses à "
            "l’enquête sur les valeurs seuils peuvent désormais compter comme la réponse officielle de votre pays.",
        ),
    ]
    text = "\n".join(sent_texts(await harness.send(coordinator(harness), "/stats")))
    assert f"ZW: answer no. {first} of the focal point" in text
    async with harness.storage.sessionmaker() as session:
        changes = list(await session.scalars(select(RoleChange).where(RoleChange.member_id == tendai.id)))
        stored = await session.get(Member, tendai.id)
    assert [
        (change.old_role, change.new_role, change.old_country, change.new_country, change.changed_by)
        for change in changes
    ] == [("member", "focal_point", "ZW", "ZW", COORDINATOR)]
    assert (stored.role, stored.country) == ("focal_point", "ZW")

    # Back to member: the later answer counts again, as no focal point's.
    calls = await harness.send(coordinator(harness), f"/setrole {user_id} member")
    assert sent_texts(calls)[0] == "Tendai now has the role: INSOP member / other (Zimbabwe)."
    text = "\n".join(sent_texts(await harness.send(coordinator(harness), "/stats")))
    assert f"ZW: answer no. {second}, no focal point has answered" in text


async def test_setrole_takes_a_username_and_a_country_and_explains_what_it_cannot_do(harness, user_id):
    user = await onboarded(harness, user_id, role="Soil laboratory", username=f"Lab_{user_id}")
    calls = await harness.send(coordinator(harness), f"/setrole @lab_{user_id} fp Côte d’Ivoire")
    assert sent_texts(calls) == [
        "Amina now has the role: National focal point (Côte d’Ivoire).",
        "A coordinator has confirmed you as national focal point of your country (Côte d’Ivoire). Your answers to "
        "the threshold survey can now count as your country's official answer.",
    ]
    member = await scalar(harness, select(Member).where(Member.telegram_id == user_id))
    assert (member.role, member.country) == ("focal_point", "CI")
    # The member sees it at once in their profile.
    assert "Role: National focal point" in harness.texts(await harness.send(user, "/profile"))[0]
    # /mydata says who they were made focal point of: the country moved with the role.
    mydata = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert ": Soil laboratory (Kenya) → National focal point (Côte d’Ivoire)" in mydata, mydata

    async def says(text: str) -> list[str]:
        """What the coordinator reads back (the member is told in their own chat)."""
        calls = await harness.send(coordinator(harness), text)
        return [call.text for call in calls if call.method == "sendMessage" and call.chat_id == COORDINATOR]

    assert await says(f"/setrole {user_id} focal_point CI") == [
        f"{user_id} already has the role: National focal point (Côte d’Ivoire)."
    ]
    assert await says("/setrole 5999999 lab") == [
        "I know no member 5999999. They need to send /start to the bot first."
    ]
    await harness.send(coordinator(harness), f"/promote {user_id}")
    assert await says(f"/setrole {user_id} lab") == [
        f"{user_id} is a coordinator: send /demote first to give them another role."
    ]
    await harness.send(coordinator(harness), f"/demote {user_id}")
    # A coordinator named in COORDINATOR_IDS is one by configuration, whatever role their profile holds.
    await harness.send(coordinator(harness), "/start")
    assert await says(f"/setrole {COORDINATOR} focal_point Kenya") == [
        f"{COORDINATOR} is a coordinator: send /demote first to give them another role."
    ]
    # Digits that are not ASCII ("²", Arabic-Indic) are no Telegram id: no crash, no member changed.
    assert await says("/setrole ² lab") == ["I know no member ². They need to send /start to the bot first."]
    assert (await says(f"/promote {''.join(chr(0x660 + int(d)) for d in str(user_id))}"))[0].startswith("I know no")
    assert await says(f"/setrole {user_id} focal_point Kosovo") == [
        "Kosovo is not an FAO member nation: national focal points are appointed for member nations only."
    ]
    assert await says(f"/setrole {user_id} lab Atlantis") == [
        "Which country did you mean: Antarctica? Please send /setrole again with its name."
    ]
    assert await says(f"/setrole {user_id} lab Qqqqzzz") == [
        "I do not recognise the country “Qqqqzzz”. Please type its name or its two-letter ISO code, "
        "for example Kenya or KE."
    ]
    usage = [
        "Usage: /setrole &lt;Telegram id or @username&gt; &lt;focal_point | lab | member&gt; [country]\n"
        "Example: <code>/setrole @amina focal_point Kenya</code> (the country is needed for a focal point who "
        "has none yet)."
    ]
    for wrong in (
        "/setrole",
        f"/setrole {user_id}",
        f"/setrole {user_id} coordinator",
        f"/setrole {user_id} lab " + "x" * 300,
    ):
        assert await says(wrong) == usage, wrong[:40]
    # Someone who sent /start but has no country yet cannot be a focal point of nowhere.
    newcomer = harness.user(user_id + 100_000, name="Juma")
    await harness.send(newcomer, "/start")
    assert await says(f"/setrole {newcomer.id} focal_point") == [
        f"{newcomer.id} has no country yet. Add it, for example: <code>/setrole {newcomer.id} focal_point Kenya</code>"
    ]
    assert await says(f"/setrole {newcomer.id} focal_point Kenya") == [
        "Juma now has the role: National focal point (Kenya)."
    ]
    juma = await scalar(harness, select(Member).where(Member.telegram_id == newcomer.id))
    assert (juma.role, juma.country, juma.is_onboarded) == ("focal_point", "KE", True)


async def publish_test_form(harness: BotHarness, form_id: str, audience: str = "test_only") -> SurveyForm:
    form = shipped_form("lab_sop_survey.xlsx")
    async with harness.storage.sessionmaker() as session, session.begin():
        # An audience no member has: only coordinators see these test forms.
        return await SurveyRepository(session).publish(
            form_id, "1", f"Export test {form_id}", form.to_dict(), audience, "test", None
        )


async def test_export_sends_xlsx_and_csv_headers_only_then_rows_without_ids(harness, user_id):
    form_id = f"coord_export_{user_id}"
    stored = await publish_test_form(harness, form_id)
    calls = await harness.send(coordinator(harness), "/export")
    assert sent_texts(calls)[-1] == "Which survey do you want to export (XLSX and CSV)?"
    calls = await harness.press(coordinator(harness), f"Export test {form_id}")
    documents = [call for call in calls if call.method == "sendDocument"]
    assert [call.params["document"].filename.rsplit(".", 1)[1] for call in documents] == ["xlsx", "csv"]
    rows = list(csv.reader(io.StringIO(documents[1].files["document"].decode("utf-8-sig"))))
    assert len(rows) == 1 and "lab_name" in rows[0] and "_telegram_id" not in rows[0]
    sheet = openpyxl.load_workbook(io.BytesIO(documents[0].files["document"])).active
    assert sheet.max_row == 1

    member = (await add_members(harness, [{"telegram_id": user_id, "country": "KE", "role": "lab"}]))[0]
    async with harness.storage.sessionmaker() as session, session.begin():
        session.add(
            Submission(
                form_pk=stored.id,
                member_id=member.id,
                country="KE",
                language="en",
                status="submitted",
                state={},
                data={"lab_name": "KALRO soil lab", "country": "KE"},
                active=False,
                pending={},
                last_update_id=0,
                created_at=utcnow(),
                updated_at=utcnow(),
                submitted_at=utcnow(),
            )
        )
    calls = await harness.send(coordinator(harness), "/export ids")
    assert "Telegram ids" in sent_texts(calls)[-1]
    calls = await harness.press(coordinator(harness), f"Export test {form_id}")
    documents = [call for call in calls if call.method == "sendDocument"]
    assert documents[0].params["caption"].endswith(": 1 submitted response.")
    rows = list(csv.reader(io.StringIO(documents[1].files["document"].decode("utf-8-sig"))))
    assert rows[1][rows[0].index("lab_name")] == "KALRO soil lab"
    assert rows[1][rows[0].index("_telegram_id")] == str(user_id)
    # The country's UN name next to its ISO code, in the coordinator's language.
    assert (
        rows[0][rows[0].index("_country") + 1] == "_country_name" and rows[1][rows[0].index("_country_name")] == "Kenya"
    )


async def test_export_names_countries_in_the_coordinators_language(harness, user_id):
    form_id = f"coord_export_fr_{user_id}"
    stored = await publish_test_form(harness, form_id)
    french, member = await add_members(
        harness,
        [
            {"telegram_id": user_id, "country": "FR", "role": "coordinator", "language": "fr"},
            {"telegram_id": 10**12 + user_id, "country": "NL", "role": "lab"},
        ],
    )
    async with harness.storage.sessionmaker() as session, session.begin():
        session.add(
            Submission(
                form_pk=stored.id,
                member_id=member.id,
                country="NL",
                language="en",
                status="submitted",
                state={},
                data={"lab_name": "WUR lab", "country": "NL"},
                active=False,
                pending={},
                last_update_id=0,
                created_at=utcnow(),
                updated_at=utcnow(),
                submitted_at=utcnow(),
            )
        )
    user = harness.user(user_id, language="fr", name="Camille")
    await harness.send(user, "/export")
    calls = await harness.press(user, f"Export test {form_id}")
    documents = [call for call in calls if call.method == "sendDocument"]
    rows = list(csv.reader(io.StringIO(documents[1].files["document"].decode("utf-8-sig"))))
    assert (rows[1][rows[0].index("_country")], rows[1][rows[0].index("_country_name")]) == (
        "NL",
        "Pays-Bas (Royaume des)",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(documents[0].files["document"])).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, header.index("_country_name") + 1).value == "Pays-Bas (Royaume des)"
    # A member who is not a coordinator gets no export.
    calls = await harness.send(harness.user(10**12 + user_id, language="en"), "/export")
    assert sent_texts(calls) and not [
        text for text in sent_texts(calls) if "Which survey do you want to export" in text
    ]


# ================================================================ threshold review


async def test_review_approve_correct_and_reject(harness):
    approve, fix_unit, fix_land, reject = [
        await pending_threshold(harness, unit="µg/kg", value="800") for _ in range(4)
    ]
    calls = await harness.send(coordinator(harness), "/review")
    assert "Reported threshold value" in sent_texts(calls)[0] and "Source:" in sent_texts(calls)[0]

    await harness.press(coordinator(harness), data=CoordReview(tid=approve.id, action="ok").pack())
    row = await scalar(harness, select(Threshold).where(Threshold.id == approve.id))
    assert (row.review_status, row.reviewed_by, row.value, row.unit) == ("approved", COORDINATOR, 0.8, "mg/kg dw")
    assert row.reviewed_at is not None and row.updated_at >= row.created_at

    calls = await harness.press(coordinator(harness), data=CoordReview(tid=fix_unit.id, action="unit").pack())
    await harness.press(coordinator(harness), data=CoordReview(tid=fix_unit.id, action="fixu", arg="mg/kg").pack())
    row = await scalar(harness, select(Threshold).where(Threshold.id == fix_unit.id))
    assert (row.review_status, row.value, row.unit_original) == ("approved", 800.0, "mg/kg")
    assert "unit corrected from 'µg/kg' to 'mg/kg'" in row.review_note

    await harness.press(coordinator(harness), data=CoordReview(tid=fix_land.id, action="fixl", arg="industrial").pack())
    row = await scalar(harness, select(Threshold).where(Threshold.id == fix_land.id))
    assert (row.review_status, row.land_use) == ("approved", "industrial")

    calls = await harness.press(coordinator(harness), data=CoordReview(tid=reject.id, action="no").pack())
    assert sent_texts(calls) == ["Type the reason for rejecting this value (or /cancel)."]
    calls = await harness.send(coordinator(harness), "The unit is per litre of leachate, not per kg soil")
    assert sent_texts(calls)[0] == "Rejected. The reason is stored with the value."
    row = await scalar(harness, select(Threshold).where(Threshold.id == reject.id))
    assert (row.review_status, row.review_note) == ("rejected", "The unit is per litre of leachate, not per kg soil")

    # A second press on an already reviewed value changes nothing.
    calls = await harness.press(coordinator(harness), data=CoordReview(tid=reject.id, action="ok").pack())
    assert alerts(calls) == ["This value was already reviewed, or the correction does not fit it."]
    assert (await scalar(harness, select(Threshold).where(Threshold.id == reject.id))).review_status == "rejected"


async def test_a_correction_keeps_what_the_respondent_said_crossing_the_value_means(harness):
    """The survey stores the tier and target the focal point gave (for the instrument or the value); approving
    with a corrected value, unit or land use normalizes the row again, which must not put back the tier and
    target read from the wording."""
    rows = [await pending_threshold(harness, unit="µg/kg", value="800") for _ in range(3)]
    derived = (rows[0].tier, rows[0].target)
    said = ("action", "groundwater")
    assert said != derived
    async with harness.storage.sessionmaker() as session, session.begin():
        await session.execute(
            update(Threshold).where(Threshold.id.in_([row.id for row in rows])).values(tier=said[0], target=said[1])
        )
    coco = coordinator(harness)
    await harness.send(coco, "/review")
    await harness.press(coco, data=CoordReview(tid=rows[0].id, action="fixu", arg="mg/kg").pack())
    await harness.press(coco, data=CoordReview(tid=rows[1].id, action="fixl", arg="industrial").pack())
    await harness.press(coco, data=CoordReview(tid=rows[2].id, action="val").pack())
    await harness.send(coco, "0.9")
    for threshold in rows:
        row = await scalar(harness, select(Threshold).where(Threshold.id == threshold.id))
        assert row.review_status == "approved" and row.review_note
        assert (row.tier, row.target) == said


# ================================================================ publishing


async def test_coordinator_publishes_a_new_version_and_old_drafts_stay(harness, user_id, monkeypatch):
    content = form_bytes("lab_sop_survey.xlsx", version=f"2099-{user_id}")

    async def fake_download(bot, message):
        return content

    monkeypatch.setattr(coordinator_handlers, "download_document", fake_download)
    previous = await scalar(
        harness, select(SurveyForm).where(SurveyForm.form_id == "insop_lab_sop", SurveyForm.is_current)
    )
    calls = await harness.feed(await document_update(harness, coordinator(harness), "lab_sop_survey.xlsx"))
    summary = sent_texts(calls)[-1]
    assert "Form id: insop_lab_sop" in summary and f"Version: 2099-{user_id}" in summary and "Questions:" in summary
    calls = await harness.press(coordinator(harness), "Publish")
    assert harness.texts(calls)[-1].startswith("Published: ")
    current = await scalar(
        harness, select(SurveyForm).where(SurveyForm.form_id == "insop_lab_sop", SurveyForm.is_current)
    )
    assert (
        current.version == f"2099-{user_id}"
        and current.audience == previous.audience
        and current.published_by == COORDINATOR
    )
    assert (
        await scalar(harness, select(SurveyForm).where(SurveyForm.id == previous.id))
    ).definition == previous.definition

    # The same version again is refused; a broken file gets the one-line error.
    calls = await harness.feed(await document_update(harness, coordinator(harness), "lab_sop_survey.xlsx"))
    assert "is already published" in sent_texts(calls)[-1]
    content = b"this is not a spreadsheet"
    calls = await harness.feed(await document_update(harness, coordinator(harness), "broken.xlsx"))
    assert sent_texts(calls)[-1].startswith("⚠️ broken.xlsx: ") and "\n" not in sent_texts(calls)[-1]


async def test_a_new_form_asks_for_its_audience(harness, user_id, monkeypatch):
    content = form_bytes("lab_sop_survey.xlsx", form_id=f"coord_new_{user_id}")

    async def fake_download(bot, message):
        return content

    monkeypatch.setattr(coordinator_handlers, "download_document", fake_download)
    calls = await harness.feed(await document_update(harness, coordinator(harness), "new.xlsx"))
    assert "This is a new survey. Who should be offered it?" in sent_texts(calls)[-1]
    await harness.press(coordinator(harness), "Publish for laboratories")
    stored = await scalar(harness, select(SurveyForm).where(SurveyForm.form_id == f"coord_new_{user_id}"))
    assert stored.is_current and stored.audience == "lab"


# ================================================================ reminders


async def test_reminder_counts_take_the_plural_form_of_the_coordinators_language(harness, user_id, i18n):
    # Countries nobody else in this module uses, with 1, 2, 5 and 11 members who can receive a reminder.
    sizes = {"TV": 1, "NR": 2, "PW": 5, "KI": 11}
    countries = [country for country, size in sizes.items() for _ in range(size)]
    recipients = [
        {"telegram_id": 10**12 + user_id * 100 + number, "country": country, "role": "lab", "language": "en"}
        for number, country in enumerate(countries)
    ]
    coordinators = {"en": user_id, "ru": user_id + 400_000, "ar": user_id + 500_000}
    await add_members(
        harness,
        [
            {"telegram_id": tid, "country": "FR", "role": "coordinator", "language": language}
            for language, tid in coordinators.items()
        ]
        + recipients,
    )
    expected = {
        "en": {
            "TV": ("1 member will receive it", "Send this reminder to 1 member now?"),
            "NR": ("2 members will receive it", "Send this reminder to 2 members now?"),
        },
        "ru": {
            "TV": ("Его получит 1 участник (", "Отправить это напоминание 1 участнику сейчас?"),
            "NR": ("Его получат 2 участника (", "Отправить это напоминание 2 участникам сейчас?"),
            "PW": ("Его получат 5 участников (", "Отправить это напоминание 5 участникам сейчас?"),
        },
        "ar": {
            "TV": ("سيتلقاه 1 عضو (", "هل تُرسل هذا التذكير الآن إلى 1 عضو؟"),
            "NR": ("سيتلقاه 2 عضوان (", "هل تُرسل هذا التذكير الآن إلى 2 عضوين؟"),
            "KI": ("سيتلقاه 11 عضوًا (", "هل تُرسل هذا التذكير الآن إلى 11 عضوًا؟"),
        },
    }
    for language, checks in expected.items():
        user = harness.user(coordinators[language], language=language, name="Coco")

        def label(text: str, language: str = language) -> str:
            return i18n.gettext(text, locale=language)

        await harness.send(user, "/remind")
        await harness.press(user, label("✍️ Write the text"))
        await harness.send(user, "Please answer the survey.")
        await harness.press(user, label("Next: choose the recipients ▶"))
        for number, (country, (preview_line, question)) in enumerate(checks.items()):
            if number:
                await harness.press(user, label("Choose other recipients"))
            await harness.press(user, label("By country"))
            calls = await harness.send(user, country)
            assert preview_line in sent_texts(calls)[-1], (language, country, sent_texts(calls)[-1])
            calls = await harness.press(user, label("📨 Send now"))
            assert harness.texts(calls)[-1].startswith(question), (language, country, harness.texts(calls)[-1])
            await harness.press(user, label("◀ Back"))
        await harness.press(user, label("Cancel"))
    assert not await scalar(
        harness,
        select(func.count(Reminder.id)).where(
            Reminder.status == "scheduled", Reminder.audience["value"].as_string().in_(list(sizes))
        ),
    )


async def test_compose_in_two_languages_send_now_and_results(harness, user_id, i18n, settings):
    # The members of one country: each test starts from the seed, so the audience is exactly these four.
    await add_members(
        harness,
        [
            {"telegram_id": user_id, "country": "IS", "role": "focal_point", "language": "fr"},
            {"telegram_id": user_id + 100_000, "country": "IS", "role": "lab", "language": "en"},
            {"telegram_id": user_id + 200_000, "country": "IS", "role": "lab", "language": "en", "muted": True},
            {"telegram_id": user_id + 300_000, "country": "IS", "role": "lab", "language": "es", "active": False},
        ],
    )
    coco = coordinator(harness)
    await harness.send(coco, "/remind")
    calls = await harness.press(coco, "Write the text")
    assert sent_texts(calls) == ["Send the reminder text in English."]
    calls = await harness.send(coco, "Please answer the survey by Friday.")
    assert sent_texts(calls)[0].startswith("Text in English saved.")
    await harness.press(coco, "Add Français")
    await harness.send(coco, "Merci de répondre avant vendredi.")
    calls = await harness.press(coco, "Next: choose the recipients")
    await harness.press(coco, "By country")
    calls = await harness.send(coco, "Iceland")
    preview = sent_texts(calls)[-1]
    assert "Please answer the survey by Friday." in preview and "country: Iceland" in preview
    # Every language written is previewed, with how many recipients read it.
    assert "<b>Français</b> (1 recipient reads it)\nMerci de répondre avant vendredi." in preview
    assert "<b>English</b> (1 recipient reads it)" in preview
    assert "2 members will receive it" in preview
    calls = await harness.press(coco, "Send now")
    assert harness.texts(calls)[-1] == "Send this reminder to 2 members now? This cannot be undone."
    assert not await scalar(
        harness,
        select(func.count(Reminder.id)).where(
            Reminder.created_by == COORDINATOR,
            Reminder.status == "scheduled",
            Reminder.audience["value"].as_string() == "IS",
        ),
    )
    calls = await harness.press(coco, "Back")  # back to the preview: nothing was sent
    assert "2 members will receive it" in sent_texts(calls)[-1]
    await harness.press(coco, "Send now")
    calls = await harness.press(coco, "Yes, send to 2")
    assert harness.texts(calls)[-1] == "Sending now. Send /reminders to see the delivery results."

    before = len(harness.api.calls)
    report = await send_due(harness, i18n, settings)
    assert report.sent == 2  # nothing else is due: other tests' reminders were rolled back
    sent = {call.chat_id: call.text for call in harness.api.calls[before:] if call.method == "sendMessage"}
    assert sent[user_id].startswith("Merci de répondre avant vendredi.")
    assert sent[user_id + 100_000].startswith("Please answer the survey by Friday.")
    assert "/mute" in sent[user_id + 100_000]
    assert user_id + 200_000 not in sent and user_id + 300_000 not in sent
    # Nothing is sent twice by a second pass.
    before = len(harness.api.calls)
    await send_due(harness, i18n, settings)
    assert not [call for call in harness.api.calls[before:] if call.chat_id in (user_id, user_id + 100_000)]

    texts = harness.texts(await harness.send(coco, "/reminders"))
    assert "sent 2 · blocked 0 · failed 0 · queued 0" in texts[0]
    reminder = await scalar(
        harness,
        select(Reminder)
        .where(Reminder.created_by == COORDINATOR, Reminder.texts.is_not(None))
        .order_by(Reminder.id.desc())
        .limit(1),
    )
    assert reminder.status == "done" and set(reminder.texts) == {"en", "fr"}
    statuses = await scalar(
        harness, select(func.count(ReminderDelivery.id)).where(ReminderDelivery.reminder_id == reminder.id)
    )
    assert statuses == 2


async def test_template_reminder_to_members_who_have_not_submitted(harness, user_id, i18n, settings):
    form_id = f"coord_remind_{user_id}"
    stored = await publish_test_form(harness, form_id, audience="lab")
    done, waiting, other_role = await add_members(
        harness,
        [
            {"telegram_id": user_id, "country": "KE", "role": "lab", "language": "es"},
            {"telegram_id": user_id + 100_000, "country": "KE", "role": "lab", "language": "es"},
            {"telegram_id": user_id + 200_000, "country": "KE", "role": "member", "language": "en"},
        ],
    )
    async with harness.storage.sessionmaker() as session, session.begin():
        session.add(
            Submission(
                form_pk=stored.id,
                member_id=done.id,
                country="KE",
                status="submitted",
                state={},
                data={},
                active=False,
                pending={},
                last_update_id=0,
                created_at=utcnow(),
                updated_at=utcnow(),
                submitted_at=utcnow(),
            )
        )
    coco = coordinator(harness)
    await harness.send(coco, "/remind")
    await harness.press(coco, "please answer a survey")
    await harness.press(coco, f"Export test {form_id}")
    calls = await harness.press(coco, f"Never started: Export test {form_id}")
    preview = sent_texts(calls)[-1]
    assert f"please answer the survey “Export test {form_id}”. Tap the button below to start." in preview
    assert "Under it, the button: ▶ Start the survey" in preview
    await harness.press(coco, "Send now")
    await harness.press(coco, "Yes, send to ")
    before = len(harness.api.calls)
    await send_due(harness, i18n, settings)
    delivered = {call.chat_id: call for call in harness.api.calls[before:] if call.method == "sendMessage"}
    assert user_id + 100_000 in delivered and user_id not in delivered and user_id + 200_000 not in delivered
    # The template is rendered in the recipient's language (Spanish catalog, English if untranslated).
    assert f"Export test {form_id}" in delivered[user_id + 100_000].text
    assert "▶" in [b.text for row in delivered[user_id + 100_000].keyboard.inline_keyboard for b in row][0]
    assert delivered[user_id + 100_000].keyboard.inline_keyboard[0][0].callback_data == f"svo:{stored.id}"


async def test_never_started_and_draft_in_progress_get_their_own_text_and_button(harness, user_id, i18n, settings):
    """Issue 17: "not yet submitted" mixed both; /resume answered "no survey in progress" to those who never started."""
    form_id = f"coord_split_{user_id}"
    stored = await publish_test_form(harness, form_id, audience="lab")
    submitted, drafting, drafting_fr, never, never_fr = await add_members(
        harness,
        [
            {"telegram_id": user_id + offset, "country": "KE", "role": "lab", "language": language}
            for offset, language in ((0, "en"), (100_000, "en"), (200_000, "fr"), (300_000, "en"), (400_000, "fr"))
        ],
    )
    async with harness.storage.sessionmaker() as session, session.begin():
        for person, status in ((submitted, "submitted"), (drafting, "draft"), (drafting_fr, "draft")):
            session.add(
                Submission(
                    form_pk=stored.id,
                    member_id=person.id,
                    country="KE",
                    status=status,
                    state={},
                    data={},
                    active=status == "draft",
                    pending={},
                    last_update_id=0,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                    submitted_at=utcnow() if status == "submitted" else None,
                )
            )
    coco = coordinator(harness)
    sent_to: dict[str, dict] = {}
    for audience, label in (("draft", "Draft in progress"), ("never", "Never started")):
        await harness.send(coco, "/remind")
        await harness.press(coco, "please answer a survey")
        await harness.press(coco, f"Export test {form_id}")
        await harness.press(coco, f"{label}: Export test {form_id}")
        await harness.press(coco, "Only those in a language")
        calls = await harness.press(coco, "Français")  # combined: this audience, and reads French
        preview = sent_texts(calls)[-1]
        assert "only language: Français" in preview
        await harness.press(coco, "Send now")
        await harness.press(coco, "Yes, send to ")
        before = len(harness.api.calls)
        await send_due(harness, i18n, settings)
        sent_to[audience] = {call.chat_id: call for call in harness.api.calls[before:] if call.method == "sendMessage"}
    assert drafting_fr.telegram_id in sent_to["draft"] and never_fr.telegram_id in sent_to["never"]
    for person in (submitted, drafting, never):  # submitted, or not French
        assert person.telegram_id not in sent_to["draft"] and person.telegram_id not in sent_to["never"]
    assert never_fr.telegram_id not in sent_to["draft"] and drafting_fr.telegram_id not in sent_to["never"]
    draft_call, never_call = sent_to["draft"][drafting_fr.telegram_id], sent_to["never"][never_fr.telegram_id]
    assert "brouillon" in draft_call.text and "Continuer" in draft_call.keyboard.inline_keyboard[0][0].text
    assert "brouillon" not in never_call.text and "Commencer" in never_call.keyboard.inline_keyboard[0][0].text
    assert never_call.keyboard.inline_keyboard[0][0].callback_data == f"svo:{stored.id}"


async def _schedule_in(harness, coco, zone: str, typed: str, repeat: str, until: str | None = None) -> list:
    await harness.send(coco, "/remind")
    await harness.press(coco, "thank you")
    await harness.press(coco, "By country")
    await harness.send(coco, "Malta")
    await harness.press(coco, "Schedule")
    await harness.press(coco, zone)
    shown = sent_texts(await harness.send(coco, typed))[-1]
    calls = await harness.press(coco, repeat)
    if until is not None:
        calls = await harness.send(coco, until)
    return [shown, *harness.texts(calls)]


async def _latest_thanks_to_malta(harness) -> Reminder:
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(
            select(Reminder)
            .where(Reminder.created_by == COORDINATOR, Reminder.audience["value"].as_string() == "MT")
            .order_by(Reminder.id.desc())
            .limit(1)
        )


async def test_a_schedule_follows_summer_time_in_the_coordinators_zone(harness, user_id):
    """Issue 17: a fixed UTC offset sent a reminder typed for 09:00 in Rome at 10:00 once summer time began.
    The zone is an IANA one (Rome): 09:00 is 07:00 UTC in summer and 08:00 UTC in winter, and a weekly
    reminder keeps 09:00 on Rome's clocks across the change."""
    await add_members(harness, [{"telegram_id": user_id, "country": "MT", "role": "lab", "language": "en"}])
    coco = coordinator(harness)
    texts = await _schedule_in(harness, coco, "Rome", "2027-03-29 09:00", "Once")
    assert texts[0].startswith("First sending: Mar 29, 2027, 9:00:00\u202fAM (Rome, UTC+2).")
    assert (await _latest_thanks_to_malta(harness)).scheduled_for.replace(tzinfo=UTC) == datetime(
        2027, 3, 29, 7, 0, tzinfo=UTC
    )
    texts = await _schedule_in(harness, coco, "Rome", "2027-01-10 09:00", "Once")
    assert texts[0].startswith("First sending: Jan 10, 2027, 9:00:00\u202fAM (Rome, UTC+1).")
    assert (await _latest_thanks_to_malta(harness)).scheduled_for.replace(tzinfo=UTC) == datetime(
        2027, 1, 10, 8, 0, tzinfo=UTC
    )
    # Weekly from Sunday 21 March 2027 09:00 (winter time); summer time starts on the 28th.
    texts = await _schedule_in(harness, coco, "Rome", "21/03/2027 09:00", "Every week until", "30/04/2027")
    assert texts[-1].startswith("Scheduled every week from Mar 21, 2027, 9:00:00\u202fAM (Rome, UTC+1) until")
    weekly = await _latest_thanks_to_malta(harness)
    async with harness.storage.sessionmaker() as session:
        schedule = await session.get(ReminderSchedule, weekly.schedule_id)
    assert weekly.scheduled_for.replace(tzinfo=UTC) == datetime(2027, 3, 21, 8, 0, tzinfo=UTC)
    assert schedule.zone == "Europe/Rome"
    assert schedule.next_run_at.replace(tzinfo=UTC) == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert week_after(datetime(2027, 10, 24, 7, 0, tzinfo=UTC), "Europe/Rome") == datetime(
        2027, 10, 31, 8, 0, tzinfo=UTC
    )  # and back to winter time in October
    # 02:30 does not exist in Rome on 28 March 2027 (the clocks go from 02:00 to 03:00): the bot shows and
    # schedules the moment the clocks then read, 03:30 summer time, not 02:30 "UTC+1".
    texts = await _schedule_in(harness, coco, "Rome", "28/03/2027 02:30", "Once")
    assert texts[0].startswith("First sending: Mar 28, 2027, 3:30:00 AM (Rome, UTC+2).")
    assert (await _latest_thanks_to_malta(harness)).scheduled_for.replace(tzinfo=UTC) == datetime(
        2027, 3, 28, 1, 30, tzinfo=UTC
    )


def test_zone_buttons_name_the_cities_in_the_coordinators_language(i18n):
    """The zone buttons carry Babel's city names in the coordinator's language, with the offset of today."""
    with i18n.context(), i18n.use_locale("zh"):
        labels = [button.text for row in remind_zone_keyboard(7, "zh").inline_keyboard for button in row]
        shown = zone_label("Europe/Rome", "zh", datetime(2027, 7, 1, tzinfo=UTC))
    assert labels[0] == "UTC" and any(label.startswith("罗马 UTC+") for label in labels), labels
    assert any(label.startswith("内罗毕 UTC+3") for label in labels) and labels[-1] == "取消", labels
    assert shown == "罗马 UTC+2"
    with i18n.context(), i18n.use_locale("ar"):
        assert zone_label("Africa/Cairo", "ar", datetime(2027, 1, 10, tzinfo=UTC)) == "\u200f⁨القاهرة⁩، ⁨UTC+2⁩"


async def test_a_zone_chosen_as_a_fixed_offset_before_still_reads(harness, user_id):
    """A conversation waiting for a date since before zones had names keeps its fixed offset (UTC+1)."""
    await add_members(harness, [{"telegram_id": user_id, "country": "MT", "role": "lab", "language": "en"}])
    coco = coordinator(harness)
    await harness.send(coco, "/remind")
    await harness.press(coco, "thank you")
    await harness.press(coco, "By country")
    await harness.send(coco, "Malta")
    await harness.press(coco, "Schedule")
    await harness.press(coco, "UTC")
    key = StorageKey(bot_id=harness.bot.id, chat_id=COORDINATOR, user_id=COORDINATOR)
    data = await harness.dispatcher.storage.get_data(key)
    await harness.dispatcher.storage.set_data(key, {**data, "zone": 60})  # as stored before
    calls = await harness.send(coco, "03/06/2030 10:30")
    assert sent_texts(calls)[-1].startswith("First sending: Jun 3, 2030, 10:30:00\u202fAM (UTC+1).")
    assert reminder_zone(60) == "Etc/GMT-1" and reminder_zone(-300) == "Etc/GMT+5" and reminder_zone("Mars") == "UTC"


async def test_schedule_once_and_weekly(harness, user_id, i18n, settings):
    await add_members(harness, [{"telegram_id": user_id, "country": "MT", "role": "lab", "language": "en"}])
    coco = coordinator(harness)
    for repeat in ("Once", "Every week until"):
        await harness.send(coco, "/remind")
        await harness.press(coco, "thank you")
        await harness.press(coco, "By country")
        await harness.send(coco, "Malta")
        calls = await harness.press(coco, "Schedule")
        assert sent_texts(calls)[-1].startswith("Which time zone are you in?")
        calls = await harness.press(coco, "Lagos")  # the coordinator's zone: times typed next are read in it
        example = re.search(r"type the date and time \(Lagos\), for example (\S+ 09:00)\.", sent_texts(calls)[-1])
        assert example and datetime.strptime(example[1], "%d/%m/%Y %H:%M") > datetime.now()  # never in the past
        assert "already passed" in sent_texts(await harness.send(coco, "01/01/2001 10:00"))[-1]
        assert "as day/month/year" in sent_texts(await harness.send(coco, "next tuesday"))[-1]
        for far in ("31/12/9999 23:30", "01/01/0001 00:00"):  # no overflow converting them to UTC
            assert sent_texts(await harness.send(coco, far))[-1] == (
                "Please type a date within the next five years (Lagos)."
            )
        calls = await harness.send(coco, "03/06/2030 10:30")
        assert sent_texts(calls)[-1] == (
            "First sending: Jun 3, 2030, 10:30:00\u202fAM (Lagos, UTC+1). Send it once at that time, or every week?"
        )
        calls = await harness.press(coco, repeat)
        if repeat == "Once":
            assert harness.texts(calls)[-1].startswith("Scheduled for Jun 3, 2030, 10:30:00\u202fAM (Lagos, UTC+1)")
        else:
            calls = await harness.send(coco, "20/06/2030")
            assert sent_texts(calls)[-1].startswith("Scheduled every week from ")
    async with harness.storage.sessionmaker() as session:
        once, weekly = list(
            await session.scalars(
                select(Reminder)
                .where(
                    Reminder.created_by == COORDINATOR,
                    Reminder.template == "thanks",
                    Reminder.audience["value"].as_string() == "MT",
                )
                .order_by(Reminder.id.desc())
                .limit(2)
            )
        )[::-1]
        schedule = await session.get(ReminderSchedule, weekly.schedule_id)
    assert once.status == "scheduled" and once.scheduled_for.replace(tzinfo=UTC) == datetime(
        2030, 6, 3, 9, 30, tzinfo=UTC
    )
    assert schedule.next_run_at.replace(tzinfo=UTC) == datetime(2030, 6, 10, 9, 30, tzinfo=UTC)

    # Not due yet: nothing goes out.
    before = len(harness.api.calls)
    await send_due(harness, i18n, settings)
    assert not [call for call in harness.api.calls[before:] if call.chat_id == user_id]
    # Time passes: the first weekly run and the following week's are due.
    past = utcnow() - timedelta(minutes=1)
    await execute(harness, update(Reminder).where(Reminder.id == weekly.id).values(scheduled_for=past))
    await execute(
        harness,
        update(ReminderSchedule)
        .where(ReminderSchedule.id == schedule.id)
        .values(next_run_at=past + timedelta(seconds=30)),
    )
    await send_due(harness, i18n, settings)
    mine = [call for call in harness.api.calls[before:] if call.chat_id == user_id and call.method == "sendMessage"]
    assert len(mine) == 2 and mine[0].text.startswith("Thank you for taking part")
    async with harness.storage.sessionmaker() as session:
        schedule = await session.get(ReminderSchedule, schedule.id)
        runs = await session.scalar(select(func.count(Reminder.id)).where(Reminder.schedule_id == schedule.id))
    assert runs == 2 and schedule.next_run_at is not None

    # The once-reminder can still be cancelled from /reminders; a member cannot (tested above).
    await harness.send(coco, "/reminders")
    calls = await harness.press(coco, data=CoordReminderAdmin(rid=once.id).pack())
    assert alerts(calls) == [f"Reminder #{once.id} cancelled."]
    assert (await scalar(harness, select(Reminder).where(Reminder.id == once.id))).status == "cancelled"


async def test_mute_and_unmute(harness, user_id):
    user = await onboarded(harness, user_id)
    assert harness.texts(await harness.send(user, "/mute")) == [
        "You will receive no more reminders. Send /unmute to receive them again."
    ]
    assert (await scalar(harness, select(Member).where(Member.telegram_id == user_id))).muted is True
    assert harness.texts(await harness.send(user, "/unmute"))[0].startswith("You will receive reminders again.")
    assert (await scalar(harness, select(Member).where(Member.telegram_id == user_id))).muted is False


async def test_rate_limiter_never_lets_more_than_rate_times_window_leave_within_a_window() -> None:
    # Even spacing alone lets a late worker catch up into a burst; the window counts real departures.
    from bot.sender import RateLimiter

    limiter = RateLimiter(rate=200, per_chat=0, window=0.05)  # 10 per 51.5 ms
    departures: list[float] = []

    async def send(chat: int) -> None:
        await limiter.acquire(chat)
        if chat % 3 == 0:
            await asyncio.sleep(0.02)  # a slow commit between the slot and the request
        await limiter.release()
        departures.append(time.monotonic())

    await asyncio.gather(*(send(chat) for chat in range(60)))
    departures.sort()
    assert len(departures) == 60
    span = 0.05 * (1 + RateLimiter.WINDOW_MARGIN)
    assert all(later - earlier >= span - 0.001 for earlier, later in zip(departures, departures[10:]))


async def test_rate_limiter_sends_a_message_back_to_wait_when_a_429_paused_everyone() -> None:
    # A worker past its slot must not wait out Telegram's retry_after with its delivery marked "sending".
    from bot.sender import RateLimiter

    limiter = RateLimiter(rate=100, per_chat=0)
    await limiter.acquire(1)
    limiter.pause(0.2)
    assert await limiter.release() is False
    started = time.monotonic()
    await limiter.acquire(1)
    assert time.monotonic() - started >= 0.19
    assert await limiter.release() is True


def test_a_survey_reminder_names_the_survey_in_each_recipients_language(i18n):
    """The template's "{form}" was the stored English title in every language."""
    from types import SimpleNamespace

    from bot.services.coord_reminders import render

    reminder = SimpleNamespace(
        template="survey", template_args={"form": "INSOP soil threshold values"}, audience={"kind": "all"}, texts={}
    )
    assert "« INSOP – valeurs seuils pour les sols »" in render(reminder, "fr", i18n, "en").replace("\u202f", " ")
    assert "“INSOP soil threshold values”" in render(reminder, "en", i18n, "en")
