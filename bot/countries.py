"""Countries: names as the UN writes them in its six languages, found by any name people type, typos forgiven.

Display names come from the UN M49 table ("Standard country or area codes for statistical use", the six
language versions) where it differs from CLDR, kept in one reviewed table,
`storage/seed/un_country_names.csv` (see `storage/seed/UN_COUNTRY_NAMES.md`); every other name comes
from CLDR via Babel, with CLDR's abbreviations spelled out ("St." and "&" in English, "о-ва" in Russian).
CLDR names, short names and common spellings stay as matching aliases: "South Korea", "Vietnam",
"Corée du Sud" and "韩国" are all still understood.

This module is the one home of what counts as a country: which CLDR codes are places at all
(`NOT_PLACES`), which are jurisdictions a value may come from (`is_jurisdiction`: every place, the EU
included), which are countries a member works in (`is_country`: every place but the EU), which are offered
in a form's list (`country_choices`: ISO 3166-1 only; `FAO_MEMBERS` for the focal points' surveys), and
how one is named (`country_name`). It imports neither aiogram nor SQLAlchemy: the engines use it too.
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

# CLDR "territories" that name no place: the eurozone, the UN, outlying Oceania, unknown, pseudo-locales.
NOT_PLACES = frozenset({"EZ", "UN", "QO", "ZZ", "XA", "XB"})
# Unions whose law sets values for their members: a jurisdiction of values, never a member's country.
UNIONS = frozenset({"EU"})
_NAME_LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar", "pt", "de")
# Short forms people type that CLDR does not list as names.
_ALIASES = {
    "usa": "US",
    "u s a": "US",
    "uk": "GB",
    "uae": "AE",
    "drc": "CD",
    "rdc": "CD",
    "eeuu": "US",
    "ee uu": "US",
    "сша": "US",
    "рф": "RU",
    # Former or common English names that CLDR no longer lists.
    "turkey": "TR",
    "ivory coast": "CI",
    "burma": "MM",
    "palestine": "PS",
    "cape verde": "CV",
    "swaziland": "SZ",
    "czech republic": "CZ",
    "holland": "NL",
    "great britain": "GB",
    "vatican": "VA",
    # The United Kingdom's nations (a member of the UK answers for it), and the DRC's short English name.
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "dr congo": "CD",
    "republic of the congo": "CG",
    "republic of congo": "CG",
    "d r congo": "CD",
}
# CLDR regions that are not in ISO 3166-1 (Ascension, Canary Islands, Kosovo…): matched, but not offered in a form's list.
_NOT_ISO_3166 = frozenset({"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "XK"})
# FAO's 194 Member Nations (ISO 3166-1 alpha-2): the 193 UN member states except Liechtenstein, plus the
# Cook Islands and Niue. A survey for national focal points lists these only, under their UN names.
FAO_MEMBERS = frozenset(
    """
AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT
BW BY BZ CA CD CF CG CH CI CK CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ
EC EE EG ER ES ET FI FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT
HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC
LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ
NA NE NG NI NL NO NP NR NU NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW
SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN
TO TR TT TV TZ UA UG US UY UZ VC VE VN VU WS YE ZA ZM ZW
""".split()
)


def is_place_code(code: str) -> bool:
    """Whether a CLDR region code names a place a value can come from (a two-letter code, not in NOT_PLACES)."""
    return len(code) == 2 and code.isalpha() and code.upper() not in NOT_PLACES


def jurisdiction_names(locale: Locale) -> list[tuple[str, str]]:
    """(code, name) of every jurisdiction CLDR names in `locale`: countries, territories and the EU."""
    return [(code, name) for code, name in locale.territories.items() if is_place_code(code)]


@lru_cache(maxsize=1)
def jurisdiction_codes() -> frozenset[str]:
    """Every jurisdiction a threshold value may belong to: CLDR's places (Kosovo included) and the EU."""
    return frozenset(code for code, _name in jurisdiction_names(Locale.parse("en")))


def is_jurisdiction(code: str | None) -> bool:
    """Whether `code` is a jurisdiction a value may come from (a country, a territory or the EU)."""
    return bool(code) and code.upper() in jurisdiction_codes()


def is_country(code: str | None) -> bool:
    """Whether `code` is a country or territory a member can work in: a jurisdiction other than the EU."""
    return is_jurisdiction(code) and code.upper() not in UNIONS


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
        for code, name in jurisdiction_names(Locale.parse(language)):
            if code not in UNIONS:
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
def country_name(code: str, language: str | None) -> str:
    """The name of a country (or the EU) everywhere the bot shows one: lookups, charts, forms, exports, /stats.

    The UN's name in the six UN languages, else CLDR's in `language`; in a language Babel does not know,
    the English name; the code itself when no one names it.
    """
    code = (code or "").upper()
    return _name_in(code, language or "en") or _name_in(code, "en") or code


def _name_in(code: str, language: str) -> str | None:
    base = _language(language)
    un = un_names().get(code, {}).get(base)
    if un:
        return un
    try:
        name = Locale.parse(language.replace("-", "_")).territories.get(code)
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    if name is None:
        return None
    for pattern, replacement in _SPELLED_OUT.get(base, ()):
        name = pattern.sub(replacement, name)
    return name


def country_choices(languages: tuple[str, ...] = UN_LANGUAGES, members: frozenset[str] | None = None) -> list[dict]:
    """The XLSForm `country` choice list: ISO code and the UN name in each language, sorted by English name.

    Every ISO 3166-1 country and territory, or only `members` (e.g. `FAO_MEMBERS`) when given.
    """
    codes = [
        code for code in sorted(set(_names()[1])) if code not in _NOT_ISO_3166 and (members is None or code in members)
    ]
    rows = [
        {
            "list_name": "country",
            "name": code,
            "label": {language: country_name(code, language) for language in languages},
        }
        for code in codes
    ]
    return sorted(rows, key=lambda row: fold(row["label"].get("en", row["name"])))


@lru_cache(maxsize=1)
def _exact_names() -> dict[str, str]:
    """Folded name or alias -> code, for names that belong to one country only."""
    owners: dict[str, set[str]] = {}
    for name, code in zip(*_names()):
        owners.setdefault(name, set()).add(code)
    return {name: codes.pop() for name, codes in owners.items() if len(codes) == 1}


# Names people use for either of two countries: never taken as one without asking which.
_AMBIGUOUS = {"congo": ("CG", "CD"), "korea": ("KR", "KP")}


def exact_country(text: str) -> str | None:
    """The country `text` names exactly: an ISO code, its name in one of the bot's languages, or a known alias
    ("Congo" and "Korea" name two countries, so none)."""
    query = fold(text)[:80]
    if len(query) == 2 and is_country(query):
        return query.upper()
    if query in _AMBIGUOUS:
        return None
    return _exact_names().get(query)


def match_country(text: str, limit: int = 3, cutoff: float = 70) -> list[tuple[str, float]]:
    """Best (code, score) guesses for what the member typed, best first, one per country."""
    query = fold(text)[:80]
    if not query:
        return []
    folded, codes = _names()
    if len(query) == 2 and query.upper() in codes:
        return [(query.upper(), 100.0)]
    if query in _AMBIGUOUS:
        return [(code, 100.0) for code in _AMBIGUOUS[query]]
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


def close_country(text: str, cutoff: float = 80) -> str | None:
    """The one country a typed name is a close misspelling of ("Keyna", "Kenia"), by whole-string similarity;
    None when none is that close, or two are. Unlike `match_country` (which offers guesses to confirm),
    "x", "the" or "hello" name no country here: they only share a few letters with one."""
    query = fold(text)[:80]
    if len(query) < 3 or query in _AMBIGUOUS:
        return None
    folded, codes = _names()
    found = process.extract(query, folded, scorer=fuzz.ratio, limit=20, score_cutoff=cutoff)
    best = max((score for _name, score, _position in found), default=0)
    close = {codes[position] for _name, score, position in found if score >= best - 3}  # "Nigera": Niger or Nigeria
    return close.pop() if len(close) == 1 else None


def read_country(text: str) -> tuple[str | None, list[tuple[str, float]]]:
    """A country typed by a member: (its code, []) when the text names one exactly, else (None, guesses best first).

    No guess means the text names no country; several mean the member confirms one with a button.
    """
    code = exact_country(text)
    return (code, []) if code is not None else (None, match_country(text))
