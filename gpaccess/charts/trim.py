"""A long bar chart on screen, shortened: its first and last rows on each axis (top and bottom 10 ICBs or
cohorts, in the chart's own order), the rows between left out (issue #13: pages of 6 to 15 screens).

Pure: a Plotly figure in, a new figure out (or None when the figure is not a chart of categories in rows on one
axis, or is short enough: charts of several panels are left whole). The chart's data table, downloads and slides keep every row: only the screen figure is trimmed.
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


def rows(figure: go.Figure) -> int:
    """The longest axis's number of rows (0 for a figure that is not rows of categories)."""
    if not figure.data or any(trace.type not in ROW_TYPES for trace in figure.data):
        return 0
    if any(
        trace.type == "bar" and trace.orientation != "h" for trace in figure.data
    ):  # columns, not rows
        return 0
    categories = _categories(figure)
    if (
        len(categories) != 1
    ):  # panels side by side or stacked: their domains are fixed, trimming breaks them
        return 0
    return max((len(c) for c in categories.values()), default=0)


def _kept(categories: list[str]) -> set[str]:
    if len(categories) <= LONG:
        return set(categories)
    return set(categories[:KEEP]) | set(categories[-KEEP:])


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
    """The figure with the first and last KEEP rows of each long axis, or None if no axis is long."""
    longest = rows(figure)
    if longest <= LONG:
        return None
    categories = _categories(figure)
    kept = {axis: _kept(c) for axis, c in categories.items()}
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
