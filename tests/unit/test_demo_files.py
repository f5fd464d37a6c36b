"""The synthetic demo files: published formats, fake identities, determinism and calibration.

One small demo (four ICBs, all months) is generated once for the module; the checks read the written
files back with the csv module and DuckDB, independently of the generator's internals.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from gpaccess.demo import (
    INJECTED_EFFECT_DNA_PP,
    INJECTED_EFFECT_F2F_PP,
    INJECTED_EFFECT_RATE_PCT,
    write_demo_files,
)
from gpaccess.demo.generate import _shared_build

REAL = Path(__file__).resolve().parents[1] / "data" / "realdata"
REAL_OCT = REAL / "gpad_oct25"
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
ICBS = ["QRV", "QF7", "QOC", "QSL"]
REAL_CROSSTAB = REAL_OCT / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"


def published_header(path: Path) -> list[str]:
    """The columns as NHS England publishes them (a real file's header), not as the generator writes them."""
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


CROSSTAB_COLUMNS = published_header(REAL_CROSSTAB)
DUPLICATE_KEYS_SQL = """
    SELECT count(*) - count(DISTINCT (APPOINTMENT_MONTH_START_DATE, GP_CODE, HCP_TYPE, APPT_MODE,
        NATIONAL_CATEGORY, TIME_BETWEEN_BOOK_AND_APPT, APPT_STATUS))
    FROM x"""


def _load_crosstabs(con: duckdb.DuckDBPyConnection, pattern: str | Path) -> None:
    """Table ``x``: crosstab rows with the month as a date (dialect given explicitly)."""
    types = {c: "BIGINT" if c == "COUNT_OF_APPOINTMENTS" else "VARCHAR" for c in CROSSTAB_COLUMNS}
    raw = con.read_csv(
        str(pattern), header=True, sep=",", quotechar='"', escapechar='"', dtype=types
    )
    raw.create("raw_crosstab")
    con.execute(
        "CREATE TABLE x AS SELECT strptime(APPOINTMENT_MONTH_START_DATE, '%d%b%Y')::DATE AS m, * "
        "FROM raw_crosstab"
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo")
    progress: list[tuple[float, str]] = []
    paths = write_demo_files(out, icb_codes=ICBS, progress=lambda f, m: progress.append((f, m)))
    fractions = [f for f, _ in progress]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    return out, paths


@pytest.fixture(scope="module")
def con(demo: tuple[Path, list[Path]]) -> duckdb.DuckDBPyConnection:
    out, _ = demo
    c = duckdb.connect()
    _load_crosstabs(c, out / "Practice_Level_Crosstab_*.csv")
    c.read_csv(str(out / "list_sizes" / "*" / "gp-reg-pat-prac-all.csv"), all_varchar=True).create(
        "raw_list"
    )
    c.execute(
        "CREATE TABLE l AS SELECT EXTRACT_DATE::DATE AS m, CODE, NUMBER_OF_PATIENTS::BIGINT AS lp "
        "FROM raw_list"
    )
    return c


def test_files_and_load_order(demo: tuple[Path, list[Path]]) -> None:
    out, paths = demo
    names = [p.relative_to(out).as_posix() for p in paths]
    assert names[0] == "Mapping.csv"
    assert names[-1] == "programme_tracker.xlsx"
    crosstabs = [n for n in names if n.startswith("Practice_Level_Crosstab_")]
    assert len(crosstabs) == 66
    assert crosstabs[0] == "Practice_Level_Crosstab_Apr_21.csv"
    assert crosstabs[-1] == "Practice_Level_Crosstab_Sep_26.csv"
    lists = [n for n in names if n.startswith("list_sizes/")]
    assert lists[0] == "list_sizes/2021-04/gp-reg-pat-prac-all.csv"
    assert "list_sizes/2026-09/gp-reg-pat-prac-map.csv" in lists
    assert max(names.index(n) for n in lists) < min(names.index(n) for n in crosstabs)
    assert all(p.is_file() for p in paths)


@pytest.mark.parametrize(
    ("demo_name", "real_name"),
    [
        (
            "Practice_Level_Crosstab_Oct_25.csv",
            "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
        ),
        ("Mapping.csv", "gpad_oct25/Mapping.csv"),
        ("list_sizes/2025-10/gp-reg-pat-prac-all.csv", "gpad_oct25/gp-reg-pat-prac-all.csv"),
        ("list_sizes/2026-09/gp-reg-pat-prac-map.csv", "gpad_oct25/gp-reg-pat-prac-map.csv"),
    ],
)
def test_header_and_line_endings_match_real(
    demo: tuple[Path, list[Path]], demo_name: str, real_name: str
) -> None:
    out, _ = demo
    with (REAL / real_name).open("rb") as f:
        real_header = f.readline()
    data = (out / demo_name).read_bytes()
    assert data.split(b"\n", 1)[0] + b"\n" == real_header
    assert real_header.endswith(b"\r\n")  # the published files use CRLF; so does the demo
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert not data.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    "name",
    [
        "Mapping.csv",
        "Practice_Level_Crosstab_Mar_23.csv",
        "list_sizes/2026-09/gp-reg-pat-prac-map.csv",
    ],
)
def test_minimal_quoting(demo: tuple[Path, list[Path]], name: str) -> None:
    """Re-writing the parsed rows with minimal quoting and CRLF gives back the same bytes."""
    data = (demo[0] / name).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    assert buffer.getvalue().encode("utf-8") == data
    assert len({len(r) for r in rows}) == 1


def test_some_names_need_quoting(demo: tuple[Path, list[Path]]) -> None:
    mapping = pd.read_csv(demo[0] / "Mapping.csv", dtype=str, keep_default_na=False)
    assert mapping["GP_NAME"].str.contains(",").any()
    assert b'"' in (demo[0] / "Mapping.csv").read_bytes()


def test_value_sets_are_real(con: duckdb.DuckDBPyConnection) -> None:
    real = duckdb.connect()
    _load_crosstabs(real, REAL_CROSSTAB)
    for column in (
        "HCP_TYPE",
        "APPT_MODE",
        "NATIONAL_CATEGORY",
        "TIME_BETWEEN_BOOK_AND_APPT",
        "APPT_STATUS",
    ):
        real_values = {r[0] for r in real.table("x").select(column).distinct().fetchall()}
        demo_values = {r[0] for r in con.table("x").select(column).distinct().fetchall()}
        assert demo_values <= real_values, column
        assert len(demo_values) >= len(real_values) - 1, column
    bands = {
        r[0] for r in con.table("x").select("TIME_BETWEEN_BOOK_AND_APPT").distinct().fetchall()
    }
    assert {"8  to 14 Days", "15  to 21 Days", "22  to 28 Days"} <= bands


def test_dates(con: duckdb.DuckDBPyConnection, demo: tuple[Path, list[Path]]) -> None:
    dates = {
        r[0] for r in con.execute("SELECT DISTINCT APPOINTMENT_MONTH_START_DATE FROM x").fetchall()
    }
    assert all(re.fullmatch(r"01[A-Z]{3}20\d\d", d) for d in dates)
    assert "01OCT2025" in dates
    list_all = pd.read_csv(demo[0] / "list_sizes/2025-12/gp-reg-pat-prac-all.csv", dtype=str)
    assert set(list_all["EXTRACT_DATE"]) == {"2025-12-01"}
    assert set(list_all["SEX"]) == {"ALL"} and set(list_all["AGE"]) == {"ALL"}
    assert set(list_all["TYPE"]) == {"GP"} and set(list_all["PUBLICATION"]) == {"GP_PRAC_PAT_LIST"}
    list_map = pd.read_csv(demo[0] / "list_sizes/2026-09/gp-reg-pat-prac-map.csv", dtype=str)
    assert set(list_map["EXTRACT_DATE"]) == {"01Sep2026"}


def test_rows_unique_and_counts_positive(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("SELECT min(COUNT_OF_APPOINTMENTS) FROM x").fetchall()[0][0] >= 1
    assert con.execute(DUPLICATE_KEYS_SQL).fetchall()[0][0] == 0
    per_practice = con.execute("SELECT count(*) / count(DISTINCT (m, GP_CODE)) FROM x").fetchall()[
        0
    ][0]
    assert 12 <= per_practice <= 16


def test_identities_are_fake(demo: tuple[Path, list[Path]], con: duckdb.DuckDBPyConnection) -> None:
    mapping = pd.read_csv(demo[0] / "Mapping.csv", dtype=str, keep_default_na=False)
    codes = set(r[0] for r in con.execute("SELECT DISTINCT GP_CODE FROM x").fetchall())
    assert codes >= set(mapping["GP_CODE"])
    assert all(re.fullmatch(r"DM\d{4}", c) for c in codes)
    assert not any(re.fullmatch(r"[A-Z]\d{5}", c) for c in codes)
    assert all(re.fullmatch(r"DP\d{4}", c) for c in mapping["PCN_CODE"])
    assert mapping["GP_NAME"].str.endswith("(DEMO)").all()
    assert mapping["PCN_NAME"].str.endswith("DEMO PCN").all()
    postcodes = pd.read_csv(demo[0] / "list_sizes/2026-09/gp-reg-pat-prac-all.csv", dtype=str)[
        "POSTCODE"
    ]
    assert postcodes.str.fullmatch(r"ZZ99 \d[A-Z]{2}").all()
    real = pd.read_csv(REAL_OCT / "Mapping.csv", dtype=str, keep_default_na=False)
    assert not codes & set(real["GP_CODE"])
    assert not set(mapping["GP_NAME"]) & set(real["GP_NAME"])
    assert not set(mapping["PCN_CODE"]) & set(real["PCN_CODE"])


def test_mapping_geography_and_supplier_variants(demo: tuple[Path, list[Path]]) -> None:
    mapping = pd.read_csv(demo[0] / "Mapping.csv", dtype=str, keep_default_na=False)
    reference = pd.read_csv(REFERENCE / "sub_icb_reference.csv", dtype=str)
    reference = reference[reference["icb_code"].isin(ICBS)]
    practices = mapping.drop_duplicates("GP_CODE")
    counts = practices.groupby("SUB_ICB_LOCATION_CODE").size()
    expected = reference.set_index("sub_icb_code")["practices"].astype(int)
    pd.testing.assert_series_equal(counts.sort_index(), expected.sort_index(), check_names=False)
    pcns = practices.groupby("SUB_ICB_LOCATION_CODE")["PCN_CODE"].nunique()
    expected_pcns = reference.set_index("sub_icb_code")["pcns"].astype(int)
    pd.testing.assert_series_equal(pcns.sort_index(), expected_pcns.sort_index(), check_names=False)
    names = reference.set_index("sub_icb_code")["sub_icb_name"]
    assert (
        practices["SUB_ICB_LOCATION_NAME"] == practices["SUB_ICB_LOCATION_CODE"].map(names)
    ).all()
    assert set(practices["ICB_CODE"]) == set(ICBS)
    assert set(practices["SUPPLIER"].str.split("/").str[0]) <= {"TPP", "EMIS", "MEDICUS"}


def test_full_mapping_has_supplier_duplicates(tmp_path: Path) -> None:
    paths = write_demo_files(tmp_path, months=1)
    mapping = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    assert mapping["GP_CODE"].nunique() == 6157
    duplicated = mapping[mapping["GP_CODE"].duplicated(keep=False)]
    assert 30 <= duplicated["GP_CODE"].nunique() <= 45
    assert duplicated.groupby("GP_CODE")["SUPPLIER"].nunique().min() >= 2
    assert mapping.groupby("GP_CODE")["SUPPLIER"].size().max() == 3


def test_closed_practices_and_qrv_denominator(
    demo: tuple[Path, list[Path]], con: duckdb.DuckDBPyConnection
) -> None:
    mapping = pd.read_csv(demo[0] / "Mapping.csv", dtype=str, keep_default_na=False)
    in_data = {r[0] for r in con.execute("SELECT DISTINCT GP_CODE FROM x").fetchall()}
    closed = in_data - set(mapping["GP_CODE"])
    assert closed  # closed practices appear in old crosstabs but not in Mapping.csv
    last_month = dict(con.execute("SELECT GP_CODE, max(m) FROM x GROUP BY 1").fetchall())
    assert all(str(last_month[c]) < "2026-01-01" for c in closed)
    reference = pd.read_csv(REFERENCE / "sub_icb_reference.csv", dtype=str)
    qrv_subs = reference.loc[reference["icb_code"] == "QRV", "sub_icb_code"].tolist()
    qrv_since_july_2023 = con.execute(
        "SELECT count(DISTINCT GP_CODE) FROM x WHERE m >= DATE '2023-07-01' "
        "AND list_contains(?, SUB_ICB_LOCATION_CODE)",
        [qrv_subs],
    ).fetchall()[0][0]
    assert qrv_since_july_2023 >= 338 + 25
    assert 14 / qrv_since_july_2023 < 0.04


def test_list_sizes(con: duckdb.DuckDBPyConnection) -> None:
    median, growth = con.execute(
        "SELECT median(lp) FILTER (WHERE m = DATE '2025-10-01'), "
        "sum(lp) FILTER (WHERE m = DATE '2026-09-01') / sum(lp) FILTER (WHERE m = DATE '2025-09-01') "
        "FROM l"
    ).fetchall()[0]
    assert 7000 < median < 11000
    assert 1.0 < growth < 1.02
    unmatched = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT m, GP_CODE FROM x) a ANTI JOIN l ON l.CODE = a.GP_CODE AND l.m = a.m"
    ).fetchall()[0][0]
    assert unmatched == 0


def _share(con: duckdb.DuckDBPyConnection, condition: str, period: str) -> float:
    rows = con.table("x").filter(period)
    part = rows.filter(condition).sum("COUNT_OF_APPOINTMENTS").fetchall()[0][0]
    return float(part) / float(rows.sum("COUNT_OF_APPOINTMENTS").fetchall()[0][0])


def test_calibration(con: duckdb.DuckDBPyConnection) -> None:
    late_2021 = "m BETWEEN DATE '2021-10-01' AND DATE '2021-12-01'"
    mid = "m BETWEEN DATE '2022-06-01' AND DATE '2023-06-01'"
    recent = "m BETWEEN DATE '2025-04-01' AND DATE '2026-09-01'"
    f2f = "APPT_MODE = 'Face-to-Face'"
    assert 0.56 < _share(con, f2f, late_2021) < 0.65
    assert 0.66 < _share(con, f2f, mid) < 0.74
    assert 0.59 < _share(con, f2f, recent) < 0.68
    assert _share(con, f2f, mid) > _share(con, f2f, recent) + 0.03
    assert 0.20 < _share(con, "APPT_MODE = 'Telephone'", recent) < 0.32
    assert 0.04 < _share(con, "APPT_MODE = 'Video Conference/Online'", recent) < 0.09
    assert 0.005 < _share(con, "APPT_MODE = 'Home Visit'", "true") < 0.02
    assert 0.038 < _share(con, "APPT_STATUS = 'DNA'", "true") < 0.048
    assert 0.02 < _share(con, "APPT_STATUS = 'Unknown'", "true") < 0.04
    assert 0.40 < _share(con, "TIME_BETWEEN_BOOK_AND_APPT = 'Same Day'", "true") < 0.46
    assert 0.41 < _share(con, "HCP_TYPE = 'GP'", "true") < 0.50
    assert 0.03 < _share(con, "HCP_TYPE = 'Unknown'", "true") < 0.07
    unmapped = "NATIONAL_CATEGORY IN ('Unmapped', 'Inconsistent Mapping')"
    assert 0.02 < _share(con, unmapped, "true") < 0.08


def test_volume_and_seasonality(con: duckdb.DuckDBPyConnection) -> None:
    monthly = dict(
        con.execute(
            "SELECT strftime(x.m, '%Y-%m'), 1000.0 * sum(COUNT_OF_APPOINTMENTS) / any_value(p.lp) "
            "FROM x JOIN (SELECT m, sum(lp) AS lp FROM l GROUP BY 1) p ON p.m = x.m GROUP BY 1"
        ).fetchall()
    )
    rates = list(monthly.values())
    assert 430 < sum(rates) / len(rates) < 550  # ~490 a month per 1,000 patients
    for year in ("2022", "2023", "2024", "2025"):
        assert monthly[f"{year}-12"] < 0.93 * monthly[f"{year}-11"]
        assert monthly[f"{year}-08"] < 0.95 * monthly[f"{year}-07"]
        assert monthly[f"{year}-10"] > monthly[f"{year}-09"]


def test_practice_spread_oct_2025(con: duckdb.DuckDBPyConnection) -> None:
    """Per-practice spread like the real Devon + Cambridgeshire practices (see gpaccess.demo.panel)."""
    stats = con.execute(
        """
        WITH p AS (
            SELECT GP_CODE,
                sum(COUNT_OF_APPOINTMENTS) FILTER (WHERE APPT_MODE = 'Face-to-Face') / sum(COUNT_OF_APPOINTMENTS) AS f2f,
                sum(COUNT_OF_APPOINTMENTS) FILTER (WHERE TIME_BETWEEN_BOOK_AND_APPT = 'Same Day') / sum(COUNT_OF_APPOINTMENTS) AS sd,
                coalesce(sum(COUNT_OF_APPOINTMENTS) FILTER (WHERE APPT_STATUS = 'DNA'), 0) / sum(COUNT_OF_APPOINTMENTS) AS dna
            FROM x WHERE m = DATE '2025-10-01' GROUP BY 1)
        SELECT stddev(f2f), stddev(sd), stddev(dna) FROM p
        """
    ).fetchall()[0]
    assert 0.12 < stats[0] < 0.20  # real 0.159
    assert 0.08 < stats[1] < 0.14  # real 0.110
    assert 0.015 < stats[2] < 0.035  # real 0.024


def test_injected_effects_exposed() -> None:
    assert INJECTED_EFFECT_F2F_PP == 3.0
    assert INJECTED_EFFECT_RATE_PCT == 3.0
    assert INJECTED_EFFECT_DNA_PP == -0.3


def test_deterministic(tmp_path: Path) -> None:
    """Same arguments, fresh build: byte-identical files (the tracker workbook included)."""
    kwargs = dict(first_month="2025-09", last_month="2025-10", icb_codes=["QOC"])
    first = write_demo_files(tmp_path / "a", **kwargs)  # type: ignore[arg-type]
    _shared_build.cache_clear()
    second = write_demo_files(tmp_path / "b", **kwargs)  # type: ignore[arg-type]
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    other = write_demo_files(tmp_path / "c", seed=7, **kwargs)  # type: ignore[arg-type]
    assert other[-2].read_bytes() != first[-2].read_bytes()


def test_months_subset_is_a_slice(demo: tuple[Path, list[Path]], tmp_path: Path) -> None:
    """A practice's figures for a month do not depend on the range written nor on the ICBs kept."""
    paths = write_demo_files(tmp_path, months=2, icb_codes=["QOC"])
    names = [p.name for p in paths]
    assert names.count("gp-reg-pat-prac-all.csv") == 2
    assert [n for n in names if n.startswith("Practice")] == [
        "Practice_Level_Crosstab_Aug_26.csv",
        "Practice_Level_Crosstab_Sep_26.csv",
    ]
    full = (demo[0] / "Practice_Level_Crosstab_Sep_26.csv").read_bytes().split(b"\r\n")
    part = (tmp_path / "Practice_Level_Crosstab_Sep_26.csv").read_bytes().split(b"\r\n")
    qoc = [line for line in full if b"NHS Shropshire, Telford and Wrekin ICB" in line]
    assert qoc and qoc == [line for line in part[1:] if line]


def test_national_scale(tmp_path: Path) -> None:
    paths = write_demo_files(tmp_path / "n", scale="national", months=1, icb_codes=["QOC"])
    demo_paths = write_demo_files(tmp_path / "d", scale="demo", months=1, icb_codes=["QOC"])
    national, demo_scale = duckdb.connect(), duckdb.connect()
    _load_crosstabs(national, [p for p in paths if p.name.startswith("Practice")][0])
    _load_crosstabs(demo_scale, [p for p in demo_paths if p.name.startswith("Practice")][0])
    rows, practices = national.execute(
        "SELECT count(*), count(DISTINCT GP_CODE) FROM x"
    ).fetchall()[0]
    assert 120 <= rows / practices <= 260
    assert national.execute(DUPLICATE_KEYS_SQL).fetchall()[0][0] == 0
    assert national.execute("SELECT min(COUNT_OF_APPOINTMENTS) FROM x").fetchall()[0][0] >= 1
    totals = (
        "SELECT GP_CODE, sum(COUNT_OF_APPOINTMENTS), "
        "sum(COUNT_OF_APPOINTMENTS) FILTER (WHERE APPT_MODE = 'Face-to-Face') FROM x GROUP BY 1"
    )
    a = {r[0]: r[1:] for r in national.execute(totals).fetchall()}
    b = {r[0]: r[1:] for r in demo_scale.execute(totals).fetchall()}
    assert {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}  # same totals
    for code, (total, f2f) in a.items():  # face-to-face: a multinomial draw around the same share
        assert abs(f2f - b[code][1]) <= 0.03 * total + 10
