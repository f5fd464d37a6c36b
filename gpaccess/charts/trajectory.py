"""GPIP against its target: practices benefited to date by month, the target, and the path to it at the current
rate (gpaccess.summary.Trajectory defines the rate and the month the target is reached; this draws them)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int, style
from gpaccess.trajectory import Trajectory, add_months, month_label

ACTUAL = "Benefited to date"
PROJECTED = "At the current rate"
TARGET = "Target"
NOTE = (
    "Benefited: a GPIP support started and not withdrawn, any level (universal offer included), each practice "
    "counted once. The current rate is the mean of practices newly benefiting per month over the last six "
    "months; the projection assumes it holds."
)


def gpip_trajectory(
    monthly: pd.DataFrame, g: Trajectory | None, scope_label: str, where: str
) -> Chart | None:
    """From queries/gpip_monthly.sql (months up to the trajectory's month) and the trajectory built from it.
    `where` names the scope in the finding ("" for England). None without any GPIP month."""
    if g is None or monthly.empty:
        return None
    data = _plotted(monthly, g)
    title = g.finding(where)
    title = title[0].upper() + title[1:]
    subtitle = f"{scope_label} · GPIP practices benefited to date, by month"
    draw = partial(_figure, data, target=g.target, title=title, subtitle=subtitle)
    return Chart(
        "gpip_trajectory",
        title,
        subtitle,
        draw,
        data,
        _alt_text(data, g, scope_label),
        SOURCE_TRACKER,
        (NOTE,),
    )


def _plotted(monthly: pd.DataFrame, g: Trajectory) -> pd.DataFrame:
    """One row per month: benefited to date (held months), and the projection from the last held month to the
    month the target is reached (whole practices, as Trajectory.projected counts them)."""
    held = monthly.assign(month=pd.to_datetime(monthly["month"]).dt.date).sort_values("month")
    data = pd.DataFrame(
        {
            "month": held["month"],
            "benefited_to_date": held["benefited_to_date"].astype("Int64"),
            "projected_to_date": pd.array([pd.NA] * len(held), dtype="Int64"),
        }
    )
    if g.projected is not None:
        data.loc[data.index[-1], "projected_to_date"] = g.benefited
        steps = (g.projected.year - g.month.year) * 12 + g.projected.month - g.month.month
        ahead = [
            {
                "month": add_months(g.month, k),
                "benefited_to_date": pd.NA,
                "projected_to_date": g.benefited + g.new_in_window * k // g.rate_months,
            }
            for k in range(1, steps + 1)
        ]
        data = pd.concat([data, pd.DataFrame(ahead).astype(data.dtypes.to_dict())])
    if g.target:
        data["target"] = g.target
    return data.reset_index(drop=True)


def _figure(data: pd.DataFrame, *, target: int | None, title: str, subtitle: str) -> go.Figure:
    """Benefited to date as a solid line with markers, the projection dashed, the target a labelled line."""
    figure = go.Figure()
    figure.add_scatter(
        x=data["month"],
        y=data["benefited_to_date"],
        name=ACTUAL,
        mode="lines+markers",
        line={"color": theme.NHS_BLUE, "shape": "hv"},
        marker={"size": 5},
        hovertemplate="%{x|%b %Y}: %{y:,} practices<extra></extra>",
    )
    ahead = data.dropna(subset=["projected_to_date"])
    if not ahead.empty:
        figure.add_scatter(
            x=ahead["month"],
            y=ahead["projected_to_date"],
            name=PROJECTED,
            mode="lines",
            line={"color": theme.NHS_DARK_GREY, "dash": "dash"},
            hovertemplate="%{x|%b %Y}: %{y:,} practices at the current rate<extra></extra>",
        )
    if target:
        figure.add_hline(
            y=target,
            line={"color": theme.NHS_DARK_GREEN, "dash": "dot"},
            annotation={"text": f"{TARGET}: {fmt_int(target)}", "xanchor": "left", "x": 0},
            annotation_font={"color": theme.NHS_DARK_GREEN},
        )
    style(figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER)
    figure.update_yaxes(title="GPIP practices benefited", rangemode="tozero")
    return figure


def _alt_text(data: pd.DataFrame, g: Trajectory, scope_label: str) -> str:
    first = data["month"].iloc[0]
    sentences = [
        f"Line chart of GPIP practices benefited to date in {scope_label}, by month, from "
        f"{month_label(first)} to {month_label(g.month)}: {fmt_int(g.benefited)} by {month_label(g.month)}."
    ]
    if g.target:
        sentences.append(f"A dotted line marks the target of {fmt_int(g.target)}.")
    if g.projected is not None:
        sentences.append(
            f"A dashed line continues at the current rate of {g.rate:.1f} a month to "
            f"{month_label(g.projected)}, when the target is reached."
        )
    return " ".join(sentences)
