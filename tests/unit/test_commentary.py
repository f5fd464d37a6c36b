"""Writing the board commentary (gpaccess.commentary): who may write for which scope, the text's limits, history
kept with the latest shown (queries/commentary.sql through db.run), and formula-like text kept as written but
neutralised in the summary's CSV and XLSX downloads. On an empty store with the real geography."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook

from gpaccess.access import PUBLIC, Viewer
from gpaccess.charts import Chart
from gpaccess.commentary import LIMIT, CommentaryRefused, from_rows, write_commentary
from gpaccess.db import run
from gpaccess.export.cells import csv_text
from gpaccess.export.images import xlsx_bytes
from gpaccess.scope import Scope
from gpaccess.summary import Summary

MONTH = dt.date(2026, 9, 1)
NOW = dt.datetime(2026, 10, 5, 9, 30)
TEXT = "Uptake in London is slowing. Two ICBs report capacity as the main barrier."

ENGLAND = Scope()
LONDON = Scope(region="Y56")
NW_LONDON = Scope(region="Y56", icb="QRV")  # as the app's filters hold an ICB: with its region
NW_LONDON_ALONE = Scope(icb="QRV")  # as the command line may give it
NORTH_CENTRAL = Scope(region="Y56", icb="QMJ")
MIDLANDS = Scope(region="Y60")

VIEWERS = {
    "public": PUBLIC,
    "national": Viewer("national", email="national@nhs.net"),
    "region:Y56": Viewer("region", region_code="Y56", email="london@nhs.net"),
    "icb:QRV": Viewer("icb", icb_code="QRV", email="nwl@nhs.net"),
    "admin": Viewer("admin", email="admin@nhs.net"),
}
# (viewer, scope, allowed): national only for England, a region for itself, an ICB for itself
CASES = [
    ("public", ENGLAND, False),
    ("public", NW_LONDON, False),
    ("admin", ENGLAND, False),
    ("national", ENGLAND, True),
    ("national", LONDON, False),
    ("national", NW_LONDON, False),
    ("region:Y56", LONDON, True),
    ("region:Y56", ENGLAND, False),
    ("region:Y56", MIDLANDS, False),
    ("region:Y56", NW_LONDON, False),
    ("icb:QRV", NW_LONDON, True),
    ("icb:QRV", NW_LONDON_ALONE, True),
    ("icb:QRV", NORTH_CENTRAL, False),
    ("icb:QRV", LONDON, False),
    ("icb:QRV", ENGLAND, False),
]


def rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT * FROM commentary ORDER BY written_at").fetchall()


def latest(con, scope: Scope, month=MONTH):
    return from_rows(run(con, "commentary", PUBLIC, scope, month=month))


@pytest.mark.parametrize(("who", "scope", "allowed"), CASES)
def test_only_a_scopes_own_users_may_write_for_it(store, who, scope, allowed):
    viewer = VIEWERS[who]
    if not allowed:
        with pytest.raises(CommentaryRefused, match="may not write"):
            write_commentary(store, viewer, scope, MONTH, TEXT, NOW)
        assert rows(store) == []
        return
    written = write_commentary(store, viewer, scope, MONTH, TEXT, NOW)
    assert written.written_by == viewer.email and written.text == TEXT
    shown = latest(store, scope)
    assert shown is not None and shown.text == TEXT and shown.written_by == viewer.email
    assert shown.written_at == NOW and shown.month == MONTH


def test_each_scope_reads_its_own_commentary_only(store):
    write_commentary(store, VIEWERS["national"], ENGLAND, MONTH, "England.", NOW)
    write_commentary(store, VIEWERS["region:Y56"], LONDON, MONTH, "London.", NOW)
    write_commentary(store, VIEWERS["icb:QRV"], NW_LONDON_ALONE, MONTH, "North West London.", NOW)
    assert store.execute(
        "SELECT region_code, icb_code FROM commentary WHERE icb_code = 'QRV'"
    ).fetchall() == [("Y56", "QRV")]  # an ICB's commentary is stored with its region
    assert latest(store, ENGLAND).text == "England."
    assert latest(store, LONDON).text == "London."
    assert latest(store, NW_LONDON).text == "North West London."
    assert latest(store, NW_LONDON_ALONE).text == "North West London."
    assert latest(store, NORTH_CENTRAL) is None and latest(store, MIDLANDS) is None
    assert latest(store, ENGLAND, dt.date(2026, 8, 1)) is None  # another month


def test_history_is_kept_and_the_latest_is_shown(store):
    viewer = VIEWERS["icb:QRV"]
    write_commentary(store, viewer, NW_LONDON, dt.date(2026, 9, 17), "First draft.", NOW)
    write_commentary(
        store,
        viewer,
        NW_LONDON,
        MONTH,
        "Second.",
        NOW + dt.timedelta(hours=1),
        written_by="Dr A Lead",
    )
    assert len(rows(store)) == 2
    shown = latest(store, NW_LONDON)
    assert shown.text == "Second." and shown.written_by == "Dr A Lead" and shown.versions == 2
    assert shown.byline == "Dr A Lead, 05 Oct 2026 10:30 UTC"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   \n  ", "empty"),
        ("x" * (LIMIT + 1), f"at most {LIMIT}"),
        ("Tab\tinside.", "control character"),
        ("Bell\x07.", "control character"),
        ("Reads \u202ebackwards.", "control character"),
        ("Null\x00.", "control character"),
    ],
)
def test_text_that_is_not_acceptable_is_refused_and_nothing_written(store, text, problem):
    with pytest.raises(CommentaryRefused, match=problem):
        write_commentary(store, VIEWERS["national"], ENGLAND, MONTH, text, NOW)
    assert rows(store) == []


def test_line_breaks_become_spaces_and_the_limit_is_inclusive(store):
    written = write_commentary(
        store, VIEWERS["national"], ENGLAND, MONTH, " One.\r\nTwo.\n\nThree. ", NOW
    )
    assert written.text == "One. Two. Three."
    exact = write_commentary(store, VIEWERS["national"], ENGLAND, MONTH, "y" * LIMIT, NOW)
    assert len(exact.text) == LIMIT


@pytest.mark.parametrize(
    ("scope", "problem"),
    [(Scope(icb="ZZZ"), "No ICB"), (Scope(region="Y60", icb="QRV"), "not in region")],
)
def test_unknown_or_mismatched_codes_are_refused(store, scope, problem):
    viewer = Viewer("icb", icb_code=scope.icb, email="x@nhs.net")
    with pytest.raises(CommentaryRefused, match=problem):
        write_commentary(store, viewer, scope, MONTH, TEXT, NOW)
    assert rows(store) == []


def test_an_author_is_required(store):
    with pytest.raises(CommentaryRefused, match="who is writing"):
        write_commentary(store, Viewer("national"), ENGLAND, MONTH, TEXT, NOW)  # no e-mail, no name
    assert rows(store) == []


def test_formula_like_text_is_kept_as_written_and_neutralised_in_downloads(store):
    hostile = '=HYPERLINK("http://evil.example","click") and +1 more'
    write_commentary(store, VIEWERS["national"], ENGLAND, MONTH, hostile, NOW, written_by="@author")
    shown = latest(store, ENGLAND)
    assert shown.text == hostile  # stored and read back as plain text, unchanged
    summary = Summary("England", "Apr 2021 to Sep 2026", MONTH, True, None, (), shown)
    table = summary.table()
    csv = csv_text(table)
    assert "'=HYPERLINK" in csv and "'@author" in csv
    assert "\n=" not in csv and ",=" not in csv
    chart = Chart("summary", summary.title, summary.subtitle, go.Figure(), table)
    sheet = load_workbook(io.BytesIO(xlsx_bytes(chart)))["data"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert f"'{hostile}" in values and "'@author, 05 Oct 2026 09:30 UTC" in values
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_an_older_database_without_the_table_gets_it_at_the_next_writable_open(
    tmp_path, empty_store_file
):
    from gpaccess.store import connect_writable

    path = tmp_path / "old.duckdb"
    path.write_bytes(empty_store_file.read_bytes())
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE commentary")
    con.execute("DROP MACRO gpaccess_schema_version")  # written before the stamp, too
    con.close()
    con = connect_writable(path)
    try:
        assert run(con, "commentary", PUBLIC, ENGLAND, month=MONTH).empty
    finally:
        con.close()


def test_a_read_only_older_database_shows_no_commentary(tmp_path, empty_store_file):
    from gpaccess.summary import read_commentary

    path = tmp_path / "old.duckdb"
    path.write_bytes(empty_store_file.read_bytes())
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE commentary")
    con.close()
    con = duckdb.connect(str(path), read_only=True)
    try:
        fetch = lambda name, scope=None, **extra: run(con, name, PUBLIC, ENGLAND, **extra)  # noqa: E731
        assert read_commentary(fetch, MONTH) is None
    finally:
        con.close()


def test_the_month_stored_is_the_first_of_the_month(store):
    write_commentary(store, VIEWERS["national"], ENGLAND, dt.date(2026, 9, 30), TEXT, NOW)
    assert rows(store)[0][2] == MONTH
    assert pd.Timestamp(latest(store, ENGLAND).month).date() == MONTH
