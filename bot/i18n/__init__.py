"""Languages: gettext catalogs under `locales/`, compiled at start, and how a user's language is chosen.

Adding a language is adding a catalog: `pybabel init -i bot/i18n/messages.pot -d bot/i18n/locales -l xx`.
"""

from __future__ import annotations

import gettext
import logging
import os
import secrets
from pathlib import Path
from typing import Protocol

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


class Catalogs(Protocol):
    """The compiled catalogs of every language, asked for one message in a given language (aiogram's I18n
    fits): what a use case needs to word something for a reader other than the current user."""

    def gettext(self, singular: str, plural: str | None = None, n: int = 1, locale: str | None = None) -> str: ...


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogs (imported as `__`, which `make catalogs` extracts) without translating
    it: it is translated later, in the language of whoever reads it."""
    return message


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Compile every `.po` whose `.mo` is missing or older; returns the language codes found."""
    languages = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        language = po_path.parent.parent.name
        languages.append(language)
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language, domain=DOMAIN)
        # A file of its own for each writer: two processes starting at once (a bot and its web site, the two
        # workers of `make test-fast`) both find the catalog stale; sharing one temporary file, the second one's
        # replace found it gone.
        tmp_path = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            with tmp_path.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)
            tmp_path.replace(mo_path)  # atomic: another process starting now never reads half a file
        finally:
            tmp_path.unlink(missing_ok=True)
        log.debug("compiled %s", mo_path)
    return languages


# FAO's official languages in FAO's own order; a catalog added later is listed after them.
FAO_ORDER = ("ar", "zh", "en", "fr", "ru", "es")


def ordered_languages(codes) -> list[str]:
    """Languages in FAO's order, others alphabetically after."""
    return sorted(codes, key=lambda code: (FAO_ORDER.index(code) if code in FAO_ORDER else len(FAO_ORDER), code))


def language_name(code: str) -> str:
    """The language's name in itself ("Français", "Русский", "中文"), for the picker."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def normalize_language(code: str | None, available: list[str] | tuple[str, ...]) -> str | None:
    """Map a Telegram `language_code` ("fr-CA", "zh-hans", "pt-br") to a catalog we have, or None."""
    if not code:
        return None
    code = code.strip().replace("_", "-").lower()
    if code in available:
        return code
    base = code.split("-", 1)[0]
    return base if base in available else None


def choose_language(
    stored: str | None, telegram_code: str | None, default: str, available: list[str] | tuple[str, ...]
) -> str:
    """The member's stored choice first, then Telegram's language, then the default."""
    return (
        normalize_language(stored, available)
        or normalize_language(telegram_code, available)
        or normalize_language(default, available)
        or "en"
    )


def translations(i18n_locales: dict[str, gettext.GNUTranslations], language: str) -> gettext.NullTranslations:
    """A gettext object for the engines (lookup, survey) that take `tr`."""
    return i18n_locales.get(language) or gettext.NullTranslations()
