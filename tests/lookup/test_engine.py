"""Queries field staff type, in six languages, answered from the shipped reference table."""

import pytest

from bot.lookup import lookup, parse_query
from bot.lookup.index import (
    RESULT_COMPARISON,
    RESULT_COUNTRY_OVERVIEW,
    RESULT_HELP,
    RESULT_NO_NATIONAL_VALUE,
    RESULT_OTHER_LAND_USES,
    RESULT_VALUES,
)


def _values(records):
    return sorted(r.value if r.value is not None else (r.value_min, r.value_max) for r in records)


@pytest.mark.parametrize(
    "text, pollutant, land_use, country, values",
    [
        ("Pb industrial Canada", "lead", "industrial", "CA", [600]),
        ("plomb sol résidentiel Pays-Bas", "lead", "residential", "NL", [50, 210, 530]),
        ("límite de cadmio en suelo agrícola en Canadá", "cadmium", "agricultural", "CA", [1.4]),
        ("свинец промышленные земли Китай", "lead", "industrial", "CN", [800, 2500]),
        ("中国农用地镉筛选值", "cadmium", "agricultural", "CN", [0.3, 0.3, 0.3, 0.6]),
        ("حد الكادميوم في التربة الزراعية في كندا", "cadmium", "agricultural", "CA", [1.4]),
        ("cadmum limt agricultral soil canda", "cadmium", "agricultural", "CA", [1.4]),
        ("7440-43-9 agricultural Canada", "cadmium", "agricultural", "CA", [1.4]),
        ("Hg residential Netherlands", "mercury", "residential", "NL", [0.15, 0.83, 4, 36]),
        ("镉 荷兰", "cadmium", None, "NL", [0.6, 1.2, 4.3, 13]),
    ],
)
def test_brief_queries_find_the_values_of_the_table(index, vocabulary, text, pollutant, land_use, country, values):
    result = lookup(index, text, vocabulary=vocabulary)
    assert (result.pollutant, result.land_use, result.country) == (pollutant, land_use, country)
    assert result.kind == RESULT_VALUES
    assert _values(result.results) == values
    assert all(r.jurisdiction == country for r in result.results)


def test_chinese_query_reads_the_screening_value_type(vocabulary):
    parsed = parse_query("中国农用地镉筛选值", vocabulary)
    assert parsed.value_type == "screening"


def test_kenya_reports_its_status_and_labelled_alternatives(index, vocabulary):
    result = lookup(index, "cadmium limit in agricultural soil in Kenya", vocabulary=vocabulary)
    assert (result.pollutant, result.land_use, result.country) == ("cadmium", "agricultural", "KE")
    assert result.kind == RESULT_NO_NATIONAL_VALUE
    assert result.results == ()
    assert len(result.country_status) == 1
    assert "Koskei" in result.country_status[0].instrument
    jurisdictions = [r.jurisdiction for r in result.alternatives]
    assert "KE" not in jurisdictions and len(jurisdictions) == len(set(jurisdictions))
    canada = next(r for r in result.alternatives if r.jurisdiction == "CA")
    assert canada.value == 1.4 and canada.land_use == "agricultural"


def test_fuzzy_reading_is_reported(index, vocabulary):
    result = lookup(index, "cadmum limt agricultral soil canda", vocabulary=vocabulary)
    typed = {s.typed: (s.value, s.accepted) for s in result.query.suggestions}
    assert typed["canda"] == ("CA", True)
    assert typed["cadmum"] == ("cadmium", True)
    assert result.query.confidence["country"] < 1.0


def test_weak_fuzzy_match_is_only_a_suggestion(vocabulary):
    parsed = parse_query("cadmium Kenyq", vocabulary)
    assert parsed.country is None
    assert any(s.value == "KE" and not s.accepted for s in parsed.suggestions)


SIX_LANGUAGES = {
    ("cadmium", "agricultural", "CA", (1.4,)): (
        "cadmium agricultural soil Canada",
        "cadmium sol agricole Canada",
        "cadmio suelo agrícola Canadá",
        "кадмий сельскохозяйственные земли Канады",
        "加拿大农用地镉",
        "الكادميوم التربة الزراعية كندا",
    ),
    ("lead", "industrial", "CN", (800, 2500)): (
        "lead industrial land China",
        "plomb sol industriel Chine",
        "plomo suelo industrial China",
        "свинца в промышленных почвах Китая",
        "中国工业用地铅",
        "الرصاص الأراضي الصناعية في الصين",
    ),
    ("mercury", "residential", "NL", (0.15, 0.83, 4, 36)): (
        "mercury residential Netherlands",
        "mercure résidentiel Pays-Bas",
        "mercurio residencial Países Bajos",
        "ртуть жилые Нидерланды",
        "荷兰住宅用地汞",
        "الزئبق السكنية في هولندا",
    ),
}


@pytest.mark.parametrize(
    "expected, text", [(expected, text) for expected, texts in SIX_LANGUAGES.items() for text in texts]
)
def test_same_question_in_six_languages(index, vocabulary, expected, text):
    pollutant, land_use, country, values = expected
    result = lookup(index, text, vocabulary=vocabulary)
    assert (result.pollutant, result.land_use, result.country) == (pollutant, land_use, country)
    assert _values(result.results) == list(values)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "qwxz blorf zzkv",
        "x" * 10_000,
        "'; DROP TABLE thresholds; --",
        "1' OR '1'='1",
        "<script>alert(1)</script>",
        "🙂🙂🙂",
        "12345",
    ],
)
def test_nonsense_gets_help_without_exception(index, vocabulary, text):
    result = lookup(index, text, vocabulary=vocabulary)
    assert result.kind == RESULT_HELP
    assert result.results == () and result.alternatives == ()


def test_long_input_is_truncated_before_parsing(vocabulary):
    parsed = parse_query("lead Canada " + "blah " * 3000, vocabulary)
    assert parsed.truncated
    assert (parsed.pollutant, parsed.country) == ("lead", "CA")


@pytest.mark.parametrize(
    "text",
    [
        "limit soil in",
        "what is the limit in soil",
        "value for the land",
        "as in de",
    ],
)
def test_ordinary_words_are_not_countries(vocabulary, text):
    assert parse_query(text, vocabulary).country is None


def test_uppercase_iso_code_is_a_country_but_lowercase_is_a_word(vocabulary):
    assert parse_query("Pb CA", vocabulary).country == "CA"
    assert parse_query("lead IN soil", vocabulary).country == "IN"
    assert parse_query("lead in soil", vocabulary).country is None
    assert parse_query("Pb DE", vocabulary).country == "DE"
    assert parse_query("LEAD IN SOIL", vocabulary).country is None


def test_symbol_as_is_arsenic_only_as_written(index, vocabulary):
    result = lookup(index, "As industrial Canada", vocabulary=vocabulary)
    assert result.pollutant == "arsenic" and _values(result.results) == [12]
    assert parse_query("as industrial Canada", vocabulary).pollutant is None


def test_ph_picks_the_band_that_contains_it(index, vocabulary):
    result = lookup(index, "cadmium agricultural China pH 7.8", vocabulary=vocabulary)
    assert result.query.ph == 7.8 and result.ph_band_applied
    assert _values(result.results) == [0.6]
    boundary = lookup(index, "lead agricultural China pH 5,5", vocabulary=vocabulary)
    assert _values(boundary.results) == [70]


@pytest.mark.parametrize(
    ("typed", "ph"),
    [
        ("pH 6.5.", 6.5),
        ("pH 6, Kenya", 6.0),
        ("pH ٦٫٥", 6.5),  # Arabic-Indic digits and decimal separator
        ("pH ۷", 7.0),
        ("pH 1e400", None),
        ("pH 6.555", None),
        ("pH 14e-1", None),
    ],
)
def test_ph_is_read_only_as_the_whole_number_typed(vocabulary, typed, ph):
    """A number the parser cannot read whole is no pH: "pH 1e400" is not pH 1, nor "pH 6.555" pH 6."""
    assert parse_query(f"cadmium agricultural {typed}", vocabulary).ph == ph


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_characters_typed_unseen_do_not_split_a_word(vocabulary, invisible):
    """A zero-width space or joiner, a word joiner, a byte-order mark or a soft hyphen inside a word (pasted, or
    slipped in by a phone's keyboard) is not seen by the member: "cad<ZWSP>mium ke<ZWJ>nya" is cadmium, Kenya."""
    parsed = parse_query(f"{invisible}cad{invisible}mium limit ke{invisible}nya{invisible}", vocabulary)
    assert (parsed.pollutant, parsed.country) == ("cadmium", "KE")


@pytest.mark.parametrize("typed", ["cadmim agricol kenya", "kenya agricol cadmim"])
def test_read_as_notes_follow_the_order_the_words_were_typed(vocabulary, typed):
    suggestions = parse_query(typed, vocabulary).suggestions
    assert [suggestion.typed for suggestion in suggestions] == sorted(["cadmim", "agricol"], key=typed.index)


def test_ph_with_unbanded_values_keeps_them_and_says_so(index, vocabulary):
    result = lookup(index, "lead industrial Canada pH 6", vocabulary=vocabulary)
    assert _values(result.results) == [600]
    assert result.ph_without_bands and not result.ph_band_applied


def test_element_query_finds_every_species(index, vocabulary):
    result = lookup(index, "chromium industrial Canada", vocabulary=vocabulary)
    assert {(r.pollutant_id, r.value) for r in result.results} == {("chromium", 87), ("chromium_vi", 1.4)}
    only_vi = lookup(index, "Cr(VI) industrial Canada", vocabulary=vocabulary)
    assert [(r.pollutant_id, r.value) for r in only_vi.results] == [("chromium_vi", 1.4)]


def test_lindane_synonyms(index, vocabulary):
    for text in ("lindane Vietnam", "γ-HCH Vietnam", "gamma-HCH Vietnam", "линдан Вьетнам", "林丹 越南"):
        result = lookup(index, text, vocabulary=vocabulary)
        assert result.pollutant == "lindane", text
        assert _values(result.results) == [0.33], text


def test_member_country_is_used_when_none_is_named(index, vocabulary):
    result = lookup(index, "cadmium agricultural", member_country="ca", vocabulary=vocabulary)
    assert result.country == "CA" and result.country_from_member
    assert _values(result.results) == [1.4]
    kenya = lookup(index, "lead", member_country="KE", vocabulary=vocabulary)
    assert kenya.kind == RESULT_NO_NATIONAL_VALUE and kenya.country_status


def test_no_country_gives_one_value_per_jurisdiction(index, vocabulary):
    result = lookup(index, "lead", vocabulary=vocabulary)
    assert result.kind == RESULT_COMPARISON
    jurisdictions = [r.jurisdiction for r in result.results]
    assert len(jurisdictions) == len(set(jurisdictions)) >= 10
    assert "KE" not in jurisdictions


def test_compare_for_a_chart(index):
    """A comparison stays within one tier: by default the one most jurisdictions have values in."""
    comparison = index.comparison("cadmium", "agricultural")
    assert comparison.tier == "assessment" and comparison.unit == "mg/kg dw"
    by_jurisdiction = {r.jurisdiction: r for r in comparison.records}
    assert {r.tier for r in comparison.records} == {"assessment"}
    assert by_jurisdiction["CA"].value == 1.4
    # Korea's warning standard applies to Region 1, which covers farmland.
    assert by_jurisdiction["KR"].value == 4
    # Costa Rica's intervention value and the EU's sludge limits are other tiers, each a button away.
    assert "CR" not in by_jurisdiction and "EU" not in by_jurisdiction
    tiers = dict(comparison.tiers)
    assert tiers["assessment"] >= tiers["action"] and {"action", "protection", "sludge"} <= set(tiers)
    assert {r.jurisdiction: r.value for r in index.compare("cadmium", "agricultural", tier="action")}["CR"] == 3
    eu = {r.jurisdiction: r for r in index.compare("cadmium", "agricultural", tier="sludge")}["EU"]
    assert (eu.value_min, eu.value_max) == (1, 3)


def test_germany_precautionary_sand_value_is_not_compared_with_industrial_screening(index, vocabulary):
    """Issue 13: /compare lead industrial charted Germany's 40 mg/kg (precautionary, sandy soil) among
    other countries' industrial screening and intervention values."""
    result = lookup(index, "lead industrial", vocabulary=vocabulary)
    assert result.tier == "assessment"
    germany = next(r for r in result.results if r.jurisdiction == "DE")
    assert germany.value == 2000 and "industrial" in germany.land_uses
    assert all(r.tier == "assessment" for r in result.results)
    precautionary = {r.jurisdiction: r for r in index.compare("lead", "industrial", tier="protection")}
    assert precautionary["DE"].value == 40 and precautionary["DE"].soil_texture == "sand"


def test_dioxins_keep_their_unit_and_are_never_compared_with_mg_per_kg(index, vocabulary):
    result = lookup(index, "dioxins Germany", vocabulary=vocabulary)
    assert result.results and {r.unit for r in result.results} == {"ng WHO-TEQ/kg dw"}
    for pollutant in ("pcdd_f", "pcdd_f_dl_pcb"):
        for tier, _count in index.comparison(pollutant).tiers:
            comparison = index.comparison(pollutant, tier=tier)
            assert len({r.unit for r in comparison.records}) == 1 and comparison.unit.startswith("ng ")


def test_country_without_pollutant_gives_an_overview(index, vocabulary):
    result = lookup(index, "Canada", vocabulary=vocabulary)
    assert result.kind == RESULT_COUNTRY_OVERVIEW
    assert {"cadmium", "lead", "chromium_vi", "ddt"} <= set(result.available_pollutants)
    kenya = lookup(index, "Kenya", vocabulary=vocabulary)
    assert kenya.available_pollutants == () and kenya.country_status


def test_missing_land_use_shows_the_other_land_uses(index, vocabulary):
    result = lookup(index, "Cd commercial Costa Rica", vocabulary=vocabulary)
    assert result.kind == RESULT_OTHER_LAND_USES
    assert _values(result.other_land_uses) == [3, 8, 20]


def test_eu_member_state_gets_eu_law_separately(index, vocabulary):
    result = lookup(index, "cadmium agricultural Germany", vocabulary=vocabulary)
    # Grassland's action value (set for that land use) first, then the precautionary values by texture.
    assert [r.value for r in result.results] == [20, 0.4, 1, 1.5]
    assert [r.soil_texture for r in result.results[1:]] == ["sand", "loam", "clay"]
    assert [(r.jurisdiction, r.value_min, r.value_max) for r in result.supranational] == [("EU", 1, 3)]
    canada = lookup(index, "cadmium agricultural Canada", vocabulary=vocabulary)
    assert canada.supranational == ()


def test_construction_land_covers_both_chinese_categories(index, vocabulary):
    result = lookup(index, "中国建设用地铅", vocabulary=vocabulary)
    assert _values(result.results) == [400, 800, 800, 2500]


def test_tph_nigeria(index, vocabulary):
    result = lookup(index, "TPH Nigeria", vocabulary=vocabulary)
    assert _values(result.results) == [5000]


@pytest.mark.slow  # child processes read every CLDR locale
def test_country_names_read_by_a_child_process_are_the_ones_read_here(monkeypatch, caplog):
    """The bot reads the CLDR locales' country names in a child process: Babel would keep ~150 MB of them otherwise
    (and the UI languages' data, about 10 MB, from the start rather than when a member needs it)."""
    from bot.lookup import vocabulary

    primary, others = vocabulary.all_territory_names()  # in this process
    expected = [(True, code, name) for code, name in primary] + [(False, code, name) for code, name in others]
    assert list(vocabulary.territory_names(True)) == expected
    assert len(others) > 10_000 and ("DE", "Deutschland") in others
    # A child that hangs is stopped, and the names it did not give are read here: each name once, in order.
    monkeypatch.setattr(vocabulary, "_CHILD_TIMEOUT", 0.5)
    assert list(vocabulary.territory_names(True)) == expected
    assert "reading CLDR country names in this process" in caplog.text
    # Without child processes the names are read in this process, and are the same.
    monkeypatch.setattr(
        vocabulary.subprocess, "Popen", lambda *args, **kwargs: (_ for _ in ()).throw(OSError("no fork"))
    )
    assert list(vocabulary.territory_names(True)) == expected
