"""The summary model (gpaccess.summary) on hand-made query results: the GPIP rate and the month the target is
reached, worked out here month by month with exact fractions; already reached; no local target for a region;
each outcome's change and SPC verdict in words; the commentary and its byline in the notes and the table."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from gpaccess.access import PUBLIC
from gpaccess.registry import ChartContext
from gpaccess.scope import NATIONAL, Scope
from gpaccess.spc import summarise, xmr
from gpaccess.summary import RATE_MONTHS, add_months, build_summary, trajectory

MONTH = dt.date(2026, 9, 1)
NEW = [40, 30, 12, 0, 9, 25, 3, 0, 7, 10, 0, 7, 3, 5, 4]  # newly benefited, month by month to MONTH
ENROLLED = [50, 20, 10, 5, 9, 20, 3, 1, 7, 10, 2, 7, 3, 5, 6]


def gpip_monthly(new=NEW, enrolled=ENROLLED, month=MONTH, start=1100) -> pd.DataFrame:
    months = [add_months(month, i - len(new) + 1) for i in range(len(new))]
    to_date = start + np.cumsum(new)
    return pd.DataFrame(
        {"month": months, "enrolled": enrolled, "benefited": new, "benefited_to_date": to_date}
    )


def appointments_monthly(months: int = 48) -> pd.DataFrame:
    dates = [add_months(MONTH, i - months + 1) for i in range(months)]
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "month": pd.to_datetime(dates),
            "face_to_face_pct": 60 + rng.normal(0, 0.5, months),
            "dna_pct": 4.5 + rng.normal(0, 0.1, months),
            "same_day_pct": 42 + rng.normal(0, 0.4, months),
            "appointments_per_1000": 480 + rng.normal(0, 6, months),
        }
    )


def context(scope: Scope = NATIONAL, label: str = "England") -> ChartContext:
    return ChartContext(PUBLIC, scope, label, "Apr 2021 to Sep 2026", last_month=MONTH)


def fake_fetch(frames: dict[str, pd.DataFrame]):
    asked: list[tuple[str, dict]] = []

    def fetch(name: str, scope=None, **extra):
        asked.append((name, extra))
        return frames[name].copy()

    fetch.asked = asked  # type: ignore[attr-defined]
    return fetch


def frames(
    national=True, commentary=None, monthly=None, appointments=None
) -> dict[str, pd.DataFrame]:
    monthly = gpip_monthly() if monthly is None else monthly
    return {
        "gpip_headline": pd.DataFrame(
            {
                "practices_benefited": [int(monthly["benefited"].sum())],
                "target_practices": [1500],
                "target_applies": [national],
            }
        ),
        "gpip_monthly": monthly,
        "appointments_monthly": appointments_monthly() if appointments is None else appointments,
        "programmes": pd.DataFrame({"start_date": [dt.date(2021, 12, 1), dt.date(2023, 5, 1)]}),
        "spc_changes": pd.DataFrame(  # none recorded: limits from the first 12 months throughout
            columns=["measure", "change_month", "reason", "recorded_as", "recorded_at"]
        ),
        "commentary": commentary
        if commentary is not None
        else pd.DataFrame(columns=["month", "text", "written_by", "written_at", "versions"]),
    }


def month_reached_by_simulation(benefited: int, last_six: list[int], target: int) -> dt.date:
    """Add the mean of the last six months, month after month, until the count reaches the target."""
    rate = Fraction(sum(last_six), len(last_six))
    count, month = Fraction(benefited), MONTH
    while count < target:
        count += rate
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return month


def test_the_rate_and_the_month_the_target_is_reached():
    benefited = 1100 + sum(NEW)
    summary = build_summary(fake_fetch(frames()), context())
    g = summary.gpip
    assert g is not None and g.benefited == benefited == 1255
    last_six = NEW[-RATE_MONTHS:]  # [10, 0, 7, 3, 5, 4]: 29 in 6 months
    assert g.rate == pytest.approx(29 / 6)
    expected = month_reached_by_simulation(benefited, last_six, 1500)
    assert g.projected == expected == dt.date(2030, 12, 1)  # 245 to go at 29/6 a month: 51 months
    assert summary.title == (
        "Summary: 1,255 practices benefited from GPIP by Sep 2026, 83.7% of the 1,500 target; "
        "at the current rate the target is reached in Dec 2030"
    )
    assert "Current rate: 4.8 practices a month" in summary.status_lines[1]
    assert "Apr 2026 to Sep 2026" in summary.status_lines[1]
    assert "reached in Dec 2030 (245 practices to go)" in summary.status_lines[2]
    assert (
        summary.change_lines[0]
        == "GPIP in Sep 2026: 4 practices newly benefited, 6 newly enrolled."
    )


@pytest.mark.parametrize("last_six", [[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 7], [200, 0, 0, 0, 0, 0]])
def test_the_projection_is_the_first_month_whose_count_reaches_the_target(last_six):
    new = [10] * 9 + last_six
    g = trajectory(gpip_monthly(new, [0] * len(new), start=1200), 1500, MONTH)
    assert g is not None
    assert g.projected == month_reached_by_simulation(1290 + sum(last_six), last_six, 1500)


def test_a_target_already_reached_says_when():
    new = [300, 400, 500, 320, 10, 10, 10, 10]  # 1,500 reached in the fourth month
    g = trajectory(gpip_monthly(new, [0] * 8, start=0), 1500, MONTH)
    assert g is not None and g.reached == add_months(MONTH, -4) == dt.date(2026, 5, 1)
    assert g.projected is None
    summary = build_summary(
        fake_fetch(frames(monthly=gpip_monthly(new, [0] * 8, start=0))), context()
    )
    assert summary.title.endswith(
        "1,560 practices benefited from GPIP by Sep 2026, 104.0% of the 1,500 target, reached in May 2026"
    )


def test_no_new_practices_means_no_projection():
    new = [50] * 4 + [0] * 6
    g = trajectory(gpip_monthly(new, [0] * 10, start=0), 1500, MONTH)
    assert g is not None and g.rate == 0 and g.projected is None
    summary = build_summary(
        fake_fetch(frames(monthly=gpip_monthly(new, [0] * 10, start=0))), context()
    )
    assert "none newly benefited in the last 6 months" in summary.title
    assert "is not reached" in summary.status_lines[-1]


def test_fewer_months_than_the_window_use_those_held():
    g = trajectory(gpip_monthly([6, 3], [6, 3], start=0), 1500, MONTH)
    assert g is not None and g.rate_months == 2 and g.rate == 4.5


def test_a_region_has_no_local_target():
    summary = build_summary(
        fake_fetch(frames(national=False)), context(Scope(region="Y56"), "London region")
    )
    assert summary.gpip is not None and summary.gpip.target is None
    assert summary.gpip.projected is None
    assert summary.title == (
        "Summary: 1,255 practices in London region benefited from GPIP by Sep 2026; "
        "no local target (the programme target is England's)"
    )
    assert "No local target" in summary.status_lines[0]


def test_outcomes_change_and_verdict_in_words():
    appointments = appointments_monthly()
    fetch = fake_fetch(frames(appointments=appointments))
    summary = build_summary(fetch, context())
    by_column = {o.column: o for o in summary.outcomes}
    assert list(by_column) == [
        "face_to_face_pct",
        "dna_pct",
        "same_day_pct",
        "appointments_per_1000",
    ]
    last, before = appointments.iloc[-1], appointments.iloc[-2]
    dna = by_column["dna_pct"]
    assert dna.value == pytest.approx(last["dna_pct"])
    expected_change = round(last["dna_pct"] - before["dna_pct"], 1) + 0.0
    assert dna.change_words == f"{expected_change:+.1f} pp on Aug 2026"
    per_1000 = by_column["appointments_per_1000"]
    assert per_1000.change_words.endswith(" per 1,000 on Aug 2026")
    # the verdict is the SPC chart's: no change recorded, so limits from the first 12 months throughout
    series = appointments[["month", "dna_pct"]]
    table = xmr(series["month"].dt.date, series["dna_pct"], improvement="down")
    verdict = summarise(table, improvement="down")
    assert dna.spc == verdict
    assert dna.variation_words.endswith(verdict.variation_text)
    assert dna.assurance_words == "– No target set: assurance not assessed"
    row = dna.row
    assert row[0] == "Did-not-attend (DNA) rate" and row[1] == f"{last['dna_pct']:.1f}% (Sep 2026)"


def test_a_month_missing_before_the_latest_is_said():
    appointments = appointments_monthly().drop(index=46)  # Aug 2026
    summary = build_summary(fake_fetch(frames(appointments=appointments)), context())
    assert summary.outcomes[0].change_words == "no figure for Aug 2026"


def test_the_commentary_is_read_for_the_summary_month_and_shown_with_its_author():
    written = pd.DataFrame(
        {
            "month": [pd.Timestamp(MONTH)],
            "text": ['=HYPERLINK("http://x") Uptake is slowing.'],
            "written_by": ["lead@nhs.net"],
            "written_at": [pd.Timestamp("2026-10-05 09:30")],
            "versions": [2],
        }
    )
    fetch = fake_fetch(frames(commentary=written))
    summary = build_summary(fetch, context())
    assert ("commentary", {"month": MONTH}) in fetch.asked  # type: ignore[attr-defined]
    assert summary.commentary is not None and summary.commentary.versions == 2
    assert summary.commentary_text == (
        '=HYPERLINK("http://x") Uptake is slowing. (lead@nhs.net, 05 Oct 2026 09:30 UTC)'
    )
    assert summary.notes.startswith("Commentary: =HYPERLINK")
    assert "Status: GPIP: 1,255 practices" in summary.notes
    table = summary.table()
    row = table[table["section"] == "Commentary"].iloc[0]
    assert row["value"] == '=HYPERLINK("http://x") Uptake is slowing.'
    assert row["detail"] == "lead@nhs.net, 05 Oct 2026 09:30 UTC"


def test_without_commentary_or_data_the_summary_says_so():
    empty = frames(
        monthly=gpip_monthly().iloc[0:0],
        appointments=appointments_monthly().iloc[0:0],
    )
    summary = build_summary(fake_fetch(empty), context())
    assert summary.gpip is None and summary.outcomes == ()
    assert summary.title == "Summary: no data for this scope"
    assert summary.commentary_text == "No commentary written for England, Sep 2026."
