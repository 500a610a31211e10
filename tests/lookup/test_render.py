"""Replies as the user reads them: locale numbers, honest gaps, gettext, splitting, JSON."""

import json
import re
from decimal import Decimal

import pytest
from markupsafe import Markup

from bot.lookup import lookup
from bot.telegram_render import Html, render_text, result_to_json, split_message

_TAG = re.compile(r"<(/?)([a-z]+)[^>]*>")


def _balanced(html_text):
    stack = []
    for closing, name in _TAG.findall(html_text):
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


class FrenchCatalog:
    """A tiny catalog standing in for a compiled .mo file."""

    messages = {
        "No national value recorded for {country}.": "Aucune valeur nationale enregistrée pour {country}.",
        "{value} mg/kg": "{value} mg/kg",
    }

    def gettext(self, message):
        return self.messages.get(message, message)

    def ngettext(self, singular, plural, n):
        return singular if n == 1 else plural


def _answer(result, tr, locale):
    """The first screen and the first Details page: what a reader sees after one tap."""
    return render_text(result, tr, locale) + "\n\n" + render_text(result, tr, locale, page=1)


def test_french_reply_uses_decimal_comma_and_french_country_names(index, vocabulary, tr):
    result = lookup(index, "cadmium sol agricole Pays-Bas", vocabulary=vocabulary)
    text = _answer(result, tr, "fr")
    assert "0,6 mg/kg" in text and "13 mg/kg" in text
    assert "Pays-Bas" in text and "Union européenne" in text
    assert "1–3 mg/kg" in text
    assert _balanced(text)


def test_english_reply_shows_value_type_status_instrument_and_source(index, vocabulary, tr):
    text = _answer(lookup(index, "Pb industrial Canada", vocabulary=vocabulary), tr, "en")
    assert "<b>600 mg/kg</b>" in text
    assert "guideline value" in text and "In the source's own words (not translated): “guideline (SQG)" in text
    assert "Legal status: guideline, not binding" in text
    assert "CCME Canadian Soil Quality Guidelines" in text and "(2007)" in text
    # The public source is shown; where the value was read (a copy on scribd) is not.
    assert "Source: CCME, Canadian Soil Quality Guidelines" in text
    assert "scribd" not in text and "read in" not in text


def test_kenya_reply_is_honest_and_labels_alternatives(index, vocabulary, tr):
    text = render_text(lookup(index, "cadmium limit in agricultural soil in Kenya", vocabulary=vocabulary), tr, "en")
    assert "No national value recorded for Kenya." in text
    assert "10.11648/j.ijema.20170502.11" in text
    assert "do NOT apply in Kenya" in text
    assert text.index("No national value") < text.index("do NOT apply")
    assert _balanced(text)


def test_reply_text_goes_through_the_catalog(index, vocabulary):
    text = render_text(lookup(index, "lead Kenya", vocabulary=vocabulary), FrenchCatalog(), "fr")
    assert "Aucune valeur nationale enregistrée pour Kenya." in text


def test_ph_band_and_escaped_conditions(index, vocabulary, tr):
    text = _answer(lookup(index, "中国农用地镉筛选值", vocabulary=vocabulary), tr, "zh")
    assert "镉 — 中国" in text
    assert "5.5 &lt; pH ≤ 6.5" in text and "pH &gt; 7.5" in text
    assert "pH&lt;=5.5" in text
    assert _balanced(text)


def test_did_you_mean_when_unsure(index, vocabulary, tr):
    text = render_text(lookup(index, "cadmium Kenyq", vocabulary=vocabulary), tr, "en")
    assert "Did you mean “Kenya”" in text


def test_help_with_examples_when_nothing_is_recognised(index, vocabulary, tr):
    text = render_text(lookup(index, "'; DROP TABLE thresholds; --", vocabulary=vocabulary), tr, "en")
    assert "Examples" in text and "cadmium agricultural soil Canada" in text
    assert "DROP" not in text


def test_user_text_is_escaped(index, vocabulary, tr):
    result = lookup(index, "<b>cadmum</b> Kanada <script>", vocabulary=vocabulary)
    text = render_text(result, tr, "en")
    assert "<script>" not in text and _balanced(text)


def test_comparison_lists_one_line_per_jurisdiction(index, vocabulary, tr):
    text = render_text(lookup(index, "lead", vocabulary=vocabulary), tr, "es")
    assert "Canadá" in text and "70 mg/kg" in text
    assert "Compared within one tier: Tier 2 · assessment." in text


def test_split_message_keeps_blocks_and_tags_whole():
    blocks = [f"<b>Block {n}</b>\n" + "word " * 150 for n in range(40)]
    text = "\n\n".join(blocks)
    chunks = split_message(text, limit=1000)
    assert len(chunks) > 1
    assert all(len(chunk) <= 1000 and _balanced(chunk) for chunk in chunks)
    assert "\n\n".join(chunks) == text


def test_split_message_cuts_an_oversized_block_without_breaking_tags_or_entities():
    block = "<b>" + "a &amp; b " * 800 + "</b>"
    chunks = split_message(block, limit=500)
    assert all(len(chunk) <= 500 and _balanced(chunk) for chunk in chunks)
    assert all(not re.search(r"&[a-z]*$", chunk.removesuffix("</b>")) for chunk in chunks)
    assert "".join(re.sub(r"</?b>", "", chunk) for chunk in chunks) == "a &amp; b " * 800


def test_split_message_short_and_empty():
    assert split_message("hello") == ["hello"]
    assert split_message("") == []


def test_real_long_reply_splits_under_telegram_limit(index, vocabulary, tr):
    text = render_text(lookup(index, "Hg Brazil", vocabulary=vocabulary), tr, "en")
    for chunk in split_message(text):
        assert len(chunk) <= 4096 and _balanced(chunk)


def test_json_shape_for_the_cli(index, vocabulary, tr):
    data = result_to_json(lookup(index, "Pb industrial Canada", vocabulary=vocabulary), tr, "en")
    json.dumps(data)
    assert {"pollutant", "land_use", "country", "results", "alternatives", "text", "confidence", "suggestions"} <= set(
        data
    )
    assert (data["pollutant"], data["land_use"], data["country"]) == ("lead", "industrial", "CA")
    item = data["results"][0]
    for key in (
        "country",
        "pollutant",
        "land_use",
        "value",
        "value_min",
        "value_max",
        "unit",
        "value_type",
        "conditions",
        "legal_status",
        "instrument",
        "year",
        "source",
    ):
        assert key in item
    assert item["value"] == 600 and item["unit"] == "mg/kg dw" and item["year"] == 2007


def test_json_for_kenya_and_nothing(index, vocabulary, tr):
    kenya = result_to_json(lookup(index, "cadmium agricultural Kenya", vocabulary=vocabulary), tr, "en")
    assert kenya["country"] == "KE" and kenya["results"] == []
    assert kenya["alternatives"] and all(not a["applies_to_country"] for a in kenya["alternatives"])
    # Other jurisdictions' values are of one tier (the EU's sludge limits are not among them).
    assert kenya["tier"] == "assessment" and {a["tier"] for a in kenya["alternatives"]} == {"assessment"}
    assert "EU" not in {a["country"] for a in kenya["alternatives"]} and kenya["tiers"]["sludge"] >= 1
    canada = next(a for a in kenya["alternatives"] if a["country"] == "CA")
    assert canada["target"] == ["human_health", "ecosystem"] and "verification_note" not in canada
    nothing = result_to_json(lookup(index, "", vocabulary=vocabulary), tr, "en")
    assert (nothing["pollutant"], nothing["land_use"], nothing["country"]) == (None, None, None)
    assert nothing["text"]


@pytest.mark.parametrize("locale", ["en", "fr", "es", "ru", "zh", "ar", "pt-BR", "xx", ""])
def test_any_locale_renders(index, vocabulary, tr, locale):
    text = render_text(lookup(index, "cadmium Canada", vocabulary=vocabulary), tr, locale)
    assert "mg/kg" in text


class _Shouting(str):
    def __format__(self, spec: str) -> str:
        return self.upper()


@pytest.mark.parametrize(
    "template, args, kwargs",
    [
        ("<b>{}</b>", ("a<b & c",), {}),
        ("{name} – {count} {unit}", (), {"name": Markup("<i>Cd</i>"), "count": 3, "unit": "mg/kg"}),
        ("{0} < {1}", (0.5, "x>y"), {}),
        ("{value:>8}", (), {"value": "<1>"}),  # a format spec: markupsafe's formatter
        ("{value!r}", (), {"value": "a<b"}),  # a conversion
        ("{value.real}", (), {"value": 2}),  # an attribute
        ("{value}", (), {"value": Decimal("1.50")}),  # not a plain str or number
        ("{value}", (), {"value": _Shouting("a<b")}),  # a str whose format is not its str()
        ("{value}", (), {"value": True}),
    ],
)
def test_html_format_gives_markupsafes_text(template, args, kwargs):
    assert Html(template).format(*args, **kwargs) == Markup.format(Html(template), *args, **kwargs)
