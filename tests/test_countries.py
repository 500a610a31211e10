"""Country names as the UN writes them in its six languages; every other spelling still understood."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from babel import Locale

from bot.countries import (
    UN_LANGUAGES,
    UN_NAMES_CSV,
    country_choices,
    country_name,
    exact_country,
    match_country,
    read_country,
    un_names,
)
from bot.lookup import read_thresholds_csv
from bot.lookup.views import jurisdiction_label as lookup_country_name
from tests.conftest import ROOT

ISO_CODES = {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()}


def test_the_reviewed_table_is_well_formed():
    with UN_NAMES_CSV.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows and list(rows[0]) == ["code", *UN_LANGUAGES]
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)), [code for code, count in Counter(codes).items() if count > 1]
    assert codes == sorted(codes)
    for row in rows:
        assert row["code"] in ISO_CODES, row
        for language in UN_LANGUAGES:
            name = row[language]
            assert name and name == name.strip() and "  " not in name, (row["code"], language, name)
    # Overrides only: a row repeating CLDR in every language would hide a later CLDR fix.
    cldr = {language: Locale.parse(language).territories for language in UN_LANGUAGES}
    same = [
        row["code"]
        for row in rows
        if all(row[language] == cldr[language].get(row["code"]) for language in UN_LANGUAGES)
    ]
    assert not same, f"rows identical to CLDR: {same}"


@pytest.mark.parametrize(
    ("code", "language", "expected"),
    [
        ("KR", "en", "Republic of Korea"),
        ("KP", "en", "Democratic People’s Republic of Korea"),
        ("VN", "en", "Viet Nam"),
        ("VN", "fr", "Viet Nam"),
        ("VN", "ar", "فييت نام"),
        ("CI", "en", "Côte d’Ivoire"),
        ("CI", "ar", "كوت ديفوار"),
        ("TR", "en", "Türkiye"),
        ("BO", "en", "Bolivia (Plurinational State of)"),
        ("BO", "zh", "玻利维亚（多民族国）"),
        ("MM", "en", "Myanmar"),
        ("PS", "en", "State of Palestine"),
        ("TW", "en", "Taiwan Province of China"),
        ("TW", "zh", "中国台湾省"),
        ("FK", "es", "Islas Malvinas (Falkland)"),
        ("FK", "ru", "Фолклендские (Мальвинские) острова"),
        ("US", "ru", "Соединенные Штаты Америки"),
        ("GB", "en", "United Kingdom of Great Britain and Northern Ireland"),
        ("RU", "fr", "Fédération de Russie"),
        ("IR", "es", "Irán (República Islámica del)"),
        ("KE", "en", "Kenya"),
        ("KE", "es", "Kenya"),
        ("CN", "zh", "中国"),
        ("EU", "fr", "Union européenne"),
    ],
)
def test_display_names_follow_the_un(code, language, expected):
    assert country_name(code, language) == expected


def test_languages_outside_the_six_keep_cldr_and_unknown_codes_stay_codes():
    assert country_name("KR", "pt") == Locale("pt").territories["KR"]
    assert country_name("KR", "fr-CA") == "République de Corée"
    assert country_name("QQ", "en") == "QQ"
    # One fallback for every screen: a language Babel does not know gets the English name.
    assert country_name("KR", "not a language") == "Republic of Korea"
    assert country_name("qq", "not a language") == "QQ"


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_no_cldr_abbreviations_or_shared_names(language):
    names = {code: country_name(code, language) for code in ISO_CODES}
    if language == "en":
        assert not [name for name in names.values() if "St. " in name or " & " in name]
    if language == "ru":
        assert not [name for name in names.values() if "о-ва" in name or "о-в " in name]
    shared = [name for name, count in Counter(names.values()).items() if count > 1]
    assert not shared, f"{language}: two countries shown with one name: {shared}"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("Corée du Sud", "KR"),
        ("République de Corée", "KR"),
        ("韩国", "KR"),
        ("大韩民国", "KR"),
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        ("Viêt Nam", "VN"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Ivory Coast", "CI"),
        ("ساحل العاج", "CI"),
        ("كوت ديفوار", "CI"),
        ("Burma", "MM"),
        ("Palestinian Territories", "PS"),
        ("State of Palestine", "PS"),
        ("Bolivia", "BO"),
        ("Islas Malvinas", "FK"),
        ("Russia", "RU"),
        ("Российская Федерация", "RU"),
        ("Kenia", "KE"),
        ("KE", "KE"),
    ],
)
def test_every_spelling_is_still_understood(typed, code):
    assert exact_country(typed) == code


def test_typos_in_un_names_are_forgiven():
    assert match_country("Republc of Korea")[0][0] == "KR"
    assert match_country("Venezuela Bolivarian Republic")[0][0] == "VE"


def test_form_country_list_uses_the_same_names():
    rows = country_choices()
    codes = [row["name"] for row in rows]
    assert len(codes) == len(set(codes)) and {"KR", "VN", "TW", "PS"} <= set(codes) and "XK" not in codes
    by_code = {row["name"]: row["label"] for row in rows}
    assert by_code["KR"] == {language: country_name("KR", language) for language in UN_LANGUAGES}
    assert [row["label"]["en"] for row in rows[:2]] == ["Afghanistan", "Åland Islands"]


def test_lookups_and_charts_show_the_same_names():
    """The lookup (and the comparison chart fed from it) names every jurisdiction of the data as bot.countries does."""
    jurisdictions = {
        record.jurisdiction for record in read_thresholds_csv(ROOT / "storage/seed/reference_thresholds.csv")
    }
    for code in sorted(jurisdictions):
        for language in UN_LANGUAGES:
            assert lookup_country_name(code, language) == country_name(code, language), (code, language)


def test_the_lookup_understands_un_and_cldr_names():
    from bot.lookup import lookup
    from bot.lookup.index import ThresholdIndex
    from bot.lookup.vocabulary import build_vocabulary

    vocabulary = build_vocabulary(all_locales=False)
    index = ThresholdIndex(read_thresholds_csv(ROOT / "storage/seed/reference_thresholds.csv"))
    for text in (
        "cadmium Republic of Korea",
        "cadmium South Korea",
        "镉 大韩民国",
        "lead Taiwan Province of China",
        "lead Taiwan",
        "cadmium Viet Nam",
        "cadmium Vietnam",
    ):
        result = lookup(index, text, vocabulary=vocabulary)
        assert result.country in ("KR", "TW", "VN"), (text, result.country)
    assert un_names()["KR"]["en"] == "Republic of Korea"


NETHERLANDS_UN = {
    "en": "Netherlands (Kingdom of the)",
    "fr": "Pays-Bas (Royaume des)",
    "es": "Países Bajos (Reino de los)",
    "ru": "Нидерланды (Королевство)",
    "zh": "荷兰王国",
    "ar": "هولندا (مملكة)",
}


def test_the_netherlands_carry_the_un_name_everywhere_and_every_short_name_finds_them():
    assert {language: country_name("NL", language) for language in UN_LANGUAGES} == NETHERLANDS_UN
    assert {language: lookup_country_name("NL", language) for language in UN_LANGUAGES} == NETHERLANDS_UN
    assert {row["name"]: row["label"] for row in country_choices()}["NL"] == NETHERLANDS_UN
    for typed in (
        "Netherlands",
        "Pays-Bas",
        "荷兰",
        "Нидерланды",
        "Países Bajos",
        "هولندا",
        "Holland",
        *NETHERLANDS_UN.values(),
    ):
        assert exact_country(typed) == "NL", typed
        assert match_country(typed)[0][0] == "NL", typed
    assert match_country("Netherland")[0][0] == "NL"


def test_the_lookup_finds_the_netherlands_by_any_short_name():
    from bot.lookup import lookup
    from bot.lookup.index import ThresholdIndex
    from bot.lookup.vocabulary import build_vocabulary

    vocabulary = build_vocabulary(all_locales=False)
    index = ThresholdIndex(read_thresholds_csv(ROOT / "storage/seed/reference_thresholds.csv"))
    for text in (
        "cadmium Netherlands",
        "cadmium Pays-Bas",
        "镉 荷兰",
        "кадмий Нидерланды",
        "cadmio Países Bajos",
        "الكادميوم هولندا",
        "cadmium Netherlands (Kingdom of the)",
    ):
        assert lookup(index, text, vocabulary=vocabulary).country == "NL", text


def test_one_list_decides_countries_for_members_lookups_imports_and_forms():
    """Kosovo, the EU and CLDR's non-places get the same answer from every part of the bot."""
    from bot.countries import FAO_MEMBERS, is_country, is_jurisdiction, jurisdiction_codes
    from bot.lookup.records import RowError, _jurisdiction_code
    from bot.lookup.synthetic import synthetic_jurisdictions
    from bot.lookup.vocabulary import KIND_COUNTRY, build_vocabulary

    vocabulary = build_vocabulary(all_locales=False)
    for code in ("XK", "KE", "NL", "TW"):
        assert is_country(code) and is_jurisdiction(code) and _jurisdiction_code(code.lower(), 2) == code
        assert code in vocabulary.country_codes and code in synthetic_jurisdictions()
    assert exact_country("Kosovo") == "XK" and match_country("Kosovo")[0][0] == "XK"
    assert "XK" not in {row["name"] for row in country_choices()}  # not in ISO 3166-1: never offered in a list
    assert is_jurisdiction("EU") and not is_country("EU") and exact_country("European Union") is None
    assert _jurisdiction_code("EU", 2) == "EU" and "EU" in vocabulary.country_codes
    for code in ("ZZ", "UN", "EZ", "QO", "XA", "XB"):
        assert not is_jurisdiction(code) and not is_country(code) and code not in vocabulary.country_codes
        with pytest.raises(RowError):
            _jurisdiction_code(code, 2)
    assert set(vocabulary.country_codes) == set(jurisdiction_codes())
    assert {row["name"] for row in country_choices(members=FAO_MEMBERS)} == FAO_MEMBERS
    assert KIND_COUNTRY == "country"


def test_read_country_gives_the_code_or_the_guesses():
    from bot.countries import read_country

    assert read_country("Pays-Bas") == ("NL", [])
    code, guesses = read_country("Nethrlands")
    assert code is None and guesses[0][0] == "NL"
    assert read_country("qwertyuiop zxcv") == (None, [])


@pytest.mark.slow  # a Python process started
def test_the_engines_and_the_countries_module_import_neither_aiogram_nor_sqlalchemy():
    import subprocess
    import sys

    code = (
        "import sys, bot.countries, bot.lookup, bot.lookup.views, bot.lookup.records, bot.lookup.vocabulary, "
        "bot.lookup.synthetic, bot.survey, bot.survey.loader; "
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'aiogram', 'sqlalchemy'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.slow  # a Python process started
def test_the_use_cases_import_no_aiogram():
    """bot/services serves the bot and the web site alike: Telegram types and catalogs stay in the adapters."""
    import subprocess
    import sys

    services = sorted(path.stem for path in (ROOT / "bot" / "services").glob("*.py") if path.stem != "__init__")
    code = (
        "import sys, importlib; "
        + "; ".join(f"importlib.import_module('bot.services.{name}')" for name in services)
        + "; print(sorted(name for name in sys.modules if name.split('.')[0] == 'aiogram'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "coord_reminders" in services and result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("typed", "code"), [("England", "GB"), ("Scotland", "GB"), ("Wales", "GB"), ("DR Congo", "CD")]
)
def test_the_names_people_use_for_the_uk_and_the_drc_read_exactly(typed, code):
    """Typed at sign-up, these offered Greece, Estonia or the other Congo first."""
    assert read_country(typed) == (code, [])


@pytest.mark.parametrize(("typed", "codes"), [("Congo", ["CG", "CD"]), ("Korea", ["KR", "KP"])])
def test_a_name_two_countries_share_is_asked_never_taken(typed, codes):
    """ "Congo" became the Republic of the Congo silently: a focal point of the DRC answered for Brazzaville."""
    assert read_country(typed) == (None, [(code, 100.0) for code in codes])
