"""Our own small SVG charts for the console: no chart library, nothing fetched from outside.

The geometry is computed here, in user units of a fixed ``viewBox``; the template
``_chart.html`` draws it as inline ``<svg class="chart">``, which the stylesheet scales to the
width of its card (``svg.chart { width: 100% }``).  Each bar and column carries a ``<title>``
(its label and value, read by screen readers and shown on hover) and each chart can be read as
a plain table under it, so no figure lives only in a picture.

* :func:`bar_chart` — horizontal bars, one per ``(label, value)`` (categories, statuses).
* :func:`column_chart` — columns over time, one per ``(period label, value)``.
* :func:`inline_bar` — the width, in percent, of a small bar inside a table row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

BARS_WIDTH = 340.0
"""Width of a bar chart's viewBox (drawn in a card of the dashboard's grid, ~300 px wide)."""
COLUMNS_WIDTH = 960.0
"""Width of a column chart's viewBox (drawn across the page); the page scales both."""
FONT = 12.0
"""Label font size in user units (``svg.chart text`` in console.css)."""


def text_width(text: str) -> float:
    """About how wide ``text`` is at :data:`FONT`: a CJK character is square, Latin half."""
    return sum(FONT if ord(c) >= 0x2E80 else FONT * 0.6 for c in text)


def clip(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` (the full text stays in the title)."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def number(value: float | int | Decimal) -> str:
    """A value as shown on a chart: whole numbers without decimals, thousands grouped."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{float(value):,.2f}".rstrip("0")


def nice_max(value: float) -> float:
    """The axis top for ``value``: 1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Bar:
    """One bar (or column): its label, value and box in user units."""

    label: str
    value: float
    shown: str
    x: float
    y: float
    width: float
    height: float
    tick: str = ""  # the label drawn under a column ("" when skipped to avoid crowding)


@dataclass(frozen=True)
class Chart:
    """A chart ready to draw: title, bars, viewBox size and label geometry."""

    kind: str  # "bars" or "columns"
    title: str
    value_label: str
    bars: tuple[Bar, ...]
    width: float
    height: float
    label_width: float = 0.0
    axis_top: float = 0.0
    plot_top: float = 0.0
    plot_bottom: float = 0.0
    gridlines: tuple[tuple[float, str], ...] = ()  # (y, value label)

    @property
    def empty(self) -> bool:
        return not self.bars or all(b.value == 0 for b in self.bars)


ROW = 22.0
BAR = 15.0
PAD = 6.0


def bar_chart(title: str, items: Sequence[tuple[str, float | int | Decimal]],
              value_label: str = "") -> Chart:
    """Horizontal bars, one row per ``(label, value)`` in the given order: label on the left,
    the bar scaled to the largest value, the value at its end."""
    longest = max((text_width(label) for label, _ in items), default=0.0)
    label_width = round(min(max(longest, 2 * FONT), 10 * FONT) + PAD, 2)
    value_width = max((text_width(number(v)) for _, v in items), default=FONT) + PAD
    room = BARS_WIDTH - label_width - value_width - PAD
    top = max((float(v) for _, v in items), default=0.0) or 1.0
    bars = tuple(
        Bar(label=label, value=float(value), shown=number(value), x=label_width,
            y=PAD + i * ROW, width=round(room * float(value) / top, 2), height=BAR,
            tick=clip(label, label_width - PAD))
        for i, (label, value) in enumerate(items))
    return Chart("bars", title, value_label, bars, BARS_WIDTH,
                 height=2 * PAD + max(len(bars), 1) * ROW, label_width=label_width)


def column_chart(title: str, items: Sequence[tuple[str, float | int | Decimal]],
                 value_label: str = "", ticks: Sequence[str] | None = None) -> Chart:
    """Columns over time, one per ``(period label, value)`` in time order, on a value axis
    with gridlines; under the columns the period labels (or shorter ``ticks``, one per item),
    thinned so they never overlap."""
    ticks = [label for label, _ in items] if ticks is None else list(ticks)
    height, bottom_room = 220.0, 2 * FONT + PAD
    axis = nice_max(max((float(v) for _, v in items), default=0.0))
    fractions = (0.0, 0.5, 1.0)
    left = round(max(max(text_width(number(axis * f)) for f in fractions), FONT) + 2 * PAD, 2)
    plot_top, plot_bottom = PAD + FONT / 2, height - bottom_room
    widest = max((text_width(tick) for tick in ticks), default=0.0) + PAD
    room = COLUMNS_WIDTH - left - PAD - widest / 2  # room for the last tick's overhang
    slot = room / max(len(items), 1)
    every = max(1, math.ceil(widest / slot))
    bars = []
    for i, (label, value) in enumerate(items):
        tall = (plot_bottom - plot_top) * float(value) / axis
        bars.append(Bar(label=label, value=float(value), shown=number(value),
                        x=round(left + i * slot + slot * 0.12, 2),
                        y=round(plot_bottom - tall, 2), width=round(slot * 0.76, 2),
                        height=round(tall, 2), tick=ticks[i] if i % every == 0 else ""))
    grid = tuple((round(plot_bottom - (plot_bottom - plot_top) * f, 2), number(axis * f))
                 for f in fractions)
    return Chart("columns", title, value_label, tuple(bars), COLUMNS_WIDTH, height,
                 label_width=left,
                 axis_top=axis, plot_top=plot_top, plot_bottom=plot_bottom, gridlines=grid)


def inline_bar(value: float | int | Decimal, top: float | int | Decimal) -> float:
    """The width in percent (0–100) of a table row's bar for ``value`` out of ``top``."""
    return round(100.0 * float(value) / float(top), 1) if top else 0.0
