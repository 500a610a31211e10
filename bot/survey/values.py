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


class InvalidAnswer(ValueError):
    """A typed answer that does not fit the question; str() is the user-facing message."""


def is_empty(value: Any) -> bool:
    """Whether a reply means 'no answer' (None, blank text, empty list)."""
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, tuple)) and not value)


class AmbiguousNumber(InvalidAnswer):
    """A number whose separator reads two ways ("1,000": one thousand, or one); str() asks which."""

    def __init__(self, message: str, thousands: float, decimal: float) -> None:
        super().__init__(message)
        self.thousands = thousands
        self.decimal = decimal


# Digit groups of three after a first group of one to three digits (Indian grouping "1,00,000" too).
_GROUPED = r"\d{1,3}(?:%s\d{2})*(?:%s\d{3})+"
_SEPARATORS = ",.'\u00a0\u202f \u066c\u066b"


def read_number(value: Any, _, locale: str | None = None) -> float:
    """Read a typed number: '3.5', '3,5', '1 200.75', '1.000,5', '1,000,000'.

    A thousands separator is never mistaken for a decimal one: a single ',' or '.' followed by
    exactly three digits ("1,000", "2.500") reads as one thousand or as one, so the member is asked
    which (AmbiguousNumber) instead of the number being stored a thousand times too small.
    """
    if isinstance(value, bool):
        raise InvalidAnswer(_("Please enter a number."))
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        number = _number_from_text(str(value), _, locale)
    if math.isnan(number) or math.isinf(number):
        raise InvalidAnswer(_("Please enter a number."))
    return number


def _number_from_text(raw: str, _, locale: str | None) -> float:
    text = raw.strip().translate(_DIGITS).replace("\u066b", ".").replace("\u066c", ",").replace("\u2212", "-")
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0], text[1:].lstrip()
    # Spaces, apostrophes and underscores only ever group digits.
    grouped_by_space = re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f'_]\d{3})+(?:[.,]\d+)?", text)
    if grouped_by_space:
        text = re.sub(r"[ \u00a0\u202f'_]", "", text)
    elif re.search(r"\d[ \u00a0\u202f'_]+\d", text):
        raise InvalidAnswer(_("Please enter a number."))
    plain = re.fullmatch(r"(\d*)(?:([.,])(\d*))?(?:[eE]([+-]?\d+))?", text)
    if plain and (plain.group(1) or plain.group(3)):
        whole, separator, fraction, exponent = plain.groups()
        if (separator and len(fraction or "") == 3 and whole and len(whole) <= 3 and whole != "0"
                and not exponent and not grouped_by_space):
            raise AmbiguousNumber(_ambiguous_question(sign, whole, fraction, _, locale),
                                  float(f"{sign}{whole}{fraction}"), float(f"{sign}{whole}.{fraction}"))
        return float(f"{sign}{whole or '0'}.{fraction or '0'}" + (f"e{exponent}" if exponent else ""))
    for group, decimal in ((",", "."), (".", ",")):
        match = re.fullmatch(f"({_GROUPED % (re.escape(group), re.escape(group))})(?:{re.escape(decimal)}(\\d+))?", text)
        if match:
            return float(f"{sign}{match.group(1).replace(group, '')}.{match.group(2) or '0'}")
    raise InvalidAnswer(_("Please enter a number."))


def _ambiguous_question(sign: str, whole: str, fraction: str, _, locale: str | None) -> str:
    """Ask back in the member's language, with both readings written so that neither reads two ways."""
    thousands = f"{sign}{int(whole + fraction)}"
    # Three decimals would read two ways again: a fourth digit (a zero) makes the decimal reading plain.
    digits = fraction.rstrip("0") or "0"
    if len(digits) == 3:
        digits += "0"
    decimal = f"{sign}{whole}{_decimal_symbol(locale)}{digits}"
    return _("Did you mean {thousands} or {decimal}? Please type the number again without a thousands "
             "separator.").format(thousands=thousands, decimal=decimal)


def _decimal_symbol(locale: str | None) -> str:
    try:
        from babel.numbers import get_decimal_symbol

        symbol = get_decimal_symbol(locale or "en")
    except Exception:  # an unknown locale code: the point is read everywhere
        return "."
    return symbol if symbol in (".", ",") else "."


# Arabic-Indic and Persian digits read as ASCII digits.
_DIGITS = {ord(ch): str(n % 10) for n, ch in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}


def parse_integer(value: Any, _, locale: str | None = None) -> int:
    """Read a whole number such as '42', '-3', '1 200' or '1,000,000' (an ambiguous '1,000' is asked back)."""
    if isinstance(value, bool):
        raise InvalidAnswer(_("Please enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if len(text) > 40:
        raise InvalidAnswer(_("Please enter a whole number."))
    try:
        number = read_number(text, _, locale)
    except AmbiguousNumber as ambiguous:
        if ambiguous.decimal.is_integer():
            raise
        number = ambiguous.thousands  # "2,019" for a year: only the thousands reading is a whole number
    except InvalidAnswer:
        raise InvalidAnswer(_("Please enter a whole number.")) from None
    if not number.is_integer() or abs(number) >= 10**18:
        raise InvalidAnswer(_("Please enter a whole number."))
    return int(number)


def parse_decimal(value: Any, _, locale: str | None = None) -> float:
    """Read a number such as '3.5', '3,5', '1 200.75' or '1.000,5' (an ambiguous '1,000' is asked back)."""
    if isinstance(value, str) and len(value.strip()) > 60:
        raise InvalidAnswer(_("Please enter a number."))
    return read_number(value, _, locale)


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
