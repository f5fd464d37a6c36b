"""The dashboard on real data first: it opens the real database when it holds data, else the synthetic demo, and
its header says which; "No programme data loaded" rather than zeros; the Data page loads the newest month from
NHS England (here a stand-in on 127.0.0.1) and says what the load replaces."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import gpaccess.config as config
from gpaccess.app.upload import ALLOW_ENV
from gpaccess.config import DB_ENV, GPAD_INDEX_ENV
from gpaccess.figures import NO_PROGRAMME_DATA
from gpaccess.ingest import ingest_files
from gpaccess.store import connect_writable
from tests.conftest import PROJECT, REALDATA
from tests.integration.test_ingest_real import icb_totals
from tests.nhs_site import GPAD, Site, crosstab_zip, gpad_pages, serve

DASHBOARD = str(PROJECT / "dashboard.py")
OCT25 = REALDATA / "gpad_oct25"


@pytest.fixture(scope="module")
def appointments_only(tmp_path_factory) -> Path:
    """Real appointment data (Devon and Cambridgeshire, October 2025) and no programme tracker."""
    path = tmp_path_factory.mktemp("appointments_only") / "real.duckdb"
    con = connect_writable(path)
    ingest_files(
        con, [OCT25 / "Mapping.csv", OCT25 / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"]
    )
    con.close()
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    archive = crosstab_zip(tmp_path_factory.mktemp("site") / "Practice_Level_Crosstab_Oct_25.zip")
    with serve(gpad_pages(archive.read_bytes())) as running:
        yield running


@pytest.fixture
def default_paths(tmp_path, monkeypatch, small_demo_db) -> Path:
    """No GPACCESS_DB: the default databases, in a temporary data folder, with the demo already built."""
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setattr(config, "REAL_DB", tmp_path / "gpaccess.duckdb")
    monkeypatch.setattr(config, "DEMO_DB", tmp_path / "demo.duckdb")
    shutil.copy(small_demo_db, tmp_path / "demo.duckdb")
    return tmp_path


def header(at: AppTest) -> str:
    return next(c.value for c in at.caption if "Viewing as" in c.value)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def test_overview_says_no_programme_data_loaded_on_appointment_only_data(
    monkeypatch, appointments_only
):
    monkeypatch.setenv(DB_ENV, str(appointments_only))
    at = run(AppTest.from_file(DASHBOARD, default_timeout=120).switch_page("pages/overview.py"))
    assert NO_PROGRAMME_DATA in [i.value for i in at.info]
    labels = [m.label for m in at.metric]
    assert not any(label.startswith(("Accelerate", "GPIP", "In support")) for label in labels)
    assert any(
        label.startswith("Face-to-face share") for label in labels
    )  # appointments still shown
    assert "**Real data**" in header(at) and "SYNTHETIC" not in header(at)


def test_the_demo_is_shown_until_real_data_is_loaded(default_paths):
    at = run(AppTest.from_file(DASHBOARD, default_timeout=120))
    assert "SYNTHETIC DEMO DATA" in header(at) and "Real data" not in header(at)
    con = connect_writable(default_paths / "gpaccess.duckdb")
    ingest_files(
        con, [OCT25 / "Mapping.csv", OCT25 / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"]
    )
    con.close()
    at = run(AppTest.from_file(DASHBOARD, default_timeout=120))
    assert "**Real data**" in header(at) and "SYNTHETIC" not in header(at)


def test_load_the_newest_month_from_the_data_page(default_paths, site, monkeypatch):
    """Uploads on (a local run): the button fetches October 2025 into the real database (never the demo), the
    result says what the load replaced, and the dashboard now shows the real data."""
    monkeypatch.setenv(ALLOW_ENV, "1")
    monkeypatch.setenv(GPAD_INDEX_ENV, site.page(GPAD))
    demo_before = (default_paths / "demo.duckdb").read_bytes()
    at = AppTest.from_file(DASHBOARD, default_timeout=180)
    at.switch_page("pages/data.py")
    run(at)
    assert "SYNTHETIC DEMO DATA" in header(at)
    at.button(key="load_newest").click()
    run(at)
    assert any("Load complete" in s.value for s in at.success), [e.value for e in at.error]
    result = next(c.value for c in at.code if "This load replaces:" in c.value)
    assert "appointment: 0 rows replaced by 41,173" in result
    assert "**Real data**" in header(at)
    con = duckdb.connect(str(default_paths / "gpaccess.duckdb"), read_only=True)
    assert icb_totals(con)["QJK"][0] == 1_029_447
    con.close()
    assert (default_paths / "demo.duckdb").read_bytes() == demo_before


def test_load_the_newest_month_is_only_offered_to_whoever_may_load(monkeypatch, appointments_only):
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    monkeypatch.setenv(DB_ENV, str(appointments_only))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.switch_page("pages/data.py")
    run(at)
    assert not [b for b in at.button if b.key == "load_newest"]
