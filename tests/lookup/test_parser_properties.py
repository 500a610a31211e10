"""Whatever a user types, parsing and answering return normally."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.lookup import lookup, parse_query
from bot.lookup.parser import MAX_QUERY_CHARS, ParsedQuery, pack_conditions, unpack_conditions
from bot.telegram_render import render_text

_WORDS = st.sampled_from(
    [
        "cadmium",
        "Pb",
        "CA",
        "IN",
        "Канада",
        "镉",
        "الكادميوم",
        "pH",
        "7.5",
        "(VI)",
        "γ-HCH",
        "7440-43-9",
        "résidentiel",
        "'; --",
        "كندا",
        "中国",
        "агрикультура",
        "",
        " ",
        "&",
        "<b>",
    ]
)
_CONDITION_WORDS = st.sampled_from(
    ["playground", "kitchen garden", "paddy", "sewage sludge", "clay", "sandy", "acidic", "alkaline", "aqua regia"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=400), st.lists(_WORDS, max_size=12).map(" ".join)))
def test_parse_query_always_returns(vocabulary, text):
    parsed = parse_query(text, vocabulary)
    assert isinstance(parsed, ParsedQuery)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    assert parsed.ph is None or 0 <= parsed.ph <= 14
    assert all(0 < score <= 1 for score in parsed.confidence.values())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_WORDS, max_size=8).map(" ".join), st.sampled_from(["en", "fr", "ar", "zh"]))
def test_lookup_and_render_always_return(index, vocabulary, tr, text, locale):
    result = lookup(index, text, vocabulary=vocabulary)
    assert isinstance(render_text(result, tr, locale), str)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_WORDS | _CONDITION_WORDS, max_size=8).map(" ".join))
def test_the_conditions_a_more_button_packs_are_the_ones_it_unpacks(vocabulary, text):
    parsed = parse_query(text, vocabulary)
    packed = pack_conditions(parsed)
    assert len(packed.encode()) == 4
    assert unpack_conditions(packed) == {
        name: getattr(parsed, name) for name in ("land_use_detail", "soil_texture", "ph_band", "extraction")
    }


def test_every_condition_survives_the_round_trip(vocabulary):
    parsed = parse_query("cadmium paddy clay acidic aqua regia", vocabulary)
    assert all(unpack_conditions(pack_conditions(parsed)).values()), parsed
