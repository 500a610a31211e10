"""Tiers, targets and the conditions a value depends on: normalized from the table, asked in six languages."""

import pytest

from bot.lookup import lookup, parse_query
from bot.lookup.tiers import TIERS, find_rule, tier_rules
from bot.telegram_render import render_text


def test_every_row_of_the_table_maps_to_a_reviewed_tier(seed_records):
    unmapped = [
        (r.row_number, r.jurisdiction, r.value_type_original)
        for r in seed_records
        if find_rule(r.jurisdiction, r.value_type_original, r.land_use_original) is None
    ]
    assert unmapped == []
    assert {r.tier for r in seed_records if r.kind == "value"} == set(TIERS)
    assert all(r.target for r in seed_records if r.kind == "value")


def test_every_line_of_the_tier_table_is_used(seed_records):
    used = {find_rule(r.jurisdiction, r.value_type_original, r.land_use_original).line for r in seed_records}
    assert {rule.line for rule in tier_rules()} == used


@pytest.mark.parametrize(
    "jurisdiction, value_type, tier, target",
    [
        ("DE", "precautionary value (Vorsorgewert)", "protection", "ecosystem"),
        (
            "DE",
            "trigger value (Prüfwert) - soil-human pathway (Wirkungspfad Boden-Mensch)",
            "assessment",
            "human_health",
        ),
        ("DE", "action value (Maßnahmenwert) - soil-human pathway", "action", "human_health"),
        ("DE", "trigger value (Prüfwert) - soil-plant pathway, plant (food) quality", "food", "crops_food"),
        ("GB", "limit value (maximum permitted soil concentration for sludge use)", "sludge", "crops_food ecosystem"),
        ("NL", "intervention", "action", "human_health ecosystem"),
        ("CN", "risk intervention value", "action", "human_health"),
    ],
)
def test_tier_and_target_of_known_instruments(seed_records, jurisdiction, value_type, tier, target):
    rows = [r for r in seed_records if r.jurisdiction == jurisdiction and r.value_type_original == value_type]
    assert rows and {(r.tier, r.target) for r in rows} == {(tier, target)}


def test_conditions_are_normalized_and_the_wording_kept(seed_records):
    def rows(**fields):
        return [r for r in seed_records if all(getattr(r, k) == v for k, v in fields.items())]

    de_lead = {r.soil_texture: r.value for r in rows(jurisdiction="DE", pollutant_id="lead", tier="protection")}
    assert de_lead == {"sand": 40, "loam": 70, "clay": 100}
    assert {r.soil_texture for r in rows(jurisdiction="CZ", pollutant_id="cadmium", tier="protection")} == {
        "light",
        "common",
    }
    assert {r.soil_texture for r in rows(jurisdiction="SK", pollutant_id="zinc")} == {"sand", "loam", "clay"}
    assert {
        r.soil_texture for r in rows(jurisdiction="BG", pollutant_id="lead", tier="protection") if r.soil_texture
    } == {"sand", "loam", "clay"}
    assert {r.organic_carbon for r in seed_records if r.organic_carbon} == {"TOC ≤ 4 %", "TOC > 4–9 %"}
    gb_zinc = sorted((r.ph_min or 0, r.ph_max) for r in rows(jurisdiction="GB", pollutant_id="zinc"))
    assert gb_zinc == [(5.0, 5.5), (5.5, 6.0), (6.0, 7.0), (7.0, None)]
    es = {(r.ph_min, r.ph_max) for r in rows(jurisdiction="ES", pollutant_id="cadmium") if r.has_ph_band}
    assert es == {(None, 7.0), (7.0, None)}
    assert {r.extraction for r in rows(jurisdiction="DE", land_use_original="arable land (Ackerflächen)")} == {
        "ammonium_nitrate"
    }
    playground = rows(jurisdiction="DE", pollutant_id="lead", land_use_detail="playground")
    assert [r.value for r in playground] == [200] and playground[0].land_use == "residential"
    assert playground[0].land_use_original == "children's play areas (Kinderspielflächen)"
    assert all(r.is_sludge_only for r in rows(jurisdiction="FR"))


# The words of issue 13, in the six languages: what each one is read as.
CONDITION_WORDS = [
    (
        "playground",
        "land_use_detail",
        "playground",
        (
            "lead playground Germany",
            "plomb aire de jeux Allemagne",
            "plomo parque infantil Alemania",
            "свинец детская площадка Германия",
            "德国儿童游乐场铅",
            "الرصاص ملعب أطفال ألمانيا",
        ),
    ),
    (
        "kindergarten",
        "land_use_detail",
        "playground",
        (
            "lead kindergarten",
            "plomb école maternelle",
            "plomo jardín de infancia",
            "свинец детский сад",
            "铅 幼儿园",
            "الرصاص روضة أطفال",
        ),
    ),
    (
        "park",
        "land_use_detail",
        "park",
        ("lead park", "plomb parc", "plomo parque", "свинец парк", "铅 公园", "الرصاص منتزه"),
    ),
    (
        "garden",
        "land_use_detail",
        "kitchen_garden",
        ("cadmium garden", "cadmium jardin potager", "cadmio huerto", "кадмий огород", "镉 菜园", "الكادميوم حديقة"),
    ),
    (
        "grassland",
        "land_use_detail",
        "grassland",
        ("cadmium grassland", "cadmium prairie", "cadmio pradera", "кадмий луга", "镉 草地", "الكادميوم المراعي"),
    ),
    (
        "pasture",
        "land_use_detail",
        "grassland",
        ("cadmium pasture", "cadmium pâturage", "cadmio pastizal", "кадмий пастбище", "镉 牧场", "الكادميوم مرعى"),
    ),
    (
        "arable",
        "land_use_detail",
        "arable",
        (
            "cadmium arable land",
            "cadmium terres arables",
            "cadmio tierra arable",
            "кадмий пашня",
            "镉 耕地",
            "الكادميوم الأراضي الصالحة للزراعة",
        ),
    ),
    (
        "farmland",
        "land_use",
        "agricultural",
        (
            "cadmium farmland",
            "cadmium terres agricoles",
            "cadmio tierra agrícola",
            "кадмий сельхозугодья",
            "镉 农田",
            "الكادميوم الأراضي الزراعية",
        ),
    ),
    (
        "sludge",
        "land_use_detail",
        "sludge",
        (
            "zinc sludge",
            "zinc boues d'épuration",
            "zinc lodos de depuradora",
            "цинк осадок сточных вод",
            "锌 污泥",
            "الزنك الحمأة",
        ),
    ),
    (
        "clay",
        "soil_texture",
        "clay",
        (
            "zinc clay soil",
            "zinc sol argileux",
            "zinc suelo arcilloso",
            "цинк глинистые",
            "锌 黏土",
            "الزنك تربة طينية",
        ),
    ),
    (
        "sandy",
        "soil_texture",
        "sand",
        ("zinc sandy", "zinc sableux", "zinc arenoso", "цинк песчаные", "锌 砂土", "الزنك رملية"),
    ),
    (
        "light soil",
        "soil_texture",
        "light",
        (
            "zinc light soil",
            "zinc sol léger",
            "zinc suelo ligero",
            "цинк легкая почва",
            "锌 轻质土",
            "الزنك تربة خفيفة",
        ),
    ),
    (
        "loam",
        "soil_texture",
        "loam",
        ("zinc loam", "zinc limoneux", "zinc suelo franco", "цинк суглинок", "锌 壤土", "الزنك طميية"),
    ),
    (
        "alkaline",
        "ph_band",
        "alkaline",
        ("cadmium alkaline", "cadmium alcalin", "cadmio alcalino", "кадмий щелочные", "镉 碱性", "الكادميوم قلوية"),
    ),
    (
        "acidic",
        "ph_band",
        "acidic",
        ("cadmium acidic", "cadmium sol acide", "cadmio ácido", "кадмий кислые", "镉 酸性", "الكادميوم حمضية"),
    ),
    (
        "pH 6,5",
        "ph",
        6.5,
        ("cadmium pH 6,5", "cadmium pH 6,5", "cadmio pH 6,5", "кадмий pH 6,5", "镉 pH 6,5", "الكادميوم pH 6,5"),
    ),
]


@pytest.mark.parametrize("word, part, expected, queries", CONDITION_WORDS, ids=[w[0] for w in CONDITION_WORDS])
def test_conditions_are_understood_in_six_languages(vocabulary, word, part, expected, queries):
    for query in queries:
        parsed = parse_query(query, vocabulary)
        assert getattr(parsed, part) == expected, query
        assert parsed.pollutant is not None, query


def test_a_named_condition_puts_the_matching_value_first(index, vocabulary):
    result = lookup(index, "lead sandy soil Germany", vocabulary=vocabulary)
    assert (result.results[0].soil_texture, result.results[0].value) == ("sand", 40)
    clay = lookup(index, "Pb clay Germany", vocabulary=vocabulary)
    assert (clay.results[0].soil_texture, clay.results[0].value) == ("clay", 100)
    # Czech light soils answer a question about sandy soil, after any sandy-soil value.
    czech = lookup(index, "cadmium sandy Czechia", vocabulary=vocabulary)
    assert czech.results[0].soil_texture == "light"


def test_without_a_condition_every_conditions_value_is_listed_and_labelled(index, vocabulary, tr):
    result = lookup(index, "lead Germany", vocabulary=vocabulary)
    assert {r.soil_texture for r in result.results} >= {"sand", "loam", "clay"}
    text = "\n".join(render_text(result, tr, "en", page=page) for page in range(4))
    for label in (
        "Soil texture: sand (light texture)",
        "Soil texture: loam or silt (medium texture)",
        "Soil texture: clay (heavy texture)",
        "Tier 1, soil protection: a precautionary value",
        "Tier 2: assessment is needed above this value",
        "Protects: human health",
    ):
        assert label in text


def test_a_specific_land_use_wins_over_a_general_one(index, vocabulary):
    result = lookup(index, "lead industrial playground Germany", vocabulary=vocabulary)
    assert result.query.land_use_detail == "playground"
    assert result.results[0].land_use_details == ("playground",) and result.results[0].value == 200


def test_acidic_keeps_the_bands_below_7(index, vocabulary):
    result = lookup(index, "cadmium acidic soil Bulgaria", vocabulary=vocabulary)
    banded = [r for r in result.results if r.has_ph_band]
    assert banded and all(r.ph_min is None or r.ph_min < 7 for r in banded)
    assert not any(r.ph_min == 7.4 for r in result.results)
    alkaline = lookup(index, "cadmium alkaline soil Spain", vocabulary=vocabulary)
    assert [(r.ph_min, r.value) for r in alkaline.results if r.has_ph_band] == [(7.0, 1.5)]


@pytest.mark.parametrize(
    "typed, pollutant",
    [
        ("leed", "lead"),
        ("zink", "zinc"),
        ("lesd", "lead"),
        ("медъ", "copper"),
        ("cadmum", "cadmium"),
        ("arsnic", "arsenic"),
    ],
)
def test_a_four_letter_name_with_one_typo_is_found_as_longer_names_are(vocabulary, typed, pollutant):
    parsed = parse_query(f"{typed} Germany", vocabulary)
    assert parsed.pollutant == pollutant
    assert any(s.typed == typed and s.accepted for s in parsed.suggestions)


def test_short_words_that_are_not_pollutants_are_left_alone(vocabulary):
    assert parse_query("what land in Kenya", vocabulary).pollutant is None
