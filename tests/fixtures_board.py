"""A small programme-tracker store for the board pages' tests, built with plain INSERTs.

28 practices in four ICBs (two London ICBs, Shropshire Telford and Wrekin, South Yorkshire with only 4), two
Accelerate phases and one GPIP cohort at three levels. The rows below are the single source: tests compute their
expected values from these lists (by hand or with pandas), never from the queries under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from gpaccess.store import connect_writable
from gpaccess.store.summaries import refresh_summaries

D = dt.date
# ICB -> (region, sub-ICB, practice codes)
ICBS = {
    "QRV": ("Y56", "W2U3Z", [f"E85{n:03d}" for n in range(1, 11)]),
    "QMJ": ("Y56", "93C", [f"F83{n:03d}" for n in range(1, 7)]),
    "QOC": ("Y60", "M2L0M", [f"M81{n:03d}" for n in range(1, 9)]),
    "QF7": ("Y63", "02P", [f"C86{n:03d}" for n in range(1, 5)]),
}
CLOSED_PRACTICE = (
    "E85010"  # appointment data in 2022 only: in the Accelerate pool, not the GPIP pool
)
MONTHS = (D(2022, 6, 1), D(2023, 10, 1), D(2024, 1, 1))

PROGRAMMES = [
    ("Accelerate", "Accelerate programme", D(2021, 12, 1), D(2023, 6, 30), None),
    ("GPIP", "General Practice Improvement Programme", D(2023, 5, 1), None, 1500),
]
PHASE_COLUMNS = [
    "programme",
    "phase",
    "level",
    "planned_practices",
    "start_date",
    "end_date",
    "weeks",
    "modules_planned",
    "group_sessions_planned",
    "onsite_visits_planned",
]
PHASES = [
    ("Accelerate", "Phase 1", "intensive", 6, D(2021, 12, 1), D(2022, 4, 19), 20, 4, 4, 12),
    ("Accelerate", "Phase 2", "intensive", 4, D(2022, 4, 4), D(2022, 8, 21), 20, 4, 4, 12),
    (
        "GPIP",
        "Cohort 2023-07",
        "universal",
        10,
        D(2023, 7, 17),
        D(2023, 10, 8),
        None,
        6,
        None,
        None,
    ),
    ("GPIP", "Cohort 2023-07", "intermediate", 6, D(2023, 7, 17), D(2023, 10, 15), 13, 4, 6, None),
    ("GPIP", "Cohort 2023-07", "intensive", 3, D(2023, 7, 17), D(2024, 1, 14), 26, 6, 8, 6),
]
ENROLMENT_COLUMNS = [
    "programme",
    "phase",
    "level",
    "practice_code",
    "enrolled_date",
    "started_date",
    "ended_date",
    "status",
    "withdrawal_reason",
    "modules_completed",
    "group_sessions_attended",
    "onsite_visits",
    "productivity_gain",
    "clinical_hours_released",
    "admin_hours_released",
    "gain_kind",
]
_A1 = ("Accelerate", "Phase 1", "intensive")
_A2 = ("Accelerate", "Phase 2", "intensive")
_GU = ("GPIP", "Cohort 2023-07", "universal")
_GM = ("GPIP", "Cohort 2023-07", "intermediate")
_GI = ("GPIP", "Cohort 2023-07", "intensive")
_E1, _S1, _F1 = D(2021, 11, 15), D(2021, 12, 1), D(2022, 4, 19)
_E2, _S2, _F2 = D(2022, 3, 15), D(2022, 4, 4), D(2022, 8, 21)
_EG, _SG, _FG = D(2023, 7, 1), D(2023, 7, 17), D(2023, 10, 15)
ENROLMENTS = [
    # Accelerate phase 1: 6 enrolled, 1 withdrawn
    (*_A1, "E85001", _E1, _S1, _F1, "completed", None, 4, 4, 12, True, 10.0, 5.0,
     "more appointments;reduced admin"),
    (*_A1, "E85002", _E1, _S1, _F1, "extended", None, 4, 4, 12, True, 6.0, 4.0, "more appointments"),
    (*_A1, "E85003", _E1, _S1, D(2022, 2, 1), "withdrawn", "capacity", 1, 1, 2, None, None, None, None),
    (*_A1, "M81001", _E1, _S1, _F1, "completed", None, 3, 4, 10, False, 0.0, 0.0, None),
    (*_A1, "M81002", _E1, _S1, _F1, "extended", None, 4, 3, 11, True, 8.0, 2.0,
     "reduced admin; better continuity"),
    (*_A1, "F83001", _E1, _S1, _F1, "completed", None, 4, 4, 12, True, 4.0, 6.0, "more appointments"),
    # Accelerate phase 2: 4 enrolled (one practice closed since)
    (*_A2, "E85004", _E2, _S2, None, "active", None, 2, 2, 5, None, None, None, None),
    (*_A2, "C86001", _E2, _S2, _F2, "completed", None, 4, 4, 12, True, 5.0, 5.0,
     "longer appointments for complex needs"),
    (*_A2, "C86002", _E2, None, None, "enrolled", None, None, None, None, None, None, None, None),
    (*_A2, CLOSED_PRACTICE, _E2, _S2, _F2, "completed", None, 4, 4, 12, False, 0.0, 0.0, None),
    # GPIP cohort 2023-07, universal (webinars): 4 enrolled, 1 withdrawn
    (*_GU, "E85005", _EG, _SG, None, "active", None, 3, None, None, None, None, None, None),
    (*_GU, "F83002", _EG, _SG, D(2023, 10, 8), "completed", None, 6, None, None, None, None, None, None),
    (*_GU, "M81003", _EG, None, None, "withdrawn", "eligibility", None, None, None, None, None, None, None),
    (*_GU, "E85001", _EG, _SG, D(2023, 10, 8), "completed", None, 6, None, None, None, None, None, None),
    # GPIP cohort 2023-07, intermediate: 4 enrolled, 1 withdrawn
    (*_GM, "E85006", _EG, _SG, None, "active", None, 2, 3, None, None, None, None, None),
    (*_GM, "E85007", _EG, _SG, D(2023, 8, 20), "withdrawn", "time away from practice", 1, 1, None,
     None, None, None, None),
    (*_GM, "M81004", _EG, _SG, _FG, "completed", None, 4, 6, None, True, 3.0, 1.0, "reduced admin"),
    (*_GM, "F83003", _EG, _SG, _FG, "completed", None, 4, 5, None, False, 0.0, 2.0, None),
    # GPIP cohort 2023-07, intensive: 2 enrolled
    (*_GI, "E85008", _EG, _SG, D(2024, 1, 14), "extended", None, 6, 8, 6, True, 12.0, 3.0,
     "more appointments;better continuity"),
    (*_GI, "C86003", _EG, _SG, None, "active", None, 3, 4, 3, None, None, None, None),
]  # fmt: skip
ELIGIBILITY = [  # practice, digital telephony live date, wished to enrol, assessed date
    ("M81005", None, True, D(2023, 9, 1)),  # blocked: not live
    ("M81006", D(2023, 11, 1), True, D(2023, 9, 1)),  # blocked: went live after the assessment
    ("M81007", D(2023, 8, 1), True, D(2023, 9, 1)),  # eligible
    ("M81008", None, False, D(2023, 9, 1)),  # did not wish to enrol
    ("E85009", None, True, D(2023, 10, 1)),  # blocked
    ("F83004", D(2023, 9, 1), True, D(2023, 9, 1)),  # live on the day: eligible
]
BLOCKED = {"QOC": 2, "QRV": 1}
BARRIER_COLUMNS = [
    "icb_code",
    "reported_date",
    "programme",
    "barrier",
    "practices_affected",
    "detail",
]
BARRIERS = [
    ("QRV", D(2023, 10, 15), "GPIP", "capacity", 4, "Four practices withdrew: no capacity"),
    ("QRV", D(2023, 10, 15), "GPIP", "workforce", None, "GP vacancies"),
    ("QOC", D(2023, 10, 20), "GPIP", "eligibility", 17, "Not yet on digital telephony"),
    ("QF7", D(2023, 11, 1), "GPIP", "capacity", None, "Staff capacity"),
    (
        "QMJ",
        D(2023, 11, 5),
        "GPIP",
        "value unclear",
        None,
        "Practices asked for evidence of impact",
    ),
    ("QOC", D(2022, 3, 1), "Accelerate", "capacity", None, "Winter pressures"),
]


def frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def practices() -> pd.DataFrame:
    rows = [(code, icb, region) for icb, (region, _, codes) in ICBS.items() for code in codes]
    return pd.DataFrame(rows, columns=["practice_code", "icb_code", "region_code"])


def enrolments() -> pd.DataFrame:
    """The enrolment rows joined to each practice's ICB and region."""
    return frame(ENROLMENTS, ENROLMENT_COLUMNS).merge(
        practices(), on="practice_code", validate="many_to_one"
    )


def build_board_store(path: Path) -> Path:
    con = connect_writable(path)
    try:
        _insert_practices(con)
        con.executemany("INSERT INTO programme VALUES (?, ?, ?, ?, ?)", PROGRAMMES)
        con.executemany("INSERT INTO programme_phase VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", PHASES)
        con.executemany(
            "INSERT INTO enrolment VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ENROLMENTS,
        )
        con.executemany("INSERT INTO eligibility VALUES (?, ?, ?, ?)", ELIGIBILITY)
        con.executemany("INSERT INTO barrier VALUES (?, ?, ?, ?, ?, ?)", BARRIERS)
        refresh_summaries(con)  # as a load stores them
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def _insert_practices(con) -> None:
    for icb, (region, sub_icb, codes) in ICBS.items():
        for code in codes:
            con.execute(
                "INSERT INTO practice VALUES (?, ?, NULL, NULL, ?, ?, ?, 'test')",
                [code, f"Practice {code}", sub_icb, icb, region],
            )
            months = MONTHS[:1] if code == CLOSED_PRACTICE else MONTHS
            for month in months:
                con.execute(
                    "INSERT INTO practice_month VALUES (?, ?, ?, ?, ?, 100, 60, 30, 5, 5, 0, 90, 5, 5, "
                    "40, 0, 50, 0, 0, 80, 50, NULL)",  # ... within_2_weeks, other_staff, patients (no list size)
                    [month, code, sub_icb, icb, region],
                )
