"""Arabic charts read from the right: names on the right axis, bars growing leftwards, titles on the right."""

import gettext

import pytest

from bot.reports import charts
from bot.reports.indicators import Indicator, RegionProgress
from bot.reports.regions import REGIONS

TR = gettext.NullTranslations()
ROWS = [
    {"jurisdiction": name, "value": value, "unit": "mg/kg", "value_type": "limit"}
    for name, value in (("كندا", 1.4), ("الصين", 0.3), ("هولندا", 13))
]


@pytest.fixture
def drawn(monkeypatch):
    """The figures the chart functions hand to the PNG renderer."""
    figures = []
    render = charts._render_png

    def keep(figure):
        figures.append(
            [
                (
                    axes.xaxis_inverted(),
                    axes.yaxis.get_ticks_position(),
                    axes.get_title(loc="right"),
                    axes.get_title(loc="left"),
                    axes.spines["left"].get_visible(),
                    axes.spines["right"].get_visible(),
                    [text.get_horizontalalignment() for text in axes.texts],
                )
                for axes in figure.axes
            ]
        )
        return render(figure)

    monkeypatch.setattr(charts, "_render_png", keep)
    return figures


@pytest.mark.parametrize("locale", ["ar", "ar_EG"])
def test_arabic_comparison_chart_is_mirrored(drawn, locale):
    charts.comparison_chart(ROWS, "الكادميوم", "الأراضي الزراعية", TR, locale)
    inverted, ticks, right_title, left_title, left_spine, right_spine, aligns = drawn[-1][0]
    assert inverted and ticks == "right"
    assert right_title and not left_title
    assert right_spine and not left_spine
    assert aligns and set(aligns) == {"right"}  # the value notes end at the bar, on its left


@pytest.mark.parametrize("locale", ["en", "fr", "zh", "ru"])
def test_left_to_right_charts_are_unchanged(drawn, locale):
    charts.comparison_chart(ROWS, "Cd", "agricultural", TR, locale)
    inverted, ticks, right_title, left_title, left_spine, right_spine, aligns = drawn[-1][0]
    assert (
        not inverted and ticks == "left" and left_title and not right_title and left_spine and set(aligns) == {"left"}
    )


def test_arabic_progress_chart_is_mirrored_in_both_panels(drawn):
    rows = [RegionProgress(region, 10, index, index % 2) for index, region in enumerate(REGIONS)]
    indicators = [Indicator("countries_responded", 0.4, 4, 10), Indicator("countries_in_discussions", 0.6, 6, 10, 0.5)]
    charts.progress_chart(rows, indicators, TR, "ar")
    assert [(panel[0], panel[1], bool(panel[2])) for panel in drawn[-1]] == [(True, "right", True)] * 2


def test_empty_arabic_chart_still_renders(drawn):
    assert charts.comparison_chart([], "الكادميوم", "x", TR, "ar").startswith(b"\x89PNG")
    assert drawn[-1][0][2]  # the title on the right
