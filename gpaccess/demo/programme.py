"""Accelerate and GPIP: who was supported, how, and with what result (the programme tracker).

The full history is generated once per seed ("master"), independent of the months written, then cut
to a snapshot at the end of the last month (``snapshot``): enrolments not yet made are left out,
support still running is ``active`` with no end date and no outcome, and so on.

Selection follows the October 2021 access plan: about 80% of the practices a phase or cohort
supports hands-on come from the lowest face-to-face fifth of their own ICB on a baseline window
before it starts (the one-month snapshot of September 2021 for Accelerate phases 1-3, the three
months before the start later on), the rest from elsewhere. The supported practices then get the
injected effects (``constants.INJECTED_EFFECT_*``) from the month their support starts; practices
never supported hands-on (universal-only GPIP included) are left untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gpaccess.demo.constants import (
    INJECTED_EFFECT_DNA_PP,
    INJECTED_EFFECT_DNA_SD_PP,
    INJECTED_EFFECT_F2F_PP,
    INJECTED_EFFECT_F2F_SD_PP,
    INJECTED_EFFECT_RATE_PCT,
    INJECTED_EFFECT_RATE_SD_PCT,
)
from gpaccess.demo.months import add_days, month_of_date, parse_month
from gpaccess.demo.panel import Panel, apply_effects, window_f2f
from gpaccess.demo.practices import NEVER_CLOSES

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

HIGH_IMPACT_ACTIONS = {
    1: "Active signposting",
    2: "New consultation types",
    3: "Reduce DNAs",
    4: "Develop the team",
    5: "Productive work flows",
    6: "Personal productivity",
    7: "Partnership working",
    8: "Social prescribing",
    9: "Support self-care",
    10: "Develop QI expertise",
}
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


@dataclass
class Programme:
    """Master history (all dates) and the injected effects per supported practice row."""

    programmes: pd.DataFrame
    phases: pd.DataFrame
    enrolments: pd.DataFrame
    actions: pd.DataFrame
    eligibility: pd.DataFrame
    barriers: pd.DataFrame
    effects: pd.DataFrame = field(default_factory=pd.DataFrame)


# --- selection ------------------------------------------------------------------------------------
def bottom_fifth(practices: pd.DataFrame, f2f: np.ndarray) -> np.ndarray:
    """True for practices in the lowest face-to-face fifth of their own ICB (NaN never)."""
    frame = pd.DataFrame({"icb": practices["icb_code"].to_numpy(), "f2f": f2f})
    pct = frame.groupby("icb")["f2f"].rank(pct=True, method="first")
    return (pct <= 0.2).to_numpy()


def _select(
    rng: np.random.Generator,
    n: int,
    candidates: np.ndarray,
    low: np.ndarray,
    low_share: float = 0.8,
) -> np.ndarray:
    """Pick ``n`` rows: ``low_share`` of them from candidates in the lowest fifth, the rest elsewhere."""
    pool_low = np.flatnonzero(candidates & low)
    pool_rest = np.flatnonzero(candidates & ~low)
    n_low = min(round(low_share * n), len(pool_low))
    n_rest = n - n_low
    if n_rest > len(pool_rest):
        raise ValueError("not enough candidate practices")
    picked = np.concatenate(
        [rng.choice(pool_low, n_low, replace=False), rng.choice(pool_rest, n_rest, replace=False)]
    )
    return np.sort(picked)


def _window_months(start: dt.date, baseline: tuple[str, ...] | None) -> list[int]:
    if baseline:
        return [parse_month(m) for m in baseline]
    first = month_of_date(start)
    return [first - 3, first - 2, first - 1]


def _draw_effects(rng: np.random.Generator, n: int) -> np.ndarray:
    """Per practice (f2f pp, rate %, DNA pp) effects: mean = injected constants, SD as configured."""
    z = rng.standard_normal((n, 3))
    return np.column_stack(
        [
            INJECTED_EFFECT_F2F_PP + INJECTED_EFFECT_F2F_SD_PP * z[:, 0],
            INJECTED_EFFECT_RATE_PCT + INJECTED_EFFECT_RATE_SD_PCT * z[:, 1],
            INJECTED_EFFECT_DNA_PP + INJECTED_EFFECT_DNA_SD_PP * z[:, 2],
        ]
    )


# --- enrolment rows -------------------------------------------------------------------------------
def _enrolment(
    programme: str, phase: str, level: str, code: str, enrolled: dt.date, **values: object
) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(ENROLMENT_COLUMNS)
    row.update(
        programme=programme, phase=phase, level=level, practice_code=code, enrolled_date=enrolled
    )
    row.update(values)
    return row


def _delivery(rng: np.random.Generator, level: Level, fraction: float = 1.0) -> dict[str, object]:
    """Delivery counts for support that ran ``fraction`` of its core length (all <= planned)."""

    def some(planned: int | None, full: tuple[int, ...], weights: tuple[float, ...]) -> int | None:
        if planned is None:
            return None
        value = int(rng.choice(full, p=np.asarray(weights) / sum(weights)))
        return min(planned, int(np.floor(value * fraction + 1e-9)))

    m = level.modules
    return {
        "modules_completed": some(m, (m, m - 1, max(m - 2, 0)), (0.8, 0.15, 0.05)),
        "group_sessions_attended": some(
            level.group_sessions,
            tuple(range(level.group_sessions or 0, max((level.group_sessions or 0) - 3, -1), -1)),
            (0.75, 0.17, 0.06)[: min(3, (level.group_sessions or 0) + 1)],
        ),
        "onsite_visits": some(
            level.onsite_visits,
            tuple(range(level.onsite_visits or 0, max((level.onsite_visits or 0) - 3, -1), -1)),
            (0.45, 0.30, 0.25)[: min(3, (level.onsite_visits or 0) + 1)],
        ),
    }


def _outcome(rng: np.random.Generator, gain: bool) -> dict[str, object]:
    if not gain:
        return {
            "productivity_gain": "no",
            "clinical_hours_released": 0.0,
            "admin_hours_released": round(float(rng.choice([0.0, 0.0, 2.0, 4.0])), 1),
        }
    kinds = rng.choice(len(GAIN_KINDS), size=int(rng.integers(1, 4)), replace=False,
                       p=[0.45, 0.2, 0.25, 0.1])  # fmt: skip
    return {
        "productivity_gain": "yes",
        "clinical_hours_released": round(float(rng.gamma(3.0, 6.0)), 1),
        "admin_hours_released": round(float(rng.gamma(3.0, 10.0)), 1),
        "gain_kind": ";".join(GAIN_KINDS[k] for k in sorted(kinds.tolist())),
    }


def _withdrawn(
    rng: np.random.Generator,
    level: Level,
    start: dt.date,
    reasons: tuple[str, ...] = WITHDRAWAL_REASONS,
) -> dict[str, object]:
    weights = np.array([WITHDRAWAL_WEIGHTS[WITHDRAWAL_REASONS.index(r)] for r in reasons])
    reason = str(rng.choice(reasons, p=weights / weights.sum()))
    if rng.random() < 0.4:  # withdrew before the support started
        return {"status": "withdrawn", "withdrawal_reason": reason}
    fraction = float(rng.uniform(0.15, 0.5))
    ended = add_days(start, max(7, int(level.length_days * fraction)))
    values: dict[str, object] = {
        "status": "withdrawn",
        "withdrawal_reason": reason,
        "started_date": start,
        "ended_date": ended,
    }
    values.update(_delivery(rng, level, fraction))
    return values


# --- Accelerate -----------------------------------------------------------------------------------
def _accelerate(
    rng: np.random.Generator, practices: pd.DataFrame, panel: Panel, candidates: np.ndarray
) -> tuple[list[dict[str, object]], list[dict[str, object]], list[tuple[int, dt.date, np.ndarray]]]:
    codes = practices["code"].to_numpy()
    phases, enrolments, effects = [], [], []
    supported_rows: list[tuple[int, int]] = []  # (phase number, practice row)
    for k, phase in enumerate(ACCELERATE_PHASES):
        low = bottom_fifth(
            practices, window_f2f(panel, _window_months(phase.start, phase.baseline))
        )
        picked = _select(rng, phase.supported + phase.withdrawn, candidates, low)
        candidates[picked] = False
        rng.shuffle(picked)
        supported, withdrawn = (
            np.sort(picked[: phase.supported]),
            np.sort(picked[phase.supported :]),
        )
        end = add_days(phase.start, ACCELERATE_LEVEL.length_days - 1)
        phases.append(_phase_row("Accelerate", phase.name, "intensive", phase.supported,
                                 phase.start, end, ACCELERATE_LEVEL))  # fmt: skip
        for row in withdrawn.tolist():
            enrolled = add_days(phase.start, -int(rng.integers(14, 43)))
            start = add_days(phase.start, int(rng.integers(0, 15)))
            enrolments.append(_enrolment("Accelerate", phase.name, "intensive", codes[row], enrolled,
                                         **_withdrawn(rng, ACCELERATE_LEVEL, start)))  # fmt: skip
        size = _draw_effects(rng, len(supported))
        starts = [add_days(phase.start, int(rng.integers(0, 15))) for _ in supported]
        apply_effects(panel, supported, np.array([month_of_date(s) for s in starts]),
                      size[:, 0], size[:, 1], size[:, 2])  # fmt: skip
        for i, row in enumerate(supported.tolist()):
            supported_rows.append((k, row))
            effects.append((row, starts[i], size[i]))
    # statuses and outcomes need all phases: exactly 579 extended, 346 of phases 1-3 with gains
    n = len(supported_rows)
    extended = np.zeros(n, dtype=bool)
    extended[rng.choice(n, ACCELERATE_EXTENDED, replace=False)] = True
    gains = _choose_gains(rng, supported_rows, effects)
    for i, (k, row) in enumerate(supported_rows):
        phase = ACCELERATE_PHASES[k]
        start = effects[i][1]
        core_end = add_days(start, ACCELERATE_LEVEL.length_days - 1)
        if extended[i]:
            ended = min(add_days(core_end, 7 * int(rng.integers(4, 17))), ACCELERATE_END)
        else:
            ended = add_days(core_end, -int(rng.integers(0, 8)))
        values: dict[str, object] = {
            "started_date": start,
            "ended_date": ended,
            "status": "extended" if extended[i] else "completed",
        }
        values.update(_delivery(rng, ACCELERATE_LEVEL))
        values.update(_outcome(rng, bool(gains[i])))
        enrolled = add_days(phase.start, -int(rng.integers(14, 43)))
        enrolments.append(
            _enrolment("Accelerate", phase.name, "intensive", codes[row], enrolled, **values)
        )
    return phases, enrolments, effects


def _choose_gains(
    rng: np.random.Generator,
    supported_rows: list[tuple[int, int]],
    effects: list[tuple[int, dt.date, np.ndarray]],
) -> np.ndarray:
    """Exactly 346 of the 474 phase 1-3 practices (73%) and ~70% of phase 4 gain; practices whose
    face-to-face effect is larger are likelier to."""
    phase = np.array([k for k, _ in supported_rows])
    size = np.array([e[2][0] for e in effects])
    weight = np.exp(0.25 * (size - INJECTED_EFFECT_F2F_PP))
    gains = np.zeros(len(phase), dtype=bool)
    for members, count in (
        (np.flatnonzero(phase < 3), ACCELERATE_GAINS_PHASES_1_3),
        (
            np.flatnonzero(phase == 3),
            round(ACCELERATE_GAIN_SHARE_PHASE_4 * int((phase == 3).sum())),
        ),
    ):
        p = weight[members] / weight[members].sum()
        gains[rng.choice(members, count, replace=False, p=p)] = True
    return gains


def _phase_row(
    programme: str, phase: str, level: str, planned: int, start: dt.date, end: dt.date, spec: Level
) -> dict[str, object]:
    return {
        "programme": programme,
        "phase": phase,
        "level": level,
        "planned_practices": planned,
        "start_date": start,
        "end_date": end,
        "weeks": spec.weeks,
        "modules_planned": spec.modules,
        "group_sessions_planned": spec.group_sessions,
        "onsite_visits_planned": spec.onsite_visits,
    }


# --- GPIP -----------------------------------------------------------------------------------------
def _gpip(
    rng: np.random.Generator,
    practices: pd.DataFrame,
    panel: Panel,
    hands_on_pool: np.ndarray,
    universal_pool: np.ndarray,
) -> tuple[list[dict[str, object]], list[dict[str, object]], list[tuple[int, dt.date, np.ndarray]]]:
    codes = practices["code"].to_numpy()
    icb = practices["icb_code"].to_numpy()
    named = pd.Series(icb).isin(list(GPIP_NAMED)).to_numpy()
    phases, enrolments, effects = [], [], []
    for cohort in GPIP_COHORTS:
        low = bottom_fifth(practices, window_f2f(panel, _window_months(cohort.start, None)))
        for level_name, (n_ok, n_wd) in cohort.sizes.items():
            level = GPIP_LEVELS[level_name]
            end = add_days(cohort.start, level.length_days - 1)
            phases.append(_phase_row("GPIP", cohort.name, level_name, n_ok + n_wd + int(rng.integers(0, 6)),
                                     cohort.start, end, level))  # fmt: skip
            ok_rows, wd_rows = [], []
            for code_icb, table in GPIP_NAMED.items():
                k_ok, k_wd = table.get((cohort.name, level_name), (0, 0))
                if k_ok + k_wd:
                    pool = hands_on_pool & (icb == code_icb)
                    got = _select(rng, k_ok + k_wd, pool, low)
                    rng.shuffle(got)
                    ok_rows += got[:k_ok].tolist()
                    wd_rows += [(r, code_icb) for r in got[k_ok:].tolist()]
            hands_on = level_name in HANDS_ON
            pool = (hands_on_pool if hands_on else universal_pool) & ~named
            pool[ok_rows + [r for r, _ in wd_rows]] = False
            n_other_ok = n_ok - len(ok_rows)
            n_other_wd = n_wd - len(wd_rows)
            if hands_on:
                got = _select(rng, n_other_ok + n_other_wd, pool, low)
            else:
                got = np.sort(
                    rng.choice(np.flatnonzero(pool), n_other_ok + n_other_wd, replace=False)
                )
            rng.shuffle(got)
            ok_rows += got[:n_other_ok].tolist()
            wd_rows += [(r, "") for r in got[n_other_ok:].tolist()]
            taken = np.array(ok_rows + [r for r, _ in wd_rows], dtype=np.int64)
            hands_on_pool[taken] = False
            universal_pool[taken] = False
            for row, who in sorted(wd_rows):
                reasons = ("capacity", "workforce") if who == "QRV" else WITHDRAWAL_REASONS
                enrolled = _gpip_enrolled(rng, cohort.start)
                enrolments.append(_enrolment("GPIP", cohort.name, level_name, codes[row], enrolled,
                                             **_withdrawn(rng, level, cohort.start, reasons)))  # fmt: skip
            ok_sorted = np.array(sorted(ok_rows), dtype=np.int64)
            size = _draw_effects(rng, len(ok_sorted))
            if hands_on:
                month = month_of_date(cohort.start)
                apply_effects(panel, ok_sorted, np.full(len(ok_sorted), month),
                              size[:, 0], size[:, 1], size[:, 2])  # fmt: skip
            for i, row in enumerate(ok_sorted.tolist()):
                values = _gpip_completion(rng, level_name, level, cohort.start, float(size[i, 0]))
                enrolled = _gpip_enrolled(rng, cohort.start)
                enrolments.append(
                    _enrolment("GPIP", cohort.name, level_name, codes[row], enrolled, **values)
                )
                if hands_on:
                    effects.append((row, cohort.start, size[i]))
    return phases, enrolments, effects


def _gpip_enrolled(rng: np.random.Generator, start: dt.date) -> dt.date:
    return max(GPIP_SIGN_UP, add_days(start, -int(rng.integers(7, 46))))


def _gpip_completion(
    rng: np.random.Generator, level_name: str, level: Level, start: dt.date, f2f_effect: float
) -> dict[str, object]:
    core_end = add_days(start, level.length_days - 1)
    values: dict[str, object] = {"started_date": start}
    if level_name == "universal":
        values.update(ended_date=core_end, status="completed")
        values["modules_completed"] = int(rng.integers(1, level.modules + 1))
        return values
    extended = rng.random() < 0.15
    values["ended_date"] = (
        add_days(core_end, 7 * int(rng.integers(4, 11))) if extended else core_end
    )
    values["status"] = "extended" if extended else "completed"
    values.update(_delivery(rng, level))
    p_gain = 0.65 + 0.04 * (f2f_effect - INJECTED_EFFECT_F2F_PP)
    values.update(_outcome(rng, bool(rng.random() < np.clip(p_gain, 0.2, 0.95))))
    return values


# --- actions, eligibility, barriers ---------------------------------------------------------------
ACTION_COUNTS_WITH_GAIN = (0.04, 0.10, 0.20, 0.26, 0.20, 0.13, 0.07)  # P(1..7 actions)
ACTION_COUNTS_WITHOUT_GAIN = (0.15, 0.25, 0.26, 0.18, 0.10, 0.04, 0.02)  # P(1..7 actions)


def _actions(rng: np.random.Generator, enrolments: pd.DataFrame) -> pd.DataFrame:
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


def _eligibility(
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


def _barriers(rng: np.random.Generator) -> pd.DataFrame:
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


# --- entry points ---------------------------------------------------------------------------------
def build_programme(practices: pd.DataFrame, panel: Panel, seed: int) -> Programme:
    """Generate the master programme history and add its effects to ``panel`` (in place)."""
    rng = np.random.default_rng([seed, 41])
    always_open = (practices["last_open_month"] == NEVER_CLOSES).to_numpy()
    blocked_icbs = practices["icb_code"].isin(list(BLOCKED_BY_TELEPHONY)).to_numpy()
    candidates = always_open.copy()
    acc_phases, acc_enrol, acc_effects = _accelerate(rng, practices, panel, candidates)
    # GPIP hands-on: not already supported by Accelerate (their effects would overlap); universal
    # open to all. A few practices in Shropshire and Somerset are kept back for the eligibility story.
    reserve = np.zeros(len(practices), dtype=bool)
    for code_icb, count in BLOCKED_BY_TELEPHONY.items():
        rows = np.flatnonzero(always_open & (practices["icb_code"].to_numpy() == code_icb))
        reserve[rng.choice(rows, count + 6, replace=False)] = True
    hands_on_pool = candidates & ~reserve
    universal_pool = always_open & ~reserve
    gp_phases, gp_enrol, gp_effects = _gpip(rng, practices, panel, hands_on_pool, universal_pool)
    enrolments = pd.DataFrame(acc_enrol + gp_enrol, columns=ENROLMENT_COLUMNS)
    for col in ("modules_completed", "group_sessions_attended", "onsite_visits"):
        enrolments[col] = enrolments[col].astype("Int64")
    enrolments = enrolments.sort_values(
        ["programme", "phase", "level", "practice_code"], ignore_index=True
    )
    eligibility_pool = always_open & (reserve | ~blocked_icbs)
    effect_rows = acc_effects + gp_effects
    return Programme(
        programmes=pd.DataFrame(
            [
                ("Accelerate", "Accelerate programme", D(2021, 12, 1), ACCELERATE_END, None),
                ("GPIP", "General Practice Improvement Programme", D(2023, 5, 1), None, 1500),
            ],
            columns=PROGRAMME_COLUMNS,
        ).astype({"target_practices": "Int64"}),
        phases=pd.DataFrame(acc_phases + gp_phases, columns=PHASE_COLUMNS).astype(
            {c: "Int64" for c in ("weeks", "group_sessions_planned", "onsite_visits_planned")}
        ),
        enrolments=enrolments,
        actions=_actions(rng, enrolments),
        eligibility=_eligibility(rng, practices, enrolments, eligibility_pool),
        barriers=_barriers(rng),
        effects=pd.DataFrame(
            {
                "practice_code": practices["code"].to_numpy()[[r for r, _, _ in effect_rows]],
                "start_date": [s for _, s, _ in effect_rows],
                "f2f_pp": [float(e[0]) for _, _, e in effect_rows],
                "rate_pct": [float(e[1]) for _, _, e in effect_rows],
                "dna_pp": [float(e[2]) for _, _, e in effect_rows],
            }
        ),
    )


def _blank_after(values: pd.Series, as_of: dt.date) -> pd.Series:
    return values.where(values.map(lambda d: d is not None and not pd.isna(d) and d <= as_of), None)


def snapshot(programme: Programme, as_of: dt.date, practice_codes: set[str] | None = None,
             icb_codes: set[str] | None = None) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The tracker as an analyst would have filled it in at ``as_of`` (six sheets, template order)."""
    e = programme.enrolments.copy()
    e = e[e["enrolled_date"] <= as_of]
    keys = ["programme", "phase", "level"]
    phase_start = e.merge(programme.phases[[*keys, "start_date"]], on=keys, how="left")[
        "start_date"
    ]
    # withdrawn before starting: decided when the phase started
    decided_early = (e["status"] == "withdrawn").to_numpy() & e["started_date"].isna().to_numpy()
    decided_early &= (phase_start <= as_of).to_numpy()
    not_started = (
        e["started_date"].map(lambda d: d is None or pd.isna(d) or d > as_of) & ~decided_early
    )
    has_start = e["started_date"].notna().to_numpy()
    running = (
        ~not_started
        & has_start
        & e["ended_date"].map(lambda d: d is None or pd.isna(d) or d > as_of)
    )
    outcome_cols = [
        "productivity_gain",
        "clinical_hours_released",
        "admin_hours_released",
        "gain_kind",
    ]
    delivery_cols = ["modules_completed", "group_sessions_attended", "onsite_visits"]
    e.loc[not_started | running, outcome_cols] = None
    e.loc[not_started, ["started_date", "ended_date", "withdrawal_reason", *delivery_cols]] = None
    e.loc[not_started, "status"] = "enrolled"
    e.loc[running, ["ended_date", "withdrawal_reason"]] = None
    e.loc[running, "status"] = "active"
    if running.any():  # delivery so far: in proportion to the time elapsed
        elapsed = np.array(
            [min(1.0, (as_of - r["started_date"]).days / max(1, _core_days(r)))
             for _, r in e.loc[running].iterrows()]
        )  # fmt: skip
        for col in delivery_cols:
            full = e.loc[running, col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            e.loc[running, col] = pd.array(np.floor(full * elapsed), dtype="Float64").astype(
                "Int64"
            )
    phases = programme.phases[
        (programme.phases["start_date"] <= as_of)
        | programme.phases.set_index(["programme", "phase", "level"]).index.isin(
            e.set_index(["programme", "phase", "level"]).index
        )
    ]
    keys = e.loc[e["status"].isin(SUPPORTED), ["programme", "phase", "practice_code"]]
    actions = programme.actions.merge(keys, on=["programme", "phase", "practice_code"])
    actions = actions[actions["adopted_date"] <= as_of]
    elig = programme.eligibility[programme.eligibility["assessed_date"] <= as_of].copy()
    elig["digital_telephony_live_date"] = _blank_after(elig["digital_telephony_live_date"], as_of)
    barriers = programme.barriers[programme.barriers["reported_date"] <= as_of]
    if practice_codes is not None:
        e = e[e["practice_code"].isin(practice_codes)]
        actions = actions[actions["practice_code"].isin(practice_codes)]
        elig = elig[elig["practice_code"].isin(practice_codes)]
    if icb_codes is not None:
        barriers = barriers[barriers["icb_code"].isin(icb_codes)]
    programmes = programme.programmes[programme.programmes["start_date"] <= as_of]
    return {
        "programmes": programmes.reset_index(drop=True),
        "phases": phases.reset_index(drop=True),
        "enrolments": e[ENROLMENT_COLUMNS].reset_index(drop=True),
        "actions": actions[ACTION_COLUMNS].reset_index(drop=True),
        "eligibility": elig[ELIGIBILITY_COLUMNS].reset_index(drop=True),
        "barriers": barriers[BARRIER_COLUMNS].reset_index(drop=True),
    }


def _core_days(row: pd.Series) -> int:
    if row["programme"] == "Accelerate":
        return ACCELERATE_LEVEL.length_days
    return GPIP_LEVELS[str(row["level"])].length_days
