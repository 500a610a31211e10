"""Coordinator charts as PNG bytes, drawn on Agg canvases without pyplot so no figure state outlives a call.

Arabic needs nothing here: matplotlib 3.11 lays text out with libraqm (letters joined, right to left);
the requirement is pinned to it for that reason (checked by looking at the PNGs).
"""

from __future__ import annotations

import io
import logging
import math
import textwrap
import warnings
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, format_percent
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullFormatter

from bot.i18n.typography import is_rtl
from bot.reports.indicators import Indicator, RegionProgress, indicator_label
from bot.reports.regions import region_label

log = logging.getLogger(__name__)

# Families tried glyph by glyph (matplotlib >= 3.6); DejaVu Sans ships with matplotlib and covers
# Latin, Cyrillic and Arabic letters, the others add Chinese when the system has them.
PREFERRED_FONTS = (
    "DejaVu Sans",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "Noto Sans Arabic",
    "Noto Naskh Arabic",
)
CJK_FONTS = frozenset(PREFERRED_FONTS[1:8])
# The Debian package that gives the charts Chinese glyphs (else they are drawn as empty boxes).
CJK_FONT_PACKAGE = "fonts-noto-cjk"

# Above this max/min spread a linear axis squashes the small values to invisible slivers.
LOG_SCALE_SPREAD = 50
BAR_COLOR = "#2a7ab0"
GOAL_COLOR = "#c0392b"
MUTED_COLOR = "#9aa5ad"
VALUE_TYPE_COLORS = {
    "screening": "#4c9f70",
    "guideline": "#2a7ab0",
    "intervention": "#d98c1f",
    "limit": "#b03a2e",
    "background": "#8e7cc3",
}
DPI = 110


@lru_cache(maxsize=1)
def available_font_families() -> tuple[str, ...]:
    """The preferred families that are installed, DejaVu Sans first."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    # Naming a family that is not installed makes matplotlib log a findfont warning on every text.
    return tuple(family for family in PREFERRED_FONTS if family in installed or family == "DejaVu Sans")


def has_cjk_font() -> bool:
    """Whether Chinese labels can be drawn with real glyphs on this machine."""
    return any(family in CJK_FONTS for family in available_font_families())


def chart_language(lang: str) -> str:
    """The language to draw a chart in: the member's, or English where this machine has no glyphs for it.

    A Chinese chart without a CJK font would be empty boxes; English labels can at least be read.
    """
    if lang.split("-")[0].split("_")[0].lower() == "zh" and not has_cjk_font():
        _warn_no_cjk_font()
        return "en"
    return lang


@lru_cache(maxsize=1)
def _warn_no_cjk_font() -> None:
    log.warning(
        "no CJK font installed: charts for Chinese-speaking members are drawn in English "
        "(install Debian's %s to draw them in Chinese)",
        CJK_FONT_PACKAGE,
    )


def progress_chart(region_rows: list[RegionProgress], indicators: list[Indicator], tr, locale: str) -> bytes:
    """Draw response rate by region and the action-plan indicators against their goals, as a PNG."""
    return _render_png(progress_figure(region_rows, indicators, tr, locale))


def progress_figure(region_rows: list[RegionProgress], indicators: list[Indicator], tr, locale: str) -> Figure:
    """The figure `progress_chart` renders (tests read what is drawn from it)."""
    _ = tr.gettext
    babel_locale = _babel_locale(locale)
    fonts = _fonts()
    figure = Figure(figsize=(9, 9.5), dpi=DPI, layout="constrained")
    regions_axes, indicators_axes = figure.subplots(
        2, 1, height_ratios=[max(len(region_rows), 1), max(len(indicators), 1)]
    )
    figure.suptitle(_("INSOP survey progress"), fontproperties=fonts.title)

    names = [_wrap(region_label(row.region, tr), 28) for row in region_rows]
    rates = [row.response_rate * 100 for row in region_rows]
    positions = list(range(len(region_rows)))
    regions_axes.barh(positions, rates, color=BAR_COLOR, height=0.6)
    for position, row, rate in zip(positions, region_rows, rates):
        note = _("{responded} of {targeted}").format(
            responded=format_decimal(row.responded, locale=babel_locale),
            targeted=format_decimal(row.targeted, locale=babel_locale),
        )
        if row.drafts:
            note += " · " + tr.ngettext("{count} draft", "{count} drafts", row.drafts).format(
                count=format_decimal(row.drafts, locale=babel_locale)
            )
        regions_axes.text(min(rate, 100) + 1.5, position, note, va="center", fontproperties=fonts.small)
    _percent_axis(regions_axes, positions, names, babel_locale, fonts)
    regions_axes.set_title(_("Response rate by region"), fontproperties=fonts.heading, loc=_title_side(locale))
    regions_axes.set_xlabel(_("Targeted countries that responded (%)"), fontproperties=fonts.label)

    labels = [_wrap(indicator_label(indicator.id, tr), 34) for indicator in indicators]
    values = [indicator.value * 100 for indicator in indicators]
    positions = list(range(len(indicators)))
    indicators_axes.barh(positions, values, color=BAR_COLOR, height=0.6)
    for position, indicator, value in zip(positions, indicators, values):
        if indicator.goal is not None:
            # A short vertical stroke across the bar row reads as a target even when the bar is empty.
            indicators_axes.plot(
                [indicator.goal * 100] * 2, [position - 0.4, position + 0.4], color=GOAL_COLOR, linewidth=2.5
            )
        note = _("{numerator} of {denominator}").format(
            numerator=format_decimal(indicator.numerator, locale=babel_locale),
            denominator=format_decimal(indicator.denominator, locale=babel_locale),
        )
        indicators_axes.text(min(value, 100) + 1.5, position, note, va="center", fontproperties=fonts.small)
    if any(indicator.goal is not None for indicator in indicators):
        indicators_axes.plot([], [], color=GOAL_COLOR, linewidth=2.5, label=_("Goal"))
        indicators_axes.legend(loc="upper right", prop=fonts.small, frameon=False)
    _percent_axis(indicators_axes, positions, labels, babel_locale, fonts)
    indicators_axes.set_title(
        _("Action plan indicators against their goals"), fontproperties=fonts.heading, loc=_title_side(locale)
    )
    indicators_axes.set_xlabel(_("Share (%)"), fontproperties=fonts.label)
    _right_to_left(figure, locale)
    return figure


def comparison_chart(
    rows: list[dict[str, Any]], pollutant_name: str, land_use_name: str, tr, locale: str, tier_name: str | None = None
) -> bytes:
    """Draw one pollutant's threshold values across jurisdictions as horizontal bars (ranges min–max), as a PNG.

    `tier_name` (the values are all of one tier: compared like with like) titles the legend.
    """
    return _render_png(comparison_figure(rows, pollutant_name, land_use_name, tr, locale, tier_name))


def comparison_figure(
    rows: list[dict[str, Any]], pollutant_name: str, land_use_name: str, tr, locale: str, tier_name: str | None = None
) -> Figure:
    """The figure `comparison_chart` renders (tests read what is drawn from it)."""
    _ = tr.gettext
    babel_locale = _babel_locale(locale)
    fonts = _fonts()
    bars = [bar for bar in (_comparison_bar(row) for row in rows) if bar is not None]
    height = 2.5 + 0.45 * max(len(bars), 3)
    figure = Figure(figsize=(9, height), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    axes.set_title(
        _("{pollutant}: threshold values, {land_use}").format(pollutant=pollutant_name, land_use=land_use_name),
        fontproperties=fonts.heading,
        loc=_title_side(locale),
    )
    if not bars:
        axes.set_axis_off()
        axes.text(
            0.5,
            0.5,
            _("No threshold values to compare yet."),
            ha="center",
            va="center",
            transform=axes.transAxes,
            fontproperties=fonts.label,
            color=MUTED_COLOR,
        )
        _right_to_left(figure, locale)
        return figure

    bars.sort(key=lambda bar: (bar["high"], bar["low"]))
    positives = [number for bar in bars for number in (bar["low"], bar["high"]) if number > 0]
    log_scale = bool(positives) and max(positives) / min(positives) > LOG_SCALE_SPREAD
    # A log axis has no zero: bars start just below the smallest positive value instead.
    floor = min(positives) / 2 if log_scale else 0.0
    units = {bar["unit"] for bar in bars}
    positions = list(range(len(bars)))
    for position, bar in zip(positions, bars):
        low = max(bar["low"], floor) if bar["is_range"] else floor
        high = max(bar["high"], floor)
        axes.barh(position, high - low, left=low, height=0.6, color=VALUE_TYPE_COLORS.get(bar["value_type"], BAR_COLOR))
        text = _number_label(bar, babel_locale, show_unit=len(units) > 1)
        axes.text(
            high * (1.06 if log_scale else 1) + (0 if log_scale else _label_gap(bars)),
            position,
            text,
            va="center",
            fontproperties=fonts.small,
        )
    axes.set_yticks(positions, [_wrap(bar["jurisdiction"], 30) for bar in bars], fontproperties=fonts.label)
    axes.tick_params(axis="y", length=0)
    if log_scale:
        axes.set_xscale("log")
        axes.set_xlim(floor, max(positives) * 8)
        axes.xaxis.set_minor_formatter(NullFormatter())
    else:
        top = max(bar["high"] for bar in bars) or 1
        axes.set_xlim(0, top * 1.3)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda number, _pos: format_decimal(number, locale=babel_locale)))
    for label in axes.get_xticklabels():
        label.set_fontproperties(fonts.small)
    axes.set_xlabel(
        _("Threshold value ({unit})").format(unit=next(iter(units)))
        if len(units) == 1 and next(iter(units))
        else _("Threshold value"),
        fontproperties=fonts.label,
    )
    axes.spines[["top", "right"]].set_visible(False)
    present_types = [
        value_type for value_type in VALUE_TYPE_COLORS if any(bar["value_type"] == value_type for bar in bars)
    ]
    handles = [
        Patch(color=VALUE_TYPE_COLORS[value_type], label=value_type_label(value_type, tr))
        for value_type in present_types
    ]
    if any(bar["value_type"] not in VALUE_TYPE_COLORS for bar in bars) and (handles or tier_name):
        handles.append(Patch(color=BAR_COLOR, label=_("Other value types") if handles else tier_name))
    if handles:
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=min(len(handles), 4),
            prop=fonts.small,
            frameon=False,
            title=tier_name,
            title_fontproperties=fonts.small,
        )
    _right_to_left(figure, locale)
    return figure


def value_type_label(value_type: str, tr) -> str:
    """The kind of threshold value in the coordinator's language (unknown kinds are shown as they are)."""
    _ = tr.gettext
    labels = {
        "screening": _("Screening value"),
        "guideline": _("Guideline value"),
        "intervention": _("Intervention value"),
        "limit": _("Limit value"),
        "background": _("Background value"),
    }
    return labels.get(value_type, value_type)


# ---------------------------------------------------------------- helpers


class _Fonts:
    """Font properties for each text role, all with the same fallback family list."""

    def __init__(self, families: list[str]):
        self.title = FontProperties(family=families, size=14, weight="bold")
        self.heading = FontProperties(family=families, size=12, weight="bold")
        self.label = FontProperties(family=families, size=10)
        self.small = FontProperties(family=families, size=9)


def _fonts() -> _Fonts:
    return _Fonts(list(available_font_families()))


def _babel_locale(locale: str | None) -> Locale:
    try:
        return Locale.parse((locale or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def _wrap(text: str, width: int) -> str:
    # textwrap only breaks at spaces, so Chinese labels stay on one line (they are short anyway).
    return "\n".join(textwrap.wrap(text, width)) or text


def _percent_axis(axes, positions: list[int], labels: list[str], babel_locale: Locale, fonts: _Fonts) -> None:
    axes.set_xlim(0, 118)  # room for the "n of m" notes right of a full bar
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda number, _pos: format_percent(number / 100, locale=babel_locale))
    )
    for label in axes.get_xticklabels():
        label.set_fontproperties(fonts.small)
    axes.set_yticks(positions, labels, fontproperties=fonts.label)
    axes.set_ylim(max(len(positions), 1) - 0.5, -0.5)  # first row on top; one empty row when there is none
    axes.tick_params(axis="y", length=0)
    axes.spines[["top", "right"]].set_visible(False)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _comparison_bar(row: dict[str, Any]) -> dict[str, Any] | None:
    value, low, high = (_as_number(row.get(key)) for key in ("value", "value_min", "value_max"))
    is_range = low is not None and high is not None and high != low
    if is_range:
        low, high = min(low, high), max(low, high)
    elif value is not None:
        low = high = value
    elif low is not None or high is not None:
        low = high = low if low is not None else high
    else:
        return None
    return {
        "jurisdiction": str(row.get("jurisdiction") or "?"),
        "low": low,
        "high": high,
        "is_range": is_range,
        "unit": str(row.get("unit") or ""),
        "value_type": str(row.get("value_type") or ""),
    }


def _number_label(bar: dict[str, Any], babel_locale: Locale, show_unit: bool) -> str:
    text = format_decimal(bar["high"], locale=babel_locale)
    if bar["is_range"]:
        text = f"{format_decimal(bar['low'], locale=babel_locale)}–{text}"
    return f"{text} {bar['unit']}" if show_unit and bar["unit"] else text


def _label_gap(bars: list[dict[str, Any]]) -> float:
    return max(bar["high"] for bar in bars) * 0.01


def _title_side(locale: str | None) -> str:
    return "right" if is_rtl(locale) else "left"


def _right_to_left(figure: Figure, locale: str | None) -> None:
    """Mirror a chart for a right-to-left language: names on the right axis, bars growing leftwards, titles right.

    Applied to a finished figure: left-aligned notes at the bar ends become right-aligned, the left and
    right spines swap, and a legend moves to the other side (titles take `_title_side`).
    """
    if not is_rtl(locale):
        return
    for axes in figure.axes:
        if not axes.axison:
            continue
        axes.invert_xaxis()
        axes.yaxis.tick_right()
        axes.yaxis.set_label_position("right")
        left, right = axes.spines["left"].get_visible(), axes.spines["right"].get_visible()
        axes.spines["left"].set_visible(right)
        axes.spines["right"].set_visible(left)
        for text in axes.texts:
            if text.get_transform() == axes.transData and text.get_horizontalalignment() == "left":
                text.set_horizontalalignment("right")
        legend = axes.get_legend()
        if legend is not None:
            legend.set_loc("upper left")


def _render_png(figure: Figure) -> bytes:
    # catch_warnings swaps the process-wide filters; concurrent renders in threads may briefly see each other's.
    buffer = io.BytesIO()
    canvas = FigureCanvasAgg(figure)
    with warnings.catch_warnings():
        # Without a CJK font Chinese glyphs come out as boxes; the chart is still worth sending.
        warnings.filterwarnings("ignore", message=r"(?s).*Glyph .* missing from", category=UserWarning)
        canvas.print_png(buffer)
    figure.clear()
    return buffer.getvalue()
