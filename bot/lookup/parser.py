"""Free-text query parser: pollutant, land use, country, pH and value type from any of six languages.

Matching runs from the surest to the least sure: CAS numbers and pH, exact terms (longest
word n-grams first), Chinese substrings, Russian stems, chemical symbols and ISO codes as
written, and last fuzzy matching of the words left over. Every recognised part carries a
confidence; fuzzy matches below the acceptance score become "did you mean" suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypedDict, cast

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.lookup.conditions import DETAIL_CATEGORY
from bot.lookup.vocabulary import (
    KIND_COUNTRY,
    KIND_EXTRACTION,
    KIND_LAND_USE,
    KIND_LAND_USE_DETAIL,
    KIND_PH_BAND,
    KIND_POLLUTANT,
    KIND_PRIORITY,
    KIND_STOP,
    KIND_TEXTURE,
    KIND_VALUE_TYPE,
    Vocabulary,
    is_arabic_word,
    is_cjk,
    is_cyrillic_word,
    normalize_word,
    prepare_text,
    tokenize,
)

# Long input is cut before parsing: nobody types a useful query longer than this,
# and the cap keeps a pasted 10,000-character message as fast as a short one.
MAX_QUERY_CHARS = 300
MAX_TOKENS = 40
FUZZY_ACCEPT_SCORE = 82.0
FUZZY_SUGGEST_SCORE = 75.0
MIN_FUZZY_TOKEN = 4
CONFIDENCE_EXACT = 1.0
CONFIDENCE_STEM = 0.9
CONFIDENCE_CODE = 0.95
MIN_CYRILLIC_PREFIX = 4
MAX_CYRILLIC_ENDING = 4

_CAS = re.compile(r"(?<![\d-])(\d{2,7}-\d{2}-\d)(?![\d-])")
_PH = re.compile(
    r"(?i)(?<![a-zа-я])[pр][hн]\s*(?:值|value|=|:|of|de|du)?\s*(\d{1,2}(?:[.,]\d{1,2})?)(?![\d.,]*\d|[eE][+-]?\d)"
)
# Arabic-Indic and Persian digits and the Arabic decimal separator, read as the numbers they are ("pH ٦٫٥").
_WESTERN_DIGITS = {
    **{0x0660 + digit: str(digit) for digit in range(10)},
    **{0x06F0 + digit: str(digit) for digit in range(10)},
    0x066B: ".",
}
# Characters a phone or a copied text slips in unseen (zero-width space and joiners, word joiner, byte-order mark,
# soft hyphen): dropped, so "cad\u200bmium" is one word, cadmium.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_AS_READ = {**_WESTERN_DIGITS, **_INVISIBLE}
_PARTS = (
    KIND_POLLUTANT,
    KIND_LAND_USE,
    KIND_COUNTRY,
    KIND_VALUE_TYPE,
    KIND_LAND_USE_DETAIL,
    KIND_TEXTURE,
    KIND_PH_BAND,
    KIND_EXTRACTION,
)
# Short names (lead, zinc, медь) are too short for a ratio to forgive a typo: one edit is accepted
# when the first letter is right ("zink", "leed"), as a longer name's typo is.
SHORT_NAME_LENGTHS = (4, 5)
# Fuzzy matching looks among terms with the typed word's first letter; a single word of at least this
# many letters found nowhere there is looked for among every pollutant and country (a typo in the first letter).
WHOLE_LIST_MIN_LENGTH = 6
_WHOLE_LIST_KINDS = (KIND_POLLUTANT, KIND_COUNTRY)
# What "acidic" and "alkaline" mean for a pH band: below 7, above 7.
PH_BANDS = {"acidic": (0.0, 7.0), "alkaline": (7.0, 14.0)}
# A measured amount typed with its unit ("5 mg/kg", "5 ppm", "5 мг/кг", "5毫克/千克"), in mg/kg.
_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{1,7}(?:[.,]\d{1,6})?)\s*(mg\s*/\s*kg|mg\s*kg-1|ppm|мг\s*/\s*кг|"
    r"毫克\s*/\s*千克|毫克每千克|ملغ\s*/\s*كغ|ملغم\s*/\s*كغم|مغ\s*/\s*كغ)",
    re.IGNORECASE,
)
# Words asking whether something is safe: a threshold cannot answer that, and the reply says so.
_SAFETY = re.compile(
    r"(?<!\w)(safe|safety|dangerous|harmful|sûr|sure|sans danger|dangereux|seguro|segura|"
    r"peligroso|peligrosa|безопасн\w*|опасн\w*|آمن|آمنة|خطير|خطيرة)(?!\w)|安全|危险|有害",
    re.IGNORECASE,
)
# A whole message that is a greeting or a call for help, in the six languages: the help screen answers it.
GREETINGS = frozenset(
    {
        "hi",
        "hello",
        "hey",
        "help",
        "start",
        "menu",
        "good morning",
        "bonjour",
        "salut",
        "aide",
        "bonsoir",
        "hola",
        "ayuda",
        "buenos dias",
        "buenos días",
        "buenas",
        "привет",
        "здравствуйте",
        "помощь",
        "помогите",
        "добрый день",
        "你好",
        "您好",
        "帮助",
        "嗨",
        "مرحبا",
        "مرحباً",
        "السلام عليكم",
        "مساعدة",
        "أهلا",
        "اهلا",
    }
)
_GREETING_NOISE = re.compile(r"[\s!?.,;:¡¿。！？،؟…\u064b-\u065f]+")
# Leftover words shorter than this are not named as an unknown pollutant.
MIN_UNKNOWN_WORD = 5


@dataclass(frozen=True)
class Suggestion:
    """A fuzzy reading of a typed word: accepted (used) or only proposed ("did you mean")."""

    part: str
    typed: str
    value: str
    score: float
    accepted: bool


@dataclass(frozen=True)
class ParsedQuery:
    """What a free-text question asks for; None where the part was not recognised."""

    text: str
    pollutant: str | None = None
    land_use: str | None = None
    country: str | None = None
    ph: float | None = None
    value_type: str | None = None
    confidence: dict[str, float] = field(default_factory=dict)
    suggestions: tuple[Suggestion, ...] = ()
    truncated: bool = False
    land_use_detail: str | None = None
    soil_texture: str | None = None
    ph_band: str | None = None
    extraction: str | None = None
    # Words that matched nothing (a pollutant not in the table, such as "glyphosate"), longest first.
    unknown_words: tuple[str, ...] = ()
    # A measured amount the question gave, in mg/kg ("is 5 mg/kg cadmium safe?"), and whether it asks "safe?".
    measured: float | None = None
    asks_safety: bool = False

    @property
    def recognised_anything(self) -> bool:
        """Whether any part of the question was understood."""
        return any((self.pollutant, self.land_use, self.country, self.land_use_detail))

    @property
    def names_conditions(self) -> bool:
        """Whether the question names a condition a value may depend on."""
        return any((self.land_use_detail, self.soil_texture, self.ph_band, self.extraction, self.ph is not None))

    @property
    def ph_range(self) -> tuple[float, float] | None:
        """The pH range "acidic" or "alkaline" stands for, or None."""
        return PH_BANDS.get(self.ph_band) if self.ph_band else None

    @property
    def unsure(self) -> bool:
        """Whether some part was only guessed, so the reply should ask "did you mean"."""
        return any(not suggestion.accepted for suggestion in self.suggestions) or any(
            score < 0.9 for score in self.confidence.values()
        )


class _Found:
    """Mutable accumulator used while one query is parsed."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.confidence: dict[str, float] = {}
        self.suggestions: list[Suggestion] = []

    def offer(self, meanings: dict[str, str | None], confidence: float) -> bool:
        """Take the highest-priority meaning whose part is still open; True if the word is used."""
        for kind in KIND_PRIORITY:
            if kind not in meanings:
                continue
            if kind == KIND_STOP:
                return True
            if kind not in self.values:
                self.values[kind] = cast(str, meanings[kind])  # only the stop list has no value
                self.confidence[kind] = confidence
                return True
        # A second country or pollutant is not ours to guess at, but the word is understood.
        return any(kind in meanings for kind in _PARTS)


def _in_typed_order(suggestions: list[Suggestion], text: str) -> tuple[Suggestion, ...]:
    """The suggestions in the order their words were typed (the parser finds a land use before a pollutant)."""
    folded = text.casefold()

    def position(suggestion: Suggestion) -> int:
        found = folded.find(suggestion.typed.casefold())
        return found if found >= 0 else len(folded)

    return tuple(sorted(suggestions, key=position))


def parse_query(text: str, vocabulary: Vocabulary) -> ParsedQuery:
    """Parse a free-text threshold question into pollutant, land use, country, pH, value type."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    found = _Found()

    remaining = text.translate(_AS_READ)
    cas_match = _CAS.search(remaining)
    if cas_match and cas_match.group(1) in vocabulary.cas:
        found.offer({KIND_POLLUTANT: vocabulary.cas[cas_match.group(1)]}, CONFIDENCE_EXACT)
    remaining = _CAS.sub(" ", remaining)
    measured = None
    amount_match = _AMOUNT.search(remaining)
    if amount_match:
        measured = float(amount_match.group(1).replace(",", "."))
        remaining = remaining[: amount_match.start()] + " " + remaining[amount_match.end() :]
    ph = None
    ph_match = _PH.search(remaining)
    if ph_match:
        candidate = float(ph_match.group(1).replace(",", "."))
        if 0 <= candidate <= 14:
            ph = candidate
        remaining = remaining[: ph_match.start()] + " " + remaining[ph_match.end() :]

    raw_tokens = tokenize(prepare_text(remaining))[:MAX_TOKENS]
    words = [normalize_word(token) for token in raw_tokens]
    used = [word.isdigit() or not word for word in words]
    codes: list[int] = []

    # "Pb DE" means Germany, but "LEAD IN SOIL" is someone typing in capitals.
    shouting = sum(1 for token in raw_tokens if len(token) > 2 and token.isupper()) >= 2
    for position, token in enumerate(raw_tokens):
        if (
            not shouting
            and len(token) == 2
            and token.isupper()
            and token in vocabulary.country_codes
            and set(vocabulary.exact.get(words[position], {})) <= {KIND_STOP}
        ):
            used[position] = True
            codes.append(position)
    _match_exact_ngrams(words, used, vocabulary, found)
    _match_single_words(words, used, vocabulary, found)
    for position in codes:
        used[position] = False
    _match_symbols_and_codes(raw_tokens, used, vocabulary, found)
    _match_fuzzy(words, used, vocabulary, found)

    detail = found.values.get(KIND_LAND_USE_DETAIL)
    unknown = sorted(
        {
            raw_tokens[position]
            for position, word in enumerate(words)
            if not used[position]
            and len(word) >= MIN_UNKNOWN_WORD
            and word.isalpha()
            and not any(is_cjk(char) for char in word)
        },
        key=lambda w: (-len(w), w),
    )
    return ParsedQuery(
        text=text,
        pollutant=found.values.get(KIND_POLLUTANT),
        # A specific land use wins over a general one named with it ("industrial playground").
        land_use=DETAIL_CATEGORY.get(detail, found.values.get(KIND_LAND_USE))
        if detail
        else found.values.get(KIND_LAND_USE),
        country=found.values.get(KIND_COUNTRY),
        ph=ph,
        value_type=found.values.get(KIND_VALUE_TYPE),
        confidence=dict(found.confidence),
        suggestions=_in_typed_order(found.suggestions, text),
        truncated=truncated,
        land_use_detail=detail,
        soil_texture=found.values.get(KIND_TEXTURE),
        ph_band=found.values.get(KIND_PH_BAND) if ph is None else None,
        extraction=found.values.get(KIND_EXTRACTION),
        unknown_words=tuple(unknown[:2]),
        measured=measured,
        asks_safety=bool(_SAFETY.search(text)) or measured is not None,
    )


def is_greeting(text: str) -> bool:
    """Whether a whole message is a greeting or "help" ("hi", "hola", "привет", "你好", "مرحبا")."""
    if not isinstance(text, str) or len(text) > 40:
        return False
    key = " ".join(_GREETING_NOISE.sub(" ", text.casefold()).split())
    return key in GREETINGS


def _match_exact_ngrams(words: list[str], used: list[bool], vocabulary: Vocabulary, found: _Found) -> None:
    for size in range(min(vocabulary.max_words, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            if any(used[start : start + size]):
                continue
            meanings = vocabulary.exact.get(" ".join(words[start : start + size]))
            if meanings and found.offer(meanings, CONFIDENCE_EXACT):
                for position in range(start, start + size):
                    used[position] = True


def _match_single_words(words: list[str], used: list[bool], vocabulary: Vocabulary, found: _Found) -> None:
    for position, word in enumerate(words):
        if used[position]:
            continue
        if any(is_cjk(char) for char in word):
            used[position] = _scan_cjk(word, vocabulary, found)
        elif is_cyrillic_word(word):
            used[position] = _match_cyrillic(word, vocabulary, found)
        elif is_arabic_word(word) and len(word) > 3 and word[0] in "وفبلك":
            # An attached conjunction or preposition without the article (وكندا، بكادميوم).
            meanings = vocabulary.exact.get(word[1:])
            used[position] = meanings is not None and bool(meanings) and found.offer(meanings, CONFIDENCE_EXACT)


def _scan_cjk(word: str, vocabulary: Vocabulary, found: _Found) -> bool:
    """Find known terms inside unspaced Chinese text, longest match first at each position."""
    matched_any = False
    position = 0
    while position < len(word):
        for length in range(min(vocabulary.cjk_max_len, len(word) - position), 0, -1):
            meanings = vocabulary.cjk.get(word[position : position + length])
            if meanings:
                found.offer(meanings, CONFIDENCE_EXACT)
                matched_any = True
                position += length
                break
        else:
            position += 1
    return matched_any


def _match_cyrillic(word: str, vocabulary: Vocabulary, found: _Found) -> bool:
    """Match a Russian word by the longest known stem it starts with (Китае -> кита-)."""
    # An ending longer than a few letters means a different word ("канализация" is not Canada).
    shortest = max(MIN_CYRILLIC_PREFIX, len(word) - MAX_CYRILLIC_ENDING)
    for length in range(len(word), shortest - 1, -1):
        meanings = vocabulary.cyrillic_stems.get(word[:length])
        if meanings:
            return found.offer(meanings, CONFIDENCE_STEM)
    return False


def _match_symbols_and_codes(raw_tokens: list[str], used: list[bool], vocabulary: Vocabulary, found: _Found) -> None:
    for position, token in enumerate(raw_tokens):
        if used[position]:
            continue
        if token in vocabulary.symbols:
            used[position] = found.offer({KIND_POLLUTANT: vocabulary.symbols[token]}, CONFIDENCE_EXACT)
    # Upper-case two-letter words are ISO codes ("CA", "NL") only where no word took them;
    # lower-case "in", "de", "as" are words, never countries.
    for position, token in enumerate(raw_tokens):
        if used[position] or len(token) != 2 or not token.isupper() or not token.isalpha():
            continue
        if token in vocabulary.country_codes and KIND_COUNTRY not in found.values:
            used[position] = found.offer({KIND_COUNTRY: token}, CONFIDENCE_CODE)
        elif token.capitalize() in vocabulary.symbols:
            used[position] = found.offer({KIND_POLLUTANT: vocabulary.symbols[token.capitalize()]}, CONFIDENCE_CODE)


def _match_fuzzy(words: list[str], used: list[bool], vocabulary: Vocabulary, found: _Found) -> None:
    open_kinds = [
        kind for kind in (KIND_POLLUTANT, KIND_LAND_USE_DETAIL, KIND_LAND_USE, KIND_COUNTRY) if kind not in found.values
    ]
    if not open_kinds:
        return
    leftovers = [
        position
        for position, word in enumerate(words)
        if not used[position]
        and len(word) >= MIN_FUZZY_TOKEN
        and word.isalpha()
        and not any(is_cjk(char) for char in word)
    ]
    if not leftovers:
        return
    candidates = []
    spans: list[tuple[int, ...]] = [(position,) for position in leftovers]
    spans += [(a, b) for a, b in zip(leftovers, leftovers[1:]) if b == a + 1]
    for span in spans:
        typed = " ".join(words[position] for position in span)
        for kind in open_kinds + [KIND_STOP]:
            terms, values = vocabulary.fuzzy_buckets.get(kind, {}).get(typed[0], ((), ()))
            best = (
                process.extractOne(typed, terms, scorer=fuzz.ratio, score_cutoff=FUZZY_SUGGEST_SCORE) if terms else None
            )
            if best is None and kind in _WHOLE_LIST_KINDS and len(span) == 1 and len(typed) >= WHOLE_LIST_MIN_LENGTH:
                # A long word found under no first letter may have its typo there ("vadmium").
                terms, values = vocabulary.fuzzy_terms.get(kind, ()), vocabulary.fuzzy_values.get(kind, ())
                best = (
                    process.extractOne(typed, terms, scorer=fuzz.ratio, score_cutoff=FUZZY_SUGGEST_SCORE)
                    if terms
                    else None
                )
            if (
                kind == KIND_POLLUTANT
                and len(span) == 1
                and len(typed) in SHORT_NAME_LENGTHS
                and (best is None or best[1] < FUZZY_ACCEPT_SCORE)
            ):
                terms, values = vocabulary.fuzzy_buckets.get(kind, {}).get(typed[0], ((), ()))
                near = process.extractOne(typed, terms, scorer=OSA.distance, score_cutoff=1) if terms else None
                if near and abs(len(near[0]) - len(typed)) <= 1:
                    best = (near[0], FUZZY_ACCEPT_SCORE, near[2])
            if best:
                candidates.append((best[1], len(span), kind, values[best[2]], typed, span))
    # Best scores first; a misspelt filler word ("limt") is claimed by the stop list.
    for score, _, kind, value, typed, span in sorted(candidates, key=lambda c: (-c[0], -c[1])):
        if any(used[position] for position in span):
            continue
        if kind == KIND_STOP:
            if score >= FUZZY_ACCEPT_SCORE:
                for position in span:
                    used[position] = True
            continue
        if kind in found.values:
            continue
        accepted = score >= FUZZY_ACCEPT_SCORE
        found.suggestions.append(Suggestion(kind, typed, cast(str, value), round(score, 1), accepted))
        if accepted:
            found.values[kind] = cast(str, value)
            found.confidence[kind] = round(score / 100.0, 3)
            for position in span:
                used[position] = True


# The conditions of a question in a few characters, so a "More" button can carry them (64 bytes).
_CONDITION_SLOTS = (
    (
        "land_use_detail",
        ("playground", "park", "kitchen_garden", "arable", "grassland", "paddy", "sludge", "urban", "other_uses"),
    ),
    ("soil_texture", ("sand", "loam", "clay", "light", "common")),
    ("ph_band", ("acidic", "alkaline")),
    ("extraction", ("aqua_regia", "ammonium_nitrate", "acid_digestion", "other")),
)


def pack_conditions(parsed: ParsedQuery) -> str:
    """A question's conditions as one digit per slot ("-" for none), e.g. "0--1"."""
    return "".join(
        str(values.index(getattr(parsed, name))) if getattr(parsed, name) in values else "-"
        for name, values in _CONDITION_SLOTS
    )


class Conditions(TypedDict):
    """The conditions a "More" button carries, as `ParsedQuery` fields."""

    land_use_detail: str | None
    soil_texture: str | None
    ph_band: str | None
    extraction: str | None


def unpack_conditions(packed: str) -> Conditions:
    """The conditions `pack_conditions` wrote; anything unreadable is no condition."""

    def slot(position: int) -> str | None:
        values = _CONDITION_SLOTS[position][1]
        digit = packed[position : position + 1]
        return values[int(digit)] if digit.isdigit() and int(digit) < len(values) else None

    return Conditions(land_use_detail=slot(0), soil_texture=slot(1), ph_band=slot(2), extraction=slot(3))
