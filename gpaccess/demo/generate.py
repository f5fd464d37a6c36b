"""Orchestration: build practices, panel and programme, then write the files in load order."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from gpaccess.demo.appointments import demo_rows, national_rows
from gpaccess.demo.constants import (
    LIST_ALL_FILE,
    LIST_MAP_FILE,
    LIST_SIZES_DIR,
    MAPPING_FILE,
    REFERENCE_LAST_MONTH,
    TRACKER_FILE,
)
from gpaccess.demo.funding import funding_sheets
from gpaccess.demo.geography import load_sub_icbs
from gpaccess.demo.months import crosstab_file_name, last_day, month_text, parse_month
from gpaccess.demo.panel import Panel, build_panel
from gpaccess.demo.practices import build_practices, mapping_variants
from gpaccess.demo.programme import Programme, build_programme, snapshot
from gpaccess.demo.writers import (
    practice_fields,
    write_crosstab,
    write_list_all,
    write_list_map,
    write_mapping,
    write_tracker,
)

EARLIEST_PANEL_MONTH = "2021-04"
Progress = Callable[[float, str], None]


@dataclass
class DemoData:
    """Everything the files are written from (practices carry their geography columns)."""

    practices: pd.DataFrame
    panel: Panel
    programme: Programme


def build_demo(
    seed: int = 2021, first_month: str = "2021-04", last_month: str = "2026-09"
) -> DemoData:
    """Practices, the practice x month panel (programme effects included) and the programme history.

    The panel always spans at least Apr 2021 - Sep 2026 so the programme (selected on baseline windows
    in that span) is the same whatever months are written.
    """
    subs = load_sub_icbs()
    practices = build_practices(subs, seed)
    geo_cols = ["sub_icb_code", "sub_icb_name", "sub_icb_ons_code", "icb_name", "icb_ons_code",
                "region_name", "region_ons_code"]  # fmt: skip
    practices = practices.merge(
        subs[geo_cols], on="sub_icb_code", how="left", validate="many_to_one"
    )
    first = min(parse_month(first_month), parse_month(EARLIEST_PANEL_MONTH))
    last = max(parse_month(last_month), parse_month(REFERENCE_LAST_MONTH))
    panel = build_panel(practices, np.arange(first, last + 1), seed)
    programme = build_programme(practices, panel, seed)
    return DemoData(practices, panel, programme)


@functools.lru_cache(maxsize=1)
def _shared_build(seed: int, first_month: str, last_month: str) -> DemoData:
    """The last build, reused by write_demo_files / demo_tracker (which only read it): repeated
    calls with the same arguments (tests, benchmarks) skip the ~2 s rebuild."""
    return build_demo(seed, first_month=first_month, last_month=last_month)


def _panel_span(first_month: str, last_month: str) -> tuple[str, str]:
    first = min(parse_month(first_month), parse_month(EARLIEST_PANEL_MONTH))
    last = max(parse_month(last_month), parse_month(REFERENCE_LAST_MONTH))
    return month_text(first), month_text(last)


def demo_tracker(
    seed: int = 2021, last_month: str = "2026-09", icb_codes: list[str] | None = None
) -> dict[str, pd.DataFrame]:
    """The tracker sheets alone (no appointment rows are generated: a few seconds)."""
    data = _shared_build(seed, *_panel_span("2021-04", last_month))
    return _tracker_sheets(data, parse_month(last_month), icb_codes)


def _tracker_sheets(
    data: DemoData, last: int, icb_codes: list[str] | None
) -> dict[str, pd.DataFrame]:
    codes = None
    if icb_codes is not None:
        codes = set(data.practices.loc[data.practices["icb_code"].isin(icb_codes), "code"])
    icbs = set(icb_codes) if icb_codes else None
    sheets = snapshot(data.programme, last_day(last), codes, icbs)
    funding = funding_sheets(data.practices, data.panel, sheets["enrolments"], last_day(last), icbs)
    return {**sheets, **funding}


def write_demo_files(
    out_dir: Path,
    *,
    seed: int = 2021,
    first_month: str = "2021-04",
    last_month: str = "2026-09",
    scale: Literal["demo", "national"] = "demo",
    months: int | None = None,
    progress: Progress | None = None,
    icb_codes: list[str] | None = None,
) -> list[Path]:
    """Write the demo files into ``out_dir`` and return their paths in load order.

    Order: ``Mapping.csv``; ``list_sizes/<YYYY-MM>/gp-reg-pat-prac-all.csv`` per month (and, for the
    last month, ``gp-reg-pat-prac-map.csv``); ``Practice_Level_Crosstab_<Mon>_<YY>.csv`` per month;
    ``programme_tracker.xlsx`` last.

    ``months``: only the last N months (benchmarks). ``progress(fraction, message)`` is called as work
    proceeds. ``icb_codes`` (for tests) writes only the practices of those ICBs; the data of a practice
    does not depend on it.
    """
    report = progress or (lambda fraction, message: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    first, last = parse_month(first_month), parse_month(last_month)
    if months is not None:
        first = max(first, last - months + 1)
    if first > last:
        raise ValueError(f"first_month {first_month} is after last_month {last_month}")
    report(0.0, "Building practices and programme")
    data = _shared_build(seed, *_panel_span(month_text(first), last_month))
    practices, panel = data.practices, data.panel
    keep = np.ones(len(practices), dtype=bool)
    if icb_codes is not None:
        keep = practices["icb_code"].isin(icb_codes).to_numpy()
    written_months = list(range(first, last + 1))
    steps = 2 + 2 * len(written_months)
    done = 1
    report(done / steps, "Writing Mapping.csv")

    paths: list[Path] = []
    open_last = panel.is_open[:, panel.column(last)] & keep
    paths.append(
        write_mapping(
            out_dir / MAPPING_FILE, practices[open_last], mapping_variants(practices, seed)
        )
    )
    for month in written_months:
        folder = out_dir / LIST_SIZES_DIR / month_text(month)
        folder.mkdir(parents=True, exist_ok=True)
        patients = np.where(keep, panel.patients[:, panel.column(month)], 0)
        paths.append(write_list_all(folder / LIST_ALL_FILE, practices, patients, month))
        if month == last:
            paths.append(write_list_map(folder / LIST_MAP_FILE, practices[open_last], month))
        done += 1
        report(done / steps, f"Wrote list sizes {month_text(month)}")
    fields = practice_fields(practices)
    for month in written_months:
        col = panel.column(month)
        rows = (demo_rows if scale == "demo" else national_rows)(panel, col, seed, keep)
        path = write_crosstab(out_dir / crosstab_file_name(month), month, fields, rows)
        paths.append(path)
        done += 1
        report(done / steps, f"Wrote {path.name} ({len(rows):,} rows)")
    paths.append(write_tracker(out_dir / TRACKER_FILE, _tracker_sheets(data, last, icb_codes)))
    report(1.0, "Done")
    return paths
