"""Text in the page's copy of a chart (`charts.screen`): words wrapped to a phone's width, category labels of
bars and heatmaps wrapped, text beside bars kept to two lines with room made for it after the longest bar.

Pure: works on a figure's dict; no Streamlit.
"""

from __future__ import annotations

import base64
import math
import numbers
import re
import textwrap
from typing import Any

import numpy as np
import pandas as pd

# Sizes for a 390 px phone, where the page leaves a chart 358 px; chart text in Arial.
LABEL_CHARS = 24  # a line of a bar chart's category label
COLUMN_LABEL_CHARS = 16  # a line of a category label under an upright bar
HEATMAP_LABEL_CHARS = 14  # a line of a heatmap's row label: its columns need the width
HEATMAP_TEXT_SIZE = 11
BAR_TEXT_CHARS = 18  # text beside a bar up to this long keeps to one line, longer takes two
AXIS_TEXT_CHARS = 22  # a line of words at the axis in place of a bar ("fewer than 5 practices")
BAR_TEXT_SIZE = 12
CHAR_PX = 6.8  # width of a character of 12 px text, on average (for the room text needs)
TICK_GAP_PX = 60  # the least room between value ticks on a phone, so that their labels stay level
PHONE_PLOT_PX = 330  # a chart's width on a phone, less its right margin
DATE = re.compile(r"\d{4}-\d{2}")  # a date as Plotly's typed data holds it: not a category label


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken between words only (a longer word keeps its own line)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def two_lines(text: str) -> list[str]:
    """Text beside a bar: one line up to BAR_TEXT_CHARS characters, else two lines as even as the words allow."""
    if len(text) <= BAR_TEXT_CHARS:
        return [text]
    for width in range(max(BAR_TEXT_CHARS - 4, -(-len(text) // 2)), len(text) + 1):
        lines = wrap(text, width)
        if len(lines) <= 2:
            return lines
    return [text]


def join_lines(lines: list[str]) -> str:
    """Plotly lines, each but the last ending in a space so that the SVG text reads as the words did (the lines'
    text nodes are joined without a separator by a screen reader, or a search of the page's text)."""
    return " <br>".join(lines)


def widest_label_px(layout: dict[str, Any], data: list[dict[str, Any]]) -> float:
    """About how wide the widest category labels (y) of the bars, points or cells are on a phone."""
    widest = 0.0
    for trace in data:
        axis = layout.get(axis_name("y", trace.get("yaxis") or "y"), {})
        values = trace_values(trace, "y")
        if axis.get("ticktext"):
            width = max(_px(str(t)) for t in axis["ticktext"])
        elif values and all(
            isinstance(v, list) for v in values
        ):  # multicategory: a group, then a name
            width = sum(max((_px(str(v)) for v in level), default=0.0) for level in values) + 20
        else:
            width = max((_px(str(v)) for v in values if isinstance(v, str)), default=0.0)
        widest = max(widest, width)
    return widest


def bar_labels(layout: dict[str, Any], data: list[dict[str, Any]]) -> int:
    """Long category labels of horizontal bars wrapped, so that the labels leave the bars room; long text beside
    bars wrapped and set smaller, with room made for it after the longest bar. Returns the most lines a bar's
    row now holds."""
    lines = 1
    for trace in data:
        if _text_beside_bars(trace):
            xs = trace_values(trace, "x")
            texts = [
                _beside(t, xs[i] if i < len(xs) else None) if isinstance(t, str) else t
                for i, t in enumerate(trace_values(trace, "text"))
            ]
            trace["text"] = texts
            font = "outsidetextfont" if trace.get("type") == "bar" else "textfont"
            trace[font] = {**trace.get(font, {}), "size": BAR_TEXT_SIZE}
            lines = max([lines, *(str(t).count("<br>") + 1 for t in texts)])
        if trace.get("orientation") == "h" and trace.get("type") == "bar":
            lines = max(lines, _category_labels(layout, trace))
        elif trace.get("type") == "bar":  # upright bars: labels under them, wrapped not slanted
            _category_labels(layout, trace, COLUMN_LABEL_CHARS, "x")
    _text_room(layout, data)
    return lines


def _beside(text: str, x: Any) -> str:
    """Text beside a bar in at most two lines; words at the axis in place of a bar have the plot's width."""
    return join_lines(wrap(text, AXIS_TEXT_CHARS) if x == 0 else two_lines(text))


def heatmap_labels(layout: dict[str, Any], data: list[dict[str, Any]]) -> tuple[int, int]:
    """Tables of coloured cells: row labels wrapped, column labels upright (slanted ones run into each other
    when a phone leaves a column 20 pixels), cell text smaller. Returns the pixels the column labels need above
    the plot (0 unless they are on top) and the most lines a row label now takes."""
    room, lines = 0, 1
    for trace in data:
        if trace.get("type") != "heatmap":
            continue
        lines = max(lines, _category_labels(layout, trace, HEATMAP_LABEL_CHARS))
        trace["textfont"] = {**trace.get("textfont", {}), "size": HEATMAP_TEXT_SIZE}
        x_axis = layout.setdefault(axis_name("x", trace.get("xaxis") or "x"), {})
        x_axis["tickangle"] = -90
        if x_axis.get("side") == "top":
            longest = max((len(str(v)) for v in trace_values(trace, "x")), default=0)
            room = max(room, round(CHAR_PX * longest) + 16)
    return room, lines


def point_labels(data: list[dict[str, Any]]) -> None:
    """Names above points of a scatter turned inwards at the sides (above and to the left in the right third,
    to the right in the left third), so that a phone's narrow plot does not cut them off at its edges."""
    for trace in data:
        if trace.get("type") != "scatter" or trace.get("textposition") != "top center":
            continue
        if "markers" not in str(trace.get("mode", "")) or "text" not in str(trace.get("mode", "")):
            continue
        xs = [
            float(x) if isinstance(x, numbers.Real) else math.nan for x in trace_values(trace, "x")
        ]
        known = [x for x in xs if not math.isnan(x)]
        if len(known) < 2 or max(known) == min(known):
            continue
        low, span = min(known), max(known) - min(known)
        trace["textposition"] = [
            "top right"
            if (x - low) < span / 3
            else "top left"
            if (x - low) > 2 * span / 3
            else "top center"
            for x in xs
        ]


def _text_beside_bars(trace: dict[str, Any]) -> bool:
    """Text outside a horizontal bar, or text drawn to the right of a point (a bar's end or the axis)."""
    if isinstance(trace.get("text"), str) or trace.get("text") is None:
        return False
    if trace.get("type") == "bar":
        return trace.get("orientation") == "h" and trace.get("textposition") == "outside"
    return (
        trace.get("type") == "scatter"
        and trace.get("mode") == "text"
        and str(trace.get("textposition", "")).endswith("right")
    )


def _category_labels(
    layout: dict[str, Any], trace: dict[str, Any], width: int = LABEL_CHARS, letter: str = "y"
) -> int:
    """A trace's category labels (on its y axis, or x) wrapped at `width`; returns the most lines a label
    has."""
    values = [v for v in trace_values(trace, letter) if isinstance(v, str)]
    if not values or max(len(v) for v in values) <= width or all(DATE.match(v) for v in values):
        return 1
    spec = layout.setdefault(axis_name(letter, trace.get(f"{letter}axis") or letter), {})
    if spec.get("type") in ("date", "linear", "log"):
        return 1
    if spec.get("tickmode") == "array":
        return 1
    known = list(dict.fromkeys([*spec.get("tickvals", []), *values]))
    labels = [join_lines(wrap(v, width)) for v in known]
    spec.update(tickmode="array", tickvals=known, ticktext=labels)
    return max(label.count("<br>") + 1 for label in labels)


def _text_room(layout: dict[str, Any], data: list[dict[str, Any]]) -> None:
    """Each x axis with text beside its bars reaches far enough that on a phone each text fits after its bar
    (on a wide screen the bars are then shorter than they need be, and still plain to compare)."""
    beside = [t for t in data if _text_beside_bars(t)]
    label_px: dict[str, float] = {}  # x axis: the widest category label beside its plot
    for trace in beside:
        y_axis = layout.get(axis_name("y", trace.get("yaxis") or "y"), {})
        labels = [str(t) for t in y_axis.get("ticktext", [])] or [
            str(v) for v in trace_values(trace, "y")
        ]
        axis = axis_name("x", trace.get("xaxis") or "x")
        label_px[axis] = max([label_px.get(axis, 0.0), *(_px(label) for label in labels)])
    needed: dict[str, float] = {}  # x axis: the range end each text needs, at most
    phone_px: dict[str, float] = {}  # x axis: its width on a phone, about
    for trace in beside:
        axis = axis_name("x", trace.get("xaxis") or "x")
        width = phone_px[axis] = max(PHONE_PLOT_PX - label_px[axis], 100.0)
        for x, text in zip(trace_values(trace, "x"), trace_values(trace, "text"), strict=False):
            if isinstance(x, numbers.Real) and float(x) > 0 and text:
                end = float(x) * width / (width - min(_px(str(text)), 0.75 * width))
                needed[axis] = max(needed.get(axis, 0.0), end)
    for axis, end in needed.items():
        spec = layout.setdefault(axis, {})
        if spec.get("type") in ("date", "category", "log"):
            continue
        low, high = spec.get("range") or (0, 0)
        if end > high:
            spec["range"] = [low, end]
            spec["autorange"] = False
            if not spec.get("tickvals") and not spec.get("tickformat"):
                top = max(high, _largest_bar(beside, axis))
                _ticks_to(spec, low, top, room_px=phone_px[axis] * (top - low) / (end - low))
        _fewer_ticks(spec)
    for axis in {axis_name("x", t.get("xaxis") or "x") for t in beside}:
        on_axis = [t for t in beside if axis_name("x", t.get("xaxis") or "x") == axis]
        _date_room(layout.setdefault(axis, {}), on_axis, max(PHONE_PLOT_PX - label_px[axis], 100.0))


def _largest_bar(traces: list[dict[str, Any]], axis: str) -> float:
    """The largest value drawn on x axis `axis` by `traces`."""
    values = [
        float(x)
        for t in traces
        if axis_name("x", t.get("xaxis") or "x") == axis
        for x in trace_values(t, "x")
        if isinstance(x, numbers.Real) and not math.isnan(x)
    ]
    return max(values, default=0.0)


def _ticks_to(spec: dict[str, Any], low: float, high: float, room_px: float) -> None:
    """Ticks to the plotted values, not into the room made for text after them (`room_px` wide on a phone:
    the two ends only where the steps between would crowd it); labelled as Plotly would (its tick suffix is
    not applied to ticks given as values)."""
    values = nice_ticks(low, high)
    if len(values) > 2 and room_px / (len(values) - 1) < TICK_GAP_PX:
        values = [values[0], values[-1]]
    spec["tickvals"] = values
    spec["ticktext"] = [
        f"{spec.get('tickprefix', '')}{v:,g}{spec.get('ticksuffix', '')}" for v in values
    ]


def nice_ticks(low: float, high: float) -> list[float]:
    """Ticks from `low` to `high` at a round step (1, 2, 2.5 or 5 times a power of ten), at most five."""
    span = high - low
    if span <= 0:
        return [low]
    power = 10.0 ** math.floor(math.log10(span / 4))
    step = next(power * m for m in (1, 2, 2.5, 5, 10) if span / (power * m) <= 4)
    count = math.floor(span / step + 1e-9)
    return [round(low + i * step, 10) for i in range(count + 1)]


def _date_room(spec: dict[str, Any], traces: list[dict[str, Any]], width: float) -> None:
    """The same on a date axis (`spec`), for bars from a date (`base`) lasting `x` milliseconds: a timeline."""
    if spec.get("type") != "date" or spec.get("range"):
        return
    starts, ends, texts = [], [], []
    for trace in traces:
        begin = pd.to_datetime(
            pd.Series(trace_values(trace, "base"), dtype="object"), errors="coerce"
        )
        length = pd.to_timedelta(pd.Series(trace_values(trace, "x"), dtype="float64"), unit="ms")
        if len(begin) != len(length) or len(length) != len(trace_values(trace, "text")):
            return
        starts += begin.tolist()
        ends += (begin + length).tolist()
        texts += [str(t) for t in trace_values(trace, "text")]
    known = [
        (s, e, t)
        for s, e, t in zip(starts, ends, texts, strict=True)
        if pd.notna(s) and pd.notna(e)
    ]
    if not known:
        return
    first = min(s for s, _, _ in known)
    last = max(e for _, e, _ in known)
    needed = max(
        first + (e - first) * width / (width - min(_px(t), 0.75 * width)) for _, e, t in known
    )
    pad = (last - first) * 0.02
    spec.update(
        range=[(first - pad).isoformat(), max(needed, last + pad).isoformat()], autorange=False
    )


def _px(text: str) -> float:
    """The width of text's longest line at 12 px, about."""
    return CHAR_PX * max(len(line) for line in text.split("<br>"))


def _fewer_ticks(spec: dict[str, Any]) -> None:
    """Value ticks the builder chose (tickvals), five or more: the first, the last and the one nearest halfway,
    so that they do not crowd the little width a phone leaves beside the labels."""
    values, texts = list(spec.get("tickvals") or []), list(spec.get("ticktext") or [])
    numeric = all(isinstance(v, numbers.Real) for v in values)
    if len(values) < 5 or not numeric or (texts and len(texts) != len(values)):
        return
    middle = min(range(len(values)), key=lambda i: abs(values[i] - (values[0] + values[-1]) / 2))
    keep = [0, middle, len(values) - 1]
    spec["tickvals"] = [values[i] for i in keep]
    if texts:
        spec["ticktext"] = [texts[i] for i in keep]


def trace_values(trace: dict[str, Any], key: str) -> list[Any]:
    """A trace's array as a list: a figure's dict holds numeric arrays as typed arrays (base64 and a dtype)."""
    value = trace.get(key)
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return [] if value is None or isinstance(value, str) else list(value)


def axis_name(letter: str, ref: str) -> str:
    """'y' -> 'yaxis', 'y2' -> 'yaxis2'."""
    return f"{letter}axis{ref[1:]}"
