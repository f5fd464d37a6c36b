"""The design of Accelerate and GPIP as the demo tracker plays it back: the tracker's sheets (columns), the support
levels, phases and cohorts with their published sizes, and the named ICBs of the autumn 2023 updates.

Calibration targets come from ``../shared/programme_facts.md``; see gpaccess.demo.programme for how they are used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

D = dt.date
SUPPORTED = ("active", "completed", "extended")
HANDS_ON = ("intermediate", "intensive")
ACCELERATE_END = D(2023, 6, 30)
GPIP_SIGN_UP = D(2023, 7, 1)

PROGRAMME_COLUMNS = ["programme", "programme_name", "start_date", "end_date", "target_practices"]
PHASE_COLUMNS = [
    "programme", "phase", "level", "planned_practices", "start_date", "end_date", "weeks",
    "modules_planned", "group_sessions_planned", "onsite_visits_planned",
]  # fmt: skip
ENROLMENT_COLUMNS = [
    "programme", "phase", "level", "practice_code", "enrolled_date", "started_date", "ended_date",
    "status", "withdrawal_reason", "modules_completed", "group_sessions_attended", "onsite_visits",
    "productivity_gain", "clinical_hours_released", "admin_hours_released", "gain_kind",
]  # fmt: skip
ACTION_COLUMNS = [
    "programme",
    "phase",
    "practice_code",
    "action",
    "specific_change",
    "adopted_date",
]
ELIGIBILITY_COLUMNS = [
    "practice_code",
    "digital_telephony_live_date",
    "wished_to_enrol",
    "assessed_date",
]
BARRIER_COLUMNS = [
    "icb_code",
    "reported_date",
    "programme",
    "barrier",
    "practices_affected",
    "detail",
]

GAIN_KINDS = ("more appointments", "longer appointments for complex needs", "reduced admin",
              "better continuity")  # fmt: skip
WITHDRAWAL_REASONS = ("capacity", "time away from practice", "workforce", "funding", "other")
WITHDRAWAL_WEIGHTS = np.array([0.4, 0.2, 0.2, 0.1, 0.1])


@dataclass(frozen=True)
class Level:
    """Core offer of one support level (planned numbers per practice)."""

    weeks: int | None
    modules: int
    group_sessions: int | None
    onsite_visits: int | None
    length_days: int


ACCELERATE_LEVEL = Level(20, 4, 4, 12, 20 * 7)
GPIP_LEVELS = {
    "universal": Level(None, 6, None, None, 12 * 7),
    "intermediate": Level(13, 4, 6, None, 13 * 7),
    "intensive": Level(26, 6, 8, 6, 26 * 7),
}


@dataclass(frozen=True)
class AcceleratePhase:
    name: str
    start: dt.date
    supported: int
    withdrawn: int
    baseline: tuple[str, ...]


ACCELERATE_PHASES = (
    AcceleratePhase("Phase 1", D(2021, 12, 1), 200, 3, ("2021-09",)),
    AcceleratePhase("Phase 2", D(2022, 4, 4), 137, 3, ("2021-09",)),
    AcceleratePhase("Phase 3", D(2022, 7, 4), 137, 2, ("2021-09",)),
    AcceleratePhase("Phase 4", D(2022, 11, 7), 250, 3, ("2022-08", "2022-09", "2022-10")),
)
ACCELERATE_EXTENDED = 579
ACCELERATE_GAINS_PHASES_1_3 = 346
ACCELERATE_GAIN_SHARE_PHASE_4 = 0.70


@dataclass(frozen=True)
class Cohort:
    """A GPIP cohort: per level (non-withdrawn enrolments, withdrawn enrolments)."""

    name: str
    start: dt.date
    sizes: dict[str, tuple[int, int]]


def _cohorts() -> tuple[Cohort, ...]:
    first = (
        Cohort("Cohort 2023-07", D(2023, 7, 17),
               {"universal": (540, 4), "intermediate": (105, 4), "intensive": (60, 3)}),
        Cohort("Cohort 2023-10", D(2023, 10, 2),
               {"universal": (320, 3), "intermediate": (70, 3), "intensive": (40, 2)}),
        Cohort("Cohort 2024-01", D(2024, 1, 8),
               {"universal": (55, 1), "intermediate": (28, 1), "intensive": (17, 1)}),
    )  # fmt: skip
    later = [
        Cohort(f"Cohort {y}-{m:02d}", D(y, m, 1),
               {"universal": (12, 0), "intermediate": (8, 1), "intensive": (5, 0)})
        for y, m in ((2024, 4), (2024, 7), (2024, 10), (2025, 1), (2025, 4), (2025, 7), (2025, 10))
    ]  # fmt: skip
    tail = [
        Cohort(f"Cohort 2026-{m:02d}", D(2026, m, 1),
               {"universal": (6, 0), "intermediate": (4, 0), "intensive": (3, 0)})
        for m in (1, 4, 7)
    ]  # fmt: skip
    return (*first, *later, *tail)


GPIP_COHORTS = _cohorts()
# Named ICBs of the autumn 2023 updates: (cohort, level) -> (non-withdrawn, withdrawn) enrolments.
GPIP_NAMED = {
    "QRV": {
        ("Cohort 2023-07", "intermediate"): (5, 1),
        ("Cohort 2023-07", "intensive"): (3, 1),
        ("Cohort 2023-10", "intermediate"): (4, 1),
        ("Cohort 2023-10", "intensive"): (2, 1),
    },
    "QF7": {
        ("Cohort 2023-07", "intermediate"): (3, 0),
        ("Cohort 2023-07", "intensive"): (1, 0),
        ("Cohort 2023-10", "intermediate"): (2, 0),
    },
}
BLOCKED_BY_TELEPHONY = {"QOC": 17, "QSL": 5}
