"""The Summary page's chart: GPIP against its target and the path to it at the current rate."""

from __future__ import annotations

from gpaccess import theme
from gpaccess.charts import Chart
from gpaccess.charts.trajectory import ACTUAL, PROJECTED, TARGET, gpip_trajectory
from gpaccess.export import native
from gpaccess.export.native import Panel
from gpaccess.registry.base import ChartContext, Entry, Fetch, Page
from gpaccess.trajectory import gpip_status


def trajectory_chart(fetch: Fetch, ctx: ChartContext):
    national, monthly, trajectory = gpip_status(fetch, ctx)
    return gpip_trajectory(
        monthly, trajectory, ctx.scope_label, "" if national else ctx.scope_label
    )


LINES = [
    ("benefited_to_date", ACTUAL, theme.NHS_BLUE),
    ("projected_to_date", PROJECTED, theme.NHS_DARK_GREY),
    ("target", TARGET, theme.NHS_DARK_GREEN),
]


def trajectory_slide(chart: Chart) -> list[Panel]:
    """The lines the chart has: no target line (nor path to it) where the target is England's."""
    held = [line for line in LINES if line[0] in chart.data and chart.data[line[0]].notna().any()]
    return native.monthly_lines(held, "#,##0", "GPIP practices benefited")(chart)


SUMMARY = Page(
    "summary",
    "Summary",
    (
        Entry(
            "gpip_trajectory",
            "Status against target",
            trajectory_chart,
            trajectory_slide,
            "GPIP: no programme data for this scope.",
        ),
    ),
)
