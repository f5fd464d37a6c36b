"""Who Accelerate and GPIP supported, how, and with what result: the tracker's phases and enrolments, and the
effects each supported practice gets in the panel.

Selection follows the October 2021 access plan (see gpaccess.demo.programme); the calls on the random generator
are in a fixed order, so a seed gives the same practices, dates and outcomes every time.
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
from gpaccess.demo.programme_design import (
    ACCELERATE_END,
    ACCELERATE_EXTENDED,
    ACCELERATE_GAIN_SHARE_PHASE_4,
    ACCELERATE_GAINS_PHASES_1_3,
    ACCELERATE_LEVEL,
    ACCELERATE_PHASES,
    ENROLMENT_COLUMNS,
    GAIN_KINDS,
    GPIP_COHORTS,
    GPIP_LEVELS,
    GPIP_NAMED,
    GPIP_SIGN_UP,
    HANDS_ON,
    WITHDRAWAL_REASONS,
    WITHDRAWAL_WEIGHTS,
    AcceleratePhase,
    Cohort,
    Level,
)

# An effect given to a supported practice: (practice row, start date, (f2f pp, rate %, DNA pp)).
Effect = tuple[int, dt.date, np.ndarray]
Rows = list[dict[str, object]]


@dataclass
class Delivered:
    """What a programme's generation adds: tracker phase rows, enrolment rows, and the effects it gave."""

    phases: Rows = field(default_factory=list)
    enrolments: Rows = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)


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
def accelerate(
    rng: np.random.Generator, practices: pd.DataFrame, panel: Panel, candidates: np.ndarray
) -> Delivered:
    """Accelerate's four phases; `candidates` (practices it may still take) loses those it takes."""
    codes = practices["code"].to_numpy()
    out = Delivered()
    supported_rows: list[tuple[int, int]] = []  # (phase number, practice row)
    for k, phase in enumerate(ACCELERATE_PHASES):
        supported = _accelerate_phase(rng, practices, panel, candidates, phase, out)
        supported_rows += [(k, row) for row in supported.tolist()]
    # statuses and outcomes need all phases: exactly 579 extended, 346 of phases 1-3 with gains
    n = len(supported_rows)
    extended = np.zeros(n, dtype=bool)
    extended[rng.choice(n, ACCELERATE_EXTENDED, replace=False)] = True
    gains = _choose_gains(rng, supported_rows, out.effects)
    for i, (k, row) in enumerate(supported_rows):
        start = out.effects[i][1]
        out.enrolments.append(
            _accelerate_supported(
                rng, codes[row], ACCELERATE_PHASES[k], start, extended[i], gains[i]
            )
        )
    return out


def _accelerate_phase(
    rng: np.random.Generator,
    practices: pd.DataFrame,
    panel: Panel,
    candidates: np.ndarray,
    phase: AcceleratePhase,
    out: Delivered,
) -> np.ndarray:
    """Pick one phase's practices, add its phase row, withdrawals and effects to `out`; its supported rows."""
    low = bottom_fifth(practices, window_f2f(panel, _window_months(phase.start, phase.baseline)))
    picked = _select(rng, phase.supported + phase.withdrawn, candidates, low)
    candidates[picked] = False
    rng.shuffle(picked)
    supported, withdrawn = np.sort(picked[: phase.supported]), np.sort(picked[phase.supported :])
    end = add_days(phase.start, ACCELERATE_LEVEL.length_days - 1)
    out.phases.append(_phase_row("Accelerate", phase.name, "intensive", phase.supported,
                                 phase.start, end, ACCELERATE_LEVEL))  # fmt: skip
    codes = practices["code"].to_numpy()
    for row in withdrawn.tolist():
        enrolled = add_days(phase.start, -int(rng.integers(14, 43)))
        start = add_days(phase.start, int(rng.integers(0, 15)))
        out.enrolments.append(_enrolment("Accelerate", phase.name, "intensive", codes[row], enrolled,
                                         **_withdrawn(rng, ACCELERATE_LEVEL, start)))  # fmt: skip
    size = _draw_effects(rng, len(supported))
    starts = [add_days(phase.start, int(rng.integers(0, 15))) for _ in supported]
    apply_effects(panel, supported, np.array([month_of_date(s) for s in starts]),
                  size[:, 0], size[:, 1], size[:, 2])  # fmt: skip
    out.effects += [(row, starts[i], size[i]) for i, row in enumerate(supported.tolist())]
    return supported


def _accelerate_supported(
    rng: np.random.Generator,
    code: str,
    phase: AcceleratePhase,
    start: dt.date,
    extended: bool,
    gain: bool,
) -> dict[str, object]:
    """The enrolment row of a practice Accelerate supported: completed or extended, delivery and outcome."""
    core_end = add_days(start, ACCELERATE_LEVEL.length_days - 1)
    if extended:
        ended = min(add_days(core_end, 7 * int(rng.integers(4, 17))), ACCELERATE_END)
    else:
        ended = add_days(core_end, -int(rng.integers(0, 8)))
    values: dict[str, object] = {
        "started_date": start,
        "ended_date": ended,
        "status": "extended" if extended else "completed",
    }
    values.update(_delivery(rng, ACCELERATE_LEVEL))
    values.update(_outcome(rng, bool(gain)))
    enrolled = add_days(phase.start, -int(rng.integers(14, 43)))
    return _enrolment("Accelerate", phase.name, "intensive", code, enrolled, **values)


def _choose_gains(
    rng: np.random.Generator,
    supported_rows: list[tuple[int, int]],
    effects: list[Effect],
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
@dataclass
class GpipPools:
    """The practices GPIP may still take (hands-on, universal: rows of `practices`, taken ones set False), and
    each practice's ICB."""

    hands_on: np.ndarray
    universal: np.ndarray
    icb: np.ndarray

    @property
    def named(self) -> np.ndarray:
        """Practices in an ICB of GPIP_NAMED (the named ICBs' numbers are set there)."""
        return pd.Series(self.icb).isin(list(GPIP_NAMED)).to_numpy()

    def take(self, rows: list[int]) -> None:
        taken = np.array(rows, dtype=np.int64)
        self.hands_on[taken] = False
        self.universal[taken] = False


# Practices picked for one cohort and level: rows that stay, and (row, named ICB or "") that withdraw.
Picks = tuple[list[int], list[tuple[int, str]]]


def gpip(
    rng: np.random.Generator,
    practices: pd.DataFrame,
    panel: Panel,
    hands_on_pool: np.ndarray,
    universal_pool: np.ndarray,
) -> Delivered:
    """GPIP's cohorts and levels; the pools (practices it may still take) lose those it takes."""
    codes = practices["code"].to_numpy()
    pools = GpipPools(hands_on_pool, universal_pool, practices["icb_code"].to_numpy())
    out = Delivered()
    for cohort in GPIP_COHORTS:
        low = bottom_fifth(practices, window_f2f(panel, _window_months(cohort.start, None)))
        for level_name, sizes in cohort.sizes.items():
            level = GPIP_LEVELS[level_name]
            end = add_days(cohort.start, level.length_days - 1)
            planned = sum(sizes) + int(rng.integers(0, 6))
            out.phases.append(
                _phase_row("GPIP", cohort.name, level_name, planned, cohort.start, end, level)
            )
            staying, withdrawing = _gpip_picks(rng, pools, cohort, level_name, low)
            out.enrolments += _gpip_withdrawals(rng, codes, cohort, level_name, withdrawing)
            _gpip_supported(rng, codes, panel, cohort, level_name, staying, out)
    return out


def _gpip_picks(
    rng: np.random.Generator, pools: GpipPools, cohort: Cohort, level_name: str, low: np.ndarray
) -> Picks:
    """The named ICBs' practices first (as GPIP_NAMED sets), then the rest from the other ICBs: hands-on
    levels mostly from the lowest fifth, universal from anyone."""
    n_ok, n_wd = cohort.sizes[level_name]
    ok_rows, wd_rows = _named_icb_picks(rng, pools, cohort, level_name, low)
    hands_on = level_name in HANDS_ON
    pool = (pools.hands_on if hands_on else pools.universal) & ~pools.named
    pool[ok_rows + [r for r, _ in wd_rows]] = False
    n_other_ok = n_ok - len(ok_rows)
    n_other_wd = n_wd - len(wd_rows)
    if hands_on:
        got = _select(rng, n_other_ok + n_other_wd, pool, low)
    else:
        got = np.sort(rng.choice(np.flatnonzero(pool), n_other_ok + n_other_wd, replace=False))
    rng.shuffle(got)
    ok_rows += got[:n_other_ok].tolist()
    wd_rows += [(r, "") for r in got[n_other_ok:].tolist()]
    pools.take(ok_rows + [r for r, _ in wd_rows])
    return ok_rows, wd_rows


def _named_icb_picks(
    rng: np.random.Generator, pools: GpipPools, cohort: Cohort, level_name: str, low: np.ndarray
) -> Picks:
    ok_rows: list[int] = []
    wd_rows: list[tuple[int, str]] = []
    for code_icb, table in GPIP_NAMED.items():
        k_ok, k_wd = table.get((cohort.name, level_name), (0, 0))
        if k_ok + k_wd:
            got = _select(rng, k_ok + k_wd, pools.hands_on & (pools.icb == code_icb), low)
            rng.shuffle(got)
            ok_rows += got[:k_ok].tolist()
            wd_rows += [(r, code_icb) for r in got[k_ok:].tolist()]
    return ok_rows, wd_rows


def _gpip_withdrawals(
    rng: np.random.Generator,
    codes: np.ndarray,
    cohort: Cohort,
    level_name: str,
    withdrawing: list[tuple[int, str]],
) -> Rows:
    level = GPIP_LEVELS[level_name]
    rows = []
    for row, who in sorted(withdrawing):
        reasons = ("capacity", "workforce") if who == "QRV" else WITHDRAWAL_REASONS
        enrolled = _gpip_enrolled(rng, cohort.start)
        rows.append(_enrolment("GPIP", cohort.name, level_name, codes[row], enrolled,
                               **_withdrawn(rng, level, cohort.start, reasons)))  # fmt: skip
    return rows


def _gpip_supported(
    rng: np.random.Generator,
    codes: np.ndarray,
    panel: Panel,
    cohort: Cohort,
    level_name: str,
    staying: list[int],
    out: Delivered,
) -> None:
    """Enrolment rows of the practices that stay, added to `out`; hands-on levels get effects in the panel."""
    level = GPIP_LEVELS[level_name]
    hands_on = level_name in HANDS_ON
    ok_sorted = np.array(sorted(staying), dtype=np.int64)
    size = _draw_effects(rng, len(ok_sorted))
    if hands_on:
        month = month_of_date(cohort.start)
        apply_effects(panel, ok_sorted, np.full(len(ok_sorted), month),
                      size[:, 0], size[:, 1], size[:, 2])  # fmt: skip
    for i, row in enumerate(ok_sorted.tolist()):
        values = _gpip_completion(rng, level_name, level, cohort.start, float(size[i, 0]))
        enrolled = _gpip_enrolled(rng, cohort.start)
        out.enrolments.append(
            _enrolment("GPIP", cohort.name, level_name, codes[row], enrolled, **values)
        )
        if hands_on:
            out.effects.append((row, cohort.start, size[i]))


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
