"""The charts of the Funding page: what was allocated and spent per ICB, against uptake and gains, and what the
money bought. Every chart reads queries/funding_by_icb.sql; funds are not per programme, so the Programme filter
does not apply."""

from __future__ import annotations

from dataclasses import replace

from gpaccess.charts import funding
from gpaccess.export.native import bars, table
from gpaccess.registry.base import Entry, Page, SlideRule

NO_FUNDING = "No funding recorded for this scope: load the tracker's funding sheet (Data page)."
POUNDS = '"£"#,##0'


def _gbp(value: object) -> str:
    return funding.fmt_gbp(value)  # type: ignore[arg-type]


def _pct(value: object) -> str:
    return funding.fmt_pct(value)  # type: ignore[arg-type]


def _by_quarter(outcome: str, heading: str) -> SlideRule:
    """A table of the ICBs in four groups by spend per patient, with the median of `outcome` (every ICB is in
    the page's chart and its data table; 42 rows of a scatter would fill six slides)."""
    columns = {
        "quarter": "ICBs by £ spent per 1,000 patients",
        "icbs": "ICBs",
        "spent_per_1000": "Median £ per 1,000 patients",
        outcome: f"Median {heading}",
    }
    rule = table(columns, {"spent_per_1000": _gbp, outcome: _pct})
    return lambda chart: rule(replace(chart, data=funding.by_quarter_of_spend(chart.data, outcome)))


FUNDING = Page(
    "funding",
    "Funding",
    (
        Entry(
            "funding_by_icb",
            "Allocated and spent",
            lambda f, c: funding.allocation_by_icb(f("funding_by_icb"), c.scope_label),
            bars(
                "icb",
                [("allocated_gbp", funding.ALLOCATED), ("spent_gbp", funding.SPENT)],
                POUNDS,
                "£",
            ),
            NO_FUNDING,
            reads=("funding_by_icb",),
        ),
        Entry(
            "funding_per_1000",
            "Allocated and spent",
            lambda f, c: funding.allocation_by_icb(
                f("funding_by_icb"), c.scope_label, per_1000=True
            ),
            bars(
                "icb",
                [("allocated_per_1000", funding.ALLOCATED), ("spent_per_1000", funding.SPENT)],
                POUNDS,
                "£ per 1,000 patients",
            ),
            NO_FUNDING,
            reads=("funding_by_icb",),
        ),
        Entry(
            "funding_vs_uptake",
            "Against uptake and gains",
            lambda f, c: funding.spend_against(f("funding_by_icb"), c.scope_label, "supported_pct"),
            _by_quarter("supported_pct", "practices supported (%)"),
            NO_FUNDING,
            reads=("funding_by_icb",),
        ),
        Entry(
            "funding_vs_gains",
            "Against uptake and gains",
            lambda f, c: funding.spend_against(f("funding_by_icb"), c.scope_label, "gains_pct"),
            _by_quarter("gains_pct", "assessed with gains (%)"),
            NO_FUNDING,
            reads=("funding_by_icb",),
        ),
        Entry(
            "funding_cost_per_practice",
            "What the money bought",
            lambda f, c: funding.cost_per_practice(f("funding_by_icb"), c.scope_label),
            bars(
                "icb",
                [("cost_per_practice", "£ per practice supported")],
                POUNDS,
                "£ per practice supported",
            ),
            NO_FUNDING,
            reads=("funding_by_icb",),
        ),
        Entry(
            "funding_hours_per_1000",
            "What the money bought",
            lambda f, c: funding.hours_per_1000(f("funding_by_icb"), c.scope_label),
            bars(
                "icb",
                [("hours_per_1000", "Hours a month per £1,000")],
                "#,##0.00",
                "Hours a month per £1,000",
            ),
            NO_FUNDING,
            reads=("funding_by_icb",),
        ),
    ),
)
