"""Checks of a parsed form that keep it from exhausting the bot once members answer it.

- `check_calculation_cycles`: a calculation that depends on its own value (directly, through other
  calculations, or with `.`) is refused, as ODK Validate does; such a value changes on every walk of
  the form, and `concat(${x}, ${x})` doubled to gigabytes.
- `check_work`: the form is started once, and each of its expressions evaluated once, with a work
  budget; a form whose first step or one expression needs more is refused.
- `form_warnings`: calculations whose value can grow past MAX_STRING_CHARS (a chain of doublings),
  and regex() patterns that run out of time on probe answers.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from elementpath.exceptions import ElementPathError

from bot.survey.expressions import (
    REFERENCE,
    EvaluationLimit,
    ExpressionError,
    Instance,
    OverBudget,
    WorkBudget,
    compile_expression,
    regex_search,
    strip_indexes,
    work_budget,
)
from bot.survey.form import Form, Node
from bot.survey.limits import (
    MAX_REPEAT_COUNT,
    MAX_STRING_CHARS,
    PROBE_EXPRESSION_VISITS,
    REGEX_SECONDS,
    FormLimitError,
    FormProblem,
)

SURVEY = "survey"
# Columns of the survey sheet that hold expressions, by Node field.
EXPRESSION_COLUMNS = {
    "relevant": "relevant",
    "constraint": "constraint",
    "calculation": "calculation",
    "choice_filter": "choice_filter",
    "repeat_count": "repeat_count",
    "required": "required",
    "default": "default",
}
# How long a value of each question type can be (text: a Telegram message).
TYPED_LENGTH = {"text": 4096, "integer": 20, "decimal": 32, "date": 10}
NUMBER_LENGTH = 32
_NUMERIC_OR_BOOLEAN = {
    "count",
    "string-length",
    "sum",
    "number",
    "int",
    "round",
    "floor",
    "ceiling",
    "boolean",
    "not",
    "true",
    "false",
    "selected",
    "count-selected",
    "regex",
    "pow",
    "pi",
    "sqrt",
    "abs",
    "exp",
    "log",
    "log10",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "position",
    "last",
    "boolean-from-string",
    "starts-with",
    "contains",
    "+",
    "-",
    "*",
    "div",
    "mod",
    "=",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "and",
    "or",
    "(integer)",
    "(decimal)",
    "(float)",
    "today",
    "now",
}
_FIRST_ARGUMENT = {
    "string",
    "substring",
    "substring-before",
    "substring-after",
    "normalize-space",
    "translate",
    "selected-at",
}
_BRANCHES = {"if": (1, 2), "coalesce": (0, 1)}
# Probe answers for regex(): long runs of one character, then a character that makes the match fail.
_PROBE_RUN = 4096


def _as_variables(expression: str) -> tuple[str, dict[str, str]]:
    """Replace each ${name} by an XPath variable $rN, so the expression parses and references stay visible."""
    names: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        return "$" + names.setdefault(match.group(1), f"r{len(names)}")

    text = REFERENCE.sub(replace, expression)
    return text, {variable: name for name, variable in names.items()}


def _tree(expression: str) -> Any:
    """The parsed expression with ${name} as variables, and the variables' names; None if unparsable."""
    text, variables = _as_variables(expression)
    try:
        return compile_expression(text), variables
    except (ExpressionError, ElementPathError):
        return None, variables


def _tokens(token: Any) -> Iterator[Any]:
    yield token
    for child in token:
        yield from _tokens(child)


def _reads_itself(token: Any) -> bool:
    """Whether a bare `.` (the node's own value) occurs outside location paths and predicates."""
    if token.symbol == ".":
        return True
    if token.symbol in ("/", "//", "["):
        return False
    return any(_reads_itself(child) for child in token)


def dependencies(node: Node, expression: str, nodes_by_path: dict[str, Node], root_name: str) -> set[str]:
    """Names of the nodes an expression reads: ${name}, absolute paths /root/..., and `.` (itself)."""
    names = set(REFERENCE.findall(expression))
    prefix = f"/{root_name}/"
    token, _variables = _tree(expression)
    if token is None:
        return names
    for path_token in _tokens(token):
        if path_token.symbol == "/" and len(path_token) == 2:
            text = _path_text(path_token)
            if text and text.startswith(prefix):
                target = nodes_by_path.get(strip_indexes(text[len(prefix) :]))
                if target is not None:
                    names.add(target.name)
    if _reads_itself(token):
        names.add(node.name)
    return names


def _path_text(token: Any) -> str | None:
    """'/data/a/b' for an absolute location path of plain names, else None."""
    parts = []
    while token.symbol == "/" and len(token) == 2:
        if token[1].symbol != "(name)":
            return None
        parts.append(token[1].value)
        token = token[0]
    if token.symbol == "/" and len(token) == 1 and token[0].symbol == "(name)":
        parts.append(token[0].value)
        return "/" + "/".join(reversed(parts))
    return None


def _where(node: Node, column: str, source: str) -> dict[str, Any]:
    return {"file": source, "sheet": SURVEY, "row": node.row, "column": column}


# ---------------------------------------------------------------- cycles


def check_calculation_cycles(form: Form, source: str) -> None:
    """Refuse a form whose calculations depend on their own value; the message names the chain."""
    nodes_by_path = form.node_by_path()
    calculates = {node.name: node for node in form.iter_nodes() if node.type == "calculate" and node.calculation}
    edges = {
        name: sorted(dependencies(node, node.calculation, nodes_by_path, form.root_name) & calculates.keys())
        for name, node in calculates.items()
    }
    state: dict[str, int] = {}  # 1 while on the path, 2 once finished
    for start in calculates:  # document order: the first calculation of a cycle is named
        if state.get(start):
            continue
        path: list[str] = [start]
        iterators = [iter(edges[start])]
        state[start] = 1
        while iterators:
            following = next(iterators[-1], None)
            if following is None:
                state[path.pop()] = 2
                iterators.pop()
                continue
            if state.get(following) == 1:
                chain = path[path.index(following) :] + [following]
                first = calculates[chain[0]]
                raise FormLimitError(
                    FormProblem(
                        "calculation_cycle",
                        **_where(first, "calculation", source),
                        params={"name": first.name, "chain": " → ".join(chain)},
                    )
                )
            if not state.get(following):
                state[following] = 1
                path.append(following)
                iterators.append(iter(edges[following]))


# ---------------------------------------------------------------- work


def check_work(form: Form, source: str) -> None:
    """Refuse a form whose first step, or one of its expressions on the empty response, needs too much work."""
    from bot.survey import engine

    with work_budget(WorkBudget()) as budget:
        engine.current_prompt(form, engine.start(form))
    if budget.exceeded:
        raise FormLimitError(FormProblem("too_much_work", source, SURVEY, params={}))
    instance = Instance(form, {}, {})
    for node in form.iter_nodes():
        if node.choice_filter and node.list_name in form.choices:
            # The filter runs once per choice each time the question is shown or answered.
            probe = WorkBudget()
            with work_budget(probe):
                engine.filtered_choices(form, node, instance, node.path)
            if probe.exceeded:
                raise FormLimitError(
                    FormProblem(
                        "expression_too_much_work", **_where(node, "choice_filter", source), params={"name": node.name}
                    )
                )
        for field, column in EXPRESSION_COLUMNS.items():
            expression = getattr(node, field)
            if not expression or (field == "default" and "${" not in expression and "(" not in expression):
                continue
            probe = WorkBudget(node_visits=PROBE_EXPRESSION_VISITS)
            try:
                with work_budget(probe):
                    instance.evaluate(expression, node.path)
            except EvaluationLimit:
                if probe.exceeded:
                    raise FormLimitError(
                        FormProblem(
                            "expression_too_much_work", **_where(node, column, source), params={"name": node.name}
                        )
                    ) from None
            except ExpressionError:
                pass  # failing on an empty response is fine; the loader already parsed it


# ---------------------------------------------------------------- warnings


def form_warnings(form: Form, source: str, probe_seconds: float = 3.0) -> list[FormProblem]:
    """Problems that do not stop the form: values that can grow past the cap, slow regular expressions."""
    return _growth_warnings(form, source) + _regex_warnings(form, source, probe_seconds)


def _growth_warnings(form: Form, source: str) -> list[FormProblem]:
    lengths: dict[str, int] = {}
    nodes = {node.name: node for node in form.iter_nodes()}

    def length_of(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name in lengths:
            return lengths[name]
        node = nodes.get(name)
        if node is None or name in seen:
            return MAX_STRING_CHARS
        if node.type == "calculate":
            token, variables = _tree(node.calculation) if node.calculation else (None, {})
            size = _bound(token, variables, seen | {name}) if token is not None else 0
        elif node.type in ("select_one", "select_multiple"):
            names = [len(choice.name) + 1 for choice in form.choices.get(node.list_name, [])]
            size = max(names, default=0) if node.type == "select_one" else sum(names)
        else:
            size = TYPED_LENGTH.get(node.type, TYPED_LENGTH["text"])
        lengths[name] = size
        return size

    def _bound(token: Any, variables: dict[str, str], seen: frozenset[str]) -> int:
        symbol = token.symbol
        if symbol == "(string)":
            return len(token.value)
        if symbol == "$":
            name = variables.get(token.value)
            return length_of(name, seen) if name else TYPED_LENGTH["text"]
        if symbol in _NUMERIC_OR_BOOLEAN:
            return NUMBER_LENGTH
        if symbol == ":" and len(token) == 2:  # jr:choice-name(): a label
            return max(
                (
                    len(text)
                    for choices in form.choices.values()
                    for choice in choices
                    for text in choice.label.values()
                ),
                default=0,
            )
        if symbol in _BRANCHES:
            return max(
                (_bound(token[index], variables, seen) for index in _BRANCHES[symbol] if index < len(token)), default=0
            )
        if symbol in _FIRST_ARGUMENT and len(token):
            return _bound(token[0], variables, seen)
        if symbol == "join":
            return sum(_bound(child, variables, seen) for child in token) * MAX_REPEAT_COUNT
        if symbol in ("/", "//", "[", "(name)", ".", "..", "*"):
            return TYPED_LENGTH["text"]
        return sum(_bound(child, variables, seen) for child in token)  # concat and the rest

    problems = []
    nodes_by_path = form.node_by_path()
    for node in form.iter_nodes():
        if node.type != "calculate" or not node.calculation or length_of(node.name) <= MAX_STRING_CHARS:
            continue
        inputs = dependencies(node, node.calculation, nodes_by_path, form.root_name) - {node.name}
        if any(
            nodes[name].type == "calculate" and length_of(name) > MAX_STRING_CHARS for name in inputs if name in nodes
        ):
            continue  # name where the growth starts, not every calculation downstream
        problems.append(
            FormProblem(
                "value_can_grow",
                **_where(node, "calculation", source),
                params={"name": node.name, "limit": MAX_STRING_CHARS},
            )
        )
    return problems


def _probe_answers() -> list[str]:
    runs = ["a", "A", "0", " ", "a0", "aA", "-", ".", "_", "@", "a ", "0."]
    return [run * (_PROBE_RUN // len(run)) + end for run in runs for end in ("!", "\n")]


def _regex_warnings(form: Form, source: str, probe_seconds: float) -> list[FormProblem]:
    problems: list[FormProblem] = []
    deadline = time.monotonic() + probe_seconds
    answers = _probe_answers()
    for node in form.iter_nodes():
        for field, column in EXPRESSION_COLUMNS.items():
            expression = getattr(node, field)
            if "regex" not in expression:
                continue
            token, _variables = _tree(expression)
            patterns = (
                [
                    call[1].value
                    for call in _tokens(token)
                    if call.symbol == "regex" and len(call) == 2 and call[1].symbol == "(string)"
                ]
                if token is not None
                else []
            )
            for pattern in patterns:
                if time.monotonic() > deadline:
                    return problems  # probing is best effort: at most probe_seconds per form
                if _times_out(pattern, answers):
                    problems.append(
                        FormProblem("slow_regex", **_where(node, column, source), params={"name": node.name})
                    )
                    break
    return problems


def _times_out(pattern: str, answers: list[str]) -> bool:
    for answer in answers:
        budget = WorkBudget(regex_seconds=REGEX_SECONDS)
        try:
            regex_search(pattern, answer, budget)
        except OverBudget:
            return True
    return False
