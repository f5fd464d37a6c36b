"""Which of the ten high impact actions each supported hands-on practice adopted, and when (the tracker's actions)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gpaccess.demo.months import add_days
from gpaccess.demo.programme_design import ACTION_COLUMNS, SUPPORTED

SPECIFIC_CHANGES = {
    1: ("care navigation training for reception", "signposting to community pharmacy",
        "website redesign for self-referral"),
    2: ("online consultation tool", "video consultations", "telephone triage list",
        "text message consultations"),
    3: ("text reminders", "easy cancellation by text", "DNA follow-up letters"),
    4: ("clinical pharmacist joined the team", "first contact physiotherapist", "care coordinator role",
        "nursing associate training"),
    5: ("total triage", "smoothing patient flow: demand and capacity review",
        "workflow optimisation for clinical letters", "same-day hub for urgent requests"),
    6: ("templates and text macros", "protected admin time", "document management training"),
    7: ("shared PCN same-day service", "joint working with community nursing",
        "federation enhanced access"),
    8: ("social prescribing link worker", "community groups directory"),
    9: ("self-care information on the website", "home blood pressure monitoring",
        "patient education groups"),
    10: ("QI training for the practice team", "plan-do-study-act cycles", "monthly access data review"),
}  # fmt: skip
ACTION_WEIGHTS = np.array([0.50, 0.70, 0.35, 0.35, 0.45, 0.20, 0.25, 0.15, 0.15, 0.30])
ACTION_COUNTS_WITH_GAIN = (0.04, 0.10, 0.20, 0.26, 0.20, 0.13, 0.07)  # P(1..7 actions)
ACTION_COUNTS_WITHOUT_GAIN = (0.15, 0.25, 0.26, 0.18, 0.10, 0.04, 0.02)  # P(1..7 actions)


def adopted_actions(rng: np.random.Generator, enrolments: pd.DataFrame) -> pd.DataFrame:
    """1-7 of the ten high impact actions per supported hands-on practice, inside its support period.

    Practices with productivity gains adopted more actions and more often "Productive work flows"."""
    rows = []
    hands_on = enrolments[
        enrolments["status"].isin(SUPPORTED)
        & enrolments["level"].isin(("intensive", "intermediate"))
    ]
    for e in hands_on.itertuples(index=False):
        gain = e.productivity_gain == "yes"
        # overlapping counts: more actions go with gains more often, never always (about 40% of
        # practices with one action have gains, about 90% of those with six or seven)
        p_size = ACTION_COUNTS_WITH_GAIN if gain else ACTION_COUNTS_WITHOUT_GAIN
        n = int(rng.choice(np.arange(1, len(p_size) + 1), p=p_size))
        weights = ACTION_WEIGHTS.copy()
        weights[4] *= 2.5 if gain else 0.5
        chosen = rng.choice(10, n, replace=False, p=weights / weights.sum()) + 1
        span = (e.ended_date - e.started_date).days
        offsets = rng.integers(0, span + 1, size=n)
        offsets[0] = min(offsets[0], int(rng.integers(0, 22)))  # the first change comes early
        for action, offset in zip(chosen.tolist(), offsets.tolist(), strict=True):
            changes = SPECIFIC_CHANGES[action]
            rows.append(
                {
                    "programme": e.programme,
                    "phase": e.phase,
                    "practice_code": e.practice_code,
                    "action": action,
                    "specific_change": changes[int(rng.integers(len(changes)))],
                    "adopted_date": add_days(e.started_date, offset),
                }
            )
    frame = pd.DataFrame(rows, columns=ACTION_COLUMNS)
    return frame.sort_values(["programme", "phase", "practice_code", "action"], ignore_index=True)
