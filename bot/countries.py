"""Countries: names as the UN writes them in its six languages, found by any name people type, typos forgiven.

Display names come from the UN M49 table ("Standard country or area codes for statistical use", the six
language versions) where it differs from CLDR, kept in one reviewed table,
`storage/seed/un_country_names.csv` (see `storage/seed/UN_COUNTRY_NAMES.md`); every other name comes
from CLDR via Babel, with CLDR's abbreviations spelled out ("St." and "&" in English, "о-ва" in Russian).
CLDR names, short names and common spellings stay as matching aliases: "South Korea", "Vietnam",
"Corée du Sud" and "韩国" are all still understood.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from rapidfuzz import fuzz, process, utils

# Found by path, not by importing storage.seed, which pulls in SQLAlchemy.
UN_NAMES_CSV = Path(__file__).resolve().parents[1] / "storage" / "seed" / "un_country_names.csv"
UN_LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")

# CLDR "territories" that are not countries a member can work in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK"}
_NAME_LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar", "pt", "de")
# Short forms people type that CLDR does not list as names.
_ALIASES = {"usa": "US", "u s a": "US", "uk": "GB", "uae": "AE", "drc": "CD", "rdc": "CD", "eeuu": "US", "ee uu": "US", "сша": "US", "рф": "RU",
            # Former or common English names that CLDR no longer lists.
            "turkey": "TR", "ivory coast": "CI", "burma": "MM", "palestine": "PS", "cape verde": "CV",
            "swaziland": "SZ", "czech republic": "CZ", "holland": "NL", "great britain": "GB", "vatican": "VA"}
# CLDR regions that are not in ISO 3166-1 (Ascension, Canary Islands, Kosovo…): matched, but not offered in a form's list.
_NOT_ISO_3166 = frozenset({"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "XK"})


def fold(text: str) -> str:
    """Lower-case, accents removed, punctuation to spaces: "Côte d’Ivoire" -> "cote d ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return utils.default_process(stripped)


@lru_cache(maxsize=1)
def _names() -> tuple[list[str], list[str]]:
    """Parallel lists: folded name, ISO code (UN names, then CLDR names in several languages, then aliases)."""
    folded: list[str] = []
    codes: list[str] = []
    for code, by_language in un_names().items():
        for name in by_language.values():
            if name:
                folded.append(fold(name))
                codes.append(code)
    for language in _NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                folded.append(fold(name))
                codes.append(code)
                spelled = country_name(code, language)
                if spelled != name and code not in un_names():
                    folded.append(fold(spelled))
                    codes.append(code)
    for alias, code in _ALIASES.items():
        folded.append(alias)
        codes.append(code)
    return folded, codes


@lru_cache(maxsize=4)
def un_names(path: Path = UN_NAMES_CSV) -> dict[str, dict[str, str]]:
    """ISO code -> {language: UN name} for the countries whose UN name differs from CLDR's."""
    names: dict[str, dict[str, str]] = {}
    with Path(path).open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            code = (row.get("code") or "").strip().upper()
            names[code] = {language: (row.get(language) or "").strip() for language in UN_LANGUAGES}
    return names


# CLDR's abbreviations, spelled out as UN texts do ("St. Helena" -> "Saint Helena").
_SPELLED_OUT = {
    "en": ((re.compile(r"\bSt\. "), "Saint "), (re.compile(r" & "), " and ")),
    "ru": ((re.compile(r"\bо-ва\b"), "острова"), (re.compile(r"\bо-в\b"), "остров")),
}


def _language(language: str | None) -> str:
    return (language or "en").replace("-", "_").split("_")[0].lower()


@lru_cache(maxsize=4096)
def country_name(code: str, language: str) -> str:
    """The country's name in the member's language: the UN's in the six UN languages, else CLDR's."""
    code = (code or "").upper()
    base = _language(language)
    un = un_names().get(code, {}).get(base)
    if un:
        return un
    try:
        name = Locale.parse(language.replace("-", "_")).territories.get(code)
    except (ValueError, TypeError, UnknownLocaleError):
        name = None
    if name is None:
        return code
    for pattern, replacement in _SPELLED_OUT.get(base, ()):
        name = pattern.sub(replacement, name)
    return name


def country_choices(languages: tuple[str, ...] = UN_LANGUAGES) -> list[dict]:
    """The XLSForm `country` choice list: ISO code and the UN name in each language, sorted by English name."""
    codes = [code for code in sorted(set(_names()[1])) if code not in _NOT_ISO_3166]
    rows = [{"list_name": "country", "name": code, "label": {language: country_name(code, language) for language in languages}}
            for code in codes]
    return sorted(rows, key=lambda row: fold(row["label"].get("en", row["name"])))


def is_country(code: str | None) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-2 code CLDR knows as a country."""
    return bool(code) and code.upper() in set(_names()[1])


@lru_cache(maxsize=1)
def _exact_names() -> dict[str, str]:
    """Folded name or alias -> code, for names that belong to one country only."""
    owners: dict[str, set[str]] = {}
    for name, code in zip(*_names()):
        owners.setdefault(name, set()).add(code)
    return {name: codes.pop() for name, codes in owners.items() if len(codes) == 1}


def exact_country(text: str) -> str | None:
    """The country `text` names exactly: an ISO code, its name in one of the bot's languages, or a known alias."""
    query = fold(text)[:80]
    if len(query) == 2 and is_country(query):
        return query.upper()
    return _exact_names().get(query)


def match_country(text: str, limit: int = 3, cutoff: float = 70) -> list[tuple[str, float]]:
    """Best (code, score) guesses for what the member typed, best first, one per country."""
    query = fold(text)[:80]
    if not query:
        return []
    folded, codes = _names()
    if len(query) == 2 and query.upper() in codes:
        return [(query.upper(), 100.0)]
    matches = process.extract(query, folded, scorer=fuzz.WRatio, limit=limit * 8, score_cutoff=cutoff)
    best: dict[str, float] = {}
    for _name, score, position in matches:
        # An exact name beats a fuzzy one even when WRatio ties them.
        score = 100.0 + score if folded[position] == query else score
        code = codes[position]
        best[code] = max(best.get(code, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    # Offer runners-up only when they are nearly as good as the best guess.
    top = ranked[0][1] if ranked else 0
    return [(code, min(score, 100.0)) for code, score in ranked[:limit] if score >= top - 12]
