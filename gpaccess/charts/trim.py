"""A long bar chart on screen, shortened: the rows with the 10 highest and the 10 lowest values of its first
bar series (top and bottom 10 ICBs or cohorts), kept in the chart's own order, the rows between left out
(issue #13: pages of 6 to 15 screens).

Only horizontal bar charts of named categories are shortened: not time series or other charts of numbers
(an SPC chart is never thinned), not Gantt bars (a `base`: their length is not a ranking), not stacked bars
(parts of a whole); stacked panels each lose rows on their own; panels side by side on the same rows keep the
same rows, ranked on the first panel. Pure: a Plotly figure in, a new figure out (or None when there is nothing to shorten). The
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


def _bars(figure: go.Figure) -> dict[str, Any]:
    """Each y axis's first horizontal bar series, when the chart is bars (and markers) of named categories in
    rows; empty for any other chart."""
    if not figure.data or any(trace.type not in ROW_TYPES for trace in figure.data):
        return {}
    bars = [trace for trace in figure.data if trace.type == "bar"]
    if not bars or any(bar.orientation != "h" or bar.base is not None for bar in bars):
        return {}
    if figure.layout.barmode in ("stack", "relative") and not ranks_by_total(figure):
        return {}  # parts of a whole (practices by status): the first part's size ranks nothing
    if any(_is_number(y) for trace in figure.data if trace.y is not None for y in trace.y):
        return {}  # rows of numbers (a histogram, a series over time): not categories
    first: dict[str, Any] = {}
    for bar in bars:
        first.setdefault(_axis(bar), bar)
    return first


def ranks_by_total(figure: go.Figure) -> bool:
    """Stacked bars whose whole ranks the rows (practices reached per ICB), as the chart says with
    `layout.meta = {"trim": "total"}` (TRIM_BY_TOTAL): shortened to the rows of the highest and lowest totals."""
    meta = figure.layout.meta
    return isinstance(meta, dict) and meta.get("trim") == "total"


TRIM_BY_TOTAL = {"trim": "total"}


def _is_number(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def _domain(figure: go.Figure, axis: str) -> tuple[float, float]:
    domain = figure.layout.to_plotly_json().get(f"yaxis{axis[1:]}", {}).get("domain")
    return (0.0, 1.0) if domain is None else (float(domain[0]), float(domain[1]))


def _stacked(figure: go.Figure, axes: list[str]) -> bool:
    """Whether the panels sit one above another (no two share a height): each can lose rows on its own.
    Panels side by side are not: they share their rows (`shares_rows`)."""
    spans = sorted(_domain(figure, axis) for axis in axes)
    return all(low[1] <= high[0] + 1e-9 for low, high in zip(spans, spans[1:], strict=False))


def rows(figure: go.Figure) -> int:
    """The number of rows of a chart that may be shortened: its longest panel's (0 for any other figure)."""
    bars = _bars(figure)
    if not bars:
        return 0
    categories = _categories(figure)
    if set(categories) != set(bars):
        return 0
    if not _stacked(figure, list(categories)) and not shares_rows(figure):
        return 0
    return max((len(c) for c in categories.values()), default=0)


def shares_rows(figure: go.Figure) -> bool:
    """Whether the chart is panels side by side on the same rows (an ICB's two programmes): shortened, they
    keep the same rows, those with the 10 highest and lowest values in the first panel."""
    if not _bars(figure):
        return False
    categories = _categories(figure)
    if len(categories) < 2 or _stacked(figure, list(categories)):
        return False
    first, *others = (set(names) for names in categories.values())
    return all(names == first for names in others)


def _row_values(figure: go.Figure, bar: Any) -> dict[str, float]:
    """Each row's value: the panel's first bar series, or the whole of its stacked bars (`ranks_by_total`).
    Rows without a value (suppressed ones) are left out."""
    stacked = ranks_by_total(figure)
    parts = (
        [t for t in figure.data if t.type == "bar" and _axis(t) == _axis(bar)] if stacked else [bar]
    )
    values: dict[str, float] = {}
    for part in parts:
        for y, x in zip(part.y, part.x, strict=False):
            if x is not None and _is_number(x) and float(x) == float(x):
                values[str(y)] = values.get(str(y), 0.0) + float(x)
    return values


def _kept(figure: go.Figure, bar: Any, categories: list[str]) -> list[str]:
    """The categories with the KEEP highest and KEEP lowest values (`_row_values`), in the chart's order
    (rows without a value, such as suppressed ones, are neither)."""
    if len(categories) <= LONG:
        return categories
    values = _row_values(figure, bar)
    ranked = sorted(values, key=values.__getitem__)
    kept = set(ranked[:KEEP]) | set(ranked[-KEEP:])
    return [c for c in categories if c in kept]


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
    """The figure with each long panel's rows of the KEEP highest and lowest values, or None if none is long.
    Stacked panels keep their order and gaps, each given height in proportion to the rows it keeps; their
    titles move with them."""
    if rows(figure) <= LONG:
        return None
    bars, categories = _bars(figure), _categories(figure)
    kept = {axis: _kept(figure, bars[axis], names) for axis, names in categories.items()}
    if shares_rows(figure):
        first = _axis(next(trace for trace in figure.data if trace.type == "bar"))
        chosen = set(kept[first])
        kept = {axis: [c for c in names if c in chosen] for axis, names in categories.items()}
    traces = [
        _trimmed_trace(t, set(kept[_axis(t)])) if t.y is not None else t.to_plotly_json()
        for t in figure.data
    ]
    trimmed = go.Figure(data=traces, layout=figure.layout)
    for axis in categories:
        layout_axis = trimmed.layout[f"yaxis{axis[1:]}"]
        if layout_axis.categoryarray is not None:
            layout_axis.categoryarray = kept[axis]
    before = _height_rows(figure, categories)
    after = _height_rows(figure, kept)
    if len(categories) > 1 and not shares_rows(figure):
        _restack(figure, trimmed, {axis: len(kept[axis]) for axis in categories})
    if figure.layout.height:
        per_row = max(figure.layout.height - FIXED_PX, 0) / before
        trimmed.layout.height = int(FIXED_PX + per_row * after)
    return trimmed


def _height_rows(figure: go.Figure, categories: dict[str, list[str]]) -> int:
    """The rows the chart's height grows with: every stacked panel's, or the shared rows of side-by-side ones."""
    if shares_rows(figure):
        return max(len(names) for names in categories.values())
    return sum(len(names) for names in categories.values())


def _restack(figure: go.Figure, trimmed: go.Figure, counts: dict[str, int]) -> None:
    """New heights for stacked panels, in proportion to their rows, the gaps between them kept; a panel's
    title (an annotation at its top) moved with it."""
    order = sorted(counts, key=lambda axis: -_domain(figure, axis)[1])  # top panel first
    spans = [_domain(figure, axis) for axis in order]
    gaps = [upper[0] - lower[1] for upper, lower in zip(spans, spans[1:], strict=False)]
    room = (spans[0][1] - spans[-1][0]) - sum(gaps)
    total = sum(counts.values()) or 1
    top = spans[0][1]
    moved: dict[float, float] = {}
    for i, axis in enumerate(order):
        height = room * counts[axis] / total
        low = spans[-1][0] if i == len(order) - 1 else top - height  # no rounding below the bottom
        trimmed.layout[f"yaxis{axis[1:]}"].domain = [max(low, 0.0), min(top, 1.0)]
        moved[round(spans[i][1], 6)] = top
        top -= height + (gaps[i] if i < len(gaps) else 0.0)
    for note in trimmed.layout.annotations:
        if note.yref == "paper" and note.y is not None and round(float(note.y), 6) in moved:
            note.y = moved[round(float(note.y), 6)]
