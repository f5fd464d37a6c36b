"""The Summary's GPIP trajectory chart on a hand-made month-by-month frame: the path to the target worked out
here one month at a time with whole practices, the title's words, and the plotted data."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from gpaccess.charts.trajectory import gpip_trajectory
from gpaccess.trajectory import trajectory

MONTH = dt.date(2026, 9, 1)
NEW = [5, 9, 12, 7, 10, 11, 8, 6]  # newly benefited, Feb to Sep 2026
START = 1300
TARGET = 1500


def monthly() -> pd.DataFrame:
    months = [dt.date(2026, m, 1) for m in range(2, 10)]
    to_date, running = [], START
    for n in NEW:
        running += n
        to_date.append(running)
    return pd.DataFrame(
        {"month": months, "enrolled": NEW, "benefited": NEW, "benefited_to_date": to_date}
    )


def expected_path() -> list[tuple[dt.date, int]]:
    """Month by month from Sep 2026 at the mean of the last six months' new practices, in whole practices."""
    window = NEW[-6:]
    now = START + sum(NEW)
    path, k, month = [], 0, MONTH
    while True:
        k += 1
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        reached = now + sum(window) * k // len(window)
        path.append((month, reached))
        if reached >= TARGET:
            return path


def test_the_path_runs_at_the_current_rate_to_the_month_the_target_is_reached():
    g = trajectory(monthly(), TARGET, MONTH)
    chart = gpip_trajectory(monthly(), g, "England", "")
    assert chart is not None
    ahead = chart.data.dropna(subset=["projected_to_date"]).iloc[1:]
    got = [(m, int(v)) for m, v in zip(ahead["month"], ahead["projected_to_date"], strict=True)]
    assert got == expected_path()
    last_month = expected_path()[-1][0]
    assert chart.title == (
        f"{START + sum(NEW):,} practices benefited from GPIP by Sep 2026, "
        f"{100 * (START + sum(NEW)) / TARGET:.1f}% of the {TARGET:,} target; "
        f"at the current rate the target is reached in {last_month:%b %Y}"
    )
    assert set(chart.data["target"]) == {TARGET}
    held = chart.data.dropna(subset=["benefited_to_date"])
    assert list(held["benefited_to_date"]) == list(monthly()["benefited_to_date"])


def test_the_figure_draws_held_months_the_projection_and_the_target():
    g = trajectory(monthly(), TARGET, MONTH)
    chart = gpip_trajectory(monthly(), g, "England", "")
    assert chart is not None
    spec = json.loads(chart.figure.to_json())
    names = [trace["name"] for trace in spec["data"]]
    assert names == ["Benefited to date", "At the current rate"]
    assert [s["y0"] for s in spec["layout"]["shapes"]] == [TARGET]
    assert "dash" in spec["data"][1]["line"]["dash"]


def test_a_region_has_no_target_and_no_projection():
    g = trajectory(monthly(), None, MONTH)
    chart = gpip_trajectory(monthly(), g, "London", "London")
    assert chart is not None
    assert chart.title.startswith(f"{START + sum(NEW):,} practices in London benefited from GPIP")
    assert chart.data["projected_to_date"].isna().all()
    assert "target" not in chart.data
    assert "target" not in chart.alt_text


def test_no_gpip_month_no_chart():
    assert gpip_trajectory(monthly().iloc[0:0], None, "England", "") is None
