"""Filter state <-> URL query string. Pure: unknown or malformed parameters become notes, never exceptions.

?region=Y56&icb=QRV&programme=GPIP&from=2024-01&to=2025-10

Notes are Streamlit markdown: every value taken from the URL (parameter names too) is put in as plain text
(`gpaccess.text.plain`: escaped and shortened), so the caller can show a note with `st.warning` as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gpaccess.scope import PROGRAMME_CHOICES, Scope
from gpaccess.text import plain

KNOWN_KEYS = ("region", "icb", "programme", "from", "to")
PAGE_KEYS = (
    "charts",
)  # a page's own choices (the board pack's charts), kept in the URL by the frame
PASSTHROUGH_KEYS = ("persona", "embed", "embed_options", *PAGE_KEYS)  # handled elsewhere, not notes
MAX_CHARTS = 100  # chart keys read from the URL; more is not a selection but an attack
MAX_UNKNOWN_NOTES = 3  # unknown parameter names named one by one; the rest are counted in one note


@dataclass(frozen=True)
class Geography:
    regions: Mapping[str, str]  # region code -> name
    icbs: Mapping[str, tuple[str, str]]  # icb code -> (name, region code)
    months: tuple[dt.date, ...]  # months with appointment data, ascending


def parse_month(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        return None


def scope_from_params(params: Mapping[str, str], geo: Geography) -> tuple[Scope, list[str]]:
    notes = _unknown(params)
    region, icb = _geography(params, geo, notes)
    programme = params.get("programme", "All")
    if programme not in PROGRAMME_CHOICES:
        notes.append(
            f"Ignored programme '{plain(programme)}': choose one of {', '.join(PROGRAMME_CHOICES)}."
        )
        programme = "All"
    date_from, date_to = _period(params, geo, notes)
    return Scope(
        region=region, icb=icb, programme=programme, date_from=date_from, date_to=date_to
    ), notes


def _unknown(params: Mapping[str, str]) -> list[str]:
    unknown = [k for k in params if k not in KNOWN_KEYS + PASSTHROUGH_KEYS]
    notes = [f"Ignored unknown URL parameter '{plain(k)}'." for k in unknown[:MAX_UNKNOWN_NOTES]]
    if len(unknown) > MAX_UNKNOWN_NOTES:
        notes.append(f"Ignored {len(unknown) - MAX_UNKNOWN_NOTES} more unknown URL parameters.")
    return notes


def _geography(
    params: Mapping[str, str], geo: Geography, notes: list[str]
) -> tuple[str | None, str | None]:
    region = params.get("region")
    if region is not None and region not in geo.regions:
        notes.append(
            f"Ignored region '{plain(region)}': not an NHS England region code in the data."
        )
        region = None
    icb = params.get("icb")
    if icb is not None and icb not in geo.icbs:
        notes.append(f"Ignored ICB '{plain(icb)}': not an ICB code in the data.")
        icb = None
    if icb is not None:
        icb_region = geo.icbs[icb][1]
        if region is not None and region != icb_region:
            notes.append(
                f"ICB {plain(icb)} is in region {plain(icb_region)}, not {plain(region)}: "
                "showing its own region."
            )
        region = icb_region
    return region, icb


def _period(
    params: Mapping[str, str], geo: Geography, notes: list[str]
) -> tuple[dt.date | None, dt.date | None]:
    bounds = []
    for key in ("from", "to"):
        value = params.get(key)
        month = parse_month(value) if value is not None else None
        if value is not None and (month is None or (geo.months and month not in geo.months)):
            notes.append(f"Ignored {key}='{plain(value)}': expected a month with data as YYYY-MM.")
            month = None
        bounds.append(month)
    date_from, date_to = bounds
    if date_from and date_to and date_from > date_to:
        notes.append("Ignored the period: 'from' is after 'to'.")
        return None, None
    return date_from, date_to


def params_from_scope(scope: Scope) -> dict[str, str]:
    params: dict[str, str] = {}
    if scope.region:
        params["region"] = scope.region
    if scope.icb:
        params["icb"] = scope.icb
    if scope.programme != "All":
        params["programme"] = scope.programme
    if scope.date_from:
        params["from"] = scope.date_from.strftime("%Y-%m")
    if scope.date_to:
        params["to"] = scope.date_to.strftime("%Y-%m")
    return params


def charts_from_param(value: str, allowed: Sequence[str]) -> tuple[list[str], list[str]]:
    """?charts=KEY,KEY,...: the known chart keys in `allowed`'s order, and a note for the unknown ones (as
    plain text, like every other note). An empty value chooses no chart."""
    given = [key.strip() for key in value.split(",")[:MAX_CHARTS] if key.strip()]
    unknown = list(dict.fromkeys(key for key in given if key not in allowed))
    notes = []
    if unknown:
        shown = ", ".join(f"'{plain(key, 40)}'" for key in unknown[:MAX_UNKNOWN_NOTES])
        more = len(unknown) - MAX_UNKNOWN_NOTES
        notes.append(
            f"Ignored unknown chart{'s' if len(unknown) > 1 else ''} in the URL: {shown}"
            + (f" and {more} more" if more > 0 else "")
            + "."
        )
    return [key for key in allowed if key in given], notes


def param_from_charts(chosen: Sequence[str]) -> str:
    return ",".join(chosen)
