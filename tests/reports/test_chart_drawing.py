"""What the charts draw, read from the matplotlib Figure before it becomes a PNG: titles, axis labels, bar
values, the notes at the bar ends, the language of every label, and the Arabic mirror (names on the right)."""

from __future__ import annotations

import gettext
import unicodedata

import pytest
from babel.numbers import format_decimal, format_percent

from bot.i18n import DOMAIN, LOCALES_DIR, compile_catalogs
from bot.reports.charts import GOAL_COLOR, comparison_figure, progress_figure, value_type_label
from bot.reports.indicators import Indicator, RegionProgress, indicator_label
from bot.reports.regions import REGIONS, region_label

ENGLISH = gettext.NullTranslations()
REGION_ROWS = [
    RegionProgress("africa", targeted=10, responded=3, drafts=1),
    RegionProgress("europe", targeted=4, responded=4, drafts=0),
]
INDICATORS = [Indicator("countries_responded", 0.4, 4, 10), Indicator("countries_in_discussions", 0.25, 2, 8, 0.5)]
CADMIUM = [
    {"jurisdiction": "Canada", "value": 1.4, "unit": "mg/kg", "value_type": "guideline"},
    {"jurisdiction": "Netherlands", "value": 13, "unit": "mg/kg", "value_type": "intervention"},
    {
        "jurisdiction": "China",
        "value": None,
        "value_min": 0.3,
        "value_max": 0.8,
        "unit": "mg/kg",
        "value_type": "screening",
    },
]


@pytest.fixture(scope="module")
def catalog():
    """The bot's own compiled catalog for a language."""
    compile_catalogs()  # this module may be the first of its session to read them

    def load(language: str) -> gettext.NullTranslations:
        return gettext.translation(DOMAIN, LOCALES_DIR, languages=[language])

    return load


def drawn_texts(figure) -> list[str]:
    """Every text a reader sees on the figure: titles, axis labels, tick labels, notes and legends."""
    figure.canvas.draw()  # tick labels are only written when the figure is drawn
    texts = [figure._suptitle.get_text()] if figure._suptitle else []
    for axes in figure.axes:
        texts += [axes.get_title(loc=side) for side in ("left", "center", "right")]
        texts += [axes.get_xlabel(), axes.get_ylabel()]
        texts += [label.get_text() for label in axes.get_xticklabels() + axes.get_yticklabels()]
        texts += [text.get_text() for text in axes.texts]
        if axes.get_legend():
            texts += [text.get_text() for text in axes.get_legend().get_texts()]
    for legend in figure.legends:
        texts += [text.get_text() for text in legend.get_texts()]
    return [text for text in texts if text]


def bar_widths(axes) -> list[float]:
    return [round(patch.get_width(), 6) for patch in axes.patches]


def tick_names(axes) -> list[str]:
    """The names on the bars' axis, with long ones unwrapped (they are wrapped at spaces)."""
    axes.figure.canvas.draw()
    return [label.get_text().replace("\n", " ") for label in axes.get_yticklabels()]


def test_progress_chart_draws_the_rates_counts_and_goals():
    figure = progress_figure(REGION_ROWS, INDICATORS, ENGLISH, "en")
    regions, indicators = figure.axes
    assert figure._suptitle.get_text() == "INSOP survey progress"
    assert regions.get_title(loc="left") == "Response rate by region"
    assert regions.get_xlabel() == "Targeted countries that responded (%)"
    assert tick_names(regions) == ["Africa", "Europe"]
    assert bar_widths(regions) == [30.0, 100.0]
    assert [text.get_text() for text in regions.texts] == ["3 of 10 · 1 draft", "4 of 4"]

    assert indicators.get_title(loc="left") == "Action plan indicators against their goals"
    assert indicators.get_xlabel() == "Share (%)"
    assert tick_names(indicators) == [indicator_label(indicator.id, ENGLISH) for indicator in INDICATORS]
    assert bar_widths(indicators) == [40.0, 25.0]
    assert [text.get_text() for text in indicators.texts] == ["4 of 10", "2 of 8"]
    goals = [line for line in indicators.lines if line.get_color() == GOAL_COLOR and len(line.get_xdata())]
    assert [(list(line.get_xdata()), list(line.get_ydata())) for line in goals] == [([50.0, 50.0], [0.6, 1.4])]
    assert [text.get_text() for text in indicators.get_legend().get_texts()] == ["Goal"]
    assert regions.xaxis.get_major_formatter()(75, 0) == "75%"


def test_progress_chart_without_rows_draws_empty_panels_with_their_titles():
    figure = progress_figure([], [], ENGLISH, "en")
    assert [axes.get_title(loc="left") for axes in figure.axes] == [
        "Response rate by region",
        "Action plan indicators against their goals",
    ]
    assert all(not axes.patches and not axes.texts for axes in figure.axes)


def test_a_french_chart_is_drawn_in_french_with_french_numbers(catalog):
    french = catalog("fr")
    figure = progress_figure(REGION_ROWS, INDICATORS, french, "fr")
    regions, indicators = figure.axes
    for msgid, drawn in [
        ("INSOP survey progress", figure._suptitle.get_text()),
        ("Response rate by region", regions.get_title(loc="left")),
        ("Share (%)", indicators.get_xlabel()),
    ]:
        assert drawn == french.gettext(msgid) != msgid
    assert tick_names(regions) == ["Afrique", "Europe"]
    assert regions.texts[0].get_text() == french.gettext("{responded} of {targeted}").format(
        responded=3, targeted=10
    ) + " · " + french.ngettext("{count} draft", "{count} drafts", 1).format(count=1)
    # "75 %" with the narrow no-break space French puts before the sign, as Babel writes it.
    assert regions.xaxis.get_major_formatter()(75, 0) == format_percent(0.75, locale="fr") != "75%"
    english = set(drawn_texts(progress_figure(REGION_ROWS, INDICATORS, ENGLISH, "en")))
    assert not english & set(drawn_texts(figure)) - {"Europe"}  # nothing left in English


def test_comparison_chart_draws_each_value_sorted_with_its_range_and_kind():
    figure = comparison_figure(CADMIUM, "Cadmium (Cd)", "Agricultural", ENGLISH, "en", tier_name="Any tier")
    (axes,) = figure.axes
    assert axes.get_title(loc="left") == "Cadmium (Cd): threshold values, Agricultural"
    assert axes.get_xlabel() == "Threshold value (mg/kg)"
    assert axes.get_xscale() == "linear"
    assert tick_names(axes) == ["China", "Canada", "Netherlands"]  # smallest first
    assert [(round(bar.get_x(), 6), round(bar.get_width(), 6)) for bar in axes.patches] == [
        (0.3, 0.5),
        (0, 1.4),
        (0, 13),
    ]
    assert [text.get_text() for text in axes.texts] == ["0.3–0.8", "1.4", "13"]
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == [
        value_type_label(kind, ENGLISH) for kind in ("screening", "guideline", "intervention")
    ]


def test_values_far_apart_get_a_log_axis_and_mixed_units_are_written_at_each_bar():
    rows = CADMIUM + [{"jurisdiction": "Somewhere", "value": 900, "unit": "µg/kg", "value_type": "limit"}]
    (axes,) = comparison_figure(rows, "Cadmium (Cd)", "Industrial", ENGLISH, "en").axes
    assert axes.get_xscale() == "log"
    assert axes.get_xlabel() == "Threshold value"  # no single unit to name
    assert [text.get_text() for text in axes.texts] == ["0.3–0.8 mg/kg", "1.4 mg/kg", "13 mg/kg", "900 µg/kg"]


def test_a_comparison_without_values_says_so_instead_of_drawing_axes(catalog):
    spanish = catalog("es")
    (axes,) = comparison_figure([], "Plomo", "Residencial", spanish, "es").axes
    assert not axes.axison and not axes.patches
    assert [text.get_text() for text in axes.texts] == [spanish.gettext("No threshold values to compare yet.")]
    assert axes.texts[0].get_text() != "No threshold values to compare yet."


def test_an_arabic_chart_is_in_arabic_with_the_names_on_the_right(catalog):
    arabic = catalog("ar")
    figure = progress_figure(REGION_ROWS, INDICATORS, arabic, "ar")
    for axes in figure.axes:
        assert axes.xaxis_inverted()  # bars grow leftwards
        assert axes.yaxis.get_ticks_position() == "right"
        assert axes.get_title(loc="right") and not axes.get_title(loc="left")
        assert axes.spines["right"].get_visible() and not axes.spines["left"].get_visible()
        assert {text.get_horizontalalignment() for text in axes.texts} == {"right"}
    regions = figure.axes[0]
    assert tick_names(regions) == [region_label("africa", arabic), region_label("europe", arabic)]
    assert bar_widths(regions) == [30.0, 100.0]
    # Every letter drawn is Arabic, but the project's name.
    letters = [char for text in drawn_texts(figure) for char in text.replace("INSOP", "") if char.isalpha()]
    assert letters and all("ARABIC" in unicodedata.name(char) for char in letters), {
        char for char in letters if "ARABIC" not in unicodedata.name(char)
    }


def test_an_arabic_comparison_puts_the_jurisdictions_on_the_right():
    rows = [
        {"jurisdiction": name, "value": value, "unit": "mg/kg", "value_type": "limit"}
        for name, value in (("كندا", 1.4), ("هولندا", 13))
    ]
    (axes,) = comparison_figure(rows, "الكادميوم", "الأراضي الزراعية", ENGLISH, "ar").axes
    assert axes.yaxis.get_ticks_position() == "right" and axes.xaxis_inverted()
    assert tick_names(axes) == ["كندا", "هولندا"]
    assert axes.get_title(loc="right").startswith("الكادميوم")
    assert [text.get_text() for text in axes.texts] == [format_decimal(1.4, locale="ar"), "13"]


@pytest.mark.parametrize("locale", ["zh", "ru"])
def test_every_region_is_named_in_the_member_s_language(catalog, locale):
    tr = catalog(locale)
    rows = [RegionProgress(region, 5, 1, 0) for region in REGIONS]
    (regions, _indicators) = progress_figure(rows, [], tr, locale).axes
    names = tick_names(regions)
    assert names == [region_label(region, tr) for region in REGIONS]
    assert all(name != region_label(region, ENGLISH) for name, region in zip(names, REGIONS))
