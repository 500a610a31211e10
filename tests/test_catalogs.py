"""The gettext catalogs: in step with the code, complete, and safe to format in every language.

A string added to the code without a translation fails here on purpose: run `make catalogs`
(README, "Languages") and translate the new entries in every `.po` file.
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "bot" / "i18n" / "locales"
POT = REPO / "bot" / "i18n" / "messages.pot"
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
# The same keywords as `make catalogs`: Babel's defaults plus `-k __ -k lazy_gettext`.
KEYWORDS = {**DEFAULT_KEYWORDS, **parse_keywords(["__", "lazy_gettext"])}

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Telegram's HTML tags only ("<Telegram id or @username>" in a usage line is text, not a tag).
TAG = re.compile(r"</?(?:b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji)(?:\s[^>]*)?>")
COMMAND = re.compile(r"(?<![\w/])/[a-z][a-z0-9_]*")
ISOLATE_OPENERS = "\u2066\u2067\u2068"  # LRI, RLI, FSI
POP_ISOLATE = "\u2069"


def _method_map() -> list[tuple[str, str]]:
    """The [method: pattern] sections of babel.cfg, as Babel's extractor wants them."""
    methods = []
    for line in (REPO / "babel.cfg").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*\[(\w+):\s*(\S+)\s*\]\s*", line)
        if match:
            methods.append((match.group(2), match.group(1)))
    assert methods, "babel.cfg names no source files"
    return methods


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """The messages the code uses now, written to a temporary .pot and read back (as `pybabel extract` would)."""
    catalog = Catalog(project="insop-bot")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(REPO), _method_map(), keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    pot = tmp_path_factory.mktemp("catalogs") / "messages.pot"
    with pot.open("wb") as file:
        write_po(file, catalog, no_location=True, sort_output=True)
    with pot.open("rb") as file:
        return read_po(file)


def _read(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _entries(catalog: Catalog):
    return [message for message in catalog if message.id]


def _forms(message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def _ids(message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


def test_every_language_has_a_catalog():
    found = sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/messages.po"))
    assert found == sorted(LANGUAGES)


def test_code_has_messages(extracted):
    """Guard against a broken extraction silently passing the step test below."""
    assert len(_entries(extracted)) > 50


@pytest.mark.parametrize("name", ["messages.pot", *LANGUAGES])
def test_catalog_in_step_with_code(extracted, name):
    """Every message the code uses is in the template and in each catalog, as plural where the code uses ngettext."""
    if name == "messages.pot":
        with POT.open("rb") as file:
            catalog = read_po(file)
    else:
        catalog = _read(name)
    have = {_key(message): message for message in _entries(catalog)}
    missing = sorted(_key(message) for message in _entries(extracted) if _key(message) not in have)
    assert not missing, (
        f"{name}: {len(missing)} message(s) used in the code are missing; run `make catalogs` and translate them:\n  "
        + "\n  ".join(missing)
    )
    wrong_kind = sorted(
        _key(message) for message in _entries(extracted) if message.pluralizable != have[_key(message)].pluralizable
    )
    assert not wrong_kind, f"{name}: singular/plural differs from the code for: {wrong_kind}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_empty_or_fuzzy_entries(language):
    catalog = _read(language)
    empty = [_key(message) for message in _entries(catalog) if not all(form.strip() for form in _forms(message))]
    fuzzy = [_key(message) for message in _entries(catalog) if message.fuzzy]
    assert not empty, f"{language}: untranslated: {empty}"
    assert not fuzzy, f"{language}: fuzzy (check the translation, then drop the flag): {fuzzy}"
    assert not catalog.fuzzy, f"{language}: the catalog header is marked fuzzy"


def test_english_is_the_source_text():
    for message in _entries(_read("en")):
        expected = _ids(message)
        if message.pluralizable:
            assert list(message.string) == expected, message.id
        else:
            assert message.string == message.id, message.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_tags_and_commands_kept(language):
    """Same {placeholders}, HTML tags and /commands as the English text, in every form."""
    problems = []
    for message in _entries(_read(language)):
        ids = _ids(message)
        # A plural form may follow either English form ("One value" / "{n} values").
        expected = {frozenset(PLACEHOLDER.findall(text)) for text in ids}
        tags = sorted(TAG.findall(ids[-1]))
        commands = set(COMMAND.findall(ids[-1]))
        for form in _forms(message):
            if frozenset(PLACEHOLDER.findall(form)) not in expected:
                problems.append(f"placeholders {sorted(PLACEHOLDER.findall(form))} in {form!r} (msgid {ids[0]!r})")
            if sorted(TAG.findall(form)) != tags:
                problems.append(f"HTML tags {TAG.findall(form)} in {form!r} (msgid {ids[0]!r})")
            if set(COMMAND.findall(form)) != commands:
                problems.append(f"commands {sorted(set(COMMAND.findall(form)))} in {form!r} (msgid {ids[0]!r})")
            names = {name.strip("{}") for name in PLACEHOLDER.findall(form)}
            try:
                form.format(**{name: "x" for name in names})
            except (ValueError, KeyError, IndexError) as error:
                problems.append(f"cannot be formatted ({error}): {form!r}")
            depth = 0
            for char in form:
                depth += char in ISOLATE_OPENERS
                depth -= char == POP_ISOLATE
                if depth < 0:
                    break
            if depth != 0:
                problems.append(f"unbalanced bidi isolates in {form!r}")
    assert not problems, f"{language}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms(language):
    """The Plural-Forms header is CLDR's for the language, and every plural entry has that many forms."""
    catalog = _read(language)
    cldr = get_plural(language)
    assert catalog.num_plurals == cldr.num_plurals, (
        f"{language}: nplurals={catalog.num_plurals}, CLDR says {cldr.num_plurals}"
    )
    assert catalog.plural_expr.replace(" ", "") == cldr.plural_expr.replace(" ", ""), (
        f"{language}: plural={catalog.plural_expr}, CLDR says {cldr.plural_expr}"
    )
    wrong = [
        f"{_key(message)!r} has {len(message.string)} forms"
        for message in _entries(catalog)
        if message.pluralizable and len(message.string) != cldr.num_plurals
    ]
    assert not wrong, f"{language} needs {cldr.num_plurals} plural forms: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_compiles_and_loads(language):
    """write_mo succeeds, and gettext reads the result back with working plurals."""
    catalog = _read(language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    for message in _entries(catalog):
        if message.pluralizable:
            singular, plural = message.id[:2]
            for n in (0, 1, 2, 3, 5, 11, 21, 101):
                text = translations.ngettext(singular, plural, n)
                assert text in message.string, (language, singular, n)
        else:
            assert translations.gettext(message.id) == message.string


def test_two_processes_compiling_a_stale_catalog_at_once_both_start(tmp_path, monkeypatch):
    """A bot and its web site (or the two workers of `make test-fast`) start after a .po edit: both compile the
    catalog. The second starts while the first writes; neither fails, and the .mo is whole."""
    import bot.i18n
    from bot.i18n import DOMAIN, compile_catalogs

    messages = tmp_path / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    catalog = Catalog(locale="fr", domain=DOMAIN)
    catalog.add("Yes", "Oui")
    with (messages / f"{DOMAIN}.po").open("wb") as po_file:
        write_po(po_file, catalog)
    writing = []

    def write_while_another_starts(mo_file, catalog, use_fuzzy=False):
        writing.append(mo_file)
        if len(writing) == 1:
            compile_catalogs(tmp_path)  # the other process, started now, finds the .mo missing too
        write_mo(mo_file, catalog, use_fuzzy=use_fuzzy)

    monkeypatch.setattr(bot.i18n, "write_mo", write_while_another_starts)
    assert compile_catalogs(tmp_path) == ["fr"]
    assert len(writing) == 2
    with (messages / f"{DOMAIN}.mo").open("rb") as mo_file:
        assert gettext.GNUTranslations(mo_file).gettext("Yes") == "Oui"
    assert sorted(path.name for path in messages.iterdir()) == [f"{DOMAIN}.mo", f"{DOMAIN}.po"]  # no temporary left
