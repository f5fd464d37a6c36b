"""The small-number rule, swept over every chart of every page as the public sees them: no share, mean or outcome
count of 1 to 4 practices is shown (gpaccess.disclosure; docs/roles.md "Small numbers").

The demo has ICBs with few supported practices: the scopes swept are England and the ICBs with the fewest
enrolments, where groups of 1 to 4 practices occur (the test checks that they do, so it cannot pass vacuously).
Every chart is built through the registry, as every page, deck and export builds it."""

from __future__ import annotations

import pandas as pd
import pytest

from gpaccess.access import Viewer
from gpaccess.export.sections import db_fetch, export_context, shared
from gpaccess.registry import PAGES
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only

PUBLIC = Viewer()
# a share or mean of practices -> the column that counts those practices; the outcome counts hidden with it
SHARES = {
    "gains_pct": ("assessed", ("with_gains",)),
    "adopted_pct": ("assessed", ("adopters",)),
    "share_pct": ("share_base", ("practices",)),
    "adopters_gains_pct": ("adopters", ("adopters_with_gains",)),
    "non_adopters_gains_pct": ("non_adopters", ("non_adopters_with_gains",)),
    "clinical_mean_per_practice": ("practices_reporting", ("clinical_hours",)),
    "admin_mean_per_practice": ("practices_reporting", ("admin_hours",)),
    "mean_delivered": ("practices_supported", ()),
}
EVENT_STUDY = {
    "mean": ("practices", ("ci_low", "ci_high"))
}  # impact_event charts: a mean per month


@pytest.fixture(scope="module")
def con(demo_db):
    connection = connect_read_only(demo_db)
    yield connection
    connection.close()


def smallest_icbs(con, n: int = 3) -> list[str]:
    rows = con.execute(
        "SELECT p.icb_code FROM enrolment AS e JOIN practice AS p USING (practice_code) "
        "GROUP BY 1 ORDER BY count(*), 1 LIMIT ?",
        [n],
    ).fetchall()
    return [code for (code,) in rows]


def every_chart(con, scope: Scope):
    ctx = export_context(con, PUBLIC, scope)
    fetch = shared(db_fetch(con, ctx))
    for page in PAGES.values():
        for entry in page.entries:
            yield from entry.charts(fetch, ctx)


def shown_over_few(chart) -> list[str]:
    """Where the chart's data shows a share, mean or outcome count over 1 to 4 practices."""
    rules = EVENT_STUDY if chart.key.startswith("impact_event") else SHARES
    found = []
    for column, (count, outcomes) in rules.items():
        if column not in chart.data.columns or count not in chart.data.columns:
            continue
        base = pd.to_numeric(chart.data[count], errors="coerce")
        few = chart.data[(base > 0) & (base < 5)]
        for shown in (column, *(c for c in outcomes if c in chart.data.columns)):
            found += [f"{chart.key}.{shown} over {n}" for n in few.loc[few[shown].notna(), count]]
    return found


def test_no_public_chart_shows_a_share_of_fewer_than_5_practices(con):
    scopes = [Scope(), *(Scope(icb=icb) for icb in smallest_icbs(con))]
    small_groups = 0
    problems: list[str] = []
    for scope in scopes:
        for chart in every_chart(con, scope):
            rules = EVENT_STUDY if chart.key.startswith("impact_event") else SHARES
            for count, _ in rules.values():
                if count in chart.data.columns:
                    base = pd.to_numeric(chart.data[count], errors="coerce")
                    small_groups += int(((base > 0) & (base < 5)).sum())
            problems += [f"{scope.icb or 'England'}: {p}" for p in shown_over_few(chart)]
    assert small_groups > 0, "the sweep met no group of 1 to 4 practices: it tested nothing"
    assert problems == []


def test_the_sweep_finds_a_share_over_few_practices():
    from gpaccess.charts import Chart

    data = pd.DataFrame({"assessed": [3, 40], "with_gains": [2, 30], "gains_pct": [66.7, 75.0]})
    chart = Chart("gains_by_icb", "t", "s", lambda: None, data)  # type: ignore[arg-type]
    assert shown_over_few(chart) == [
        "gains_by_icb.gains_pct over 3",
        "gains_by_icb.with_gains over 3",
    ]


# `figures --json` as the public sees it: each share -> the headline columns of its part and base
FIGURE_SHARES = {
    "extended_pct": ("practices_extended", "practices_supported"),
    "gains_pct_phases_1_3": ("gains_phases_1_3", "assessed_phases_1_3"),
    "gains_pct_all": ("gains_all", "assessed_all"),
}


def test_no_public_figure_is_a_share_or_estimate_over_fewer_than_5_practices(con):
    """Every ICB's `figures` as the public gets them: a share of 1-4 practices is null, and so is an impact
    estimate over 1-4 supported practices; shares over 5 or more are given (the rule is not over-applied)."""
    from gpaccess.db import run
    from gpaccess.figures import headline_figures

    icbs = [code for (code,) in con.execute("SELECT icb_code FROM icb ORDER BY 1").fetchall()]
    small = given = 0
    for scope in [Scope(), *(Scope(icb=icb) for icb in icbs)]:
        figures = headline_figures(con, PUBLIC, scope)
        head = run(con, "accelerate_headline", PUBLIC, scope).iloc[0]
        for name, (_part, base) in FIGURE_SHARES.items():
            if 0 < head[base] < 5:
                small += 1
                assert figures["accelerate"][name] is None, (scope, name, head[base])
            elif head[base] >= 5:
                given += 1
                assert figures["accelerate"][name] is not None, (scope, name)
        for programme, impact in figures["impact"].items():
            if impact["n_supported"] is not None and 0 < impact["n_supported"] < 5:
                small += 1
                assert impact["did_face_to_face_pp"] is None, (scope, programme)
    assert small > 0 and given > 0, (
        "the sweep met no small group, or no large one: it tested nothing"
    )
