"""The ingest reads the files NHS England publishes, exactly as published (tests/data/realdata)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import pandas as pd

from gpaccess.access import PUBLIC
from gpaccess.figures import appointment_figures
from gpaccess.ingest import ingest_files
from gpaccess.scope import Scope

# Published Regional CSV totals for Oct 2025 (tests/data/realdata/README.md), which the practice-level file must match.
REGIONAL_OCT25 = {"QJK": (1_029_447, 625_732), "QUE": (761_254, 497_855)}


TOTALS_SQL = {
    "appointment": """SELECT icb_code, sum(appointments)::BIGINT,
        (sum(appointments) FILTER (WHERE appt_mode = 'Face-to-Face'))::BIGINT
        FROM appointment WHERE month = DATE '2025-10-01' GROUP BY 1""",
    "practice_month": """SELECT icb_code, sum(appointments)::BIGINT, sum(face_to_face)::BIGINT
        FROM practice_month WHERE month = DATE '2025-10-01' GROUP BY 1""",
}


def icb_totals(
    con: duckdb.DuckDBPyConnection, table: str = "appointment"
) -> dict[str, tuple[int, int]]:
    rows = con.execute(TOTALS_SQL[table]).fetchall()
    return {icb: (total, f2f) for icb, total, f2f in rows}


def regional_csv_totals(realdata: Path) -> dict[str, tuple[int, int]]:
    """Independent figures straight from the published Regional CSVs (sub-ICB level, a different file)."""
    con = duckdb.connect()
    out = {}
    for icb, name in (("QJK", "Devon"), ("QUE", "CambsPeterborough")):
        total, f2f = con.execute(
            """SELECT sum(COUNT_OF_APPOINTMENTS), sum(COUNT_OF_APPOINTMENTS) FILTER (WHERE APPT_MODE = 'Face-to-Face')
               FROM read_csv(?, header = true, all_varchar = false) WHERE APPOINTMENT_MONTH = 'OCT2025'""",
            [str(realdata / "gpad_oct25" / f"Regional_CSV_{name}.csv")],
        ).fetchone()
        out[icb] = (int(total), int(f2f))
    return out


def test_devon_cambs_practice_file_reconciles_with_regional_csvs(store, realdata):
    ingest_files(
        store,
        [
            realdata / "gpad_oct25/Mapping.csv",
            realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
        ],
    )
    assert icb_totals(store) == REGIONAL_OCT25
    assert icb_totals(store, "practice_month") == REGIONAL_OCT25  # the derived table agrees
    assert regional_csv_totals(realdata) == REGIONAL_OCT25


def test_quoted_practice_name_with_comma_is_one_field(store, realdata):
    ingest_files(store, [realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"])
    names = {
        r[0]
        for r in store.execute(
            "SELECT practice_name FROM practice WHERE practice_name LIKE '%,%'"
        ).fetchall()
    }
    assert "ORCHARD SURGERY,MELBOURN" in names


def test_time_band_variants_are_normalised(store, realdata):
    ingest_files(store, [realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"])
    bands = {r[0] for r in store.execute("SELECT DISTINCT time_band FROM appointment").fetchall()}
    assert "8 to 14 Days" in bands and "8  to 14 Days" not in bands


def test_one_practice_august_file_and_mapping_load(store, realdata):
    ingest_files(
        store,
        [
            realdata / "gpad_aug25/Mapping.csv",
            realdata / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv",
        ],
    )
    expected = sum(
        int(line.rsplit(",", 2)[1])
        for line in (realdata / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv")
        .read_text()
        .splitlines()[1:]
    )
    got = store.execute(
        "SELECT sum(appointments), count(DISTINCT practice_code), min(icb_code) FROM appointment"
    ).fetchone()
    assert got == (expected, 1, "QOP")  # Y02960 is in Greater Manchester (QOP)


def test_mapping_is_deduplicated_on_practice_code(store, realdata):
    ingest_files(store, [realdata / "gpad_oct25/Mapping.csv"])
    rows, distinct = store.execute(
        "SELECT count(*), count(DISTINCT practice_code) FROM practice"
    ).fetchone()
    assert rows == distinct == 6157


def test_list_size_files_load(store, realdata):
    ingest_files(
        store,
        [
            realdata / "gpad_oct25/gp-reg-pat-prac-all.csv",
            realdata / "gpad_oct25/gp-reg-pat-prac-map.csv",
        ],
    )
    count, total, extract = store.execute(
        "SELECT count(*), sum(patients), min(extract_date) FROM list_size"
    ).fetchone()
    with open(realdata / "gpad_oct25/gp-reg-pat-prac-all.csv") as f:
        independent = sum(int(line.rstrip("\n").split(",")[-1]) for line in list(f)[1:])
    assert (count, total, str(extract)) == (6196, independent, "2025-12-01")
    assert store.execute("SELECT count(*) FROM practice").fetchone()[0] == 6196


def test_published_zip_with_month_split_by_region_is_unioned(store, realdata, tmp_path):
    """The monthly zip holds Mapping.csv and the newest month split into two regional files."""
    source = (
        (realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv")
        .read_text()
        .splitlines(keepends=True)
    )
    header, rows = source[0], source[1:]
    south = [r for r in rows if ",15N," in r]  # Devon sub-ICB 15N: London, East and South West file
    rest = [r for r in rows if ",15N," not in r]
    archive = tmp_path / "Practice_Level_Crosstab_Oct_25.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(realdata / "gpad_oct25/Mapping.csv", "Mapping.csv")
        z.writestr("Practice_Level_Crosstab_London_East_South_Oct_25.csv", header + "".join(south))
        z.writestr("Practice_Level_Crosstab_Midlands_North_Oct_25.csv", header + "".join(rest))
    report = ingest_files(store, [archive])
    assert icb_totals(store) == REGIONAL_OCT25
    assert {f.file_kind for f in report.files} == {"crosstab", "mapping"}


def test_reloading_a_month_replaces_it(store, realdata, tmp_path):
    crosstab = realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"
    ingest_files(store, [crosstab])
    ingest_files(store, [crosstab])
    assert icb_totals(store) == REGIONAL_OCT25
    # A corrected re-release of Devon only: Cambridgeshire is untouched, Devon replaced.
    lines = crosstab.read_text().splitlines(keepends=True)
    devon_only = tmp_path / "Practice_Level_Crosstab_Oct_25.csv"
    devon_only.write_text(lines[0] + "".join(r for r in lines[1:] if ",15N," in r))
    ingest_files(store, [devon_only])
    assert icb_totals(store) == REGIONAL_OCT25
    assert store.execute("SELECT count(DISTINCT load_id) FROM load_log").fetchone()[0] == 3


def test_load_log_records_file_checksum_rows_and_months(store, realdata):
    import hashlib

    path = realdata / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"
    ingest_files(store, [path], loaded_by="analyst@example.nhs.uk")
    row = store.execute(
        "SELECT file_name, sha256, rows, months, loaded_by, outcome FROM load_log"
    ).fetchone()
    data_rows = len(path.read_text().splitlines()) - 1
    assert row == (
        path.name,
        hashlib.sha256(path.read_bytes()).hexdigest(),
        data_rows,
        "2025-08",
        "analyst@example.nhs.uk",
        "loaded",
    )


def test_cli_ingest_exit_code_and_summary(tmp_path, realdata, capsys):
    from gpaccess.cli import main

    code = main(
        [
            "--db",
            str(tmp_path / "cli.duckdb"),
            "ingest",
            str(realdata / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"),
        ]
    )
    assert code == 0
    assert "89 rows" in capsys.readouterr().out  # 90 lines less the header
    shutil.rmtree(tmp_path)


WITHIN_2_WEEKS_PUBLISHED = (
    "Same Day",
    "1 Day",
    "2 to 7 Days",
    "8  to 14 Days",
)  # as published: two spaces


def _raw_crosstab(realdata: Path) -> pd.DataFrame:
    """The Devon and Cambridgeshire crosstab read by pandas, with each practice's ICB from Mapping.csv."""
    folder = realdata / "gpad_oct25"
    rows = pd.read_csv(folder / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv", dtype=str)
    mapping = pd.read_csv(folder / "Mapping.csv", dtype=str).drop_duplicates("GP_CODE")
    rows = rows.merge(mapping[["GP_CODE", "ICB_CODE"]], on="GP_CODE", how="left")
    rows["count"] = rows["COUNT_OF_APPOINTMENTS"].astype(int)
    return rows


def test_within_2_weeks_and_gp_share_per_icb_equal_pandas_on_the_raw_rows(store, realdata):
    """Acceptance (#16): `figures` gives, per ICB, exactly what pandas computes from the published rows."""
    ingest_files(
        store,
        [
            realdata / "gpad_oct25/Mapping.csv",
            realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
        ],
    )
    raw = _raw_crosstab(realdata)
    assert set(raw["TIME_BETWEEN_BOOK_AND_APPT"]) >= set(WITHIN_2_WEEKS_PUBLISHED)
    for icb in ("QJK", "QUE"):
        rows = raw[raw["ICB_CODE"] == icb]
        known = rows[rows["TIME_BETWEEN_BOOK_AND_APPT"] != "Unknown / Data Issue"]
        within = known[known["TIME_BETWEEN_BOOK_AND_APPT"].isin(WITHIN_2_WEEKS_PUBLISHED)]
        staff = rows[rows["HCP_TYPE"] != "Unknown"]
        expected_within = round(100 * within["count"].sum() / known["count"].sum(), 1)
        expected_gp = round(
            100 * staff[staff["HCP_TYPE"] == "GP"]["count"].sum() / staff["count"].sum(), 1
        )
        got = appointment_figures(store, PUBLIC, Scope(icb=icb))
        assert (got["within_2_weeks_pct"], got["gp_pct"]) == (expected_within, expected_gp), icb
        assert 40 < expected_within < 100 and 20 < expected_gp < 80  # plausibly read, not zero


def test_within_2_weeks_and_gp_counts_reconcile_with_the_regional_csvs(store, realdata):
    """The new practice_month columns, summed per ICB, equal the Regional CSVs (sub-ICB, a different file)."""
    ingest_files(
        store,
        [
            realdata / "gpad_oct25/Mapping.csv",
            realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
        ],
    )
    stored = dict(
        (icb, (int(w), int(gp), int(other)))
        for icb, w, gp, other in store.execute(
            "SELECT icb_code, sum(within_2_weeks), sum(gp), sum(other_staff) FROM practice_month GROUP BY 1"
        ).fetchall()
    )
    published = duckdb.connect()
    for icb, name in (("QJK", "Devon"), ("QUE", "CambsPeterborough")):
        row = published.execute(
            """SELECT sum(COUNT_OF_APPOINTMENTS) FILTER (WHERE TIME_BETWEEN_BOOK_AND_APPT IN
                   ('Same Day', '1 Day', '2 to 7 Days', '8  to 14 Days', '8 to 14 Days')),
               sum(COUNT_OF_APPOINTMENTS) FILTER (WHERE HCP_TYPE = 'GP'),
               sum(COUNT_OF_APPOINTMENTS) FILTER (WHERE HCP_TYPE = 'Other Practice staff')
               FROM read_csv(?, header = true) WHERE APPOINTMENT_MONTH = 'OCT2025'""",
            [str(realdata / "gpad_oct25" / f"Regional_CSV_{name}.csv")],
        ).fetchone()
        assert stored[icb] == tuple(int(v) for v in row), icb
    mix = dict(
        store.execute(
            "SELECT icb_code || dimension, sum(appointments) FROM sub_icb_month_mix GROUP BY 1"
        ).fetchall()
    )
    for icb, (
        total,
        _,
    ) in REGIONAL_OCT25.items():  # each dimension of the mix adds up to the ICB's total
        assert [mix[icb + d] for d in ("time_band", "hcp_type", "national_category")] == [total] * 3
