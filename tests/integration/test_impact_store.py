"""The impact panel's tables written at load (#19): impact_window against its rule, computed with pandas practice
by practice on the demo; the impact panels stored at load (gpaccess/store/stored_panels.py) against the panels
computed, and read only for their scope, measure and the method's design."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from gpaccess.access import Viewer
from gpaccess.db import load_query, run
from gpaccess.impact import MEASURES, estimate, panel, query_params, stored_or_estimated
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only
from gpaccess.store.connect import MACROS, summary_stand_ins
from gpaccess.store.impact_windows import POST_GAP, POST_MONTHS, PRE_MONTHS


@pytest.fixture(scope="module")
def demo(demo_db: Path):
    con = connect_read_only(demo_db)
    yield con
    con.close()


def same(got: pd.DataFrame, want: pd.DataFrame, what: str) -> None:
    """Equal, floats to 1e-12 (the comparators' weights are sums of 1/k, added in any order)."""
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, obj=what)


# --- impact_window against its rule ---------------------------------------------------------------------------
def nearest_list_size(extracts: pd.DataFrame, start: pd.Timestamp) -> float:
    """That month's extract, else the nearest, the earlier on a tie (extracts: extract_date, patients)."""
    if extracts.empty:
        return np.nan
    days = (extracts["extract_date"] - start).dt.days
    key = days.abs() * 2 + (days > 0)
    return float(extracts.loc[key.idxmin(), "patients"])


def months_from(months: pd.DataFrame, start: pd.Timestamp) -> pd.Series:
    return (months["month"].dt.year - start.year) * 12 + months["month"].dt.month - start.month


def window_means(months: pd.DataFrame, start: pd.Timestamp, patients: float) -> dict[str, float]:
    """Each measure's mean over the before and after windows of one practice and start month, with months."""
    offset = months_from(months, start)
    has_list_size = not np.isnan(patients) and patients != 0
    out: dict[str, float] = {}
    for window, chosen in (
        ("pre", (offset >= -PRE_MONTHS) & (offset < 0)),
        ("post", (offset >= POST_GAP) & (offset < POST_GAP + POST_MONTHS)),
    ):
        rows = months[chosen]
        for measure in ("face_to_face", "same_day", "dna"):
            shares = (100.0 * rows[measure] / rows["appointments"].replace(0, np.nan)).dropna()
            out[f"{measure}_{window}"] = shares.mean() if len(shares) else np.nan
            out[f"{measure}_{window}_n"] = len(shares)
        rates = (
            1000.0 * rows["appointments"] / patients if has_list_size else rows["appointments"][:0]
        )
        out[f"per_1000_{window}"] = rates.mean() if len(rates) else np.nan
        out[f"per_1000_{window}_n"] = len(rates)
    return out


def in_a_window(months: pd.DataFrame, start: pd.Timestamp) -> bool:
    offset = months_from(months, start)
    before = (offset >= -PRE_MONTHS) & (offset < 0)
    after = (offset >= POST_GAP) & (offset < POST_GAP + POST_MONTHS)
    return bool((before | after).any())


def test_impact_window_is_the_rule_for_every_start_month_of_sampled_practices(demo):
    stored = demo.execute("SELECT * FROM impact_window").df()
    pm = demo.execute(
        "SELECT practice_code, month, appointments, face_to_face, same_day, dna FROM practice_month"
    ).df()
    lists = demo.execute("SELECT * FROM list_size").df()
    sample = np.random.default_rng(19).choice(sorted(set(pm["practice_code"])), 12, replace=False)
    first, last = pm["month"].min(), pm["month"].max()
    starts = pd.date_range(
        first - pd.DateOffset(months=24), last + pd.DateOffset(months=24), freq="MS"
    )
    checked = 0
    for code in sample:
        months = pm[pm["practice_code"] == code]
        extracts = lists[lists["practice_code"] == code]
        rows = stored[stored["practice_code"] == code].set_index("start_month")
        for start in starts:
            assert (start in rows.index) == in_a_window(months, start), (code, start)
            if start not in rows.index:
                continue
            patients = nearest_list_size(extracts, start)
            row = rows.loc[start]
            assert row["patients"] == patients or (np.isnan(patients) and pd.isna(row["patients"]))
            for column, value in window_means(months, start, patients).items():
                if column.endswith("_n"):
                    assert row[column] == value, (code, start, column)
                else:
                    assert row[column] == pytest.approx(value, rel=1e-12, nan_ok=True), (
                        code,
                        start,
                        column,
                    )
            checked += 1
    assert checked > 12 * 60


# --- England's stored impact panels ---------------------------------------------------------------------------
def computed_panel(con: duckdb.DuckDBPyConnection, scope: Scope, params: dict) -> pd.DataFrame:
    """The impact panel computed, on a cursor where no panel is stored (as on a database without them)."""
    sql = load_query("impact_panel").sql
    values = {**scope.params(), **params}
    cursor = con.cursor()
    try:
        for statement in MACROS.values():
            cursor.execute(
                statement.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO", 1)
            )
        cursor.execute(summary_stand_ins(frozenset({"stored_impact_panel"}))["stored_panel_rows"])
        return cursor.execute(
            sql, {p: values[p] for p in load_query("impact_panel").parameters}
        ).df()
    finally:
        cursor.close()


@pytest.mark.parametrize("programme", ["Accelerate", "GPIP"])
def test_the_stored_panels_are_the_computed_ones(demo, programme):
    stored = demo.execute(
        "SELECT region_code, icb_code, measure, count(*) FROM stored_impact_panel WHERE programme = $p "
        "GROUP BY ALL",
        {"p": programme},
    ).df()
    england = stored[stored["region_code"].isna()]
    assert set(england["measure"]) == set(MEASURES) and (england.iloc[:, -1] > 100).all()
    assert set(stored[stored["region_code"].notna()]["measure"]) == {"face_to_face"}
    assert stored["icb_code"].nunique() > 10  # every ICB with supported practices
    scopes = [
        *((Scope(programme=programme), m) for m in MEASURES),
        (Scope(region="Y56", programme=programme), "face_to_face"),
        (Scope(region="Y56", icb="QRV", programme=programme), "face_to_face"),
    ]
    for scope, measure in scopes:
        got = run(demo, "impact_panel", Viewer("national"), scope, **query_params(measure))
        same(got, computed_panel(demo, scope, query_params(measure)), f"{scope} {measure}")


@pytest.mark.parametrize("programme", ["Accelerate", "GPIP"])
def test_the_stored_estimates_are_those_of_the_computed_panels(demo, programme):
    """Each panel stored at load has its difference-in-differences stored beside it: the estimate of the
    panel computed afresh (all fields), which stored_or_estimated reads without the panel's rows."""
    stored = demo.execute(
        "SELECT region_code, icb_code, measure FROM stored_impact_estimate WHERE programme = $p",
        {"p": programme},
    ).fetchall()
    panels = demo.execute(
        "SELECT DISTINCT region_code, icb_code, measure FROM stored_impact_panel WHERE programme = $p",
        {"p": programme},
    ).fetchall()
    assert sorted(stored, key=str) == sorted(panels, key=str) and len(stored) > 10
    national = Viewer("national")
    asked: list[str] = []

    def fetch(name, scope, **params):
        asked.append(name)
        return run(demo, name, national, scope, **params)

    scopes = [
        *((Scope(programme=programme), m) for m in MEASURES),
        (Scope(region="Y56", programme=programme), "face_to_face"),
        (Scope(region="Y56", icb="QRV", programme=programme), "face_to_face"),
    ]
    shown = []  # estimates not suppressed: the comparison is of numbers, not only of Nones
    for scope, measure in scopes:
        asked.clear()
        got = stored_or_estimated(fetch, scope, query_params(measure))
        assert asked == ["impact_estimate_stored"], (scope, measure)  # no panel read
        want = estimate(computed_panel(demo, scope, query_params(measure)), measure)
        assert got.suppressed == want.suppressed and got.measure == want.measure
        assert (got.n_supported, got.n_comparators) == (want.n_supported, want.n_comparators)
        fields = ("estimate", "se", "ci_low", "ci_high", "supported_pre", "supported_change")
        for field in (*fields, "comparator_pre", "comparator_change"):
            expected = getattr(want, field)
            assert getattr(got, field) == (None if expected is None else pytest.approx(expected))
        shown.append(not want.suppressed)
    assert shown[0]  # England's face-to-face estimate, at least, is shown


def test_a_stored_panel_is_read_for_its_scope_measure_and_design_only(
    demo_db: Path, tmp_path: Path
):
    copy = tmp_path / "marked.duckdb"
    shutil.copyfile(demo_db, copy)
    with duckdb.connect(
        str(copy)
    ) as con:  # the stored panels marked: a query that reads one returns the mark
        con.execute("UPDATE stored_impact_panel SET value = -1 WHERE programme = 'GPIP'")
        con.execute("UPDATE stored_impact_estimate SET estimate = -99 WHERE programme = 'GPIP'")
    national, dna = Viewer("national"), query_params("dna")
    icb = Scope(region="Y56", icb="QRV", programme="GPIP")
    read = {
        "England, another measure": (Scope(programme="GPIP"), dna),
        "an ICB, the headline measure": (icb, query_params("face_to_face")),
    }
    computed = {
        "an ICB, another measure": (icb, dna),
        "a phase": (Scope(programme="GPIP"), query_params("dna", phase="Cohort 2024-04")),
        "another design": (Scope(programme="GPIP"), {**dna, "k_comparators": 2}),
    }
    with connect_read_only(copy) as con:

        def fetch(name, scope, **params):
            return run(con, name, national, scope, **params)

        for what, (scope, params) in read.items():
            assert (run(con, "impact_panel", national, scope, **params)["value"] == -1).all(), what
            # read alone by impact_panel_stored, as gpaccess.impact.panel asks first: the same rows
            stored = fetch("impact_panel_stored", scope, **params)
            same(stored, fetch("impact_panel", scope, **params), what)
            same(panel(fetch, scope, params), stored, what)
            assert stored_or_estimated(fetch, scope, params).estimate == -99, what
        for what, (scope, params) in computed.items():
            rows = run(con, "impact_panel", national, scope, **params)
            assert (rows["value"] >= 0).all() and len(rows) > 0, what
            assert fetch("impact_panel_stored", scope, **params).empty, what
            same(panel(fetch, scope, params), rows, what)
            assert fetch("impact_estimate_stored", scope, **params).empty, what
            computed_estimate = estimate(rows, str(params["measure"]))
            assert stored_or_estimated(fetch, scope, params) == computed_estimate, what
    # estimates stored by another version of the method are not read: computed from the (stored) panel
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE dataset SET value = 'another' WHERE key = 'impact_method_version'")
    with connect_read_only(copy) as con:
        for what, (scope, params) in read.items():
            rows = run(con, "impact_panel_stored", national, scope, **params)
            assert run(con, "impact_estimate_stored", national, scope, **params).empty, what
            got = stored_or_estimated(
                lambda name, at, **extra: run(con, name, national, at, **extra), scope, params
            )
            assert got == estimate(rows, str(params["measure"])) and got.estimate != -99, what
