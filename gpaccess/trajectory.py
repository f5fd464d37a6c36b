"""GPIP against its target: practices benefited to date and the current rate, defined once. The current rate
(`RATE_MONTHS`, `Trajectory.rate`) is the mean number of practices newly benefiting from GPIP per month over the
last 6 months up to the month (fewer when GPIP has fewer); at that rate the target is reached in the first month
in which practices benefited to date would reach it. Pure: the Summary (gpaccess.summary) and the trajectory
chart (gpaccess.charts.trajectory) both read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # the registry imports this module's users: types only, no import at run time
    from gpaccess.registry.base import ChartContext, Fetch

RATE_MONTHS = 6
TARGET_WORDS = "programme target"  # a region or ICB has none of its own: the target is England's


def add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(month: dt.date | None) -> str:
    return "no data" if month is None else f"{month:%b %Y}"


@dataclass(frozen=True)
class Trajectory:
    """GPIP practices benefited to the end of `month` against the target, and the current rate."""

    month: dt.date
    benefited: int
    target: int | None  # None: no target for this scope (the 1,500 is England's)
    new_in_window: int  # practices newly benefiting in the rate's window
    rate_months: int  # months in the window: RATE_MONTHS, or fewer when GPIP has fewer
    reached: dt.date | None  # the month the target was reached, when it has been
    enrolled_in_month: int
    benefited_in_month: int

    @property
    def rate(self) -> float:
        """Practices newly benefiting per month: the mean over the window."""
        return self.new_in_window / self.rate_months if self.rate_months else 0.0

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        return add_months(self.month, 1 - self.rate_months), self.month

    @property
    def projected(self) -> dt.date | None:
        """The month the target is reached at the current rate: None when there is no target, it is reached
        already, or nothing new benefited in the window. Whole practices: the first month whose projected count
        reaches the target (exact integer arithmetic, no rounding of the rate)."""
        if self.target is None or self.reached is not None or self.new_in_window <= 0:
            return None
        to_go = self.target - self.benefited
        months = -(-to_go * self.rate_months // self.new_in_window)  # ceiling
        return add_months(self.month, months)

    @property
    def share_of_target(self) -> float | None:
        return None if not self.target else 100.0 * self.benefited / self.target

    def finding(self, where: str = "") -> str:
        """Where GPIP stands, in one sentence: the Summary's headline and the trajectory chart's title."""
        said = (
            f"{self.benefited:,} practices{f' in {where}' if where else ''} benefited from GPIP by "
        )
        said += month_label(self.month)
        if self.target is None:
            return f"{said}; no local target (the {TARGET_WORDS} is England's)"
        said += f", {self.share_of_target:.1f}% of the {self.target:,} target"
        if self.reached is not None:
            return f"{said}, reached in {month_label(self.reached)}"
        if self.projected is None:
            return f"{said}; none newly benefited in the last {self.rate_months} months"
        return f"{said}; at the current rate the target is reached in {month_label(self.projected)}"


def trajectory(monthly: pd.DataFrame, target: int | None, month: dt.date) -> Trajectory | None:
    """From queries/gpip_monthly.sql (months up to `month`); None without any GPIP month."""
    if monthly.empty:
        return None
    rows = monthly.assign(month=pd.to_datetime(monthly["month"]).dt.date).sort_values("month")
    window = rows.tail(RATE_MONTHS)
    last = rows.iloc[-1]
    reached = None
    if target:
        done = rows[rows["benefited_to_date"] >= target]
        reached = None if done.empty else done["month"].iloc[0]
    return Trajectory(
        month=last["month"],
        benefited=int(last["benefited_to_date"]),
        target=target,
        new_in_window=int(window["benefited"].sum()),
        rate_months=len(window),
        reached=reached,
        enrolled_in_month=int(last["enrolled"]),
        benefited_in_month=int(last["benefited"]),
    )


def gpip_status(fetch: Fetch, ctx: ChartContext) -> tuple[bool, pd.DataFrame, Trajectory | None]:
    """Whether the target applies (England), GPIP month by month to the period's last month, its trajectory."""
    month = ctx.last_month
    headline = fetch("gpip_headline").iloc[0]
    national = bool(headline["target_applies"])
    target = (
        int(headline["target_practices"])
        if national and pd.notna(headline["target_practices"])
        else None
    )
    if month is None:
        return national, pd.DataFrame(), None
    monthly = fetch("gpip_monthly", month=month)
    return national, monthly, trajectory(monthly, target, month)
