"""Issue 17, coordinators: tools one can find, a review card to judge by, exports that carry the values.

Through the real dispatcher, reading what the coordinator (and a member who is not one) sees.
"""

from __future__ import annotations

import csv
import itertools
import time

from aiogram.types import BotCommandScopeChat
from sqlalchemy import func, select

from bot.callbacks import CoordReview
from bot.lookup.records import normalize_row
from bot.lookup.survey_entries import records_from_submission
from storage.models import Member, Submission, SurveyAnswer, SurveyForm, Threshold, utcnow
from storage.repositories.thresholds import source_key
from storage.seed import REFERENCE_THRESHOLDS
from tests.harness import BotHarness

COORDINATOR = 901
REFUSAL = "Sorry, this is only for coordinators."
_unique = itertools.count(1)


def coordinator(harness: BotHarness):
    return harness.user(COORDINATOR, language="en", name="Coco")


async def member(harness: BotHarness, user_id: int, role: str = "National focal point", country: str = "Kenya"):
    user = harness.user(user_id)
    await harness.onboard(user, country, role)
    return user


def submitted(form_pk: int, submitter: Member, country: str, data: dict) -> Submission:
    """A survey `submitter` submitted just now about `country`, with `data` as its answers."""
    now = utcnow()
    return Submission(
        form_pk=form_pk,
        member_id=submitter.id,
        country=country,
        language="en",
        status="submitted",
        state={},
        data=data,
        active=False,
        pending={},
        last_update_id=0,
        created_at=now,
        updated_at=now,
        submitted_at=now,
    )


def sent(calls) -> list[str]:
    return [call.text for call in calls if call.method == "sendMessage"]


def edits(calls) -> list:
    return [call for call in calls if call.method == "editMessageText"]


def buttons(call) -> list[str]:
    return [button.text for row in call.keyboard.inline_keyboard for button in row] if call.keyboard else []


async def reported_value(
    harness: BotHarness, by_user: int, value: str = "3.500000", typed: str | None = None
) -> Threshold:
    """A value a focal point reported in the survey, waiting for review, stored as the bot stored it before."""
    with REFERENCE_THRESHOLDS.open(newline="", encoding="utf-8") as handle:
        row = next(
            line
            for line in csv.DictReader(handle)
            if line["pollutant"].lower() == "cadmium"
            and line["land_use"].lower().startswith("agricultural")
            and line["country_iso2"] == "CA"
        )
    tag = f"ux review test {next(_unique)} {time.time_ns()}"
    # Bhutan: no other test reads its values (approved ones would change what Kenya's lookups say).
    record = normalize_row(
        dict(
            row,
            country_iso2="BT",
            country="Bhutan",
            value=value,
            unit="mg/kg",
            instrument=tag,
            source_url_or_path="survey answer " + tag,
        ),
        1,
    )
    values = record.to_dict()
    async with harness.storage.sessionmaker() as session, session.begin():
        submitter = await session.scalar(select(Member).where(Member.telegram_id == by_user))
        form_pk = await session.scalar(select(func.min(SurveyForm.id)))
        submission = submitted(form_pk, submitter, "BT", {})
        session.add(submission)
        await session.flush()
        threshold = Threshold(
            source_key=source_key(values),
            origin="survey",
            review_status="pending",
            submission_id=submission.id,
            created_at=utcnow(),
            updated_at=utcnow(),
            **values,
        )
        session.add(threshold)
        if typed is not None:  # the answer trail of the entry's value question, as the survey records it
            session.add(
                SurveyAnswer(
                    submission_id=submission.id,
                    update_id=1,
                    question="threshold[1]/value",
                    action="answer",
                    value=typed,
                    accepted=True,
                    created_at=utcnow(),
                )
            )
    return threshold


async def reported_key_value(harness: BotHarness, by_user: int, key_value: dict, **instrument: str) -> Threshold:
    """A key value typed inside a legal instrument of the survey (form version 2026113001), stored as the bot
    stores it: through `records_from_submission`, with the tier, target and conditions the respondent gave."""
    tag = f"ux review test {next(_unique)} {time.time_ns()}"
    data = {
        "consent_publish": "named",
        "instrument": [
            {
                "instr_title": tag,
                "instr_status": "binding",
                "instr_year": "2020",
                "instr_unit": "mg_kg",
                "instr_basis": "total",
                **instrument,
                "key_value": [key_value],
            }
        ],
    }
    async with harness.storage.sessionmaker() as session, session.begin():
        submitter = await session.scalar(select(Member).where(Member.telegram_id == by_user))
        submission = submitted(await session.scalar(select(func.max(SurveyForm.id))), submitter, "BT", data)
        session.add(submission)
        await session.flush()
        records, problems = records_from_submission(data, "BT", "Bhutan", utcnow(), submission.id)
        assert problems == [] and len(records) == 1
        values = records[0].to_dict()
        threshold = Threshold(
            source_key=source_key(values),
            origin="survey",
            review_status="pending",
            submission_id=submission.id,
            created_at=utcnow(),
            updated_at=utcnow(),
            **values,
        )
        session.add(threshold)
    return threshold


async def stored(harness: BotHarness, threshold_id: int) -> Threshold:
    async with harness.storage.sessionmaker() as session:
        return await session.get(Threshold, threshold_id)


# ================================================================ finding the tools


async def test_coordinator_help_lists_the_tools_and_sets_the_chat_menu(harness):
    await harness.onboard(coordinator(harness), "Italy", "INSOP member")
    calls = await harness.send(coordinator(harness), "/help")
    text = "\n".join(sent(calls))
    assert "<b>What I can do</b>" in text and "<b>Coordinator tools</b>" in text
    assert "/review: review reported threshold values" in text and "/remind" in text
    menus = [call for call in calls if call.method == "setMyCommands"]
    assert menus and isinstance(menus[0].params["scope"], BotCommandScopeChat)
    assert menus[0].params["scope"].chat_id == COORDINATOR
    assert "review" in [command.command for command in menus[0].params["commands"]]
    # A greeting gets the same screen.
    assert "<b>Coordinator tools</b>" in "\n".join(sent(await harness.send(coordinator(harness), "hi")))


async def test_the_public_menu_names_mute_which_every_reminder_mentions(harness):
    registered = [
        call for call in harness.api.calls if call.method == "setMyCommands" and call.params.get("scope") is None
    ]
    menus = {
        call.params.get("language_code"): {c.command: c.description for c in call.params["commands"]}
        for call in registered
    }
    assert menus[None]["mute"] == "Stop receiving reminders" and menus[None]["unmute"] == "Receive reminders again"
    assert menus["fr"]["mute"] == "Ne plus recevoir de rappels"
    assert not {"review", "remind", "invite"} & set(menus[None])  # coordinator tools stay in coordinators' chats


async def test_a_member_sees_no_coordinator_tools(harness, user_id):
    user = await member(harness, user_id, role="INSOP member")
    for text in ("/help", "hello"):
        calls = await harness.send(user, text)
        reply = "\n".join(sent(calls))
        assert "<b>What I can do</b>" in reply and "Coordinator tools" not in reply and "/review" not in reply
        assert not [call for call in calls if call.method == "setMyCommands"]


# ================================================================ review card


async def test_review_card_shows_the_value_as_typed_who_reported_it_and_the_range_elsewhere(harness, user_id):
    await member(harness, user_id)
    value = await reported_value(harness, user_id)
    calls = await harness.send(coordinator(harness), "/review")
    card = sent(calls)[0]
    assert value.instrument in card
    assert "Value as typed: <b>3.5 mg/kg</b>" in card and "3.500000" not in card
    assert "Reported by: Amina, national focal point, Bhutan" in card
    assert "Other jurisdictions, same pollutant and land use: " in card  # Canada's 1.4 at least
    low_high = card.split("same pollutant and land use: ", 1)[1].split(" mg/kg", 1)[0]
    low, high = (float(part) for part in low_high.split("–"))
    assert low <= 1.4 <= high
    assert "✏️ Approve with another value" in buttons(calls[0])

    # Approve: the card keeps its text and says what was decided, without buttons.
    calls = await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="ok").pack())
    decided = edits(calls)[0]
    assert value.instrument in decided.text and "✅ Approved by you" in decided.text
    assert decided.keyboard is None
    assert (await stored(harness, value.id)).review_status == "approved"


async def test_the_card_shows_the_answer_as_typed_in_the_survey(harness, user_id):
    """A thousands separator read as a decimal point (1,000 -> 1) can only be seen next to what was typed."""
    await member(harness, user_id)
    value = await reported_value(harness, user_id, value="1", typed="1,000")
    card = sent(await harness.send(coordinator(harness), "/review"))[0]
    assert value.instrument in card
    assert "Value as typed: <b>1,000 mg/kg</b>, stored as 1 mg/kg dw" in card
    await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="ok").pack())


async def test_the_card_says_what_crossing_the_value_means_and_its_ph_band(harness, user_id):
    """Lead 50–100 mg/kg for pH 6–7.5, an action value: the coordinator judges it knowing both."""
    await member(harness, user_id)
    value = await reported_key_value(
        harness,
        user_id,
        {
            "pollutant": "lead",
            "val_land_use": "agricultural",
            "val_form": "range",
            "value_min": "50",
            "value_max": "100",
            "ph_min": "6",
            "ph_max": "7.5",
        },
        instr_tier="action",
        instr_target="human_health",
        instr_val_name="Interventiewaarde",
    )
    assert (value.tier, value.conditions) == ("action", "pH 6-7.5")
    card = sent(await harness.send(coordinator(harness), "/review"))[0]
    assert value.instrument in card
    assert "stored as 50–100 mg/kg dw" in card
    assert "<i>Tier 3: action is needed above this value</i>" in card
    assert "Protects: human health" in card
    assert "Soil pH band: pH 6–7.5" in card
    assert "Conditions, as written" not in card  # the pH band is the whole condition: said once
    assert "Name in the document: “Interventiewaarde”" in card
    await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="ok").pack())


async def test_a_value_that_must_not_be_detected_says_so_instead_of_a_dash(harness, user_id):
    await member(harness, user_id)
    value = await reported_key_value(
        harness,
        user_id,
        {"pollutant": "lead", "val_land_use": "agricultural", "val_form": "not_detected"},
        instr_tier="food",
    )
    assert value.value is None and value.value_min is None and value.value_max is None
    calls = await harness.send(coordinator(harness), "/review")
    card = sent(calls)[0]
    assert value.instrument in card
    assert "Value: <b>must not be detected</b> (no number is set)" in card
    assert "Value as typed" not in card and "— mg/kg" not in card
    assert "<i>Value for the safety of crops or food</i>" in card
    assert "Conditions, as written" not in card and "Name in the document" not in card

    # In French, the card's new lines come from the catalog.
    calls = await harness.send(harness.user(COORDINATOR, language="fr", name="Coco"), "/review")
    assert "Valeur pour la sécurité des cultures ou des aliments" in sent(calls)[0]
    await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="ok").pack())


async def test_the_card_reads_in_the_coordinators_language(harness, user_id):
    """A French or Arabic coordinator reads the pollutant, land use, country, status and numbers in their language,
    as the lookups word them; what the respondent typed stays as typed."""
    await member(harness, user_id)
    value = await reported_key_value(
        harness,
        user_id,
        {"pollutant": "lead", "val_land_use": "agricultural", "val_form": "single", "value": "0.8"},
        instr_val_name="Valeur limite",
    )
    french = sent(await harness.send(harness.user(COORDINATOR, language="fr", name="Coco"), "/review"))[0]
    assert value.instrument in french
    assert "Pays\u202f: Bhoutan (BT)" in french
    # Chosen from the survey's lists, not typed: said in French only, never quoted in the survey's English.
    assert "\nPolluant\u202f: plomb\n" in french and "\nUsage des sols\u202f: sols agricoles\n" in french
    assert "lead" not in french and "agricultural" not in french
    assert "statut juridique\u202f: juridiquement contraignant" in french and "binding (" not in french
    assert "0,8 mg/kg dw" in french and "0.8 mg/kg dw" not in french
    others = french.split("même usage des sols\u202f: ", 1)[1].split(" mg/kg", 1)[0]
    assert "," in others and "." not in others  # lead from 0,1 mg/kg, with a decimal comma
    assert "Nom dans le document\u202f: «\u202fValeur limite\u202f»" in french  # typed by the respondent: as typed

    arabic = sent(await harness.send(harness.user(COORDINATOR, language="ar", name="Coco"), "/review"))[0]
    assert value.instrument in arabic
    assert "البلد: \u2068بوتان (BT)\u2069" in arabic
    assert "الملوث: \u2068الرصاص\u2069" in arabic and "استخدام الأراضي: \u2068الأراضي الزراعية\u2069" in arabic
    assert "الوضع القانوني: \u2068ملزم قانونًا\u2069" in arabic
    assert "binding (" not in arabic
    await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="ok").pack())


async def test_the_card_quotes_what_the_respondent_typed_and_words_the_source(harness, user_id):
    """A pollutant and land use typed as "other" are quoted as typed; the source is the survey's, in French."""
    await member(harness, user_id)
    value = await reported_key_value(
        harness,
        user_id,
        {
            "pollutant": "other",
            "pollutant_other": "Pentachlorophénol",
            "val_land_use": "other",
            "val_land_use_other": "jardins familiaux",
            "val_form": "single",
            "value": "0.8",
        },
        instr_authority="Ministère de l’Environnement",
    )
    french = sent(await harness.send(harness.user(COORDINATOR, language="fr", name="Coco"), "/review"))[0]
    assert "(indiqué comme «\u202fPentachlorophénol\u202f»)" in french
    assert "(indiqué comme «\u202fjardins familiaux\u202f»)" in french
    assert "Source\u202f: Enquête de l’INSOP sur les valeurs seuils, réponse pour Bhoutan, envoyée le " in french
    assert "\u202f; texte émis par Ministère de l’Environnement" in french and "INSOP threshold survey" not in french
    await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="no").pack())
    await harness.send(coordinator(harness), "test over")


async def test_a_long_authority_never_hides_the_link_from_the_card(harness, user_id):
    """The link the public pages will make clickable stays on the card, whatever the respondent typed before it."""
    await member(harness, user_id)
    value = await reported_key_value(
        harness,
        user_id,
        {"pollutant": "lead", "val_land_use": "agricultural", "val_form": "single", "value": "50"},
        instr_authority="Ministry of Environment " + "and Forestry " * 40,
        instr_link="https://phishing.example/login",
    )
    card = sent(await harness.send(coordinator(harness), "/review"))[0]
    source = next(line for line in card.splitlines() if line.startswith("Source: "))
    assert "…" in source and "phishing.example" not in source  # the authority is cut, not the link
    assert "Link: https://phishing.example/login" in card.splitlines()
    await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="no").pack())
    await harness.send(coordinator(harness), "test over")


async def test_the_coordinator_corrects_the_value_itself(harness, user_id):
    await member(harness, user_id)
    value = await reported_value(harness, user_id, value="35")
    await harness.send(coordinator(harness), "/review")
    calls = await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="val").pack())
    assert sent(calls) == ["Type the correct value, a number in the unit shown (or /cancel)."]
    calls = await harness.send(coordinator(harness), "3.5 mg/kg")
    assert sent(calls) == ["Please type only a number, for example 3.5 (the unit stays as shown)."]
    assert (await stored(harness, value.id)).review_status == "pending"
    calls = await harness.send(coordinator(harness), "3,5")
    assert "Approved with the corrected value 3.5 mg/kg dw." in sent(calls)
    row = await stored(harness, value.id)
    assert (row.review_status, row.value, row.value_original) == ("approved", 3.5, "3.5")
    assert "value corrected from '35' to '3.5'" in row.review_note
    card = edits(calls)[0].text
    assert "✅ Approved by you" in card and "Correction: value corrected from" in card


async def test_reject_is_written_onto_the_card(harness, user_id):
    await member(harness, user_id)
    value = await reported_value(harness, user_id)
    await harness.send(coordinator(harness), "/review")
    await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="no").pack())
    calls = await harness.send(coordinator(harness), "Not a national value")
    assert "❌ Rejected by you: Not a national value" in edits(calls)[0].text
    assert edits(calls)[0].keyboard is None


async def test_skip_moves_on_and_never_loops(harness, user_id):
    await member(harness, user_id)
    first, second = [await reported_value(harness, user_id) for _ in range(2)]
    calls = await harness.send(coordinator(harness), "/review")
    assert first.instrument in sent(calls)[0]
    calls = await harness.press(coordinator(harness), data=CoordReview(tid=first.id, action="skip").pack())
    assert second.instrument in "\n".join(sent(calls))
    calls = await harness.press(coordinator(harness), data=CoordReview(tid=second.id, action="skip").pack())
    text = "\n".join(sent(calls))
    assert first.instrument not in text and second.instrument not in text
    assert "That was the last one. 2 skipped values still wait for review." in text
    calls = await harness.press(coordinator(harness), "Review the skipped values")
    assert first.instrument in "\n".join(call.text for call in calls if call.text)


async def test_review_buttons_and_value_correction_are_refused_for_a_member(harness, user_id):
    user = await member(harness, user_id)
    value = await reported_value(harness, user_id)
    await harness.send(user, "/review")
    for action in ("val", "ok", "skip", "again"):
        calls = await harness.press(user, data=CoordReview(tid=value.id, action=action).pack())
        assert [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"] == [REFUSAL]
    calls = await harness.send(user, "3.5")  # no correction step was opened: an ordinary lookup-or-help reply
    assert (await stored(harness, value.id)).review_status == "pending"
    await harness.send(coordinator(harness), "/review")
    await harness.press(coordinator(harness), data=CoordReview(tid=value.id, action="ok").pack())


# ================================================================ export


async def test_export_csv_files_carry_the_reported_threshold_values(harness, user_id):
    await member(harness, user_id)
    async with harness.storage.sessionmaker() as session, session.begin():
        form = await session.scalar(
            select(SurveyForm).where(SurveyForm.form_id == "insop_thresholds", SurveyForm.is_current.is_(True))
        )
        submitter = await session.scalar(select(Member).where(Member.telegram_id == user_id))
        key_values = [{"pollutant": "cadmium", "value": 3.5}, {"pollutant": "lead", "value": 120}]
        data = {"instrument": [{"instr_title": "Soil Quality Regulations", "key_value": key_values}]}
        session.add(submitted(form.id, submitter, "KE", data))
    await harness.send(coordinator(harness), "/export")
    calls = await harness.press(coordinator(harness), "INSOP soil threshold values")
    documents = [call for call in calls if call.method == "sendDocument"]
    names = [call.params["document"].filename for call in documents]
    assert names[0].endswith(".xlsx") and names[1].endswith(".csv")
    values_csv = next(call for call in documents if call.params["document"].filename.endswith("_key_value.csv"))
    assert "one row per entry" in values_csv.params["caption"]
    rows = list(csv.DictReader(values_csv.files["document"].decode("utf-8-sig").splitlines()))
    mine = [row for row in rows if row["pollutant"] in ("cadmium", "lead") and row["value"] in ("3.5", "120")]
    assert [(row["pollutant"], row["value"], row["_index"]) for row in mine][-2:] == [
        ("cadmium", "3.5", "1"),
        ("lead", "120", "2"),
    ]


async def test_export_is_refused_for_a_member(harness, user_id):
    user = await member(harness, user_id)
    calls = await harness.send(user, "/export")
    assert sent(calls) == [REFUSAL]
    assert not [call for call in calls if call.method == "sendDocument"]


# ================================================================ invite


async def test_invite_alone_is_guided_with_buttons(harness):
    from storage.models import Invite

    coco = coordinator(harness)
    calls = await harness.send(coco, "/invite")
    assert sent(calls)[0].startswith("Which country is the invite for? Type its name")
    assert "Shortcut for next time: <code>/invite Kenya focal_point</code>" in sent(calls)[0]
    calls = await harness.send(coco, "Xqzwvk")  # not a country: asked again, the step stays
    assert "I do not recognise the country “Xqzwvk”" in sent(calls)[0]
    calls = await harness.send(coco, "Kenya")
    assert sent(calls)[0] == "Invite for Kenya. Who is it for?"
    assert buttons(calls[0]) == ["National focal point", "Soil laboratory", "INSOP member / other"]
    calls = await harness.press(coco, "Soil laboratory")
    assert edits(calls)[0].text == "Invite for a Soil laboratory in Kenya. For one person, or anyone with the link?"
    calls = await harness.press(coco, "Anyone with the link")
    assert buttons(edits(calls)[0]) == ["7 days", "30 days", "90 days", "365 days"]
    calls = await harness.press(coco, "90 days")
    text = edits(calls)[0].text
    assert text.startswith("Invite link for a Soil laboratory in Kenya (anyone with the link can use it), valid until")
    code = text.rsplit("start=", 1)[1]
    async with harness.storage.sessionmaker() as session:
        invite = await session.scalar(select(Invite).where(Invite.code == code))
    assert (invite.country, invite.role, invite.max_uses, invite.created_by) == ("KE", "lab", None, COORDINATOR)
    assert 89 <= (invite.expires_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)).days <= 90
    # The command line stays a shortcut.
    calls = await harness.send(coco, "/invite Kenya focal_point")
    assert sent(calls)[0].startswith("Invite link for a National focal point in Kenya")


async def test_guided_invite_is_refused_for_a_member(harness, user_id):
    from bot.callbacks import CoordInvite

    user = await member(harness, user_id)
    assert sent(await harness.send(user, "/invite")) == [REFUSAL]
    calls = await harness.send(user, "Kenya")  # no country step was opened: an ordinary lookup reply
    assert not any("Who is it for?" in text for text in sent(calls))
    for data in (
        CoordInvite(country="KE", role="", step="c"),
        CoordInvite(country="KE", role="lab", step="r"),
        CoordInvite(country="KE", role="lab", multi=1, step="u"),
        CoordInvite(country="KE", role="lab", days=7),
    ):
        calls = await harness.press(user, data=data.pack())
        assert [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"] == [REFUSAL]
        assert not edits(calls) and not sent(calls)
