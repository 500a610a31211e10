"""Survey conversations: the engine's pure steps, stored after every step, once per update."""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot import survey as engine
from bot.countries import close_country, country_name, exact_country, is_country
from bot.lookup import ThresholdRecord, default_vocabulary, parse_query
from bot.lookup.survey_entries import BOUNDED_ANSWERS, records_from_submission, reported_values
from bot.reports.indicators import FORM_ANSWERS
from bot.services import documents
from bot.survey import Form, Prompt
from bot.survey.engine import StateLike, Synonyms, Wording
from bot.survey.values import InvalidAnswer
from storage.models import (
    Member,
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
# The questions that say which country an answer is about (threshold and lab surveys).
COUNTRY_QUESTIONS = frozenset(FORM_ANSWERS[key][0][0][0] for key in ("threshold_country", "lab_country"))
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


# Why a step was not taken besides the engine's refusals (InvalidAnswer): an answer longer than its stored
# field, answers that cannot be submitted as they are, a number typed with a letter or with its unit.
StepProblemCode = Literal[
    "too_long", "too_long_to_submit", "not_stored", "letter_for_digit", "number_only", "number_only_before_unit"
]


@dataclass(frozen=True)
class StepProblem:
    """A step not taken for a reason of the service, not the engine: a code and the parameters its words
    need (bot/i18n/survey_errors.py words it in the member's language)."""

    code: StepProblemCode
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Turn:
    """What the member should see after a survey step."""

    submission: Submission
    form: Form
    prompt: Prompt
    notes: list[Prompt] = field(default_factory=list)
    # Why the step was not taken, for the adapter to word; `suggest_cancel`: followed by how to ask something
    # else first (a choice the typed text did not match may be a question, not an answer).
    error: InvalidAnswer | StepProblem | None = None
    suggest_cancel: bool = False
    duplicate: bool = False
    stale: bool = False
    # A button the current step does not show (forged, or a choice beyond its list): nothing was changed.
    inactive: bool = False
    submitted_now: bool = False
    pending: list[str] = field(default_factory=list)
    # The step just answered and its answer as the member reads it ("" when left empty), so the chat
    # keeps a trace of every answer; None when nothing was answered. An add-another step's answer is
    # its choice's code ("yes", "no"), for the adapter to word like the step.
    answered: Prompt | None = None
    answer_shown: str | None = None
    # Typed text that reads as a lookup ("cadmium limit kenya"): not stored as an answer.
    lookup_text: str | None = None
    # The typed answer was stored otherwise than typed (a web address given its https://).
    adjusted: bool = False
    # The country just answered about (ISO code) when it is not the member's registered country: the
    # answer counts for that country, and the member is told so once.
    other_country: str | None = None
    # A submitted survey: how many of its threshold values wait for review (the receipt's count).
    for_review: int = 0


class SurveyUnavailable(Exception):
    """The member asked for a survey that is not theirs or no longer open."""


def applies_to(form: SurveyForm, member: Member, coordinator: bool) -> bool:
    """Whether the member's role is in the form's audience (coordinators see every form)."""
    roles = form.audience_roles()
    return coordinator or not roles or (member.role or Role.MEMBER) in roles


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
        Offer(
            form=form,
            title=form.title or form.form_id,
            draft=by_form_id.get(form.form_id),
            submitted=submitted.get(form.form_id, 0),
        )
        for form in current
    ]


class AnswerAgain(Exception):
    """The member already submitted the form and has no draft: ask whether to start afresh or from the last answers."""

    def __init__(self, submitted_at: datetime | None) -> None:
        super().__init__(submitted_at)
        self.submitted_at = submitted_at


async def open_survey(
    session: AsyncSession,
    forms: FormCache,
    member: Member,
    form_pk: int,
    coordinator: bool,
    update_id: int,
    lang: str,
    again: str | None = None,
) -> Turn:
    """Start the form, or resume the member's draft of it (any version), and make it the active survey.

    A form the member already submitted raises AnswerAgain unless `again` says how to start the new
    submission: "new" (empty) or "copy" (the last submission's answers, opened at the review).
    """
    async with session.begin():
        repo = SurveyRepository(session)
        stored = await repo.form(form_pk)
        if stored is None or not applies_to(stored, member, coordinator):
            raise SurveyUnavailable(form_pk)
        draft = None
        for candidate in await repo.drafts(member.id):
            other = stored if candidate.form_pk == stored.id else await repo.form(candidate.form_pk)
            if other is not None and other.form_id == stored.form_id:
                draft = candidate
                break
        if draft is None:
            if not stored.is_current:
                raise SurveyUnavailable(form_pk)
            last = await repo.last_submitted(member.id, stored.form_id)
            if last is not None and again not in ("new", "copy"):
                raise AnswerAgain(last.submitted_at)
            state = engine.start(forms.get(stored), lang).to_dict()
            if last is not None and again == "copy":
                state = _from_previous(state, last.state or {})
            draft = await repo.create_draft(stored, member.id, member.country, lang, state)
        return await _activate(repo, forms, member, draft, update_id, lang)


def _from_previous(state: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """A new response holding a previous one's answers, opened at its review."""
    return dict(
        state,
        answers=dict(previous.get("answers", {})),
        repeats=dict(previous.get("repeats", {})),
        defaulted=list(previous.get("defaulted", [])),
        history=list(previous.get("history", [])),
        cursor=None,
        finished=True,
        editing=False,
        submitted=False,
    )


async def current_turn(session: AsyncSession, forms: FormCache, member: Member, submission_id: int, lang: str) -> Turn:
    """Where the member's draft stands, read only (for the review's part views)."""
    async with session.begin():
        repo = SurveyRepository(session)
        draft = await repo.submission(submission_id)
        if draft is None or draft.member_id != member.id or draft.status != SubmissionStatus.DRAFT:
            raise SurveyUnavailable(submission_id)
        form = await forms.load(repo, draft.form_pk)
        return Turn(draft, form, engine.current_prompt(form, dict(draft.state, lang=lang), lang))


async def typed_lookup(session: AsyncSession, member: Member, submission_id: int) -> str | None:
    """The typed text of the member's draft that read as a lookup; the draft is paused to answer it."""
    async with session.begin():
        repo = SurveyRepository(session)
        draft = await repo.submission(submission_id, for_update=True)
        if draft is None or draft.member_id != member.id:
            return None
        text: str | None = (draft.pending.get(TYPED_KEY) or [None])[0]
        if text is not None:
            draft.pending = {key: value for key, value in draft.pending.items() if key != TYPED_KEY}
            await repo.deactivate_drafts(member.id)
        return text


async def paused_draft(session: AsyncSession, member: Member) -> tuple[Submission, str, int] | None:
    """The member's most recent draft, its form title and how many answers it holds; None without one."""
    async with session.begin():
        repo = SurveyRepository(session)
        drafts = await repo.drafts(member.id)
        if not drafts:
            return None
        stored = await repo.form(drafts[0].form_pk)
        title = (stored.title or stored.form_id) if stored is not None else ""
        return drafts[0], title, len(set((drafts[0].state or {}).get("history", [])))


@dataclass
class Submitter:
    """Who reported a value in a survey, to tell them what the coordinators decided."""

    telegram_id: int
    language: str | None
    submission_id: int


async def submitter_of(session: AsyncSession, threshold: Threshold) -> Submitter | None:
    """The member whose survey submission reported `threshold` (None for values not from a survey)."""
    if threshold.submission_id is None:
        return None
    async with session.begin():
        submission = await SurveyRepository(session).submission(threshold.submission_id)
        if submission is None:
            return None
        member = await session.get(Member, submission.member_id)
        if member is None or not member.active:
            return None
        return Submitter(member.telegram_id, member.language or submission.language, submission.id)


async def resume_latest(
    session: AsyncSession, forms: FormCache, member: Member, update_id: int, lang: str
) -> Turn | None:
    """Reopen the member's most recent draft at its next unanswered question."""
    async with session.begin():
        repo = SurveyRepository(session)
        drafts = await repo.drafts(member.id)
        if not drafts:
            return None
        return await _activate(repo, forms, member, drafts[0], update_id, lang)


async def _activate(
    repo: SurveyRepository,
    forms: FormCache,
    member: Member,
    draft: Submission,
    update_id: int,
    lang: str,
) -> Turn:
    """Make `draft` the one survey taking the member's typed input, and say where it stands."""
    await repo.deactivate_drafts(member.id, except_id=draft.id)
    draft.active = True
    turn = _advance_notes(await forms.load(repo, draft.form_pk), draft, lang)
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


async def reply(
    session: AsyncSession,
    forms: FormCache,
    member: Member,
    submission_id: int,
    update_id: int,
    action: str,
    value: Any = None,
    expected: str | None = None,
    lang: str = "en",
    synonyms: Synonyms | None = None,
    open_only: bool = False,
    wording: Wording | None = None,
) -> Turn:
    """Apply one member action (answer, skip, back, toggle, done, edit, submit) to their draft, exactly once.

    `expected`: the step token of the button pressed (None for typed input and commands); a step already
    answered gives a stale turn, and a button the step does not show (bot/keyboards.py) an inactive one.
    `synonyms`: the member's words for the engine's own choices (yes, no, Other), which typed answers may use;
    `wording`: their words for pyxform's English-only Other and "Specify other." where an answer is shown back.
    `open_only`: typed input goes to the open survey only; a draft paused meanwhile raises SurveyUnavailable.
    """
    for attempt in range(_ATTEMPTS):
        try:
            return await _reply_once(
                session,
                forms,
                member,
                submission_id,
                update_id,
                action,
                value,
                expected,
                lang,
                synonyms,
                open_only,
                wording,
            )
        except StaleDataError:
            if attempt == _ATTEMPTS - 1:
                raise
            log.info("draft %s changed under us; retrying", submission_id)
        except ValueTooLong as error:
            # Inputs are bounded before they get here; should one slip through, the member is told what
            # to do and the draft stays as it was, instead of the same step failing on every retry.
            log.warning("survey step of draft %s not stored: %s", submission_id, error)
            return await _not_stored(session, forms, member, submission_id, lang, error.limit)
    raise AssertionError("unreachable")


async def _not_stored(
    session: AsyncSession,
    forms: FormCache,
    member: Member,
    submission_id: int,
    lang: str,
    limit: int,
) -> Turn:
    async with session.begin():
        # The rollback expired every object of the session, the member too: read it again here.
        if member in session:
            await session.refresh(member)
        repo = SurveyRepository(session)
        draft = await repo.submission(submission_id)
        if draft is None or draft.member_id != member.id:
            raise SurveyUnavailable(submission_id)
        form = await forms.load(repo, draft.form_pk)
        prompt = engine.current_prompt(form, dict(draft.state, lang=lang), lang)
    return Turn(draft, form, prompt, error=StepProblem("not_stored", {"limit": str(limit)}))


def _threshold_widths() -> dict[str, int]:
    return string_widths(Threshold)


def answer_limit(prompt: Prompt) -> int | None:
    """Most characters a typed answer to this question may have, when it is stored in a bounded field."""
    if prompt.kind != "question" or prompt.type != "text":
        return None
    field_name = BOUNDED_ANSWERS.get(prompt.question or "")
    return _threshold_widths().get(field_name) if field_name else None


def _overlong_answer(form: Form, state: dict[str, Any], lang: str, wording: Wording | None) -> StepProblem | None:
    """Why the answers cannot be submitted as they are (an answer given before its limit existed), or None."""
    limits = {name: _threshold_widths().get(field_name) for name, field_name in BOUNDED_ANSWERS.items()}
    for path, value in state.get("answers", {}).items():
        limit = limits.get(_INDEX.sub("", path).rsplit("/", 1)[-1])
        if limit and isinstance(value, str) and len(value) > limit:
            labels = {item["path"]: item["label"] for item in engine.review(form, state, lang, wording=wording)}
            return StepProblem(
                "too_long_to_submit",
                {"question": labels.get(path, path), "length": str(len(value)), "limit": str(limit)},
            )
    return None


async def _reply_once(
    session: AsyncSession,
    forms: FormCache,
    member: Member,
    submission_id: int,
    update_id: int,
    action: str,
    value: Any,
    expected: str | None,
    lang: str,
    synonyms: Synonyms | None,
    open_only: bool,
    wording: Wording | None,
) -> Turn:
    async with session.begin():
        repo = SurveyRepository(session)
        draft = await repo.submission(submission_id, for_update=True)
        if draft is None or draft.member_id != member.id or (open_only and not draft.active):
            raise SurveyUnavailable(submission_id)
        form = await forms.load(repo, draft.form_pk)
        if draft.status != SubmissionStatus.DRAFT:
            prompt = engine.current_prompt(form, draft.state, lang)
            return Turn(draft, form, prompt, stale=True, for_review=await values_for_review(session, draft))
        if update_id <= draft.last_update_id:
            # Telegram redelivered an update we already stored: show where we are, store nothing.
            return Turn(draft, form, engine.current_prompt(form, draft.state, lang), duplicate=True)
        state = dict(draft.state, lang=lang)
        prompt = engine.current_prompt(form, state, lang)
        if expected is not None and expected != step_token(prompt):
            return Turn(draft, form, prompt, stale=True, pending=_ticked(draft, prompt))
        if expected is not None and not _shows_button(form, state, draft, prompt, action, value, lang):
            return Turn(draft, form, prompt, inactive=True, pending=_ticked(draft, prompt))
        previous = state.get("answers", {}).get(prompt.path or "")
        document = None
        if action == "document":
            # Checked and stored in this transaction: a refusal (DocumentRefused) or a redelivery stores nothing.
            document = await documents.store_answer_document(session, draft, prompt, update_id, value)
            if document is None:
                return Turn(draft, form, prompt, stale=True)
            action, value = "answer", document
        recorded = value
        if action in ("choose", "toggle") and isinstance(value, int) and 0 <= value < len(prompt.choices):
            recorded = prompt.choices[value][0]  # the trail keeps the choice, not the button's position
        turn = _apply(form, draft, state, prompt, action, value, lang, synonyms, wording)
        turn.other_country = _other_country(turn, member)
        if document is not None:
            await documents.settle_answer(session, draft, previous, document, turn.error is None and not turn.stale)
        if turn.submitted_now:
            await documents.drop_unanswered(session, draft)
            await _add_candidate_thresholds(session, draft)
            turn.for_review = await values_for_review(session, draft)
        await repo.record(
            draft,
            update_id,
            prompt.path or prompt.kind,
            action,
            _jsonable(recorded),
            turn.error is None and not turn.stale,
        )
        draft.last_update_id = update_id
        draft.updated_at = utcnow()
        draft.active = draft.status == SubmissionStatus.DRAFT
    return turn


def _other_country(turn: Turn, member: Member) -> str | None:
    """The country the member just said they answer about, when it is not their registered country."""
    answered = turn.answered
    if answered is None or answered.question not in COUNTRY_QUESTIONS or not member.country:
        return None
    chosen = (turn.submission.state or {}).get("answers", {}).get(answered.path or "")
    if not isinstance(chosen, str) or not chosen.strip() or chosen.strip().upper() == member.country.upper():
        return None
    return chosen.strip().upper()


def step_token(prompt: Prompt) -> str:
    """A short, stable id of the step a button belongs to (callback data is limited to 64 bytes)."""
    return format(zlib.crc32((prompt.path or prompt.kind).encode()), "08x")


def _shows_button(
    form: Form, state: dict[str, Any], draft: Submission, prompt: Prompt, action: str, value: Any, lang: str
) -> bool:
    """Whether the step shows a button doing `action` with argument `value`, as bot/keyboards.py draws them:
    under a question its choices (toggles and Done for a multiple choice), Keep, Back and Skip; on the review
    a Change per answer and Submit; under typed text that read as a lookup, Save as my answer."""
    asked = prompt.kind in ("question", "add_another")
    multiple = prompt.kind == "question" and prompt.type == "select_multiple"
    listed = isinstance(value, int) and 0 <= value < len(prompt.choices)
    if action == "choose":
        return asked and not multiple and listed
    if action == "toggle":
        return multiple and listed
    if action == "done":
        return multiple
    if action == "keep":
        return prompt.kind == "question" and not multiple and bool(prompt.display_value)
    if action == "back":
        return asked and prompt.can_go_back
    if action == "skip":
        return prompt.kind == "question" and not prompt.required
    if action == "edit":
        return prompt.kind == "review" and isinstance(value, int) and 0 <= value < len(engine.review(form, state, lang))
    if action == "submit":
        return prompt.kind == "review"
    if action == "saved":
        return prompt.type == "text" and TYPED_KEY in draft.pending
    return False


def _apply(
    form: Form,
    draft: Submission,
    state: dict[str, Any],
    prompt: Prompt,
    action: str,
    value: Any,
    lang: str,
    synonyms: Synonyms | None,
    wording: Wording | None,
) -> Turn:
    if action in ("choose", "toggle"):
        # Buttons carry the choice's position; the name comes from the prompt the member saw.
        if not isinstance(value, int) or not 0 <= value < len(prompt.choices):
            return Turn(draft, form, prompt, stale=True)
        value = prompt.choices[value][0]
    if action == "toggle":
        chosen = _ticked(draft, prompt)
        if value in chosen:
            chosen.remove(value)
        else:
            chosen.append(value)
        draft.pending = {**draft.pending, prompt.path: chosen}
        return Turn(draft, form, prompt, pending=chosen)
    if action == "choose":
        action = "answer"
    if action == "done":
        value = _ticked(draft, prompt)
        action = "answer"
    adjusted = False
    if action == "answer":
        limit = answer_limit(prompt)
        if limit and isinstance(value, str) and len(value.strip()) > limit:
            too_long = {"limit": str(limit), "length": str(len(value.strip()))}
            return Turn(draft, form, prompt, error=StepProblem("too_long", too_long))
        if isinstance(value, str) and prompt.kind == "question" and looks_like_lookup(value):
            # Never stored as the answer: the member is asked what they meant (text) or how to pause.
            draft.pending = {**draft.pending, TYPED_KEY: [value[:MAX_KEPT_TEXT]]}
            return Turn(draft, form, prompt, lookup_text=value, pending=_ticked(draft, prompt))
        result = engine.answer(form, state, value, synonyms)
        if not result.accepted and isinstance(value, str) and prompt.kind == "question":
            alternative = typed_alternative(prompt, value)
            if alternative is not None:
                # What the member meant ("2, 3, 4, 5" as options): its refusal ("at most three") is the one to show.
                result = engine.answer(form, state, alternative, synonyms)
                adjusted = result.accepted
            if not result.accepted:
                return Turn(
                    draft,
                    form,
                    prompt,
                    error=_explained(prompt, value, result.error, form),
                    suggest_cancel=prompt.type in ("select_one", "select_multiple"),
                    pending=_ticked(draft, prompt),
                )
    elif action == "saved":
        # "Save as my answer" under a text that read as a lookup.
        typed = (draft.pending.get(TYPED_KEY) or [None])[0]
        if typed is None or prompt.type != "text":
            return Turn(draft, form, prompt, stale=True)
        result = engine.answer(form, state, typed, synonyms)
    elif action == "keep":
        result = engine.keep(form, state)
    elif action == "skip":
        result = engine.skip(form, state)
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
        problem = _overlong_answer(form, state, lang, wording)
        if problem:
            return Turn(draft, form, prompt, error=problem)
        draft.state = engine.submit(form, state).to_dict()
        draft.data = engine.submission_data(form, draft.state)
        draft.status = SubmissionStatus.SUBMITTED
        draft.submitted_at = utcnow()
        draft.pending = {}
        return Turn(draft, form, engine.current_prompt(form, draft.state, lang), submitted_now=True)
    else:
        raise ValueError(f"unknown survey action {action!r}")
    if not result.accepted:
        return Turn(draft, form, prompt, error=result.error, pending=_ticked(draft, prompt))
    if prompt.path in draft.pending or TYPED_KEY in draft.pending:
        draft.pending = {key: chosen for key, chosen in draft.pending.items() if key not in (prompt.path, TYPED_KEY)}
    draft.state = result.state.to_dict()
    turn = _advance_notes(form, draft, lang)
    if action in ("answer", "keep", "skip", "saved") and prompt.kind in ("question", "add_another"):
        turn.answered = prompt
        turn.answer_shown = _shown_answer(form, prompt, result.state, lang, wording)
        turn.adjusted = adjusted
    return turn


def _ticked(draft: Submission, prompt: Prompt) -> list[str]:
    """The options ticked on a multiple-choice question: the taps not yet confirmed, else the current answer
    (asked again after Back or a review edit, the boxes show what counts and Done keeps exactly that)."""
    if prompt.path in draft.pending:
        return list(draft.pending[prompt.path or ""])
    if prompt.type == "select_multiple" and isinstance(prompt.value, list):
        return [str(name) for name in prompt.value]
    return []


def _shown_answer(form: Form, prompt: Prompt, state: StateLike, lang: str, wording: Wording | None) -> str:
    """The answer just given to `prompt` as the member reads it ("" when left empty)."""
    if prompt.kind == "add_another":
        wants_more = state.get("repeats", {}).get(prompt.path or "", {}).get("done") is False
        return "yes" if wants_more else "no"  # a code of engine.ADD_ANOTHER_CHOICES
    stored = state.get("answers", {}).get(prompt.path or "")
    if stored is None:
        return ""
    node = form.node_by_path().get(_INDEX.sub("", prompt.path or ""))
    return engine.display_value(form, node, stored, lang, wording) if node is not None else str(stored)


# Where typed text that read as a lookup waits for "Save as my answer" (draft.pending is keyed by path).
TYPED_KEY = "~typed"
MAX_KEPT_TEXT = 4000
# Numbered options ("1" for the first) only where the options are shown as buttons.
MAX_NUMBERED_CHOICES = 24
_BARE_DOMAIN = re.compile(r"(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?", re.IGNORECASE)
_NUMBERS = re.compile(r"\d{1,3}(?:\s*[,;\s]\s*\d{1,3})*")
_LETTER_DIGIT = re.compile(r"(?<=\d)[oOlI]|[oOlI](?=\d)")
_NUMBER_THEN_WORDS = re.compile(r"^\s*([-+]?\d[\d\s.,']*?)\s*([^\d\s.,'].*)$")


def looks_like_lookup(text: str) -> bool:
    """Whether typed text reads as a threshold question (a pollutant and a country), not as an answer."""
    if len(text) > 200 or len(text.split()) < 2:
        return False
    parsed = parse_query(text, default_vocabulary())
    return bool(parsed.pollutant and parsed.country)


def names_a_pollutant(text: str) -> bool:
    """Whether typed text asks about a pollutant the lookup knows ("cadmium netherlands", "lead limit kenya"):
    a lookup, never a country's or a role's name."""
    if len(text) > 200:
        return False
    return bool(parse_query(text, default_vocabulary()).pollutant)


def typed_alternative(prompt: Prompt, text: str) -> Any:
    """What a typed answer the engine refused stands for: option numbers ("1", "1, 3"), a country by the
    names and abbreviations sign-up understands ("USA", "DRC"), a web address without its https://;
    None when nothing fits."""
    text = text.strip()
    choices = prompt.choices
    if prompt.type == "text" and _BARE_DOMAIN.fullmatch(text):
        return "https://" + text  # "www.nema.go.ke" for a question that wants a web address
    if prompt.type not in ("select_one", "select_multiple") or not choices:
        return None
    if _NUMBERS.fullmatch(text) and len(choices) <= MAX_NUMBERED_CHOICES:
        positions = [int(number) for number in re.findall(r"\d+", text)]
        if all(1 <= position <= len(choices) for position in positions):
            names = [choices[position - 1][0] for position in positions]
            if prompt.type == "select_multiple":
                return names
            return names[0] if len(names) == 1 else None
    if prompt.type == "select_one" and sum(is_country(name) for name, _label in choices) > len(choices) // 2:
        # A name, an alias or a close misspelling; a loose guess ("x" for Mexico) would be stored unconfirmed.
        code = exact_country(text) or close_country(text)
        if code is not None:
            return next((name for name, _label in choices if name.upper() == code), None)
    return None


def _explained(
    prompt: Prompt, text: str, error: InvalidAnswer | None, form: Form
) -> InvalidAnswer | StepProblem | None:
    """The engine's refusal, or how to fix the input where the typed text shows what went wrong."""
    if prompt.type in ("integer", "decimal"):
        if letter := _LETTER_DIGIT.search(text):
            fixed = _LETTER_DIGIT.sub(lambda match: "0" if match.group(0) in "oO" else "1", text.strip())
            return StepProblem("letter_for_digit", {"letter": letter.group(0), "fixed": fixed})
        number = _NUMBER_THEN_WORDS.match(text)
        if number:
            parent = (prompt.path or "").rsplit("/", 1)[0]
            has_unit = any(
                path.rsplit("/", 1)[-1] == "unit" and path.rsplit("/", 1)[0] == _INDEX.sub("", parent)
                for path in form.node_by_path()
            )
            code: StepProblemCode = "number_only_before_unit" if has_unit else "number_only"
            return StepProblem(code, {"number": number.group(1).strip()})
    return error


def reports_values(submission: Submission) -> bool:
    """Whether the submission reports threshold values at all (a laboratory's survey never does)."""
    return reported_values(submission.data or {}) > 0


def _candidate_records(submission: Submission) -> tuple[list[ThresholdRecord], list[str]]:
    """The records a submission offers for review (every version of the form), and why others are not."""
    data = submission.data or {}
    if not reported_values(data):
        return [], []
    country = str(data.get("country") or submission.country or "").upper()
    if not country or submission.submitted_at is None:
        return [], []
    return records_from_submission(
        data, country, country_name(country, "en"), submission.submitted_at, submission.id, widths=_threshold_widths()
    )


async def values_for_review(session: AsyncSession, submission: Submission) -> int:
    """How many threshold values of a submitted survey wait for a coordinator's review (the receipt's count):
    those it put up for review, and those it reported again that still wait from an earlier submission. A value
    already approved is not counted."""
    records = _candidate_records(submission)[0]
    if not records:
        return 0
    return await ThresholdRepository(session).waiting_for_review(
        (record.to_dict() for record in records), submission.id
    )


async def _add_candidate_thresholds(session: AsyncSession, submission: Submission) -> None:
    """Threshold values reported in the submission wait for a coordinator's review, those rejected before too."""
    records, problems = _candidate_records(submission)
    for problem in problems:
        log.warning("reported value not stored for review: %s", problem)
    if not records:
        return
    await ThresholdRepository(session).add_for_review((record.to_dict() for record in records), submission.id)


def _advance_notes(form: Form, draft: Submission, lang: str) -> Turn:
    """Notes need no answer: collect them for display and move past them."""
    state = dict(draft.state, lang=lang)
    notes: list[Prompt] = []
    prompt = engine.current_prompt(form, state, lang)
    while prompt.kind == "note" and len(notes) < 50:
        notes.append(prompt)
        state = engine.answer(form, state, None).state.to_dict()
        prompt = engine.current_prompt(form, state, lang)
    draft.state = state
    return Turn(draft, form, prompt, notes=notes, pending=_ticked(draft, prompt))


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)
