"""Charts come back as PNG images for empty and full data, in any of the bot's scripts, without side effects."""

import gettext
import warnings

import matplotlib
import pytest
from matplotlib import font_manager

from bot.reports import charts
from bot.reports.charts import available_font_families, comparison_chart, progress_chart
from bot.reports.indicators import Indicator, RegionProgress, compute_indicators, region_progress
from bot.reports.regions import REGIONS, load_regions

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TR = gettext.NullTranslations()


class Translated(gettext.NullTranslations):
    """Every text in one foreign script, as a real catalog would give."""

    def __init__(self, text):
        super().__init__()
        self.text = text

    def gettext(self, message):
        return f"{self.text} {message}" if "{" not in message else f"{self.text} " + message

    def ngettext(self, singular, plural, n):
        return f"{self.text} " + (singular if n == 1 else plural)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.fixture(autouse=True)
def no_warnings_and_no_global_state():
    rc_before = dict(matplotlib.rcParams)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    assert dict(matplotlib.rcParams) == rc_before
    pyplot = __import__("sys").modules.get("matplotlib.pyplot")
    assert pyplot is None or pyplot.get_fignums() == []


def test_progress_chart_renders_when_nothing_is_submitted():
    regions = load_regions()
    rows = region_progress(set(), [], regions)
    indicators = compute_indicators([], [], set(), regions)
    width, height = png_size(progress_chart(rows, indicators, TR, "en"))
    assert width > 500 and height > 500


def test_progress_chart_with_no_rows_at_all():
    assert progress_chart([], [], TR, "en").startswith(PNG_MAGIC)


def test_progress_chart_with_data_and_drafts():
    rows = [
        RegionProgress(region, targeted=10, responded=index, drafts=index % 3) for index, region in enumerate(REGIONS)
    ]
    indicators = [
        Indicator("countries_responded", 0.4, 4, 10),
        Indicator("countries_in_discussions", 0.6, 6, 10, 0.5),
        Indicator("labs_aware_sops", 1.0, 5, 5, 0.8),
        Indicator("regions_with_sop_labs", 0.25, 2, 8, 1.0),
    ]
    assert progress_chart(rows, indicators, TR, "fr_FR").startswith(PNG_MAGIC)


@pytest.mark.parametrize(("script", "locale"), [("中文标签", "zh"), ("العربية", "ar"), ("Русский", "ru")])
def test_charts_draw_chinese_arabic_and_russian_text_without_raising(script, locale):
    tr = Translated(script)
    rows = [RegionProgress(region, 3, 1, 1) for region in REGIONS]
    indicators = compute_indicators([], [], {"KE"}, load_regions())
    assert progress_chart(rows, indicators, tr, locale).startswith(PNG_MAGIC)
    values = [
        {"jurisdiction": f"{script} {index}", "value": index + 0.5, "unit": "mg/kg", "value_type": "limit"}
        for index in range(4)
    ]
    assert comparison_chart(values, script, script, tr, locale).startswith(PNG_MAGIC)


CADMIUM = [
    {
        "jurisdiction": "Canada",
        "value": 1.4,
        "value_min": None,
        "value_max": None,
        "unit": "mg/kg",
        "value_type": "guideline",
    },
    {
        "jurisdiction": "Netherlands",
        "value": 13,
        "value_min": None,
        "value_max": None,
        "unit": "mg/kg",
        "value_type": "intervention",
    },
    {
        "jurisdiction": "China",
        "value": None,
        "value_min": 0.3,
        "value_max": 0.8,
        "unit": "mg/kg",
        "value_type": "screening",
    },
    {
        "jurisdiction": "Finland",
        "value": 1,
        "value_min": None,
        "value_max": None,
        "unit": "mg/kg",
        "value_type": "background",
    },
]


def test_comparison_chart_with_values_ranges_and_a_log_scale():
    assert comparison_chart(CADMIUM, "Cadmium (Cd)", "Agricultural", TR, "fr").startswith(PNG_MAGIC)
    wide = CADMIUM + [{"jurisdiction": "Somewhere", "value": 900, "unit": "mg/kg", "value_type": "limit"}]
    assert comparison_chart(wide, "Cadmium (Cd)", "Industrial", TR, "en").startswith(PNG_MAGIC)


def test_comparison_chart_handles_zero_mixed_units_and_bad_numbers():
    rows = [
        {"jurisdiction": "Zero", "value": 0, "unit": "mg/kg", "value_type": "limit"},
        {"jurisdiction": "Big", "value": 5000, "unit": "µg/kg", "value_type": None},
        {"jurisdiction": "Broken", "value": "n/a", "unit": "mg/kg"},
        {"jurisdiction": "Only a maximum", "value": None, "value_min": None, "value_max": 0.5, "unit": "mg/kg"},
    ]
    assert comparison_chart(rows, "Lead", "Residential", TR, "not-a-locale").startswith(PNG_MAGIC)


def test_comparison_chart_without_values_says_so():
    empty = comparison_chart([], "Lead (Pb)", "Residential", TR, "en")
    assert empty.startswith(PNG_MAGIC)
    assert empty != comparison_chart(CADMIUM, "Lead (Pb)", "Residential", TR, "en")


def test_font_fallback_lists_only_installed_families():
    families = available_font_families()
    assert families[0] == "DejaVu Sans"
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    assert all(family in installed for family in families[1:])


@pytest.mark.parametrize(
    "cjk_font, expected", [(True, ["zh", "zh-Hans", "fr", "ar"]), (False, ["en", "en", "fr", "ar"])]
)
def test_charts_are_drawn_in_english_for_chinese_only_where_no_cjk_font_exists(monkeypatch, cjk_font, expected):
    monkeypatch.setattr(charts, "has_cjk_font", lambda: cjk_font)
    assert [charts.chart_language(lang) for lang in ("zh", "zh-Hans", "fr", "ar")] == expected
