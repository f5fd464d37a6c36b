"""A Chart builds its Plotly figure only when asked for it, and once: exports that write native slides from
`chart.data` never pay for Plotly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import pytest

from gpaccess.charts import Chart
from gpaccess.charts.access import mode_mix
from gpaccess.charts.appointments import spc_chart
from gpaccess.charts.gains import gains_share
from gpaccess.charts.phases import phase_status, phase_timeline, support_delivery
from gpaccess.charts.programme import supported_over_time
from gpaccess.charts.quality import coverage_by_icb, coverage_over_time, dropped_out
from gpaccess.charts.uptake import uptake_share, withdrawals_by_icb

MONTHS = pd.date_range("2023-01-01", periods=15, freq="MS").date


@pytest.fixture
def figures_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many Plotly figures have been constructed since the test began (make_subplots makes one too)."""
    made = [0]
    construct = go.Figure.__init__

    def counted(self: go.Figure, *args: object, **kwargs: object) -> None:
        made[0] += 1
        construct(self, *args, **kwargs)

    monkeypatch.setattr(go.Figure, "__init__", counted)
    return made


def appointments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": MONTHS,
            "face_to_face_pct": [60.0 + (i % 4) for i in range(len(MONTHS))],
            "appointments": [1000] * len(MONTHS),
            "face_to_face": [600] * len(MONTHS),
            "telephone": [300] * len(MONTHS),
            "video_online": [50] * len(MONTHS),
            "home_visit": [20] * len(MONTHS),
            "unknown_mode": [30] * len(MONTHS),
        }
    )


def phases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "programme": ["Accelerate", "GPIP"],
            "phase": ["Phase 1", "Cohort 2023-07"],
            "level": ["intensive", "intermediate"],
            "start_date": [dt.date(2022, 1, 1), dt.date(2023, 7, 1)],
            "end_date": [dt.date(2022, 5, 20), dt.date(2023, 10, 1)],
            "weeks": [20, 13],
            "planned": [10, 20],
            "enrolled": [9, 18],
            "not_started": [0, 2],
            "active": [0, 6],
            "completed": [7, 8],
            "extended": [1, 0],
            "withdrawn": [1, 2],
            "supported": [8, 16],
            "modules_planned": [4, 3],
            "mean_modules": [3.5, 2.0],
            "group_sessions_planned": [6, 0],
            "mean_group_sessions": [5.0, None],
            "onsite_visits_planned": [2, 1],
            "mean_onsite_visits": [2.0, 1.0],
        }
    )


def uptake() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "icb_code": ["QRV", "QMJ"],
            "icb_name": [
                "NHS North West London Integrated Care Board",
                "NHS North Central London Integrated Care Board",
            ],
            "region_code": ["Y56", "Y56"],
            "region_name": ["London", "London"],
            "programme": ["GPIP", "GPIP"],
            "practices": [330, 170],
            "enrolled": [14, 3],
            "withdrawn": [4, 0],
        }
    )


def coverage() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": MONTHS[:2].tolist() * 2,
            "icb_code": ["QRV", "QRV", "QMJ", "QMJ"],
            "icb_name": ["NHS North West London Integrated Care Board"] * 2
            + ["NHS North Central London Integrated Care Board"] * 2,
            "practices_open": [100, 100, 50, 50],
            "practices_in_data": [99, 98, 50, 45],
            "open_with_data": [99, 98, 50, 45],
            "dropped_out": [0, 1, 0, 5],
            "joined": [0, 0, 0, 0],
            "coverage_pct": [99.0, 98.0, 100.0, 90.0],
        }
    )


BUILDERS: dict[str, Callable[[], Chart]] = {
    "spc_chart": lambda: spc_chart(appointments(), "face_to_face_pct", "England")[0],
    "mode_mix": lambda: mode_mix(appointments(), "England", "Jan 2023 to Mar 2024"),
    "supported_over_time": lambda: supported_over_time(
        pd.DataFrame(
            {
                "programme": ["Accelerate", "Accelerate", "GPIP"],
                "month": [MONTHS[0], MONTHS[1], MONTHS[1]],
                "started": [3, 2, 4],
                "cumulative_practices": [3, 5, 4],
            }
        ),
        "England",
    ),
    "phase_status": lambda: phase_status(phases(), "England"),
    "support_delivery": lambda: support_delivery(phases(), "England"),
    "phase_timeline": lambda: phase_timeline(phases(), "England"),
    "uptake_share": lambda: uptake_share(uptake(), "All", "London region"),
    "withdrawals_by_icb": lambda: withdrawals_by_icb(uptake(), "All", "London region"),
    "gains_share": lambda: gains_share(
        pd.DataFrame(
            {
                "programme": ["GPIP", "GPIP"],
                "icb_name": uptake()["icb_name"],
                "assessed": [12, 3],
                "with_gains": [8, 2],
            }
        ),
        "icb",
        "London region",
    ),
    "coverage_over_time": lambda: coverage_over_time(coverage(), "London region"),
    "coverage_by_icb": lambda: coverage_by_icb(coverage(), "London region"),
    "dropped_out": lambda: dropped_out(coverage(), "London region"),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_a_chart_builds_no_figure_until_asked_and_then_once(name, figures_made):
    chart = BUILDERS[name]()
    assert chart.title and chart.alt_text and not chart.data.empty
    assert figures_made[0] == 0  # title, text alternative and data, but no Plotly figure

    figure = chart.figure
    assert isinstance(figure, go.Figure) and figure.data
    made = figures_made[0]
    assert made >= 1
    assert chart.figure is figure  # kept with the chart
    assert figures_made[0] == made


def test_draw_runs_once_and_a_figure_given_is_used_as_it_is():
    calls: list[int] = []

    def draw() -> go.Figure:
        calls.append(1)
        return go.Figure()

    chart = Chart("k", "A finding", "England", draw)
    assert calls == []
    assert chart.figure is chart.figure
    assert calls == [1]

    given = go.Figure()
    assert Chart("k", "A finding", "England", given).figure is given
