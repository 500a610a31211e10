"""Survey submissions as XLSX and CSV files laid out like a KoboToolbox export."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from typing import Any

from bot.countries import country_name
from bot.reports.regions import region_of
from bot.survey.form import Form, Node

# `_country` is the ISO code (what scripts join on); `_country_name` is the UN name people read.
META_COLUMNS = (
    "_submission_id",
    "_country",
    "_country_name",
    "_region",
    "_language",
    "_submitted_at",
    "_review_status",
)
TELEGRAM_ID_COLUMN = "_telegram_id"
REPEAT_LINK_COLUMNS = ("_parent_submission_id", "_index")
NESTED_REPEAT_COLUMN = "_parent_index"
# Spreadsheet programs run a cell starting with these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_LIMIT = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# openpyxl's ILLEGAL_CHARACTERS_RE (control characters XML cannot hold), here so that importing this module does
# not load openpyxl (with numpy and PIL, about 20 MB) into every bot process: it is imported when an XLSX is written.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
NUMERIC_TYPES = {"integer", "decimal"}
SELECT_TYPES = {"select_one", "select_multiple"}


@dataclass(frozen=True)
class ExportFiles:
    """The exported files' contents and a safe file name stem (add .xlsx / .csv)."""

    xlsx: bytes
    csv: bytes
    filename_stem: str
    # One CSV per repeat (sheet name, bytes): the reported threshold values are rows of a repeat, and a CSV
    # holds one table, so the main CSV alone would leave them out.
    repeat_csvs: tuple[tuple[str, bytes], ...] = ()


@dataclass
class _Sheet:
    """One table of the export: the main sheet or one repeat's sheet."""

    name: str
    questions: list[Node]
    link_columns: tuple[str, ...]
    rows: list[list[Any]]


def build_export(
    form: Form | dict[str, Any],
    submissions: list[dict[str, Any]],
    label_language: str | None = None,
    include_telegram_ids: bool = False,
    country_language: str = "en",
) -> ExportFiles:
    """Export submissions: one row each, columns by question name in form order, repeats on sheets of their own.

    The XLSX holds the main sheet plus one sheet per repeat (rows linked by `_parent_submission_id`
    and `_index`, the instance's 1-based position); `csv` holds the main sheet, `repeat_csvs` one CSV
    per repeat sheet with the same columns.
    Choices are written as names (select_multiple space-separated, as KoboToolbox does) unless
    `label_language` asks for labels ("; "-separated, since labels contain spaces).
    `_country_name`, next to the ISO code, is the country's UN name in `country_language`.
    """
    if not isinstance(form, Form):
        form = Form.from_dict(form)
    meta_columns = META_COLUMNS + ((TELEGRAM_ID_COLUMN,) if include_telegram_ids else ())
    main = _Sheet(form.title or form.form_id, _questions(form.children), (), [])
    repeat_sheets: dict[str, _Sheet] = {}
    for repeat, depth in _repeats(form.children):
        links = REPEAT_LINK_COLUMNS + ((NESTED_REPEAT_COLUMN,) if depth > 0 else ())
        repeat_sheets[repeat.path] = _Sheet(repeat.name, _questions(repeat.children), links, [])

    for submission in submissions:
        data = submission.get("data") or {}
        cells = [_cell(form, node, data.get(node.name), label_language) for node in main.questions]
        main.rows.append(cells + _meta_cells(submission, include_telegram_ids, country_language))
        _collect_repeats(form, form.children, data, submission.get("id"), "", repeat_sheets, label_language)

    sheets = [main, *repeat_sheets.values()]
    _name_sheets(sheets)
    headers = {id(sheet): [node.name for node in sheet.questions] + list(sheet.link_columns) for sheet in sheets}
    headers[id(main)] += list(meta_columns)
    return ExportFiles(
        xlsx=_xlsx_bytes(sheets, headers),
        csv=_csv_bytes(headers[id(main)], main.rows),
        filename_stem=_filename_stem(form),
        repeat_csvs=tuple((sheet.name, _csv_bytes(headers[id(sheet)], sheet.rows)) for sheet in sheets[1:]),
    )


# ---------------------------------------------------------------- form layout


def _questions(nodes: list[Node]) -> list[Node]:
    """Answerable nodes in document order, through groups but not into repeats."""
    found: list[Node] = []
    for node in nodes:
        if node.type == "group":
            found.extend(_questions(node.children))
        elif node.type not in ("repeat", "note"):
            found.append(node)
    return found


def _repeats(nodes: list[Node], depth: int = 0):
    """Yield (repeat node, nesting depth) in document order, nested repeats after their parent."""
    for node in nodes:
        if node.type == "repeat":
            yield node, depth
            yield from _repeats(node.children, depth + 1)
        elif node.type == "group":
            yield from _repeats(node.children, depth)


def _collect_repeats(form, nodes, data, submission_id, parent_index, sheets, label_language) -> None:
    for node in nodes:
        if node.type == "group":
            _collect_repeats(form, node.children, data, submission_id, parent_index, sheets, label_language)
        elif node.type == "repeat":
            instances = data.get(node.name)
            if not isinstance(instances, list):
                continue
            sheet = sheets[node.path]
            for position, instance in enumerate(instances, start=1):
                instance = instance if isinstance(instance, dict) else {}
                cells = [
                    _cell(form, question, instance.get(question.name), label_language) for question in sheet.questions
                ]
                links = [submission_id, position] + (
                    [parent_index] if NESTED_REPEAT_COLUMN in sheet.link_columns else []
                )
                sheet.rows.append(cells + links)
                # Deeper levels name their parent by its position path, e.g. "2.1".
                own_index = f"{parent_index}.{position}" if parent_index else str(position)
                _collect_repeats(form, node.children, instance, submission_id, own_index, sheets, label_language)


# ---------------------------------------------------------------- cell values


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def document_path(document_id: Any, name: str | None, extension: str | None) -> str:
    """Where a document answer sits in the export's documents zip; its cell in the XLSX and CSV names it."""
    safe = _UNSAFE_NAME.sub("_", name or "document").strip() or "document"
    if extension and not safe.lower().endswith("." + extension):
        safe = f"{safe}.{extension}"
    return f"documents/{document_id}-{safe}"


def _cell(form: Form, node: Node, value: Any, label_language: str | None) -> Any:
    if value is None or value == "" or value == []:
        return None
    if node.type == "file" and isinstance(value, dict):
        return document_path(value.get("document"), value.get("name"), value.get("type"))
    if node.type in SELECT_TYPES:
        names = [str(name) for name in (value if isinstance(value, list) else [value])]
        if label_language is None:
            return " ".join(names)
        labels = {
            choice.name: form.text(choice.label, label_language) or choice.name
            for choice in form.choices.get(node.list_name, [])
        }
        return "; ".join(labels.get(name, name) for name in names)
    if node.type in NUMERIC_TYPES or node.type == "calculate":
        number = _as_number(value)
        if number is not None:
            return number
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def _as_number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


def _meta_cells(submission: dict[str, Any], include_telegram_ids: bool, country_language: str) -> list[Any]:
    country = (submission.get("country") or "").upper() or None
    cells = [
        submission.get("id"),
        country,
        country_name(country, country_language) if country else None,
        submission.get("region") or region_of(country),
        submission.get("language"),
        _utc_iso(submission.get("submitted_at")),
        "; ".join(part for part in (submission.get("review_status"), _why_not_reviewed(submission)) if part) or None,
    ]
    if include_telegram_ids:
        cells.append(submission.get("telegram_id"))
    return cells


def _why_not_reviewed(submission: dict[str, Any]) -> str | None:
    """Why reported values of a submission are not in the review queue: the consent it gave, or the entries
    that could not be read as values (else nothing). The coordinator reads it in the export's `_review_status`."""
    from bot.lookup.survey_entries import CONSENT_NAMED, publication_consent, records_from_submission, reported_values

    data = submission.get("data") or {}
    if not isinstance(data, dict) or not reported_values(data):
        return None
    if publication_consent(data) != CONSENT_NAMED:
        return f"not offered for review: consent {publication_consent(data)}"
    country = str(data.get("country") or submission.get("country") or "").upper()
    submitted = submission.get("submitted_at")
    if not country or not isinstance(submitted, datetime.datetime):
        return None
    _records, problems = records_from_submission(data, country, country, submitted, int(submission.get("id") or 0))
    return ("not read: " + "; ".join(problems)) if problems else None


def _utc_iso(moment: Any) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        return moment
    if isinstance(moment, datetime.datetime):
        # Stored timestamps without a zone are UTC (the database keeps UTC).
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(moment, datetime.date):
        return moment.isoformat()
    return str(moment)


def neutralize_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# ---------------------------------------------------------------- files


def _name_sheets(sheets: list[_Sheet]) -> None:
    """Make sheet names valid for Excel (no []:*?/\\, at most 31 characters) and unique."""
    used: set[str] = set()
    for sheet in sheets:
        base = _SHEET_NAME_FORBIDDEN.sub("_", sheet.name).strip().strip("'") or "data"
        # Excel reserves "History" for its change tracking.
        if base.casefold() == "history":
            base = "history_"
        name = base[:SHEET_NAME_LIMIT]
        counter = 2
        while name.casefold() in used:
            suffix = f"_{counter}"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
            counter += 1
        used.add(name.casefold())
        sheet.name = name


def _xlsx_bytes(sheets: list[_Sheet], headers: dict[int, list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(headers[id(sheet)])
        for row in sheet.rows:
            worksheet.append([_xlsx_value(value) for value in row])
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    # openpyxl refuses control characters that XML cannot hold; a stray one must not sink the export.
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralize_formula(value)


def _csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else neutralize_formula(value) for value in row])
    # The byte-order mark makes Excel read Arabic, Chinese and Cyrillic answers as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def _filename_stem(form: Form) -> str:
    stem = _FILENAME_UNSAFE.sub("_", f"{form.form_id}_{form.version}".strip("_"))
    return stem.strip("._") or "export"
