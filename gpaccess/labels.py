"""Every label the dashboard writes about where and when, defined once: ICB names (full and short), region and
scope labels, the area ICBs are compared in, periods, and programme names. Pages, charts, slides, downloads and
the command line all take their words from here. Pure.

    icb_label("NHS North West London Integrated Care Board")   -> "NHS North West London ICB"   (headers, titles)
    short_icb_name("NHS North West London Integrated Care Board") -> "North West London"       (chart categories)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from gpaccess.reference import PROGRAMMES
from gpaccess.scope import Scope
from gpaccess.url_state import Geography

ENGLAND = "England"
ALL_PROGRAMMES = "All"  # the programme filter's value for both


def icb_label(name: str) -> str:
    """An ICB as the header and chart subtitles name it: 'NHS North West London ICB'."""
    return name.replace("Integrated Care Board", "ICB")


def short_icb_name(name: str) -> str:
    """An ICB as a chart category names it: 'North West London' (from '... Integrated Care Board' or '... ICB')."""
    return (
        name.removeprefix("NHS ")
        .removesuffix(" Integrated Care Board")
        .removesuffix(" ICB")
        .strip()
    )


def region_label(name: str) -> str:
    return f"{name} region"


def scope_label(scope: Scope, geo: Geography) -> str:
    """The scope in words: the ICB, else the region, else England."""
    if scope.icb:
        return icb_label(geo.icbs[scope.icb][0])
    if scope.region:
        return region_label(geo.regions[scope.region])
    return ENGLAND


def area_label(scope: Scope, geo: Geography) -> str:
    """Where ICBs are compared for this scope: its region, or England."""
    return region_label(geo.regions[scope.region]) if scope.region else ENGLAND


def describe_period(first: dt.date | None, last: dt.date | None) -> str:
    if first is None or last is None:
        return "no data"
    if first == last:
        return f"{last:%b %Y}"
    return f"{first:%b %Y} to {last:%b %Y}"


def programmes_of(scope: Scope) -> tuple[str, ...]:
    """The programmes a scope covers, one by one."""
    return PROGRAMMES if scope.programme == ALL_PROGRAMMES else (scope.programme,)


def geography(rows: pd.DataFrame, months: object) -> Geography:
    """Regions, ICBs and months held, from queries/geography.sql rows and data_status's `months`."""
    regions: Mapping[str, str] = dict(zip(rows["region_code"], rows["region_name"], strict=True))
    icbs = {r.icb_code: (r.icb_name, r.region_code) for r in rows.itertuples()}
    held = tuple(pd.Timestamp(m).date() for m in (months if months is not None else []))  # type: ignore[attr-defined]
    return Geography(regions=regions, icbs=icbs, months=held)


# what tells apart the charts that sit under one heading on their page (the board pack's chart list: "Uptake
# by ICB · Practices enrolled: against the region and England"); a chart alone under its heading needs none
CHART_NAMES = {
    "uptake_share": "each ICB's share",
    "uptake_vs_reference": "against the region and England",
    "withdrawals_by_icb": "by ICB",
    "withdrawal_reasons": "reasons",
    "barriers_by_kind": "by kind",
    "barrier_reports": "the reports",
    "gains_by_phase": "by phase",
    "gains_by_region": "by region",
    "gains_by_icb": "by ICB",
    "actions_adoption": "by programme",
    "actions_by_area": "by region and ICB",
    "actions_gains": "adopters and others",
    "actions_count_gains": "by number of actions",
    "spc_face_to_face_pct": "face-to-face share",
    "spc_dna_pct": "DNA rate",
    "spc_same_day_pct": "same-day share",
    "spc_appointments_per_1000": "appointments per 1,000",
    "spc_within_2_weeks_pct": "booked within 2 weeks",
    "wait_distribution": "time from booking",
    "staff_mix": "GP and other staff",
    "national_categories": "national categories",
    "year_on_year": "the same month last year",
    "sub_icbs_compared": "sub-ICB locations",
    "pcns_compared": "PCNs",
    "coverage_over_time": "coverage over time",
    "coverage_by_icb": "coverage by ICB",
    "recording_quality": "recording quality",
    "dropped_out": "practices whose data stopped",
    "funding_by_icb": "by ICB",
    "funding_per_1000": "per 1,000 patients",
    "funding_vs_uptake": "against uptake",
    "funding_vs_gains": "against the share with gains",
    "funding_cost_per_practice": "cost per practice supported",
    "funding_hours_per_1000": "hours released per £1,000",
}
