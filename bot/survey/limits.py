"""Limits that keep one uploaded form, or one member answering it, from freezing or exhausting the bot.

A form is read in three guarded stages: the file's bytes, what they unpack to and how many rows and
columns each sheet has are checked before pyxform sees the file (`bot.survey.inspect`); the parsed
form is refused when its calculations depend on themselves (`bot.survey.loader`); and while a member
answers, every expression runs with a work budget, regexes with a time limit on capped input, and
string results are cut (`bot.survey.expressions`).

A refused form raises FormLimitError, whose `problem` names the file, sheet, row and column and is
rendered in the reader's language by `problem_text` (English without translations).
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.survey.form import FormError

MB = 1024 * 1024

# The file as sent: Telegram lets bots download up to 20 MB; INSOP's forms are under 100 KB.
MAX_FORM_BYTES = 5 * MB
# What an .xlsx (a zip) may unpack to, in total, and how much more than its compressed size one part
# may be once it is large (zip bombs reach 1000 to 1).
MAX_UNPACKED_BYTES = 32 * MB
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE = 1 * MB
# Rows of the survey sheet (questions, groups, calculations) and of any other sheet (choice lists).
MAX_SURVEY_ROWS = 2_000
MAX_SHEET_ROWS = 10_000
MAX_COLUMNS = 500

# Reading a form runs in a child process with this much memory (beyond what the process starts with)
# and this much time; a form that needs more is refused and the child replaced.
PARSE_MEMORY_BYTES = 512 * MB
PARSE_SECONDS = 60

# While a member answers: an expression's string result (and every answer it reads) is cut to this many
# characters, a regex() gets at most this much input and time, and one engine step (a reply, a prompt)
# may visit this many instance nodes and spend this long in regexes in total.
MAX_STRING_CHARS = 10_000
MAX_REGEX_PATTERN = 1_000
REGEX_SECONDS = 0.1
STEP_REGEX_SECONDS = 0.5
STEP_NODE_VISITS = 500_000
# What evaluating one expression costs besides its node visits (building the context, resolving ${}),
# in node visits: it takes about as long as 100 visits (some 130 µs).
EVALUATION_VISITS = 100
# At upload, each expression is evaluated once on the empty response with this many node visits.
PROBE_EXPRESSION_VISITS = 100_000
# How deep an expression may nest (operators, parentheses, function calls) and groups and repeats may
# nest in the survey sheet. Parsing and evaluating recurse once per level (elementpath takes about four
# Python frames per operator): a sum of 300 terms exceeded Python's recursion limit in `form check`,
# and a form nested 990 groups deep failed the reader with a RecursionError instead of one line.
MAX_EXPRESSION_DEPTH = 100
MAX_GROUP_DEPTH = 50
# Repeat instances of one repeat, and of the whole response; and instance elements in all.
MAX_REPEAT_COUNT = 200
MAX_REPEAT_INSTANCES = 1_000
MAX_INSTANCE_ELEMENTS = 20_000


@dataclass
class FormProblem:
    """Something about a form that hits a limit: where it is (file, sheet, row, column) and what it is."""

    code: str
    file: str = ""
    sheet: str = ""
    row: int = 0
    column: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, for passing between processes."""
        return asdict(self)

    def text(self, tr: gettext.NullTranslations | None = None, locale: str | None = None) -> str:
        """One line in the reader's language (tr; numbers written for `locale`), naming the file, sheet, row and column."""
        return problem_text(self, tr, locale)


class FormLimitError(FormError):
    """A form refused because reading or running it would exceed a limit; `problem` says which."""

    def __init__(self, problem: FormProblem):
        super().__init__(problem.text())
        self.problem = problem

    def __reduce__(self) -> tuple[type[FormLimitError], tuple[FormProblem]]:
        return type(self), (self.problem,)


def _messages(_: Callable[[str], str]) -> dict[str, str]:
    # Each text follows "<file>: <sheet, row, column>: ". Numbers are filled in by str.format.
    return {
        "file_too_large": _("the file is larger than {limit} MB."),
        "unpacked_too_large": _("the file unpacks to more than {limit} MB."),
        "compressed_too_much": _("a part of the file unpacks to {ratio} times its packed size, as zip bombs do."),
        "too_many_rows": _("the sheet has more than {limit} rows."),
        "too_many_columns": _("the sheet has more than {limit} columns."),
        "calculation_cycle": _("the calculation of '{name}' depends on its own value ({chain})."),
        "too_much_work": _(
            "the form's conditions and calculations need too much work for each answer; "
            "use fewer of them or split the form."
        ),
        "expression_too_much_work": _("the expression of '{name}' needs too much work to evaluate."),
        "parse_timeout": _("reading the form took longer than {seconds} seconds."),
        "parse_memory": _("reading the form needed more than {limit} MB of memory."),
        "value_can_grow": _("the value of '{name}' can grow past {limit} characters; longer values are cut."),
        "slow_regex": _("the regular expression of '{name}' takes too long on some answers; they are refused."),
    }


def problem_text(problem: FormProblem, tr: gettext.NullTranslations | None = None, locale: str | None = None) -> str:
    """Render a problem as one line: file, then where (sheet, row, column), then what."""
    _ = (tr or gettext.NullTranslations()).gettext
    template = _messages(_).get(problem.code, problem.code)
    what = template.format(**{key: _number(value, locale) for key, value in problem.params.items()})
    sheet, row, column = problem.sheet, problem.row, problem.column
    if sheet and row and column:
        where = _("sheet '{sheet}', row {row}, column '{column}'").format(sheet=sheet, row=row, column=column)
    elif sheet and row:
        where = _("sheet '{sheet}', row {row}").format(sheet=sheet, row=row)
    elif sheet and column:
        where = _("sheet '{sheet}', column {column}").format(sheet=sheet, column=column)
    elif sheet:
        where = _("sheet '{sheet}'").format(sheet=sheet)
    else:
        where = ""
    if problem.file and where:
        return _("{file}: {where}: {problem}").format(file=problem.file, where=where, problem=what)
    if problem.file:
        return _("{file}: {problem}").format(file=problem.file, problem=what)
    return what


def _number(value: Any, locale: str | None) -> Any:
    """Limits as the reader writes numbers (10,000 in English, 10 000 in French); rows and names as they are."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1_000:
        from babel.numbers import format_decimal

        try:
            return format_decimal(value, locale=locale or "en")
        except (ValueError, LookupError):
            return f"{value:,}"
    return value


def megabytes(size: int) -> int:
    """A limit in bytes shown as whole megabytes."""
    return max(1, size // MB)
