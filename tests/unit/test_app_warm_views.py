"""What makes a warm page view cheap, checked without a server: a chart's screen figures and table are made
once and kept with the (cached) chart; the figure handed to st.plotly_chart gives Plotly's own JSON of the
figure without copying it again; the caches' string keys tell every scope, viewer and context apart."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pyarrow as pa
import pytest

from gpaccess.access import Viewer
from gpaccess.app.data import cache_key
from gpaccess.app.render import ServedFigure, on_screen
from gpaccess.charts import Chart
from gpaccess.charts.base import style
from gpaccess.charts.screen import for_screen
from gpaccess.charts.trim import KEEP
from gpaccess.registry import ChartContext
from gpaccess.scope import Scope


def as_streamlit_sends(figure: go.Figure) -> str:
    """The spec st.plotly_chart puts on the page (Streamlit 1.67: plotly_chart.py)."""
    made = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
    return pio.to_json(made, validate=False)


def bars(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"icb": [f"ICB {i:02d}" for i in range(n)], "share": [i * 1.5 for i in range(n)]}
    )


def bar_chart(data: pd.DataFrame, drawn: list[int]) -> Chart:
    def draw() -> go.Figure:
        drawn.append(1)
        figure = go.Figure(go.Bar(y=data["icb"], x=data["share"], orientation="h", name="Share"))
        return style(figure, title="Shares", subtitle="London", source="Source: test.", height=900)

    return Chart(key="shares", title="Shares", subtitle="London", draw=draw, data=data)


def test_a_served_figure_sends_the_same_spec_as_the_figure_and_copies_nothing_per_run():
    figure = go.Figure(
        [
            go.Bar(x=["a", "b"], y=[1.0, float("nan")], name="one", text=["1.0", "no data"]),
            go.Scatter(
                x=[dt.date(2024, 1, 1), dt.date(2024, 2, 1)], y=np.array([3, 4]), name="NaN"
            ),
            go.Scatter(
                x=pd.Series([0.1, 0.2]), y=np.array([np.int64(3), np.int64(5)], dtype=object)
            ),
        ],
        layout={"title": {"text": "A title"}, "height": 300},
    )
    served = ServedFigure(figure)
    assert as_streamlit_sends(served) == as_streamlit_sends(figure)
    assert as_streamlit_sends(served) == as_streamlit_sends(served)  # sending it changes nothing
    assert served.to_dict() is served.to_dict()  # no deep copy on each run
    # every way Plotly serialises a figure gives the same
    assert pio.to_json(served) == pio.to_json(figure) == served.to_json()
    assert served.to_plotly_json() is served.to_dict()


def test_a_charts_screen_figures_and_table_are_made_once_and_kept_with_it():
    drawn: list[int] = []
    data = bars(5)
    chart = bar_chart(data, drawn)
    first = on_screen(chart)
    assert on_screen(chart) is first and drawn == [1]  # later views reuse them
    assert json.loads(as_streamlit_sends(first.whole)) == json.loads(
        as_streamlit_sends(for_screen(chart.figure))
    )
    assert first.shortened is None and first.rows == 0  # 5 rows: nothing to shorten
    assert first.source == "Source: test."
    assert first.table.equals(pa.Table.from_pandas(data))  # what st.dataframe sends for the frame


def test_a_long_charts_shortened_figure_is_kept_too():
    chart = bar_chart(bars(42), [])
    screen = on_screen(chart)
    assert screen.rows == 42 and screen.shortened is not None
    shown = [str(y) for t in screen.shortened.to_dict()["data"] for y in t["y"]]
    expected = [f"ICB {i:02d}" for i in (*range(KEEP), *range(42 - KEEP, 42))]  # lowest and highest
    assert shown == expected
    assert len(screen.whole.to_dict()["data"][0]["y"]) == 42
    assert on_screen(chart).shortened is screen.shortened


SCOPES = [
    Scope(),
    Scope(region="Y56"),
    Scope(icb="Y56"),
    Scope(region="Y56", icb="QRV"),
    Scope(programme="GPIP"),
    Scope(date_from=dt.date(2024, 1, 1)),
    Scope(date_to=dt.date(2024, 1, 1)),
]
VIEWERS = [Viewer(), Viewer("national"), Viewer("region", "Y56"), Viewer("icb", None, "QRV")]


def context(scope: Scope, viewer: Viewer, **choices: object) -> ChartContext:
    return ChartContext(viewer, scope, "label", "period").with_choices(**choices)


def test_cache_keys_tell_every_scope_viewer_and_choice_apart():
    contexts = [context(s, v) for s in SCOPES for v in VIEWERS]
    contexts += [context(Scope(), Viewer(), icb_measure=m) for m in ("dna_pct", "same_day_pct")]
    contexts += [context(Scope(), Viewer(), window=1), context(Scope(), Viewer(), window="1")]
    assert len({cache_key(c) for c in contexts}) == len(set(contexts)) == len(contexts)
    assert cache_key(context(Scope(region="Y56"), Viewer())) == cache_key(
        context(Scope(region="Y56"), Viewer())
    )
    assert cache_key("q", Scope(), ()) != cache_key("q", Scope(), (("month", dt.date(2024, 1, 1)),))


@pytest.mark.parametrize("label", ["England", "London region"])
def test_cache_keys_tell_labels_apart(label):
    assert cache_key(ChartContext(Viewer(), Scope(), label, "p")) != cache_key(
        ChartContext(Viewer(), Scope(), label + " ", "p")
    )
