"""Recording and removing the changes that re-base SPC limits (gpaccess.spc_changes, queries/spc_changes.sql).

Each refusal writes nothing; who may record is a literal table here, not the code's own rule.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from gpaccess.access import PUBLIC, Viewer
from gpaccess.db import run
from gpaccess.scope import Scope
from gpaccess.spc_changes import (
    REASON_LIMIT,
    ChangeRefused,
    changes_for,
    record_change,
    remove_change,
)
from gpaccess.store.summaries import refresh_summaries

NOW = dt.datetime(2026, 10, 5, 9, 30)
ENGLAND = Scope()
LONDON = Scope(region="Y56")
NW_LONDON = Scope(region="Y56", icb="QRV")
MONTHS = [
    dt.date(2021 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(36)
]  # Apr 2021 to Mar 2024

VIEWERS = {
    "public": PUBLIC,
    "national": Viewer("national"),
    "region London": Viewer("region", region_code="Y56"),
    "region North West": Viewer("region", region_code="Y62"),
    "icb North West London": Viewer("icb", icb_code="QRV"),
    "icb Lancashire": Viewer("icb", icb_code="QE1"),
}
SCOPES = {"England": ENGLAND, "London": LONDON, "North West London": NW_LONDON}
ALLOWED = {
    ("national", "England"),
    ("region London", "London"),
    ("icb North West London", "North West London"),
}


@pytest.fixture
def con(store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """36 months of appointments at one practice of North West London ICB (London region)."""
    for month in MONTHS:
        store.execute(
            "INSERT INTO practice_month VALUES (?, 'A00001', 'W2U3Z', 'QRV', 'Y56', 100, 60, 30, 5, 5, 0, "
            "90, 5, 5, 40, 0, 45, 0, 0, 80, 50, NULL)",  # ... within_2_weeks, other_staff, patients (no list size)
            [month],
        )
    refresh_summaries(store)  # as a load stores them
    return store


def rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT * FROM spc_change ORDER BY recorded_at, change_id").fetchall()


def record(con, viewer, scope, month=dt.date(2022, 7, 1), reason="Triage model changed", **kw):
    measure = kw.pop("measure", "face_to_face_pct")
    return record_change(con, viewer, scope, measure, month, reason, NOW, **kw)


@pytest.mark.parametrize("viewer_name", list(VIEWERS))
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_who_may_record_for_which_scope(con, viewer_name: str, scope_name: str) -> None:
    viewer, scope = VIEWERS[viewer_name], SCOPES[scope_name]
    if (viewer_name, scope_name) in ALLOWED:
        record(con, viewer, scope)
        shown = run(con, "spc_changes", PUBLIC, scope)
        assert shown[["measure", "reason"]].values.tolist() == [
            ["face_to_face_pct", "Triage model changed"]
        ]
        assert shown["change_month"].dt.date.tolist() == [dt.date(2022, 7, 1)]
    else:
        with pytest.raises(ChangeRefused, match="may not record changes"):
            record(con, viewer, scope)
        assert rows(con) == []
        with pytest.raises(ChangeRefused, match="may not record changes"):
            remove_change(con, viewer, scope, "face_to_face_pct", dt.date(2022, 7, 1), NOW)


@pytest.mark.parametrize(
    ("month", "words"),
    [
        (dt.date(2022, 7, 15), "first day of a month"),
        (dt.datetime(2022, 7, 1), "first day of a month"),
        (
            dt.date(2021, 4, 1),
            "after its first",
        ),  # the first month held: nothing before it to compare
        (dt.date(2021, 1, 1), "after its first"),  # before the data
        (dt.date(2024, 4, 1), "after its first"),  # after the newest month held
    ],
)
def test_a_month_outside_the_data_held_is_refused(con, month, words) -> None:
    with pytest.raises(ChangeRefused, match=words):
        record(con, Viewer("national"), ENGLAND, month=month)
    assert rows(con) == []


def test_the_newest_month_held_is_accepted(con) -> None:
    record(con, Viewer("national"), ENGLAND, month=MONTHS[-1])
    assert len(rows(con)) == 1


def test_an_unknown_measure_is_refused(con) -> None:
    for measure in ("face_to_face", "appointments", "face_to_face_pct; DROP TABLE spc_change", ""):
        with pytest.raises(ChangeRefused, match="Unknown measure"):
            record(con, Viewer("national"), ENGLAND, measure=measure)
    assert rows(con) == []


@pytest.mark.parametrize(
    "reason",
    [
        "",
        "   ",
        "x" * (REASON_LIMIT + 1),
        "two\nlines",
        "tab\there",
        "nul\x00",
        "bidi \u202e txt",
        None,
    ],
)
def test_a_bad_reason_is_refused(con, reason) -> None:
    with pytest.raises(ChangeRefused):
        record(con, Viewer("national"), ENGLAND, reason=reason)
    assert rows(con) == []


def test_a_reason_at_the_limit_is_kept_trimmed_and_as_written(con) -> None:
    text = '=HYPERLINK("x") <b>' + "y" * (REASON_LIMIT - 19)
    assert len(text) == REASON_LIMIT
    record(con, Viewer("national"), ENGLAND, reason=f"  {text}  ")
    (shown,) = run(con, "spc_changes", PUBLIC, ENGLAND)["reason"].tolist()
    assert (
        shown == text
    )  # stored as plain text; shown through gpaccess.text.plain and the export's cells


def test_a_later_record_for_the_same_month_supersedes_and_the_first_is_kept(con) -> None:
    national = Viewer("national", email="lead@nhs.net")
    record(con, national, ENGLAND, reason="First reason")
    record(con, national, ENGLAND, reason="Second reason")
    shown = run(con, "spc_changes", PUBLIC, ENGLAND)
    assert shown["reason"].tolist() == ["Second reason"]
    stored = con.execute(
        "SELECT reason, recorded_by, recorded_as, removed_by FROM spc_change ORDER BY reason"
    ).fetchall()
    assert stored == [
        ("First reason", "lead@nhs.net", "national", "lead@nhs.net"),
        ("Second reason", "lead@nhs.net", "national", None),
    ]
    assert "recorded_by" not in shown.columns  # the e-mail address is not shown


def test_remove_takes_a_change_out_and_keeps_the_record(con) -> None:
    icb = Viewer("icb", icb_code="QRV")
    record(con, icb, NW_LONDON)
    remove_change(con, icb, NW_LONDON, "face_to_face_pct", dt.date(2022, 7, 1), NOW)
    assert run(con, "spc_changes", PUBLIC, NW_LONDON).empty
    assert [r[-2:] for r in rows(con)] == [("ICB user (QRV)", NOW)]
    with pytest.raises(ChangeRefused, match="No change is recorded"):
        remove_change(con, icb, NW_LONDON, "face_to_face_pct", dt.date(2022, 7, 1), NOW)


def test_each_scope_sees_only_its_own_changes(con) -> None:
    record(con, Viewer("national"), ENGLAND, reason="England's")
    record(con, Viewer("region", region_code="Y56"), LONDON, reason="London's")
    record(con, Viewer("icb", icb_code="QRV"), NW_LONDON, reason="North West London's")
    for scope, reason in (
        (ENGLAND, "England's"),
        (LONDON, "London's"),
        (NW_LONDON, "North West London's"),
        (Scope(icb="QRV"), "North West London's"),  # an ICB scope read without its region
    ):
        assert run(con, "spc_changes", PUBLIC, scope)["reason"].tolist() == [reason]
    assert run(con, "spc_changes", PUBLIC, Scope(region="Y62")).empty


def test_changes_for_filters_a_measure_and_copes_with_an_older_database(con) -> None:
    record(con, Viewer("national"), ENGLAND, measure="dna_pct", reason="DNA")
    record(con, Viewer("national"), ENGLAND, reason="F2F")

    def fetch(name: str):
        return run(con, name, PUBLIC, ENGLAND)

    assert changes_for(fetch, "dna_pct")["reason"].tolist() == ["DNA"]
    assert len(changes_for(fetch)) == 2

    def older(name: str):
        raise duckdb.CatalogException("Table with name spc_change does not exist!")

    assert changes_for(older, "dna_pct").empty


def test_the_command_line_records_and_refuses_like_the_app(con, tmp_path, capsys) -> None:
    from gpaccess.cli import main

    path = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    db = str(path.fetchone()[0])
    common = ["spc-change", "--db", db, "--measure", "face_to_face_pct", "--month", "2022-07"]
    assert main([*common, "--reason", "Triage model changed", "--as", "public"]) == 3
    assert (
        main(
            [*common, "--reason", "Triage", "--icb", "QRV", "--as", "region", "--as-region", "Y56"]
        )
        == 3
    )
    assert main([*common, "--reason", "", "--as", "national"]) == 2
    assert rows(con) == []
    assert (
        main([*common, "--reason", "Triage", "--icb", "QRV", "--as", "icb", "--as-icb", "QRV"]) == 0
    )
    shown = run(con, "spc_changes", PUBLIC, NW_LONDON)
    assert shown["reason"].tolist() == ["Triage"]
    assert main([*common, "--remove", "--icb", "QRV", "--as", "icb", "--as-icb", "QRV"]) == 0
    assert run(con, "spc_changes", PUBLIC, NW_LONDON).empty
    assert "Refused" in capsys.readouterr().err


def test_the_command_line_writes_the_commentary_with_the_same_viewer_options(con, capsys) -> None:
    from gpaccess.cli import main

    path = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    db = str(path.fetchone()[0])
    common = ["commentary", "--db", db, "--month", "2026-09", "--icb", "QRV"]
    text = "Uptake is slowing."
    assert main([*common, "--text", text, "--as", "region", "--as-region", "Y56"]) == 3
    assert main([*common, "--text", "=1+1\x07", "--as", "icb", "--as-icb", "QRV"]) == 2
    assert con.execute("SELECT count(*) FROM commentary").fetchone() == (0,)
    assert main([*common, "--text", text, "--as", "icb", "--as-icb", "QRV", "--by", "A N"]) == 0
    shown = run(con, "commentary", PUBLIC, NW_LONDON, month=dt.date(2026, 9, 1))
    assert shown[["text", "written_by"]].values.tolist() == [[text, "A N"]]
    err = capsys.readouterr().err
    assert "may not write" in err and "Nothing was written" in err
