"""The impact page in AppTest on the demo: the headline estimate equals a statsmodels fit on the query's panel
and figures --json; the programme choice changes it; a scope with fewer than 5 supported practices shows no
estimate; the method and its limits are on the page; no practice code anywhere on it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import statsmodels.api as sm
from streamlit.testing.v1 import AppTest

from gpaccess.access import PUBLIC
from gpaccess.db import run
from gpaccess.figures import impact_figures
from gpaccess.impact import query_params
from gpaccess.scope import Scope
from tests.conftest import PROJECT

DASHBOARD = str(PROJECT / "dashboard.py")


def open_page(monkeypatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/impact.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Evidence of impact"]
    return at


def statsmodels_did(db: Path, scope: Scope) -> tuple[float, float, float]:
    """From the query's panel, by hand: window means with pandas, WLS with practice-clustered errors."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        panel = run(con, "impact_panel", PUBLIC, scope, **query_params("face_to_face"))
    finally:
        con.close()
    keys = ["arm", "unit", "start_month"]
    pre = (
        panel[panel["relative_month"].between(-6, -1)].groupby(keys)["value"].agg(["mean", "size"])
    )
    post = (
        panel[panel["relative_month"].between(6, 11)].groupby(keys)["value"].agg(["mean", "size"])
    )
    both = pre.add_suffix("_pre").join(post.add_suffix("_post"), how="inner")
    both = both[(both["size_pre"] >= 3) & (both["size_post"] >= 3)]
    weight = panel.groupby(keys)["weight"].max()
    frame = both.join(weight).reset_index()
    x = sm.add_constant((frame["arm"] == "supported").astype(float).to_numpy())
    fit = sm.WLS(
        (frame["mean_post"] - frame["mean_pre"]).to_numpy(), x, weights=frame["weight"].to_numpy()
    ).fit(cov_type="cluster", cov_kwds={"groups": frame["unit"].to_numpy()}, use_t=True)
    low, high = fit.conf_int()[1]
    return float(fit.params[1]), float(low), float(high)


def tile(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def measures_table(at: AppTest) -> pd.DataFrame:
    return at.table[0].value.reset_index()


def caption_under(at: AppTest, text: str) -> bool:
    return any(text in c.value for c in at.caption)


def test_headline_equals_statsmodels_and_figures(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db)
    estimate, low, high = statsmodels_did(demo_db, Scope(programme="Accelerate"))
    assert tile(at, "Difference in the change (estimate)") == f"{estimate:+.1f} pp"
    assert caption_under(at, f"95% confidence interval {low:+.1f} to {high:+.1f} pp")
    assert low <= 3.0 <= high  # the injected effect
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        figures = impact_figures(con, PUBLIC, Scope())
    finally:
        con.close()
    acc = figures["Accelerate"]
    assert acc["did_face_to_face_pp"] == round(estimate, 1)
    assert tile(at, "Supported practices compared") == f"{acc['n_supported']:,}"
    assert measures_table(at).loc[0, "Difference (95% CI)"] == (
        f"{estimate:+.1f} pp ({low:.1f} to {high:.1f})"
    )
    assert tile(at, "Matched comparison practices") == f"{acc['n_comparators']:,}"
    assert (
        len(at.get("plotly_chart")) == 4
    )  # before/after and month by month, for each programme (All)
    titles = [
        " ".join(json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ").split())
        for c in at.get("plotly_chart")
    ]  # the page wraps titles onto lines for phones
    assert all("Face-to-face share" in t and "at supported practices and" in t for t in titles)
    text = " ".join(m.value for m in at.markdown)
    for words in (
        "regression to the mean",
        "Selection",
        "Spillovers",
        "synthetic",
        "clustered by practice",
    ):
        assert words.lower() in text.lower(), words
    table = measures_table(at)
    assert list(table["Measure"]) == [
        "Face-to-face share",
        "Appointments per 1,000 patients",
        "Same-day share",
        "Did-not-attend rate",
    ]


def test_programme_choice_and_measure_change_the_view(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db)
    at.radio(key="impact_prog").set_value("GPIP").run()
    assert not at.exception
    estimate, _, _ = statsmodels_did(demo_db, Scope(programme="GPIP"))
    assert tile(at, "Difference in the change (estimate)") == f"{estimate:+.1f} pp"
    at.selectbox(key="impact_measure").set_value("dna").run()
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    # the month-by-month charts (after the two before/after charts) follow the measure chosen
    assert [t.startswith("Did-not-attend rate") for t in titles] == [False, False, True, True]
    # the programme filter in the sidebar fixes the programme: no radio then
    at2 = open_page(monkeypatch, demo_db, programme="GPIP")
    assert not [r for r in at2.radio if r.key == "impact_prog"]
    assert tile(at2, "Difference in the change (estimate)") == f"{estimate:+.1f} pp"


def test_fewer_than_five_supported_shows_no_estimate_and_no_codes(monkeypatch, demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        small = con.execute(
            "SELECT p.icb_code, count(DISTINCT e.practice_code) AS n FROM enrolment e "
            "JOIN practice p USING (practice_code) WHERE e.programme = 'GPIP' AND e.started_date IS NOT NULL "
            "AND e.status <> 'withdrawn' AND e.level <> 'universal' GROUP BY ALL HAVING n < 5 "
            "ORDER BY n DESC, p.icb_code LIMIT 1"
        ).fetchone()
        codes = set(con.execute("SELECT practice_code FROM practice").df()["practice_code"])
    finally:
        con.close()
    at = open_page(monkeypatch, demo_db, icb=small[0], programme="GPIP")
    assert tile(at, "Difference in the change (estimate)") in ("fewer than 5", "no data")
    assert any("fewer than 5" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0
    rendered = [m.value for m in at.markdown] + [c.value for c in at.caption]
    rendered += [str(m.value) for m in at.metric]
    rendered += [measures_table(at).to_csv()]
    blob = " ".join(rendered)
    assert not [c for c in codes if c in blob]
    table = measures_table(at)
    assert (table["Difference (95% CI)"].isin(["fewer than 5", "no data"])).all()
    assert any(
        "fewer than 5" in c.value for c in at.caption
    )  # supported in scope, not the exact count
    assert isinstance(table, pd.DataFrame)
