"""Load an XLSForm file (.xlsx, .xls, .csv, .md) with pyxform into a Form.

The bytes are checked first (`bot.survey.intake`: size, what a zip unpacks to, rows and columns),
then parsed once by pyxform, then the form is checked (`bot.survey.analysis`: calculation cycles, the
work one answer needs). Run it in a child process for files from users (`bot.survey.sandbox`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from bot.survey.analysis import check_calculation_cycles, check_work, form_warnings
from bot.survey.expressions import ExpressionError, check_expression
from bot.survey.form import DEFAULT_LANGUAGE_KEY, Choice, Form, FormError, Node
from bot.survey.intake import check_form_bytes
from bot.survey.limits import MAX_FORM_BYTES, MAX_GROUP_DEPTH, FormLimitError, FormProblem, megabytes

TYPE_NAMES = {
    "text": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "note": "note",
    "date": "date",
    "file": "file",  # a document sent in the chat (bot.survey.values.parse_document)
    "calculate": "calculate",
    "group": "group",
    "repeat": "repeat",
}
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
}
# A question whose answer names the person (their name, e-mail, phone): `bind::insop:personal` = yes on the
# survey sheet, with `namespaces` = insop="https://insop.fao.org/xforms" on the settings sheet so that the
# XForm pyxform writes stays valid. /forget erases these answers from the member's submitted surveys.
PERSONAL_BIND = "insop:personal"
_PYXFORM_ROW = re.compile(r"\[row : (\d+)\]")
# pyxform turns ‘ ’ “ ” into straight quotes in every cell (meant for expressions typed in a spreadsheet), so
# "l’INSOP" and «“过去两年”» reached the chat as "l'INSOP" and '"过去两年"'. In the texts people read they are
# swapped for private-use characters before pyxform parses the sheets, and back afterwards.
_KEPT_QUOTES = {"\u2018": "\ue018", "\u2019": "\ue019", "\u201c": "\ue01c", "\u201d": "\ue01d"}
_PROTECT_QUOTES = str.maketrans(_KEPT_QUOTES)
_RESTORE_QUOTES = str.maketrans({kept: quote for quote, kept in _KEPT_QUOTES.items()})
_TEXT_COLUMNS = (
    "label",
    "hint",
    "guidance_hint",
    "constraint_message",
    "constraint message",
    "jr:constraintmsg",
    "required_message",
    "required message",
    "jr:requiredmsg",
)
_CHOICE_KEYS = {"name", "label", "media", "image", "audio", "video"}


def load_form(path: str | Path) -> Form:
    """Read an XLSForm file into a Form, raising FormError with a one-line message."""
    return load_form_bytes(read_form_file(path), Path(path).name)


def read_form_file(path: str | Path) -> bytes:
    """A form file's bytes, refused (FormLimitError) past MAX_FORM_BYTES without reading further."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_FORM_BYTES + 1)
    except FileNotFoundError:
        raise FormError(f"{path.name}: file not found") from None
    except OSError as error:
        raise FormError(f"{path.name}: cannot read the file ({_one_line(str(error))})") from None
    if len(content) > MAX_FORM_BYTES:
        raise FormLimitError(FormProblem("file_too_large", path.name, params={"limit": megabytes(MAX_FORM_BYTES)}))
    return content


def load_form_bytes(content: bytes, filename: str) -> Form:
    """Check and parse a form file's bytes (FormError, or FormLimitError for a limit, with one line)."""
    return check_and_load(content, filename)[0]


def check_and_load(content: bytes, filename: str, warnings: bool = False) -> tuple[Form, list[FormProblem]]:
    """The form in these bytes and, if asked, what is worth a warning (values that can grow, slow regexes)."""
    # pyxform (with openpyxl, xlrd, numpy) is about 30 MB: imported when a form file is read, not by every process
    # that only runs stored forms (README, Benchmarks: memory).
    from pyxform import constants
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import Definition, SupportedFileTypes, get_xlsform

    name = Path(filename).name or "form"
    kind = check_form_bytes(content, name)
    definition = Definition(
        data=io.BytesIO(content),
        file_type=SupportedFileTypes(kind) if kind else None,
        file_path_stem=Path(name).stem,
    )
    try:
        workbook = get_xlsform(definition)
        _protect_quotes(workbook.survey, workbook.choices)
        rows = _survey_rows(workbook)
        parsed = workbook_to_json(
            workbook_dict=workbook,
            form_name=constants.DEFAULT_FORM_NAME,
            fallback_form_name=workbook.fallback_form_name,
            default_language=constants.DEFAULT_LANGUAGE_VALUE,
            warnings=[],
        )
    except PyXFormError as error:
        raise FormError(f"{name}: {_name_sheet(_one_line(str(error)))}") from None
    except (MemoryError, RecursionError):
        raise
    except Exception as error:  # unreadable workbooks raise zipfile/xlrd/csv errors
        raise FormError(f"{name}: cannot read the file ({_one_line(str(error))})") from None
    form = form_from_definition(parsed, rows, source=name)
    check_work(form, name)
    return form, (form_warnings(form, name) if warnings else [])


def _protect_quotes(*sheets: list[dict[str, Any]] | None) -> None:
    """Typographic quotes in text columns (labels, hints, messages) out of pyxform's reach; see _KEPT_QUOTES."""
    for sheet in sheets:
        for row in sheet or ():
            for column, value in row.items():
                if (
                    isinstance(value, str)
                    and isinstance(column, str)
                    and column.strip().lower().startswith(_TEXT_COLUMNS)
                ):
                    row[column] = value.translate(_PROTECT_QUOTES)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _name_sheet(message: str) -> str:
    """pyxform says '[row : 3] ...' for survey rows without naming the sheet; name it."""
    match = _PYXFORM_ROW.match(message)
    if match and "On the '" not in message:
        return f"sheet 'survey', row {match.group(1)}: {message[match.end() :].strip()}"
    return message


def _survey_rows(sheets: Any) -> dict[str, int]:
    """Map each survey name to its spreadsheet row (header is row 1), for error messages."""
    return {
        str(row.get("name", "")).strip(): index
        for index, row in enumerate(sheets.survey or [], start=2)
        if row.get("name")
    }


def form_from_definition(definition: dict[str, Any], rows: dict[str, int] | None = None, source: str = "form") -> Form:
    """Build a Form from pyxform's JSON definition and check its expressions."""
    rows = rows or {}
    _check_nesting(definition, rows, source)
    languages: list[str] = []
    choices = {
        list_name: [_choice(item, languages) for item in items]
        for list_name, items in (definition.get("choices") or {}).items()
    }
    children = [
        node
        for child in definition.get("children", [])
        if (node := _node(child, "", choices, languages, rows)) is not None
    ]
    default_language = definition.get("default_language") or DEFAULT_LANGUAGE_KEY
    if default_language not in languages:
        languages.insert(0, default_language)
    form = Form(
        form_id=str(definition.get("id_string") or definition.get("name") or "form"),
        title=str(definition.get("title") or ""),
        version=str(definition.get("version") or ""),
        default_language=default_language,
        languages=[lang for lang in languages if lang != DEFAULT_LANGUAGE_KEY] or [DEFAULT_LANGUAGE_KEY],
        root_name=str(definition.get("name") or "data"),
        children=children,
        choices=choices,
    )
    if form.default_language == DEFAULT_LANGUAGE_KEY and form.languages != [DEFAULT_LANGUAGE_KEY]:
        # Plain 'label' columns next to translated ones: the first translation is the fallback.
        form.default_language = form.languages[0]
    _check_expressions(form, source)
    check_calculation_cycles(form, source)
    return form


def _check_nesting(definition: dict[str, Any], rows: dict[str, int], source: str) -> None:
    """Refuse groups and repeats nested deeper than MAX_GROUP_DEPTH, before anything walks them recursively."""
    stack = [(child, 1) for child in definition.get("children", []) if isinstance(child, dict)]
    while stack:
        item, depth = stack.pop()
        children = [child for child in item.get("children") or [] if isinstance(child, dict)]
        if children and depth > MAX_GROUP_DEPTH:
            name = str(item.get("name", ""))
            row = f"row {rows[name]}, " if rows.get(name) else ""
            raise FormError(
                f"{source}: sheet 'survey', {row}column 'type' of '{name}': groups and repeats nest "
                f"more than {MAX_GROUP_DEPTH} levels deep"
            )
        stack.extend((child, depth + 1) for child in children)


def _translations(value: Any, languages: list[str]) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        result = {
            str(lang): str(text).translate(_RESTORE_QUOTES)
            for lang, text in value.items()
            if isinstance(text, (str, int, float))
        }
    else:
        result = {DEFAULT_LANGUAGE_KEY: str(value).translate(_RESTORE_QUOTES)}
    for lang in result:
        if lang not in languages:
            languages.append(lang)
    return result


def _choice(item: dict[str, Any], languages: list[str]) -> Choice:
    extra = {
        key: str(value)
        for key, value in item.items()
        if key not in _CHOICE_KEYS and isinstance(value, (str, int, float))
    }
    for key, value in (item.get("extra_data") or {}).items() if isinstance(item.get("extra_data"), dict) else ():
        extra[key] = str(value)
    return Choice(
        name=str(item.get("name", "")),
        label=_translations(item.get("label"), languages),
        extra=extra,
        featured=extra.get("featured", "").strip().lower() in ("yes", "true", "true()", "1"),
    )


def _required(value: Any) -> str:
    text = str(value or "").strip()
    if text.lower() in ("", "no", "false", "false()", "0"):
        return ""
    if text.lower() in ("yes", "true", "true()", "1"):
        return "true()"
    return text


def _node(
    item: dict[str, Any], prefix: str, choices: dict[str, list[Choice]], languages: list[str], rows: dict[str, int]
) -> Node | None:
    raw_type = str(item.get("type", ""))
    name = str(item.get("name", ""))
    control = item.get("control") or {}
    if raw_type == "group" and control.get("bodyless"):
        return None  # the meta block (instanceID) is not part of the conversation
    if raw_type in METADATA_TYPES:
        return None
    bind = item.get("bind") or {}
    node_type = TYPE_NAMES.get(raw_type, raw_type.replace(" ", "_"))
    node = Node(
        name=name,
        type=node_type,
        path=f"{prefix}{name}",
        label=_translations(item.get("label"), languages),
        hint=_translations(item.get("hint"), languages),
        required=_required(bind.get("required")),
        required_message=_translations(bind.get("jr:requiredMsg"), languages),
        relevant=str(bind.get("relevant") or ""),
        constraint=str(bind.get("constraint") or ""),
        constraint_message=_translations(bind.get("jr:constraintMsg"), languages),
        choice_filter=str(item.get("choice_filter") or ""),
        default=str(item.get("default") or ""),
        calculation=str(bind.get("calculate") or ""),
        list_name=str(item.get("list_name") or item.get("itemset") or ""),
        repeat_count=str(control.get("jr:count") or ""),
        row=rows.get(name, 0),
        personal=str(bind.get(PERSONAL_BIND) or "").strip().lower() in ("yes", "true", "true()", "1"),
    )
    if raw_type not in TYPE_NAMES:
        node.unsupported = f"type '{raw_type}'"
    elif node.type in ("select_one", "select_multiple") and node.list_name not in choices:
        node.unsupported = f"choices from external file '{node.list_name}'"
    if node.type in ("group", "repeat"):
        node.children = [
            child_node
            for child in item.get("children", [])
            if (child_node := _node(child, node.path + "/", choices, languages, rows)) is not None
        ]
    return node


def _check_expressions(form: Form, source: str) -> None:
    names = {node.name for node in form.iter_nodes()}
    for node in form.iter_nodes():
        columns = {
            "relevant": node.relevant,
            "constraint": node.constraint,
            "calculation": node.calculation,
            "choice_filter": node.choice_filter,
            "repeat_count": node.repeat_count,
            "required": node.required,
        }
        if node.default and _default_is_dynamic(node.default, node.type):
            columns["default"] = node.default
        for column, expression in columns.items():
            if not expression:
                continue
            try:
                check_expression(expression, names)
            except ExpressionError as error:
                row = f"row {node.row}, " if node.row else ""
                raise FormError(
                    f"{source}: sheet 'survey', {row}column '{column}' of '{node.name}': {_one_line(str(error))}"
                ) from None


def _default_is_dynamic(default: str, kind: str) -> bool:
    from pyxform.utils import default_is_dynamic

    return bool(default_is_dynamic(default, kind))
