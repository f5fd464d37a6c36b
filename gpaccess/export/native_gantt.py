"""The phases as one native Gantt chart (a rule of gpaccess.export.native): stacked horizontal bars, an
invisible one from the axis to each phase's start, then one per programme for its length. Pure."""

from __future__ import annotations

import pandas as pd

from gpaccess import theme
from gpaccess.charts import Chart
from gpaccess.export.native import NativeChart, NativeSeries, Panel, programme_colour

GANTT_OFFSET = "Start"  # the invisible first series of a Gantt chart: where each bar begins


def excel_day(value: object) -> float:
    """A date as a spreadsheet day number (what a date axis plots): days since 30 Dec 1899."""
    return float((pd.Timestamp(value).normalize() - pd.Timestamp("1899-12-30")).days)  # type: ignore[arg-type]


def phase_gantt(chart: Chart) -> list[Panel]:
    """One Gantt chart of every phase and cohort: a bar from its start to its planned end (a GPIP cohort's
    levels as one bar, to the end of its longest level), a series per programme so each has its colour.
    Drawn as stacked bars: an invisible bar up to the start, then the phase's length in days."""
    data = chart.data
    spans = (
        data.assign(
            start=pd.to_datetime(data["start_date"]),
            end=pd.to_datetime(data["end_date"]).fillna(pd.to_datetime(data["start_date"])),
        )
        .groupby(["programme", "phase"], sort=False)
        .agg(start=("start", "min"), end=("end", "max"))
        .reset_index()
    )
    starts = tuple(excel_day(d) for d in spans["start"])
    days = tuple(
        excel_day(e) - excel_day(s) + 1 for s, e in zip(spans["start"], spans["end"], strict=True)
    )
    series = [NativeSeries(GANTT_OFFSET, starts, theme.NHS_WHITE)]
    for programme in dict.fromkeys(spans["programme"]):
        mine = (spans["programme"] == programme).tolist()
        values = tuple(d if m else None for d, m in zip(days, mine, strict=True))
        series.append(
            NativeSeries(
                f"{programme}: days from start to planned end",
                values,
                programme_colour(str(programme)),
            )
        )
    names = tuple(f"{p} · {ph}" for p, ph in zip(spans["programme"], spans["phase"], strict=True))
    first = pd.Timestamp(spans["start"].min())
    last = pd.Timestamp(spans["end"].max()) + pd.offsets.MonthBegin(1)
    native = NativeChart(
        "gantt",
        names,
        tuple(series),
        "mmm yyyy",
        "Start to planned end of the core support",
        labels=False,
        value_max=excel_day(last),
        value_min=excel_day(first.replace(day=1)),
    )
    return [("", native)]
