"""Uptake by ICB charts: share of practices enrolled, each ICB against its region and England, withdrawals,
practices blocked by the digital telephony criterion, and the barriers ICBs reported.

ICBs are organisations and are named; practices never are. Pure: no Streamlit.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int, fmt_pct
from gpaccess.charts.board import (
    ROW_PX,
    add_to_facets,
    axis_end,
    board_style,
    count_axis,
    labels_at_zero,
    legend_once,
    programme_bar,
    programme_facets,
)
from gpaccess.charts.gains import with_small_number_rule
from gpaccess.charts.words import (
    TO_DATE,
    leaders,
    listing,
    plural,
    short_icb_name,
    subtitle_for,
)
from gpaccess.disclosure import FEWER_THAN

UPTAKE_NOTE = (
    "Enrolled = hands-on support, not withdrawn (Accelerate: all; GPIP: intermediate and intensive "
    "levels, not the universal webinars). Practices = the ICB's practices with appointment data "
    "during the programme."
)


# --- share of practices enrolled --------------------------------------------------------------------------------
def uptake_rows(frame: pd.DataFrame, programme: str) -> pd.DataFrame:
    """ICB rows for the chosen programme ('All' keeps both), ICBs with no practice data left out, share applied
    with the small-number rule (frame: uptake_by_icb)."""
    rows = frame if programme == "All" else frame[frame["programme"] == programme]
    rows = rows[rows["practices"] > 0]
    data = with_small_number_rule(
        rows, n="practices", part="enrolled", pct="enrolled_pct", unit="practices"
    )
    data.insert(1, "icb", data["icb_name"].map(short_icb_name))
    data["label"] = [
        f"{s}" if pd.isna(p) else f"{fmt_pct(p)} ({fmt_int(e)} of {fmt_int(n)})"
        for p, e, n, s in zip(
            data["enrolled_pct"], data["enrolled"], data["practices"], data["shown_as"], strict=True
        )
    ]
    columns = [
        "programme",
        "icb",
        "icb_code",
        "icb_name",
        "region_code",
        "region_name",
        "practices",
        "enrolled",
        "enrolled_pct",
        "label",
    ]
    return data[columns].sort_values(["programme", "icb"]).reset_index(drop=True)


def uptake_share(frame: pd.DataFrame, programme: str, scope_label: str) -> Chart:
    """Practices enrolled (hands-on) as a share of each ICB's practices, by programme."""
    data = uptake_rows(frame, programme)
    programmes = list(dict.fromkeys(data["programme"]))
    figure = programme_facets(programmes, len(data), x_title="Practices enrolled (%)")
    add_to_facets(figure, data, programmes, _share_traces)
    figure.update_xaxes(range=[0, axis_end(data["enrolled_pct"], 1.6)], ticksuffix="%")
    title = uptake_finding(data)
    subtitle = subtitle_for(
        scope_label, TO_DATE, "practices enrolled for hands-on support, % of the ICB's practices"
    )
    board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=data["icb"].nunique(),
        legend=False,
    )
    alt = _share_alt(data, scope_label)
    return Chart(
        "uptake_share",
        title,
        subtitle,
        figure,
        data.drop(columns="label"),
        alt,
        SOURCE_TRACKER,
        (UPTAKE_NOTE,),
    )


def _share_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Bar chart for {scope_label}: no ICB with practice data."
    ranges = []
    for programme, rows in data.dropna(subset=["enrolled_pct"]).groupby("programme", sort=False):
        if len(rows) < 2:
            continue
        low, high = rows.loc[rows["enrolled_pct"].idxmin()], rows.loc[rows["enrolled_pct"].idxmax()]
        ranges.append(
            f"{programme}: lowest {low['icb']} {fmt_pct(low['enrolled_pct'])}, highest "
            f"{high['icb']} {fmt_pct(high['enrolled_pct'])}"
        )
    parts = [f"{r.programme}, {r.icb}: {r.label}" for r in data.itertuples(index=False)]
    return (
        f"Bar chart of the share of each ICB's practices enrolled, by programme, in {scope_label}. "
        + "".join(f"{r}. " for r in ranges)
        + listing(parts)
    )


def _share_traces(programme: str, rows: pd.DataFrame) -> list[go.BaseTraceType]:
    shown = rows["enrolled_pct"].notna()
    bar = programme_bar(
        programme,
        rows.loc[shown, "icb"],
        rows.loc[shown, "enrolled_pct"],
        rows.loc[shown, "label"],
        "%{y}: %{x:.1f}% enrolled",
    )
    return [bar, labels_at_zero(rows.loc[~shown, "icb"], rows.loc[~shown, "label"])]


def uptake_finding(data: pd.DataFrame) -> str:
    shown = data[data["enrolled_pct"].notna()]
    if shown.empty:
        return "No ICB in this scope has practice data to compare enrolments with"
    if shown["icb_code"].nunique() == 1:
        parts = [
            f"{fmt_pct(r.enrolled_pct)} {'of its practices ' if i == 0 else ''}in {r.programme} "
            f"({fmt_int(r.enrolled)} of {fmt_int(r.practices)})"
            for i, r in enumerate(shown.itertuples(index=False))
        ]
        return f"{shown['icb'].iloc[0]} enrolled " + " and ".join(parts)
    parts = []
    for programme, rows in shown.groupby("programme", sort=False):
        low, high = rows["enrolled_pct"].min(), rows["enrolled_pct"].max()
        parts.append(f"between {fmt_pct(low, 0)} and {fmt_pct(high, 0)}")
        parts[-1] += (
            f" of their practices in {programme}" if len(parts) == 1 else f" in {programme}"
        )
    return "ICBs enrolled " + ", and ".join(parts)


# --- each ICB against its region and England -------------------------------------------------------------------------
def reference_rates(national: pd.DataFrame) -> pd.DataFrame:
    """England's and each region's share of practices enrolled, per programme (national: uptake_by_icb for England).

    A practice belongs to one ICB, so ICB counts add up to regions and England."""
    rows = national[national["practices"] > 0]
    by_region = rows.groupby(["programme", "region_code", "region_name"], as_index=False)[
        ["practices", "enrolled"]
    ]
    regions = by_region.sum()
    england = rows.groupby("programme", as_index=False)[["practices", "enrolled"]].sum()
    england["region_code"], england["region_name"] = None, "England"
    both = pd.concat([england, regions], ignore_index=True)
    both["rate"] = (100.0 * both["enrolled"] / both["practices"]).round(1)
    return both[["programme", "region_code", "region_name", "practices", "enrolled", "rate"]]


def compare_with_reference(
    frame: pd.DataFrame, national: pd.DataFrame, programme: str
) -> pd.DataFrame:
    data = uptake_rows(frame, programme)
    rates = reference_rates(national)
    england = rates[rates["region_code"].isna()].set_index("programme")["rate"]
    region = rates[rates["region_code"].notna()].set_index(["programme", "region_code"])["rate"]
    data["region_pct"] = [
        region.get((p, r)) for p, r in zip(data["programme"], data["region_code"], strict=True)
    ]
    data["england_pct"] = data["programme"].map(england)
    return data.sort_values(["programme", "region_name", "icb"]).reset_index(drop=True)


def uptake_against_reference(
    frame: pd.DataFrame, national: pd.DataFrame, programme: str, scope_label: str
) -> Chart:
    """Each ICB's share enrolled (dot) against its region's (open diamond) and England's (dashed line),
    ICBs grouped under their region's name."""
    data = compare_with_reference(frame, national, programme)
    programmes = list(dict.fromkeys(data["programme"]))
    england = {
        p: float(data.loc[data["programme"] == p, "england_pct"].iloc[0]) for p in programmes
    }
    figure = programme_facets(
        programmes,
        len(data),
        x_title="Practices enrolled (%)",
        titles=[f"{p}: England {fmt_pct(england[p])}" for p in programmes],
    )
    add_to_facets(figure, data, programmes, _reference_traces)
    legend_once(figure)
    for column, name in enumerate(programmes, start=1):
        figure.add_vline(
            x=england[name],
            line={"dash": "dash", "color": theme.NHS_DARK_GREY, "width": 2},
            row=1,
            col=column,
        )
    figure.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        name="England (dashed line)",
        line={"dash": "dash", "color": theme.NHS_DARK_GREY},
    )
    top = axis_end(data[["enrolled_pct", "region_pct", "england_pct"]].astype("Float64"), 1.15)
    figure.update_xaxes(range=[0, top], ticksuffix="%")
    title = reference_finding(data)
    subtitle = subtitle_for(
        scope_label, TO_DATE, "share of practices enrolled; ICBs grouped by region"
    )
    board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=data["icb"].nunique() + data["region_name"].nunique(),
    )
    figure.update_yaxes(type="multicategory", autorange="reversed")
    columns = [
        "programme",
        "icb_code",
        "icb_name",
        "region_name",
        "practices",
        "enrolled",
        "enrolled_pct",
        "region_pct",
        "england_pct",
    ]
    return Chart(
        "uptake_vs_reference",
        title,
        subtitle,
        figure,
        data[columns],
        _reference_alt(data, scope_label),
        SOURCE_TRACKER,
        (UPTAKE_NOTE,),
    )


def _grouped(rows: pd.DataFrame) -> list[list[str]]:
    """A y axis of ICBs under their region's name (Plotly multicategory)."""
    return [rows["region_name"].tolist(), rows["icb"].tolist()]


def _reference_traces(programme: str, rows: pd.DataFrame) -> list[go.BaseTraceType]:
    shown = rows["enrolled_pct"].notna()
    icb = go.Scatter(
        y=_grouped(rows[shown]),
        x=rows.loc[shown, "enrolled_pct"],
        mode="markers",
        name="ICB",
        legendgroup="icb",
        marker={"symbol": "circle", "size": 11, "color": theme.NHS_BLUE},
        customdata=rows.loc[shown, ["icb", "label"]].to_numpy(),
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + programme + "</extra>",
    )
    region = go.Scatter(
        y=_grouped(rows),
        x=rows["region_pct"],
        mode="markers",
        name="ICB's region",
        legendgroup="region",
        marker={
            "symbol": "diamond-open",
            "size": 12,
            "line": {"width": 2},
            "color": theme.NHS_DARK_GREY,
        },
        customdata=rows["region_name"],
        hovertemplate="%{customdata} region: %{x:.1f}%<extra>" + programme + "</extra>",
    )
    small = go.Scatter(
        y=_grouped(rows[~shown]),
        x=[0] * int((~shown).sum()),
        text=rows.loc[~shown, "label"],
        mode="text",
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
    )
    return [icb, region, small]


def reference_finding(data: pd.DataFrame) -> str:
    shown = data[data["enrolled_pct"].notna()]
    if shown.empty:
        return "No ICB in this scope has practice data to compare enrolments with"
    if shown["icb_code"].nunique() == 1:
        parts = [
            f"{fmt_pct(r.enrolled_pct)} in {r.programme} (England {fmt_pct(r.england_pct)}, "
            f"{r.region_name} {fmt_pct(r.region_pct)})"
            for r in shown.itertuples(index=False)
        ]
        return f"{shown['icb'].iloc[0]} enrolled " + "; ".join(parts)
    parts = []
    for programme, rows in shown.groupby("programme", sort=False):
        above = int((rows["enrolled_pct"] > rows["england_pct"]).sum())
        parts.append(
            f"{above} of {len(rows)} ICBs in {programme} (England {fmt_pct(rows['england_pct'].iloc[0])})"
        )
    return "ICBs enrolling a larger share of practices than England: " + "; ".join(parts)


def _reference_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Dot chart for {scope_label}: no ICB with practice data."
    parts = [
        f"{r.programme}, {r.icb} ({r.region_name}): {r.label}; region {fmt_pct(r.region_pct)}, "
        f"England {fmt_pct(r.england_pct)}"
        for r in data.itertuples(index=False)
    ]
    return (
        f"Dot chart of each ICB's share of practices enrolled in {scope_label}, against its region's and "
        f"England's. {listing(parts)}"
    )


# --- withdrawals ------------------------------------------------------------------------------------------------
def withdrawals_by_icb(frame: pd.DataFrame, programme: str, scope_label: str) -> Chart:
    """Practices that withdrew, per ICB with any withdrawal, by programme (frame: uptake_by_icb)."""
    rows = frame if programme == "All" else frame[frame["programme"] == programme]
    data = rows.loc[
        rows["withdrawn"] > 0, ["programme", "icb_code", "icb_name", "withdrawn"]
    ].copy()
    data.insert(1, "icb", data["icb_name"].map(short_icb_name))
    data = data.sort_values(["programme", "icb"]).reset_index(drop=True)
    programmes = list(dict.fromkeys(data["programme"]))
    figure = programme_facets(programmes, len(data), x_title="Practices that withdrew")
    add_to_facets(
        figure,
        data,
        programmes,
        lambda p, r: [
            programme_bar(
                p,
                r["icb"],
                r["withdrawn"],
                r["withdrawn"].map(fmt_int),
                "%{y}: %{x:,} practices withdrew",
            )
        ],
    )
    figure.update_xaxes(**count_axis(data["withdrawn"], 1.25))
    in_scope = rows["icb_code"].nunique()
    title = _withdrawals_finding(data, in_scope)
    subtitle = subtitle_for(
        scope_label, TO_DATE, "practices that withdrew, ICBs with any withdrawal"
    )
    board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=data["icb"].nunique(),
        legend=False,
    )
    parts = [f"{r.programme}, {r.icb}: {r.withdrawn}" for r in data.itertuples(index=False)]
    alt = (
        f"Bar chart of practices that withdrew, by ICB and programme, in {scope_label}. "
        f"{listing(parts) if parts else 'No withdrawals.'} Other ICBs in scope (of {in_scope}) had none."
    )
    return Chart("withdrawals_by_icb", title, subtitle, figure, data, alt, SOURCE_TRACKER)


def _withdrawals_finding(data: pd.DataFrame, icbs_in_scope: int) -> str:
    if data.empty:
        return "No practice withdrew in this scope"
    totals = data.groupby("programme", sort=False)["withdrawn"].sum()
    parts = ", ".join(f"{fmt_int(n)} from {p}" for p, n in totals.items())
    if icbs_in_scope == 1:
        return f"Practices in {data['icb'].iloc[0]} that withdrew: {parts}"
    icbs = data["icb_code"].nunique()
    return f"Practices that withdrew: {parts}; {icbs} of {icbs_in_scope} ICBs had at least one"


def withdrawal_reasons(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Practices that withdrew, by reason and programme (frame: withdrawal_reasons)."""
    data = frame[["programme", "withdrawal_reason", "practices"]].copy()
    data["reason"] = data["withdrawal_reason"].str.capitalize()
    programmes = list(dict.fromkeys(data["programme"]))
    figure = programme_facets(programmes, len(data), x_title="Practices that withdrew")
    add_to_facets(
        figure,
        data,
        programmes,
        lambda p, r: [
            programme_bar(
                p,
                r["reason"],
                r["practices"],
                r["practices"].map(fmt_int),
                "%{y}: %{x:,} practices",
            )
        ],
    )
    figure.update_xaxes(**count_axis(data["practices"], 1.25))
    title = _reasons_finding(data)
    subtitle = subtitle_for(scope_label, TO_DATE, "practices that withdrew, by the reason recorded")
    board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=data["reason"].nunique(),
        legend=False,
    )
    alt = (
        f"Bar chart of practices that withdrew by reason in {scope_label}. "
        + (
            "; ".join(
                f"{r.programme}, {r.withdrawal_reason}: {r.practices}"
                for r in data.itertuples(index=False)
            )
            or "No withdrawals"
        )
        + "."
    )
    return Chart("withdrawal_reasons", title, subtitle, figure, data, alt, SOURCE_TRACKER)


def _reasons_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No practice withdrew in this scope"
    parts = []
    for programme, rows in data.groupby("programme", sort=False):
        names, top = leaders(rows, "practices", "withdrawal_reason")
        each = " each" if " and " in names else ""
        parts.append(f"{programme}: {names} ({top}{each} of {fmt_int(rows['practices'].sum())})")
    return "Most common reason for withdrawing. " + "; ".join(parts)


# --- digital telephony ------------------------------------------------------------------------------------------------
def telephony_blocked(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Practices that wished to join GPIP but were blocked by the digital telephony criterion, per ICB."""
    data = frame.loc[
        frame["blocked"] > 0, ["icb_code", "icb_name", "region_name", "wished_to_enrol", "blocked"]
    ].copy()
    data.insert(0, "icb", data["icb_name"].map(short_icb_name))
    data = data.sort_values("icb").reset_index(drop=True)
    data["label"] = [
        f"{fmt_int(b)} of {fmt_int(w)} that wished to join"
        for b, w in zip(data["blocked"], data["wished_to_enrol"], strict=True)
    ]
    figure = programme_facets(["GPIP"], len(data), x_title="Practices blocked")
    figure.add_trace(
        programme_bar(
            "GPIP", data["icb"], data["blocked"], data["label"], "%{y}: %{x:,} practices blocked"
        ),
        row=1,
        col=1,
    )
    figure.update_xaxes(**count_axis(data["blocked"], 1.8))
    title = _blocked_finding(data)
    subtitle = f"{scope_label} · latest eligibility assessment · ICBs with any practice blocked"
    board_style(
        figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=len(data), legend=False
    )
    alt = (
        f"Bar chart of practices blocked from GPIP by the digital telephony criterion in {scope_label}. "
        + ("; ".join(f"{r.icb}: {r.label}" for r in data.itertuples(index=False)) or "None blocked")
        + f". {len(frame) - len(data)} other ICBs in scope had none."
    )
    note = (
        "Blocked = wished to enrol but not live with digital telephony on the date eligibility was assessed.",
    )
    return Chart(
        "telephony_blocked",
        title,
        subtitle,
        figure,
        data.drop(columns="label"),
        alt,
        SOURCE_TRACKER,
        note,
    )


def _blocked_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No practice that wished to join GPIP was recorded as blocked by the digital telephony criterion"
    total = int(data["blocked"].sum())
    top = data.sort_values(["blocked", "icb"], ascending=[False, True]).iloc[0]
    where = "" if len(data) == 1 else f"; most in {top['icb']} ({fmt_int(top['blocked'])})"
    in_icb = f" in {top['icb']}" if len(data) == 1 else ""
    were = "was" if total == 1 else "were"
    return (
        f"{plural(total, 'practice')}{in_icb} wished to join GPIP but {were} blocked by the digital "
        f"telephony criterion{where}"
    )


# --- barriers ------------------------------------------------------------------------------------------------------
def barriers_by_kind(frame: pd.DataFrame, scope_label: str, period_label: str) -> Chart:
    """Number of ICBs reporting each barrier, by programme (frame: barriers_by_kind)."""
    data = frame.copy()
    data["kind"] = data["barrier"].str.capitalize()
    data["label"] = [
        f"{fmt_int(i)} ICB{'s' if i != 1 else ''}"
        + ("" if pd.isna(a) else f" ({fmt_int(a)} practices where stated)")
        for i, a in zip(data["icbs"], data["practices_affected"], strict=True)
    ]
    programmes = list(dict.fromkeys(data["programme"]))
    figure = programme_facets(programmes, len(data), x_title="ICBs reporting the barrier")
    add_to_facets(
        figure,
        data,
        programmes,
        lambda p, r: [programme_bar(p, r["kind"], r["icbs"], r["label"], "%{y}: %{x:,} ICBs")],
    )
    figure.update_xaxes(**count_axis(data["icbs"], 1.7))
    title = _barriers_finding(data)
    subtitle = subtitle_for(
        scope_label,
        f"reported {period_label}",
        "ICBs naming each barrier (an ICB can name several)",
    )
    board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=data["kind"].nunique(),
        legend=False,
    )
    alt = (
        f"Bar chart of ICBs reporting each participation barrier in {scope_label}, {period_label}. "
        + (
            "; ".join(
                f"{r.programme}, {r.barrier}: {r.label}" for r in data.itertuples(index=False)
            )
            or "No barriers reported"
        )
        + "."
    )
    return Chart(
        "barriers_by_kind",
        title,
        subtitle,
        figure,
        data.drop(columns="label"),
        alt,
        SOURCE_TRACKER,
        ("Practices affected are summed where ICBs gave a number.",),
    )


def _barriers_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No ICB reported a participation barrier in this scope and period"
    parts = []
    for programme, rows in data.groupby("programme", sort=False):
        reporting = plural(int(rows["icbs_reporting_any"].iloc[0]), "ICB")
        names, top = leaders(rows, "icbs", "barrier")
        each = " each" if " and " in names else ""
        most = f": {names}" if len(rows) == 1 else f", {names} most often ({top}{each})"
        parts.append(f"{reporting} reported {programme} barriers{most}")
    return "; ".join(parts)


TABLE_COLUMNS = {
    "icb": "ICB",
    "reported": "Reported",
    "programme": "Programme",
    "barrier": "Barrier",
    "affected": "Practices affected",
    "detail": "Detail",
}


def barrier_table(frame: pd.DataFrame, scope_label: str, period_label: str) -> Chart:
    """The barrier reports as a table: ICB, date, programme, barrier, practices affected, detail."""
    data = pd.DataFrame(
        {
            "icb": frame["icb_name"].map(short_icb_name),
            "reported": pd.to_datetime(frame["reported_date"]).dt.strftime("%d %b %Y"),
            "programme": frame["programme"],
            "barrier": frame["barrier"],
            "affected": frame["practices_affected"].map(
                lambda v: "not given" if pd.isna(v) else fmt_int(v)
            ),
            "detail": frame["detail"].fillna(""),
        }
    )
    figure = go.Figure(
        go.Table(
            columnwidth=[2.2, 1.1, 1, 1.3, 1, 4],
            header={
                "values": [f"<b>{w}</b>" for w in TABLE_COLUMNS.values()],
                "align": "left",
                "fill": {"color": theme.NHS_BLUE},
                "font": {"color": theme.NHS_WHITE, "size": 13},
            },
            cells={
                "values": [data[c] for c in TABLE_COLUMNS],
                "align": "left",
                "height": 28,
                "fill": {"color": [[theme.NHS_WHITE, theme.NHS_PALE_GREY] * (len(data) // 2 + 1)]},
                "font": {"size": 12},
            },
        )
    )
    title = _table_finding(data)
    subtitle = subtitle_for(
        scope_label, f"reported {period_label}", "one line per barrier an ICB reported"
    )
    board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=-(-min(len(data) + 1, 24) * 48 // ROW_PX),  # rows wrap onto two lines
        legend=False,
    )
    figure.update_layout(margin={"l": 10, "r": 10, "b": 80})
    parts = [
        f"{r.icb}, {r.reported}, {r.programme}: {r.barrier} (practices affected: {r.affected})"
        + (f", {r.detail}" if r.detail else "")
        for r in data.itertuples(index=False)
    ]
    alt = (
        f"Table of participation barriers reported by ICBs in {scope_label}, {period_label}. "
        f"{listing(parts) if parts else 'No reports.'}"
    )
    return Chart(
        "barrier_reports",
        title,
        subtitle,
        figure,
        data.rename(columns=TABLE_COLUMNS),
        alt,
        SOURCE_TRACKER,
    )


def _table_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No participation barriers reported in this scope and period"
    n, icbs = len(data), data["icb"].nunique()
    return f"{n} barrier report{'s' if n != 1 else ''} from {icbs} ICB{'s' if icbs != 1 else ''}"


__all__ = [
    "FEWER_THAN",
    "barrier_table",
    "barriers_by_kind",
    "reference_rates",
    "telephony_blocked",
    "uptake_against_reference",
    "uptake_share",
    "withdrawal_reasons",
    "withdrawals_by_icb",
]
