"""Read typed answers into typed values (integer, decimal, date, choices) and display them."""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

from bot.survey.matching import match_choice

DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%y",
    "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%B %d, %Y", "%b %d, %Y", "%Y%m%d",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[\s\u00a0\u202f_']")


class InvalidAnswer(ValueError):
    """A typed answer that does not fit the question; str() is the user-facing message."""


def is_empty(value: Any) -> bool:
    """Whether a reply means 'no answer' (None, blank text, empty list)."""
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, tuple)) and not value)


def parse_integer(value: Any, _) -> int:
    """Read a whole number such as '42', '-3' or '1 200'."""
    if isinstance(value, bool):
        raise InvalidAnswer(_("Please enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _SPACES.sub("", str(value))
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text) and len(text) < 19:
        return int(float(text)) if "." in text else int(text)
    raise InvalidAnswer(_("Please enter a whole number."))


def parse_decimal(value: Any, _) -> float:
    """Read a number such as '3.5', '3,5' or '1 200.75'."""
    if isinstance(value, bool):
        raise InvalidAnswer(_("Please enter a number."))
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _SPACES.sub("", str(value))
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        elif "," in text and "." in text and text.index(",") < text.index("."):
            text = text.replace(",", "")
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
            raise InvalidAnswer(_("Please enter a number."))
        number = float(text)
    if math.isnan(number) or math.isinf(number):
        raise InvalidAnswer(_("Please enter a number."))
    return number


def parse_date(value: Any, _) -> str:
    """Read a date in ISO or a common day-first format; return it as YYYY-MM-DD."""
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    text = " ".join(str(value).replace(",", ", ").split()).replace(" ,", ",")
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            continue
    raise InvalidAnswer(_("Please enter a date, for example 2024-05-31."))


def parse_select_one(value: Any, options: list[tuple[str, list[str]]], _) -> str:
    """Find the one choice meant by a name, a label or a near spelling."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise InvalidAnswer(_("Please choose one of the options."))
        value = value[0]
    name = match_choice(str(value), options)
    if name is None:
        raise InvalidAnswer(_("Please choose one of the options."))
    return name


def parse_select_multiple(value: Any, options: list[tuple[str, list[str]]], _) -> list[str]:
    """Find the choices meant by a list or by comma-separated names or labels."""
    if isinstance(value, (list, tuple)):
        parts = [str(item) for item in value]
    else:
        text = str(value)
        whole = match_choice(text, options) if "," in text or ";" in text else None
        parts = [text] if whole else [part for part in re.split(r"[,;\n]", text)]
    names: list[str] = []
    for part in parts:
        if not part.strip():
            continue
        name = match_choice(part, options)
        if name is None:
            raise InvalidAnswer(_("I could not match “{answer}” to an option.").format(answer=part.strip()))
        if name not in names:
            names.append(name)
    if not names:
        raise InvalidAnswer(_("Please choose at least one option."))
    order = [option_name for option_name, _labels in options]
    return sorted(names, key=order.index)


def parse_text(value: Any, _) -> str:
    """Keep typed text, trimmed."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(item) for item in value)
    return _CONTROL.sub("", str(value)).strip()


def parse_document(value: Any, _) -> dict[str, Any]:
    """Keep a document answer: the stored document the chat adapter made of a sent file.

    The adapter downloads, checks and stores the file, then answers with {"document": id, "name",
    "type", "size", "sha256"}; typed text is not a document.
    """
    if isinstance(value, dict) and isinstance(value.get("document"), int) and not isinstance(value["document"], bool):
        return {
            "document": value["document"],
            "name": parse_text(value.get("name") or "", _)[:256],
            "type": str(value.get("type") or "")[:32],
            "size": int(value.get("size") or 0),
            "sha256": str(value.get("sha256") or "")[:64],
        }
    raise InvalidAnswer(_("Please send the document itself as a file (PDF, Word, Excel or a picture)."))


def format_number(value: float | int, locale: str | None) -> str:
    """Format a number for the reader's locale (0,3 in French); whole numbers without grouping.

    Integer questions are mostly years and counts, and "2,019" reads wrong for a year.
    """
    try:
        from babel.numbers import format_decimal

        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return format_decimal(value, locale=locale or "en", decimal_quantization=False)
    except Exception:  # unknown locale codes fall back to plain digits
        return str(value)


def format_date(value: str, locale: str | None) -> str:
    """Format an ISO date for the reader's locale."""
    try:
        from babel.dates import format_date as babel_format_date

        return babel_format_date(datetime.date.fromisoformat(value), format="medium", locale=locale or "en")
    except Exception:  # keep the stored text if it is not a date or the locale is unknown
        return str(value)
