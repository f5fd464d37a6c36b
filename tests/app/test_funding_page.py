"""The Funding page on the demo: its charts' findings equal figures computed independently from the stored
funding rows with pandas, for England and for one ICB; ICBs are named and practices never are."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gpaccess.store import connect_read_only
from tests.conftest import PROJECT

DASHBOARD = PROJECT / "dashboard.py"
TABLE_LABEL = "Data table: "
FOLDED_LABEL = "Show: "
PRACTICE_CODE = re.compile(r"\b[A-Z][A-Z0-9]\d{4}\b")


def run_funding(monkeypatch, db: Path, params: dict[str, str]) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/funding.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == ["Funding"]
    return at


def findings(at: AppTest) -> list[str]:
    shown = [
        e.label.removeprefix(TABLE_LABEL) for e in at.expander if e.label.startswith(TABLE_LABEL)
    ]
    folded = [
        t.label.removeprefix(FOLDED_LABEL) for t in at.toggle if t.label.startswith(FOLDED_LABEL)
    ]
    return [re.sub(r"\\(.)", r"\1", title) for title in shown + folded]


def money(value: float) -> str:
    return f"£{value / 1e6:,.1f}m"


def expected_total_finding(db: Path, icb: str | None) -> str:
    """'£Xm allocated to N ICBs; £Ym spent (Z%)', from the stored rows (payments to practices included)."""
    con = connect_read_only(db)
    try:
        funding = con.execute("SELECT icb_code, allocated_gbp, spent_gbp FROM funding").df()
        paid = con.execute(
            "SELECT p.icb_code, f.paid_gbp FROM funding_payment f JOIN practice p USING (practice_code)"
        ).df()
    finally:
        con.close()
    if icb:
        funding, paid = funding[funding["icb_code"] == icb], paid[paid["icb_code"] == icb]
    allocated = funding["allocated_gbp"].astype(float).sum() + paid["paid_gbp"].astype(float).sum()
    spent = funding["spent_gbp"].astype(float).sum() + paid["paid_gbp"].astype(float).sum()
    icbs = len(set(funding["icb_code"]) | set(paid["icb_code"]))
    noun = "ICB" if icbs == 1 else "ICBs"
    return f"{money(allocated)} allocated to {icbs} {noun}; {money(spent)} spent ({100 * spent / allocated:.1f}%)"


@pytest.mark.parametrize(("params", "icb"), [({}, None), ({"region": "Y56", "icb": "QRV"}, "QRV")])
def test_the_funding_page_shows_its_findings(monkeypatch, demo_db, params, icb):
    at = run_funding(monkeypatch, demo_db, params)
    titles = findings(at)
    assert titles[0] == expected_total_finding(demo_db, icb)
    assert len(titles) == 6, titles
    assert any(t.startswith("Allocated per 1,000 patients") or "per 1,000" in t for t in titles)
    assert any("hours a month released for each £1,000 spent" in t for t in titles)


def test_the_funding_page_names_icbs_and_never_practices(monkeypatch, demo_db):
    at = run_funding(monkeypatch, demo_db, {})
    texts = [m.value for m in at.markdown] + [e.label for e in at.expander]
    frames = [d.value for d in at.dataframe]
    assert any(
        "North West London" in str(f.values.tolist()) for f in frames if isinstance(f, pd.DataFrame)
    )
    for text in texts:
        assert not PRACTICE_CODE.search(text), text
    for frame in frames:
        assert not {"practice_code", "practice_name"} & set(frame.columns)
        assert not PRACTICE_CODE.search(frame.to_csv()), "a practice code in a data table"
