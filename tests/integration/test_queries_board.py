"""Board-page queries on a small fixture store: each output against values computed independently with pandas
from the fixture's rows (tests/fixtures_board.py), plus grain and uniqueness checks."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from gpaccess.access import PUBLIC
from gpaccess.config import REFERENCE_DIR
from gpaccess.db import IDENTITY_COLUMNS, load_query, run
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only
from tests import fixtures_board as fx

BOARD_QUERIES = (
    "telephony_blocked_by_icb",
    "barriers_by_kind",
    "barrier_reports",
    "withdrawal_reasons",
    "gains_by_phase",
    "gains_by_region",
    "gains_by_icb",
    "hours_released",
    "gain_kinds",
)
SCOPES = {
    "england": Scope(),
    "london": Scope(region="Y56"),
    "qoc": Scope(region="Y60", icb="QOC"),
    "gpip": Scope(programme="GPIP"),
    "accelerate_london": Scope(region="Y56", programme="Accelerate"),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = fx.build_board_store(tmp_path_factory.mktemp("board") / "board.duckdb")
    connection = connect_read_only(path)
    yield connection
    connection.close()


def reference_icbs() -> pd.DataFrame:
    with open(REFERENCE_DIR / "icb_reference.csv", newline="", encoding="utf-8") as f:
        return pd.DataFrame(list(csv.DictReader(f)))


def in_scope(frame: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if scope.region:
        keep &= frame["region_code"] == scope.region
    if scope.icb:
        keep &= frame["icb_code"] == scope.icb
    if scope.programme != "All" and "programme" in frame:
        keep &= frame["programme"] == scope.programme
    return frame[keep]


def assessed(scope: Scope) -> pd.DataFrame:
    e = in_scope(fx.enrolments(), scope)
    return e[
        (e["status"] != "withdrawn") & e["started_date"].notna() & e["productivity_gain"].notna()
    ]


def sorted_records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    rows = [
        tuple(None if pd.isna(v) else (float(v) if isinstance(v, float) else v) for v in row)
        for row in frame[columns].itertuples(index=False)
    ]
    return sorted(rows, key=repr)


# --- headers and identities ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", BOARD_QUERIES)
def test_query_declares_grain_and_returns_no_practice_identity(con, name):
    query = load_query(name)
    assert query.grain.startswith("one row per")
    assert not query.identities
    for scope in SCOPES.values():
        frame = run(con, name, PUBLIC, scope)
        assert not IDENTITY_COLUMNS & {c.lower() for c in frame.columns}
        assert not frame.astype(str).isin(fx.practices()["practice_code"].tolist()).any().any()


# --- eligibility ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("scope_name", ["england", "london", "qoc"])
def test_telephony_blocked_matches_the_rule_computed_by_hand(con, scope_name):
    scope = SCOPES[scope_name]
    out = run(con, "telephony_blocked_by_icb", PUBLIC, scope)
    icbs = in_scope(reference_icbs(), scope)
    assert sorted(out["icb_code"]) == sorted(icbs["icb_code"])  # one row per ICB in scope
    assert out["icb_code"].is_unique
    expected = {icb: n for icb, n in fx.BLOCKED.items() if icb in set(icbs["icb_code"])}
    assert (
        dict(out.loc[out["blocked"] > 0, ["icb_code", "blocked"]].itertuples(index=False))
        == expected
    )


def test_telephony_blocked_agrees_with_pandas_on_the_eligibility_rows(con):
    el = pd.DataFrame(fx.ELIGIBILITY, columns=["practice_code", "live", "wished", "assessed"])
    el = el.merge(fx.practices(), on="practice_code")
    not_live = el["live"].isna() | (el["assessed"].notna() & (el["live"] > el["assessed"]))
    el["blocked"] = el["wished"] & not_live
    expected = el.groupby("icb_code").agg(wished=("wished", "sum"), blocked=("blocked", "sum"))
    out = run(con, "telephony_blocked_by_icb", PUBLIC, Scope()).set_index("icb_code")
    for icb, row in expected.iterrows():
        assert (out.at[icb, "wished_to_enrol"], out.at[icb, "blocked"]) == (
            row["wished"],
            row["blocked"],
        )
    assert out["blocked"].sum() == 3


# --- barriers ---------------------------------------------------------------------------------------------------
def barriers() -> pd.DataFrame:
    b = pd.DataFrame(fx.BARRIERS, columns=fx.BARRIER_COLUMNS)
    return b.merge(reference_icbs()[["icb_code", "region_code"]], on="icb_code")


@pytest.mark.parametrize("scope_name", ["england", "london", "gpip", "accelerate_london"])
def test_barriers_by_kind_counts_icbs_per_barrier(con, scope_name):
    scope = SCOPES[scope_name]
    b = in_scope(barriers(), scope)
    expected = b.groupby(["programme", "barrier"]).agg(
        icbs=("icb_code", "nunique"), reports=("icb_code", "size")
    )
    expected = expected.reset_index()
    expected["icbs_reporting_any"] = expected["programme"].map(
        b.groupby("programme")["icb_code"].nunique()
    )
    out = run(con, "barriers_by_kind", PUBLIC, scope)
    columns = ["programme", "barrier", "icbs", "reports", "icbs_reporting_any"]
    assert sorted_records(out, columns) == sorted_records(expected, columns)
    assert not out.duplicated(["programme", "barrier"]).any()


def test_barriers_nationally_by_hand(con):
    out = run(con, "barriers_by_kind", PUBLIC, Scope(programme="GPIP")).set_index("barrier")
    assert out.at["capacity", "icbs"] == 2  # QRV and QF7
    assert out.at["eligibility", "practices_affected"] == 17
    assert set(out["icbs_reporting_any"]) == {4}


def test_barrier_period_runs_from_first_to_last_day_of_the_chosen_months(con):
    october = Scope(date_from=dt.date(2023, 10, 1), date_to=dt.date(2023, 10, 1))
    reports = run(con, "barrier_reports", PUBLIC, october)
    assert sorted(reports["reported_date"].dt.date) == [dt.date(2023, 10, 15)] * 2 + [
        dt.date(2023, 10, 20)
    ]
    kinds = run(con, "barriers_by_kind", PUBLIC, october)
    assert set(kinds["barrier"]) == {"capacity", "workforce", "eligibility"}
    assert set(kinds["icbs_reporting_any"]) == {2}


@pytest.mark.parametrize("scope_name", ["england", "london", "qoc", "gpip"])
def test_barrier_reports_one_row_per_report_in_scope(con, scope_name):
    scope = SCOPES[scope_name]
    out = run(con, "barrier_reports", PUBLIC, scope)
    expected = in_scope(barriers(), scope)
    assert len(out) == len(expected)
    assert not out.duplicated(["icb_code", "reported_date", "programme", "barrier"]).any()
    assert sorted(out["detail"]) == sorted(expected["detail"])
    names = dict(zip(reference_icbs()["icb_code"], reference_icbs()["icb_name"], strict=True))
    assert all(out["icb_name"] == out["icb_code"].map(names))


# --- withdrawals ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("scope_name", ["england", "london", "gpip"])
def test_withdrawal_reasons_count_practices(con, scope_name):
    scope = SCOPES[scope_name]
    e = in_scope(fx.enrolments(), scope)
    e = e[e["status"] == "withdrawn"]
    expected = (
        e.groupby(["programme", "withdrawal_reason"])["practice_code"].nunique().rename("practices")
    )
    out = run(con, "withdrawal_reasons", PUBLIC, scope)
    assert sorted_records(out, ["programme", "withdrawal_reason", "practices"]) == sorted_records(
        expected.reset_index(), ["programme", "withdrawal_reason", "practices"]
    )
    assert not out.duplicated(["programme", "withdrawal_reason"]).any()


# --- gains ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_gains_by_phase_counts_assessed_and_gains(con, scope_name):
    scope = SCOPES[scope_name]
    a = assessed(scope)
    expected = (
        a.groupby(["programme", "phase", "level"])
        .agg(assessed=("practice_code", "nunique"), with_gains=("productivity_gain", "sum"))
        .reset_index()
    )
    out = run(con, "gains_by_phase", PUBLIC, scope)
    columns = ["programme", "phase", "level", "assessed", "with_gains"]
    assert sorted_records(out, columns) == sorted_records(expected, columns)
    assert not out.duplicated(["programme", "phase", "level"]).any()


def test_gains_by_phase_nationally_by_hand(con):
    out = run(con, "gains_by_phase", PUBLIC, Scope()).set_index(["programme", "phase", "level"])
    # phase 1: 5 assessed (the withdrawn practice is not), 4 with gains; phase 2: 2 assessed (active and
    # not-started practices are not), 1 with gains
    assert tuple(out.loc[("Accelerate", "Phase 1", "intensive"), ["assessed", "with_gains"]]) == (
        5,
        4,
    )
    assert tuple(out.loc[("Accelerate", "Phase 2", "intensive"), ["assessed", "with_gains"]]) == (
        2,
        1,
    )


@pytest.mark.parametrize(
    ("name", "area"), [("gains_by_region", "region_code"), ("gains_by_icb", "icb_code")]
)
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_gains_by_area_counts_each_practice_once_per_programme(con, name, area, scope_name):
    scope = SCOPES[scope_name]
    per_practice = (
        assessed(scope).groupby(["programme", area, "practice_code"])["productivity_gain"].any()
    )
    expected = (
        per_practice.groupby(["programme", area])
        .agg(assessed="size", with_gains="sum")
        .reset_index()
    )
    out = run(con, name, PUBLIC, scope)
    nonzero = out[out["assessed"] > 0]
    columns = ["programme", area, "assessed", "with_gains"]
    assert sorted_records(nonzero, columns) == sorted_records(expected, columns)
    areas = in_scope(reference_icbs(), scope)[area].nunique()
    programmes = 1 if scope.programme != "All" else 2
    assert len(out) == areas * programmes  # every area in scope, for every programme in scope
    assert not out.duplicated(["programme", area]).any()


def test_hours_released_totals_by_phase(con):
    for scope in SCOPES.values():
        e = in_scope(fx.enrolments(), scope)
        e = e[
            (e["status"] != "withdrawn")
            & e["started_date"].notna()
            & (e["clinical_hours_released"].notna() | e["admin_hours_released"].notna())
        ]
        expected = (
            e.groupby(["programme", "phase", "level"])
            .agg(
                practices_reporting=("practice_code", "nunique"),
                clinical_hours=("clinical_hours_released", "sum"),
                admin_hours=("admin_hours_released", "sum"),
            )
            .reset_index()
        )
        out = run(con, "hours_released", PUBLIC, scope)
        columns = [
            "programme",
            "phase",
            "level",
            "practices_reporting",
            "clinical_hours",
            "admin_hours",
        ]
        assert sorted_records(out, columns) == sorted_records(expected, columns)
        assert not out.duplicated(["programme", "phase", "level"]).any()
    phase_1 = run(con, "hours_released", PUBLIC, Scope()).iloc[0]
    assert (phase_1["clinical_hours"], phase_1["admin_hours"]) == (
        28.0,
        17.0,
    )  # 10+6+0+8+4, 5+4+0+2+6


@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_gain_kinds_split_trimmed_and_counted_once_per_practice(con, scope_name):
    scope = SCOPES[scope_name]
    e = in_scope(fx.enrolments(), scope)
    e = e[
        (e["status"] != "withdrawn") & e["started_date"].notna() & e["productivity_gain"].eq(True)
    ]
    kinds = (
        e.assign(gain_kind=e["gain_kind"].str.split(";"))
        .explode("gain_kind")
        .dropna(subset=["gain_kind"])
    )
    kinds["gain_kind"] = kinds["gain_kind"].str.strip().str.lower()
    expected = (
        kinds.groupby(["programme", "gain_kind"])["practice_code"].nunique().rename("practices")
    )
    expected = expected.reset_index()
    expected["practices_with_kind"] = expected["programme"].map(
        kinds.groupby("programme")["practice_code"].nunique()
    )
    out = run(con, "gain_kinds", PUBLIC, scope)
    columns = ["programme", "gain_kind", "practices", "practices_with_kind"]
    assert sorted_records(out, columns) == sorted_records(expected, columns)
    assert not out.duplicated(["programme", "gain_kind"]).any()


def test_gain_kinds_nationally_by_hand(con):
    out = run(con, "gain_kinds", PUBLIC, Scope(programme="Accelerate")).set_index("gain_kind")
    assert out.at["more appointments", "practices"] == 3
    assert (
        out.at["better continuity", "practices"] == 1
    )  # " better continuity" after "; " is trimmed
    assert set(out["practices_with_kind"]) == {5}


# --- the existing queries the pages use, on this fixture ----------------------------------------------------------
def test_uptake_pool_counts_a_closed_practice_only_for_the_programme_it_was_open_in(con):
    out = run(con, "uptake_by_icb", PUBLIC, Scope(icb="QRV")).set_index("programme")
    assert (out.at["Accelerate", "practices"], out.at["GPIP", "practices"]) == (10, 9)
    # hands-on, not withdrawn: Accelerate E85001, E85002, E85004, E85010; GPIP E85006, E85008
    assert (out.at["Accelerate", "enrolled"], out.at["GPIP", "enrolled"]) == (4, 2)
