"""Telegram's size limits, counted as Telegram counts them: UTF-16 code units for text, bytes for callback data.

Python's `len()` counts code points; an emoji outside the Basic Multilingual Plane is one code point but
two UTF-16 units, so a reply sized with `len()` can be twice what Telegram accepts. Every place that
sizes or shortens text for Telegram uses the helpers here. Pure Python: engines may import it.
"""

from __future__ import annotations

import unicodedata

# Bot API: "1-4096 characters after entities parsing"; captions 0-1024; callback data 1-64 bytes;
# answerCallbackQuery text 0-200 characters.
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_BYTES = 64
ALERT_LIMIT = 200
# Inline keyboards: at most 100 buttons, 8 in a row (not in the Bot API docs; Telegram answers "reply markup
# is too long" past them, see tginfo/Telegram-Limits).
INLINE_KEYBOARD_BUTTONS = 100
INLINE_KEYBOARD_ROW = 8
# Documents sent as survey answers: Telegram lets a bot download files up to 20 MB, and a member
# may keep at most MAX_MEMBER_DOCUMENTS documents taking MAX_MEMBER_DOCUMENT_BYTES in all (the
# bytes are stored in the database, so one member cannot fill it). Decimal megabytes, as the bot shows
# sizes (bot.i18n.typography.file_size): "20 MB at most" means the largest file reads "20 MB".
MAX_DOCUMENT_BYTES = 20_000_000
MAX_MEMBER_DOCUMENTS = 30
MAX_MEMBER_DOCUMENT_BYTES = 100_000_000
# Telegram documents no limit for a button's text, but clients cut long labels: keep them readable.
BUTTON_TEXT_LIMIT = 120

ELLIPSIS = "…"
_ZWJ = "\u200d"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    # Encoded in C rather than counted per character in Python: a 4,000-character answer is measured several
    # times per lookup (README, Benchmarks: the per-update profile).
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_index(text: str, units: int) -> int:
    """The largest index `i` such that `text[:i]` takes at most `units` UTF-16 code units."""
    if units <= 0:
        return 0
    if len(text) <= units and utf16_len(text) <= units:
        return len(text)
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return index
    return len(text)


def _continues_cluster(char: str) -> bool:
    """Whether `char` belongs to the character before it (accent, emoji modifier, joiner, selector)."""
    code = ord(char)
    return (
        char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (emoji / text presentation)
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
        or code == 0x20E3  # keycap
        or unicodedata.category(char) in ("Mn", "Mc", "Me")
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def cluster_boundary(text: str, index: int) -> int:
    """`index` moved back, if needed, so that cutting there splits no emoji, flag or accented letter."""
    while 0 < index < len(text) and (_continues_cluster(text[index]) or text[index - 1] == _ZWJ):
        index -= 1
    if 0 < index < len(text) and _is_regional_indicator(text[index]):
        # Flags are pairs of regional indicators: cut before an unpaired one.
        run = 0
        while index - run - 1 >= 0 and _is_regional_indicator(text[index - run - 1]):
            run += 1
        if run % 2:
            index -= 1
    return index


def fit_utf16(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` if it takes at most `limit` UTF-16 units, else its beginning plus `ellipsis`, within `limit`.

    Cuts between whole characters (never inside an emoji, a flag or an accented letter), for plain text:
    escape HTML after fitting, not before, so that no tag or entity is cut.
    """
    if utf16_len(text) <= limit:
        return text
    room = limit - utf16_len(ellipsis)
    if room <= 0:
        return ellipsis[: utf16_index(ellipsis, limit)]
    cut = cluster_boundary(text, utf16_index(text, room))
    return text[:cut].rstrip() + ellipsis


def fits_callback_data(data: str) -> bool:
    """Whether a packed callback data string is within Telegram's 1-64 bytes."""
    return 1 <= len(data.encode()) <= CALLBACK_DATA_BYTES


def button_text(text: str, limit: int = BUTTON_TEXT_LIMIT) -> str:
    """A button label shortened with an ellipsis when long (never empty: Telegram refuses empty labels)."""
    fitted = fit_utf16(text, limit)
    return fitted if fitted.strip() else ELLIPSIS


# The public web pages (bot/web/): a search or filter longer than this is refused politely (the bot's own
# parser reads only the first MAX_QUERY_CHARS of a question anyway); a request body over WEB_BODY_BYTES
# (the pages take none, the Mini App's initData is a few hundred bytes) gets 413; each client may call
# the JSON API WEB_API_RATE times per WEB_API_WINDOW seconds (429 with Retry-After beyond).
WEB_QUERY_CHARS = 500
WEB_BODY_BYTES = 8 * 1024
# aiohttp refuses a request line longer than 8190 bytes itself, in plain text that echoes its start: up to
# WEB_LINE_BYTES the request reaches the site, which refuses a long search with its translated 400 page.
# Beyond it (or a header over aiohttp's 8190-byte field limit) aiohttp's parser refuses the request before
# the app runs; bot/web/unreadable.py's SiteRunner answers that with the site's short error page.
WEB_LINE_BYTES = 64 * 1024
WEB_API_RATE = 60
WEB_API_WINDOW = 60.0
# Clients remembered by the rate limiter at once; the oldest are forgotten first.
WEB_RATE_CLIENTS = 10_000
# `/api/thresholds` returns at most this many records per request (`offset` pages on).
WEB_API_PAGE = 200
# The coordinators' Mini App: Telegram's initData older than this (its `auth_date`) is refused.
WEB_INIT_DATA_SECONDS = 3600
# A signed dashboard link for a desktop browser is valid this long, and once.
WEB_LINK_SECONDS = 15 * 60
