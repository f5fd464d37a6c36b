"""`gpaccess fetch`: finds the practice-level zip on NHS England's edition page, downloads it and loads it through
the same ingest, against a stand-in of the site on 127.0.0.1 (tests/nhs_site.py) serving the real test files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import gpaccess.fetch as fetch
from gpaccess.cli import main
from gpaccess.config import GPAD_INDEX_ENV, LIST_SIZE_INDEX_ENV
from tests.conftest import REALDATA
from tests.integration.test_ingest_real import REGIONAL_OCT25, icb_totals, regional_csv_totals
from tests.nhs_site import (
    CROSSTAB_AT,
    GPAD,
    LISTS,
    Site,
    crosstab_zip,
    gpad_pages,
    list_size_pages,
    serve,
)

DEVON_OCT25 = 1_029_447  # the Regional CSV's total for NHS Devon ICB (QJK), October 2025


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    archive = crosstab_zip(tmp_path_factory.mktemp("site") / "Practice_Level_Crosstab_Oct_25.zip")
    with serve(gpad_pages(archive.read_bytes()) | list_size_pages()) as running:
        yield running


@pytest.fixture
def pointed(site, monkeypatch) -> Site:
    """`fetch` without --page finds its pages from the stand-in's index pages."""
    monkeypatch.setenv(GPAD_INDEX_ENV, site.page(GPAD))
    monkeypatch.setenv(LIST_SIZE_INDEX_ENV, site.page(LISTS))
    return site


def totals(db: Path) -> dict[str, tuple[int, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return icb_totals(con)
    finally:
        con.close()


def test_fetch_page_loads_the_zip_and_devon_equals_the_regional_csv(site, tmp_path, capsys):
    db = tmp_path / "real.duckdb"
    page = site.page(f"{GPAD}/october-2025")
    assert main(["fetch", "--page", page, "--db", str(db)]) == 0
    assert totals(db)["QJK"][0] == DEVON_OCT25 == regional_csv_totals(REALDATA)["QJK"][0]
    assert totals(db) == REGIONAL_OCT25
    out = capsys.readouterr().out
    assert "Downloading Practice_Level_Crosstab_Oct_25.zip" in out  # the progress bar
    assert "This load replaces:" in out and "appointment: 0 rows replaced by 41,173" in out
    assert "Practice_Level_Crosstab_Oct_25.zip/Practice_Level_Crosstab_Oct_25.csv" in out
    assert CROSSTAB_AT in site.requests
    assert not any(p.name.startswith("real.duckdb.download") for p in tmp_path.iterdir())


def test_fetch_finds_the_newest_edition_with_files(pointed, tmp_path):
    """The index announces November before its files are up: the newest edition with a zip is October."""
    db = tmp_path / "real.duckdb"
    assert main(["--db", str(db), "fetch"]) == 0
    assert totals(db)["QJK"][0] == DEVON_OCT25
    assert f"{GPAD}/november-2025" in pointed.requests


def test_fetch_a_month_and_the_list_sizes(pointed, tmp_path):
    db = tmp_path / "real.duckdb"
    assert main(["--db", str(db), "fetch", "--month", "2025-10", "--list-sizes"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    patients = con.execute("SELECT count(*), min(extract_date) FROM list_size").fetchone()
    con.close()
    assert patients == (6196, dt.date(2025, 12, 1))
    assert totals(db)["QJK"][0] == DEVON_OCT25


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2025-11"], "No link to Practice_Level_Crosstab_Nov_25.zip"),
        (["--month", "2025-08"], "answered 404"),
        (["--page", "file:///etc/passwd"], "Not a web address"),
        (["--page", "http://127.0.0.1:9/nothing"], "Could not reach"),
    ],
)
def test_fetch_says_why_it_cannot_and_changes_nothing(pointed, tmp_path, capsys, args, message):
    db = tmp_path / "real.duckdb"
    assert main(["--db", str(db), "fetch", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Nothing was changed" in err
    assert not db.exists()


def test_a_month_must_be_yyyy_mm(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["fetch", "--month", "Oct 2025"])
    assert exit_.value.code == 2 and "a month as YYYY-MM" in capsys.readouterr().err


def test_a_download_past_the_ingest_size_limit_is_refused(pointed, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fetch, "MAX_ZIP_BYTES", 1000)
    db = tmp_path / "real.duckdb"
    assert main(["--db", str(db), "fetch", "--month", "2025-10"]) == 2
    assert "is more than 0 MiB" in capsys.readouterr().err and not db.exists()


def test_a_page_that_serves_no_zip_is_refused_by_the_ingest(tmp_path, capsys):
    """An error page where the zip should be: the ingest refuses it, and the database is as it was."""
    pages = gpad_pages(b"<html>Service unavailable</html>")
    with serve(pages) as broken:
        db = tmp_path / "real.duckdb"
        assert main(["--db", str(db), "fetch", "--page", broken.page(f"{GPAD}/october-2025")]) == 2
    assert "Load refused" in capsys.readouterr().err


def test_edition_links_are_read_newest_first():
    html = (
        f'<a href="{GPAD}/september-2025">Sep</a><a href="{GPAD}/october-2025#top">Oct</a>'
        f'<a href="{GPAD}/appointments-in-general-practice-supporting-information">info</a>'
        f'<a href="{LISTS}/december-2025">other series</a><a href="{GPAD}/smarch-2025">typo</a>'
    )
    links = fetch.page_links(html, "https://digital.nhs.uk/x")
    found = fetch.editions(links, f"https://digital.nhs.uk{GPAD}")
    assert found == [
        (dt.date(2025, 10, 1), f"https://digital.nhs.uk{GPAD}/october-2025"),
        (dt.date(2025, 9, 1), f"https://digital.nhs.uk{GPAD}/september-2025"),
    ]
    assert fetch.edition_url(f"https://digital.nhs.uk{GPAD}/", dt.date(2025, 10, 1)).endswith(
        f"{GPAD}/october-2025"
    )


def test_the_crosstab_link_is_chosen_by_its_file_name():
    html = (
        '<a href="https://files.digital.nhs.uk/BC/A65BD0/Practice_Level_Crosstab_Sep_25.zip">a</a>'
        '<a href="https://files.digital.nhs.uk/81/BA7A8F/Practice_Level_Crosstab_Oct_25.zip">b</a>'
        '<a href="https://files.digital.nhs.uk/81/BA7A8F/Appointments_GP_Daily_CSV_Oct_25.zip">c</a>'
    )
    links = fetch.page_links(html, "https://digital.nhs.uk/")
    assert fetch.crosstab_link(links, None).file_name == "Practice_Level_Crosstab_Oct_25.zip"
    assert fetch.crosstab_link(links, dt.date(2025, 9, 1)).url.endswith(
        "A65BD0/Practice_Level_Crosstab_Sep_25.zip"
    )
    assert fetch.crosstab_link(links, dt.date(2025, 8, 1)) is None
