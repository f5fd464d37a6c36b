"""Who could join GPIP and what held ICBs back: the tracker's eligibility and barriers sheets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gpaccess.demo.months import add_days
from gpaccess.demo.programme_design import (
    BARRIER_COLUMNS,
    BLOCKED_BY_TELEPHONY,
    ELIGIBILITY_COLUMNS,
    D,
)


def eligibility_rows(
    rng: np.random.Generator, practices: pd.DataFrame, enrolments: pd.DataFrame, pool: np.ndarray
) -> pd.DataFrame:
    """Every GPIP enrolee (live before enrolling), the practices blocked by the digital telephony
    criterion in Shropshire, Telford and Wrekin and Somerset, and some others."""
    rows: list[tuple[str, dt.date | None, str, dt.date]] = []
    gpip = enrolments[enrolments["programme"] == "GPIP"]
    first: dict[str, dt.date] = {}
    for code, enrolled in zip(gpip["practice_code"], gpip["enrolled_date"], strict=True):
        first[code] = min(enrolled, first.get(code, enrolled))
    for code, enrolled in sorted(first.items()):
        assessed = add_days(enrolled, -int(rng.integers(1, 22)))
        live: dt.date | None = max(D(2020, 6, 1), add_days(assessed, -int(rng.integers(20, 900))))
        rows.append((code, live, "yes", assessed))
    codes = practices["code"].to_numpy()
    icb = practices["icb_code"].to_numpy()
    free = pool & ~pd.Series(codes).isin(list(first)).to_numpy()
    for code_icb, count in BLOCKED_BY_TELEPHONY.items():
        picked = np.sort(rng.choice(np.flatnonzero(free & (icb == code_icb)), count, replace=False))
        free[picked] = False
        for row in picked.tolist():
            assessed = add_days(D(2023, 8, 1), int(rng.integers(0, 92)))
            live = add_days(assessed, int(rng.integers(120, 600))) if rng.random() < 0.35 else None
            rows.append((codes[row], live, "yes", assessed))
    free &= ~pd.Series(icb).isin(list(BLOCKED_BY_TELEPHONY)).to_numpy()
    others = np.sort(rng.choice(np.flatnonzero(free), 420, replace=False))
    for i, row in enumerate(others.tolist()):
        assessed = add_days(D(2023, 7, 1), int(rng.integers(0, 900)))
        if i % 10 == 0:  # wished to enrol, eligible, waiting for a cohort
            live = add_days(assessed, -int(rng.integers(30, 700)))
            rows.append((codes[row], live, "yes", assessed))
        else:
            live = add_days(assessed, int(rng.integers(-800, 400))) if rng.random() < 0.8 else None
            rows.append((codes[row], live, "no", assessed))
    frame = pd.DataFrame(rows, columns=ELIGIBILITY_COLUMNS)
    return frame.sort_values("practice_code", ignore_index=True)


_NAMED_BARRIERS = (
    ("QRV", D(2023, 10, 12), "capacity", 4,
     "14 practices undertaking or completed GPIP and 4 withdrawn, citing staff capacity; under 4% of the ICB's practices"),
    ("QRV", D(2023, 10, 12), "workforce", None,
     "Workforce gaps make it hard to release staff for improvement sessions"),
    ("QF7", D(2023, 10, 5), "capacity", None,
     "6 practices enrolled, under 4% of practices; staff capacity is the main barrier"),
    ("QMJ", D(2023, 10, 19), "value unclear", None,
     "Low uptake: practices unsure of the value of taking part; asked for evidence of impact"),
    ("QOC", D(2023, 9, 28), "eligibility", 17,
     "17 practices unable to engage because they have not gone live with digital telephony"),
    ("QSL", D(2023, 10, 26), "eligibility", None,
     "Several practices wish to enrol but have not yet migrated to digital telephony"),
    ("QUA", D(2023, 11, 9), "funding", None,
     "No central funding for participation (backfill) deterred practices"),
    ("QRL", D(2023, 11, 16), "time away from practice", None,
     "The practices most in need of support are the least able to commit time away, especially over winter"),
    ("QRL", D(2023, 11, 16), "capacity", None,
     "Practice teams at full stretch with winter demand"),
)  # fmt: skip
_OTHER_BARRIERS = {
    "capacity": "Practices report no spare capacity to take part alongside day-to-day demand",
    "time away from practice": "Sessions clash with clinical time; hard to attend during winter",
    "workforce": "Vacancies and sickness absence leave no one to lead the change work",
    "funding": "No funding to backfill staff attending sessions",
    "eligibility": "Some interested practices not yet on digital telephony",
}
_OTHER_BARRIER_ICBS = (
    "QHM", "QOP", "QE1", "QWO", "QHL", "QT1", "QKK", "QMF", "QKS", "QJK", "QMM", "QH8",
)  # fmt: skip


def barrier_rows(rng: np.random.Generator) -> pd.DataFrame:
    """Participation problems reported by 19 ICBs in their autumn 2023 updates."""
    rows = [(*named[:2], "GPIP", *named[2:]) for named in _NAMED_BARRIERS]
    kinds = list(_OTHER_BARRIERS)
    for code in _OTHER_BARRIER_ICBS:
        reported = add_days(D(2023, 9, 1), int(rng.integers(0, 91)))
        chosen = rng.choice(len(kinds), int(rng.integers(1, 3)), replace=False,
                            p=[0.35, 0.25, 0.2, 0.12, 0.08])  # fmt: skip
        for k in sorted(chosen.tolist()):
            affected = int(rng.integers(2, 12)) if rng.random() < 0.3 else None
            rows.append((code, reported, "GPIP", kinds[k], affected, _OTHER_BARRIERS[kinds[k]]))
    frame = pd.DataFrame(rows, columns=BARRIER_COLUMNS)
    frame["practices_affected"] = frame["practices_affected"].astype("Int64")
    return frame.sort_values(["icb_code", "reported_date", "barrier"], ignore_index=True)
