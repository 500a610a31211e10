"""Documents as survey answers: what a file is (sniffed from its bytes), the member's quota, storing them
with the answer, and reading them back for coordinators.

A document is stored in the transaction that records its answer (bot.services.surveys.reply), so a
redelivered update stores nothing twice and a refused answer leaves no document behind.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import filetype  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession

from bot import survey as engine
from bot.limits import MAX_DOCUMENT_BYTES, MAX_MEMBER_DOCUMENT_BYTES, MAX_MEMBER_DOCUMENTS
from bot.reports.export import document_path
from bot.survey import Prompt
from storage.models import Member, Submission, SurveyDocument, Threshold
from storage.repositories.documents import DocumentRepository
from storage.repositories.surveys import SurveyRepository

if TYPE_CHECKING:
    from bot.services.surveys import FormCache

# What a member may send: PDF, Word and Excel (Office Open XML) and pictures, by their content.
_IMAGES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "tif": "image/tiff", "heic": "image/heic"}
# An Office file is a zip; the part that makes it one kind or the other is looked up in the archive's directory.
_OFFICE = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
_ZIP_KINDS = {"zip", "docx", "xlsx"}
# The three consent levels of the survey forms: named (may be published with the country's name),
# aggregated only, internal (coordinators only). A form without a consent answer is internal.
CONSENT_LEVELS = ("named", "aggregated", "internal")
_CONSENT_QUESTIONS = ("consent_level", "consent", "consent_publish")


@dataclass(frozen=True)
class DocumentKind:
    """A document's type as its bytes say: MIME type and the usual extension."""

    media_type: str
    extension: str


@dataclass(frozen=True)
class Upload:
    """A file the member sent, downloaded: its bytes and the name their client gave it."""

    content: bytes
    filename: str


class DocumentRefused(Exception):
    """A document that cannot be the answer: `reason` is too_big, wrong_type or quota."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(content: bytes) -> DocumentKind | None:
    """The accepted type of these bytes (PDF, DOCX, XLSX or a picture), or None; the file name is never read."""
    kind = filetype.guess(content) if content else None
    if kind is None:
        return None
    if kind.extension == "pdf":
        return DocumentKind("application/pdf", "pdf")
    if kind.extension in _IMAGES:
        return DocumentKind(_IMAGES[kind.extension], kind.extension)
    if kind.extension in _ZIP_KINDS:
        return _office_kind(content)
    return None


def _office_kind(content: bytes) -> DocumentKind | None:
    # Only the archive's directory is read (nothing is unpacked): a zip bomb costs nothing here.
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    for extension, (part, media_type) in _OFFICE.items():
        if part in names:
            return DocumentKind(media_type, extension)
    return None


def check_size(declared: int | None) -> None:
    """Refuse a file Telegram says is over MAX_DOCUMENT_BYTES, before downloading it."""
    if declared and declared > MAX_DOCUMENT_BYTES:
        raise DocumentRefused("too_big")


def consent_level(data: dict[str, Any] | None) -> str:
    """The consent a submission's answers give its documents: named, aggregated or internal (the default)."""
    for question in _CONSENT_QUESTIONS:
        value = str((data or {}).get(question) or "").strip().lower()
        if not value:
            continue
        if value.startswith("named") or value == "yes":
            return "named"
        if value.startswith("aggregat"):
            return "aggregated"
        return "internal"
    return "internal"


def may_publish(level: str) -> bool:
    """Whether a document may leave the coordinators (a public page, a shared export): named consent only."""
    return level == "named"


async def quota_allows(session: AsyncSession, member: Member, size: int) -> bool:
    """Whether the member may add a document of `size` bytes (checked again when it is stored)."""
    async with session.begin():
        count, total = await DocumentRepository(session).usage(member.id)
    return count < MAX_MEMBER_DOCUMENTS and total + size <= MAX_MEMBER_DOCUMENT_BYTES


async def awaiting_document(
    session: AsyncSession, forms: FormCache, member: Member, update_id: int
) -> tuple[int, int] | None:
    """The member's open survey, as (draft id, last update id), when a file sent now belongs to it: its
    current question takes a document, or the update was already stored (a redelivery, to be ignored)."""
    async with session.begin():
        repo = SurveyRepository(session)
        draft_id = await repo.active_draft_id(member.id)
        if draft_id is None:
            return None
        draft = await repo.submission(draft_id)
        if draft is None:
            return None
        if update_id <= draft.last_update_id:
            return draft.id, draft.last_update_id
        form = await forms.load(repo, draft.form_pk)
        prompt = engine.current_prompt(form, draft.state)
    if prompt.kind == "question" and prompt.type == "file":
        return draft.id, draft.last_update_id
    return None


async def store_answer_document(
    session: AsyncSession, draft: Submission, prompt: Prompt, update_id: int, upload: Upload
) -> dict[str, Any] | None:
    """Check and store the document answering `prompt`; the answer value for the engine, or None when the
    current question takes no document. Raises DocumentRefused (too_big, wrong_type, quota)."""
    if prompt.kind != "question" or prompt.type != "file":
        return None
    if len(upload.content) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused("too_big")
    kind = sniff(upload.content)
    if kind is None:
        raise DocumentRefused("wrong_type")
    member_id = draft.member_id
    if member_id is None:  # an erased member's submission takes no answers
        return None
    repo = DocumentRepository(session)
    count, total = await repo.usage(member_id)
    if count >= MAX_MEMBER_DOCUMENTS or total + len(upload.content) > MAX_MEMBER_DOCUMENT_BYTES:
        raise DocumentRefused("quota")
    digest = hashlib.sha256(upload.content).hexdigest()
    document = await repo.add(
        draft.id,
        member_id,
        prompt.path or "",
        update_id,
        upload.filename or "",
        kind.media_type,
        kind.extension,
        upload.content,
        digest,
    )
    return {
        "document": document.id,
        "name": document.filename or f"document.{kind.extension}",
        "type": kind.extension,
        "size": document.size,
        "sha256": digest,
    }


async def settle_answer(
    session: AsyncSession, draft: Submission, previous: object, value: dict[str, Any], accepted: bool
) -> None:
    """After the engine took (or refused) a document answer: drop the refused one, or the one it replaced."""
    repo = DocumentRepository(session)
    if not accepted:
        await repo.drop([value["document"]], draft.id)
    elif (
        isinstance(previous, dict)
        and isinstance(previous.get("document"), int)
        and previous["document"] != value["document"]
    ):
        await repo.drop([previous["document"]], draft.id)


def _document_ids(value: object) -> set[int]:
    """The ids of the documents an answer (or a whole answers dict) refers to."""
    if isinstance(value, dict):
        if isinstance(value.get("document"), int) and "sha256" in value:
            return {value["document"]}
        return set().union(*(_document_ids(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_document_ids(item) for item in value)) if value else set()
    return set()


async def drop_unanswered(session: AsyncSession, draft: Submission) -> None:
    """On submit: documents no answer refers to any more (their question stopped applying) are deleted."""
    kept = _document_ids((draft.state or {}).get("answers") or {})
    repo = DocumentRepository(session)
    stored = await repo.of_submissions([draft.id])
    await repo.drop([document.id for document in stored if document.id not in kept], draft.id)


@dataclass
class DocumentView:
    """A stored document as a coordinator or its sender sees it listed (no bytes)."""

    id: int
    filename: str
    extension: str
    size: int
    sha256: str
    question: str
    submission_id: int
    created_at: datetime


def _view(document: SurveyDocument) -> DocumentView:
    return DocumentView(
        document.id,
        document.filename or f"document.{document.extension}",
        document.extension,
        document.size,
        document.sha256,
        document.question,
        document.submission_id,
        document.created_at,
    )


def download_name(document: SurveyDocument) -> str:
    """The file name a download gets: the sent name when it has the sniffed extension, else with it added."""
    name = (document.filename or "document").replace("/", "_").replace("\\", "_")
    if not name.lower().endswith("." + document.extension):
        name = f"{name}.{document.extension}"
    return name


async def document_for_coordinator(session: AsyncSession, document_id: int) -> tuple[SurveyDocument, str] | None:
    """One document with its bytes and its consent level (the caller has checked the coordinator role)."""
    async with session.begin():
        document = await DocumentRepository(session).get(document_id)
        if document is None:
            return None
        submission = await session.get(Submission, document.submission_id)
        return document, consent_level(submission.data if submission else None)


async def documents_for_threshold(session: AsyncSession, threshold: Threshold) -> list[DocumentView]:
    """The documents sent with the value's legal instrument (else every document of the survey that reported
    it), to read next to the value on the review card."""
    if threshold.submission_id is None:
        return []
    async with session.begin():
        return await threshold_documents(session, threshold)


async def threshold_documents(session: AsyncSession, threshold: Threshold) -> list[DocumentView]:
    """documents_for_threshold inside the caller's transaction (the review card reads it with the value)."""
    if threshold.submission_id is None:
        return []
    stored = await DocumentRepository(session).of_submissions([threshold.submission_id])
    submission = await session.get(Submission, threshold.submission_id) if stored else None
    views = [_view(document) for document in stored]
    return documents_for_value(views, (submission.data if submission else None) or {}, threshold.instrument or "")


_REPEAT_STEP = re.compile(r"([^/\[\]]+)\[(\d+)\]")


def documents_for_value(views: list[DocumentView], data: dict[str, Any], instrument: str) -> list[DocumentView]:
    """Of a submission's documents, those of the repeat (e.g. one legal instrument) whose answers name the
    value's instrument, plus those outside any repeat; all of them when none matches."""

    def instance_of(view: DocumentView) -> dict[str, Any] | None:
        step = _REPEAT_STEP.search(view.question)
        if step is None:
            return None
        instances = data.get(step.group(1))
        index = int(step.group(2)) - 1
        return instances[index] if isinstance(instances, list) and 0 <= index < len(instances) else {}

    def names_instrument(answers: dict[str, Any]) -> bool:
        return any(isinstance(value, str) and len(value) > 2 and value in instrument for value in answers.values())

    kept = [
        view
        for view in views
        if (answers := instance_of(view)) is None or (isinstance(answers, dict) and names_instrument(answers))
    ]
    return kept if any(instance_of(view) is not None for view in kept) else views


async def member_documents(session: AsyncSession, member_id: int) -> list[DocumentView]:
    """The documents the member keeps with the bot (for /mydata), without their bytes."""
    return [_view(document) for document in await DocumentRepository(session).of_member(member_id)]


# Telegram takes uploads up to 50 MB: the export's documents come in zips of at most this much.
ARCHIVE_PART_BYTES = 45 * 1024 * 1024


async def export_documents(session: AsyncSession, form_id: str) -> list[tuple[int, str, SurveyDocument]]:
    """(submission id, consent level, document) of every document of a submitted response, bytes included."""
    async with session.begin():
        rows = await DocumentRepository(session).submitted_of_form(form_id)
    return [(submission.id, consent_level(submission.data), document) for document, submission in rows]


def build_archives(rows: list[tuple[int, str, SurveyDocument]], part_bytes: int = ARCHIVE_PART_BYTES) -> list[bytes]:
    """Zips of the documents, each with manifest.csv (submission, question, file, type, size, SHA-256, consent).

    The files sit where the XLSX and CSV cells say (`bot.reports.export.document_path`). Documents are
    mostly compressed already (PDF, pictures, Office zips): stored as they are, not deflated.
    """
    parts: list[list[tuple[int, str, SurveyDocument]]] = []
    size = 0
    for row in rows:
        if not parts or (size + row[2].size > part_bytes and parts[-1]):
            parts.append([])
            size = 0
        parts[-1].append(row)
        size += row[2].size
    return [build_archive(part) for part in parts]


def build_archive(rows: list[tuple[int, str, SurveyDocument]]) -> bytes:
    """One zip of these documents and their manifest.csv (the manifest alone when there is none)."""
    buffer = io.BytesIO()
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["submission_id", "question", "file", "type", "size_bytes", "sha256", "consent"])
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for submission_id, consent, document in rows:
            path = document_path(document.id, document.filename, document.extension)
            archive.writestr(path, document.content)
            writer.writerow(
                [submission_id, document.question, path, document.media_type, document.size, document.sha256, consent]
            )
        archive.writestr("manifest.csv", manifest.getvalue())
    return buffer.getvalue()
