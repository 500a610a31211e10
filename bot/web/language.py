"""Which language a web page speaks: `?lang=`, then the browser's Accept-Language, then the default."""

from __future__ import annotations

import gettext
from functools import lru_cache

from bot.i18n import DOMAIN, LOCALES_DIR, compile_catalogs, language_name, normalize_language, ordered_languages
from bot.i18n.typography import is_rtl

# Accept-Language headers longer than this are read only this far (a header is client input).
_ACCEPT_LANGUAGE_CHARS = 512
_ACCEPT_LANGUAGE_ITEMS = 20


@lru_cache(maxsize=1)
def available_languages() -> tuple[str, ...]:
    """The catalogs we have, compiled if needed, in FAO's order."""
    return tuple(ordered_languages(compile_catalogs()))


@lru_cache(maxsize=16)
def translations(language: str) -> gettext.NullTranslations:
    """The gettext catalog of a language (the bot's own catalogs)."""
    return gettext.translation(DOMAIN, localedir=LOCALES_DIR, languages=[language], fallback=True)


def accepted(header: str | None) -> list[str]:
    """Accept-Language's language ranges, most wanted first ("fr-CH, fr;q=0.9, en;q=0.8" -> fr-CH, fr, en)."""
    ranked = []
    for position, item in enumerate((header or "")[:_ACCEPT_LANGUAGE_CHARS].split(",")[:_ACCEPT_LANGUAGE_ITEMS]):
        code, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if code and code != "*" and quality > 0:
            ranked.append((-quality, position, code))
    return [code for _, _, code in sorted(ranked)]


def choose_language(asked: str | None, accept_language: str | None, default: str) -> str:
    """`?lang=` if we have it, else the first Accept-Language range we have, else the default."""
    available = available_languages()
    for code in [asked, *accepted(accept_language), default]:
        found = normalize_language(code[:20] if code else code, available)
        if found:
            return found
    return "en"


def direction(language: str) -> str:
    """`rtl` for Arabic (and any right-to-left catalog added later), else `ltr`."""
    return "rtl" if is_rtl(language) else "ltr"


def switcher() -> list[tuple[str, str]]:
    """(code, the language's name in itself) for the language links, in FAO's order."""
    return [(code, language_name(code)) for code in available_languages()]
