"""Typography and direction in the catalogs, and the helpers in bot/i18n/typography.py.

These rules are the same for every message, so they are checked here rather than left to each translator:
French narrow no-break spaces and one apostrophe, Arabic lines that run right to left, isolated
placeholders and mirrored arrows, and locale list separators.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n.typography import (
    NNBSP,
    RLM,
    direct,
    format_list,
    french_spacing,
    french_spacing_problems,
    is_rtl,
    isolate,
    join_items,
    list_separator,
    paragraph_direction,
    rtl_lines,
    strip_bidi_controls,
    unbalanced_isolates,
)

LOCALES = Path(__file__).resolve().parent.parent / "bot" / "i18n" / "locales"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Placeholders that always hold a number (or an id): digits need no isolate in Arabic text.
NUMERIC = {
    "n",
    "count",
    "index",
    "total",
    "id",
    "limit",
    "seconds",
    "ratio",
    "sent",
    "blocked",
    "failed",
    "queued",
    "unknown",
    "skipped",
    "submitted",
    "drafts",
    "numerator",
    "denominator",
    "responded",
    "targeted",
    "row",
    "length",
    "low",
    "high",
    "version",
    "goal",
    "uses",
    "value",
}


def _catalog(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def _strings(language: str):
    """(msgid, msgstr form) pairs of a catalog, every plural form included."""
    for message in _catalog(language):
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        for form in forms:
            yield msgid, form


# ---------------------------------------------------------------- French


def test_french_catalog_uses_narrow_no_break_spaces():
    """Before : ; ! ? and inside « » French needs U+202F: an ordinary space lets Telegram break the line there."""
    problems = [
        f"{msgid!r}: {problem!r}" for msgid, form in _strings("fr") for problem in french_spacing_problems(form)
    ]
    assert not problems, "French spacing:\n  " + "\n  ".join(problems)


def test_french_spacing_check_fails_on_ordinary_spaces():
    """The check above is not vacuous: the old catalog text is caught, the corrected text passes."""
    assert french_spacing_problems("Pays : {country}")
    assert french_spacing_problems("Ajouter une autre entrée « {repeat} » ?")
    assert french_spacing_problems("Pays\u00a0: Kenya")  # a wide no-break space is not the typographic one
    assert french_spacing_problems("Vraiment?")
    assert not french_spacing_problems(f"Pays{NNBSP}: {{country}}")
    assert not french_spacing_problems("Rendez-vous à 09:00, https://example.org")


def test_french_spacing_fixes_text_and_leaves_tags_alone():
    assert french_spacing("Pays : {country}") == f"Pays{NNBSP}: {{country}}"
    assert french_spacing("« {form} » ?") == f"«{NNBSP}{{form}}{NNBSP}»{NNBSP}?"
    assert (
        french_spacing('<a href="https://x.org/?a=1">Lien</a> : ici')
        == f'<a href="https://x.org/?a=1">Lien</a>{NNBSP}: ici'
    )
    assert french_spacing("09:00") == "09:00"


def test_french_catalog_has_one_apostrophe():
    straight = [msgid for msgid, form in _strings("fr") if "'" in PLACEHOLDER.sub("", form)]
    assert not straight, f"French uses the typographic apostrophe ’, not ': {straight}"


# ---------------------------------------------------------------- Arabic


def test_arabic_lines_run_right_to_left():
    """Telegram takes a line's direction from its first strong character: every Arabic line must start right to left.

    Placeholders are left out (a number or an isolated name does not decide the direction);
    a line that starts with a Latin /command or example needs an RLM first.
    """
    wrong = []
    for msgid, form in _strings("ar"):
        for line in form.split("\n"):
            if line.strip() and paragraph_direction(PLACEHOLDER.sub("", line)) != "rtl":
                wrong.append(f"{msgid!r}: {line!r}")
    assert not wrong, "Arabic lines laid out left to right:\n  " + "\n  ".join(wrong)


def test_arabic_text_placeholders_are_isolated():
    """A name, title or Latin term inside Arabic text sits in FSI…PDI so it cannot reorder the sentence."""
    bare = []
    for msgid, form in _strings("ar"):
        depth_at = []
        depth = 0
        for _position, char in enumerate(form):
            if char in "\u2066\u2067\u2068":
                depth += 1
            elif char == "\u2069":
                depth -= 1
            depth_at.append(depth)
        for match in PLACEHOLDER.finditer(form):
            name = match.group(0).strip("{}").split(":")[0].split("!")[0]
            if name not in NUMERIC and depth_at[match.start()] == 0:
                bare.append(f"{msgid!r}: {{{name}}} in {form!r}")
    assert not bare, "Arabic placeholders without isolates:\n  " + "\n  ".join(bare)


def test_arabic_help_lines_isolate_their_commands():
    """The lines of /help ("/profile: …") put every Latin /command in FSI…PDI, so they all read alike."""
    bare = [
        f"{msgid!r}: {form!r}"
        for msgid, form in _strings("ar")
        if msgid.startswith("/") and re.search(r"(?<!\u2068)/[a-z]+", form)
    ]
    assert not bare, "Arabic /help lines with a bare /command:\n  " + "\n  ".join(bare)


def test_arabic_arrows_are_mirrored():
    """◀/▶ are not mirrored by the bidi algorithm: Back points right and Next/Skip point left in Arabic."""
    wrong = []
    for message in _catalog("ar"):
        msgid = message.id if isinstance(message.id, str) else (message.id[0] if message.id else "")
        if not msgid or not isinstance(message.string, str):
            continue
        for arrow, mirrored in (("◀", "▶"), ("▶", "◀")):
            if arrow in msgid and (mirrored not in message.string or arrow in message.string):
                wrong.append(f"{msgid!r} -> {message.string!r}")
    assert not wrong, wrong


def test_catalog_isolates_are_balanced_in_every_language():
    wrong = [
        (language, form)
        for language in ("ar", "zh", "ru", "es", "fr")
        for _msgid, form in _strings(language)
        if unbalanced_isolates(form)
    ]
    assert not wrong, wrong


# ---------------------------------------------------------------- helpers


def test_direction_helpers():
    assert is_rtl("ar") and not is_rtl("fr") and not is_rtl("zh")
    assert paragraph_direction("/start: إعداد ملفك الشخصي") == "ltr"
    assert paragraph_direction(RLM + "/start: إعداد ملفك الشخصي") == "rtl"
    assert paragraph_direction("\u2068Kenya\u2069: كينيا") == "rtl"  # the isolate is skipped
    assert paragraph_direction("<b>Pb</b> — الصين") == "ltr"
    marked = rtl_lines("<b>Pb</b> — الصين\nالرصاص\n/help")
    assert [paragraph_direction(line) for line in marked.split("\n")] == ["rtl", "rtl", "rtl"]
    assert marked.startswith("<b>" + RLM)  # the mark goes after the tag, before the text
    assert direct("/help: x", "en") == "/help: x"
    assert isolate("Kenya", "ar") == "\u2068Kenya\u2069" and isolate("Kenya", "fr") == "Kenya"
    assert strip_bidi_controls(marked) == "<b>Pb</b> — الصين\nالرصاص\n/help"
    assert (
        unbalanced_isolates("\u2068a")
        and unbalanced_isolates("\u2069a\u2068")
        and not unbalanced_isolates("\u2068a\u2069")
    )


@pytest.mark.parametrize(
    ("language", "separator"),
    [("ar", "، "), ("zh", "、"), ("en", ", "), ("fr", ", "), ("ru", ", "), ("es", ", "), ("pt-BR", ", "), ("xx", ", ")],
)
def test_list_separator(language, separator):
    assert list_separator(language) == separator
    assert join_items(["a", "b", "", "c"], language) == separator.join("abc")


def test_format_list_uses_cldr_conjunctions():
    assert format_list(["الكادميوم", "الرصاص", "الزئبق"], "ar") == "الكادميوم والرصاص والزئبق"
    assert format_list(["镉", "铅", "汞"], "zh") == "镉、铅和汞"
    assert format_list(["cadmium", "plomb", "mercure"], "fr") == "cadmium, plomb et mercure"
    assert format_list([], "ar") == ""
    assert format_list(["one"], "ru") == "one"
