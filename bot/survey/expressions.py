"""ODK XPath 1.0 evaluation over an XForm instance built from the answers (elementpath)."""

from __future__ import annotations

import contextvars
import datetime
import decimal
import math
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import regex
from elementpath import ElementNode, XPath1Parser, XPathContext, get_node_tree
from elementpath.exceptions import ElementPathError
from lxml import etree

from bot.survey.form import Form, Node
from bot.survey.limits import (
    EVALUATION_VISITS,
    MAX_EXPRESSION_DEPTH,
    MAX_REGEX_PATTERN,
    MAX_STRING_CHARS,
    REGEX_SECONDS,
    STEP_NODE_VISITS,
    STEP_REGEX_SECONDS,
)

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][\w.\-]*)\s*\}")
_INDEX = re.compile(r"\[(\d+)\]$")


class ExpressionError(ValueError):
    """An XPath expression that cannot be parsed or evaluated."""


class EvaluationLimit(ExpressionError):
    """An expression stopped because it needed more work than allowed (a slow regex, a huge node walk)."""


class OverBudget(Exception):
    """Raised inside elementpath's evaluation to stop it (elementpath wraps ValueErrors, not this);
    Instance.evaluate turns it into EvaluationLimit."""


class WorkBudget:
    """The work one engine step (a reply, a prompt) may spend on expressions: node visits and regex time.

    A form is data from a coordinator's upload, so a crafted expression (a regex that backtracks for
    hours, a path nested in its own predicates) must not hold the bot: once the budget is spent, every
    further expression of the step fails at once as EvaluationLimit.
    """

    __slots__ = ("node_visits", "regex_seconds", "exceeded")

    def __init__(self, node_visits: int = STEP_NODE_VISITS, regex_seconds: float = STEP_REGEX_SECONDS):
        self.node_visits = node_visits
        self.regex_seconds = regex_seconds
        self.exceeded = False

    def spend_visit(self) -> None:
        """Count one node an XPath step looked at."""
        self.node_visits -= 1
        if self.node_visits < 0:
            self.exceeded = True
            raise OverBudget("the expressions looked at too many nodes")

    def spend_visits(self, count: int) -> None:
        """Count `count` nodes an XPath step looked at."""
        self.node_visits -= count
        if self.node_visits < 0:
            self.exceeded = True
            raise OverBudget("the expressions looked at too many nodes")


_BUDGET: contextvars.ContextVar[WorkBudget | None] = contextvars.ContextVar("work_budget", default=None)
_UNCOUNTED = WorkBudget(node_visits=math.inf)  # type: ignore[arg-type]  # never runs out  # outside Instance.evaluate (static checks)


@contextmanager
def work_budget(budget: WorkBudget | None = None) -> Iterator[WorkBudget]:
    """Give the code inside one WorkBudget, yielded: `budget` if given, else the current one or a new one."""
    if budget is None:
        budget = _BUDGET.get()
        if budget is not None:
            yield budget
            return
        budget = WorkBudget()
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


class _CountingContext(XPathContext):
    """An XPath context whose axis iterators charge every node they yield to the current work budget."""

    def iter_children_or_self(self) -> Iterator[Any]:
        budget = _BUDGET.get() or _UNCOUNTED
        for item in super().iter_children_or_self():
            budget.spend_visit()
            yield item

    def iter_matching_nodes(self, name: str, default_namespace: str | None = None) -> Iterator[Any]:
        # A name step looks at every child to yield the few that match: charge the children it scans.
        if self.axis is None and isinstance(self.item, ElementNode):
            (_BUDGET.get() or _UNCOUNTED).spend_visits(len(self.item))
        yield from super().iter_matching_nodes(name, default_namespace)

    def iter_descendants(self, axis: str | None = None) -> Iterator[Any]:
        budget = _BUDGET.get() or _UNCOUNTED
        for item in super().iter_descendants(axis):
            budget.spend_visit()
            yield item

    def iter_ancestors(self, axis: str | None = None) -> Iterator[Any]:
        budget = _BUDGET.get() or _UNCOUNTED
        for item in super().iter_ancestors(axis):
            budget.spend_visit()
            yield item

    def iter_siblings(self, axis: str | None = None) -> Iterator[Any]:
        budget = _BUDGET.get() or _UNCOUNTED
        for item in super().iter_siblings(axis):
            budget.spend_visit()
            yield item

    def iter_preceding(self) -> Iterator[Any]:
        budget = _BUDGET.get() or _UNCOUNTED
        for item in super().iter_preceding():
            budget.spend_visit()
            yield item

    def iter_followings(self) -> Iterator[Any]:
        budget = _BUDGET.get() or _UNCOUNTED
        for item in super().iter_followings():
            budget.spend_visit()
            yield item


class ODKXPathParser(XPath1Parser):
    """XPath 1.0 parser extended with the ODK XForms function library."""

    # jr:choice-name(): the JavaRosa namespace forms use for it.
    DEFAULT_NAMESPACES = {**XPath1Parser.DEFAULT_NAMESPACES, "jr": "http://openrosa.org/javarosa"}


# The Instance evaluating an expression right now: functions that need the form (jr:choice-name) read it.
_EVALUATING: contextvars.ContextVar[Instance] = contextvars.ContextVar("evaluating")


_method = ODKXPathParser.method
_function = ODKXPathParser.function
ODKXPathParser.unregister("position")
ODKXPathParser.unregister("round")


def _string_arg(token: Any, context: Any, index: int = 0) -> str:
    value = token.get_argument(context, index=index)
    return "" if value is None else token.string_value(value)


def _number_arg(token: Any, context: Any, index: int = 0) -> float:
    value = token.get_argument(context, index=index)
    return math.nan if value is None else float(token.number_value(value))


@_method(_function("position", nargs=(0, 1)))
def evaluate__position(self: Any, context: Any = None) -> Any:
    if self.context is not None:
        context = self.context
    if not self:
        return context.position
    nodes = list(self[0].select(context))
    if not nodes or not hasattr(nodes[0], "elem"):
        return math.nan
    element = nodes[0].elem
    return 1 + sum(1 for sibling in element.itersiblings(preceding=True) if sibling.tag == element.tag)


@_method(_function("round", nargs=(1, 2)))
def evaluate__round(self: Any, context: Any = None) -> Any:
    number = _number_arg(self, context)
    digits = int(_number_arg(self, context, 1)) if len(self) > 1 else 0
    if math.isnan(number) or math.isinf(number):
        return number
    quantum = decimal.Decimal(1).scaleb(-digits)
    return float(decimal.Decimal(repr(number)).quantize(quantum, rounding=decimal.ROUND_HALF_UP))


@_method(_function("if", nargs=3))
def evaluate__if(self: Any, context: Any = None) -> Any:
    chosen = self[1] if self.boolean_value(self[0].evaluate(context)) else self[2]
    return chosen.evaluate(context)


@_method(_function("selected", nargs=2))
def evaluate__selected(self: Any, context: Any = None) -> Any:
    return _string_arg(self, context, 1).strip() in _string_arg(self, context).split()


@_method(_function("choice-name", prefix="jr", nargs=2))
def evaluate__choice_name(self: Any, context: Any = None) -> Any:
    """The label, in the member's language, of choice `value` of the question at path `question`."""
    instance = _EVALUATING.get(None)
    if instance is None or context is None:
        return ""  # the parser's static check, with no answers to read
    return instance.choice_label(_string_arg(self, context).strip(), _string_arg(self, context, 1).strip())


@_method(_function("count-selected", nargs=1))
def evaluate__count_selected(self: Any, context: Any = None) -> Any:
    return len(_string_arg(self, context).split())


@_method(_function("selected-at", nargs=2))
def evaluate__selected_at(self: Any, context: Any = None) -> Any:
    names = _string_arg(self, context).split()
    index = _number_arg(self, context, 1)
    return names[int(index)] if not math.isnan(index) and 0 <= int(index) < len(names) else ""


@_method(_function("coalesce", nargs=2))
def evaluate__coalesce(self: Any, context: Any = None) -> Any:
    first = _string_arg(self, context)
    return first if first else _string_arg(self, context, 1)


@_method(_function("regex", nargs=2))
def evaluate__regex(self: Any, context: Any = None) -> Any:
    """ODK's regex(value, pattern): whether the pattern matches anywhere in the value.

    Run by the `regex` module with a time limit on input cut to MAX_STRING_CHARS: a pattern that
    backtracks catastrophically stops after REGEX_SECONDS (and the step's regex time is shared).
    """
    return regex_search(_string_arg(self, context, 1), _string_arg(self, context), _BUDGET.get())


def regex_search(pattern: str, value: str, budget: WorkBudget | None = None) -> bool:
    """regex() with the limits; a pattern that runs out of time raises OverBudget."""
    if len(pattern) > MAX_REGEX_PATTERN:
        return False
    seconds = REGEX_SECONDS if budget is None else min(REGEX_SECONDS, budget.regex_seconds)
    if seconds <= 0:
        raise OverBudget("regular expressions took too long")
    started = time.monotonic()
    try:
        return regex.search(pattern, value[:MAX_STRING_CHARS], timeout=seconds) is not None
    except TimeoutError:
        raise OverBudget(f"the regular expression {pattern!r} took too long") from None
    except (regex.error, ValueError, TypeError, OverflowError, RecursionError):
        return False
    finally:
        if budget is not None:
            budget.regex_seconds -= time.monotonic() - started


def _clock() -> datetime.datetime:
    """The time the evaluating Instance was given, local to the server; it notes that its answers depend on it."""
    instance = _EVALUATING.get(None)
    if instance is None:  # the parser's static check
        return datetime.datetime.now().astimezone()
    instance.read_clock = True
    return instance.now.astimezone()


@_method(_function("today", nargs=0))
def evaluate__today(self: Any, context: Any = None) -> Any:
    return _clock().date().isoformat()


@_method(_function("now", nargs=0))
def evaluate__now(self: Any, context: Any = None) -> Any:
    return _clock().isoformat(timespec="seconds")


@_method(_function("int", nargs=1))
def evaluate__int(self: Any, context: Any = None) -> Any:
    number = _number_arg(self, context)
    return number if math.isnan(number) or math.isinf(number) else int(number)


@_method(_function("boolean-from-string", nargs=1))
def evaluate__boolean_from_string(self: Any, context: Any = None) -> Any:
    return _string_arg(self, context).strip() in ("true", "1")


@_method(_function("pow", nargs=2))
def evaluate__pow(self: Any, context: Any = None) -> Any:
    try:
        return math.pow(_number_arg(self, context), _number_arg(self, context, 1))
    except (OverflowError, ValueError):
        return math.nan


@_method(_function("pi", nargs=0))
def evaluate__pi(self: Any, context: Any = None) -> Any:
    return math.pi


def _register_math(name: str, func: Callable[[float], Any]) -> None:
    @_method(_function(name, nargs=1))
    def evaluate(self: Any, context: Any = None) -> Any:
        try:
            return func(_number_arg(self, context))
        except (OverflowError, ValueError):
            return math.nan


_MATH: dict[str, Callable[[float], Any]] = {
    "sqrt": math.sqrt,
    "abs": abs,
    "exp": math.exp,
    "log": math.log,
    "log10": math.log10,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
}
for _name, _func in _MATH.items():
    _register_math(_name, _func)


_PARSER = ODKXPathParser()


@lru_cache(maxsize=2048)
def compile_expression(expression: str) -> Any:
    """Parse an XPath expression once (raises ExpressionError on bad syntax)."""
    try:
        token = _PARSER.parse(expression)
    except ElementPathError as error:
        raise ExpressionError(f"invalid expression {expression!r}: {error}") from None
    except RecursionError:
        token = None
    if token is None or _depth(token) > MAX_EXPRESSION_DEPTH:
        raise ExpressionError(
            f"the expression nests more than {MAX_EXPRESSION_DEPTH} levels deep "
            "(operators, parentheses, function calls)"
        )
    return token


def _depth(token: Any) -> int:
    """How deep a parsed expression nests, counted without recursion."""
    deepest, stack = 0, [(token, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_EXPRESSION_DEPTH:
            stack.extend((child, depth + 1) for child in node)
    return deepest


def check_expression(expression: str, known_names: set[str]) -> None:
    """Raise ExpressionError if an expression is unparsable or names an unknown question."""
    for name in REFERENCE.findall(expression):
        if name not in known_names:
            raise ExpressionError(f"${{{name}}} names no question in the form")
    compile_expression(REFERENCE.sub("/data/x", expression))


def strip_indexes(concrete_path: str) -> str:
    """Turn 'r[2]/n' into 'r/n'."""
    return "/".join(_INDEX.sub("", part) for part in concrete_path.split("/") if part)


def reference_path(target: Node, context_path: str, root_name: str, relative: bool = False) -> str:
    """Instance path of ${target}, pinned to the context's own repeat instances.

    Absolute by default. With `relative` (the context is the element at context_path), a target that
    shares ancestors with the context is reached by going up from it ("../pollutant"): the same node,
    without an absolute path's [n] predicates, which scan every instance of each repeat on the way.
    """
    parts, shared_depth, ups = _pinned(target.path, context_path)
    if relative and shared_depth:
        return "/".join([".."] * ups + list(parts[shared_depth:])) or "."
    return "/" + root_name + "/" + "/".join(parts)


@lru_cache(maxsize=65536)
def _pinned(target_path: str, context_path: str) -> tuple[tuple[str, ...], int, int]:
    """The target's path parts pinned to the context's repeat instances, how many lead parts it shares
    with the context, and how many levels a relative path goes up from the context."""
    context_parts = [part for part in context_path.split("/") if part]
    parts = []
    shared = True
    shared_depth = 0
    for depth, name in enumerate(target_path.split("/")):
        shared = shared and depth < len(context_parts) and _INDEX.sub("", context_parts[depth]) == name
        parts.append(context_parts[depth] if shared else name)
        shared_depth += shared
    return tuple(parts), shared_depth, len(context_parts) - shared_depth


# The conditions most forms are made of ("${a} = 'yes' or selected(${b}, 'other')"), read without XPath:
# comparisons of one answer with a quoted text, joined by and/or. Anything else goes to elementpath.
_SIMPLE_TERM = re.compile(
    r"\s*(?:\$\{\s*([A-Za-z_][\w.\-]*)\s*\}\s*(!?=)\s*(?:'([^']*)'|\"([^\"]*)\")"
    r"|selected\(\s*\$\{\s*([A-Za-z_][\w.\-]*)\s*\}\s*,\s*(?:'([^']*)'|\"([^\"]*)\")\s*\))\s*"
)
_JOINER = re.compile(r"(and|or)\b")
SimpleTerm = tuple[str, str, str]  # (question name, "=" / "!=" / "selected", text)


@lru_cache(maxsize=4096)
def simple_condition(expression: str) -> tuple[tuple[SimpleTerm, ...], ...] | None:
    """A condition as terms OR-ed of AND-ed groups, or None when it is not that simple."""
    groups: list[list[SimpleTerm]] = [[]]
    position = 0
    while True:
        match = _SIMPLE_TERM.match(expression, position)
        if match is None:
            return None
        if match.group(1):
            groups[-1].append(
                (match.group(1), match.group(2), match.group(3) if match.group(3) is not None else match.group(4))
            )
        else:
            groups[-1].append(
                (match.group(5), "selected", match.group(6) if match.group(6) is not None else match.group(7))
            )
        position = match.end()
        if position == len(expression):
            return tuple(tuple(group) for group in groups)
        joiner = _JOINER.match(expression, position)
        if joiner is None:
            return None
        if joiner.group(1) == "or":
            groups.append([])
        position = joiner.end()


def resolve_references(
    expression: str, form: Form, nodes_by_name: dict[str, Node], context_path: str, relative: bool = False
) -> str:
    """Replace each ${name} by the instance path it means from the context question."""

    def replace(match: re.Match[str]) -> str:
        node = nodes_by_name.get(match.group(1))
        if node is None:
            raise ExpressionError(f"${{{match.group(1)}}} names no question in the form")
        return reference_path(node, context_path, form.root_name, relative)

    return REFERENCE.sub(replace, expression)


class Instance:
    """The XForm instance XML of a survey state, with elements addressable by path."""

    def __init__(
        self,
        form: Form,
        answers: Mapping[str, Any],
        repeat_counts: Mapping[str, int],
        lang: str | None = None,
        now: datetime.datetime | None = None,
    ):
        self.form = form
        self.lang = lang
        # today() and now() read this time, given by the caller; read_clock records that they did, so
        # results that depend on the time are never reused at another time.
        self.now = now if now is not None else datetime.datetime.now(datetime.UTC)
        self.read_clock = False
        self.root = etree.Element(form.root_name)
        self.elements: dict[str, etree._Element] = {"": self.root}
        self.nodes_by_name = {node.name: node for node in form.iter_nodes()}
        self._build(self.root, form.children, "", answers, repeat_counts)
        # elementpath wraps the XML in a node tree; wrapping it for every expression was most of the
        # engine's time, so the tree is kept until an answer changes (node trees copy the texts).
        self._node_tree: Any = None

    def _build(
        self,
        parent: etree._Element,
        nodes: list[Node],
        prefix: str,
        answers: Mapping[str, Any],
        repeat_counts: Mapping[str, int],
    ) -> None:
        for node in nodes:
            path = f"{prefix}{node.name}"
            if node.type == "repeat":
                for index in range(1, repeat_counts.get(path, 0) + 1):
                    element = etree.SubElement(parent, node.name)
                    instance_path = f"{path}[{index}]"
                    self.elements[instance_path] = element
                    self._build(element, node.children, instance_path + "/", answers, repeat_counts)
                continue
            element = etree.SubElement(parent, node.name)
            self.elements[path] = element
            if node.type == "group":
                self._build(element, node.children, path + "/", answers, repeat_counts)
            else:
                element.text = serialize_value(answers.get(path))

    def set_value(self, path: str, value: Any) -> None:
        """Write one answer into the instance so later expressions see it."""
        element = self.elements.get(path)
        if element is not None:
            text = serialize_value(value)
            if element.text != text:
                element.text = text
                self._node_tree = None

    def _context_element(self, context_path: str) -> etree._Element:
        path = context_path
        while path not in self.elements and path:
            path = path.rpartition("/")[0]
        return self.elements[path]

    def evaluate(self, expression: str, context_path: str, item: Any = None) -> Any:
        """Evaluate an ODK expression with '.' at context_path (or at a choice item).

        The work is charged to the current WorkBudget (a fresh one outside an engine step); a string
        result is cut to MAX_STRING_CHARS so a calculation that doubles itself cannot grow.
        """
        budget = _BUDGET.get() or WorkBudget()
        if budget.exceeded:
            raise EvaluationLimit(f"cannot evaluate {expression!r}: this step already used its work budget")
        try:
            budget.spend_visits(EVALUATION_VISITS)
        except OverBudget as error:
            raise EvaluationLimit(f"cannot evaluate {expression!r}: {error}") from None
        relative = item is None and context_path in self.elements
        resolved = resolve_references(expression, self.form, self.nodes_by_name, context_path, relative)
        token = compile_expression(resolved)
        element = (
            item
            if item is not None
            else self.elements[context_path]
            if relative
            else self._context_element(context_path)
        )
        evaluating = _EVALUATING.set(self)
        budget_token = _BUDGET.set(budget)
        try:
            if self._node_tree is None:
                self._node_tree = get_node_tree(self.root)
            result = token.evaluate(_CountingContext(self._node_tree, item=element))
        except OverBudget as error:
            raise EvaluationLimit(f"cannot evaluate {expression!r}: {error}") from None
        except (
            ElementPathError,
            TypeError,
            ValueError,
            ZeroDivisionError,
            AttributeError,
            OverflowError,
            RecursionError,
        ) as error:
            raise ExpressionError(f"cannot evaluate {expression!r}: {error}") from None
        finally:
            _BUDGET.reset(budget_token)
            _EVALUATING.reset(evaluating)
        if isinstance(result, str) and len(result) > MAX_STRING_CHARS:
            return result[:MAX_STRING_CHARS]
        return result

    def choice_label(self, name: str, question_path: str) -> str:
        """jr:choice-name: the label of choice `name` of the select question at `question_path` ('' if none)."""
        parts = [part for part in question_path.split("/") if part]
        if parts[:1] == [self.form.root_name]:
            parts = parts[1:]
        node = self.form.node_by_path().get(strip_indexes("/".join(parts)))
        if node is None or not node.list_name:
            return ""
        for choice in self.form.choices.get(node.list_name, []):
            if choice.name == name:
                return self.form.text(choice.label, self.lang) or choice.name
        return ""

    def evaluate_bool(self, expression: str, context_path: str, item: Any = None) -> bool:
        """Evaluate an expression as an XPath boolean."""
        if item is None:
            simple = self._simple_bool(expression, context_path)
            if simple is not None:
                return simple
        return bool(self.evaluate(f"boolean({expression})", context_path, item))

    def _simple_bool(self, expression: str, context_path: str) -> bool | None:
        """A simple condition (see simple_condition) read straight from the instance, as XPath reads it;
        None when it is not simple or names an answer that is not one element (a repeat's, from outside)."""
        groups = simple_condition(expression)
        if groups is None:
            return None
        texts: list[list[tuple[str, str, str]]] = []
        for group in groups:
            row = []
            for name, operator, literal in group:
                node = self.nodes_by_name.get(name)
                if node is None or node.type in ("group", "repeat"):
                    return None
                element = self.elements.get("/".join(_pinned(node.path, context_path)[0]))
                if element is None:
                    return None
                row.append((element.text or "", operator, literal))
            texts.append(row)
        budget = _BUDGET.get() or WorkBudget()
        if budget.exceeded:
            raise EvaluationLimit(f"cannot evaluate {expression!r}: this step already used its work budget")
        try:
            budget.spend_visits(EVALUATION_VISITS)
        except OverBudget as error:
            raise EvaluationLimit(f"cannot evaluate {expression!r}: {error}") from None
        return any(all(_holds(text, operator, literal) for text, operator, literal in row) for row in texts)

    def evaluate_string(self, expression: str, context_path: str) -> str:
        """Evaluate an expression as an XPath string (at most MAX_STRING_CHARS characters)."""
        return str(self.evaluate(f"string({expression})", context_path))[:MAX_STRING_CHARS]


def _holds(text: str, operator: str, literal: str) -> bool:
    """One simple term: XPath's string comparison, or ODK's selected()."""
    if operator == "=":
        return text == literal
    if operator == "!=":
        return text != literal
    return literal.strip() in text.split()


def serialize_value(value: Any) -> str | None:
    """Write an answer as XForm instance text (select_multiple space-separated, cut to MAX_STRING_CHARS)."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):  # a document answer: XForms hold the file name, as ODK Collect does
        value = value.get("name") or ""
    if isinstance(value, list):
        return _NOT_XML.sub("", " ".join(str(item) for item in value)[:MAX_STRING_CHARS])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value)) if abs(value) < 1e15 else repr(value)
    return _NOT_XML.sub("", str(value)[:MAX_STRING_CHARS])
