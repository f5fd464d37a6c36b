"""Long charts of rows on screen: the rows with the 10 highest and 10 lowest values, in the chart's order, every
point of a kept row kept (bars, labels, markers alike); short charts, columns, series over time and Gantt bars
left alone."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from gpaccess.charts.board import CLEAR_OF_MARKER, clear_of_marker
from gpaccess.charts.trim import KEEP, LONG, TRIM_BY_TOTAL, rows, top_and_bottom


def long_figure(n: int = 42) -> go.Figure:
    names = [f"ICB {i:02d}" for i in range(n)]
    values = list(range(n))
    return go.Figure(
        [
            go.Bar(y=names, x=values, orientation="h", text=[str(v) for v in values]),
            go.Scatter(
                y=names, x=[v + 1 for v in values], mode="markers", marker={"color": ["red"] * n}
            ),
        ],
        layout={"height": 200 + 26 * n},
    )


def test_a_long_chart_keeps_its_ten_highest_and_lowest_rows():
    figure = long_figure()
    trimmed = top_and_bottom(figure)
    assert trimmed is not None
    want = [f"ICB {i:02d}" for i in [*range(KEEP), *range(42 - KEEP, 42)]]
    for trace in trimmed.data:
        assert list(trace.y) == want
    bar, marker = trimmed.data
    assert list(bar.x) == [int(name[-2:]) for name in want]  # each value stays with its row
    assert list(bar.text) == [name[-2:].lstrip("0") or "0" for name in want]
    assert list(marker.x) == [int(name[-2:]) + 1 for name in want]
    assert len(marker.marker.color) == 2 * KEEP
    assert trimmed.layout.height == 200 + 26 * 2 * KEEP
    assert rows(figure) == 42 and len(figure.data[0].y) == 42  # the original is untouched


def test_short_charts_and_columns_are_left_alone():
    assert top_and_bottom(long_figure(LONG)) is None
    columns = go.Figure([go.Bar(x=[str(i) for i in range(60)], y=list(range(60)))])
    assert rows(columns) == 0 and top_and_bottom(columns) is None
    table = go.Figure([go.Table(cells={"values": [[1, 2]]})])
    assert top_and_bottom(table) is None


def test_labels_start_clear_of_the_plan_marker():
    assert clear_of_marker(["3.5 of 4", ""]) == [CLEAR_OF_MARKER + "3.5 of 4", ""]


def test_panels_side_by_side_on_other_rows_are_left_whole():
    figure = long_figure()
    figure.add_trace(
        go.Bar(y=[f"C{i}" for i in range(40)], x=list(range(40)), orientation="h", yaxis="y2")
    )
    assert top_and_bottom(figure) is None


def test_panels_side_by_side_on_the_same_rows_keep_the_rows_ranked_on_the_first_panel():
    names = [f"ICB {i:02d}" for i in range(42)]
    left = [(i * 7) % 42 for i in range(42)]  # a permutation: rank differs from position
    right = [41 - v for v in left]  # the reverse ranking: its own top 10 would be other rows
    figure = go.Figure(
        [
            go.Bar(y=names, x=left, orientation="h", xaxis="x", yaxis="y"),
            go.Bar(y=names, x=right, orientation="h", xaxis="x2", yaxis="y2"),
        ],
        layout={
            "height": 200 + 26 * 42,
            "xaxis": {"domain": [0, 0.45]},
            "xaxis2": {"domain": [0.55, 1]},
            "yaxis2": {"anchor": "x2", "matches": "y"},
        },
    )
    trimmed = top_and_bottom(figure)
    assert trimmed is not None and rows(figure) == 42
    ranked = sorted(range(42), key=lambda i: left[i])
    want = [names[i] for i in sorted([*ranked[:KEEP], *ranked[-KEEP:]])]
    assert [list(t.y) for t in trimmed.data] == [want, want]
    assert list(trimmed.data[1].x) == [right[names.index(n)] for n in want]
    assert trimmed.layout.height == 200 + 26 * 2 * KEEP


def test_rows_are_kept_by_value_not_by_position():
    """An alphabetical chart: the 10 highest and 10 lowest values are kept wherever they sit, in the chart's
    order (the first and last rows by name would be no ranking at all)."""
    names = [f"ICB {i:02d}" for i in range(42)]
    values = [(i * 17) % 42 for i in range(42)]  # a permutation of 0..41 in name order
    figure = go.Figure([go.Bar(y=names, x=values, orientation="h")])
    trimmed = top_and_bottom(figure)
    assert trimmed is not None
    kept = [v for v in trimmed.data[0].x]
    assert sorted(kept) == [*range(KEEP), *range(42 - KEEP, 42)]
    assert list(trimmed.data[0].y) == [n for n, v in zip(names, values, strict=True) if v in kept]


def test_series_over_time_and_gantt_bars_are_never_thinned():
    months = [f"2021-{m:02d}-01" for m in range(1, 13)] * 6
    series = go.Figure([go.Scatter(x=months, y=[50 + i / 10 for i in range(72)])])
    assert rows(series) == 0 and top_and_bottom(series) is None
    phases = [f"Phase {i}" for i in range(40)]
    gantt = go.Figure([go.Bar(y=phases, x=[30] * 40, base=list(range(40)), orientation="h")])
    assert top_and_bottom(gantt) is None


def test_stacked_panels_each_keep_their_ten_highest_and_lowest_and_their_share_of_the_height():
    """Two panels one above the other (as make_subplots stacks two programmes): 42 rows and 14 rows. The long
    one keeps 20, the short one all 14; each panel's height follows its rows, the gap between them stays, and
    each panel's title moves with its panel."""
    from plotly.subplots import make_subplots

    long_names = [f"ICB {i:02d}" for i in range(42)]
    short_names = [f"ICB {i:02d}" for i in range(14)]
    figure = make_subplots(
        rows=2,
        cols=1,
        row_heights=[42, 14],
        vertical_spacing=0.05,
        subplot_titles=("Accelerate", "GPIP"),
    )
    figure.add_trace(go.Bar(y=long_names, x=list(range(42)), orientation="h"), row=1, col=1)
    figure.add_trace(go.Bar(y=short_names, x=list(range(14)), orientation="h"), row=2, col=1)
    figure.update_layout(height=200 + 20 * 56)
    trimmed = top_and_bottom(figure)
    assert trimmed is not None and rows(figure) == 42
    top, bottom = trimmed.data
    assert sorted(top.x) == [*range(KEEP), *range(42 - KEEP, 42)] and len(bottom.x) == 14
    upper, lower = trimmed.layout.yaxis.domain, trimmed.layout.yaxis2.domain
    assert upper[1] == pytest.approx(1.0) and lower[0] == 0.0
    assert upper[0] - lower[1] == pytest.approx(0.05)  # the gap kept
    assert (upper[1] - upper[0]) / (lower[1] - lower[0]) == pytest.approx(2 * KEEP / 14)
    titles = {note.text: note.y for note in trimmed.layout.annotations}
    assert titles == {"Accelerate": pytest.approx(upper[1]), "GPIP": pytest.approx(lower[1])}
    assert trimmed.layout.height == 200 + 20 * (2 * KEEP + 14)


def test_stacked_bars_are_parts_of_a_whole_and_left_alone():
    phases = [f"Phase {i}" for i in range(40)]
    figure = go.Figure(
        [
            go.Bar(y=phases, x=[i] * 1, orientation="h", name=s)
            for i, s in enumerate(("done", "active"))
        ]
    )
    figure.update_layout(barmode="stack")
    assert top_and_bottom(figure) is None


def test_stacked_bars_whose_whole_ranks_the_rows_keep_the_highest_and_lowest_totals():
    names = [f"ICB {i:02d}" for i in range(42)]
    first = [(i * 11) % 42 for i in range(42)]
    second = [(i * 5) % 17 for i in range(42)]
    figure = go.Figure(
        [
            go.Bar(y=names, x=first, orientation="h", name="reached"),
            go.Bar(y=names, x=second, orientation="h", name="not reached"),
        ],
        layout={"barmode": "stack", "meta": TRIM_BY_TOTAL, "height": 200 + 26 * 42},
    )
    trimmed = top_and_bottom(figure)
    assert trimmed is not None
    totals = [a + b for a, b in zip(first, second, strict=True)]
    ranked = sorted(range(42), key=lambda i: (totals[i], i))
    low, high = {totals[i] for i in ranked[:KEEP]}, {totals[i] for i in ranked[-KEEP:]}
    kept = list(trimmed.data[0].y)
    assert len(kept) == 2 * KEEP and list(trimmed.data[1].y) == kept
    for name in kept:  # every kept row is among the 10 highest or 10 lowest totals (ties aside)
        total = totals[names.index(name)]
        assert total <= max(low) or total >= min(high)
    figure.layout.meta = (
        None  # without the chart saying so, stacked bars are parts of a whole: left alone
    )
    assert top_and_bottom(figure) is None
