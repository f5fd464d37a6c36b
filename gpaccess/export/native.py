"""Chart-type-neutral specs for native, editable PowerPoint charts, derived from each Chart's plotted `data`.

A rule turns a chart into one or more panels (one per programme where the page draws a panel per programme):
a `NativeChart` (column, bar or line, categories and named series of numbers) or a `NativeTable`. Each entry of
gpaccess.registry names its rule (the factories `bars`, `table`, `monthly_lines` or a rule below); an entry that
names none is exported as a table of its data (`data_table`), so every chart is exportable. Pure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from gpaccess import theme
from gpaccess.charts import Chart
from gpaccess.charts.access import ICB_MEASURES
from gpaccess.charts.impact import ARMS
from gpaccess.charts.phases import STATUSES
from gpaccess.charts.quality import POOR_COVERAGE_PCT
from gpaccess.disclosure import FEWER_THAN
from gpaccess.impact import MEASURES as IMPACT_MEASURES
from gpaccess.labels import short_icb_name
from gpaccess.spc_chart import RECORDED_CHANGE, SPECIAL_CAUSE_STYLES, YEAR_BEFORE

Value = float | None
Category = str | dt.date | int


@dataclass(frozen=True)
class NativeSeries:
    name: str
    values: tuple[Value, ...]
    colour: str = theme.NHS_BLUE
    dashed: bool = False
    markers: bool = False
    line: bool = True  # False: markers only (special-cause overlays)
    symbol: str = "circle"
    point_colours: dict[int, tuple[str, str]] = field(
        default_factory=dict
    )  # index -> (colour, symbol)


@dataclass(frozen=True)
class NativeBand:
    """A shaded interval behind a line chart's lines, from `low` to `high` at each category."""

    name: str
    low: tuple[Value, ...]
    high: tuple[Value, ...]
    colour: str = theme.NHS_BLUE


@dataclass(frozen=True)
class NativeChart:
    kind: Literal["column", "bar", "line", "stacked_bar", "gantt"]
    categories: tuple[Category, ...]
    series: tuple[NativeSeries, ...]
    number_format: str = "#,##0"
    value_title: str = ""
    labels: bool = True  # data labels on bars
    value_max: float | None = None  # same value axis on every part of a chart split over slides
    zero_based: bool = True  # False: the value axis fits the data (SPC charts)
    category_format: str = "mmm yyyy"  # number format of a line chart's date or number categories
    bands: tuple[NativeBand, ...] = ()  # shaded intervals behind the lines (line charts only)
    value_min: float | None = (
        None  # the value axis's start where it is not zero (a Gantt's first month)
    )


@dataclass(frozen=True)
class NativeTable:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Native = NativeChart | NativeTable
Panel = tuple[str, Native]  # panel heading ('' for one panel), spec

PERCENT = '0.0"%"'
SIGNED = "+0;-0;0"


def _num(value: object) -> Value:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _values(column: pd.Series) -> tuple[Value, ...]:
    numbers = column.to_numpy(dtype=float, na_value=np.nan).tolist()
    return tuple(None if math.isnan(v) else v for v in numbers)


def _by_programme(data: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    if "programme" not in data.columns:
        return [("", data)]
    return [(str(p), rows) for p, rows in data.groupby("programme", sort=False)]


def _phase_name(rows: pd.DataFrame) -> tuple[str, ...]:
    return tuple(
        str(p) if lv in ("intensive", "") and prog == "Accelerate" else f"{p} · {lv}"
        for prog, p, lv in zip(rows["programme"], rows["phase"], rows["level"], strict=True)
    )


def programme_colour(programme: str) -> str:
    return theme.PROGRAMME_COLOURS.get(programme, theme.NHS_BLUE)


# --- rules for charts ---------------------------------------------------------------------------------------
def spc(chart: Chart) -> list[Panel]:
    data = chart.data
    value_column = data.columns[1]
    percent = value_column.endswith("_pct")
    variations = data["variation"].tolist()
    points: dict[int, tuple[str, str]] = {}
    for i, variation in enumerate(variations):
        if variation in SPECIAL_CAUSE_STYLES:
            _, colour, symbol = SPECIAL_CAUSE_STYLES[variation]
            points[i] = (colour, symbol)
    months = tuple(pd.DatetimeIndex(data["month"]).date)
    values = _values(data[value_column])
    series: tuple[NativeSeries, ...] = (
        NativeSeries(
            "Value",
            values,
            theme.SPC_COMMON,
            markers=True,
            point_colours=points,
        ),
        NativeSeries("Mean", _values(data["mean"]), theme.NHS_DARK_GREY),
        NativeSeries(
            "Upper process limit", _values(data["upper_limit"]), theme.NHS_DARK_GREY, True
        ),
        NativeSeries(
            "Lower process limit", _values(data["lower_limit"]), theme.NHS_DARK_GREY, True
        ),
    )
    # each kind of special cause also as its own markers-only series: a legend entry names it, and renderers
    # that ignore per-point formatting (LibreOffice) still show its colour and symbol
    for variation, (name, colour, symbol) in SPECIAL_CAUSE_STYLES.items():
        if variation in variations:
            marked = tuple(
                v if kind == variation else None for v, kind in zip(values, variations, strict=True)
            )
            overlay = NativeSeries(name, marked, colour, markers=True, line=False, symbol=symbol)
            series += (overlay,)
    series += _spc_context(data, value_column)
    fmt = PERCENT if percent else "#,##0.0"
    native = NativeChart("line", months, series, fmt, labels=False, zero_based=False)
    return [("", native)]


def _spc_context(data: pd.DataFrame, value_column: str) -> tuple[NativeSeries, ...]:
    """A seasonal measure's same month a year before (muted, dashed), and each recorded change as a marker at
    the top of the chart with a legend entry (PowerPoint has no vertical line in a chart; the month and reason
    are in the slide's footnote, from the chart's caveats)."""
    extra: tuple[NativeSeries, ...] = ()
    year_before = f"{value_column}_year_before"
    if year_before in data.columns:
        extra += (
            NativeSeries(YEAR_BEFORE, _values(data[year_before]), theme.NHS_MID_GREY, dashed=True),
        )
    if "recorded_change" in data.columns and any(data["recorded_change"].tolist()):
        numbers = [
            v
            for column in (value_column, "upper_limit")
            for v in _values(data[column])
            if v is not None
        ]
        top = max(numbers)
        at = tuple(top if reason else None for reason in data["recorded_change"])
        extra += (
            NativeSeries(
                f"{RECORDED_CHANGE} (see note)",
                at,
                theme.NHS_BLACK,
                markers=True,
                line=False,
                symbol="triangle",
            ),
        )
    return extra


def supported_over_time(chart: Chart) -> list[Panel]:
    data = chart.data
    months = tuple(sorted({pd.Timestamp(m).date() for m in data["month"]}))
    series = []
    for programme, rows in data.groupby("programme", sort=True):
        at = {
            pd.Timestamp(m).date(): v
            for m, v in zip(rows["month"], rows["cumulative_practices"], strict=True)
        }
        series.append(
            NativeSeries(
                str(programme),
                tuple(_num(at.get(m)) for m in months),
                programme_colour(str(programme)),
                dashed=programme == "GPIP",
                markers=True,
            )
        )
    native = NativeChart(
        "line", months, tuple(series), value_title="Practices supported (cumulative)", labels=False
    )
    return [("", native)]


def phase_status(chart: Chart) -> list[Panel]:
    panels: list[Panel] = []
    for programme, rows in _by_programme(chart.data):
        series = tuple(
            NativeSeries(words, _values(rows[column]), colour)
            for column, (words, colour, _, _) in STATUSES.items()
        )
        panels.append(
            (
                programme,
                NativeChart("stacked_bar", _phase_name(rows), series, value_title="Practices"),
            )
        )
    return panels


def support_delivery(chart: Chart) -> list[Panel]:
    """Mean delivered per practice as a % of the plan, one series per component."""
    panels: list[Panel] = []
    colours = [theme.NHS_BLUE, theme.NHS_AQUA_GREEN, theme.NHS_WARM_YELLOW]
    for programme, rows in _by_programme(chart.data):
        names = _phase_name(rows)
        rows = rows.assign(
            name=names,
            share=(100.0 * rows["mean_delivered"] / rows["planned_per_practice"]).round(1),
        )
        categories = tuple(dict.fromkeys(names))
        hidden = set(categories) - set(rows.loc[rows["share"].notna(), "name"])
        series = []
        for i, component in enumerate(dict.fromkeys(rows["component"])):
            part = rows[rows["component"] == component].set_index("name")["share"]
            series.append(
                NativeSeries(
                    str(component), tuple(_num(part.get(c)) for c in categories), colours[i % 3]
                )
            )
        # phases with no bar at all (means over fewer than 5 practices are not shown): one line counts them
        kept = [i for i, c in enumerate(categories) if c not in hidden]
        categories = tuple(categories[i] for i in kept)
        series = [replace(spec, values=tuple(spec.values[i] for i in kept)) for spec in series]
        if hidden:
            categories += (f"{len(hidden)} more: {FEWER_THAN} practices supported in each",)
            series = [replace(spec, values=(*spec.values, None)) for spec in series]
        native = NativeChart(
            "bar", categories, tuple(series), PERCENT, "Delivered, % of the plan per practice"
        )
        panels.append((programme, native))
    return panels


def table(columns: dict[str, str], formats: dict[str, Callable[[object], str]] | None = None):
    formats = formats or {}

    def rule(chart: Chart) -> list[Panel]:
        frame = chart.data[list(columns)]
        rows = tuple(
            tuple(formats.get(c, _text)(v) for c, v in zip(columns, values, strict=True))
            for values in frame.itertuples(index=False, name=None)
        )
        return [("", NativeTable(tuple(columns.values()), rows))]

    return rule


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)  # type: ignore[arg-type]


def day(value: object) -> str:
    return f"{pd.Timestamp(value):%d %b %Y}"  # type: ignore[arg-type]


def bars(
    category: str,
    series: list[tuple[str, str]],
    number_format: str = "#,##0",
    value_title: str = "",
    suppressed: str | None = None,
    merge: bool = False,
) -> Callable[[Chart], list[Panel]]:
    """Horizontal bars of `category` with `series` (column, name) pairs: one chart per programme, or with
    `merge` one chart with a series per programme (for categories both programmes share: ICBs, regions...)."""

    def rule(chart: Chart) -> list[Panel]:
        data = chart.data
        if merge and "programme" in data.columns:
            column, _ = series[0]
            names = [_category(category, c) for c in data[category]]
            categories = tuple(dict.fromkeys(names))
            if category in ("icb", "icb_name", "group"):  # organisations: in alphabetical order
                categories = tuple(sorted(categories))
            spec = []
            for programme, rows in data.assign(_name=names).groupby("programme", sort=False):
                at = dict(zip(rows["_name"], rows[column], strict=True))
                values = tuple(_num(at.get(c)) for c in categories)
                spec.append(NativeSeries(str(programme), values, programme_colour(str(programme))))
            return [("", NativeChart("bar", categories, tuple(spec), number_format, value_title))]
        panels: list[Panel] = []
        for programme, rows in _by_programme(data):
            names = [_category(category, c) for c in rows[category]]
            if suppressed:
                names = [
                    f"{n} ({FEWER_THAN} {suppressed})" if pd.isna(v) else n
                    for n, v in zip(names, rows[series[0][0]], strict=True)
                ]
            colours = [programme_colour(programme), theme.NHS_AQUA_GREEN, theme.NHS_MID_GREY]
            spec_ = tuple(
                NativeSeries(name, _values(rows[column]), colours[i % 3])
                for i, (column, name) in enumerate(series)
            )
            panels.append(
                (programme, NativeChart("bar", tuple(names), spec_, number_format, value_title))
            )
        return panels

    return rule


def _category(column: str, value: object) -> str:
    return short_icb_name(str(value)) if column == "icb_name" else str(value)


def data_table(chart: Chart) -> list[Panel]:
    """A table of the chart's data, its column names in words: the rule of a chart with no other."""
    return table({c: c.replace("_", " ").capitalize() for c in chart.data.columns})(chart)


def hours_released(chart: Chart) -> list[Panel]:
    panels: list[Panel] = []
    for programme, rows in _by_programme(chart.data):
        series = (
            NativeSeries("Clinical hours a month", _values(rows["clinical_hours"]), theme.NHS_BLUE),
            NativeSeries("Admin hours a month", _values(rows["admin_hours"]), theme.NHS_AQUA_GREEN),
        )
        names = tuple(
            f"{n} ({FEWER_THAN} reporting)" if pd.isna(v) else n
            for n, v in zip(_phase_name(rows), rows["clinical_hours"], strict=True)
        )
        panels.append(
            (programme, NativeChart("bar", names, series, value_title="Hours a month released"))
        )
    return panels


# --- access, support, impact and data pages ----------------------------------------------------------------------
def _months(data: pd.DataFrame) -> tuple[dt.date, ...]:
    return tuple(pd.Timestamp(m).date() for m in data["month"])


def monthly_lines(
    series: list[tuple[str, str, str]], number_format: str, value_title: str
) -> Callable[[Chart], list[Panel]]:
    """One line per (column, name, colour) over the months of the chart's data; every other line dashed and
    each with its own marker, so lines differ by more than colour."""
    symbols = ("circle", "square", "triangle", "diamond", "x")

    def rule(chart: Chart) -> list[Panel]:
        lines = tuple(
            NativeSeries(
                name,
                _values(chart.data[column]),
                colour,
                dashed=i % 2 == 1,
                markers=True,
                symbol=symbols[i % len(symbols)],
            )
            for i, (column, name, colour) in enumerate(series)
        )
        native = NativeChart(
            "line", _months(chart.data), lines, number_format, value_title, labels=False
        )
        return [("", native)]

    return rule


def icbs_compared(chart: Chart) -> list[Panel]:
    """ICBs on one measure, highest first as on the page; the scope's ICB marked "(selected)"."""
    column = chart.key.removeprefix("icbs_")
    label, _ = ICB_MEASURES[column]
    data = chart.data.iloc[::-1]
    names = tuple(
        short_icb_name(str(n)) + (" (selected)" if chosen else "")
        for n, chosen in zip(data["icb_name"], data["selected"], strict=True)
    )
    number_format = PERCENT if column.endswith("_pct") else "#,##0"
    series = (NativeSeries(label, _values(data[column])),)
    return [("", NativeChart("bar", names, series, number_format, label))]


def support_reach(chart: Chart) -> list[Panel]:
    """Per ICB, the three groups stacked; a count of fewer than 5 is not drawn and the ICB says so."""
    data = chart.data
    icbs = tuple(dict.fromkeys(data["icb"]))
    hidden = set(data.loc[data["practices"].isna(), "icb"])
    names = tuple(
        short_icb_name(str(i)) + (f" ({FEWER_THAN}: not drawn)" if i in hidden else "")
        for i in icbs
    )
    colours = (theme.NHS_BLUE, theme.NHS_WARM_YELLOW, theme.NHS_MID_GREY)
    series = []
    for colour, (name, rows) in zip(colours, data.groupby("series", sort=False), strict=True):
        at = dict(zip(rows["icb"], rows["practices"], strict=True))
        series.append(NativeSeries(str(name), tuple(_num(at.get(i)) for i in icbs), colour))
    return [("", NativeChart("stacked_bar", names, tuple(series), value_title="Practices"))]


def _impact_measure(key: str, prefix: str) -> str:
    """impact_<chart>_<measure>_<programme> -> measure."""
    return key.removeprefix(prefix).rsplit("_", 1)[0]


def impact_before_after(chart: Chart) -> list[Panel]:
    measure = IMPACT_MEASURES[_impact_measure(chart.key, "impact_before_after_")]
    data = chart.data
    series = (
        NativeSeries("Before support", _values(data["before"]), theme.NHS_MID_GREY),
        NativeSeries("After support", _values(data["after"]), theme.NHS_BLUE),
    )
    number_format = "#,##0." + "0" * measure.digits
    native = NativeChart("column", tuple(data["group"]), series, number_format, measure.axis)
    return [("", native)]


def impact_event(chart: Chart) -> list[Panel]:
    """Mean per arm by month from the start of support, each with its 95% interval as one shaded band."""
    measure = IMPACT_MEASURES[_impact_measure(chart.key, "impact_event_")]
    data = chart.data
    months = sorted(set(data["relative_month"]))
    series: list[NativeSeries] = []
    bands: list[NativeBand] = []
    for arm, (name, colour, _, symbol) in ARMS.items():
        rows = data[data["arm"] == arm].set_index("relative_month")
        if rows.empty:
            continue

        def along(column: str, rows: pd.DataFrame = rows) -> tuple[Value, ...]:
            return tuple(_num(rows[column].get(m)) for m in months)

        series.append(NativeSeries(name, along("mean"), colour, markers=True, symbol=symbol))
        bands.append(NativeBand(name, along("ci_low"), along("ci_high"), colour))
    # months as numbers shown signed (+3): text starting with '+' or '-' would be quoted as a possible formula
    categories = tuple(int(m) for m in months)
    number_format = "#,##0." + "0" * measure.digits
    native = NativeChart(
        "line",
        categories,
        tuple(series),
        number_format,
        measure.axis,
        labels=False,
        zero_based=False,
        category_format=SIGNED,
        bands=tuple(bands),
    )
    return [("", native)]


def share_distribution(chart: Chart) -> list[Panel]:
    """Practices in bands of the measure, one column each."""
    series = (NativeSeries("Practices", _values(chart.data["practices"])),)
    return [("", NativeChart("column", tuple(chart.data["band"]), series, value_title="Practices"))]


def coverage_by_icb(chart: Chart) -> list[Panel]:
    """Each ICB's share of open practices with data; those below the threshold say so."""
    data = chart.data
    names = tuple(
        short_icb_name(str(icb)) + (f" (below {POOR_COVERAGE_PCT:.0f}%)" if below else "")
        for icb, below in zip(data["icb"], data["below_threshold"], strict=True)
    )
    series = (NativeSeries("Open practices with data (%)", _values(data["coverage_pct"])),)
    return [("", NativeChart("bar", names, series, PERCENT, "Open practices with data (%)"))]


def adoption_by_area(chart: Chart) -> list[Panel]:
    """A table: one row per region or ICB, one column per action (its number), the share that adopted it."""
    data = chart.data
    numbers = sorted(dict.fromkeys(int(n) for n in data["action_number"]))
    rows = []
    for area, cells in data.groupby("area", sort=True):
        at = dict(zip(cells["action_number"].astype(int), cells["adopted_pct"], strict=True))
        shown = (_text(at.get(n)) if pd.isna(at.get(n)) else f"{at[n]:.0f}%" for n in numbers)
        rows.append((str(area), *shown))
    columns = ("Area", *(f"Action {n}" for n in numbers))
    return [("", NativeTable(columns, tuple(rows)))]
