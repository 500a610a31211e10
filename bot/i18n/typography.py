"""Typography and text direction as code: list separators, French spacing, right-to-left paragraphs.

Translators choose words; the rules here are the same for every message, so they live in one place
and tests check the catalogs and the rendered screens against them:

- lists use the locale's own separators (CLDR list patterns via Babel): "A, B et C", "A وB وC",
  "A、B和C"; `join_items` puts the plain separator ("، ", "、", ", ") between parts that are not a
  list of alternatives (a land use and a pH band);
- French puts a narrow no-break space (U+202F) before ; : ! ? and inside « », so Telegram never breaks
  a line before them;
- a right-to-left line must start with a right-to-left character or mark, else Telegram lays the
  whole line out left to right (its direction comes from the first strong character); placeholders
  are wrapped in first-strong isolates (U+2068 … U+2069) so a Latin name or number inside an Arabic
  sentence keeps its own direction without reordering the sentence around it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.lists import format_list as babel_format_list
from babel.units import format_unit

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"
RLM = "\u200f"  # right-to-left mark
ALM = "\u061c"  # Arabic letter mark
LRM = "\u200e"
FSI, LRI, RLI, PDI = "\u2068", "\u2066", "\u2067", "\u2069"
ISOLATE_OPENERS = FSI + LRI + RLI
# Embeddings and overrides (LRE, RLE, PDF, LRO, RLO) are left out on purpose: the catalogs use isolates.
BIDI_CONTROLS = frozenset(RLM + ALM + LRM + ISOLATE_OPENERS + PDI)

# Separators for a plain enumeration where CLDR's list pattern is a conjunction ("و" in Arabic).
_PLAIN_SEPARATORS = {"ar": "، ", "fa": "، ", "ur": "، ", "ps": "، ", "zh": "、", "ja": "、"}
_TAG = re.compile(r"<[^>]*>")
_FRENCH_BEFORE = re.compile(r"[ \u00a0]+([:;!?»])")
_FRENCH_AFTER = re.compile(r"(«)[ \u00a0]+")
# A French "?"/"!" glued to a word ("vrai?") gets the space too; ":" does not (09:00, https://).
_FRENCH_GLUED = re.compile(r"(?<=[\w}»)’”])([;!?])")
_FRENCH_COLON = re.compile(r"(?<=[^\W\d_])(:)(?=\s|$)")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_TAG_SPLIT = re.compile(r"(<[^>]*>)")


def _base(language: str | None) -> str:
    return (language or "en").replace("-", "_").split("_")[0].lower()


@lru_cache(maxsize=64)
def _locale(language: str | None) -> Locale:
    try:
        return Locale.parse((language or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


def is_rtl(language: str | None) -> bool:
    """Whether the language is written right to left (CLDR's character order)."""
    return _locale(language).character_order == "right-to-left"


# ---------------------------------------------------------------- lists


def format_list(items: Iterable[str], language: str | None) -> str:
    """A list with the locale's conjunction: "cadmium, lead and mercury", "الكادميوم والرصاص", "镉、铅和汞"."""
    items = [str(item) for item in items]
    if not items:
        return ""
    return babel_format_list(items, style="standard", locale=_locale(language))


def list_separator(language: str | None) -> str:
    """The separator between items of a plain enumeration: ", " / "، " (ar) / "、" (zh)."""
    base = _base(language)
    if base in _PLAIN_SEPARATORS:
        return _PLAIN_SEPARATORS[base]
    try:
        middle = _locale(language).list_patterns["standard"]["middle"]
    except (KeyError, TypeError):
        return ", "
    separator = middle.replace("{0}", "").replace("{1}", "")
    # A pattern with a word in it ("{0} و{1}") is a conjunction, not a separator.
    return separator if separator and not any(char.isalpha() for char in separator) else ", "


def join_items(items: Iterable[str], language: str | None) -> str:
    """Parts joined with the locale's plain separator (no "and"): "农用地、pH ≤ 5.5"."""
    return list_separator(language).join(str(item) for item in items if item != "")


# ---------------------------------------------------------------- sizes


def file_size(size: int, language: str | None) -> str:
    """A file size in the locale's words and numbers: "125 bytes", "2.3 kB", "1,5 Mo", "125字节".

    Decimal units (1 kB = 1,000 bytes, as CLDR names them); bytes are spelled out, so a small file never
    reads as a rounded-up "1 kB".
    """
    locale = _locale(language)
    if size < 1000:
        return format_unit(size, "digital-byte", length="long", locale=locale)
    if size < 999_950:  # below what rounds to "1,000.0 kB"
        return format_unit(round(size / 1000, 1), "digital-kilobyte", length="short", format="#,##0.#", locale=locale)
    return format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short", format="#,##0.#", locale=locale)


# ---------------------------------------------------------------- French


def french_spacing(text: str) -> str:
    """French punctuation spacing with narrow no-break spaces: "Pays : Kenya" -> "Pays\u202f: Kenya".

    An ordinary or no-break space before ; : ! ? » and after « becomes U+202F; a ; ! ? glued to the
    word before it, and a guillemet with no space inside, get one. HTML tags are left as they are.
    """
    pieces = _TAG_SPLIT.split(text)
    for index in range(0, len(pieces), 2):
        piece = _FRENCH_BEFORE.sub(NNBSP + r"\1", pieces[index])
        piece = _FRENCH_AFTER.sub(r"\1" + NNBSP, piece)
        piece = _FRENCH_GLUED.sub(NNBSP + r"\1", piece)
        piece = _FRENCH_COLON.sub(NNBSP + r"\1", piece)
        piece = re.sub(r"«(?=[^\u202f])", "«" + NNBSP, piece)
        piece = re.sub(r"(?<=[^\u202f])»", NNBSP + "»", piece)
        pieces[index] = piece
    return "".join(pieces)


def french_apostrophes(text: str) -> str:
    """The typographic apostrophe between letters: "l'INSOP" -> "l’INSOP" (tags left alone)."""
    pieces = _TAG_SPLIT.split(text)
    for index in range(0, len(pieces), 2):
        pieces[index] = _APOSTROPHE.sub("’", pieces[index])
    return "".join(pieces)


def typeset(text: str, language: str | None) -> str:
    """A text written outside the catalogs (a form label, say) with the language's typography applied."""
    if text and _base(language) == "fr":
        return french_spacing(french_apostrophes(text))
    return text


def french_spacing_problems(text: str) -> list[str]:
    """Where French punctuation lacks its narrow no-break space, as short excerpts (empty when right)."""
    plain = _TAG.sub("", text)
    problems = []
    patterns = (
        r"[ \u00a0][:;!?»]",  # an ordinary or no-break space before the mark
        r"«[ \u00a0]",  # ... or inside the opening guillemet
        r"«(?!\u202f)",  # no space inside the guillemets at all
        r"(?<!\u202f)»",
        r"(?<=[\w}»)’”])[;!?]",  # "vrai?" glued to its word
        r"(?<=[^\W\d_])[:](?=\s|$)",  # "Pays:" (but not 09:00, https://)
    )
    for pattern in patterns:
        for match in re.finditer(pattern, plain):
            problems.append(plain[max(0, match.start() - 15) : match.end() + 5])
    return problems


# ---------------------------------------------------------------- direction


def _strong(char: str) -> str | None:
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL"):
        return "rtl"
    if kind == "L":
        return "ltr"
    return None


def paragraph_direction(line: str) -> str | None:
    """The direction Telegram gives a line: its first strong character outside isolates and HTML tags.

    Returns "rtl", "ltr", or None when the line has no strong character outside isolates.
    """
    depth = 0
    for char in _TAG.sub("", line):
        if char in ISOLATE_OPENERS:
            depth += 1
        elif char == PDI:
            depth = max(depth - 1, 0)
        elif depth == 0:
            if char in (RLM, ALM):
                return "rtl"
            if char == LRM:
                return "ltr"
            direction = _strong(char)
            if direction:
                return direction
    return None


def rtl_lines(text: str) -> str:
    """Every line laid out right to left: an RLM before each line that would otherwise run left to right.

    HTML tags at the start of a line stay first; the mark goes before the first visible character.
    """
    lines = []
    for line in text.split("\n"):
        if line.strip() and paragraph_direction(line) != "rtl":
            match = re.match(r"(?:\s*<[^>]*>)*", line)
            cut = match.end() if match else 0
            line = line[:cut] + RLM + line[cut:]
        lines.append(line)
    return "\n".join(lines)


def direct(text: str, language: str | None) -> str:
    """`text` with right-to-left lines marked when the language is right to left, unchanged otherwise."""
    return rtl_lines(text) if is_rtl(language) else text


def isolate(text: str, language: str | None) -> str:
    """`text` in a first-strong isolate when the language is right to left (a name inside Arabic text)."""
    return f"{FSI}{text}{PDI}" if is_rtl(language) and text else text


def unbalanced_isolates(text: str) -> bool:
    """Whether an isolate is closed before it opens, or left open at the end of the text."""
    depth = 0
    for char in text:
        if char in ISOLATE_OPENERS:
            depth += 1
        elif char == PDI:
            depth -= 1
            if depth < 0:
                return True
    return depth != 0


# Embeddings and overrides (LRE, RLE, PDF, LRO, RLO): never in the catalogs, but a member may type them.
EMBEDDINGS = "\u202a\u202b\u202c\u202d\u202e"
_ALL_BIDI_CONTROLS = BIDI_CONTROLS | frozenset(EMBEDDINGS)


def strip_bidi_controls(text: str) -> str:
    """The text without direction marks, isolates, embeddings and overrides (for files and charts that lay text out
    themselves, and for typed text quoted back, where an override would turn the message around it)."""
    return "".join(char for char in text if char not in _ALL_BIDI_CONTROLS)
