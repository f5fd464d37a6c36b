"""Data freshness, coverage and recording quality: pure functions and charts for the Data page and the caveat on
headline pages. No Streamlit.

- GPAD publishes each month about 4-5 weeks after it ends: `expected_latest_month(today)` is the newest month a
  board should expect to see, and `freshness()` says whether the data held is older than that.
- Coverage: open practices with appointment data / practices open (queries/coverage_by_icb_month.sql). A scope
  whose latest month is below POOR_COVERAGE_PCT carries a caveat on every page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.base import SOURCE_GPAD, Chart, describe_period, fmt_int, fmt_pct, style
from gpaccess.labels import icb_label

POOR_COVERAGE_PCT = (
    95.0  # below this share of open practices with data, figures for a scope carry a caveat
)
PUBLICATION_LAG_DAYS = 35  # GPAD for a month is published about 4-5 weeks after the month ends
COVERAGE_NOTE = (
    "Practices open = practices with registered patients in the list-size extract nearest the month (within "
    "92 days), else every practice in the practice table for the ICB. Coverage = open practices with any "
    "appointment in the month / practices open."
)
QUALITY_SHARES = {  # column -> how the chart names it, line dash, marker
    "unknown_mode_pct": ("Unknown mode", "solid", "circle"),
    "unknown_status_pct": ("Unknown status", "dash", "square"),
    "unmapped_pct": ('"Unmapped" category', "dot", "diamond"),
    "inconsistent_mapping_pct": ('"Inconsistent Mapping" category', "dashdot", "triangle-up"),
}


# --- freshness ---------------------------------------------------------------------------------------------------
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def expected_latest_month(today: dt.date, lag_days: int = PUBLICATION_LAG_DAYS) -> dt.date:
    """The newest month whose GPAD figures should be published by `today`: a month is expected once
    `lag_days` have passed since it ended (e.g. on 23 Nov, September, which ended 35 days before 4 Nov)."""
    month = add_months(month_start(today), -1)
    while add_months(month, 1) + dt.timedelta(days=lag_days - 1) > today:
        month = add_months(month, -1)
    return month


@dataclass(frozen=True)
class Freshness:
    newest: dt.date | None
    expected: dt.date
    months_behind: int
    stale: bool
    message: str


def freshness(newest: dt.date | None, today: dt.date) -> Freshness:
    expected = expected_latest_month(today)
    if newest is None:
        return Freshness(
            None, expected, 0, True, "No appointment data is loaded yet: load a GPAD zip below."
        )
    newest = month_start(newest)
    behind = (expected.year - newest.year) * 12 + expected.month - newest.month
    if behind <= 0:
        message = (
            f"Appointment data is up to date: the newest month held, {newest:%B %Y}, is the newest "
            f"expected to be published by {today:%d %B %Y}."
        )
        return Freshness(newest, expected, 0, False, message)
    message = (
        f"The newest month held is {newest:%B %Y}, but {expected:%B %Y} should have been published by "
        f"{today:%d %B %Y} (GPAD is published monthly, about 4-5 weeks after the month ends): "
        f"{behind} month{'s' if behind != 1 else ''} behind. Load the latest practice-level zip."
    )
    return Freshness(newest, expected, behind, True, message)


# --- coverage for a scope ----------------------------------------------------------------------------------------
def scope_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the whole scope per month (frame: coverage_by_icb_month): ICB counts summed."""
    columns = ["practices_open", "practices_in_data", "open_with_data", "dropped_out", "joined"]
    if frame.empty:
        return pd.DataFrame(columns=["month", *columns, "coverage_pct"])
    sums = frame.groupby("month", as_index=False)[columns].sum()
    sums["coverage_pct"] = (
        100.0 * sums["open_with_data"] / sums["practices_open"].where(sums["practices_open"] > 0)
    ).round(1)
    return sums


def coverage_caveat(frame: pd.DataFrame, month: dt.date | None, scope_label: str) -> str | None:
    """A sentence for headline pages when the scope's coverage in `month` (else its latest) is poor; else None."""
    totals = scope_coverage(frame)
    if totals.empty:
        return None
    months = pd.to_datetime(totals["month"]).dt.date
    row = totals[months == month] if month is not None and (months == month).any() else totals
    last = row.iloc[-1]
    pct = last["coverage_pct"]
    if pd.isna(pct) or pct >= POOR_COVERAGE_PCT:
        return None
    when = pd.Timestamp(last["month"])
    return (
        f"Incomplete data: in {when:%B %Y} only {fmt_int(last['open_with_data'])} of "
        f"{fmt_int(last['practices_open'])} open practices in {scope_label} ({fmt_pct(pct)}) have appointment "
        f"data, below the {POOR_COVERAGE_PCT:.0f}% this dashboard treats as complete. Appointment figures "
        "for this scope may not be representative; see the Data page."
    )


# --- load history --------------------------------------------------------------------------------------------------
HISTORY_COLUMNS = [
    "loaded_at",
    "outcome",
    "file_name",
    "file_kind",
    "rows",
    "months",
    "loaded_by",
    "sha256",
    "problems",
]


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The `load_history` query (loaded and refused files), newest first, blanks for what does not apply."""
    table = history.reindex(columns=HISTORY_COLUMNS).copy()
    table["loaded_at"] = pd.to_datetime(table["loaded_at"])
    for column in ("problems", "months", "file_kind"):
        table[column] = table[column].fillna("")
    return table.sort_values(["loaded_at", "file_name"], ascending=[False, True]).reset_index(
        drop=True
    )


# --- charts --------------------------------------------------------------------------------------------------------
def coverage_over_time(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Coverage of the scope by month, with the 95% line below which pages carry a caveat."""
    data = scope_coverage(frame)[["month", "practices_open", "open_with_data", "coverage_pct"]]
    title = _coverage_finding(data, scope_label)
    first, last = _period(data)
    subtitle = f"{scope_label} · {describe_period(first, last)} · share of open practices with appointment data"
    draw = partial(_coverage_figure, data, title=title, subtitle=subtitle)
    alt = _coverage_alt(data, scope_label)
    return Chart(
        "coverage_over_time", title, subtitle, draw, data, alt, SOURCE_GPAD, (COVERAGE_NOTE,)
    )


def _coverage_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    figure = go.Figure()
    figure.add_scatter(
        x=data["month"],
        y=data["coverage_pct"],
        name="Open practices with data",
        mode="lines+markers",
        line={"color": theme.NHS_BLUE},
        marker={"symbol": "circle", "size": 7},
        customdata=data[["open_with_data", "practices_open"]].to_numpy(),
        hovertemplate="%{x|%b %Y}: %{y:.1f}% (%{customdata[0]:,} of %{customdata[1]:,})<extra></extra>",
    )
    figure.add_hline(
        y=POOR_COVERAGE_PCT,
        line={"dash": "dash", "color": theme.NHS_DARK_GREY},
        annotation_text=f"{POOR_COVERAGE_PCT:.0f}%: below this, pages show a caveat",
        annotation_position="bottom right",
    )
    style(figure, title=title, subtitle=subtitle, source=SOURCE_GPAD)
    low = data["coverage_pct"].min()
    bottom = 0 if pd.isna(low) else max(0.0, min(90.0, float(low) - 5))
    figure.update_yaxes(title="Open practices with data (%)", range=[bottom, 101], ticksuffix="%")
    return figure


def _coverage_alt(data: pd.DataFrame, scope_label: str) -> str:
    head = f"Line chart of the share of open practices with appointment data in {scope_label}, by month."
    shown = data.dropna(subset=["coverage_pct"])
    if shown.empty:
        return head + " No months with practices open."

    def words(r: pd.Series) -> str:
        return (
            f"{pd.Timestamp(r['month']):%b %Y}: {fmt_pct(r['coverage_pct'])} "
            f"({fmt_int(r['open_with_data'])} of {fmt_int(r['practices_open'])})"
        )

    if len(shown) <= 12:
        return head + " " + "; ".join(words(r) for _, r in shown.iterrows()) + "."
    below = shown[shown["coverage_pct"] < POOR_COVERAGE_PCT]
    parts = [
        f"First month {words(shown.iloc[0])}",
        f"latest {words(shown.iloc[-1])}",
        f"lowest {words(shown.loc[shown['coverage_pct'].idxmin()])}",
        f"{len(below)} of {len(shown)} months below {POOR_COVERAGE_PCT:.0f}%",
    ]
    return head + " " + "; ".join(parts) + ". The data table lists every month."


def _period(data: pd.DataFrame) -> tuple[dt.date | None, dt.date | None]:
    if data.empty:
        return None, None
    months = pd.to_datetime(data["month"])
    return months.min().date(), months.max().date()


def _coverage_finding(data: pd.DataFrame, scope_label: str) -> str:
    shown = data.dropna(subset=["coverage_pct"])
    if shown.empty:
        return f"No appointment data or practice list held for {scope_label}"
    last = shown.iloc[-1]
    low = shown.loc[shown["coverage_pct"].idxmin()]
    text = (
        f"{fmt_pct(last['coverage_pct'])} of open practices had appointment data in "
        f"{pd.Timestamp(last['month']):%B %Y}"
    )
    if len(shown) > 1 and low["coverage_pct"] < last["coverage_pct"]:
        text += f"; lowest {fmt_pct(low['coverage_pct'])} in {pd.Timestamp(low['month']):%B %Y}"
    elif len(shown) > 1 and shown["coverage_pct"].min() == shown["coverage_pct"].max():
        text += f", as in every month since {pd.Timestamp(shown['month'].iloc[0]):%B %Y}"
    return text


def coverage_by_icb(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Each ICB's coverage in the latest month of the period; ICBs below the threshold marked in words."""
    latest = frame[frame["month"] == frame["month"].max()] if not frame.empty else frame
    data = latest[
        ["icb_code", "icb_name", "month", "practices_open", "open_with_data", "coverage_pct"]
    ].copy()
    data.insert(1, "icb", data["icb_name"].map(icb_label))
    data["below_threshold"] = data["coverage_pct"] < POOR_COVERAGE_PCT
    data = data.sort_values(["coverage_pct", "icb"]).reset_index(drop=True)  # lowest first
    labels = [
        f"{fmt_pct(p)} ({fmt_int(w)} of {fmt_int(o)})" + (" · below 95%" if b else "")
        for p, w, o, b in zip(
            data["coverage_pct"],
            data["open_with_data"],
            data["practices_open"],
            data["below_threshold"],
            strict=True,
        )
    ]
    month = pd.Timestamp(data["month"].iloc[0]) if not data.empty else None
    title = _icb_coverage_finding(data, month)
    when = "" if month is None else f"{month:%b %Y} · "
    subtitle = (
        f"{scope_label} · {when}share of open practices with data, lowest first; dashed line 95%"
    )
    draw = partial(_icb_coverage_figure, data, labels, title=title, subtitle=subtitle)
    alt = _icb_coverage_alt(data, labels, scope_label)
    shown = data.drop(columns="icb_name")
    return Chart(
        "coverage_by_icb", title, subtitle, draw, shown, alt, SOURCE_GPAD, (COVERAGE_NOTE,)
    )


def _icb_coverage_finding(data: pd.DataFrame, month: pd.Timestamp | None) -> str:
    below = int(data["below_threshold"].sum())
    return (
        "No ICB data held for this scope"
        if data.empty
        else f"{below} of {len(data)} ICBs had appointment data for fewer than 95% of open practices "
        f"in {month:%B %Y}"
        if below
        else f"Every ICB had appointment data for at least 95% of open practices in {month:%B %Y}"
    )


def _icb_coverage_alt(data: pd.DataFrame, labels: list[str], scope_label: str) -> str:
    described = [f"{icb}: {label}" for icb, label in zip(data["icb"], labels, strict=True)]
    if len(described) > 12:
        below_list = [d for d, b in zip(described, data["below_threshold"], strict=True) if b]
        described = [
            f"lowest {described[0]}",
            f"highest {described[-1]}",
            f"below 95%: {'; '.join(below_list) if below_list else 'none'}",
            "the data table lists every ICB",
        ]
    return (
        f"Bar chart of each ICB's share of open practices with appointment data in {scope_label}, "
        f"lowest first. " + "; ".join(described) + "."
    )


def _icb_coverage_figure(
    data: pd.DataFrame, labels: list[str], *, title: str, subtitle: str
) -> go.Figure:
    """A bar per ICB, those below the threshold in orange and hatched, the threshold dashed."""
    below = data["below_threshold"]
    figure = go.Figure(
        go.Bar(
            y=data["icb"],
            x=data["coverage_pct"].fillna(0),
            orientation="h",
            text=labels,
            textposition="outside",
            marker={
                "color": [theme.NHS_ORANGE if b else theme.NHS_BLUE for b in below],
                "pattern": {
                    "shape": ["/" if b else "" for b in below],
                    "fillmode": "overlay",
                    "fgcolor": theme.NHS_WHITE,
                },
            },
            hovertemplate="%{y}: %{text}<extra></extra>",
            showlegend=False,
        )
    )
    figure.add_vline(x=POOR_COVERAGE_PCT, line={"dash": "dash", "color": theme.NHS_DARK_GREY})
    style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_GPAD,
        height=max(380, 170 + 28 * len(data)),
    )
    figure.update_xaxes(range=[0, 135], ticksuffix="%")
    figure.update_yaxes(autorange="reversed")
    return figure


QUALITY_NOTE = (
    "GPAD counts only appointments recorded in practice systems mapped to the national categories; "
    '"Unmapped" and "Inconsistent Mapping" are appointments whose local slot type could not be mapped.'
)


def recording_quality(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Shares of appointments with unknown mode or status, or in the Unmapped / Inconsistent Mapping categories,
    for the whole scope by month (frame: recording_quality_by_icb_month)."""
    counts = ["appointments", "unknown_mode", "unknown_status", "unmapped", "inconsistent_mapping"]
    if frame.empty:
        data = pd.DataFrame(columns=["month", *counts, *QUALITY_SHARES])
    else:
        data = frame.groupby("month", as_index=False)[counts].sum()
        for column in QUALITY_SHARES:
            part = column.removesuffix("_pct")
            data[column] = (100.0 * data[part] / data["appointments"]).round(2)
    first, last = _period(data)
    title = _quality_finding(data)
    subtitle = f"{scope_label} · {describe_period(first, last)} · share of all appointments"
    draw = partial(_quality_figure, data, title=title, subtitle=subtitle)
    alt = _quality_alt(data, scope_label)
    return Chart(
        "recording_quality", title, subtitle, draw, data, alt, SOURCE_GPAD, (QUALITY_NOTE,)
    )


def _quality_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """A line per recording problem, each with its own dash and marker."""
    figure = go.Figure()
    for column, (name, dash, symbol) in QUALITY_SHARES.items():
        figure.add_scatter(
            x=data["month"],
            y=data[column],
            name=name,
            mode="lines+markers",
            line={"dash": dash},
            marker={"symbol": symbol, "size": 7},
            hovertemplate="%{x|%b %Y}: %{y:.2f}%<extra>" + name + "</extra>",
        )
    style(figure, title=title, subtitle=subtitle, source=SOURCE_GPAD)
    figure.update_yaxes(title="Share of appointments (%)", rangemode="tozero", ticksuffix="%")
    return figure


def _quality_alt(data: pd.DataFrame, scope_label: str) -> str:
    shown = data if len(data) <= 6 else data.iloc[[0, -1]]
    return (
        f"Line chart of recording quality in {scope_label} by month"
        + ("" if len(data) <= 6 else " (first and latest month; the data table lists every month)")
        + ". "
        + " ".join(
            f"{pd.Timestamp(r['month']):%b %Y}: "
            + ", ".join(f"{n} {fmt_pct(r[c], 2)}" for c, (n, _, _) in QUALITY_SHARES.items())
            + "."
            for _, r in shown.iterrows()
        )
    )


def _quality_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No appointment data held for this scope"
    last = data.iloc[-1]
    unmapped = last["unmapped_pct"] + last["inconsistent_mapping_pct"]
    return (
        f"In {pd.Timestamp(last['month']):%B %Y}, {fmt_pct(unmapped)} of appointments had no usable national "
        f"category and {fmt_pct(last['unknown_mode_pct'])} an unknown mode"
    )


DROPPED_NOTE = (
    "A practice that dropped out may have closed or merged, or its data may be missing this month. "
    "Months with no month before them in the data are not counted."
)


def dropped_out(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Practices whose data dropped out (in the data the month before, not this month) and practices that joined."""
    data = scope_coverage(frame)[["month", "dropped_out", "joined"]]
    first, last = _period(data)
    title = _dropped_finding(data, scope_label)
    subtitle = f"{scope_label} · {describe_period(first, last)} · practices, month on month"
    draw = partial(_dropped_figure, data, title=title, subtitle=subtitle)
    alt = (
        f"Bar chart of practices whose data dropped out or joined in {scope_label}, by month. "
        + (_dropped_alt(data) if not data.empty else "No months held.")
    )
    return Chart("dropped_out", title, subtitle, draw, data, alt, SOURCE_GPAD, (DROPPED_NOTE,))


def _dropped_finding(data: pd.DataFrame, scope_label: str) -> str:
    total = int(data["dropped_out"].sum()) if not data.empty else 0
    if total == 0:
        return "No practice's data dropped out from one month to the next"
    text = f"{fmt_int(total)} times a practice's data stopped from one month to the next in {scope_label}"
    if len(data) > 1:
        text += f"; most in {pd.Timestamp(data.loc[data['dropped_out'].idxmax(), 'month']):%B %Y}"
    return text


def _dropped_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """Bars per month: practices whose data dropped out (orange, hatched) and practices that joined."""
    figure = go.Figure()
    figure.add_bar(
        x=data["month"],
        y=data["dropped_out"],
        name="Dropped out (data last month, none this month)",
        marker={
            "color": theme.NHS_ORANGE,
            "pattern": {"shape": "/", "fillmode": "overlay", "fgcolor": theme.NHS_WHITE},
        },
        hovertemplate="%{x|%b %Y}: %{y:,} dropped out<extra></extra>",
    )
    figure.add_bar(
        x=data["month"],
        y=data["joined"],
        name="Joined (data this month, none last month)",
        marker={"color": theme.NHS_BLUE},
        hovertemplate="%{x|%b %Y}: %{y:,} joined<extra></extra>",
    )
    style(figure, title=title, subtitle=subtitle, source=SOURCE_GPAD)
    figure.update_layout(barmode="group")
    figure.update_yaxes(title="Practices", rangemode="tozero", tickformat=",d")
    return figure


def _dropped_alt(data: pd.DataFrame) -> str:
    rows = data if len(data) <= 12 else data[(data["dropped_out"] > 0) | (data["joined"] > 0)]
    if len(rows) > 12:
        top = rows.sort_values(["dropped_out", "month"], ascending=[False, True]).head(3)
        return (
            f"Over {len(data)} months, {fmt_int(data['dropped_out'].sum())} dropped out and "
            f"{fmt_int(data['joined'].sum())} joined; most dropped out in "
            + ", ".join(
                f"{pd.Timestamp(r.month):%b %Y} ({fmt_int(r.dropped_out)})"
                for r in top.itertuples()
            )
            + ". The data table lists every month."
        )
    return (
        "; ".join(
            f"{pd.Timestamp(r.month):%b %Y}: {fmt_int(r.dropped_out)} dropped out, {fmt_int(r.joined)} joined"
            for r in rows.itertuples(index=False)
        )
        or "None dropped out or joined"
    ) + "."
