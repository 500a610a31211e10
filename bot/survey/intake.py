"""Check a form file's bytes before any spreadsheet library parses them.

An .xlsx is a zip: each part is unpacked here with a byte budget (the sizes a zip declares can lie),
so a zip bomb stops after MAX_UNPACKED_BYTES instead of filling memory. The sheets pyxform reads are
counted (rows, header columns) from their XML with a byte scan, which takes milliseconds where
openpyxl takes seconds. An .xls is measured with xlrd sheet by sheet, .csv and .md line by line.
Each refusal is a FormLimitError naming the file, sheet, row or column.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from bot.survey.limits import (
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_FORM_BYTES,
    MAX_SHEET_ROWS,
    MAX_SURVEY_ROWS,
    MAX_UNPACKED_BYTES,
    RATIO_CHECKED_ABOVE,
    FormLimitError,
    FormProblem,
    megabytes,
)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The sheets pyxform reads (any other sheet is ignored, unless it is the only one).
XLSFORM_SHEETS = {"survey", "choices", "settings", "external_choices", "osm", "entities"}
_CHUNK = 1 << 20
# A <row> element that holds cells (self-closing rows carry formatting only), and a cell's reference.
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*?)(/?)>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*)>|<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*)/>")
_CELL_COLUMN = re.compile(rb"\br=\"([A-Z]{1,3})\d*\"")
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row>")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def file_type(content: bytes, filename: str) -> str | None:
    """The pyxform reader for these bytes: '.xlsx', '.xls', '.csv', '.md', or None to let pyxform try each."""
    if content.startswith(ZIP_MAGIC):
        return ".xlsx"
    if content.startswith(OLE_MAGIC):
        return ".xls"
    suffix = posixpath.splitext(filename.lower())[1]
    return suffix if suffix in (".csv", ".md") else None


def check_form_bytes(content: bytes, filename: str) -> str | None:
    """Refuse a file that is too large, unpacks too far or has too many rows or columns; return its type."""
    if len(content) > MAX_FORM_BYTES:
        raise FormLimitError(FormProblem("file_too_large", filename, params={"limit": megabytes(MAX_FORM_BYTES)}))
    kind = file_type(content, filename)
    if kind == ".xlsx":
        _check_xlsx(content, filename)
    elif kind == ".xls":
        _check_xls(content, filename)
    else:
        _check_text(content, filename, kind)
    return kind


def row_limit(sheet: str) -> int:
    """Rows a sheet may have besides its header."""
    return MAX_SURVEY_ROWS if sheet.lower() == "survey" else MAX_SHEET_ROWS


def _too_many_rows(filename: str, sheet: str, row: int) -> FormLimitError:
    return FormLimitError(FormProblem("too_many_rows", filename, sheet, row, params={"limit": row_limit(sheet)}))


def _too_many_columns(filename: str, sheet: str, column: int) -> FormLimitError:
    return FormLimitError(
        FormProblem("too_many_columns", filename, sheet, column=column_letters(column), params={"limit": MAX_COLUMNS})
    )


def column_letters(number: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


# ---------------------------------------------------------------- .xlsx


def _check_xlsx(content: bytes, filename: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a readable zip: pyxform says so in its own words
    sheets = _sheet_parts(archive, filename)
    budget = MAX_UNPACKED_BYTES
    for info in members:
        sheet = sheets.get(info.filename, "")
        if info.file_size > budget:
            raise _unpacked(filename, sheet)
        if info.file_size > RATIO_CHECKED_ABOVE and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise _compressed(filename, sheet, info.file_size, info.compress_size)
        data = _unpack(archive, info, budget, filename, sheet)
        if data is None:
            continue  # a damaged part: pyxform reports the file as unreadable
        budget -= len(data)
        if len(data) > RATIO_CHECKED_ABOVE and len(data) > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise _compressed(filename, sheet, len(data), info.compress_size)
        if sheet and (sheet.lower() in XLSFORM_SHEETS or len(sheets) == 1):
            _count_sheet_xml(data, filename, sheet)
        elif info.filename not in sheets and _SHEET_DATA.search(data):
            _count_sheet_xml(data, filename, info.filename)  # a worksheet the workbook does not name plainly


def _unpacked(filename: str, sheet: str) -> FormLimitError:
    return FormLimitError(
        FormProblem("unpacked_too_large", filename, sheet, params={"limit": megabytes(MAX_UNPACKED_BYTES)})
    )


def _compressed(filename: str, sheet: str, size: int, packed: int) -> FormLimitError:
    return FormLimitError(FormProblem("compressed_too_much", filename, sheet, params={"ratio": size // max(packed, 1)}))


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, filename: str, sheet: str) -> bytes | None:
    """A part's bytes, unpacked at most `budget` bytes far whatever size the zip declares."""
    parts = []
    total = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > budget:
                    raise _unpacked(filename, sheet)
                parts.append(chunk)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return None
    return b"".join(parts)


def _sheet_parts(archive: zipfile.ZipFile, filename: str) -> dict[str, str]:
    """Map each worksheet's part name (xl/worksheets/sheet1.xml) to its sheet name, as openpyxl finds them."""
    try:
        workbook_part = "xl/workbook.xml"
        for relation in _small_xml(archive, "_rels/.rels", filename).iter(f"{_RELS}Relationship"):
            if relation.get("Type", "").endswith("/officeDocument"):
                workbook_part = _part(relation.get("Target", ""), "")
        folder, name = posixpath.split(workbook_part)
        workbook = _small_xml(archive, workbook_part, filename)
        rels = _small_xml(archive, posixpath.join(folder, "_rels", name + ".rels"), filename)
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {
        relation.get("Id"): _part(relation.get("Target", ""), folder) for relation in rels.iter(f"{_RELS}Relationship")
    }
    return {
        targets[sheet.get(f"{_DOC_RELS}id")]: sheet.get("name", "")
        for sheet in workbook.iter(f"{_MAIN}sheet")
        if sheet.get(f"{_DOC_RELS}id") in targets
    }


def _part(target: str, folder: str) -> str:
    """A relationship target as a part name: absolute ('/xl/a.xml') or relative to the source's folder."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


def _small_xml(archive: zipfile.ZipFile, name: str, filename: str) -> ElementTree.Element:
    data = _unpack(archive, archive.getinfo(name), MAX_UNPACKED_BYTES, filename, "")
    if data is None:
        raise KeyError(name)
    return ElementTree.fromstring(data)


def _count_sheet_xml(data: bytes, filename: str, sheet: str) -> None:
    """Count a worksheet's rows (those with cells) and its header's columns from the raw XML."""
    limit = row_limit(sheet) + 1  # the header row besides
    rows = 0
    for match in _ROW.finditer(data):
        if match.group(2):
            continue  # <row .../>: formatting only
        rows += 1
        if rows == 1:
            end = _ROW_END.search(data, match.end())
            header = data[match.end() : end.start() if end else len(data)]
            columns = 0
            for cell in _CELL.finditer(header):
                reference = _CELL_COLUMN.search(cell.group(1) or cell.group(2) or b"")
                columns = _column_number(reference.group(1)) if reference else columns + 1
                if columns > MAX_COLUMNS:
                    raise _too_many_columns(filename, sheet, columns)
        if rows > limit:
            number = _ROW_NUMBER.search(match.group(1))
            raise _too_many_rows(filename, sheet, int(number.group(1)) if number else rows)


# ---------------------------------------------------------------- .xls


def _check_xls(content: bytes, filename: str) -> None:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True)
    except Exception:  # xlrd raises many types for damaged files; pyxform reports them
        return
    try:
        names = book.sheet_names()
        for name in names:
            if name.lower() not in XLSFORM_SHEETS and len(names) > 1:
                continue
            sheet = book.sheet_by_name(name)
            if sheet.nrows > row_limit(name) + 1:
                raise _too_many_rows(filename, name, row_limit(name) + 2)
            if sheet.ncols > MAX_COLUMNS:
                raise _too_many_columns(filename, name, MAX_COLUMNS + 1)
            book.unload_sheet(name)
    except FormLimitError:
        raise
    except Exception:
        return
    finally:
        book.release_resources()


# ---------------------------------------------------------------- .csv and .md


def _check_text(content: bytes, filename: str, kind: str | None) -> None:
    """pyxform's text forms: a sheet name in the first column starts each sheet."""
    text = content.decode("utf-8", errors="replace")
    if kind == ".md" or (kind is None and text.count("|") > text.count(",")):
        rows: Iterator[list[str]] = (
            [cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in text.splitlines()
            if line.lstrip().startswith("|")
        )
    else:
        csv.field_size_limit(MAX_FORM_BYTES)
        rows = csv.reader(io.StringIO(text, newline=""))
    sheet, count = "", 0
    try:
        for line, row in enumerate(rows, start=1):
            if row and row[0].strip():
                sheet, count = row[0].strip(), 0
            count += 1
            if len(row) > MAX_COLUMNS + 1:
                raise _too_many_columns(filename, sheet or "survey", MAX_COLUMNS + 1)
            if count > row_limit(sheet or "survey") + 2:  # the sheet name's row and the header
                raise _too_many_rows(filename, sheet or "survey", line)
    except csv.Error:
        return
