"""Documents as survey answers, through the real dispatcher: a file question answered with a PDF, refusals
(size, type, quota), coordinators downloading from the review card and the export, /mydata and /forget."""

from __future__ import annotations

import csv
import io
import itertools
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select, update

from bot import survey as engine
from bot.callbacks import CoordReview, DocumentGet
from bot.handlers import documents as document_handlers
from bot.i18n.typography import file_size
from bot.lookup.records import normalize_row
from bot.services import documents
from bot.survey import load_form
from bot.survey.values import InvalidAnswer
from storage.models import Member, Submission, SurveyAnswer, SurveyDocument, SurveyForm, Threshold, utcnow
from storage.repositories.surveys import SurveyRepository
from storage.repositories.thresholds import source_key
from storage.seed import REFERENCE_THRESHOLDS
from tests.harness import BotHarness

FORM_FILE = Path(__file__).parent / "fixtures" / "document_survey.md"
COORDINATOR = 900
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
_unique = itertools.count(1)


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Cd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def publish_test_survey(sessionmaker) -> None:
    """The test form with its document questions, offered to focal points."""
    form = load_form(FORM_FILE)
    async with sessionmaker() as session, session.begin():
        if await SurveyRepository(session).form_version(form.form_id, form.version) is None:
            await SurveyRepository(session).publish(
                form.form_id, form.version, form.title, form.to_dict(), "focal_point", FORM_FILE.name, None
            )
        await session.execute(update(SurveyForm).where(SurveyForm.form_id == form.form_id).values(is_current=True))


@pytest.fixture(scope="module")
async def harness(settings, module_storage):
    harness = await BotHarness.start(settings, module_storage)
    await publish_test_survey(harness.storage.sessionmaker)
    yield harness
    await harness.close()


async def at_document_question(harness: BotHarness, user_id: int, language: str = "en"):
    """A focal point who opened the test survey and answered the first question."""
    user = harness.user(user_id, language=language)
    await harness.onboard(user, "Kenya", "National focal point" if language == "en" else "Point focal national")
    await harness.send(user, "/survey")
    await harness.press(user, "Document test survey")
    calls = await harness.send(user, "Decree 12/2023")
    return user, calls


async def send_file(
    harness: BotHarness, user, content: bytes, filename: str | None, declared: int | None = -1, photo: bool = False
):
    """The user sends a file; returns (the update, the calls the bot made in reply)."""
    file_id = harness.api.add_file(content, declared_size=declared)
    size = len(content) if declared == -1 else declared
    update_ = harness.updates.document(user, file_id, filename, size, photo=photo)
    return update_, await harness.feed(update_)


async def documents_of(harness: BotHarness, user_id: int) -> list[SurveyDocument]:
    async with harness.storage.sessionmaker() as session:
        return list(
            await session.scalars(
                select(SurveyDocument)
                .join(Submission, Submission.id == SurveyDocument.submission_id)
                .join(Member, Member.id == Submission.member_id)
                .where(Member.telegram_id == user_id)
                .order_by(SurveyDocument.id)
            )
        )


async def draft_of(harness: BotHarness, user_id: int) -> Submission:
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(
            select(Submission)
            .join(Member, Member.id == Submission.member_id)
            .where(Member.telegram_id == user_id)
            .order_by(Submission.id.desc())
            .limit(1)
        )


def texts(calls) -> str:
    return "\n".join(call.text for call in calls if call.text)


async def press_forged(harness: BotHarness, user, data: str):
    """The user presses a button carrying `data` under the newest message the bot sent them (forged or not)."""
    message = next(
        call.result for call in reversed(harness.api.calls) if call.chat_id == user.id and call.method == "sendMessage"
    )
    return await harness.feed(harness.updates.press(user, message, data))


def alerts(calls) -> list[str]:
    return [
        call.params.get("text") for call in calls if call.method == "answerCallbackQuery" and call.params.get("text")
    ]


# ---------------------------------------------------------------- the engine and the sniffing, no chat


def test_the_engine_asks_a_file_question_and_takes_only_a_document():
    form = load_form(FORM_FILE)
    state = engine.answer(form, engine.start(form, "en"), "Decree").state
    prompt = engine.current_prompt(form, state)
    assert (prompt.type, prompt.required) == ("file", True)
    refused = engine.answer(form, state, "here is the law")
    assert not refused.accepted and refused.error == InvalidAnswer("document")
    value = {"document": 7, "name": "decree.pdf", "type": "pdf", "size": 10, "sha256": "ab" * 32}
    taken = engine.answer(form, state, value)
    assert taken.accepted and engine.current_prompt(form, taken.state).label == "Any annex to send?"
    assert engine.review(form, taken.state)[1]["display"] == "decree.pdf"
    assert engine.skip(form, taken.state).accepted  # the annex is optional
    assert not engine.skip(form, state).accepted  # the official text is required


def test_the_type_comes_from_the_content_not_the_name():
    assert documents.sniff(PDF).extension == "pdf"
    assert documents.sniff(xlsx_bytes()).extension == "xlsx"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("[Content_Types].xml", "<Types/>")
        zipped.writestr("word/document.xml", "<w:document/>")
    assert documents.sniff(archive.getvalue()).extension == "docx"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as zipped:
        zipped.writestr("notes.txt", "x")
    assert documents.sniff(plain_zip.getvalue()) is None
    assert documents.sniff(b"\x89PNG\r\n\x1a\n" + b"\0" * 32).media_type == "image/png"
    assert documents.sniff(b"MZ\x90\x00 an executable named report.pdf") is None
    assert documents.sniff(b"") is None


def test_consent_level_defaults_to_internal():
    assert documents.consent_level(None) == "internal"
    assert documents.consent_level({"consent_level": "named"}) == "named"
    assert documents.consent_level({"consent": "aggregated"}) == "aggregated"
    # The shipped forms' question (version 2026113001): named, aggregate, internal; earlier versions: yes or no.
    assert documents.consent_level({"consent_publish": "aggregate"}) == "aggregated"
    assert documents.consent_level({"consent_publish": "internal"}) == "internal"
    assert documents.consent_level({"consent_publish": "yes"}) == "named"
    assert documents.consent_level({"consent_publish": "no"}) == "internal"
    assert not documents.may_publish("internal") and documents.may_publish("named")


# ---------------------------------------------------------------- in the chat


async def test_a_document_answers_the_question_once_even_when_redelivered(harness, user_id):
    user, calls = await at_document_question(harness, user_id)
    assert "Please send the official text of the instrument." in texts(calls)
    assert "Send the document as a file in this chat" in texts(calls)
    calls = await harness.send(user, "it is on the ministry's site")
    assert "Please send the document itself as a file" in texts(calls)
    update_, calls = await send_file(harness, user, PDF, "decree.pdf")
    assert "Any annex to send?" in texts(calls)
    assert "✓ Please send the official text of the instrument: <b>decree.pdf</b>" in texts(
        calls
    )  # as typed answers are
    again = await harness.feed(update_)  # Telegram delivers the same update a second time
    assert again == []
    stored = await documents_of(harness, user_id)
    assert len(stored) == 1
    document = stored[0]
    assert (document.filename, document.media_type, document.size) == ("decree.pdf", "application/pdf", len(PDF))
    assert document.sha256 == __import__("hashlib").sha256(PDF).hexdigest() and document.content == PDF
    draft = await draft_of(harness, user_id)
    assert draft.state["answers"]["instrument_file"]["document"] == document.id
    async with harness.storage.sessionmaker() as session:
        trail = await session.scalar(
            select(func.count(SurveyAnswer.id)).where(
                SurveyAnswer.submission_id == draft.id,
                SurveyAnswer.question == "instrument_file",
                SurveyAnswer.accepted,
            )
        )
    assert trail == 1
    # A picture sent compressed answers the optional annex; the review lists both.
    photo_update, calls = await send_file(
        harness, user, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64, None, photo=True
    )
    assert "May INSOP publish what you sent?" in texts(calls)
    assert [document.extension for document in await documents_of(harness, user_id)] == ["pdf", "jpg"]


async def test_a_restarted_bot_ignores_redelivered_documents(harness, user_id, settings, storage):
    """A redelivery reaching another process (no shared memory of update ids): the SQL guard stores nothing."""
    user, _calls = await at_document_question(harness, user_id)
    pdf_update, _calls = await send_file(harness, user, PDF, "decree.pdf")
    photo_update, _calls = await send_file(
        harness, user, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64, None, photo=True
    )
    restarted = await BotHarness.start(settings, storage)
    try:
        # The survey now asks for consent: the redelivered files reach neither the answer nor the form upload.
        assert await restarted.feed(pdf_update) == []
        assert await restarted.feed(photo_update) == []
    finally:
        await restarted.close()
    assert [document.extension for document in await documents_of(harness, user_id)] == ["pdf", "jpg"]


async def test_sending_another_document_replaces_the_first(harness, user_id):
    user, _calls = await at_document_question(harness, user_id)
    await send_file(harness, user, PDF, "draft.pdf")
    await harness.send(user, "/back")
    _update, calls = await send_file(harness, user, xlsx_bytes(), "values.xlsx")
    assert "Any annex to send?" in texts(calls)
    assert [document.filename for document in await documents_of(harness, user_id)] == ["values.xlsx"]


async def test_too_big_wrong_type_and_quota_are_refused_politely(harness, user_id, monkeypatch):
    user, _calls = await at_document_question(harness, user_id, language="fr")
    # Telegram says it is too big: nothing is downloaded.
    _update, calls = await send_file(harness, user, PDF, "big.pdf", declared=25 * 1024 * 1024)
    assert texts(calls) == "⚠️ Ce fichier est trop volumineux\u202f: un document peut faire au plus 20\u00a0Mo."
    # Over the 20 MB Telegram lets a bot download (getFile says "file is too big").
    _update, calls = await send_file(harness, user, b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), "big.pdf", declared=None)
    assert "trop volumineux" in texts(calls)
    # Telegram declares no size and the bytes are more than the cap: the download stops at the cap.
    monkeypatch.setattr(document_handlers, "MAX_DOCUMENT_BYTES", 4096)
    _update, calls = await send_file(harness, user, PDF + b"0" * 10_000, "big.pdf", declared=None)
    assert "trop volumineux" in texts(calls)
    monkeypatch.undo()
    # A file named .pdf that is not one.
    _update, calls = await send_file(harness, user, b"MZ\x90\x00 this is a program", "decree.pdf")
    assert "Ce type de fichier n’est pas accepté" in texts(calls)
    assert await documents_of(harness, user_id) == []
    # The member's quota: one document allowed, one already kept.
    monkeypatch.setattr(documents, "MAX_MEMBER_DOCUMENTS", 1)
    await send_file(harness, user, PDF, "decree.pdf")
    _update, calls = await send_file(harness, user, PDF, "annex.pdf")
    assert "limite" in texts(calls) and "coordinateur" in texts(calls)
    assert len(await documents_of(harness, user_id)) == 1


async def test_only_coordinators_download_documents(harness, user_id):
    user, _calls = await at_document_question(harness, user_id)
    await send_file(harness, user, PDF, "decree.pdf")
    document = (await documents_of(harness, user_id))[0]
    calls = await press_forged(harness, user, DocumentGet(doc=document.id).pack())
    assert alerts(calls) == ["Sorry, this is only for coordinators."]
    assert not [call for call in calls if call.method == "sendDocument"]
    coordinator = harness.user(COORDINATOR, name="Coco")
    await harness.send(coordinator, "/help")
    calls = await press_forged(harness, coordinator, DocumentGet(doc=document.id).pack())
    sent = [call for call in calls if call.method == "sendDocument"]
    assert len(sent) == 1 and sent[0].files["document"] == PDF
    assert sent[0].params["document"].filename == "decree.pdf"
    # A draft has no consent answer yet: internal, the default.
    assert sent[0].params["caption"].startswith("Consent: for INSOP coordinators only")
    calls = await press_forged(harness, coordinator, DocumentGet(doc=2**31 - 1).pack())
    assert alerts(calls) == ["This document no longer exists."]


async def pending_value_of(harness: BotHarness, submission_id: int) -> Threshold:
    """A value reported in the submission, waiting for review (built from a real reference row)."""
    with REFERENCE_THRESHOLDS.open(newline="", encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    tag = f"document test {next(_unique)} {time.time_ns()}"
    values = normalize_row(dict(row, instrument=tag, source_url_or_path="survey answer " + tag), 1).to_dict()
    async with harness.storage.sessionmaker() as session, session.begin():
        threshold = Threshold(
            source_key=source_key(values),
            origin="survey",
            review_status="pending",
            submission_id=submission_id,
            created_at=utcnow(),
            updated_at=utcnow(),
            **values,
        )
        session.add(threshold)
    return threshold


async def submit_with_document(harness: BotHarness, user_id: int, consent: str = "Only in aggregated figures"):
    user, _calls = await at_document_question(harness, user_id)
    await send_file(harness, user, PDF, "decree.pdf")
    await harness.send(user, "/skip")
    await harness.press(user, consent)
    calls = await harness.press(user, "Submit")
    assert "Thank you!" in texts(calls)
    return user, await draft_of(harness, user_id)


async def test_the_review_card_shows_the_document_next_to_the_value(harness, user_id):
    _user, submission = await submit_with_document(harness, user_id)
    threshold = await pending_value_of(harness, submission.id)
    coordinator = harness.user(COORDINATOR, name="Coco")
    await harness.send(coordinator, "/review")
    # Skip from the value just before ours: the card shown next is ours.
    calls = await harness.press(coordinator, data=CoordReview(tid=threshold.id - 1, action="skip").pack())
    card = next(call for call in calls if call.text and "Reported threshold value" in call.text)
    # A 92-byte file reads "92 bytes", not a rounded-up "1 KB".
    assert threshold.instrument in card.text and f"📎 Document: decree.pdf (PDF, {len(PDF)} bytes)" in card.text
    labels = [button.text for row in card.keyboard.inline_keyboard for button in row]
    assert labels[0] == "📎 decree.pdf" and any("Approve" in label for label in labels)
    calls = await harness.press(coordinator, "📎 decree.pdf")
    sent = [call for call in calls if call.method == "sendDocument"]
    assert [call.files["document"] for call in sent] == [PDF]
    assert sent[0].params["caption"].startswith("Consent: aggregated results only; do not share the document.")


async def test_the_export_carries_the_documents_with_their_consent(harness, user_id):
    _user, submission = await submit_with_document(harness, user_id)
    coordinator = harness.user(COORDINATOR, name="Coco")
    await harness.send(coordinator, "/export")
    calls = await harness.press(coordinator, "Document test survey")
    sent = {call.params["document"].filename: call.files["document"] for call in calls if call.method == "sendDocument"}
    archive = zipfile.ZipFile(io.BytesIO(sent["document_test_1-documents.zip"]))
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    mine = [row for row in manifest if row["submission_id"] == str(submission.id)]
    assert len(mine) == 1 and mine[0]["consent"] == "aggregated" and mine[0]["type"] == "application/pdf"
    assert archive.read(mine[0]["file"]) == PDF
    # The CSV's cell names the file in the zip.
    rows = list(csv.DictReader(io.StringIO(sent["document_test_1.csv"].decode("utf-8-sig"))))
    assert mine[0]["file"] in [row["instrument_file"] for row in rows]


async def test_the_command_line_export_writes_the_documents_zip(
    harness, user_id, settings, tmp_path, capsys, monkeypatch
):
    from argparse import Namespace

    from bot import app
    from bot.__main__ import _export

    async def the_tests_storage(_settings):
        return harness.storage  # the isolated database, where the survey was submitted

    monkeypatch.setattr(app, "open_storage", the_tests_storage)

    _user, submission = await submit_with_document(harness, user_id)
    args = Namespace(
        form="document_test",
        format="csv",
        out=str(tmp_path / "answers.csv"),
        telegram_ids=False,
        documents=str(tmp_path / "documents.zip"),
    )
    assert await _export(settings, args) == 0
    archive = zipfile.ZipFile(tmp_path / "documents.zip")
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    mine = [row for row in manifest if row["submission_id"] == str(submission.id)]
    assert len(mine) == 1 and archive.read(mine[0]["file"]) == PDF
    assert "documents written to" in capsys.readouterr().out


async def test_mydata_gives_a_documents_size_in_the_members_language(harness, user_id):
    user, _calls = await at_document_question(harness, user_id, language="fr")
    await send_file(harness, user, PDF, "decree.pdf")
    calls = await harness.send(user, "/mydata")
    assert f"decree.pdf (PDF, {len(PDF)}\u00a0octets)" in texts(calls)


def test_file_sizes_read_in_each_language():
    assert [file_size(size, "en") for size in (1, 125, 2_300, 999_949, 999_950, 1_260_000)] == [
        "1 byte",
        "125 bytes",
        "2.3 kB",
        "999.9 kB",
        "1 MB",
        "1.3 MB",
    ]
    assert file_size(125, "fr") == "125\u00a0octets" and file_size(2_300, "fr") == "2,3\u202fko"
    assert file_size(125, "ru") == "125 байт" and file_size(2_300, "ru") == "2,3 кБ"
    assert file_size(125, "zh") == "125字节" and file_size(125, "es") == "125 bytes"
    assert file_size(125, "ar") == "125 بايت"


async def test_mydata_lists_documents_and_forget_erases_those_of_drafts(harness, user_id):
    user, _calls = await at_document_question(harness, user_id)
    await send_file(harness, user, PDF, "decree.pdf")
    calls = await harness.send(user, "/mydata")
    assert "Documents you sent" in texts(calls) and "decree.pdf (PDF, " in texts(calls)
    assert "• Please send the official text of the instrument.: decree.pdf" in texts(calls)
    assert "answer to Please send the official text of the instrument., SHA-256" in texts(calls)
    calls = await harness.send(user, "/forget")
    assert "Documents you sent go with their answers" in texts(calls)
    calls = await harness.press(user, "Yes, erase my data")
    assert "Documents erased: 1." in texts(calls)
    async with harness.storage.sessionmaker() as session:
        left = await session.scalar(
            select(func.count(SurveyDocument.id)).where(
                SurveyDocument.filename == "decree.pdf",
                SurveyDocument.update_id > 0,
                SurveyDocument.member_id.is_(None),
                SurveyDocument.submission_id.not_in(select(Submission.id)),
            )
        )
    assert left == 0
    assert await documents_of(harness, user_id) == []


async def test_forget_keeps_the_documents_of_submitted_surveys_without_the_member(harness, user_id):
    user, submission = await submit_with_document(harness, user_id)
    await harness.send(user, "/forget")
    await harness.press(user, "Yes, erase my data")
    async with harness.storage.sessionmaker() as session:
        kept = list(await session.scalars(select(SurveyDocument).where(SurveyDocument.submission_id == submission.id)))
    assert len(kept) == 1 and kept[0].member_id is None


@pytest.mark.slow  # a `python -m bot chat` process
def test_the_console_sends_local_files_with_file_path(tmp_path):
    """`python -m bot chat`: a coordinator publishes the test form and answers its document question with /file."""
    from tests.test_cli import run_bot

    (tmp_path / "decree.pdf").write_bytes(PDF)
    (tmp_path / "fake.pdf").write_bytes(b"MZ not a pdf")
    lines = [
        "/start",
        "Kenya",  # a name typed exactly: no "Did you mean"
        "1",
        f"/file {FORM_FILE}",
        "1",
        "/survey",
        "3",
        "Decree 12/2023",
        f"/file {tmp_path / 'fake.pdf'}",
        f"/file {tmp_path / 'missing.pdf'}",
        f"/file {tmp_path / 'decree.pdf'}",
    ]
    result = run_bot(
        "chat",
        "--lang",
        "en",
        "--user-id",
        "42",
        stdin="\n".join(lines) + "\n",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db", "COORDINATOR_IDS": "42"},
    )
    assert result.returncode == 0, result.stderr
    assert "Published: Document test survey, version 1." in result.stdout
    assert "This type of file is not accepted." in result.stdout
    assert "(!) cannot read " in result.stdout
    after = result.stdout.split("[you sent decree.pdf, ")[1]
    assert "Any annex to send?" in after
    assert "Traceback" not in result.stderr


def test_the_export_zips_are_split_to_fit_telegram_uploads():
    rows = [
        (
            1,
            "internal",
            SurveyDocument(
                id=number,
                filename=f"part{number}.pdf",
                extension="pdf",
                size=len(PDF),
                media_type="application/pdf",
                sha256="0" * 64,
                question="instrument_file",
                content=PDF,
            ),
        )
        for number in (1, 2, 3)
    ]
    archives = documents.build_archives(rows, part_bytes=2 * len(PDF))
    names = [sorted(zipfile.ZipFile(io.BytesIO(archive)).namelist()) for archive in archives]
    assert names == [
        ["documents/1-part1.pdf", "documents/2-part2.pdf", "manifest.csv"],
        ["documents/3-part3.pdf", "manifest.csv"],
    ]


async def test_a_document_whose_question_stopped_applying_is_not_submitted(harness, user_id):
    user, _calls = await at_document_question(harness, user_id)
    await send_file(harness, user, PDF, "decree.pdf")
    await send_file(harness, user, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64, None, photo=True)
    assert len(await documents_of(harness, user_id)) == 2
    for _step in range(3):
        calls = await harness.send(user, "/back")
    assert "Title of the legal instrument?" in texts(calls)
    await harness.send(user, "none")  # the annex question no longer applies
    await harness.send(user, "/skip")  # keeps the official text already sent
    await harness.press(user, "Only in aggregated figures")
    calls = await harness.press(user, "Submit")
    assert "Thank you!" in texts(calls)
    assert [document.filename for document in await documents_of(harness, user_id)] == ["decree.pdf"]


def test_the_review_card_picks_the_documents_of_the_values_instrument():
    def view(number: int, question: str) -> documents.DocumentView:
        return documents.DocumentView(number, f"{number}.pdf", "pdf", 1, "0" * 64, question, 1, utcnow())

    views = [view(1, "instrument[1]/instr_file"), view(2, "instrument[2]/instr_file"), view(3, "annex")]
    data = {
        "instrument": [
            {"instr_title": "Decree 12/2023", "instr_number": "12"},
            {"instr_title": "GB 15618-2018", "instr_number": "GB 15618"},
        ]
    }
    chosen = documents.documents_for_value(views, data, "GB 15618-2018 (GB 15618)")
    assert [item.id for item in chosen] == [2, 3]
    # No instrument matches (an edited title): every document is shown rather than none.
    assert documents.documents_for_value(views, data, "Another law") == views


async def test_the_shipped_threshold_survey_takes_the_instruments_document(harness, user_id):
    """instr_file, after the instrument's link: a focal point sends the law's PDF, stored as the answer."""
    from tests.survey_walk import answer_about_you, answer_status_with_values, open_threshold_survey

    user = harness.user(user_id, language="en")
    await harness.onboard(user, "Kenya", "National focal point")
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user)
    await answer_status_with_values(harness, user)
    await harness.send(user, "Soil Quality Regulations")
    await harness.send(user, "/skip")  # official number
    await harness.send(user, "Ministry of Environment")
    await harness.press(user, "Nationally")
    await harness.press(user, "Legally binding")
    await harness.press(user, "Yes, in force")
    await harness.send(user, "2019")
    await harness.send(user, "/skip")  # last amendment
    await harness.press(user, "Agricultural land")
    await harness.press(user, "Done")
    calls = await harness.send(user, "https://example.org/soil-regulations")
    assert "You may also send the document itself here as a file (optional)." in texts(calls)
    calls = await harness.send(user, "here is the law")  # typed text is not a document
    assert "Please send the document itself as a file" in texts(calls)
    _update, calls = await send_file(harness, user, PDF, "soil-regulations.pdf")
    assert "Would you like to type some key values of this instrument now" in texts(calls)
    answers = (await draft_of(harness, user_id)).state["answers"]
    stored = next(value for path, value in answers.items() if path.endswith("instr_file"))
    assert stored["name"] == "soil-regulations.pdf" and stored["size"] == len(PDF)
    assert [document.id for document in await documents_of(harness, user_id)] == [stored["document"]]


def test_the_largest_document_allowed_reads_as_the_limit_the_refusal_names(settings):
    """Sizes are shown in decimal units: a file at the limit reads "20 MB", as "at most 20 MB" says (not "21 MB")."""
    from bot.app import build_i18n
    from bot.handlers.documents import refusal_text
    from bot.limits import MAX_DOCUMENT_BYTES

    i18n = build_i18n(settings)
    with i18n.context(), i18n.use_locale("en"):
        limit = refusal_text("too_big").rsplit(" ", 2)[-2]
    assert file_size(MAX_DOCUMENT_BYTES, "en") == f"{limit} MB" == "20 MB"
