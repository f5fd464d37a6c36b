"""Impact charts: the event study (months relative to the support start) and the before/after comparison.

Only aggregates are plotted: means of supported practices and of their matched comparators, never a practice.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.base import SOURCE_GPAD, SOURCE_TRACKER, Chart, style
from gpaccess.disclosure import FEWER_THAN, SMALL_NUMBER, shown_count
from gpaccess.impact import DESIGN, MEASURES, Design, DidResult, Measure

SOURCE = f"{SOURCE_GPAD} {SOURCE_TRACKER}"
ARMS = {
    "supported": ("Supported practices", theme.NHS_BLUE, "solid", "circle"),
    "comparator": ("Matched comparison practices", theme.NHS_DARK_GREY, "dash", "square"),
}


def _fmt(value: float | None, digits: int) -> str:
    if value is None or pd.isna(value):
        return "no data"
    return f"{round(value, digits) + 0.0:.{digits}f}"  # + 0.0: no "-0.0"


def _signed(value: float | None, digits: int) -> str:
    if value is None or pd.isna(value):
        return "no data"
    return f"{round(value, digits) + 0.0:+.{digits}f}"  # + 0.0: no "-0.0"


def finding(result: DidResult, programme: str) -> str:
    """The estimate in words (the chart title): how each group moved (rose, fell or did not change), then
    the difference between them with its interval. A title never says "higher" when both fell."""
    measure = MEASURES[result.measure]
    if result.suppressed:
        return f"{programme}: {FEWER_THAN} supported practices could be compared: no estimate"
    if result.estimate is None:
        return f"{programme}: no matched comparison practices: no estimate"
    moves = (
        f"{measure.label} {moved(result.supported_change, measure)} at supported practices and "
        f"{moved(result.comparator_change, measure)} at matched comparators in {programme}"
    )  # the programme named: a page or deck can show both programmes' charts
    difference = f"{_signed(result.estimate, measure.digits)} {measure.unit}"
    interval = (
        f"95% CI {_fmt(result.ci_low, measure.digits)} to {_fmt(result.ci_high, measure.digits)}"
    )
    if not result.significant:
        return f"{moves}: no clear difference between them ({difference}, {interval})"
    return f"{moves}: {difference} relative difference ({interval})"


def moved(change: float | None, measure: Measure) -> str:
    """'rose 0.9 pp', 'fell 3.4 pp' or 'did not change' (at the measure's precision)."""
    if change is None or pd.isna(change):
        return "had no data"
    shown = round(change, measure.digits)
    if shown == 0:
        return "did not change"
    return f"{'rose' if shown > 0 else 'fell'} {abs(shown):.{measure.digits}f} {measure.unit}"


def event_study_chart(
    frame: pd.DataFrame,
    result: DidResult,
    programme: str,
    scope_label: str,
    design: Design = DESIGN,
) -> Chart:
    """Means by month relative to the support start, supported against comparators, with 95% intervals.

    frame: arm, relative_month, practices, mean, ci_low, ci_high (gpaccess.impact.event_study).
    """
    measure = MEASURES[result.measure]
    data = frame[["arm", "relative_month", "practices", "mean", "ci_low", "ci_high"]].copy()
    data = data.round({"mean": 3, "ci_low": 3, "ci_high": 3})
    title = finding(result, programme)
    subtitle = (
        f"{programme} · {scope_label} · {measure.label.lower()}, monthly mean by months since the support "
        f"started ({result.n_supported:,} supported, {result.n_comparators:,} comparison practices)"
    )
    draw = partial(_event_figure, data, design, measure.axis, title=title, subtitle=subtitle)
    alt = _event_alt(data, result, programme, scope_label)
    notes = (
        f"Shaded bands are 95% confidence intervals; months with fewer than "
        f"{SMALL_NUMBER} practices in a group are left out.",
    )
    key = f"impact_event_{result.measure}_{programme.lower()}"
    return Chart(key, title, subtitle, draw, data, alt, SOURCE, notes)


def _event_figure(
    data: pd.DataFrame, design: Design, y_title: str, *, title: str, subtitle: str
) -> go.Figure:
    """A line and its 95% band per arm, the before and after windows shaded, the start marked."""
    figure = go.Figure()
    for arm, (name, colour, dash, symbol) in ARMS.items():
        rows = data[data["arm"] == arm].sort_values("relative_month")
        if rows.empty:
            continue
        figure.add_scatter(
            x=list(rows["relative_month"]) + list(rows["relative_month"])[::-1],
            y=list(rows["ci_high"]) + list(rows["ci_low"])[::-1],
            fill="toself",
            fillcolor=_rgba(colour, 0.15),
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            name=f"{name}: 95% interval",
        )
        figure.add_scatter(
            x=rows["relative_month"],
            y=rows["mean"],
            name=name,
            mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 2.5},
            marker={"symbol": symbol, "size": 7},
            customdata=rows[["practices", "ci_low", "ci_high"]].to_numpy(),
            hovertemplate=(
                "Month %{x} from the start: %{y:.2f}"
                " (95% CI %{customdata[1]:.2f} to %{customdata[2]:.2f}),"
                " %{customdata[0]:,} practices<extra>" + name + "</extra>"
            ),
        )
    _mark_windows(figure, design)
    style(figure, title=title, subtitle=subtitle, source=SOURCE, height=480)
    figure.update_xaxes(
        title="Months relative to the month support started (0 = first month)", dtick=3
    )
    figure.update_yaxes(title=y_title)
    return figure


def _mark_windows(figure: go.Figure, design: Design) -> None:
    """The before and after windows shaded and named, and a dotted line where support starts."""
    pre = (-design.pre_months - 0.5, -0.5)
    post = (design.post_first - 0.5, design.post_last + 0.5)
    for (x0, x1), label in ((pre, "before window"), (post, "after window")):
        figure.add_vrect(
            x0=x0,
            x1=x1,
            fillcolor=theme.NHS_PALE_GREY,
            opacity=0.6,
            line_width=0,
            layer="below",
            annotation_text=label,
            annotation_position="top left",
            annotation_font={"size": 11, "color": theme.NHS_DARK_GREY},
        )
    figure.add_vline(x=-0.5, line={"color": theme.NHS_BLACK, "dash": "dot", "width": 1.5})
    figure.add_annotation(
        x=-0.5,
        y=0,
        yref="paper",
        text="support starts",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"size": 11, "color": theme.NHS_BLACK},
    )


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _event_alt(data: pd.DataFrame, result: DidResult, programme: str, scope_label: str) -> str:
    measure = MEASURES[result.measure]
    if data.empty:
        return f"Line chart for {programme} in {scope_label}: no practices to compare."
    parts = [
        f"Line chart of the {measure.label.lower()} by month relative to the start of {programme} "
        f"support, in {scope_label}, for supported practices and matched comparison practices."
    ]
    for arm, (name, *_rest) in ARMS.items():
        rows = data[data["arm"] == arm].set_index("relative_month")["mean"]
        if rows.empty:
            continue
        first, last = rows.index.min(), rows.index.max()
        parts.append(
            f"{name}: {rows[first]:.{measure.digits}f} in month {first}, "
            f"{rows[last]:.{measure.digits}f} in month {last}."
        )
    parts.append(finding(result, programme) + ".")
    return " ".join(parts)


def before_after_chart(result: DidResult, programme: str, scope_label: str) -> Chart:
    """Mean before and after support for both groups: the two changes the estimate is the difference of."""
    measure = MEASURES[result.measure]
    rows = []
    for arm, pre, change in (
        ("supported", result.supported_pre, result.supported_change),
        ("comparator", result.comparator_pre, result.comparator_change),
    ):
        if pre is None or change is None:
            continue
        rows.append(
            {
                "group": ARMS[arm][0],
                "before": round(pre, 3),
                "after": round(pre + change, 3),
                "change": round(change, 3),
            }
        )
    data = pd.DataFrame(rows, columns=["group", "before", "after", "change"])
    title = finding(result, programme)
    subtitle = (
        f"{programme} · {scope_label} · {measure.label.lower()}: mean of the before window against the "
        "after window"
    )
    draw = partial(_before_after_figure, data, measure, title=title, subtitle=subtitle)
    if data.empty:
        alt = f"Bar chart for {programme} in {scope_label}: no practices to compare."
    else:
        alt = "Bar chart of the mean before and after support. " + " ".join(
            f"{r.group}: {r.before:.{measure.digits}f} before, {r.after:.{measure.digits}f} after "
            f"({r.change:+.{measure.digits}f})."
            for r in data.itertuples()
        )
    key = f"impact_before_after_{result.measure}_{programme.lower()}"
    return Chart(key, title, subtitle, draw, data, alt, SOURCE)


def _before_after_figure(
    data: pd.DataFrame, measure: Measure, *, title: str, subtitle: str
) -> go.Figure:
    """Before and after bars side by side for each group, each labelled with its value."""
    figure = go.Figure()
    for column, colour, pattern in (
        ("before", theme.NHS_MID_GREY, ""),
        ("after", theme.NHS_BLUE, "/"),
    ):
        figure.add_bar(
            x=data["group"],
            y=data[column],
            name=f"{column.capitalize()} support",
            marker={"color": colour, "pattern": {"shape": pattern}},
            text=[f"{v:.{measure.digits}f}" for v in data[column]],
            textposition="outside",
            hovertemplate="%{x}: %{y:.2f}<extra>" + column + "</extra>",
        )
    style(figure, title=title, subtitle=subtitle, source=SOURCE)
    figure.update_layout(barmode="group")
    figure.update_yaxes(title=measure.axis, rangemode="tozero")
    return figure


def _count(n: int) -> str:
    return shown_count(n)


def results_table(results: list[DidResult]) -> pd.DataFrame:
    """One row per measure, in words a board member reads: the numbers behind each estimate."""
    rows = []
    for r in results:
        m = MEASURES[r.measure]
        d = m.digits
        rows.append(
            {
                "Measure": m.label,
                "Supported": _count(r.n_supported),
                "Comparators": _count(r.n_comparators),
                "Before (supported)": _fmt(r.supported_pre, d),
                "Change: supported": _signed(r.supported_change, d),
                "Change: comparators": _signed(r.comparator_change, d),
                "Difference (95% CI)": (
                    FEWER_THAN
                    if r.suppressed
                    else "no data"
                    if r.estimate is None
                    else f"{_signed(r.estimate, d)} {m.unit} ({_fmt(r.ci_low, d)} to {_fmt(r.ci_high, d)})"
                ),
            }
        )
    return pd.DataFrame(rows)
