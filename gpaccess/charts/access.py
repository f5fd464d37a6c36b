"""Access charts: mode mix over time, ICBs compared, the unlabelled spread of practices' face-to-face share, and
support identification reach (counts only, small numbers suppressed)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.base import SOURCE_GPAD, Chart, style
from gpaccess.charts.trim import TRIM_BY_TOTAL
from gpaccess.charts.words import listing
from gpaccess.disclosure import FEWER_THAN, SMALL_NUMBER, shown_count, shown_share, too_few
from gpaccess.identification import SUPPORT_MEASURES
from gpaccess.labels import icb_label

SOURCE_BOTH = SOURCE_GPAD + " Programme tracker (NHS England and ICBs)."

MODES = (  # column of access_counts_monthly.sql -> label, colour, pattern
    ("face_to_face", "Face-to-face", theme.NHS_BLUE, ""),
    ("telephone", "Telephone", theme.NHS_ORANGE, "/"),
    ("video_online", "Video or online", theme.NHS_DARK_GREEN, "."),
    ("home_visit", "Home visit", theme.NHS_PINK, "x"),
    ("unknown_mode", "Unknown mode", theme.NHS_MID_GREY, "-"),
)


def mode_mix(frame: pd.DataFrame, scope_label: str, period_label: str) -> Chart:
    """Share of appointments by mode, month by month (frame: access_counts_monthly.sql)."""
    data = pd.DataFrame({"month": pd.to_datetime(frame["month"]).dt.date})
    for column, _label, _, _ in MODES:
        data[f"{column}_pct"] = (100.0 * frame[column] / frame["appointments"]).round(1)
    latest = data.iloc[-1]
    title = (
        f"In {latest['month']:%b %Y}, {latest['face_to_face_pct']:.0f}% of appointments were face to face "
        f"and {latest['telephone_pct']:.0f}% by telephone"
    )
    subtitle = f"{scope_label} · monthly, {period_label} · share of all appointments by mode"
    draw = partial(_mode_figure, data, title=title, subtitle=subtitle)
    alt = (
        f"Stacked bar chart of the share of appointments by mode in {scope_label}, monthly from "
        f"{data['month'].iloc[0]:%B %Y} to {latest['month']:%B %Y}. Latest month: "
        + ", ".join(f"{label.lower()} {latest[f'{c}_pct']:.1f}%" for c, label, _, _ in MODES)
        + "."
    )
    return Chart("mode_mix", title, subtitle, draw, data, alt, SOURCE_GPAD)


def _mode_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """Stacked bars per month, a colour and pattern per mode."""
    figure = go.Figure()
    for column, label, colour, pattern in MODES:
        figure.add_bar(
            x=data["month"],
            y=data[f"{column}_pct"],
            name=label,
            marker={"color": colour, "pattern": {"shape": pattern}},
            hovertemplate=f"{label}: %{{y:.1f}}%<extra>%{{x|%b %Y}}</extra>",
        )
    figure.update_layout(
        barmode="stack", yaxis={"title": "Share of appointments (%)", "range": [0, 100]}
    )
    return style(figure, title=title, subtitle=subtitle, source=SOURCE_GPAD)


ICB_MEASURES = {
    "face_to_face_pct": ("Face-to-face share (%)", "{:.1f}%"),
    "appointments_per_1000": ("Appointments per 1,000 patients per month", "{:,.0f}"),
    "same_day_pct": ("Same-day share (%)", "{:.1f}%"),
    "dna_pct": ("Did-not-attend rate (%)", "{:.1f}%"),
    "within_2_weeks_pct": ("Booked within 2 weeks (%)", "{:.1f}%"),
    "gp_pct": ("Share with a GP (%)", "{:.1f}%"),
}
# the monthly measures drawn as SPC charts on the access page and its slides, in tab order
TREND_COLUMNS = (
    "face_to_face_pct",
    "dna_pct",
    "same_day_pct",
    "within_2_weeks_pct",
    "appointments_per_1000",
)


def icbs_compared(
    frame: pd.DataFrame,
    column: str,
    area_label: str,
    period_label: str,
    highlight: str | None = None,
) -> Chart:
    """One measure for each ICB of a region or of England, ICB names on the axis (frame: access_by_icb.sql)."""
    label, fmt = ICB_MEASURES[column]
    data = frame[["icb_code", "icb_name", "practices", "appointments", column]].copy()
    data["icb_name"] = data["icb_name"].map(icb_label)
    data[column] = data[column].astype(float).round(1)
    data["selected"] = data["icb_code"] == highlight
    data = data.sort_values(column, ascending=True).reset_index(drop=True)
    top, bottom = data.iloc[-1], data.iloc[0]
    title = (
        f"{label.split(' (')[0]} ranged from {fmt.format(bottom[column])} ({bottom['icb_name']}) to "
        f"{fmt.format(top[column])} ({top['icb_name']})"
    )
    subtitle = f"ICBs of {area_label} · {period_label}"
    draw = partial(_icbs_figure, data, column, title=title, subtitle=subtitle)
    alt = (
        f"Bar chart of {label.lower()} for the {len(data)} ICBs of {area_label}, {period_label}: "
        + "; ".join(f"{r.icb_name} {fmt.format(getattr(r, column))}" for r in data.itertuples())
        + "."
    )
    return Chart(f"icbs_{column}", title, subtitle, draw, data, alt, SOURCE_GPAD)


def _icbs_figure(data: pd.DataFrame, column: str, *, title: str, subtitle: str) -> go.Figure:
    """A bar per ICB, the selected ICB darker and hatched and said in words."""
    label, fmt = ICB_MEASURES[column]
    chosen = data["selected"]
    figure = go.Figure(
        go.Bar(
            x=data[column],
            y=data["icb_name"],
            orientation="h",
            marker={
                "color": [theme.NHS_DARK_BLUE if c else theme.NHS_LIGHT_BLUE for c in chosen],
                "pattern": {"shape": ["/" if c else "" for c in chosen]},
            },
            text=[
                fmt.format(v) + (" (selected)" if c else "")
                for v, c in zip(data[column], chosen, strict=True)
            ],
            textposition="outside",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    return area_bars_layout(figure, data[column], label, title=title, subtitle=subtitle, left=260)


def area_bars_layout(
    figure: go.Figure, values: pd.Series, label: str, *, title: str, subtitle: str, left: int
) -> go.Figure:
    """The layout of a bar per area (ICB, sub-ICB location, PCN): room for the value labels past the
    longest bar, a row's height per area, the area names in a `left` margin."""
    figure.update_layout(
        xaxis={"title": label, "range": [0, float(values.max()) * 1.2]}, showlegend=False
    )
    figure.update_traces(cliponaxis=False)
    style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_GPAD,
        height=max(380, 140 + 28 * len(values)),
    )
    figure.update_layout(margin={"l": left})
    return figure


def share_distribution(frame: pd.DataFrame, scope_label: str, month_label: str) -> Chart:
    """How many practices fall in each 5-point band of face-to-face share: no labels, no ranking
    (frame: practice_share_distribution.sql)."""
    data = frame[["band_from", "band_to", "practices"]].copy()
    data["band"] = [f"{a}-{b}%" for a, b in zip(data["band_from"], data["band_to"], strict=True)]
    data = data[["band", "band_from", "band_to", "practices"]]
    total = int(frame["practices_total"].iloc[0]) if len(frame) else 0
    median = float(frame["median_share"].iloc[0]) if total else float("nan")
    title = (
        f"Half of the {total:,} practices had a face-to-face share below {median:.1f}%"
        if total
        else ("No practice had appointments in this month")
    )
    subtitle = f"{scope_label} · {month_label} · practices per 5-point band of face-to-face share"
    draw = partial(_spread_figure, data, median if total else None, title=title, subtitle=subtitle)
    alt = (
        f"Histogram of the face-to-face share of {total:,} practices in {scope_label}, {month_label}, in bands of "
        "5 percentage points: "
        + "; ".join(f"{r.band} {r.practices}" for r in data.itertuples() if r.practices)
        + f". Median {median:.1f}%. Practices are not named or ranked."
    )
    notes = ("Practices are counted, not named: this chart shows the spread, not a league table.",)
    return Chart(
        "practice_share_distribution", title, subtitle, draw, data, alt, SOURCE_GPAD, notes
    )


def _spread_figure(
    data: pd.DataFrame, median: float | None, *, title: str, subtitle: str
) -> go.Figure:
    """A histogram of practices per band, the median dashed (none when no practice had appointments)."""
    figure = go.Figure(
        go.Bar(
            x=data["band_from"] + 2.5,
            y=data["practices"],
            width=4.6,
            marker={"color": theme.NHS_BLUE},
            customdata=data["band"],
            hovertemplate="%{customdata}: %{y} practices<extra></extra>",
        )
    )
    if median is not None:
        figure.add_vline(x=median, line={"color": theme.NHS_DARK_GREY, "dash": "dash"})
        figure.add_annotation(
            x=median,
            y=1,
            yref="paper",
            text=f"median {median:.1f}%",
            showarrow=False,
            yanchor="bottom",
        )
    figure.update_layout(
        xaxis={
            "title": "Face-to-face share of the practice's appointments (%)",
            "range": [0, 100],
            "dtick": 10,
        },
        yaxis={"title": "Practices", "rangemode": "tozero"},
        showlegend=False,
        bargap=0,
    )
    return style(figure, title=title, subtitle=subtitle, source=SOURCE_GPAD)


REACH_STYLES = {  # series -> colour, pattern, text colour
    "Lowest 20%, in Accelerate or GPIP": (theme.NHS_BLUE, "", theme.NHS_WHITE),
    "Lowest 20%, in neither programme": (theme.NHS_WARM_YELLOW, "/", theme.NHS_BLACK),
    "In a programme, not in the lowest 20%": (theme.NHS_PALE_GREY, ".", theme.NHS_BLACK),
}


def support_reach(
    frame: pd.DataFrame, measure: str, scope_label: str, window_label: str, exact_for: str | None
) -> Chart:
    """Per ICB: practices in the lowest 20% in a programme or not, and supported practices outside it.

    Counts below 5 are suppressed ("fewer than 5", no bar) except for `exact_for` (the viewer's own ICB).
    frame: support_reach.sql."""
    label = SUPPORT_MEASURES[measure].label
    data = reach_table(frame, exact_for)
    title = _reach_finding(frame, label)
    subtitle = f"{scope_label} · {window_label} · practices per ICB"
    draw = partial(_reach_figure, data, title=title, subtitle=subtitle)
    alt = (
        f"Stacked bar chart, per ICB of {scope_label}, of practices in the lowest 20% on {label.lower()} "
        f"({window_label}) in a programme or not, and practices in a programme outside the lowest 20%: "
        + listing([f"{icb}: " + ", ".join(parts) for icb, parts in _reach_by_icb(data).items()])
    )
    notes = (f"Counts below {SMALL_NUMBER} show '{FEWER_THAN}' and no bar.",)
    return Chart(f"support_reach_{measure}", title, subtitle, draw, data, alt, SOURCE_BOTH, notes)


def _reach_by_icb(data: pd.DataFrame) -> dict[str, list[str]]:
    """Each ICB's counts in words, in the table's order ('12 (lowest 20%, in Accelerate or GPIP)')."""
    by_icb: dict[str, list[str]] = {}
    for r in data.itertuples(index=False):
        by_icb.setdefault(r.icb, []).append(f"{r.shown_as} ({r.series[0].lower()}{r.series[1:]})")
    return by_icb


def reach_table(frame: pd.DataFrame, exact_for: str | None) -> pd.DataFrame:
    """A row per ICB and series (REACH_STYLES) with its count of practices, suppressed below 5 except for
    `exact_for`, and the count in words."""
    rows = []
    for r in frame.itertuples(index=False):
        exact = r.icb_code == exact_for
        for series, value in (
            ("Lowest 20%, in Accelerate or GPIP", int(r.lowest_in_either)),
            ("Lowest 20%, in neither programme", int(r.lowest) - int(r.lowest_in_either)),
            ("In a programme, not in the lowest 20%", int(r.supported_not_lowest)),
        ):
            shown = not too_few(value, exact=exact, ranking=True)
            rows.append(
                {
                    "icb": icb_label(r.icb_name),
                    "series": series,
                    "practices": value if shown else None,
                    "shown_as": shown_count(value, exact=exact, ranking=True),
                }
            )
    data = pd.DataFrame(rows, columns=["icb", "series", "practices", "shown_as"])
    data["practices"] = data["practices"].astype("Int64")
    return data


def _reach_finding(frame: pd.DataFrame, label: str) -> str:
    lowest = int(frame["lowest"].sum())
    reached = int(frame["lowest_in_either"].sum())
    share = shown_share(reached, lowest, ranking=True, digits=0)
    return (
        f"{share} of the practices in their ICB's lowest 20% on {label.lower()} are or were in Accelerate or GPIP"
        if share.endswith("%")
        else f"{FEWER_THAN} practices in the lowest 20% on {label.lower()} are in a programme"
    )


def _reach_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """Stacked bars per ICB, a colour and pattern per series, the count in words inside each bar."""
    figure = go.Figure()
    for series, (colour, pattern, text_colour) in REACH_STYLES.items():
        part = data[data["series"] == series]
        figure.add_bar(
            y=part["icb"],
            x=part["practices"].astype("Float64").fillna(0),
            name=series,
            orientation="h",
            marker={
                "color": colour,
                "pattern": {
                    "shape": pattern,
                    "fillmode": "overlay",
                    "fgcolor": theme.NHS_DARK_GREY,
                    "fgopacity": 0.6,
                },
                "line": {"color": theme.NHS_DARK_GREY, "width": 1},
            },
            text=part["shown_as"],
            textposition="inside",
            insidetextfont={"color": text_colour, "size": 14},
            insidetextanchor="middle",
            hovertemplate="%{y}: %{text}<extra>" + series + "</extra>",
        )
    figure.update_layout(
        barmode="stack", xaxis={"title": "Practices", "rangemode": "tozero"}, meta=TRIM_BY_TOTAL
    )  # on screen: the ICBs with the 10 most and 10 fewest practices in all (charts.trim)
    icbs = data["icb"].nunique()
    style(
        figure, title=title, subtitle=subtitle, source=SOURCE_BOTH, height=max(420, 260 + 34 * icbs)
    )
    figure.update_layout(
        margin={"l": 260, "t": 150},
        yaxis={"autorange": "reversed"},
        legend={
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
            "xanchor": "left",
            "traceorder": "normal",
        },
    )
    return figure


SUPPORT_LIST_NOTE = (
    "OFFICIAL-SENSITIVE: practice names are for the ICB's own use in offering support; NHS England "
    "committed to no league tables and no published practice names."
)


def support_list(frame: pd.DataFrame, measure: str, scope_label: str, window_label: str) -> Chart:
    """The ICB's named lowest 20% (OFFICIAL-SENSITIVE: only ever built from `support_list.sql`, which runs
    for the ICB's own authorised viewer alone). A table: rank, practice, value, programmes."""
    label = SUPPORT_MEASURES[measure].label
    data = pd.DataFrame(
        {
            "rank_in_icb": frame["rank_in_icb"].astype(int),
            "practice_code": frame["practice_code"],
            "practice_name": frame["practice_name"],
            "value": frame["value"].astype(float).round(1),
            "in_accelerate": frame["in_accelerate"].map({True: "yes", False: "no"}),
            "in_gpip": frame["in_gpip"].map({True: "yes", False: "no"}),
        }
    )
    in_programme = int((frame["in_accelerate"] | frame["in_gpip"]).sum())
    title = (
        f"{len(data)} practices are in {scope_label}'s lowest 20% on {label.lower()}; "
        f"{in_programme} of them are or were in Accelerate or GPIP"
    )
    subtitle = f"OFFICIAL-SENSITIVE · {scope_label} · {window_label} · for the ICB's own use, do not publish"
    draw = partial(_list_figure, data, label, title=title, subtitle=subtitle)
    alt = (
        f"Table of the {len(data)} practices in {scope_label}'s lowest 20% on {label.lower()}, {window_label}, "
        f"ranked from the lowest; {in_programme} are or were in a programme."
    )
    return Chart(
        "support_list", title, subtitle, draw, data, alt, SOURCE_BOTH, (SUPPORT_LIST_NOTE,)
    )


def _list_figure(data: pd.DataFrame, label: str, *, title: str, subtitle: str) -> go.Figure:
    """A Plotly table of the named practices, the measure's `label` heading its values."""
    headers = [
        "Rank in ICB (1 = lowest)",
        "Practice code",
        "Practice",
        label,
        "In Accelerate",
        "In GPIP",
    ]
    figure = go.Figure(
        go.Table(
            header={
                "values": headers,
                "fill_color": theme.NHS_BLUE,
                "font": {"color": theme.NHS_WHITE},
            },
            cells={"values": [data[c] for c in data.columns], "align": "left"},
        )
    )
    return style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_BOTH,
        height=max(420, 160 + 28 * len(data)),
    )
