"""The conversational survey engine: (form, state, input) -> (state', next prompt | error).

State is plain JSON-able data; every operation returns a new state and never does I/O.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import re
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, TypeVar

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

StepKind = Literal["question", "note", "add_another"]
PromptKind = Literal["question", "note", "add_another", "review", "complete"]
# The choices of an add-another step, by code: the adapter words them ("Yes", "Oui").
ADD_ANOTHER_CHOICES = ("yes", "no")
# What the member may type for the engine's own choices, in their language, by code: "yes" and "no" (an
# add-another step) and "other" (pyxform's generated Other choice). The adapter gives them; the engine
# also reads yes and no in the languages of `matching`.
Synonyms = Mapping[str, Collection[str]]
# The member's words for pyxform's English-only texts, by code: "other" (an or_other question's generated Other
# choice) and "specify_other" (its "Specify other." question). The adapter gives them; where an answer is shown
# back (`display_value`, `review`, `describe_answer`) they stand for pyxform's English, which shows without them.
Wording = Mapping[str, str]


class UnknownQuestionError(LookupError):
    """jump_to was given a name that is not a question the user can answer now."""


class Step(NamedTuple):
    """One thing the user is asked: a question, a note, or a repeat's add-another."""

    path: str
    node: Node
    kind: StepKind


@dataclass
class Prompt:
    """What to show the user next."""

    kind: PromptKind
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
    # Progress that never jumps: the form's top-level part, and the question's place among the questions
    # of its unit (the part, or one entry of the innermost repeat holding it: `entry`, from 1), counted
    # from the form's structure, so a total never changes as answers are given or entries added.
    part: int = 0
    parts: int = 0
    entry: int = 0
    part_question: int = 0
    part_questions: int = 0
    # Whether /back has somewhere to go (nothing answered before this step).
    can_go_back: bool = True
    # The value is the form's default, not an answer the user gave.
    suggested: bool = False
    # Choices the form marks `featured` (choices column): a long list offers these as buttons.
    featured: list[str] = field(default_factory=list)
    # An add-another step: the repeat's title as the form gives it in the member's language. The step's
    # `label` and its choices' labels (codes ADD_ANOTHER_CHOICES) are left empty for the adapter to word.
    repeat: str = ""
    # pyxform's generated Other choice (or_other): its name among `choices`, whose label is pyxform's English
    # "Other", for the adapter to word; "" when the question has none.
    other_choice: str = ""
    # pyxform's generated "Specify other." question (or_other): its English label for the adapter to word.
    specify_other: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the prompt as JSON-able data."""
        return asdict(self)


_STATE_FIELDS = (
    "form_id",
    "version",
    "lang",
    "answers",
    "repeats",
    "defaulted",
    "cursor",
    "history",
    "editing",
    "finished",
    "submitted",
)


@dataclass(frozen=True, eq=True)
class SurveyState(Mapping[str, Any]):
    """One response in progress, as plain data: each operation returns a new state, none changes one.

    Stored as JSON after every step (`to_dict`, `from_dict`). It reads as a read-only mapping too
    (`state["answers"]`), like the stored JSON, so the adapter reads both alike.
    """

    form_id: str
    version: str
    lang: str | None
    answers: Mapping[str, Any]
    repeats: Mapping[str, Mapping[str, Any]]
    defaulted: tuple[str, ...]
    cursor: str | None
    history: tuple[str, ...]
    editing: bool
    finished: bool
    submitted: bool

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SurveyState:
        """A state from its JSON (missing parts as a new response has them); nested data is copied."""
        if isinstance(data, SurveyState):
            return data
        copied = _copy_state(data)
        return cls(
            form_id=str(copied.get("form_id", "")),
            version=str(copied.get("version", "")),
            lang=copied.get("lang"),
            answers=MappingProxyType(copied.get("answers") or {}),
            repeats=MappingProxyType(
                {path: MappingProxyType(info) for path, info in (copied.get("repeats") or {}).items()}
            ),
            defaulted=tuple(copied.get("defaulted") or ()),
            cursor=copied.get("cursor"),
            history=tuple(copied.get("history") or ()),
            editing=bool(copied.get("editing")),
            finished=bool(copied.get("finished")),
            submitted=bool(copied.get("submitted")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON-able data, for storing."""
        return {name: _copy_state(getattr(self, name)) for name in _STATE_FIELDS}

    def __getitem__(self, key: str) -> Any:
        if key not in _STATE_FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(_STATE_FIELDS)

    def __len__(self) -> int:
        return len(_STATE_FIELDS)


StateLike = Mapping[str, Any]  # a SurveyState, or its JSON as stored


@dataclass
class AnswerResult:
    """The outcome of a reply: accepted or not, why not (a code the adapter words), the new state."""

    accepted: bool
    state: SurveyState
    error: InvalidAnswer | None = None
    stale: bool = False


_Operation = TypeVar("_Operation", bound=Callable[..., Any])


def _bounded(operation: _Operation) -> _Operation:
    """Run one engine operation within one WorkBudget: a crafted form cannot hold the caller for long."""

    @functools.wraps(operation)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        with work_budget():
            return operation(*args, **kwargs)

    return bounded  # type: ignore[return-value]


def _clock(now: datetime.datetime | None) -> datetime.datetime:
    """The time today() and now() read in one operation: the caller's, or the system's when none was given."""
    return now if now is not None else datetime.datetime.now(datetime.UTC)


# ---------------------------------------------------------------- state logic


@_bounded
def start(form: Form, lang: str | None = None, now: datetime.datetime | None = None) -> SurveyState:
    """Begin a new response to the form in the user's language."""
    state: dict[str, Any] = {
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
    _instance, steps = _refresh(form, state, _clock(now))
    if steps:
        state["cursor"] = steps[0].path
    else:
        state["finished"] = True
    return _frozen(state)


# Walking the form (relevance, calculations, repeat counts) depends only on the answers, the repeats,
# which defaults were applied and the language (jr:choice-name), and one reply walks the same answers
# several times (the prompt shown, the answer, the next prompt): finished walks are kept, the least
# recently used dropped first. A walk whose expressions read the clock (today(), now()) is not kept.
REFRESH_CACHE_SIZE = 128


@dataclass(frozen=True)
class Walk:
    """A finished walk: the answers, repeats and defaults it left (as JSON text) and its steps."""

    walked: str
    steps: tuple[Step, ...]


# The XForm instance of a walk (lxml elements and elementpath's node tree: over 2,000 objects for a
# threshold survey with 60 values) is kept for the last few walks only: a full garbage collection walks
# every object kept, and kept instances of 128 walks made it 200-250 ms, the answers' p99.
INSTANCE_CACHE_SIZE = 16


class WalkCache:
    """Finished walks by form and inputs, at most `size` of them, the least recently used dropped first;
    the instances of the INSTANCE_CACHE_SIZE most recent ones beside them."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size
        self._walks: OrderedDict[tuple[int, str], tuple[weakref.ref[Form], Walk]] = OrderedDict()
        self._instances: OrderedDict[tuple[int, str], Instance] = OrderedDict()

    def __len__(self) -> int:
        return len(self._walks)

    def clear(self) -> None:
        """Forget every walk."""
        self._walks.clear()
        self._instances.clear()

    def get(self, form: Form, key: str) -> tuple[Walk, Instance | None] | None:
        """The walk of `form` kept under `key` and its instance if still kept, or None."""
        entry = self._walks.get((id(form), key))
        if entry is None or entry[0]() is not form:
            return None
        self._walks.move_to_end((id(form), key))
        instance = self._instances.get((id(form), key))
        if instance is not None:
            self._instances.move_to_end((id(form), key))
        return entry[1], instance

    def put(self, form: Form, key: str, walk: Walk, instance: Instance) -> None:
        """Keep a walk of `form` (a form that is gone can never match: its id is checked against it)."""
        self._walks[(id(form), key)] = (weakref.ref(form), walk)
        self.keep_instance(form, key, instance)
        size = REFRESH_CACHE_SIZE if self.size is None else self.size
        while len(self._walks) > size:
            self._walks.popitem(last=False)

    def keep_instance(self, form: Form, key: str, instance: Instance) -> None:
        """Keep the instance of a kept walk (it stays as the walk left it: a constraint check puts back
        what it tried, and each operation that reuses it sets its clock)."""
        self._instances[(id(form), key)] = instance
        self._instances.move_to_end((id(form), key))
        size = min(INSTANCE_CACHE_SIZE, REFRESH_CACHE_SIZE if self.size is None else self.size)
        while len(self._instances) > size:
            self._instances.popitem(last=False)


WALKS = WalkCache()


def _refresh(form: Form, state: dict[str, Any], now: datetime.datetime) -> tuple[Instance, list[Step]]:
    """Apply relevance, calculations, defaults and repeat counts; list the steps in order."""
    key = json.dumps(
        [state["answers"], state["repeats"], state["defaulted"], state.get("lang")], sort_keys=True, default=str
    )
    hit = WALKS.get(form, key)
    if hit is not None:
        walk, instance = hit
        state.update(json.loads(walk.walked))
        if instance is None:
            # The walk left these answers as they are: its instance is built from them again.
            instance = Instance(form, state["answers"], _repeat_counts(state), state.get("lang"), now)
            WALKS.keep_instance(form, key, instance)
        instance.now = now  # what this operation evaluates next (a constraint) reads its own time
        return instance, list(walk.steps)
    with work_budget() as budget:
        instance, steps = _walk(form, state, now)
        if budget.exceeded or instance.read_clock:
            return instance, steps  # cut short by the work budget, or true only now: not kept
    walked = json.dumps({name: state[name] for name in ("answers", "repeats", "defaulted")}, default=str)
    WALKS.put(form, key, Walk(walked, tuple(steps)), instance)
    return instance, steps


def _walk(form: Form, state: dict[str, Any], now: datetime.datetime) -> tuple[Instance, list[Step]]:
    read_clock = False
    for _attempt in range(6):
        instance = Instance(form, state["answers"], _repeat_counts(state), state.get("lang"), now)
        walker = _Walker(form, state, instance)
        walker.walk(form.children, "", True)
        read_clock = read_clock or instance.read_clock
        if not walker.structure_changed and not walker.values_changed:
            break
    instance.read_clock = read_clock
    return instance, walker.steps


def _copy_state(value: Any) -> Any:
    """A mutable copy of JSON-like data (what a state is made of), several times faster than a deep copy."""
    if isinstance(value, (dict, Mapping)):
        return {key: _copy_state(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy_state(item) for item in value]
    return value


def _frozen(state: dict[str, Any]) -> SurveyState:
    return SurveyState.from_dict(state)


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
        for key in [
            key
            for key in self.state["repeats"]
            if key == path or key.startswith(path + "/") or key.startswith(path + "[")
        ]:
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
    sizes: dict[str, int] = form.__dict__.setdefault("_repeat_sizes", {})
    if node.path not in sizes:
        sizes[node.path] = 1 + sum(1 for _child in node.iter_nodes())
    return sizes[node.path]


def _room_for_instances(form: Form, state: dict[str, Any], instance: Instance, node: Node) -> int:
    """How many more instances of a repeat fit: MAX_REPEAT_INSTANCES in the response, MAX_INSTANCE_ELEMENTS in all.

    Repeat counts come from expressions, and repeats nest: 200 x 200 x 200 instances would stall
    every walk of the form, so the count an expression asks for is cut to what fits.
    """
    instances: int = sum(info["count"] for info in state["repeats"].values())
    elements = len(instance.elements)
    return max(0, min(MAX_REPEAT_INSTANCES - instances, (MAX_INSTANCE_ELEMENTS - elements) // _repeat_size(form, node)))


def _default_value(node: Node, instance: Instance, path: str) -> Any:
    from pyxform.utils import default_is_dynamic

    raw = node.default
    try:
        if default_is_dynamic(raw, node.type):
            raw = instance.evaluate_string(raw, path)
        if node.type == "integer":
            return parse_integer(raw)
        if node.type == "decimal":
            return parse_decimal(raw)
        if node.type == "date":
            return parse_date(raw)
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
        return bool(state["repeats"].get(step.path, {}).get("done", False))
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


def _move_after(form: Form, state: dict[str, Any], after_index: int | None, now: datetime.datetime) -> None:
    """Put the cursor on the next step to ask, or at the end (review)."""
    instance, steps = _refresh(form, state, now)
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


def _current_step(form: Form, state: dict[str, Any], now: datetime.datetime) -> tuple[Instance, list[Step], int | None]:
    instance, steps = _refresh(form, state, now)
    if state.get("submitted") or state.get("finished"):
        return instance, steps, None
    index = _find_step(steps, state["cursor"])
    if index is None:
        # The cursor's question stopped applying (its condition changed): resume at the first open one.
        state["editing"] = True
        _move_after(form, state, None, now)
        instance, steps = _refresh(form, state, now)
        index = _find_step(steps, state["cursor"])
    return instance, steps, index


# ---------------------------------------------------------------- prompts


def _lang(state: dict[str, Any], lang: str | None) -> str | None:
    return lang or state.get("lang")


def _interpolate(form: Form, text: str, instance: Instance, path: str) -> str:
    """Fill ${name} references in a label with the current answers."""

    def replace(match: re.Match[str]) -> str:
        try:
            return instance.evaluate_string(match.group(0), path)
        except ExpressionError:
            return ""

    return REFERENCE.sub(replace, text)


def _without_references(text: str) -> str:
    """A label outside its survey, where ${name} has no value: the references left out."""
    return " ".join(REFERENCE.sub("", text).split())


def _section(form: Form, path: str, instance: Instance | None, lang: str | None) -> str:
    nodes = form.node_by_path()
    parts = []
    concrete = ""
    for part in path.split("/")[:-1]:
        concrete = f"{concrete}/{part}" if concrete else part
        node = nodes.get(strip_indexes(concrete))
        if node is None:
            continue
        text = form.text(node.label, lang)
        label = _without_references(text) if instance is None else _interpolate(form, text, instance, concrete)
        if node.type == "repeat" and "[" in part:
            label = f"{label or node.name} {part[part.index('[') + 1 : -1]}"
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


def display_value(form: Form, node: Node, value: Any, lang: str | None, wording: Wording | None = None) -> str:
    """Show a stored answer as the user would read it (labels, local number format; pyxform's Other in
    `wording`)."""
    if value is None:
        return ""
    locale = language_code(form.resolve_language(lang)) or lang
    if node.type in ("select_one", "select_multiple"):
        labels = {
            choice.name: _choice_label(form, choice, lang, wording) for choice in form.choices.get(node.list_name, [])
        }
        names = value if isinstance(value, list) else [value]
        return join_items((labels.get(name) or name for name in names), locale)
    if node.type in ("integer", "decimal") and isinstance(value, (int, float)):
        return format_number(value, locale)
    if node.type == "date":
        return format_date(value, locale)
    if node.type == "file" and isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value)


def describe_answer(
    form: Form, path: str, value: Any, lang: str | None, wording: Wording | None = None
) -> tuple[str, str, str] | None:
    """A stored answer read outside the survey (a draft's pending ticks, the answer trail, /mydata):
    (section, label, value as the member reads it), like `review` but with ${references} left out;
    None when the form has no node at `path`."""
    node = form.node_by_path().get(strip_indexes(path))
    if node is None:
        return None
    label = _question_label(node, _without_references(form.text(node.label, lang)), wording)
    if value is None:
        shown = ""
    elif node.type == "file" and isinstance(value, dict):
        shown = str(value.get("name") or "")
    else:
        try:
            shown = display_value(form, node, value, lang, wording)
        except (TypeError, ValueError):  # a typed text the question refused: shown as it was typed
            shown = str(value)
    return _section(form, path, None, lang), label, shown


class AddAnotherAnswer(NamedTuple):
    """An add-another step as the member answered it, for the adapter to word ("Add another {repeat}?")."""

    section: str
    repeat: str  # the repeat's title in the member's language
    choice: str  # the button pressed: a code of ADD_ANOTHER_CHOICES, else the stored value as it is; "" for none


def describe_add_another(form: Form, path: str, value: Any, lang: str | None) -> AddAnotherAnswer | None:
    """An add-another step read outside the survey (the answer trail, /mydata): its section, the repeat's
    title and the button pressed; None when `path` names no repeat the member adds to."""
    node = form.node_by_path().get(strip_indexes(path))
    if node is None or node.type != "repeat" or node.repeat_count:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(ADD_ANOTHER_CHOICES):
        value = ADD_ANOTHER_CHOICES[value]  # an early trail kept the button's position
    return AddAnotherAnswer(
        _section(form, path, None, lang),
        _without_references(form.text(node.label, lang)) or node.name,
        str(value) if value is not None else "",
    )


def is_calculated(form: Form, path: str) -> bool:
    """Whether the answer at `path` is worked out by the form rather than given by the member."""
    node = form.node_by_path().get(strip_indexes(path))
    return node is not None and node.type == "calculate"


def _is_generated_other(choice: Choice) -> bool:
    """pyxform's Other choice of an or_other question, labelled in English only."""
    return choice.name == "other" and set(choice.label.values()) == {"Other"}


def _is_specify_other(node: Node) -> bool:
    """pyxform's "Specify other." question of an or_other question, labelled in English only."""
    return node.label == {DEFAULT_LANGUAGE_KEY: "Specify other."}


def _choice_label(form: Form, choice: Choice, lang: str | None, wording: Wording | None) -> str:
    """A choice's label as shown back: pyxform's generated Other in the adapter's word when it gives one."""
    if wording and wording.get("other") and _is_generated_other(choice):
        return wording["other"]
    return form.text(choice.label, lang) or choice.name


def _question_label(node: Node, label: str, wording: Wording | None) -> str:
    """A question's label as shown back (`label`, its text in the member's language): pyxform's "Specify
    other." in the adapter's words when it gives them; the question's name when it has no label."""
    if wording and wording.get("specify_other") and _is_specify_other(node):
        return wording["specify_other"]
    return label or node.name


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


def _is_counted(node: Node) -> bool:
    """A node the member answers (not a note, calculate, container or unsupported question)."""
    return not node.is_container and node.type not in ("note", "calculate") and not node.unsupported


def _unit_questions(form: Form) -> dict[str, tuple[int, int]]:
    """Each question's (position, count) in its unit, from the form's structure alone.

    A unit is the innermost repeat holding the question (one entry of it, each entry alike), else the
    question's top-level part. Questions that do not apply now keep their place, so neither number
    changes as answers are given or entries added: a skipped question is a step forward, never a new total.
    """
    cached: dict[str, tuple[int, int]] | None = form.__dict__.get("_unit_questions")
    if cached is None:
        _count, by_name = _form_parts(form)
        units: dict[str, list[str]] = {}

        def collect(nodes: list[Node], unit: str) -> None:
            for node in nodes:
                if node.type == "repeat":
                    units.setdefault(node.path, [])
                    collect(node.children, node.path)
                elif node.type == "group":
                    collect(node.children, unit)
                elif _is_counted(node):
                    units.setdefault(unit, []).append(node.path)

        for top in form.children:
            if top.type == "repeat":
                collect([top], "")
            else:
                collect([top] if top.type != "group" else top.children, f"part {by_name.get(top.name, 0)}")
        cached = form.__dict__["_unit_questions"] = {
            path: (position, len(paths)) for paths in units.values() for position, path in enumerate(paths, 1)
        }
    return cached


_ENTRY = re.compile(r"\[(\d+)\]/[^\[\]]*$")


def _progress(form: Form, step: Step) -> tuple[int, int, int, int, int]:
    """(part, parts, entry, question in its unit, questions in its unit) of a step; entry is the number of
    the innermost repeat entry holding a question (0 outside repeats); notes and add-another count no
    question."""
    count, by_name = _form_parts(form)
    part = by_name.get(strip_indexes(step.path.split("/", 1)[0]), 0)
    if step.kind != "question":
        return part, count, 0, 0, 0
    position, questions = _unit_questions(form).get(step.node.path, (0, 0))
    entry = _ENTRY.search(step.path)
    return part, count, int(entry.group(1)) if entry else 0, position, questions


@_bounded
def current_prompt(
    form: Form,
    given: StateLike,
    lang: str | None = None,
    now: datetime.datetime | None = None,
) -> Prompt:
    """Describe what to ask next: a question, a note, add-another, the review, or done.

    The engine's own steps and pyxform's English-only texts come as codes and marks (`repeat`, `other_choice`,
    `specify_other`) for the adapter to word in the member's language.
    """
    now = _clock(now)
    state: dict[str, Any] = _copy_state(given)
    lang = state["lang"] = _lang(state, lang)  # jr:choice-name() labels follow it
    instance, steps, index = _current_step(form, state, now)
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
    prompt.part, prompt.parts, prompt.entry, prompt.part_question, prompt.part_questions = _progress(form, step)
    paths = {candidate.path for candidate in steps}
    prompt.can_go_back = any(path in paths and path != step.path for path in state["history"])
    if step.kind == "add_another":
        prompt.repeat = _interpolate(form, form.text(node.label, lang), instance, step.path) or node.name
        prompt.type = "select_one"
        prompt.choices = [(code, "") for code in ADD_ANOTHER_CHOICES]
        prompt.required = True
        return prompt
    prompt.label = _interpolate(form, form.text(node.label, lang), instance, step.path) or node.name
    prompt.specify_other = _is_specify_other(node)
    prompt.hint = _interpolate(form, form.text(node.hint, lang), instance, step.path)
    prompt.required = _is_required(step, instance)
    if node.type in ("select_one", "select_multiple"):
        offered = filtered_choices(form, node, instance, step.path)
        prompt.choices = [(choice.name, form.text(choice.label, lang) or choice.name) for choice in offered]
        prompt.featured = [choice.name for choice in offered if choice.featured]
        prompt.other_choice = next((choice.name for choice in offered if _is_generated_other(choice)), "")
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


def _parse_answer(
    form: Form, node: Node, value: Any, instance: Instance, path: str, lang: str | None, synonyms: Synonyms
) -> Any:
    if node.type == "integer":
        return parse_integer(value, lang)
    if node.type == "decimal":
        return parse_decimal(value, lang)
    if node.type == "date":
        return parse_date(value)
    if node.type == "file":
        return parse_document(value)
    if node.type in ("select_one", "select_multiple"):
        own_language = form.resolve_language(lang)
        options = [
            (
                choice.name,
                [choice.label.get(own_language, ""), form.text(choice.label, lang)]
                + [text for text in choice.label.values()]
                + (list(synonyms.get("other", ())) if _is_generated_other(choice) else []),
            )
            for choice in filtered_choices(form, node, instance, path)
        ]
        # "plomb" for "Plomb (Pb)": each label also without its bracketed part.
        options = [
            (name, [variant for label in labels if label for variant in (label, _unbracketed(label)) if variant])
            for name, labels in options
        ]
        if node.type == "select_one":
            return parse_select_one(value, options)
        return parse_select_multiple(value, options)
    return parse_text(value)[:MAX_STRING_CHARS]


_BRACKETED = re.compile(r"\s*[(\[（][^)\]）]*[)\]）]")


def _unbracketed(label: str) -> str:
    """A choice label without its bracketed part ("Plomb (Pb)" -> "Plomb"); "" when nothing was bracketed."""
    stripped = _BRACKETED.sub("", label).strip()
    return stripped if stripped != label.strip() else ""


@_bounded
def answer(
    form: Form,
    given: StateLike,
    value: Any,
    synonyms: Synonyms | None = None,
    expected_question: str | None = None,
    now: datetime.datetime | None = None,
) -> AnswerResult:
    """Record the user's reply to the current step and move on, or say why not (InvalidAnswer).

    `synonyms` gives the member's words for the engine's own choices (yes, no, Other), which typed replies
    are matched against besides their codes.
    """
    synonyms = synonyms or {}
    now = _clock(now)
    state: dict[str, Any] = _copy_state(given)
    lang = state.get("lang")
    instance, steps, index = _current_step(form, state, now)
    if _stale(state, steps, index, expected_question):
        return AnswerResult(accepted=False, state=_frozen(state), stale=True)
    if index is None:
        return AnswerResult(accepted=False, state=_frozen(state), error=InvalidAnswer("no_open_question"))
    step = steps[index]
    if step.kind == "note":
        _move_after(form, state, index, now)
        return AnswerResult(accepted=True, state=_frozen(state))
    if step.kind == "add_another":
        return _answer_add_another(form, state, steps, index, value, synonyms, now)
    if is_empty(value):
        return _leave_empty(form, state, steps, index, instance, now)
    try:
        parsed = _parse_answer(form, step.node, value, instance, step.path, lang, synonyms)
    except InvalidAnswer as error:
        return AnswerResult(accepted=False, state=_frozen(state), error=error)
    if is_empty(parsed):
        return _leave_empty(form, state, steps, index, instance, now)
    try:
        refused = _constraint_error(form, step, parsed, instance, lang)
    finally:
        # The instance may serve later walks of the same answers: leave it as the walk left it.
        instance.set_value(step.path, state["answers"].get(step.path))
    if refused:
        return AnswerResult(accepted=False, state=_frozen(state), error=refused)
    state["answers"][step.path] = parsed
    _remember(state, step.path)
    _move_after(form, state, index, now)
    return AnswerResult(accepted=True, state=_frozen(state))


def _remember(state: dict[str, Any], path: str) -> None:
    if not state["history"] or state["history"][-1] != path:
        state["history"].append(path)


def _constraint_error(form: Form, step: Step, value: Any, instance: Instance, lang: str | None) -> InvalidAnswer | None:
    if not step.node.constraint:
        return None
    instance.set_value(step.path, value)
    try:
        allowed = instance.evaluate_bool(step.node.constraint, step.path)
    except EvaluationLimit:
        return InvalidAnswer("rule_too_slow")
    except ExpressionError:
        allowed = False
    if allowed:
        return None
    message = form.text(step.node.constraint_message, lang)
    if message:
        return InvalidAnswer("form_message", {"text": _interpolate(form, message, instance, step.path)})
    return InvalidAnswer("not_allowed")


def _leave_empty(
    form: Form, state: dict[str, Any], steps: list[Step], index: int, instance: Instance, now: datetime.datetime
) -> AnswerResult:
    step = steps[index]
    if step.path in state["answers"]:
        # An empty reply keeps what is already there (a default or an earlier answer).
        _remember(state, step.path)
        _move_after(form, state, index, now)
        return AnswerResult(accepted=True, state=_frozen(state))
    if _is_required(step, instance):
        message = form.text(step.node.required_message, state.get("lang"))
        error = InvalidAnswer("form_message", {"text": message}) if message else InvalidAnswer("required")
        return AnswerResult(accepted=False, state=_frozen(state), error=error)
    _remember(state, step.path)
    _move_after(form, state, index, now)
    return AnswerResult(accepted=True, state=_frozen(state))


def _last_instance_is_blank(form: Form, state: dict[str, Any], repeat_path: str) -> bool:
    count = state["repeats"][repeat_path]["count"]
    prefix = f"{repeat_path}[{count}]/"
    nodes = form.node_by_path()
    return not any(
        key.startswith(prefix)
        and nodes.get(strip_indexes(key), None) is not None
        and nodes[strip_indexes(key)].type != "calculate"
        and (key in state["history"] or key not in state["defaulted"])
        for key in state["answers"]
    )


def _answer_add_another(
    form: Form,
    state: dict[str, Any],
    steps: list[Step],
    index: int,
    value: Any,
    synonyms: Synonyms,
    now: datetime.datetime,
) -> AnswerResult:
    step = steps[index]
    wants_more = match_yes_no(value, frozenset(synonyms.get("yes", ())), frozenset(synonyms.get("no", ())))
    if wants_more is None:
        return AnswerResult(accepted=False, state=_frozen(state), error=InvalidAnswer("yes_or_no"))
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
        _instance, steps = _refresh(form, state, now)
        _move_after(form, state, _find_step(steps, step.path), now)
        return AnswerResult(accepted=True, state=_frozen(state))
    instance, _steps = _refresh(form, state, now)
    info = state["repeats"][step.path]  # a cached walk hands back fresh copies
    if info["count"] >= MAX_REPEAT_COUNT or _room_for_instances(form, state, instance, step.node) < 1:
        return AnswerResult(accepted=False, state=_frozen(state), error=InvalidAnswer("no_more_entries"))
    info["count"] += 1
    info["done"] = False
    _instance, steps = _refresh(form, state, now)
    prefix = f"{step.path}[{info['count']}]/"
    first = next((position for position, candidate in enumerate(steps) if candidate.path.startswith(prefix)), None)
    state["cursor"] = steps[first].path if first is not None else step.path
    state["finished"] = False
    return AnswerResult(accepted=True, state=_frozen(state))


def skip(
    form: Form,
    given: StateLike,
    expected_question: str | None = None,
    now: datetime.datetime | None = None,
) -> AnswerResult:
    """Leave the current question empty: an optional one's earlier answer is cleared (refused when required)."""
    now = _clock(now)
    cleared: dict[str, Any] = _copy_state(given)
    _instance, steps, index = _current_step(form, cleared, now)
    if index is not None and steps[index].kind == "question" and steps[index].path in cleared["answers"]:
        instance = _refresh(form, cleared, now)[0]
        if not _is_required(steps[index], instance):
            del cleared["answers"][steps[index].path]
            return answer(form, cleared, None, expected_question=expected_question, now=now)
    return answer(form, given, None, expected_question=expected_question, now=now)


def keep(
    form: Form,
    state: StateLike,
    expected_question: str | None = None,
    now: datetime.datetime | None = None,
) -> AnswerResult:
    """Keep the current question's answer as it is and move on (an empty reply does the same)."""
    return answer(form, state, None, expected_question=expected_question, now=now)


@_bounded
def back(form: Form, given: StateLike, now: datetime.datetime | None = None) -> SurveyState:
    """Return to the previous answered question (no change at the first one)."""
    now = _clock(now)
    state: dict[str, Any] = _copy_state(given)
    _instance, steps = _refresh(form, state, now)
    paths = {step.path for step in steps}
    while state["history"]:
        path = state["history"].pop()
        if path in paths and path != state["cursor"]:
            state["cursor"] = path
            state["finished"] = False
            state["submitted"] = False
            return _frozen(state)
    return _frozen(state)


@_bounded
def jump_to(form: Form, given: StateLike, name: str, now: datetime.datetime | None = None) -> SurveyState:
    """Reopen one answered question (by name or path) from the review screen."""
    now = _clock(now)
    state: dict[str, Any] = _copy_state(given)
    _instance, steps = _refresh(form, state, now)
    for step in steps:
        if step.kind == "question" and name in (step.path, step.node.name):
            state["cursor"] = step.path
            state["editing"] = True
            state["finished"] = False
            state["submitted"] = False
            return _frozen(state)
    raise UnknownQuestionError(name)


@_bounded
def is_complete(form: Form, given: StateLike, now: datetime.datetime | None = None) -> bool:
    """Whether the end was reached with every required question answered."""
    now = _clock(now)
    state: dict[str, Any] = _copy_state(given)
    instance, steps, index = _current_step(form, state, now)
    if index is not None:
        return False
    return not any(_is_required(step, instance) and step.path not in state["answers"] for step in steps)


@_bounded
def submit(form: Form, given: StateLike, now: datetime.datetime | None = None) -> SurveyState:
    """Mark a complete response as submitted (the prompt becomes 'complete')."""
    if not is_complete(form, given, now):
        raise ValueError("the survey is not complete")
    state: dict[str, Any] = _copy_state(given)
    state["submitted"] = True
    return _frozen(state)


@_bounded
def review(
    form: Form,
    given: StateLike,
    lang: str | None = None,
    now: datetime.datetime | None = None,
    wording: Wording | None = None,
) -> list[dict[str, Any]]:
    """List the answered questions with their labels and values as the user reads them (pyxform's Other and
    "Specify other." in `wording`)."""
    now = _clock(now)
    state: dict[str, Any] = _copy_state(given)
    lang = state["lang"] = _lang(state, lang)  # jr:choice-name() labels follow it
    instance, steps = _refresh(form, state, now)
    items = []
    for step in steps:
        if step.kind != "question" or step.path not in state["answers"]:
            continue
        value = state["answers"][step.path]
        items.append(
            {
                "question": step.node.name,
                "path": step.path,
                "section": _section(form, step.path, instance, lang),
                "label": _question_label(
                    step.node, _interpolate(form, form.text(step.node.label, lang), instance, step.path), wording
                ),
                "value": value,
                "display": display_value(form, step.node, value, lang, wording),
            }
        )
    return items


@_bounded
def submission_data(form: Form, given: StateLike, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The answers by question name: numbers as numbers, selects as names, repeats as lists."""
    now = _clock(now)
    state: dict[str, Any] = _copy_state(given)
    _refresh(form, state, now)
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
