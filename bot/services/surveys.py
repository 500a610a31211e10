"""Survey conversations: the engine's pure steps, stored after every step, once per update."""

from __future__ import annotations

import gettext
import logging
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot import survey as engine
from bot.survey import Form, Prompt
from bot.countries import country_name
from bot.services import documents
from bot.lookup.survey_entries import BOUNDED_ANSWERS, records_from_submission
from storage.models import (
    Member,
    ReviewStatus,
    Role,
    Submission,
    SubmissionStatus,
    SurveyForm,
    Threshold,
    ValueTooLong,
    string_widths,
    utcnow,
)
from storage.repositories.surveys import SurveyRepository
from storage.repositories.thresholds import ThresholdRepository

log = logging.getLogger(__name__)

# Two updates of one member racing on the same draft: the loser re-reads and tries again.
_ATTEMPTS = 3
_NULL_TRANSLATIONS = gettext.NullTranslations()
_INDEX = re.compile(r"\[\d+\]")


class FormCache:
    """Parsed forms by stored version; a stored version never changes, so entries never go stale."""

    def __init__(self) -> None:
        self._forms: dict[int, Form] = {}

    def get(self, stored: SurveyForm) -> Form:
        form = self._forms.get(stored.id)
        if form is None:
            form = self._forms[stored.id] = Form.from_dict(stored.definition)
        return form

    async def load(self, repo: SurveyRepository, form_pk: int) -> Form:
        """The parsed form of a stored version; the row (and its large definition) is read only once."""
        form = self._forms.get(form_pk)
        if form is None:
            stored = await repo.form(form_pk)
            if stored is None:
                raise SurveyUnavailable(form_pk)
            form = self.get(stored)
        return form


@dataclass
class Offer:
    """A survey the member may answer, with their draft if they started it."""

    form: SurveyForm
    title: str
    draft: Submission | None
    submitted: int


@dataclass
class Turn:
    """What the member should see after a survey step."""

    submission: Submission
    form: Form
    prompt: Prompt
    notes: list[Prompt] = field(default_factory=list)
    error: str | None = None
    duplicate: bool = False
    stale: bool = False
    submitted_now: bool = False
    pending: list[str] = field(default_factory=list)


class SurveyUnavailable(Exception):
    """The member asked for a survey that is not theirs or no longer open."""


def applies_to(form: SurveyForm, member: Member, coordinator: bool) -> bool:
    """Whether the member's role is in the form's audience (coordinators see every form)."""
    roles = form.audience_roles()
    return coordinator or not roles or (member.role or Role.MEMBER.value) in roles


async def offers(session: AsyncSession, forms: FormCache, member: Member, coordinator: bool, lang: str) -> list[Offer]:
    """The surveys that apply to the member, with drafts and submission counts."""
    async with session.begin():
        repo = SurveyRepository(session)
        current = [form for form in await repo.current_forms() if applies_to(form, member, coordinator)]
        drafts = await repo.drafts(member.id)
        submitted = await repo.submitted_forms(member.id)
        by_form_id: dict[str, Submission] = {}
        stored_by_pk = {form.id: form for form in current}
        for draft in drafts:
            stored = stored_by_pk.get(draft.form_pk) or await repo.form(draft.form_pk)
            if stored is not None:
                by_form_id.setdefault(stored.form_id, draft)
    return [
        Offer(form=form, title=form.title or form.form_id, draft=by_form_id.get(form.form_id),
              submitted=submitted.get(form.form_id, 0))
        for form in current
    ]


async def open_survey(session: AsyncSession, forms: FormCache, member: Member, form_pk: int, coordinator: bool,
                      update_id: int, lang: str, tr) -> Turn:
    """Start the form, or resume the member's draft of it (any version), and make it the active survey."""
    async with session.begin():
        repo = SurveyRepository(session)
        stored = await repo.form(form_pk)
        if stored is None or not applies_to(stored, member, coordinator):
            raise SurveyUnavailable(form_pk)
        draft = None
        for candidate in await repo.drafts(member.id):
            if candidate.form_pk == stored.id or (await repo.form(candidate.form_pk)).form_id == stored.form_id:
                draft = candidate
                break
        if draft is None:
            if not stored.is_current:
                raise SurveyUnavailable(form_pk)
            draft = await repo.create_draft(stored, member.id, member.country, lang, engine.start(forms.get(stored), lang))
        return await _activate(repo, forms, member, draft, update_id, lang, tr)


async def resume_latest(session: AsyncSession, forms: FormCache, member: Member, update_id: int, lang: str, tr) -> Turn | None:
    """Reopen the member's most recent draft at its next unanswered question."""
    async with session.begin():
        repo = SurveyRepository(session)
        drafts = await repo.drafts(member.id)
        if not drafts:
            return None
        return await _activate(repo, forms, member, drafts[0], update_id, lang, tr)


async def _activate(repo: SurveyRepository, forms: FormCache, member: Member, draft: Submission, update_id: int,
                    lang: str, tr) -> Turn:
    """Make `draft` the one survey taking the member's typed input, and say where it stands."""
    await repo.deactivate_drafts(member.id, except_id=draft.id)
    draft.active = True
    turn = _advance_notes(await forms.load(repo, draft.form_pk), draft, lang, tr)
    draft.updated_at = utcnow()
    draft.last_update_id = max(draft.last_update_id, update_id)
    return turn


async def active_draft_id(session: AsyncSession, member: Member) -> int | None:
    """The id of the survey taking the member's typed input, if any."""
    async with session.begin():
        return await SurveyRepository(session).active_draft_id(member.id)


async def pause(session: AsyncSession, member: Member) -> bool:
    """/cancel: the draft stays, typed text goes back to lookups; True if a survey was open."""
    async with session.begin():
        repo = SurveyRepository(session)
        was_open = await repo.active_draft_id(member.id) is not None
        await repo.deactivate_drafts(member.id)
    return was_open


async def reply(session: AsyncSession, forms: FormCache, member: Member, submission_id: int, update_id: int,
                action: str, value: Any = None, expected: str | None = None, lang: str = "en", tr=None,
                open_only: bool = False) -> Turn:
    """Apply one member action (answer, skip, back, toggle, done, edit, submit) to their draft, exactly once.

    `open_only`: typed input goes to the open survey only; a draft paused meanwhile raises SurveyUnavailable.
    """
    for attempt in range(_ATTEMPTS):
        try:
            return await _reply_once(session, forms, member, submission_id, update_id, action, value, expected, lang, tr,
                                     open_only)
        except StaleDataError:
            if attempt == _ATTEMPTS - 1:
                raise
            log.info("draft %s changed under us; retrying", submission_id)
        except ValueTooLong as error:
            # Inputs are bounded before they get here; should one slip through, the member is told what
            # to do and the draft stays as it was, instead of the same step failing on every retry.
            log.warning("survey step of draft %s not stored: %s", submission_id, error)
            return await _not_stored(session, forms, member, submission_id, lang, tr, error.limit)
    raise AssertionError("unreachable")


async def _not_stored(session: AsyncSession, forms: FormCache, member: Member, submission_id: int, lang: str, tr,
                      limit: int) -> Turn:
    _ = (tr or _NULL_TRANSLATIONS).gettext
    async with session.begin():
        # The rollback expired every object of the session, the member too: read it again here.
        if member in session:
            await session.refresh(member)
        repo = SurveyRepository(session)
        draft = await repo.submission(submission_id)
        if draft is None or draft.member_id != member.id:
            raise SurveyUnavailable(submission_id)
        form = await forms.load(repo, draft.form_pk)
        prompt = engine.current_prompt(form, dict(draft.state, lang=lang), lang, tr)
    return Turn(draft, form, prompt, error=_(
        "This could not be stored: an answer is too long (at most {limit} characters). Please shorten it."
    ).format(limit=limit))


def _threshold_widths() -> dict[str, int]:
    return string_widths(Threshold)


def answer_limit(prompt: Prompt) -> int | None:
    """Most characters a typed answer to this question may have, when it is stored in a bounded field."""
    if prompt.kind != "question" or prompt.type != "text":
        return None
    field_name = BOUNDED_ANSWERS.get(prompt.question or "")
    return _threshold_widths().get(field_name) if field_name else None


def _too_long(tr, length: int, limit: int) -> str:
    _ = (tr or _NULL_TRANSLATIONS).gettext
    return _("Please shorten your answer to at most {limit} characters (it has {length}).").format(
        limit=limit, length=length)


def _overlong_answer(form: Form, state: dict, lang: str, tr) -> str | None:
    """Why the answers cannot be submitted as they are (an answer given before its limit existed), or None."""
    limits = {name: _threshold_widths().get(field_name) for name, field_name in BOUNDED_ANSWERS.items()}
    for path, value in state.get("answers", {}).items():
        limit = limits.get(_INDEX.sub("", path).rsplit("/", 1)[-1])
        if limit and isinstance(value, str) and len(value) > limit:
            labels = {item["path"]: item["label"] for item in engine.review(form, state, lang)}
            _ = (tr or _NULL_TRANSLATIONS).gettext
            return _("The answer to “{question}” is too long: {length} characters, at most {limit}. "
                     "Press it below to change it.").format(question=labels.get(path, path), length=len(value),
                                                             limit=limit)
    return None


async def _reply_once(session, forms, member, submission_id, update_id, action, value, expected, lang, tr,
                      open_only) -> Turn:
    async with session.begin():
        repo = SurveyRepository(session)
        draft = await repo.submission(submission_id, for_update=True)
        if draft is None or draft.member_id != member.id or (open_only and not draft.active):
            raise SurveyUnavailable(submission_id)
        form = await forms.load(repo, draft.form_pk)
        if draft.status != SubmissionStatus.DRAFT.value:
            return Turn(draft, form, engine.current_prompt(form, draft.state, lang, tr), stale=True)
        if update_id <= draft.last_update_id:
            # Telegram redelivered an update we already stored: show where we are, store nothing.
            return Turn(draft, form, engine.current_prompt(form, draft.state, lang, tr), duplicate=True)
        state = dict(draft.state, lang=lang)
        prompt = engine.current_prompt(form, state, lang, tr)
        if expected is not None and expected != step_token(prompt):
            return Turn(draft, form, prompt, stale=True, pending=list(draft.pending.get(prompt.path or "", [])))
        previous = state.get("answers", {}).get(prompt.path or "")
        document = None
        if action == "document":
            # Checked and stored in this transaction: a refusal (DocumentRefused) or a redelivery stores nothing.
            document = await documents.store_answer_document(session, draft, prompt, update_id, value)
            if document is None:
                return Turn(draft, form, prompt, stale=True)
            action, value = "answer", document
        turn = _apply(form, draft, state, prompt, action, value, lang, tr)
        if document is not None:
            await documents.settle_answer(session, draft, previous, document, turn.error is None and not turn.stale)
        if turn.submitted_now:
            await documents.drop_unanswered(session, draft)
            await _add_candidate_thresholds(session, draft)
        await repo.record(draft, update_id, prompt.path or prompt.kind, action, _jsonable(value), turn.error is None and not turn.stale)
        draft.last_update_id = update_id
        draft.updated_at = utcnow()
        draft.active = draft.status == SubmissionStatus.DRAFT.value
    return turn


def step_token(prompt: Prompt) -> str:
    """A short, stable id of the step a button belongs to (callback data is limited to 64 bytes)."""
    return format(zlib.crc32((prompt.path or prompt.kind).encode()), "08x")


def _apply(form: Form, draft: Submission, state: dict, prompt: Prompt, action: str, value: Any, lang: str, tr) -> Turn:
    if action in ("choose", "toggle"):
        # Buttons carry the choice's position; the name comes from the prompt the member saw.
        if not isinstance(value, int) or not 0 <= value < len(prompt.choices):
            return Turn(draft, form, prompt, stale=True)
        value = prompt.choices[value][0]
    if action == "toggle":
        chosen = list(draft.pending.get(prompt.path, prompt.value or []))
        if value in chosen:
            chosen.remove(value)
        else:
            chosen.append(value)
        draft.pending = {**draft.pending, prompt.path: chosen}
        return Turn(draft, form, prompt, pending=chosen)
    if action == "choose":
        action = "answer"
    if action == "done":
        value = list(draft.pending.get(prompt.path, prompt.value or []))
        action = "answer"
    if action == "answer":
        limit = answer_limit(prompt)
        if limit and isinstance(value, str) and len(value.strip()) > limit:
            return Turn(draft, form, prompt, error=_too_long(tr, len(value.strip()), limit))
        result = engine.answer(form, state, value, tr=tr)
    elif action == "skip":
        result = engine.skip(form, state, tr=tr)
    elif action == "back":
        result = engine.AnswerResult(accepted=True, state=engine.back(form, state))
    elif action == "edit":
        items = engine.review(form, state, lang)
        if not isinstance(value, int) or not 0 <= value < len(items):
            return Turn(draft, form, prompt, stale=True)
        result = engine.AnswerResult(accepted=True, state=engine.jump_to(form, state, items[value]["path"]))
    elif action == "submit":
        if prompt.kind != "review" or not engine.is_complete(form, state):
            return Turn(draft, form, prompt, stale=True)
        problem = _overlong_answer(form, state, lang, tr)
        if problem:
            return Turn(draft, form, prompt, error=problem)
        draft.state = engine.submit(form, state)
        draft.data = engine.submission_data(form, draft.state)
        draft.status = SubmissionStatus.SUBMITTED.value
        draft.submitted_at = utcnow()
        draft.pending = {}
        return Turn(draft, form, engine.current_prompt(form, draft.state, lang, tr), submitted_now=True)
    else:
        raise ValueError(f"unknown survey action {action!r}")
    if not result.accepted:
        return Turn(draft, form, prompt, error=result.error, pending=list(draft.pending.get(prompt.path or "", [])))
    if prompt.path in draft.pending:
        draft.pending = {key: chosen for key, chosen in draft.pending.items() if key != prompt.path}
    draft.state = result.state
    return _advance_notes(form, draft, lang, tr)


async def _add_candidate_thresholds(session: AsyncSession, submission: Submission) -> None:
    """Threshold values reported in the submission wait for a coordinator's review."""
    data = submission.data or {}
    if not data.get("threshold"):
        return
    country = str(data.get("country") or submission.country or "").upper()
    if not country:
        return
    records, problems = records_from_submission(data, country, country_name(country, "en"), submission.submitted_at,
                                                submission.id, widths=_threshold_widths())
    for problem in problems:
        log.warning("reported value not stored for review: %s", problem)
    await ThresholdRepository(session).add_records(
        (record.to_dict() for record in records), origin="survey", review_status=ReviewStatus.PENDING.value,
        submission_id=submission.id,
    )


def _advance_notes(form: Form, draft: Submission, lang: str, tr) -> Turn:
    """Notes need no answer: collect them for display and move past them."""
    state = dict(draft.state, lang=lang)
    notes = []
    prompt = engine.current_prompt(form, state, lang, tr)
    while prompt.kind == "note" and len(notes) < 50:
        notes.append(prompt)
        state = engine.answer(form, state, None, tr=tr).state
        prompt = engine.current_prompt(form, state, lang, tr)
    draft.state = state
    return Turn(draft, form, prompt, notes=notes, pending=list(draft.pending.get(prompt.path or "", [])))


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)
