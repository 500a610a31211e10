"""Bounded input everywhere (level 2, the real dispatcher): column widths, Telegram's UTF-16 limits,
/invite, /promote and /mydata.

Each test would fail on the code before this work: an overlong "other" pollutant that PostgreSQL
refused at submission, a review screen too long for Telegram with emoji answers, invites silently
made for 30 days or for a guessed country, /promote ignoring ids after the first, /mydata without
the answer trail, role changes and reminders.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from storage.models import (
    Invite,
    Member,
    Reminder,
    ReminderDelivery,
    Submission,
    SurveyAnswer,
    Threshold,
    utcnow,
)
from tests.harness import BotHarness
from tests.survey_walk import (
    answer_about_you,
    answer_status_with_values,
    describe_instrument,
    finish_to_review,
    key_value_after_pollutant,
    open_threshold_survey,
)

COORDINATOR = 900
REFUSAL = "Sorry, this is only for coordinators."
TELEGRAM_LIMIT = 4096


def units(text: str) -> int:
    """UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


def visible(text: str) -> str:
    """Telegram HTML as the reader sees it (what Telegram's 4096 limit applies to)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def sent(calls, method: str = "sendMessage") -> list:
    return [call for call in calls if call.method == method]


def buttons(calls) -> list[str]:
    return [button.text for call in calls if call.keyboard for row in call.keyboard.inline_keyboard for button in row]


async def scalar(harness: BotHarness, query):
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(query)


async def focal_point(harness: BotHarness, user_id: int, name: str = "Amina"):
    user = harness.user(user_id, name=name)
    await harness.onboard(user, "Kenya", "National focal point")
    return user


def coordinator(harness: BotHarness):
    return harness.user(COORDINATOR, name="Coco")


async def survey_to_pollutant(
    harness: BotHarness,
    user,
    role: str = "Head of soil unit",
    institution: str = "Kenya Soil Survey",
    instrument: str = "bounds test regulation",
) -> list:
    """Answer the threshold survey up to the "other" pollutant's name (`role` is the respondent's name); that step's calls."""
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user, name=role, institution=institution)
    await answer_status_with_values(harness, user)
    await describe_instrument(harness, user, title=instrument)
    return await harness.send(user, "Other")  # the pollutant list is long: typed, not a button


async def finish_entry_to_review(harness: BotHarness, user) -> list:
    """From the CAS number of an "other" pollutant to the review screen; the calls of the last step."""
    await harness.send(user, "/skip")  # CAS number
    await key_value_after_pollutant(harness, user)
    return await finish_to_review(harness, user)


async def draft_of(harness: BotHarness, user_id: int) -> Submission:
    return await scalar(
        harness,
        select(Submission)
        .join(Member, Member.id == Submission.member_id)
        .where(Member.telegram_id == user_id)
        .order_by(Submission.id.desc())
        .limit(1),
    )


# ================================================================ column widths


async def test_an_overlong_string_is_refused_before_sql_with_the_column_named(harness, user_id):
    from storage.models import ValueTooLong

    async with harness.storage.sessionmaker() as session:
        with pytest.raises(ValueTooLong) as refused:
            async with session.begin():
                session.add(Member(telegram_id=user_id, name="x" * 257, created_at=utcnow(), last_seen_at=utcnow()))
    assert str(refused.value) == "members.name: 257 characters, at most 256"
    assert await scalar(harness, select(func.count(Member.id)).where(Member.telegram_id == user_id)) == 0


async def test_a_long_other_pollutant_is_submitted_and_waits_for_review(harness, user_id):
    user = await focal_point(harness, user_id)
    calls = await survey_to_pollutant(harness, user, instrument="bounds test long pollutant")
    assert "Please say which." in sent(calls)[-1].text
    name = "Perfluorooctane sulfonic acid and its salts and related compounds (PFOS), sum of linear isomers"
    assert len(name) > 64
    await harness.send(user, name)
    calls = await finish_entry_to_review(harness, user)
    assert "✅ Submit" in buttons(calls)
    calls = await harness.press(user, "Submit")
    assert "Thank you! Your answers have been submitted." in harness.texts(calls)[-1]
    row = await scalar(harness, select(Threshold).where(Threshold.instrument == "bounds test long pollutant"))
    assert row is not None and row.review_status == "pending"
    assert row.pollutant_name == name and row.pollutant_original == name
    assert len(row.pollutant_id) <= 64 and row.pollutant_id.startswith("perfluorooctane_sulfonic_acid")
    assert len(row.pollutant_family) <= 64


async def test_an_other_pollutant_over_its_width_is_refused_politely_and_can_be_retyped(harness, user_id):
    user = await focal_point(harness, user_id)
    calls = await survey_to_pollutant(harness, user)
    assert "Please say which." in sent(calls)[-1].text and "At most 256 characters." in sent(calls)[-1].text
    calls = await harness.send(user, "P" * 300)
    # Only the error: the question is still just above it.
    assert harness.texts(calls) == ["⚠️ Please shorten your answer to at most 256 characters (it has 300)."]
    calls = await harness.send(user, "Pentachlorophenol")
    assert "CAS number" in harness.texts(calls)[-1]
    draft = await draft_of(harness, user_id)
    assert draft.state["answers"]["instrument[1]/key_value[1]/pollutant_other"] == "Pentachlorophenol"


async def test_an_old_draft_with_an_overlong_answer_says_what_to_fix_instead_of_failing(harness, user_id):
    user = await focal_point(harness, user_id)
    await survey_to_pollutant(harness, user, instrument="bounds test old draft")
    await harness.send(user, "Pentachlorophenol")
    await finish_entry_to_review(harness, user)
    # As if answered before the limit existed.
    draft = await draft_of(harness, user_id)
    state = dict(
        draft.state, answers={**draft.state["answers"], "instrument[1]/key_value[1]/pollutant_other": "Q" * 300}
    )
    async with harness.storage.sessionmaker() as session, session.begin():
        await session.execute(update(Submission).where(Submission.id == draft.id).values(state=state))
    calls = await harness.press(user, "Submit")
    texts = harness.texts(calls)
    assert any("The answer to “Please say which.” is too long: 300 characters, at most 256." in text for text in texts)
    assert "✅ Submit" in buttons(calls)  # the review again, ready once the answer is fixed
    assert (await draft_of(harness, user_id)).status == "draft"
    await harness.press(user, "Legal instrument or official guideline 1")  # the review's part, then the answer in it
    await harness.press(user, "Please say which.")
    await harness.send(user, "Pentachlorophenol")
    calls = await harness.press(user, "Submit")
    assert "Thank you! Your answers have been submitted." in harness.texts(calls)[-1]


async def test_a_value_too_long_for_its_column_at_submission_is_explained_and_nothing_is_lost(
    harness, user_id, monkeypatch
):
    """The last guard: were a field left unbounded, Submit says what to do and the draft stays intact."""
    from bot.services import surveys

    user = await focal_point(harness, user_id)
    await survey_to_pollutant(harness, user, instrument="bounds test unguarded")
    # A name no vocabulary knows (dioxins are known since the 965-row table), longer than the 64 of pollutant ids.
    await harness.send(user, "Experimental organotin mixture from a local tannery, sampled near the river bank")
    await finish_entry_to_review(harness, user)
    from bot.lookup import records

    monkeypatch.setattr(surveys, "_threshold_widths", lambda: {})  # as if the record were not fitted
    monkeypatch.setattr(records, "_new_pollutant_id", lambda lowered: lowered.replace(" ", "_"))  # nor its id
    calls = await harness.press(user, "Submit")
    assert (
        "⚠️ This could not be stored: an answer is too long (at most 64 characters). Please shorten it."
        in harness.texts(calls)
    )
    assert "✅ Submit" in buttons(calls)
    draft = await draft_of(harness, user_id)
    assert draft.status == "draft" and draft.state["answers"]["instrument[1]/key_value[1]/pollutant_other"].startswith(
        "Experimental organotin"
    )
    monkeypatch.undo()
    calls = await harness.press(user, "Submit")
    assert "Thank you! Your answers have been submitted." in harness.texts(calls)[-1]


async def test_a_very_long_telegram_name_is_shortened_not_refused(harness, user_id):
    user = harness.user(user_id, name="N" * 300)
    calls = await harness.send(user, "/start")
    assert calls and "Which country" in harness.texts(calls)[-1]
    member = await scalar(harness, select(Member).where(Member.telegram_id == user_id))
    assert len(member.name) == 256 and member.name.endswith("…")


# ================================================================ Telegram's UTF-16 limits


async def test_review_with_emoji_answers_fits_telegram_and_always_shows_submit(harness, user_id):
    user = await focal_point(harness, user_id)
    emoji = "🌱🧪" * 700  # 1,400 code points, 2,800 UTF-16 units, well within one typed message
    await survey_to_pollutant(harness, user, role=emoji, institution=emoji, instrument="bounds test " + emoji)
    await harness.send(user, "Pentachlorophenol")
    calls = await finish_entry_to_review(harness, user)
    messages = sent(calls)
    assert "Please check your answers" in visible(messages[-1].text) or any(
        "Please check your answers" in visible(call.text) for call in messages
    )
    for call in messages:
        assert units(visible(call.text)) <= TELEGRAM_LIMIT, units(visible(call.text))
    assert "✅ Submit" in buttons(calls)
    calls = await harness.press(user, "Submit")
    assert "Thank you! Your answers have been submitted." in harness.texts(calls)[-1]
    # The stored answers are whole: only the review screen shortened them.
    draft = await draft_of(harness, user_id)
    assert draft.data["resp_name"] == emoji


async def test_the_local_bot_api_refuses_what_telegram_refuses(harness, user_id):
    from aiogram.exceptions import TelegramBadRequest

    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await harness.bot.send_message(user_id, "🌱" * 2049)
    await harness.bot.send_message(user_id, "🌱" * 2048)
    await harness.bot.send_message(user_id, "<b>" + "a" * 4096 + "</b>")  # tags do not count
    # Tags Telegram cannot parse: the tests see the refusal Telegram would give.
    for broken in ("<b>open", "closed</b>", "<b><i>crossed</b></i>", "<script>x</script>"):
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await harness.bot.send_message(user_id, broken)
    await harness.bot.send_message(user_id, '<b>a</b> <a href="https://fao.org">b</a> &lt;c&gt;')


def test_fit_utf16_counts_as_telegram_and_never_cuts_an_emoji():
    from bot.limits import fit_utf16, utf16_len

    assert utf16_len("a🌱é") == 4
    for text in ("🌱" * 50, "👩‍🔬" * 30, "🇰🇪🇫🇷" * 20, "é" * 100, "e\u0301" * 60, "👍🏽" * 40):
        for limit in range(1, 40):
            fitted = fit_utf16(text, limit)
            assert utf16_len(fitted) <= limit
            assert fitted.endswith("…")
            kept = fitted[:-1]
            assert text.startswith(kept)
            # Never a lone half of a cluster: what is kept ends where a whole cluster ends.
            rest = text[len(kept) :]
            assert not rest or rest[0] not in "\u200d\u0301\ufe0f" and not ("\U0001f3fb" <= rest[0] <= "\U0001f3ff")
            flags = sum(1 for char in kept if "\U0001f1e6" <= char <= "\U0001f1ff")
            assert flags % 2 == 0
    assert fit_utf16("short", 10) == "short"


def test_split_message_counts_utf16_units():
    from bot.telegram_render import split_message

    text = "\n\n".join(["<b>" + "🌱" * 900 + "</b>"] * 6)
    chunks = split_message(text)
    assert all(units(chunk) <= TELEGRAM_LIMIT for chunk in chunks)
    assert "".join(visible(chunk) for chunk in chunks).count("🌱") == 5400
    long_word = "🧪" * 5000
    assert all(units(chunk) <= TELEGRAM_LIMIT for chunk in split_message(long_word))
    assert "".join(split_message(long_word)) == long_word


def _tags_balanced(chunk: str) -> bool:
    """Whether every tag of a message closes in it, in order: Telegram refuses the message otherwise."""
    open_tags = []
    for tag in re.findall(r"<(/?)([a-z-]+)[^>]*>", chunk):
        if not tag[0]:
            open_tags.append(tag[1])
        elif not open_tags or open_tags.pop() != tag[1]:
            return False
    return not open_tags


def test_a_message_is_never_split_inside_a_tag_at_a_paragraph_break():
    """A review screen (or any reply) over 4,096 units is split at blank lines. Before, a blank line inside
    <b>…</b> (a typed answer of several paragraphs) could be the split: the first message ended with an
    open <b>, the second began with </b>, and Telegram refused both ("can't parse entities"), so Submit
    never appeared."""
    from bot.telegram_render import split_message

    paragraphs = "\n\n".join(f"Step {number}: digest with aqua regia" for number in range(12))
    review = "\n".join(f"• Method {item}: <b>{html.escape(paragraphs)}</b>" for item in range(12))
    text = (
        "<b>Please check your answers before you submit:</b>\n\n"
        + review
        + "\n\nPress an answer to change it, or Submit."
    )
    chunks = split_message(text)
    assert len(chunks) > 1
    assert all(units(chunk) <= TELEGRAM_LIMIT and _tags_balanced(chunk) for chunk in chunks), [
        chunk[-30:] for chunk in chunks if not _tags_balanced(chunk)
    ]
    assert sum(visible(chunk).count("digest with aqua regia") for chunk in chunks) == 144
    assert chunks[-1].endswith("Press an answer to change it, or Submit.")


def test_a_compare_button_is_left_out_when_its_data_would_exceed_64_bytes():
    from bot.keyboards import compare_keyboard

    assert compare_keyboard("p" * 64, "agricultural") is None


async def test_the_review_of_a_reported_value_with_long_wording_fits_one_message(harness):
    long_text = "Soil quality regulation 🌍 " * 400
    async with harness.storage.sessionmaker() as session, session.begin():
        row = Threshold(
            source_key=f"bounds-{utcnow().timestamp()}",
            origin="survey",
            review_status="pending",
            kind="value",
            jurisdiction="KE",
            jurisdiction_name="Kenya",
            jurisdiction_level="national",
            jurisdiction_level_original="national",
            pollutant_id="cadmium",
            pollutant_family="cadmium",
            pollutant_name="Cadmium",
            pollutant_group="metal",
            pollutant_original=long_text,
            land_use="agricultural",
            land_use_covers="agricultural",
            land_use_original=long_text,
            value=1.0,
            value_original=long_text,
            unit="mg/kg",
            unit_original="mg/kg",
            value_type="limit",
            value_type_original=long_text,
            basis="total",
            basis_original="total",
            conditions=long_text,
            ph_min=6.0,
            ph_max=7.5,
            tier="action",
            target="human_health ecosystem groundwater crops_food",
            soil_texture="clay",
            legal_status="guideline",
            legal_status_original=long_text,
            instrument="bounds test " + long_text,
            year_original="2019",
            source=long_text,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        session.add(row)
    calls = await harness.send(coordinator(harness), "/review")  # the only value waiting: its card comes first
    shown = [call for call in calls if call.method in ("sendMessage", "editMessageText")]
    assert any("bounds test Soil quality" in call.text for call in shown)
    for call in shown:
        assert units(visible(call.text)) <= TELEGRAM_LIMIT
    assert "✅ Approve" in buttons(calls)


async def test_a_reminder_text_too_long_for_telegram_is_refused_and_can_be_retyped(harness):
    await harness.send(coordinator(harness), "/remind")
    rid = await scalar(harness, select(func.max(Reminder.id)).where(Reminder.created_by == COORDINATOR))
    await harness.press(coordinator(harness), "Write the text")
    calls = await harness.send(coordinator(harness), "📣" * 1600)  # 1,600 characters, 3,200 UTF-16 units
    assert harness.texts(calls) == [
        "This text is too long for a reminder: 3,200 characters, at most 3,000. Please send a shorter text."
    ]
    assert (await scalar(harness, select(Reminder).where(Reminder.id == rid))).texts == {}
    calls = await harness.send(coordinator(harness), "📣 Please answer the survey.")
    assert harness.texts(calls)[0].startswith("Text in English saved.")
    assert (await scalar(harness, select(Reminder).where(Reminder.id == rid))).texts == {
        "en": "📣 Please answer the survey."
    }
    await harness.press(coordinator(harness), "Cancel")


async def test_a_reject_reason_over_its_limit_is_refused_and_can_be_retyped(harness):
    async with harness.storage.sessionmaker() as session, session.begin():
        row = Threshold(
            source_key=f"bounds-reject-{utcnow().timestamp()}",
            origin="survey",
            review_status="pending",
            kind="value",
            jurisdiction="KE",
            jurisdiction_name="Kenya",
            jurisdiction_level="national",
            jurisdiction_level_original="national",
            pollutant_id="lead",
            pollutant_family="lead",
            pollutant_name="Lead",
            pollutant_group="metal",
            pollutant_original="lead",
            land_use="agricultural",
            land_use_covers="agricultural",
            land_use_original="agricultural",
            value=50.0,
            value_original="50",
            unit="mg/kg",
            unit_original="mg/kg",
            value_type="limit",
            value_type_original="limit",
            basis="total",
            basis_original="total",
            conditions="",
            legal_status="guideline",
            legal_status_original="guideline",
            instrument="bounds test reject reason",
            year_original="2019",
            source="test",
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        session.add(row)
    calls = await harness.send(coordinator(harness), "/review")
    for _skip in range(100):
        if any("bounds test reject reason" in call.text for call in calls):
            break
        calls = await harness.press(coordinator(harness), "Skip")
    await harness.press(coordinator(harness), "Reject")
    calls = await harness.send(coordinator(harness), "Too vague. " * 200)
    assert harness.texts(calls) == ["Please keep the reason to at most 2,000 characters (it has 2,199)."]
    assert (await scalar(harness, select(Threshold).where(Threshold.id == row.id))).review_status == "pending"
    calls = await harness.send(coordinator(harness), "The source is a draft, not adopted.")
    assert harness.texts(calls)[0] == "Rejected. The reason is stored with the value."
    stored = await scalar(harness, select(Threshold).where(Threshold.id == row.id))
    assert (stored.review_status, stored.review_note) == ("rejected", "The source is a draft, not adopted.")


async def test_an_uploaded_form_with_an_overlong_form_id_gets_one_line_naming_it(harness):
    import io

    import openpyxl

    from bot.services import coordination
    from bot.survey import FormError
    from storage.seed import FORMS_DIR

    workbook = openpyxl.load_workbook(FORMS_DIR / "lab_sop_survey.xlsx")
    settings = workbook["settings"]
    header = [cell.value for cell in settings[1]]
    settings.cell(row=2, column=header.index("form_id") + 1, value="f" * 200)
    buffer = io.BytesIO()
    workbook.save(buffer)
    async with harness.storage.sessionmaker() as session:
        with pytest.raises(FormError) as refused:
            await coordination.check_upload(
                session, COORDINATOR, "long.xlsx", buffer.getvalue(), harness.dispatcher["form_reader"]
            )
    assert str(refused.value) == "long.xlsx: sheet settings, column form_id: 200 characters, at most 128"


async def test_a_guessed_reminder_country_is_confirmed_not_taken(harness):
    coco = coordinator(harness)
    await harness.send(coco, "/remind")
    await harness.press(coco, "thank you")
    await harness.press(coco, "By country")
    calls = await harness.send(coco, "Narnia")
    assert harness.texts(calls) == ["Which country did you mean?"]
    assert "Armenia" in buttons(calls)
    rid = await scalar(harness, select(func.max(Reminder.id)).where(Reminder.created_by == COORDINATOR))
    assert (await scalar(harness, select(Reminder).where(Reminder.id == rid))).audience == {}
    await harness.press(coco, "◀ Back")
    await harness.press(coco, "By country")
    calls = await harness.send(coco, "Icelandd")
    calls = await harness.press(coco, "Iceland")
    assert "country: Iceland" in "\n".join(harness.texts(calls))
    assert (await scalar(harness, select(Reminder).where(Reminder.id == rid))).audience == {
        "kind": "country",
        "value": "IS",
    }
    await harness.press(coco, "Cancel")


# ================================================================ /invite


async def invites_by(harness: BotHarness, user_id: int) -> int:
    return await scalar(harness, select(func.count(Invite.id)).where(Invite.created_by == user_id))


async def test_invite_days_out_of_range_are_refused_with_the_range(harness):
    before = await invites_by(harness, COORDINATOR)
    for days in ("0", "9999", "-5", "366"):
        texts = harness.texts(await harness.send(coordinator(harness), f"/invite Kenya lab {days}"))
        assert texts == [
            "An invite is valid for 1 to 365 days. Please send /invite again with a number of days in that range."
        ], days
    assert await invites_by(harness, COORDINATOR) == before
    texts = harness.texts(await harness.send(coordinator(harness), "/invite Kenya lab 365"))
    assert texts[0].startswith("Invite link for a Soil laboratory in Kenya")
    invite = await scalar(
        harness, select(Invite).where(Invite.created_by == COORDINATOR).order_by(Invite.id.desc()).limit(1)
    )
    assert invite.expires_at.replace(tzinfo=utcnow().tzinfo) - utcnow() > timedelta(days=364)


async def test_invite_country_exact_names_pass_guesses_are_confirmed_and_nonsense_is_named(harness):
    before = await invites_by(harness, COORDINATOR)
    for exact in ("KE", "Kenya", "Kenia", "кения"):
        texts = harness.texts(await harness.send(coordinator(harness), f"/invite {exact} member"))
        assert texts[0].startswith("Invite link for a INSOP member / other in Kenya"), exact
    assert await invites_by(harness, COORDINATOR) == before + 4

    calls = await harness.send(coordinator(harness), "/invite <b>Narnia</b> lab")
    assert harness.texts(calls) == ["Which country did you mean for this invite?"]
    assert buttons(calls)[-1] == "None of these"
    assert await invites_by(harness, COORDINATOR) == before + 4
    calls = await harness.press(coordinator(harness), "None of these")
    assert harness.texts(calls)[-1] == "No invite was created. Send /invite again with the country's name or ISO code."
    assert await invites_by(harness, COORDINATOR) == before + 4

    calls = await harness.send(coordinator(harness), "/invite Kenyaa focal_point multi 10")
    assert "Kenya" in buttons(calls)
    calls = await harness.press(coordinator(harness), "Kenya")
    assert harness.texts(calls)[-1].startswith("Invite link for a National focal point in Kenya (anyone with the link")
    invite = await scalar(
        harness, select(Invite).where(Invite.created_by == COORDINATOR).order_by(Invite.id.desc()).limit(1)
    )
    assert (invite.country, invite.role, invite.max_uses) == ("KE", "focal_point", None)

    texts = harness.texts(await harness.send(coordinator(harness), "/invite Qwxzpt lab"))
    assert texts == [
        "I do not recognise the country “Qwxzpt”. Please type its name or its two-letter ISO code, "
        "for example Kenya or KE."
    ]
    assert await invites_by(harness, COORDINATOR) == before + 5


async def test_a_member_cannot_create_an_invite_with_a_forged_confirmation(harness, user_id):
    from bot.callbacks import CoordInvite

    user = await focal_point(harness, user_id)
    await harness.send(user, "/help")
    calls = await harness.press(user, data=CoordInvite(country="KE", role="focal_point", multi=1, days=365).pack())
    assert [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"] == [REFUSAL]
    assert harness.texts(await harness.send(user, "/invite Kenyaa lab")) == [REFUSAL]
    assert await invites_by(harness, user_id) == 0


# ================================================================ /promote


async def test_promote_several_members_reports_each(harness, user_id):
    first = await focal_point(harness, user_id, name="Achieng")
    second = await focal_point(harness, user_id + 100_000, name="Baraka")
    texts = harness.texts(
        await harness.send(coordinator(harness), f"/promote {first.id} {second.id} 5999999 99999999999999999999999")
    )
    assert texts == [
        "Achieng is now a coordinator.\nBaraka is now a coordinator.\n"
        "I know no member 5999999. They need to send /start to the bot first.\n"
        "I know no member 99999999999999999999999. They need to send /start to the bot first."
    ]
    for telegram_id in (first.id, second.id):
        assert (await scalar(harness, select(Member).where(Member.telegram_id == telegram_id))).role == "coordinator"
    texts = harness.texts(await harness.send(coordinator(harness), f"/demote {first.id} {second.id}"))
    assert texts == [
        "Achieng is no longer a coordinator (role now: National focal point).\n"
        "Baraka is no longer a coordinator (role now: National focal point)."
    ]


async def test_a_member_cannot_promote_or_demote_anyone_even_several(harness, user_id):
    user = await focal_point(harness, user_id)
    other = await focal_point(harness, user_id + 100_000)
    assert harness.texts(await harness.send(user, f"/promote {user.id} {other.id}")) == [REFUSAL]
    assert harness.texts(await harness.send(user, f"/demote {COORDINATOR} 901")) == [REFUSAL]
    for telegram_id in (user.id, other.id):
        assert (await scalar(harness, select(Member).where(Member.telegram_id == telegram_id))).role == "focal_point"


# ================================================================ /mydata


async def test_mydata_shows_trail_role_changes_reminders_received_and_written(harness, user_id):
    user = await focal_point(harness, user_id, name="Chebet")
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    await harness.press(user, "Kenya")
    await harness.press(user, "Official GSP national focal point")
    await harness.send(user, "Soil chemist")
    await harness.send(user, "/back")
    await harness.send(user, "Head of soil unit")
    await harness.send(coordinator(harness), f"/promote {user_id}")
    # As a coordinator, the member writes a reminder; they also received one.
    await harness.send(user, "/remind")
    await harness.press(user, "Write the text")
    await harness.send(user, "Bounds reminder text, please answer")
    await harness.send(user, "/remind")
    await harness.press(user, "Template: please complete your profile")
    member = await scalar(harness, select(Member).where(Member.telegram_id == user_id))
    written = await scalar(harness, select(Reminder).where(Reminder.created_by == user_id))
    async with harness.storage.sessionmaker() as session, session.begin():
        session.add(
            ReminderDelivery(
                reminder_id=written.id,
                member_id=member.id,
                chat_id=user_id,
                language="en",
                status="sent",
                sent_at=utcnow(),
            )
        )
    texts = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert "Role changes" in texts and "National focal point → Coordinator" in texts
    assert "INSOP member / other → National focal point (Kenya)" in texts  # appointed for one country
    assert "Answer trail, every step as you gave it:" in texts
    assert "About you › Your full name · answered Soil chemist" in texts
    assert "About you › Your work e-mail · went back" in texts
    assert "About you › Your full name · answered Head of soil unit" in texts
    assert f"Reminder #{written.id}: sent" in texts
    assert "Reminders you wrote" in texts and "English: Bounds reminder text, please answer" in texts
    # A catalog template reads as its text in the member's language, not as its key.
    assert "Template: Reminder from INSOP: please complete your profile" in texts and "Template: profile" not in texts
    assert "Form version:" in texts


async def test_mydata_too_long_for_messages_comes_as_a_file_with_everything(harness, user_id):
    user = await focal_point(harness, user_id)
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    draft = await draft_of(harness, user_id)
    long_answer = "🌾 a long answer about soil " * 20
    async with harness.storage.sessionmaker() as session, session.begin():
        session.add_all(
            [
                SurveyAnswer(
                    submission_id=draft.id,
                    update_id=5_000_000 + index,
                    question=f"q{index}",
                    action="answer",
                    value=long_answer,
                    accepted=True,
                    created_at=utcnow(),
                )
                for index in range(60)
            ]
        )
    calls = await harness.send(user, "/mydata")
    for call in sent(calls):
        assert units(visible(call.text)) <= TELEGRAM_LIMIT
    documents = sent(calls, "sendDocument")
    assert len(documents) == 1 and documents[0].params["document"].filename == "insop-my-data.txt"
    content = documents[0].files["document"].decode("utf-8")
    assert content.count(long_answer.strip()) == 60  # whole answers, none shortened
    assert f"Telegram id: {user_id}" in content and "<b>" not in content
