"""Read typed answers into typed values (integer, decimal, date, choices) and display them."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from typing import Any, Literal

from bot.survey.matching import match_choice

DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%Y%m%d",
)
# C0 controls (PostgreSQL JSON cannot hold NUL; ESC and BEL would reach a terminal), lone surrogates, and the
# bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): one typed into an answer would
# turn the rest of a coordinator's line around. The marks U+200E and U+200F stay: they are ordinary text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


# Why a reply was refused. The adapter words each code in the member's language
# (bot/i18n/survey_errors.py); "form_message" carries the form's own text, already in it.
ErrorCode = Literal[
    "number",
    "whole_number",
    "date",
    "choose_one",
    "no_match",
    "choose_some",
    "document",
    "ambiguous_number",
    "no_open_question",
    "rule_too_slow",
    "not_allowed",
    "required",
    "yes_or_no",
    "no_more_entries",
    "form_message",
]


class InvalidAnswer(ValueError):
    """A reply that does not fit the question: a code and the parameters its message needs."""

    def __init__(self, code: ErrorCode, params: Mapping[str, str] | None = None) -> None:
        super().__init__(code)
        self.code: ErrorCode = code
        self.params: dict[str, str] = dict(params or {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InvalidAnswer) and (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))

    def __repr__(self) -> str:
        return f"InvalidAnswer({self.code!r}, {self.params!r})"


def is_empty(value: Any) -> bool:
    """Whether a reply means 'no answer' (None, blank text, empty list)."""
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, (list, tuple)) and not value)
    )


class AmbiguousNumber(InvalidAnswer):
    """A number whose separator reads two ways ("1,000": one thousand, or one); its message asks which."""

    def __init__(self, params: Mapping[str, str], thousands: float, decimal: float) -> None:
        super().__init__("ambiguous_number", params)
        self.thousands = thousands
        self.decimal = decimal


# Digit groups of three after a first group of one to three digits (Indian grouping "1,00,000" too).
_GROUPED = r"\d{1,3}(?:%s\d{2})*(?:%s\d{3})+"
_SEPARATORS = ",.'\u00a0\u202f \u066c\u066b"


def read_number(value: Any, locale: str | None = None) -> float:
    """Read a typed number: '3.5', '3,5', '1 200.75', '1.000,5', '1,000,000'.

    A thousands separator is never mistaken for a decimal one: a single ',' or '.' followed by
    exactly three digits ("1,000", "2.500") reads as one thousand or as one, so the member is asked
    which (AmbiguousNumber) instead of the number being stored a thousand times too small.
    """
    if isinstance(value, bool):
        raise InvalidAnswer("number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        number = _number_from_text(str(value), locale)
    if math.isnan(number) or math.isinf(number):
        raise InvalidAnswer("number")
    return number


def _number_from_text(raw: str, locale: str | None) -> float:
    text = raw.strip().translate(_DIGITS).replace("\u066b", ".").replace("\u066c", ",").replace("\u2212", "-")
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0], text[1:].lstrip()
    # Spaces, apostrophes and underscores only ever group digits.
    grouped_by_space = re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f'_]\d{3})+(?:[.,]\d+)?", text)
    if grouped_by_space:
        text = re.sub(r"[ \u00a0\u202f'_]", "", text)
    elif re.search(r"\d[ \u00a0\u202f'_]+\d", text):
        raise InvalidAnswer("number")
    plain = re.fullmatch(r"(\d*)(?:([.,])(\d*))?(?:[eE]([+-]?\d+))?", text)
    if plain and (plain.group(1) or plain.group(3)):
        whole, separator, fraction, exponent = plain.groups()
        if (
            separator
            and len(fraction or "") == 3
            and whole
            and len(whole) <= 3
            and whole != "0"
            and not exponent
            and not grouped_by_space
        ):
            raise AmbiguousNumber(
                _ambiguous_readings(sign, whole, fraction, locale),
                float(f"{sign}{whole}{fraction}"),
                float(f"{sign}{whole}.{fraction}"),
            )
        number = float(f"{sign}{whole or '0'}.{fraction or '0'}" + (f"e{exponent}" if exponent else ""))
        if number == 0 and (whole + (fraction or "")).strip("0"):
            raise InvalidAnswer("number")  # "1e-400" is not zero: too small for a number we can keep
        return number
    for group, decimal in ((",", "."), (".", ",")):
        match = re.fullmatch(
            f"({_GROUPED % (re.escape(group), re.escape(group))})(?:{re.escape(decimal)}(\\d+))?", text
        )
        if match:
            return float(f"{sign}{match.group(1).replace(group, '')}.{match.group(2) or '0'}")
    raise InvalidAnswer("number")


def _ambiguous_readings(sign: str, whole: str, fraction: str, locale: str | None) -> dict[str, str]:
    """Both readings to ask back, written so that neither reads two ways."""
    thousands = f"{sign}{int(whole + fraction)}"
    # Three decimals would read two ways again: a fourth digit (a zero) makes the decimal reading plain.
    digits = fraction.rstrip("0") or "0"
    if len(digits) == 3:
        digits += "0"
    decimal = f"{sign}{whole}{_decimal_symbol(locale)}{digits}"
    return {"thousands": thousands, "decimal": decimal}


def _decimal_symbol(locale: str | None) -> str:
    try:
        from babel.numbers import get_decimal_symbol

        symbol = get_decimal_symbol(locale or "en")
    except Exception:  # an unknown locale code: the point is read everywhere
        return "."
    return symbol if symbol in (".", ",") else "."


# Arabic-Indic and Persian digits read as ASCII digits.
_DIGITS = {ord(ch): str(n % 10) for n, ch in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}


def parse_integer(value: Any, locale: str | None = None) -> int:
    """Read a whole number such as '42', '-3', '1 200' or '1,000,000' (an ambiguous '1,000' is asked back)."""
    if isinstance(value, bool):
        raise InvalidAnswer("whole_number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if len(text) > 40:
        raise InvalidAnswer("whole_number")
    try:
        number = read_number(text, locale)
    except AmbiguousNumber as ambiguous:
        if ambiguous.decimal.is_integer():
            raise
        number = ambiguous.thousands  # "2,019" for a year: only the thousands reading is a whole number
    except InvalidAnswer:
        raise InvalidAnswer("whole_number") from None
    if not number.is_integer() or abs(number) >= 10**18:
        raise InvalidAnswer("whole_number")
    return int(number)


def parse_decimal(value: Any, locale: str | None = None) -> float:
    """Read a number such as '3.5', '3,5', '1 200.75' or '1.000,5' (an ambiguous '1,000' is asked back)."""
    if isinstance(value, str) and len(value.strip()) > 60:
        raise InvalidAnswer("number")
    return read_number(value, locale)


def parse_date(value: Any) -> str:
    """Read a date in ISO or a common day-first format; return it as YYYY-MM-DD."""
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    text = " ".join(str(value).replace(",", ", ").split()).replace(" ,", ",")
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            continue
    raise InvalidAnswer("date")


def parse_select_one(value: Any, options: list[tuple[str, list[str]]]) -> str:
    """Find the one choice meant by a name, a label or a near spelling."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise InvalidAnswer("choose_one")
        value = value[0]
    name = match_choice(str(value), options)
    if name is None:
        raise InvalidAnswer("choose_one")
    return name


def parse_select_multiple(value: Any, options: list[tuple[str, list[str]]]) -> list[str]:
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
            raise InvalidAnswer("no_match", {"answer": part.strip()})
        if name not in names:
            names.append(name)
    if not names:
        raise InvalidAnswer("choose_some")
    order = [option_name for option_name, _labels in options]
    return sorted(names, key=order.index)


def parse_text(value: Any) -> str:
    """Keep typed text, trimmed."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(item) for item in value)
    return _CONTROL.sub("", str(value)).strip()


def parse_document(value: Any) -> dict[str, Any]:
    """Keep a document answer: the stored document the chat adapter made of a sent file.

    The adapter downloads, checks and stores the file, then answers with {"document": id, "name",
    "type", "size", "sha256"}; typed text is not a document.
    """
    if isinstance(value, dict) and isinstance(value.get("document"), int) and not isinstance(value["document"], bool):
        return {
            "document": value["document"],
            "name": parse_text(value.get("name") or "")[:256],
            "type": str(value.get("type") or "")[:32],
            "size": int(value.get("size") or 0),
            "sha256": str(value.get("sha256") or "")[:64],
        }
    raise InvalidAnswer("document")


def format_number(value: float | int, locale: str | None) -> str:
    """Format a number for the reader's locale (0,3 in French), without grouping (1000, never 1,000).

    Integer questions are mostly years and counts, and "2,019" reads wrong for a year.
    """
    try:
        from babel.numbers import format_decimal

        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        # Never grouped: "1,000" is what the member was asked back about (1000 or 1.0?), so the echo says 1000.
        return format_decimal(value, locale=locale or "en", decimal_quantization=False, group_separator=False)
    except Exception:  # unknown locale codes fall back to plain digits
        return str(value)


def format_date(value: str, locale: str | None) -> str:
    """Format an ISO date for the reader's locale."""
    try:
        from babel.dates import format_date as babel_format_date

        return babel_format_date(datetime.date.fromisoformat(value), format="medium", locale=locale or "en")
    except Exception:  # keep the stored text if it is not a date or the locale is unknown
        return str(value)
