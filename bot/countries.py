"""Countries by name in any of the bot's languages (CLDR via Babel), typos forgiven."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from babel import Locale
from rapidfuzz import fuzz, process, utils

# CLDR "territories" that are not countries a member can work in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK"}
_NAME_LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar", "pt", "de")
# Short forms people type that CLDR does not list as names.
_ALIASES = {"usa": "US", "u s a": "US", "uk": "GB", "uae": "AE", "drc": "CD", "rdc": "CD", "eeuu": "US", "ee uu": "US", "сша": "US", "рф": "RU"}


def fold(text: str) -> str:
    """Lower-case, accents removed, punctuation to spaces: "Côte d’Ivoire" -> "cote d ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return utils.default_process(stripped)


@lru_cache(maxsize=1)
def _names() -> tuple[list[str], list[str]]:
    """Parallel lists: folded name, ISO code."""
    folded: list[str] = []
    codes: list[str] = []
    for language in _NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                folded.append(fold(name))
                codes.append(code)
    for alias, code in _ALIASES.items():
        folded.append(alias)
        codes.append(code)
    return folded, codes


def country_name(code: str, language: str) -> str:
    """The country's name in the member's language."""
    try:
        return Locale.parse(language).territories.get(code.upper(), code.upper())
    except ValueError:
        return code.upper()


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
