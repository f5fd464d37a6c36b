"""Access in depth (#16): how long patients waited from booking, who they saw (GP or other practice staff), the
national appointment categories, this month against the same month last year, and the sub-ICB locations and PCNs
of an ICB. Pure: DataFrames of the queries in, Charts out. Definitions as NHS England publishes them: booked within
2 weeks is Same Day to 8 to 14 days of appointments with a known interval; GP share is of a known staff type."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.access import area_bars_layout
from gpaccess.charts.appointments import MEASURES
from gpaccess.charts.base import SOURCE_GPAD, Chart, style
from gpaccess.disclosure import FEWER_THAN, SMALL_NUMBER, too_few
from gpaccess.reference import TIME_BANDS, UNKNOWN_BAND, WITHIN_2_WEEKS_BANDS

TOP_CATEGORIES = 10  # national categories drawn (of about 18)
# measures of the year-on-year comparison (columns of appointments_monthly.sql), in the page's order
YEAR_ON_YEAR = (
    "face_to_face_pct",
    "telephone_pct",
    "dna_pct",
    "same_day_pct",
    "within_2_weeks_pct",
    "gp_pct",
    "appointments_per_1000",
)
# measures of the within-ICB comparisons: column -> (label, numerator, denominator) of access_by_pcn.sql's counts
AREA_MEASURES = {
    "within_2_weeks_pct": ("Booked within 2 weeks (%)", "within_2_weeks", "known_interval"),
    "face_to_face_pct": ("Face-to-face share (%)", "face_to_face", "appointments"),
    "same_day_pct": ("Same-day share (%)", "same_day", "appointments"),
    "dna_pct": ("Did-not-attend rate (%)", "dna", "appointments"),
    "gp_pct": ("Share with a GP (%)", "gp", "known_staff"),
}
SMALL_PCNS = f"PCNs of {FEWER_THAN} practices, together"


def _latest_and_year_before(months: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    latest = pd.Timestamp(months.max())
    return latest, latest - pd.DateOffset(years=1)


def wait_distribution(mix: pd.DataFrame, scope_label: str) -> Chart | None:
    """Share of appointments by time from booking, the latest month against the same month a year before
    (mix: access_mix_monthly.sql for time_band, every month held). None without a known interval."""
    known = mix[mix["category"] != UNKNOWN_BAND].dropna(subset=["share_pct"])
    if known.empty:
        return None
    months = pd.to_datetime(known["month"])
    latest, before = _latest_and_year_before(months)
    now = known[months == latest].set_index("category")["share_pct"]
    then = known[months == before].set_index("category")["share_pct"]
    bands = [b for b in TIME_BANDS if b != UNKNOWN_BAND]
    data = pd.DataFrame(
        {
            "time_band": bands,
            "share_pct": [round(float(now.get(b, 0.0)), 1) for b in bands],
            "share_pct_year_before": [
                round(float(then[b]), 1) if b in then.index else float("nan") for b in bands
            ],
        }
    )
    within = float(now.reindex(list(WITHIN_2_WEEKS_BANDS)).fillna(0).sum())
    title = (
        f"In {latest:%b %Y}, {within:.1f}% of appointments were booked within 2 weeks; "
        f"{float(now.get('Same Day', 0.0)):.1f}% the same day"
    )
    subtitle = f"{scope_label} · {latest:%b %Y} and {before:%b %Y} · share of appointments with a known interval"
    draw = partial(_bands_figure, data, latest, before, title=title, subtitle=subtitle)
    alt = (
        f"Bar chart of the time from booking to appointment in {scope_label}, {latest:%B %Y}: "
        + "; ".join(f"{r.time_band} {r.share_pct:.1f}%" for r in data.itertuples())
        + "."
    )
    notes = (
        "Appointments whose interval is unknown ('Unknown / Data Issue') are left out of the shares.",
    )
    return Chart("wait_distribution", title, subtitle, draw, data, alt, SOURCE_GPAD, notes)


def _bands_figure(
    data: pd.DataFrame, latest: pd.Timestamp, before: pd.Timestamp, *, title: str, subtitle: str
) -> go.Figure:
    figure = go.Figure()
    figure.add_bar(
        x=data["time_band"],
        y=data["share_pct_year_before"],
        name=f"{before:%b %Y}",
        marker={"color": theme.NHS_PALE_GREY, "line": {"color": theme.NHS_MID_GREY, "width": 1}},
        hovertemplate="%{x}: %{y:.1f}%<extra>" + f"{before:%b %Y}</extra>",
    )
    figure.add_bar(
        x=data["time_band"],
        y=data["share_pct"],
        name=f"{latest:%b %Y}",
        marker={"color": theme.NHS_BLUE},
        text=[f"{v:.1f}%" for v in data["share_pct"]],
        textposition="outside",
        hovertemplate="%{x}: %{y:.1f}%<extra>" + f"{latest:%b %Y}</extra>",
    )
    top = float(pd.concat([data["share_pct"], data["share_pct_year_before"]]).max())
    figure.update_layout(
        barmode="group",
        yaxis={"title": "Share of appointments (%)", "range": [0, top * 1.2]},
        xaxis={"title": "Time from booking to appointment"},
    )
    figure.update_traces(cliponaxis=False)
    return style(figure, title=title, subtitle=subtitle, source=SOURCE_GPAD)


def staff_mix(monthly: pd.DataFrame, scope_label: str, period_label: str) -> Chart | None:
    """GP and other practice staff as shares of appointments with a known staff type, month by month
    (monthly: appointments_monthly.sql for the period). None without a known staff type."""
    rows = monthly.dropna(subset=["gp_pct"])
    if rows.empty:
        return None
    data = pd.DataFrame({"month": pd.to_datetime(rows["month"]).dt.date})
    data["gp_pct"] = rows["gp_pct"].astype(float).round(1).to_numpy()
    data["other_staff_pct"] = (100.0 - rows["gp_pct"].astype(float)).round(1).to_numpy()
    latest = data.iloc[-1]
    title = (
        f"In {latest['month']:%b %Y}, a GP gave {latest['gp_pct']:.1f}% of appointments and other practice "
        f"staff {latest['other_staff_pct']:.1f}%"
    )
    subtitle = (
        f"{scope_label} · monthly, {period_label} · share of appointments with a known staff type"
    )
    draw = partial(_staff_figure, data, title=title, subtitle=subtitle)
    alt = (
        f"Line chart of the share of appointments given by a GP and by other practice staff in {scope_label}, "
        f"monthly from {data['month'].iloc[0]:%B %Y} to {latest['month']:%B %Y}; latest month GP "
        f"{latest['gp_pct']:.1f}%, other practice staff {latest['other_staff_pct']:.1f}%."
    )
    notes = ("Appointments whose staff type is unknown are left out of the shares.",)
    return Chart("staff_mix", title, subtitle, draw, data, alt, SOURCE_GPAD, notes)


def _staff_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    figure = go.Figure()
    for column, name, colour, dash in (
        ("gp_pct", "GP", theme.NHS_DARK_BLUE, "solid"),
        ("other_staff_pct", "Other practice staff", theme.NHS_AQUA_GREEN, "dash"),
    ):
        figure.add_scatter(
            x=data["month"],
            y=data[column],
            name=name,
            mode="lines+markers",
            line={"color": colour, "dash": dash},
            hovertemplate=f"{name}: %{{y:.1f}}%<extra>%{{x|%b %Y}}</extra>",
        )
    figure.update_layout(yaxis={"title": "Share of appointments (%)", "range": [0, 100]})
    return style(figure, title=title, subtitle=subtitle, source=SOURCE_GPAD)


def national_categories(mix: pd.DataFrame, scope_label: str) -> Chart | None:
    """The largest national appointment categories in the latest month, each with its share a year before
    (mix: access_mix_monthly.sql for national_category, every month held)."""
    if mix.empty:
        return None
    months = pd.to_datetime(mix["month"])
    latest, before = _latest_and_year_before(months)
    now = mix[months == latest].set_index("category")["share_pct"].astype(float)
    then = mix[months == before].set_index("category")["share_pct"].astype(float)
    ranked = now.reset_index().sort_values(["share_pct", "category"], ascending=[False, True])
    largest = ranked.head(TOP_CATEGORIES)  # exactly what is drawn, chosen on the unrounded shares
    data = pd.DataFrame(
        {"category": largest["category"], "share_pct": largest["share_pct"].round(1)}
    ).reset_index(drop=True)
    data["share_pct_year_before"] = [
        round(float(then[c]), 1) if c in then.index else float("nan") for c in data["category"]
    ]
    data["change_pp"] = (data["share_pct"] - data["share_pct_year_before"]).round(1)
    top = data.iloc[0]
    title = (
        f"{top['category']} was the largest category in {latest:%b %Y}: {top['share_pct']:.1f}% of appointments"
        + _change_words(top["change_pp"], before)
    )
    subtitle = f"{scope_label} · {latest:%b %Y} against {before:%b %Y} · the {TOP_CATEGORIES} largest categories"

    draw = partial(_categories_figure, data, latest, before, title=title, subtitle=subtitle)
    alt = (
        f"Bar chart of the {len(data)} largest national appointment categories in {scope_label}, {latest:%B %Y}: "
        + "; ".join(f"{r.category} {r.share_pct:.1f}%" for r in data.itertuples())
        + "."
    )
    return Chart("national_categories", title, subtitle, draw, data, alt, SOURCE_GPAD)


def _change_words(change: float, before: pd.Timestamp) -> str:
    if pd.isna(change):
        return ""
    if change == 0:
        return f", as in {before:%b %Y}"
    return f", {abs(change):.1f} points {'up' if change > 0 else 'down'} on {before:%b %Y}"


def _categories_figure(
    data: pd.DataFrame, latest: pd.Timestamp, before: pd.Timestamp, *, title: str, subtitle: str
) -> go.Figure:
    rows = data.iloc[::-1]  # largest at the top
    figure = go.Figure()
    figure.add_bar(
        y=rows["category"],
        x=rows["share_pct_year_before"],
        orientation="h",
        name=f"{before:%b %Y}",
        marker={"color": theme.NHS_PALE_GREY, "line": {"color": theme.NHS_MID_GREY, "width": 1}},
    )
    figure.add_bar(
        y=rows["category"],
        x=rows["share_pct"],
        orientation="h",
        name=f"{latest:%b %Y}",
        marker={"color": theme.NHS_BLUE},
        text=[f"{v:.1f}%" for v in rows["share_pct"]],
        textposition="outside",
    )
    figure.update_layout(barmode="group", xaxis={"title": "Share of appointments (%)"})
    figure.update_traces(cliponaxis=False)
    style(figure, title=title, subtitle=subtitle, source=SOURCE_GPAD, height=140 + 48 * len(rows))
    figure.update_layout(margin={"l": 300})
    return figure


def year_on_year(monthly: pd.DataFrame, scope_label: str) -> Chart | None:
    """Every access measure in the latest month against the same month a year before (monthly:
    appointments_monthly.sql over every month held up to the period's end). None without that earlier month."""
    months = pd.to_datetime(monthly["month"])
    if monthly.empty:
        return None
    latest, before = _latest_and_year_before(months)
    now, then = monthly[months == latest].iloc[0], monthly[months == before]
    if then.empty:
        return None
    then_row = then.iloc[0]
    rows = []
    for column in YEAR_ON_YEAR:
        value, earlier = now.get(column), then_row.get(column)
        if pd.isna(value) or pd.isna(earlier):
            continue
        percent = MEASURES[column].percent
        change = float(value) - float(earlier)
        rows.append(
            {
                "measure": MEASURES[column].label,
                "column": column,
                "value": round(float(value), 1),
                "year_before": round(float(earlier), 1),
                "change": round(change, 1),
                "unit": "percentage points" if percent else "appointments per 1,000 patients",
            }
        )
    if not rows:
        return None
    data = pd.DataFrame(rows)
    title = f"{latest:%b %Y} against {before:%b %Y}: " + _biggest_move(data)
    subtitle = f"{scope_label} · the same month a year apart"
    draw = partial(_yoy_figure, data, latest, before, title=title, subtitle=subtitle)
    alt = (
        f"Table of access measures in {scope_label}, {latest:%B %Y} against {before:%B %Y}: "
        + "; ".join(f"{r.measure} {r.value} against {r.year_before}" for r in data.itertuples())
        + "."
    )
    notes = (
        "The same month a year apart, so seasonal patterns (flu clinics, holidays) do not read as change.",
    )
    return Chart("year_on_year", title, subtitle, draw, data, alt, SOURCE_GPAD, notes)


def _biggest_move(data: pd.DataFrame) -> str:
    shares = data[data["unit"] == "percentage points"]
    if shares.empty:
        row = data.iloc[0]
        return f"{row['measure']} {row['value']:,.1f} (was {row['year_before']:,.1f})"
    row = shares.loc[shares["change"].abs().idxmax()]
    measure = str(row["measure"])
    measure = measure[0].lower() + measure[1:] if measure[1:2].islower() else measure  # "DNA" stays
    way = "up" if row["change"] > 0 else "down" if row["change"] < 0 else "unchanged"
    amount = "" if way == "unchanged" else f" {abs(row['change']):.1f} points"
    return f"{measure} {way}{amount}, the largest move"


def _yoy_figure(
    data: pd.DataFrame, latest: pd.Timestamp, before: pd.Timestamp, *, title: str, subtitle: str
) -> go.Figure:
    def cell(value: float, percent: bool) -> str:
        return f"{value:.1f}%" if percent else f"{value:,.1f}"

    percent = [u == "percentage points" for u in data["unit"]]
    change = [
        (f"{c:+.1f} pts" if p else f"{c:+,.1f}")
        for c, p in zip(data["change"], percent, strict=True)
    ]
    figure = go.Figure(
        go.Table(
            header={
                "values": ["Measure", f"{latest:%b %Y}", f"{before:%b %Y}", "Change"],
                "fill_color": theme.NHS_DARK_BLUE,
                "font": {"color": theme.NHS_WHITE},
                "align": "left",
            },
            cells={
                "values": [
                    data["measure"],
                    [cell(v, p) for v, p in zip(data["value"], percent, strict=True)],
                    [cell(v, p) for v, p in zip(data["year_before"], percent, strict=True)],
                    change,
                ],
                "align": "left",
                "height": 28,
            },
        )
    )
    return style(
        figure, title=title, subtitle=subtitle, source=SOURCE_GPAD, height=160 + 30 * len(data)
    )


def sub_icbs_compared(
    frame: pd.DataFrame, column: str, icb_label: str, period_label: str
) -> Chart | None:
    """One measure for each sub-ICB location of an ICB (frame: access_by_sub_icb.sql)."""
    rows = frame.dropna(subset=[column])
    if rows.empty:
        return None
    data = rows[["sub_icb_code", "sub_icb_name", "practices", "appointments", column]].copy()
    data[column] = data[column].astype(float).round(1)
    return _areas_chart(
        data, "sub_icb_name", column, "sub-ICB locations", icb_label, period_label, "sub_icbs"
    )


def pcns_compared(
    frame: pd.DataFrame, column: str, icb_label: str, period_label: str, *, exact: bool
) -> Chart | None:
    """One measure for each PCN of an ICB (frame: access_by_pcn.sql, counts). The small-number rule
    (docs/roles.md, "PCNs"): a PCN of fewer than 5 practices with data is not shown on its own, since its value
    could be a practice's; such PCNs are pooled into one row, itself shown only if it holds 5 practices or more.
    `exact` (the ICB's own users, who may see its practices) shows every PCN."""
    label, numerator, denominator = AREA_MEASURES[column]
    small = frame["practices"].map(lambda n: too_few(n, exact=exact))
    shown = frame[~small].copy()
    pooled = frame[small]
    if len(pooled):
        total = pooled.drop(columns=["pcn_code", "pcn_name"]).sum(numeric_only=True)
        row = {**total.to_dict(), "pcn_code": None, "pcn_name": f"{SMALL_PCNS} ({len(pooled)})"}
        shown = pd.concat([shown, pd.DataFrame([row])], ignore_index=True)
    data = shown[["pcn_code", "pcn_name", "practices", "appointments"]].copy()
    ratio = shown[numerator].astype(float) / shown[denominator].astype(float).where(
        shown[denominator] > 0
    )
    data[column] = (100.0 * ratio).round(1)
    hidden = data["practices"].map(lambda n: too_few(n, exact=exact))
    data.loc[hidden, column] = float("nan")
    data = data.dropna(subset=[column])
    if data.empty:
        return None
    chart = _areas_chart(data, "pcn_name", column, "PCNs", icb_label, period_label, "pcns")
    note = (
        f"PCNs with {FEWER_THAN} practices with data are shown together, not one by one (a PCN's value could be "
        f"a practice's); the group is left out if it too has fewer than {SMALL_NUMBER} practices."
    )
    return chart if exact else _with_note(chart, note)


def _with_note(chart: Chart, note: str) -> Chart:
    return replace(chart, notes=(*chart.notes, note))


def _areas_chart(
    data: pd.DataFrame,
    name: str,
    column: str,
    kind: str,
    icb_label: str,
    period_label: str,
    key: str,
) -> Chart:
    label = AREA_MEASURES[column][0]
    data = data.sort_values([column, name]).reset_index(drop=True)
    top, bottom = data.iloc[-1], data.iloc[0]
    short = label.split(" (")[0]
    title = (
        f"{short} ranged from {bottom[column]:.1f}% ({bottom[name]}) to {top[column]:.1f}% ({top[name]}) "
        f"across the {len(data)} {kind}"
        if len(data) > 1
        else f"{short}: {top[column]:.1f}% ({top[name]})"
    )
    subtitle = f"{kind[0].upper()}{kind[1:]} of {icb_label} · {period_label}"
    draw = partial(_areas_figure, data, name, column, label, title=title, subtitle=subtitle)
    alt = (
        f"Bar chart of {label.lower()} for the {len(data)} {kind} of {icb_label}, {period_label}: "
        + "; ".join(f"{getattr(r, name)} {getattr(r, column):.1f}%" for r in data.itertuples())
        + "."
    )
    return Chart(f"{key}_{column}", title, subtitle, draw, data, alt, SOURCE_GPAD)


def _areas_figure(
    data: pd.DataFrame, name: str, column: str, label: str, *, title: str, subtitle: str
) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=data[column],
            y=data[name],
            orientation="h",
            marker={"color": theme.NHS_BLUE},
            text=[f"{v:.1f}%" for v in data[column]],
            textposition="outside",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    return area_bars_layout(figure, data[column], label, title=title, subtitle=subtitle, left=300)
