"""The conversational survey engine: (form, state, input) -> (state', next prompt | error).

State is plain JSON-able data; every operation returns a new state and never does I/O.
"""

from __future__ import annotations

import functools
import gettext
import json
import math
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from lxml import etree

from bot.i18n.typography import join_items
from bot.survey.expressions import REFERENCE, EvaluationLimit, ExpressionError, Instance, strip_indexes, work_budget
from bot.survey.form import DEFAULT_LANGUAGE_KEY, Choice, Form, Node, language_code
from bot.survey.limits import MAX_INSTANCE_ELEMENTS, MAX_REPEAT_COUNT, MAX_REPEAT_INSTANCES, MAX_STRING_CHARS
from bot.survey.matching import match_yes_no
from bot.survey.values import (
    InvalidAnswer,
    format_date,
    format_number,
    is_empty,
    parse_date,
    parse_decimal,
    parse_document,
    parse_integer,
    parse_select_multiple,
    parse_select_one,
    parse_text,
)

_NULL_TRANSLATIONS = gettext.NullTranslations()


class UnknownQuestionError(LookupError):
    """jump_to was given a name that is not a question the user can answer now."""


class Step(NamedTuple):
    """One thing the user is asked: a question, a note, or a repeat's add-another."""

    path: str
    node: Node
    kind: str


@dataclass
class Prompt:
    """What to show the user next."""

    kind: str  # question / note / add_another / review / complete
    question: str | None = None
    path: str | None = None
    type: str | None = None
    label: str = ""
    hint: str = ""
    section: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False
    index: int = 0
    total: int = 0
    value: Any = None
    display_value: str | None = None
    # Progress that never jumps: the form's top-level part, and the question within that part (one
    # repeat instance counts as the part's questions; notes and add-another are not counted).
    part: int = 0
    parts: int = 0
    part_question: int = 0
    part_questions: int = 0
    # Whether /back has somewhere to go (nothing answered before this step).
    can_go_back: bool = True
    # The value is the form's default, not an answer the user gave.
    suggested: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the prompt as JSON-able data."""
        return asdict(self)


@dataclass
class AnswerResult:
    """The outcome of a reply: accepted or not, the message to show, the new state."""

    accepted: bool
    state: dict[str, Any]
    error: str | None = None
    stale: bool = False


def _bounded(operation):
    """Run one engine operation within one WorkBudget: a crafted form cannot hold the caller for long."""

    @functools.wraps(operation)
    def bounded(*args, **kwargs):
        with work_budget():
            return operation(*args, **kwargs)

    return bounded


# ---------------------------------------------------------------- state logic


@_bounded
def start(form: Form, lang: str | None = None) -> dict[str, Any]:
    """Begin a new response to the form in the user's language."""
    state = {
        "form_id": form.form_id,
        "version": form.version,
        "lang": lang,
        "answers": {},
        "repeats": {},
        "defaulted": [],
        "cursor": None,
        "history": [],
        "editing": False,
        "finished": False,
        "submitted": False,
    }
    _instance, steps = _refresh(form, state)
    if steps:
        state["cursor"] = steps[0].path
    else:
        state["finished"] = True
    return state


# Walking the form (relevance, calculations, repeat counts) depends only on the answers, the repeats,
# which defaults were applied and the language (jr:choice-name), and one reply walks the same answers
# several times (the prompt shown, the answer, the next prompt): finished walks are kept per form, the
# least recently used dropped first. Forms calling now() or today() are walked every time.
REFRESH_CACHE_SIZE = 128


def _refresh(form: Form, state: dict[str, Any]) -> tuple[Instance, list[Step]]:
    """Apply relevance, calculations, defaults and repeat counts; list the steps in order."""
    if _reads_the_clock(form):
        return _walk(form, state)
    cache: OrderedDict = form.__dict__.setdefault("_refreshed", OrderedDict())
    key = json.dumps([state["answers"], state["repeats"], state["defaulted"], state.get("lang")], sort_keys=True,
                     default=str)
    hit = cache.get(key)
    if hit is None:
        with work_budget() as budget:
            instance, steps = _walk(form, state)
            if budget.exceeded:
                return instance, steps  # a walk cut short by the work budget is not kept
        cache[key] = (_copy_walked(state), instance, steps)
        if len(cache) > REFRESH_CACHE_SIZE:
            cache.popitem(last=False)
        return instance, steps
    cache.move_to_end(key)
    walked, instance, steps = hit
    state.update(_copy_walked(walked))
    return instance, steps


def _walk(form: Form, state: dict[str, Any]) -> tuple[Instance, list[Step]]:
    for _attempt in range(6):
        instance = Instance(form, state["answers"], _repeat_counts(state), state.get("lang"))
        walker = _Walker(form, state, instance)
        walker.walk(form.children, "", True)
        if not walker.structure_changed and not walker.values_changed:
            break
    return instance, walker.steps


_CLOCK = re.compile(r"\b(?:now|today)\s*\(")


def _reads_the_clock(form: Form) -> bool:
    """Whether any expression of the form calls now() or today() (worked out once per form)."""
    reads = form.__dict__.get("_reads_the_clock")
    if reads is None:
        expressions = (
            text for node in form.iter_nodes()
            for text in (node.relevant, node.calculation, node.default, node.constraint, node.required,
                         node.choice_filter, node.repeat_count)
        )
        reads = form.__dict__["_reads_the_clock"] = any(_CLOCK.search(text or "") for text in expressions)
    return reads


def _copy_walked(state: dict[str, Any]) -> dict[str, Any]:
    """The parts of a state a walk reads and writes, copied so nobody shares them with the cache."""
    return {key: _copy_state(state[key]) for key in ("answers", "repeats", "defaulted")}


def _copy_state(value: Any) -> Any:
    """A copy of JSON-like data (what a state is made of), several times faster than a deep copy."""
    if isinstance(value, dict):
        return {key: _copy_state(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_state(item) for item in value]
    return value


def _repeat_counts(state: dict[str, Any]) -> dict[str, int]:
    return {path: info["count"] for path, info in state["repeats"].items()}


class _Walker:
    """One pass over the form tree in document order, updating answers in place."""

    def __init__(self, form: Form, state: dict[str, Any], instance: Instance):
        self.form = form
        self.state = state
        self.answers = state["answers"]
        self.instance = instance
        self.steps: list[Step] = []
        self.structure_changed = False
        self.values_changed = False

    def _is_relevant(self, node: Node, path: str) -> bool:
        if not node.relevant:
            return True
        try:
            return self.instance.evaluate_bool(node.relevant, path)
        except ExpressionError:
            return False

    def _drop_under(self, path: str) -> None:
        for key in [key for key in self.answers if key.startswith(path + "/") or key.startswith(path + "[")]:
            del self.answers[key]
            self.values_changed = True
        for key in [key for key in self.state["repeats"] if key == path or key.startswith(path + "/") or key.startswith(path + "[")]:
            del self.state["repeats"][key]
            self.structure_changed = True

    def walk(self, nodes: list[Node], prefix: str, parent_relevant: bool) -> None:
        for node in nodes:
            if self.structure_changed:
                return
            path = prefix + node.name
            relevant = parent_relevant and self._is_relevant(node, path)
            if node.type == "repeat":
                self._walk_repeat(node, path, relevant)
            elif node.type == "group":
                if relevant:
                    self.walk(node.children, path + "/", True)
                else:
                    self._drop_under(path)
            else:
                self._visit_question(node, path, relevant)

    def _walk_repeat(self, node: Node, path: str, relevant: bool) -> None:
        repeats = self.state["repeats"]
        if not relevant:
            self._drop_under(path)
            return
        info = repeats.get(path)
        if node.repeat_count:
            try:
                wanted = self.instance.evaluate(f"number({node.repeat_count})", path)
                wanted = 0 if math.isnan(wanted) else max(0, min(int(wanted), MAX_REPEAT_COUNT))
            except (ExpressionError, TypeError, ValueError, OverflowError):
                wanted = 0
            current = (info or {"count": 0})["count"]
            wanted = min(wanted, current + _room_for_instances(self.form, self.state, self.instance, node))
            if info is None or info["count"] != wanted:
                for index in range(wanted + 1, (info or {"count": 0})["count"] + 1):
                    self._drop_under(f"{path}[{index}]")
                repeats[path] = {"count": wanted, "done": True}
                self.structure_changed = True
                return
        elif info is None:
            repeats[path] = {"count": 1, "done": False}
            self.structure_changed = True
            return
        for index in range(1, repeats[path]["count"] + 1):
            self.walk(node.children, f"{path}[{index}]/", True)
            if self.structure_changed:
                return
        if not node.repeat_count:
            self.steps.append(Step(path, node, "add_another"))

    def _set(self, path: str, value: Any) -> None:
        if is_empty(value):
            if path in self.answers:
                del self.answers[path]
                self.values_changed = True
        elif self.answers.get(path) != value:
            self.answers[path] = value
            self.values_changed = True
        self.instance.set_value(path, value)

    def _visit_question(self, node: Node, path: str, relevant: bool) -> None:
        if not relevant:
            if path in self.answers:
                self._set(path, None)
            return
        if node.unsupported:
            return
        if node.type == "calculate":
            try:
                value = self.instance.evaluate_string(node.calculation, path) if node.calculation else ""
            except ExpressionError:
                value = ""
            self._set(path, value)
            return
        if node.default and path not in self.state["defaulted"]:
            self.state["defaulted"].append(path)
            value = _default_value(node, self.instance, path)
            if value is not None and path not in self.answers:
                self._set(path, value)
        self.steps.append(Step(path, node, "note" if node.type == "note" else "question"))


def _repeat_size(form: Form, node: Node) -> int:
    """Instance elements one instance of a repeat adds (itself and every node under it, once)."""
    sizes = form.__dict__.setdefault("_repeat_sizes", {})
    if node.path not in sizes:
        sizes[node.path] = 1 + sum(1 for _child in node.iter_nodes())
    return sizes[node.path]


def _room_for_instances(form: Form, state: dict[str, Any], instance: Instance, node: Node) -> int:
    """How many more instances of a repeat fit: MAX_REPEAT_INSTANCES in the response, MAX_INSTANCE_ELEMENTS in all.

    Repeat counts come from expressions, and repeats nest: 200 x 200 x 200 instances would stall
    every walk of the form, so the count an expression asks for is cut to what fits.
    """
    instances = sum(info["count"] for info in state["repeats"].values())
    elements = len(instance.elements)
    return max(0, min(MAX_REPEAT_INSTANCES - instances, (MAX_INSTANCE_ELEMENTS - elements) // _repeat_size(form, node)))


def _default_value(node: Node, instance: Instance, path: str) -> Any:
    from pyxform.utils import default_is_dynamic

    raw = node.default
    try:
        if default_is_dynamic(raw, node.type):
            raw = instance.evaluate_string(raw, path)
        if node.type == "integer":
            return parse_integer(raw, str)
        if node.type == "decimal":
            return parse_decimal(raw, str)
        if node.type == "date":
            return parse_date(raw, str)
        if node.type == "select_multiple":
            return raw.split()
        return raw
    except (InvalidAnswer, ExpressionError):
        return None


# ---------------------------------------------------------------- navigation


def _find_step(steps: list[Step], path: str | None) -> int | None:
    for index, step in enumerate(steps):
        if step.path == path:
            return index
    return None


def _is_answered(state: dict[str, Any], step: Step) -> bool:
    if step.kind == "add_another":
        return state["repeats"].get(step.path, {}).get("done", False)
    if step.kind == "note":
        return True
    return step.path in state["answers"]


def _is_required(step: Step, instance: Instance) -> bool:
    if step.kind != "question" or not step.node.required:
        return False
    try:
        return instance.evaluate_bool(step.node.required, step.path)
    except ExpressionError:
        return False


def _move_after(form: Form, state: dict[str, Any], after_index: int | None) -> None:
    """Put the cursor on the next step to ask, or at the end (review)."""
    instance, steps = _refresh(form, state)
    start_index = 0 if after_index is None else after_index + 1
    for step in steps[start_index:]:
        if state["editing"] and (_is_answered(state, step) or step.path in state["history"]):
            continue  # when editing from the review, only ask what is still open
        state["cursor"] = step.path
        state["finished"] = False
        return
    for step in steps:
        if (_is_required(step, instance) and step.path not in state["answers"]) or (
            step.kind == "add_another" and not _is_answered(state, step)
        ):
            state["cursor"] = step.path
            state["editing"] = True
            state["finished"] = False
            return
    state["cursor"] = None
    state["finished"] = True
    state["editing"] = False


def _current_step(form: Form, state: dict[str, Any]) -> tuple[Instance, list[Step], int | None]:
    instance, steps = _refresh(form, state)
    if state.get("submitted") or state.get("finished"):
        return instance, steps, None
    index = _find_step(steps, state["cursor"])
    if index is None:
        # The cursor's question stopped applying (its condition changed): resume at the first open one.
        state["editing"] = True
        _move_after(form, state, None)
        instance, steps = _refresh(form, state)
        index = _find_step(steps, state["cursor"])
    return instance, steps, index


# ---------------------------------------------------------------- prompts


def _lang(state: dict[str, Any], lang: str | None) -> str | None:
    return lang or state.get("lang")


def _interpolate(form: Form, text: str, instance: Instance, path: str) -> str:
    """Fill ${name} references in a label with the current answers."""

    def replace(match):
        try:
            return instance.evaluate_string(match.group(0), path)
        except ExpressionError:
            return ""

    return REFERENCE.sub(replace, text)


def _section(form: Form, path: str, instance: Instance, lang: str | None) -> str:
    nodes = form.node_by_path()
    parts = []
    concrete = ""
    for part in path.split("/")[:-1]:
        concrete = f"{concrete}/{part}" if concrete else part
        node = nodes.get(strip_indexes(concrete))
        if node is None:
            continue
        label = _interpolate(form, form.text(node.label, lang), instance, concrete)
        if node.type == "repeat" and "[" in part:
            label = f"{label or node.name} {part[part.index('[') + 1:-1]}"
        if label:
            parts.append(label)
    return " › ".join(parts)


def filtered_choices(form: Form, node: Node, instance: Instance, path: str) -> list[Choice]:
    """The node's choices that pass its choice_filter for the current answers."""
    choices = form.choices.get(node.list_name, [])
    if not node.choice_filter:
        return list(choices)
    kept = []
    for choice in choices:
        item = etree.Element("item")
        for key, value in {"name": choice.name, **choice.extra}.items():
            try:
                etree.SubElement(item, key).text = value
            except ValueError:
                continue  # a column name that is not an XML name cannot be used in a filter
        try:
            if instance.evaluate_bool(node.choice_filter, path, item=item):
                kept.append(choice)
        except ExpressionError:
            continue
    return kept


def display_value(form: Form, node: Node, value: Any, lang: str | None) -> str:
    """Show a stored answer as the user would read it (labels, local number format)."""
    if value is None:
        return ""
    locale = language_code(form.resolve_language(lang)) or lang
    if node.type in ("select_one", "select_multiple"):
        labels = {choice.name: form.text(choice.label, lang) or choice.name for choice in form.choices.get(node.list_name, [])}
        names = value if isinstance(value, list) else [value]
        return join_items((labels.get(name, name) for name in names), locale)
    if node.type in ("integer", "decimal") and isinstance(value, (int, float)):
        return format_number(value, locale)
    if node.type == "date":
        return format_date(value, locale)
    if node.type == "file" and isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value)


def _is_generated_other(choice: Choice) -> bool:
    return choice.name == "other" and set(choice.label.values()) == {"Other"}


def _choice_label(form: Form, choice: Choice, lang: str | None, _) -> str:
    """A choice's label in the language; pyxform's English-only 'Other' goes through gettext."""
    if _is_generated_other(choice):
        return _("Other")
    return form.text(choice.label, lang) or choice.name


def _form_parts(form: Form) -> tuple[int, dict[str, int]]:
    """How many parts the form has and the part (from 1) of each top-level node, whatever is relevant
    now, so the count never changes while answering: each top-level group or repeat is a part, and so
    is each run of top-level questions."""
    parts = form.__dict__.get("_parts")
    if parts is None:
        count, by_name, in_run = 0, {}, False
        for node in form.children:
            if node.type in ("note", "calculate"):
                continue
            if node.type in ("group", "repeat"):
                in_run = False
                if not any(child.type not in ("note", "calculate", "group", "repeat") for child in node.iter_nodes()):
                    continue
                count += 1
            elif not in_run:
                in_run = True
                count += 1
            by_name[node.name] = count
        parts = form.__dict__["_parts"] = (count, by_name)
    return parts


def _progress(form: Form, steps: list[Step], index: int) -> tuple[int, int, int, int]:
    """(part, parts, question in its part, questions in its part) of steps[index]; one repeat instance
    counts as the part's questions, notes and add-another are not counted."""
    count, by_name = _form_parts(form)

    def unit(step: Step) -> tuple[int, str]:
        head = step.path.split("/", 1)[0]
        return by_name.get(strip_indexes(head), 0), head if "/" in step.path else ""

    current = unit(steps[index])
    questions = [position for position, step in enumerate(steps) if step.kind == "question" and unit(step) == current]
    question = sum(1 for position in questions if position <= index)
    return current[0], count, question, len(questions)


@_bounded
def current_prompt(form: Form, state: dict[str, Any], lang: str | None = None, tr=None) -> Prompt:
    """Describe what to ask next: a question, a note, add-another, the review, or done."""
    _ = (tr or _NULL_TRANSLATIONS).gettext
    state = _copy_state(state)
    lang = state["lang"] = _lang(state, lang)  # jr:choice-name() labels follow it
    instance, steps, index = _current_step(form, state)
    if state.get("submitted"):
        return Prompt(kind="complete", total=len(steps), index=len(steps))
    if index is None:
        return Prompt(kind="review", total=len(steps), index=len(steps))
    step = steps[index]
    node = step.node
    prompt = Prompt(
        kind=step.kind,
        question=node.name,
        path=step.path,
        type=node.type,
        index=index + 1,
        total=len(steps),
        section=_section(form, step.path, instance, lang),
    )
    prompt.part, prompt.parts, prompt.part_question, prompt.part_questions = _progress(form, steps, index)
    paths = {candidate.path for candidate in steps}
    prompt.can_go_back = any(path in paths and path != step.path for path in state["history"])
    if step.kind == "add_another":
        repeat_label = _interpolate(form, form.text(node.label, lang), instance, step.path) or node.name
        prompt.type = "select_one"
        prompt.label = _("Add another {repeat}?").format(repeat=repeat_label)
        prompt.choices = [("yes", _("Yes")), ("no", _("No"))]
        prompt.required = True
        return prompt
    prompt.label = _interpolate(form, form.text(node.label, lang), instance, step.path) or node.name
    if node.label == {DEFAULT_LANGUAGE_KEY: "Specify other."}:
        prompt.label = _("Specify other.")  # pyxform's or_other wording is English only
    prompt.hint = _interpolate(form, form.text(node.hint, lang), instance, step.path)
    prompt.required = _is_required(step, instance)
    if node.type in ("select_one", "select_multiple"):
        prompt.choices = [
            (choice.name, _choice_label(form, choice, lang, _))
            for choice in filtered_choices(form, node, instance, step.path)
        ]
    prompt.value = state["answers"].get(step.path)
    if prompt.value is not None:
        prompt.display_value = display_value(form, node, prompt.value, lang)
        prompt.suggested = step.path in state["defaulted"] and step.path not in state["history"]
    return prompt


# ---------------------------------------------------------------- replies


def _stale(state: dict[str, Any], steps: list[Step], index: int | None, expected_question: str | None) -> bool:
    if expected_question is None:
        return False
    if index is None:
        return True
    step = steps[index]
    return expected_question not in (step.path, step.node.name)


def _parse_answer(form: Form, node: Node, value: Any, instance: Instance, path: str, lang: str | None, _) -> Any:
    if node.type == "integer":
        return parse_integer(value, _, lang)
    if node.type == "decimal":
        return parse_decimal(value, _, lang)
    if node.type == "date":
        return parse_date(value, _)
    if node.type == "file":
        return parse_document(value, _)
    if node.type in ("select_one", "select_multiple"):
        own_language = form.resolve_language(lang)
        options = [
            (choice.name, [choice.label.get(own_language, ""), form.text(choice.label, lang)]
             + [text for text in choice.label.values()] + ([_("Other")] if _is_generated_other(choice) else []))
            for choice in filtered_choices(form, node, instance, path)
        ]
        # "plomb" for "Plomb (Pb)": each label also without its bracketed part.
        options = [(name, [variant for label in labels if label for variant in (label, _unbracketed(label)) if variant])
                   for name, labels in options]
        if node.type == "select_one":
            return parse_select_one(value, options, _)
        return parse_select_multiple(value, options, _)
    return parse_text(value, _)[:MAX_STRING_CHARS]


_BRACKETED = re.compile(r"\s*[(\[（][^)\]）]*[)\]）]")


def _unbracketed(label: str) -> str:
    """A choice label without its bracketed part ("Plomb (Pb)" -> "Plomb"); "" when nothing was bracketed."""
    stripped = _BRACKETED.sub("", label).strip()
    return stripped if stripped != label.strip() else ""


@_bounded
def answer(form: Form, state: dict[str, Any], value: Any, tr=None, expected_question: str | None = None) -> AnswerResult:
    """Record the user's reply to the current step and move on, or explain what is wrong."""
    _ = (tr or _NULL_TRANSLATIONS).gettext
    state = _copy_state(state)
    lang = state.get("lang")
    instance, steps, index = _current_step(form, state)
    if _stale(state, steps, index, expected_question):
        return AnswerResult(accepted=False, state=state, stale=True)
    if index is None:
        return AnswerResult(accepted=False, state=state, error=_("This survey has no open question."))
    step = steps[index]
    if step.kind == "note":
        _move_after(form, state, index)
        return AnswerResult(accepted=True, state=state)
    if step.kind == "add_another":
        return _answer_add_another(form, state, steps, index, value, _)
    if is_empty(value):
        return _leave_empty(form, state, steps, index, instance, _)
    try:
        parsed = _parse_answer(form, step.node, value, instance, step.path, lang, _)
    except InvalidAnswer as error:
        return AnswerResult(accepted=False, state=state, error=str(error))
    if is_empty(parsed):
        return _leave_empty(form, state, steps, index, instance, _)
    try:
        error = _constraint_error(form, step, parsed, instance, lang, _)
    finally:
        # The instance may serve later walks of the same answers: leave it as the walk left it.
        instance.set_value(step.path, state["answers"].get(step.path))
    if error:
        return AnswerResult(accepted=False, state=state, error=error)
    state["answers"][step.path] = parsed
    _remember(state, step.path)
    _move_after(form, state, index)
    return AnswerResult(accepted=True, state=state)


def _remember(state: dict[str, Any], path: str) -> None:
    if not state["history"] or state["history"][-1] != path:
        state["history"].append(path)


def _constraint_error(form: Form, step: Step, value: Any, instance: Instance, lang: str | None, _) -> str | None:
    if not step.node.constraint:
        return None
    instance.set_value(step.path, value)
    try:
        allowed = instance.evaluate_bool(step.node.constraint, step.path)
    except EvaluationLimit:
        return _("This answer could not be checked: the survey's rule for it takes too long. "
                 "Please try a shorter answer or tell a coordinator.")
    except ExpressionError:
        allowed = False
    if allowed:
        return None
    message = form.text(step.node.constraint_message, lang)
    if message:
        return _interpolate(form, message, instance, step.path)
    return _("This answer is not allowed.")


def _leave_empty(form: Form, state, steps, index, instance, _) -> AnswerResult:
    step = steps[index]
    if step.path in state["answers"]:
        # An empty reply keeps what is already there (a default or an earlier answer).
        _remember(state, step.path)
        _move_after(form, state, index)
        return AnswerResult(accepted=True, state=state)
    if _is_required(step, instance):
        message = form.text(step.node.required_message, state.get("lang"))
        return AnswerResult(accepted=False, state=state, error=message or _("This answer is required."))
    _remember(state, step.path)
    _move_after(form, state, index)
    return AnswerResult(accepted=True, state=state)


def _last_instance_is_blank(form: Form, state: dict[str, Any], repeat_path: str) -> bool:
    count = state["repeats"][repeat_path]["count"]
    prefix = f"{repeat_path}[{count}]/"
    nodes = form.node_by_path()
    return not any(
        key.startswith(prefix) and nodes.get(strip_indexes(key), None) is not None
        and nodes[strip_indexes(key)].type != "calculate"
        and (key in state["history"] or key not in state["defaulted"])
        for key in state["answers"]
    )


def _answer_add_another(form: Form, state, steps, index, value, _) -> AnswerResult:
    step = steps[index]
    wants_more = match_yes_no(value, {_("yes"), _("Yes")}, {_("no"), _("No")})
    if wants_more is None:
        return AnswerResult(accepted=False, state=state, error=_("Please answer yes or no."))
    info = state["repeats"][step.path]
    _remember(state, step.path)
    if not wants_more:
        if info["count"] > 1 and _last_instance_is_blank(form, state, step.path):
            # The user came back and declined the instance they had just opened: drop it.
            prefix = f"{step.path}[{info['count']}]"
            for key in [key for key in state["answers"] if key.startswith(prefix + "/")]:
                del state["answers"][key]
            info["count"] -= 1
        info["done"] = True
        _instance, steps = _refresh(form, state)
        _move_after(form, state, _find_step(steps, step.path))
        return AnswerResult(accepted=True, state=state)
    instance, _steps = _refresh(form, state)
    info = state["repeats"][step.path]  # a cached walk hands back fresh copies
    if info["count"] >= MAX_REPEAT_COUNT or _room_for_instances(form, state, instance, step.node) < 1:
        return AnswerResult(accepted=False, state=state, error=_("No more entries can be added."))
    info["count"] += 1
    info["done"] = False
    _instance, steps = _refresh(form, state)
    prefix = f"{step.path}[{info['count']}]/"
    first = next((position for position, candidate in enumerate(steps) if candidate.path.startswith(prefix)), None)
    state["cursor"] = steps[first].path if first is not None else step.path
    state["finished"] = False
    return AnswerResult(accepted=True, state=state)


def skip(form: Form, state: dict[str, Any], tr=None, expected_question: str | None = None) -> AnswerResult:
    """Leave the current question empty: an optional one's earlier answer is cleared (refused when required)."""
    cleared = _copy_state(state)
    _instance, steps, index = _current_step(form, cleared)
    if index is not None and steps[index].kind == "question" and steps[index].path in cleared["answers"]:
        instance = _refresh(form, cleared)[0]
        if not _is_required(steps[index], instance):
            del cleared["answers"][steps[index].path]
            return answer(form, cleared, None, tr=tr, expected_question=expected_question)
    return answer(form, state, None, tr=tr, expected_question=expected_question)


def keep(form: Form, state: dict[str, Any], tr=None, expected_question: str | None = None) -> AnswerResult:
    """Keep the current question's answer as it is and move on (an empty reply does the same)."""
    return answer(form, state, None, tr=tr, expected_question=expected_question)


@_bounded
def back(form: Form, state: dict[str, Any]) -> dict[str, Any]:
    """Return to the previous answered question (no change at the first one)."""
    state = _copy_state(state)
    _instance, steps = _refresh(form, state)
    paths = {step.path for step in steps}
    while state["history"]:
        path = state["history"].pop()
        if path in paths and path != state["cursor"]:
            state["cursor"] = path
            state["finished"] = False
            state["submitted"] = False
            return state
    return state


@_bounded
def jump_to(form: Form, state: dict[str, Any], name: str) -> dict[str, Any]:
    """Reopen one answered question (by name or path) from the review screen."""
    state = _copy_state(state)
    _instance, steps = _refresh(form, state)
    for step in steps:
        if step.kind == "question" and name in (step.path, step.node.name):
            state["cursor"] = step.path
            state["editing"] = True
            state["finished"] = False
            state["submitted"] = False
            return state
    raise UnknownQuestionError(name)


@_bounded
def is_complete(form: Form, state: dict[str, Any]) -> bool:
    """Whether the end was reached with every required question answered."""
    state = _copy_state(state)
    instance, steps, index = _current_step(form, state)
    if index is not None:
        return False
    return not any(_is_required(step, instance) and step.path not in state["answers"] for step in steps)


@_bounded
def submit(form: Form, state: dict[str, Any]) -> dict[str, Any]:
    """Mark a complete response as submitted (the prompt becomes 'complete')."""
    if not is_complete(form, state):
        raise ValueError("the survey is not complete")
    state = _copy_state(state)
    state["submitted"] = True
    return state


@_bounded
def review(form: Form, state: dict[str, Any], lang: str | None = None) -> list[dict[str, Any]]:
    """List the answered questions with their labels and values as the user reads them."""
    state = _copy_state(state)
    lang = state["lang"] = _lang(state, lang)  # jr:choice-name() labels follow it
    instance, steps = _refresh(form, state)
    items = []
    for step in steps:
        if step.kind != "question" or step.path not in state["answers"]:
            continue
        value = state["answers"][step.path]
        items.append({
            "question": step.node.name,
            "path": step.path,
            "section": _section(form, step.path, instance, lang),
            "label": _interpolate(form, form.text(step.node.label, lang), instance, step.path) or step.node.name,
            "value": value,
            "display": display_value(form, step.node, value, lang),
        })
    return items


@_bounded
def submission_data(form: Form, state: dict[str, Any]) -> dict[str, Any]:
    """The answers by question name: numbers as numbers, selects as names, repeats as lists."""
    state = _copy_state(state)
    _refresh(form, state)
    return _collect(form.children, "", state)


def _collect(nodes: list[Node], prefix: str, state: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for node in nodes:
        path = prefix + node.name
        if node.type == "group":
            data.update(_collect(node.children, path + "/", state))
        elif node.type == "repeat":
            info = state["repeats"].get(path)
            if info is not None:
                data[node.name] = [
                    _collect(node.children, f"{path}[{index}]/", state) for index in range(1, info["count"] + 1)
                ]
        elif node.type != "note" and path in state["answers"]:
            data[node.name] = state["answers"][path]
    return data
