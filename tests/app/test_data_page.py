"""The Data page in AppTest: freshness, months held, load history, who may load, and the coverage caveat.

The upload itself (a file picked in the browser) is exercised in tests/browser/test_upload_browser.py: AppTest
cannot set a file uploader's files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from gpaccess.app.upload import ALLOW_ENV, upload_permission
from gpaccess.ingest import ingest_files
from gpaccess.store import connect_writable
from tests.conftest import PROJECT, REALDATA, snapshot

DASHBOARD = str(PROJECT / "dashboard.py")


def open_data_page(monkeypatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> Path:
    """Only the real Devon and Cambridgeshire month, with Mapping.csv and list sizes."""
    path = tmp_path_factory.mktemp("real") / "real.duckdb"
    con = connect_writable(path)
    oct25 = REALDATA / "gpad_oct25"
    ingest_files(
        con,
        [
            oct25 / "Mapping.csv",
            oct25 / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
            oct25 / "gp-reg-pat-prac-all.csv",
            oct25 / "gp-reg-pat-prac-map.csv",
        ],
        loaded_by="fixture",
    )
    con.close()
    return path


def test_page_shows_freshness_months_held_and_every_load(monkeypatch, demo_db):
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    at = open_data_page(monkeypatch, demo_db)
    con = duckdb.connect(str(demo_db), read_only=True)
    loads = con.execute("SELECT count(*) FROM load_log").fetchone()[0]
    newest = con.execute("SELECT max(month) FROM practice_month").fetchone()[0]
    practices = con.execute("SELECT count(DISTINCT practice_code) FROM practice_month").fetchone()[
        0
    ]
    con.close()
    texts = [a.value for a in (*at.success, *at.warning)]
    assert any(f"{newest:%B %Y}" in t for t in texts), (
        texts
    )  # the freshness line names the newest month
    tables = [t.value for t in at.dataframe]
    held = next(t for t in tables if "Newest month" in t.columns)
    assert held.iloc[0]["Newest month"] == f"{newest:%b %Y}"
    assert (
        held.iloc[0]["Practices"] == f"{practices:,}"
    )  # thousands separated, as on every other page
    history = next(t for t in tables if "Outcome" in t.columns)
    assert len(history) == loads and set(history["Outcome"]) == {"loaded"}
    # uploads are off without the setting, and the page says how to turn them on
    assert any(ALLOW_ENV in i.value for i in at.info)
    assert not at.get("file_uploader")
    assert [b.label for b in at.get("download_button")][0].startswith(
        "Download the programme tracker"
    )
    assert len(at.get("plotly_chart")) == 4


def test_uploads_on_with_the_setting(monkeypatch, demo_db):
    monkeypatch.setenv(ALLOW_ENV, "1")
    at = open_data_page(monkeypatch, demo_db)
    assert at.get("file_uploader")
    assert not any(ALLOW_ENV in i.value for i in at.info)
    assert at.button(key="upload_load").disabled  # nothing picked yet


@pytest.mark.parametrize(
    ("sign_in", "setting", "allowed"),
    [
        # with sign-in, nobody loads from the browser (no role may: docs/roles.md), whatever the setting
        (True, "1", False),
        (True, None, False),
        (False, None, False),  # default: off
        (False, "0", False),
        (False, "1", True),
        (False, " 1 ", True),
        (False, "yes", False),
    ],
)
def test_who_may_load(sign_in, setting, allowed):
    assert upload_permission(sign_in, setting).allowed is allowed


def test_caveat_when_the_scope_has_poor_coverage(monkeypatch, real_db):
    """England holds two ICBs' data: a caveat on every page; Devon (115 of 117 open practices): none."""
    at = open_data_page(monkeypatch, real_db)
    caveats = [w.value for w in at.warning if w.value.startswith("Incomplete data")]
    assert len(caveats) == 1 and "October 2025" in caveats[0] and "in England" in caveats[0]
    at = open_data_page(monkeypatch, real_db, icb="QJK")
    assert not [w.value for w in at.warning if w.value.startswith("Incomplete data")]
    charts = at.get("plotly_chart")
    assert charts
    history = next(t.value for t in at.dataframe if "Outcome" in t.value.columns)
    assert set(history["Who"]) == {"fixture"} and len(history) == 4


def test_caveat_on_the_overview_too(monkeypatch, real_db):
    monkeypatch.setenv("GPACCESS_DB", str(real_db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert any(w.value.startswith("Incomplete data") for w in at.warning)


def test_upload_loads_a_real_file_then_refuses_a_corrupt_one(monkeypatch, real_db, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(real_db, db)
    monkeypatch.setenv(ALLOW_ENV, "1")
    aug = REALDATA / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"
    at = open_data_page(monkeypatch, db)
    at.get("file_uploader")[0].set_value([(aug.name, aug.read_bytes(), "text/csv")])
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception, at.exception
    assert any("Load complete" in s.value for s in at.success)
    history = next(t.value for t in at.dataframe if "Outcome" in t.value.columns)
    row = history[history["File"] == aug.name].iloc[0]
    assert row["Outcome"] == "loaded" and row["Months"] == "2025-08" and row["Rows"] == 89
    assert row["Who"] == "browser (local run)"

    con = duckdb.connect(str(db), read_only=True)
    before = snapshot(con)
    con.close()
    lines = aug.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[3].split(",")
    fields[12] = "-5"
    lines[3] = ",".join(fields)
    at.get("file_uploader")[0].set_value([("corrupt.csv", "".join(lines).encode(), "text/csv")])
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception, at.exception
    assert at.error and "Load refused" in at.error[0].value
    assert "COUNT_OF_APPOINTMENTS" in "".join(c.value for c in at.code)
    con = duckdb.connect(str(db), read_only=True)
    assert snapshot(con) == before  # nothing changed
    con.close()
    history = next(t.value for t in at.dataframe if "Outcome" in t.value.columns)
    assert history.iloc[0]["Outcome"] == "refused" and history.iloc[0]["File"] == "corrupt.csv"
    assert "row 4" in history.iloc[0]["Problems (refused loads)"]
