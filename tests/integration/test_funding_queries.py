"""Funding on the demo: the winter access fund's £250,000,000 across the 42 ICBs, queries/funding_by_icb.sql
against the same figures computed with pandas from the stored tables, and `figures --json`'s funding block."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gpaccess.access import Viewer
from gpaccess.db import run
from gpaccess.figures import funding_figures, headline_figures
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only

PUBLIC = Viewer("public")
SCOPES = [Scope(), Scope(region="Y56"), Scope(region="Y56", icb="QRV")]


@pytest.fixture(scope="module")
def con(demo_db):
    connection = connect_read_only(demo_db)
    yield connection
    connection.close()


def table(con, name: str) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM {name}").df()  # noqa: S608 (a fixed table name)


def expected_by_icb(con, scope: Scope) -> pd.DataFrame:
    """What funding_by_icb should give, computed from the stored rows with pandas."""
    icb, practice = table(con, "icb"), table(con, "practice")[["practice_code", "icb_code"]]
    funding, payments = table(con, "funding"), table(con, "funding_payment")
    for frame, columns in ((funding, ["allocated_gbp", "spent_gbp"]), (payments, ["paid_gbp"])):
        frame[columns] = frame[columns].astype(float)
    paid = payments.merge(practice, on="practice_code").groupby("icb_code")["paid_gbp"].sum()
    waf = (
        funding[funding["fund"] == "Winter access fund"].groupby("icb_code")["allocated_gbp"].sum()
    )
    lists = table(con, "list_size")
    latest = lists[lists["extract_date"] == lists["extract_date"].max()].merge(
        practice, on="practice_code"
    )
    e = table(con, "enrolment").merge(practice, on="practice_code")
    e = e[(e["status"] != "withdrawn") & e["started_date"].notna() & (e["level"] != "universal")]
    per_practice = e.groupby(["icb_code", "practice_code"]).agg(
        gained=("productivity_gain", lambda s: bool(s.fillna(False).any())),
        assessed=("productivity_gain", lambda s: bool(s.notna().any())),
    )
    out = icb.set_index("icb_code")[["region_code"]].copy()
    out["winter_access_fund_gbp"] = waf.reindex(out.index).fillna(0)
    out["allocated_gbp"] = funding.groupby("icb_code")["allocated_gbp"].sum().reindex(
        out.index
    ).fillna(0) + paid.reindex(out.index).fillna(0)
    out["spent_gbp"] = funding.groupby("icb_code")["spent_gbp"].sum().reindex(out.index).fillna(
        0
    ) + paid.reindex(out.index).fillna(0)
    out["patients"] = latest.groupby("icb_code")["patients"].sum().reindex(out.index).fillna(0)
    counts = per_practice.groupby("icb_code")
    out["practices_supported"] = counts.size().reindex(out.index).fillna(0)
    out["assessed"] = counts["assessed"].sum().reindex(out.index).fillna(0)
    out["with_gains"] = counts["gained"].sum().reindex(out.index).fillna(0)
    if scope.region:
        out = out[out["region_code"] == scope.region]
    if scope.icb:
        out = out[out.index == scope.icb]
    return out.drop(columns="region_code").sort_index()


@pytest.mark.parametrize("scope", SCOPES, ids=["england", "london", "qrv"])
def test_funding_by_icb_equals_a_pandas_computation(con, scope):
    got = run(con, "funding_by_icb", PUBLIC, scope).set_index("icb_code").sort_index()
    expected = expected_by_icb(con, scope)
    assert list(got.index) == list(expected.index)
    for column in expected.columns:
        np.testing.assert_allclose(
            got[column].astype(float), expected[column].astype(float), err_msg=column
        )


def test_the_demo_winter_access_fund_is_250_million_across_42_icbs(con):
    rows = con.execute(
        "SELECT icb_code, allocated_gbp FROM funding WHERE fund = 'Winter access fund'"
    ).df()
    assert rows["icb_code"].nunique() == len(rows) == 42
    assert rows["allocated_gbp"].astype(float).sum() == 250_000_000
    figures = funding_figures(con, PUBLIC, Scope())
    assert figures["winter_access_fund_gbp"] == 250_000_000
    assert len(figures["by_icb"]) == 42
    assert sum(r["winter_access_fund_gbp"] for r in figures["by_icb"]) == 250_000_000


def test_funding_figures_of_a_region_add_up_to_its_icbs(con):
    figures = headline_figures(con, PUBLIC, Scope(region="Y56"))["funding"]
    by_icb = figures["by_icb"]
    london = set(con.execute("SELECT icb_code FROM icb WHERE region_code = 'Y56'").df()["icb_code"])
    assert {r["icb_code"] for r in by_icb} == london
    assert figures["winter_access_fund_gbp"] == sum(r["winter_access_fund_gbp"] for r in by_icb)
    assert all(r["spent_gbp"] <= r["allocated_gbp"] for r in by_icb)
    assert set(by_icb[0]) == {
        "icb_code",
        "winter_access_fund_gbp",
        "allocated_gbp",
        "spent_gbp",
        "practices_supported",
    }


def test_funding_figures_are_null_with_no_funding_loaded(store):
    assert funding_figures(store, PUBLIC, Scope()) == {"winter_access_fund_gbp": None, "by_icb": []}
