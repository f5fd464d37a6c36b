"""Support identification on a small fixture store: for every ICB, measure and window, the named lowest-20% list
and the counts equal an independent pandas computation from the fixture's rows; and only the ICB's own viewer
gets the named list.

The fixture has deliberate edge cases: practices with identical appointment counts (exact ties, broken by practice
code), a practice with no appointments in the last month (not ranked on a one-month window), a practice without
any list size (not ranked per 1,000 patients), a practice whose only list size is after the window (the earliest
after is used), an ICB with one practice and one with seven, and programme enrolments including a withdrawal.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from gpaccess.access import PUBLIC, AccessDenied, Viewer
from gpaccess.db import run
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only, connect_writable
from gpaccess.store.derived import refresh_patients
from gpaccess.store.summaries import refresh_summaries

MONTHS = [
    dt.date(2024 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(12)
]  # Nov 2024 - Oct 2025
WINDOWS = {  # written out, not computed by the code under test
    1: (dt.date(2025, 10, 1), dt.date(2025, 10, 1)),
    3: (dt.date(2025, 8, 1), dt.date(2025, 10, 1)),
    12: (dt.date(2024, 11, 1), dt.date(2025, 10, 1)),
}
MEASURES = ("face_to_face_pct", "appointments_per_1000", "same_day_pct")
ICBS = {"QAA": 23, "QBB": 7, "QCC": 1}
PM_COLUMNS = [
    "telephone", "video_online", "home_visit", "unknown_mode", "attended", "dna", "unknown_status",
    "unknown_band", "gp", "unmapped", "inconsistent_mapping",
]  # fmt: skip


def fixture_frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(4)
    practices, months, lists, enrolments = [], [], [], []
    for icb, count in ICBS.items():
        for i in range(count):
            code = f"{icb[1]}{i:05d}"
            practices.append((code, f"{icb} PRACTICE {i}", icb))
    codes = [p[0] for p in practices]
    clones = {"A00007": "A00003", "A00012": "A00003", "B00004": "B00006"}  # exact ties
    rows = {}
    for code, _, icb in practices:
        for month in MONTHS:
            if code in clones:
                continue
            appts = int(rng.integers(400, 3000))
            if code == "A00005" and month == MONTHS[-1]:
                appts = 0  # no appointments in the last month
            f2f = int(rng.integers(0, appts + 1))
            same = int(rng.integers(0, appts + 1))
            rows[(code, month)] = (code, month, icb, appts, f2f, same)
    for code, source in clones.items():
        for month in MONTHS:
            rows[(code, month)] = (code, month) + rows[(source, month)][2:]
    months = [
        r for r in rows.values() if not (r[0] == "A00009" and r[1] == MONTHS[0])
    ]  # a month missing
    for code in codes:
        if code == "A00002":
            continue  # never has a list size
        if code == "A00010":
            lists.append((code, dt.date(2026, 1, 1), 5000))  # only after the window
            continue
        for extract in (dt.date(2024, 10, 1), dt.date(2025, 4, 1), dt.date(2025, 9, 1)):
            lists.append((code, extract, int(rng.integers(2000, 15000))))
    lists = [item for item in lists if item[0] != "B00004"]
    lists += [(("B00004",) + item[1:]) for item in lists if item[0] == "B00006"]  # as its twin
    for index, code in enumerate(codes):
        if index % 3 == 0:
            enrolments.append(("Accelerate", code, "completed"))
        if index % 4 == 1:
            enrolments.append(("GPIP", code, "active" if index % 8 == 1 else "withdrawn"))
    return {
        "practice": pd.DataFrame(practices, columns=["practice_code", "practice_name", "icb_code"]),
        "practice_month": pd.DataFrame(
            months,
            columns=[
                "practice_code",
                "month",
                "icb_code",
                "appointments",
                "face_to_face",
                "same_day",
            ],
        ),
        "list_size": pd.DataFrame(lists, columns=["practice_code", "extract_date", "patients"]),
        "enrolment": pd.DataFrame(enrolments, columns=["programme", "practice_code", "status"]),
    }


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return fixture_frames()


@pytest.fixture(scope="module")
def con(tmp_path_factory, frames):
    path = tmp_path_factory.mktemp("ident") / "ident.duckdb"
    write = connect_writable(path)
    pm = frames["practice_month"].copy()
    for column in PM_COLUMNS:
        pm[column] = 0
    write.register("pm", pm)
    write.execute(
        "INSERT INTO practice_month BY NAME SELECT *, 'S' || icb_code AS sub_icb_code, 'Y01' AS region_code FROM pm"
    )
    write.register("pr", frames["practice"])
    write.execute(
        "INSERT INTO practice BY NAME SELECT *, 'S' || icb_code AS sub_icb_code, 'Y01' AS region_code, "
        "'test' AS source FROM pr"
    )
    for icb in ICBS:
        write.execute(
            "INSERT INTO icb (icb_code, icb_name, region_code) VALUES (?, ?, 'Y01')",
            [icb, f"NHS {icb} ICB"],
        )
    write.register("ls", frames["list_size"])
    write.execute("INSERT INTO list_size BY NAME SELECT * FROM ls")
    refresh_patients(write)  # as a load stores them
    refresh_summaries(write)
    write.register("en", frames["enrolment"])
    write.execute(
        "INSERT INTO enrolment BY NAME SELECT *, 'Phase 1' AS phase, 'core' AS level, "
        "DATE '2024-01-01' AS enrolled_date FROM en"
    )
    write.close()
    read = connect_read_only(path)
    yield read
    read.close()


def expected_lowest(frames: dict[str, pd.DataFrame], measure: str, months: int) -> pd.DataFrame:
    """Independent pandas: per practice, pooled over the window; ranked within ICB by (value, code); ceil(n/5)."""
    first, last = WINDOWS[months]
    pm = frames["practice_month"]
    pm = pm[(pm["month"] >= first) & (pm["month"] <= last)].copy()
    pm["month"] = pd.to_datetime(pm["month"])
    ls = frames["list_size"].copy()
    ls["extract_date"] = pd.to_datetime(ls["extract_date"])
    ls = ls.sort_values("extract_date")
    pm = pm.sort_values("month")
    before = pd.merge_asof(
        pm, ls, left_on="month", right_on="extract_date", by="practice_code", direction="backward"
    )
    after = pd.merge_asof(
        pm, ls, left_on="month", right_on="extract_date", by="practice_code", direction="forward"
    )
    merged = before.merge(
        after[["practice_code", "month", "patients"]],
        on=["practice_code", "month"],
        suffixes=("", "_after"),
    )
    merged["patients"] = merged["patients"].fillna(merged["patients_after"])
    merged["appts_listed"] = merged["appointments"].where(merged["patients"].notna(), 0)
    sums = merged.groupby(["icb_code", "practice_code"]).agg(
        appointments=("appointments", "sum"),
        face_to_face=("face_to_face", "sum"),
        same_day=("same_day", "sum"),
        appts_listed=("appts_listed", "sum"),
        patients=("patients", "sum"),
        listed=("patients", "count"),
    )
    sums = sums.reset_index()
    has_appts = sums["appointments"] > 0
    if measure == "face_to_face_pct":
        ratio = (sums["face_to_face"] / sums["appointments"]).where(has_appts)
        scale = 100
    elif measure == "same_day_pct":
        ratio = (sums["same_day"] / sums["appointments"]).where(has_appts)
        scale = 100
    else:
        ratio = (sums["appts_listed"] / sums["patients"]).where(
            has_appts & (sums["listed"] > 0) & (sums["patients"] > 0)
        )
        scale = 1000
    sums["ratio"] = ratio.astype(float)
    sums["value"] = sums["ratio"] * scale
    ranked = sums.dropna(subset=["ratio"]).sort_values(["icb_code", "ratio", "practice_code"])
    ranked["rank"] = ranked.groupby("icb_code").cumcount() + 1
    ranked["n"] = ranked.groupby("icb_code")["practice_code"].transform("count")
    return ranked[ranked["rank"] <= np.ceil(ranked["n"] / 5)]


def test_fixture_has_a_tie_at_the_cut_off(frames):
    """B00004 and B00006 have identical rows; on 12-month face-to-face share they tie at ranks 2 and 3 of QBB's
    7 practices, where the cut-off is ceil(7 / 5) = 2: the tie-break by code decides (B00004 in, B00006 out)."""
    lowest = expected_lowest(frames, "face_to_face_pct", 12)
    qbb = lowest[lowest["icb_code"] == "QBB"]
    assert len(qbb) == 2
    assert "B00004" in set(qbb["practice_code"]) and "B00006" not in set(qbb["practice_code"])


@pytest.mark.parametrize("months", [1, 3, 12])
@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("icb", list(ICBS))
def test_named_list_matches_pandas(con, frames, icb, measure, months):
    first, last = WINDOWS[months]
    got = run(
        con,
        "support_list",
        Viewer(role="icb", icb_code=icb),
        Scope(icb=icb),
        measure=measure,
        window_from=first,
        window_to=last,
    )
    want = expected_lowest(frames, measure, months)
    want = want[want["icb_code"] == icb]
    assert got["practice_code"].tolist() == want["practice_code"].tolist()
    assert got["rank_in_icb"].tolist() == want["rank"].tolist()
    assert np.allclose(got["value"].astype(float), want["value"].round(1), atol=0.051)
    names = frames["practice"].set_index("practice_code")["practice_name"]
    assert got["practice_name"].tolist() == names[want["practice_code"]].tolist()
    enrolled = frames["enrolment"]
    enrolled = enrolled[enrolled["status"] != "withdrawn"]
    accelerate = set(enrolled.loc[enrolled["programme"] == "Accelerate", "practice_code"])
    assert got["in_accelerate"].tolist() == [c in accelerate for c in want["practice_code"]]


@pytest.mark.parametrize("months", [1, 3, 12])
@pytest.mark.parametrize("measure", MEASURES)
def test_counts_match_pandas(con, frames, measure, months):
    first, last = WINDOWS[months]
    got = run(
        con, "support_reach", PUBLIC, Scope(), measure=measure, window_from=first, window_to=last
    ).set_index("icb_code")
    want = expected_lowest(frames, measure, months)
    enrolled = frames["enrolment"]
    enrolled = enrolled[enrolled["status"] != "withdrawn"]
    acc = set(enrolled.loc[enrolled["programme"] == "Accelerate", "practice_code"])
    gpip = set(enrolled.loc[enrolled["programme"] == "GPIP", "practice_code"])
    ranked_all = expected_ranked_codes(frames, measure, months)
    for icb in ICBS:
        lowest = set(want.loc[want["icb_code"] == icb, "practice_code"])
        ranked = ranked_all[icb]
        row = got.loc[icb]
        assert row["practices_ranked"] == len(ranked)
        assert row["lowest"] == len(lowest) == math.ceil(len(ranked) / 5)
        assert row["lowest_in_accelerate"] == len(lowest & acc)
        assert row["lowest_in_gpip"] == len(lowest & gpip)
        assert row["lowest_in_either"] == len(lowest & (acc | gpip))
        assert row["supported"] == len(ranked & (acc | gpip))
        assert row["supported_not_lowest"] == len((ranked - lowest) & (acc | gpip))


def expected_ranked_codes(frames, measure, months) -> dict[str, set[str]]:
    """Practices with a value (the n of each ICB), by ICB: everyone in the window minus the exclusions."""
    first, last = WINDOWS[months]
    pm = frames["practice_month"]
    pm = pm[(pm["month"] >= first) & (pm["month"] <= last)]
    sums = pm.groupby(["icb_code", "practice_code"])["appointments"].sum().reset_index()
    sums = sums[sums["appointments"] > 0]
    if measure == "appointments_per_1000":
        sums = sums[sums["practice_code"] != "A00002"]  # the practice with no list size
    return {icb: set(sums.loc[sums["icb_code"] == icb, "practice_code"]) for icb in ICBS}


def test_edge_cases_behave_as_documented(con, frames):
    one_month = expected_ranked_codes(frames, "face_to_face_pct", 1)
    assert "A00005" not in one_month["QAA"]  # no appointments in the month: not ranked
    per_1000 = run(
        con,
        "support_reach",
        PUBLIC,
        Scope(icb="QAA"),
        measure="appointments_per_1000",
        window_from=WINDOWS[12][0],
        window_to=WINDOWS[12][1],
    )
    assert (
        per_1000["practices_ranked"].iloc[0] == 22
    )  # A00002 has no list size; A00010 uses the later one
    twins = run(
        con,
        "support_list",
        Viewer(role="icb", icb_code="QBB"),
        Scope(icb="QBB"),
        measure="face_to_face_pct",
        window_from=WINDOWS[12][0],
        window_to=WINDOWS[12][1],
    )
    assert len(twins) == 2  # ceil(7 / 5)


@pytest.mark.parametrize(
    "viewer",
    [
        PUBLIC,
        Viewer(role="national"),
        Viewer(role="region", region_code="Y01"),
        Viewer(role="icb", icb_code="QBB"),
        Viewer(role="icb"),
        Viewer(role="admin"),
    ],
)
def test_named_list_refused_for_anyone_but_the_icbs_own_viewer(con, viewer):
    first, last = WINDOWS[3]
    for scope in (Scope(icb="QAA"), Scope(), Scope(region="Y01")):
        with pytest.raises(AccessDenied):
            run(
                con,
                "support_list",
                viewer,
                scope,
                measure="face_to_face_pct",
                window_from=first,
                window_to=last,
            )


def test_counts_query_returns_no_identities(con):
    frame = run(
        con,
        "support_reach",
        PUBLIC,
        Scope(),
        measure="face_to_face_pct",
        window_from=WINDOWS[3][0],
        window_to=WINDOWS[3][1],
    )
    text = frame.to_csv()
    assert "PRACTICE" not in text and "A000" not in text
