"""The comparison chart as inline SVG, drawn on the server: no script, no image request, text stays text."""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

ROW_HEIGHT = 26
LABEL_WIDTH = 240
BAR_WIDTH = 420
VALUE_WIDTH = 150
# Above this spread between the smallest and the largest value the axis is logarithmic, so small values stay visible.
LOG_SPREAD = 100.0


def _top(row: dict[str, Any]) -> float | None:
    value = row.get("value")
    value = value if value is not None else row.get("value_max")
    return value if isinstance(value, (int, float)) and math.isfinite(value) and value > 0 else None


def comparison_svg(rows: list[dict[str, Any]], title: str, rtl: bool = False) -> Markup:
    """Horizontal bars, one per jurisdiction (`label`, `value` or `value_max`, `amount` text), lowest first."""
    bars = [(row, _top(row)) for row in rows]
    bars = [(row, value) for row, value in bars if value is not None]
    if not bars:
        return Markup("")
    values = [value for _, value in bars]
    low, high = min(values), max(values)
    logarithmic = high / low > LOG_SPREAD
    if logarithmic:
        floor = math.floor(math.log10(low))
        span = max(math.ceil(math.log10(high)) - floor, 1)

        def length(value: float) -> float:
            return max(2.0, BAR_WIDTH * (math.log10(value) - floor) / span)
    else:

        def length(value: float) -> float:
            return max(2.0, BAR_WIDTH * value / high)

    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW_HEIGHT * len(bars) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" direction="ltr" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for position, (row, value) in enumerate(bars):
        y = 5 + position * ROW_HEIGHT
        bar = length(value)
        if rtl:
            # Right to left: names on the right, bars growing leftwards (coordinates read left to right:
            # the SVG itself is direction="ltr", each text keeps its own script's direction).
            label_x, anchor = width - 6, "end"
            bar_x = width - LABEL_WIDTH - bar
            value_x, value_anchor = bar_x - 6, "end"
        else:
            label_x, anchor = LABEL_WIDTH - 6, "end"
            bar_x = LABEL_WIDTH
            value_x, value_anchor = LABEL_WIDTH + bar + 6, "start"
        parts.append(f'<text x="{label_x:.0f}" y="{y + 17}" text-anchor="{anchor}">{escape(row["label"])}</text>')
        parts.append(
            f'<rect x="{bar_x:.1f}" y="{y + 4}" width="{bar:.1f}" height="{ROW_HEIGHT - 8}" class="bar">'
            f"<title>{escape(row['label'])}: {escape(row['amount'])}</title></rect>"
        )
        parts.append(
            f'<text x="{value_x:.1f}" y="{y + 17}" text-anchor="{value_anchor}" class="value">'
            f"{escape(row['amount'])}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
