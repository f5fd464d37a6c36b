"""A long bar chart on screen, shortened: the rows with the 10 highest and the 10 lowest values of its first
bar series (top and bottom 10 ICBs or cohorts), kept in the chart's own order, the rows between left out
(issue #13: pages of 6 to 15 screens).

Only horizontal bar charts of named categories are shortened: not time series or other charts of numbers
(an SPC chart is never thinned), not Gantt bars (a `base`: their length is not a ranking), not charts of
several panels. Pure: a Plotly figure in, a new figure out (or None when there is nothing to shorten). The
chart's data table, downloads and slides keep every row: only the screen figure is trimmed.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

KEEP = 10  # rows kept at each end
LONG = 2 * KEEP + 5  # a chart with more rows than this on an axis is trimmed
ROW_TYPES = {"bar", "scatter"}
FIXED_PX = 200  # title, axis and legend: the part of the height that does not grow with rows


def _axis(trace: Any) -> str:
    return trace.yaxis or "y"


def _categories(figure: go.Figure) -> dict[str, list[str]]:
    """Each y axis's categories in the order drawn (its category array if it has one)."""
    found: dict[str, list[str]] = {}
    for trace in figure.data:
        if trace.y is None:
            continue
        seen = found.setdefault(_axis(trace), [])
        seen.extend(str(y) for y in trace.y if str(y) not in seen)
    for axis in found:
        order = figure.layout.to_plotly_json().get(f"yaxis{axis[1:]}", {}).get("categoryarray")
        if order is not None:
            found[axis] = [str(c) for c in order]
    return found


def _ranked_bar(figure: go.Figure) -> Any | None:
    """The first horizontal bar series, when the chart is bars (and markers) of named categories in rows."""
    if not figure.data or any(trace.type not in ROW_TYPES for trace in figure.data):
        return None
    bars = [trace for trace in figure.data if trace.type == "bar"]
    if not bars or any(bar.orientation != "h" or bar.base is not None for bar in bars):
        return None
    if any(_is_number(y) for trace in figure.data if trace.y is not None for y in trace.y):
        return None  # rows of numbers (a histogram, a series over time): not categories
    return bars[0]


def _is_number(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def rows(figure: go.Figure) -> int:
    """The number of rows of a chart that may be shortened (0 for any other figure)."""
    if _ranked_bar(figure) is None:
        return 0
    categories = _categories(figure)
    if (
        len(categories) != 1
    ):  # panels side by side or stacked: their domains are fixed, trimming breaks them
        return 0
    return max((len(c) for c in categories.values()), default=0)


def _kept(figure: go.Figure, categories: list[str]) -> set[str]:
    """The categories with the KEEP highest and KEEP lowest values of the first bar series (rows without a
    value, such as suppressed ones, are neither)."""
    bar = _ranked_bar(figure)
    if bar is None or len(categories) <= LONG:
        return set(categories)
    values = {
        str(y): float(x)
        for y, x in zip(bar.y, bar.x, strict=False)
        if x is not None and _is_number(x) and float(x) == float(x)
    }
    ranked = sorted(values, key=values.__getitem__)
    return set(ranked[:KEEP]) | set(ranked[-KEEP:])


def _trimmed_trace(trace: Any, kept: set[str]) -> dict[str, Any]:
    """The trace's points on kept rows: every per-point array filtered alike."""
    spec = trace.to_plotly_json()
    keep = [i for i, y in enumerate(trace.y) if str(y) in kept]
    size = len(trace.y)
    for name, value in list(spec.items()):
        if isinstance(value, list | tuple) and len(value) == size:
            spec[name] = [value[i] for i in keep]
        elif hasattr(value, "__len__") and not isinstance(value, str | dict) and len(value) == size:
            spec[name] = [list(value)[i] for i in keep]
    marker = spec.get("marker") or {}
    for name, value in list(marker.items()):
        if isinstance(value, list | tuple) and len(value) == size:
            marker[name] = [value[i] for i in keep]
    return spec


def top_and_bottom(figure: go.Figure) -> go.Figure | None:
    """The figure with the rows of the KEEP highest and lowest values, or None if it is not long."""
    longest = rows(figure)
    if longest <= LONG:
        return None
    categories = _categories(figure)
    kept = {axis: _kept(figure, c) for axis, c in categories.items()}
    traces = [
        _trimmed_trace(t, kept[_axis(t)]) if t.y is not None else t.to_plotly_json()
        for t in figure.data
    ]
    trimmed = go.Figure(data=traces, layout=figure.layout)
    for axis, names in categories.items():
        layout_axis = trimmed.layout[f"yaxis{axis[1:]}"]
        if layout_axis.categoryarray is not None:
            layout_axis.categoryarray = [c for c in names if c in kept[axis]]
    if figure.layout.height:
        after = max(len(k) for k in kept.values())
        per_row = max(figure.layout.height - FIXED_PX, 0) / longest
        trimmed.layout.height = int(FIXED_PX + per_row * after)
    return trimmed
