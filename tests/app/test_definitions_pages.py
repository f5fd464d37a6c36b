"""Definitions where the counts are used (issue #13): the Overview's counts equal their definitions' queries and
carry the definition as help; the Data page's reconciliation table is the query's, adding up; the Phase
completion page says what "enrolled" counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gpaccess.access import PUBLIC
from gpaccess.db import run
from gpaccess.definitions import DEFINITIONS, reconciliation
from gpaccess.scope import NATIONAL, Scope
from gpaccess.store import connect_read_only
from tests.conftest import PROJECT

DASHBOARD = str(PROJECT / "dashboard.py")


def open_page(monkeypatch, db: Path, page: str | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def counts(db: Path, scope: Scope):
    con = connect_read_only(db)
    try:
        return run(con, "practice_reconciliation", PUBLIC, scope).iloc[0]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("params", "scope"), [({}, NATIONAL), ({"icb": "QRV"}, Scope(region="Y56", icb="QRV"))]
)
def test_overview_counts_equal_their_definitions(monkeypatch, demo_db, params, scope):
    at = open_page(monkeypatch, demo_db, "pages/overview.py", **params)
    row = counts(demo_db, scope)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Accelerate: supported"].value == f"{row['supported_accelerate']:,}"
    assert metrics["GPIP: benefited"].value == f"{row['supported_gpip']:,}"
    assert DEFINITIONS["accelerate_supported"].words in metrics["Accelerate: supported"].help
    assert DEFINITIONS["gpip_benefited"].words in metrics["GPIP: benefited"].help
    captions = " ".join(c.value for c in at.caption)
    assert (
        f"{row['supported']:,} practices supported in either programme, each counted once: "
        f"{row['supported_in_both']:,} were supported by both" in captions
    )
    # what the caption says adds up: the two tiles less those in both
    assert (
        row["supported_accelerate"] + row["supported_gpip"] - row["supported_in_both"]
        == row["supported"]
    )


def test_data_page_shows_the_reconciliation(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "pages/data.py", icb="QRV")
    row = counts(demo_db, Scope(region="Y56", icb="QRV"))
    shown = next(d.value for d in at.dataframe if "Counted" in d.value.columns)
    table = reconciliation(row)
    assert list(shown["Count"]) == list(table["step"])
    totals = shown.set_index("Count")["Practices"]
    assert totals["Practices in the tracker"] == f"{row['practices_in_tracker']:,}"
    assert totals["Withdrew from every enrolment"] == f"-{row['withdrew_from_all']:,}"
    assert totals["In a programme"] == f"{row['in_a_programme']:,}"
    definitions = next(d.value for d in at.dataframe if "What it counts" in d.value.columns)
    assert len(definitions) == len(DEFINITIONS)


def test_phase_completion_says_what_enrolled_counts(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "pages/phases.py")
    assert any(DEFINITIONS["enrolled"].words in c.value for c in at.caption)
