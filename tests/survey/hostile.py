"""Hostile XLSForms, built in memory: each one froze or exhausted the bot before the limits existed.

Kept as code rather than committed files so the reader sees exactly what each form holds; every
builder returns the bytes a coordinator would upload.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl

SETTINGS = [["form_id", "version", "form_title"], ["hostile", "1", "Hostile"]]


def workbook(survey: list[list], choices: list[list] | None = None, settings: list[list] | None = None) -> bytes:
    """An .xlsx with the given sheets (first row the header)."""
    book = openpyxl.Workbook(write_only=True)  # streams rows: 100,000 of them in a few seconds
    sheet = book.create_sheet("survey")
    for row in survey:
        sheet.append(row)
    if choices is not None:
        choice_sheet = book.create_sheet("choices")
        for row in choices:
            choice_sheet.append(row)
    settings_sheet = book.create_sheet("settings")
    for row in settings or SETTINGS:
        settings_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def catastrophic_regex(pattern: str = "(a+)+$") -> bytes:
    """A text question whose constraint is a regex with catastrophic backtracking."""
    return workbook(
        [
            ["type", "name", "label", "constraint", "constraint_message"],
            ["text", "code", "Code", f"regex(., '{pattern}')", "Letters a only"],
            ["text", "after", "After"],
        ]
    )


def calculate_cycle() -> bytes:
    """Two calculates that read each other (and one that reads itself)."""
    return workbook(
        [
            ["type", "name", "label", "calculation"],
            ["text", "start", "Start", ""],
            ["calculate", "left", "", "concat(${start}, ${right})"],
            ["calculate", "right", "", "concat(${left}, 'x')"],
            ["text", "after", "After", ""],
        ]
    )


def self_doubling() -> bytes:
    """A calculate that doubles itself each time the form is walked: grew to gigabytes."""
    return workbook(
        [
            ["type", "name", "label", "calculation"],
            ["text", "seed", "Seed", ""],
            ["calculate", "grow", "", "concat(${seed}, ${grow}, ${grow})"],
            ["text", "q1", "Question 1", ""],
            ["text", "q2", "Question 2", ""],
            ["text", "q3", "Question 3", ""],
        ]
    )


def doubling_chain(length: int = 40) -> bytes:
    """No cycle, but each calculate doubles the one before: 2**40 characters at the end of the chain."""
    rows = [["type", "name", "label", "calculation"], ["text", "seed", "Seed", ""]]
    previous = "seed"
    for index in range(1, length + 1):
        rows.append(["calculate", f"d{index}", "", f"concat(${{{previous}}}, ${{{previous}}})"])
        previous = f"d{index}"
    rows.append(["text", "after", "After", ""])
    return workbook(rows)


def many_rows(count: int = 100_000, sheet: str = "choices") -> bytes:
    """A select question whose choice list (or the survey itself) has `count` rows."""
    if sheet == "choices":
        return workbook(
            [["type", "name", "label"], ["select_one big", "pick", "Pick"]],
            [["list_name", "name", "label"]] + [["big", f"c{index}", f"Choice {index}"] for index in range(count)],
        )
    return workbook(
        [["type", "name", "label"]] + [["text", f"q{index}", f"Question {index}"] for index in range(count)]
    )


def zip_bomb(unpacked_mb: int = 3000) -> bytes:
    """A real form plus a worksheet of `unpacked_mb` MB of spaces, deflated to about 1 MB per GB."""
    honest = zipfile.ZipFile(io.BytesIO(workbook([["type", "name", "label"], ["text", "q", "Q"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as bomb:
        for info in honest.infolist():
            data = honest.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, _, tail = data.partition(b"<sheetData>")
                with bomb.open(info.filename, "w", force_zip64=unpacked_mb >= 2000) as member:
                    member.write(head + b"<sheetData>")
                    chunk = b" " * (1 << 20)
                    for _index in range(unpacked_mb):
                        member.write(chunk)
                    member.write(tail)
            else:
                bomb.writestr(info, data)
    return buffer.getvalue()
