"""Filter state <-> URL query string. Pure: unknown or malformed parameters become notes, never exceptions.

?region=Y56&icb=QRV&programme=GPIP&from=2024-01&to=2025-10
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from gpaccess.scope import PROGRAMME_CHOICES, Scope

KNOWN_KEYS = ("region", "icb", "programme", "from", "to")
PASSTHROUGH_KEYS = ("persona", "embed", "embed_options")  # handled elsewhere, not notes


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
    notes = [
        f"Ignored unknown URL parameter '{k}'."
        for k in params
        if k not in KNOWN_KEYS + PASSTHROUGH_KEYS
    ]
    region, icb = _geography(params, geo, notes)
    programme = params.get("programme", "All")
    if programme not in PROGRAMME_CHOICES:
        notes.append(
            f"Ignored programme '{programme}': choose one of {', '.join(PROGRAMME_CHOICES)}."
        )
        programme = "All"
    date_from, date_to = _period(params, geo, notes)
    return Scope(
        region=region, icb=icb, programme=programme, date_from=date_from, date_to=date_to
    ), notes


def _geography(
    params: Mapping[str, str], geo: Geography, notes: list[str]
) -> tuple[str | None, str | None]:
    region = params.get("region")
    if region is not None and region not in geo.regions:
        notes.append(f"Ignored region '{region}': not an NHS England region code in the data.")
        region = None
    icb = params.get("icb")
    if icb is not None and icb not in geo.icbs:
        notes.append(f"Ignored ICB '{icb}': not an ICB code in the data.")
        icb = None
    if icb is not None:
        icb_region = geo.icbs[icb][1]
        if region is not None and region != icb_region:
            notes.append(
                f"ICB {icb} is in region {icb_region}, not {region}: showing its own region."
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
            notes.append(f"Ignored {key}='{value}': expected a month with data as YYYY-MM.")
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
