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

from gpaccess.demo.actions import adopted_actions
from gpaccess.demo.enrolments import Effect, accelerate, bottom_fifth, gpip
from gpaccess.demo.panel import Panel
from gpaccess.demo.practices import NEVER_CLOSES
from gpaccess.demo.programme_design import (
    ACCELERATE_END,
    ACCELERATE_LEVEL,
    ACTION_COLUMNS,
    BARRIER_COLUMNS,
    BLOCKED_BY_TELEPHONY,
    ELIGIBILITY_COLUMNS,
    ENROLMENT_COLUMNS,
    GPIP_LEVELS,
    PHASE_COLUMNS,
    PROGRAMME_COLUMNS,
    SUPPORTED,
    D,
)
from gpaccess.demo.uptake import barrier_rows, eligibility_rows

__all__ = ["Programme", "bottom_fifth", "build_programme", "snapshot"]


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


OUTCOME_COLUMNS = [
    "productivity_gain",
    "clinical_hours_released",
    "admin_hours_released",
    "gain_kind",
]
DELIVERY_COLUMNS = ["modules_completed", "group_sessions_attended", "onsite_visits"]
PHASE_KEY = ["programme", "phase", "level"]


# --- the master history ---------------------------------------------------------------------------
def build_programme(practices: pd.DataFrame, panel: Panel, seed: int) -> Programme:
    """Generate the master programme history and add its effects to ``panel`` (in place)."""
    rng = np.random.default_rng([seed, 41])
    always_open = (practices["last_open_month"] == NEVER_CLOSES).to_numpy()
    blocked_icbs = practices["icb_code"].isin(list(BLOCKED_BY_TELEPHONY)).to_numpy()
    candidates = always_open.copy()
    acc = accelerate(rng, practices, panel, candidates)
    # GPIP hands-on: not already supported by Accelerate (their effects would overlap); universal
    # open to all. A few practices in Shropshire and Somerset are kept back for the eligibility story.
    reserve = _kept_back(rng, practices, always_open)
    gp = gpip(rng, practices, panel, candidates & ~reserve, always_open & ~reserve)
    enrolments = _enrolments_frame(acc.enrolments + gp.enrolments)
    eligibility_pool = always_open & (reserve | ~blocked_icbs)
    return Programme(
        programmes=_programmes_frame(),
        phases=pd.DataFrame(acc.phases + gp.phases, columns=PHASE_COLUMNS).astype(
            {c: "Int64" for c in ("weeks", "group_sessions_planned", "onsite_visits_planned")}
        ),
        enrolments=enrolments,
        actions=adopted_actions(rng, enrolments),
        eligibility=eligibility_rows(rng, practices, enrolments, eligibility_pool),
        barriers=barrier_rows(rng),
        effects=_effects_frame(practices, acc.effects + gp.effects),
    )


def _kept_back(
    rng: np.random.Generator, practices: pd.DataFrame, always_open: np.ndarray
) -> np.ndarray:
    """Practices of the ICBs blocked by digital telephony that no programme takes (a few more than blocked)."""
    reserve = np.zeros(len(practices), dtype=bool)
    for code_icb, count in BLOCKED_BY_TELEPHONY.items():
        rows = np.flatnonzero(always_open & (practices["icb_code"].to_numpy() == code_icb))
        reserve[rng.choice(rows, count + 6, replace=False)] = True
    return reserve


def _programmes_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("Accelerate", "Accelerate programme", D(2021, 12, 1), ACCELERATE_END, None),
            ("GPIP", "General Practice Improvement Programme", D(2023, 5, 1), None, 1500),
        ],
        columns=PROGRAMME_COLUMNS,
    ).astype({"target_practices": "Int64"})


def _enrolments_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    enrolments = pd.DataFrame(rows, columns=ENROLMENT_COLUMNS)
    for col in DELIVERY_COLUMNS:
        enrolments[col] = enrolments[col].astype("Int64")
    return enrolments.sort_values([*PHASE_KEY, "practice_code"], ignore_index=True)


def _effects_frame(practices: pd.DataFrame, effects: list[Effect]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "practice_code": practices["code"].to_numpy()[[r for r, _, _ in effects]],
            "start_date": [s for _, s, _ in effects],
            "f2f_pp": [float(e[0]) for _, _, e in effects],
            "rate_pct": [float(e[1]) for _, _, e in effects],
            "dna_pp": [float(e[2]) for _, _, e in effects],
        }
    )


# --- the tracker at a date ------------------------------------------------------------------------
def snapshot(programme: Programme, as_of: dt.date, practice_codes: set[str] | None = None,
             icb_codes: set[str] | None = None) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The tracker as an analyst would have filled it in at ``as_of`` (six sheets, template order)."""
    e = _enrolments_as_of(programme, as_of)
    phases = programme.phases[
        (programme.phases["start_date"] <= as_of)
        | programme.phases.set_index(PHASE_KEY).index.isin(e.set_index(PHASE_KEY).index)
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


def _blank_after(values: pd.Series, as_of: dt.date) -> pd.Series:
    return values.where(values.map(lambda d: d is not None and not pd.isna(d) and d <= as_of), None)


def _after(values: pd.Series, as_of: dt.date) -> pd.Series:
    """True where a date is missing or later than `as_of` (not known yet)."""
    return values.map(lambda d: d is None or pd.isna(d) or d > as_of)


def _enrolments_as_of(programme: Programme, as_of: dt.date) -> pd.DataFrame:
    """Enrolments made by `as_of`, as known then: not started yet (enrolled), running (active, with delivery so
    far and no outcome) or ended."""
    e = programme.enrolments.copy()
    e = e[e["enrolled_date"] <= as_of]
    phase_start = e.merge(programme.phases[[*PHASE_KEY, "start_date"]], on=PHASE_KEY, how="left")[
        "start_date"
    ]
    # withdrawn before starting: decided when the phase started
    decided_early = (e["status"] == "withdrawn").to_numpy() & e["started_date"].isna().to_numpy()
    decided_early &= (phase_start <= as_of).to_numpy()
    not_started = _after(e["started_date"], as_of) & ~decided_early
    has_start = e["started_date"].notna().to_numpy()
    running = ~not_started & has_start & _after(e["ended_date"], as_of)
    e.loc[not_started | running, OUTCOME_COLUMNS] = None
    e.loc[not_started, ["started_date", "ended_date", "withdrawal_reason", *DELIVERY_COLUMNS]] = (
        None
    )
    e.loc[not_started, "status"] = "enrolled"
    e.loc[running, ["ended_date", "withdrawal_reason"]] = None
    e.loc[running, "status"] = "active"
    if running.any():
        _deliver_so_far(e, running, as_of)
    return e


def _deliver_so_far(e: pd.DataFrame, running: pd.Series, as_of: dt.date) -> None:
    """Delivery of running support so far: in proportion to the time elapsed (in place)."""
    elapsed = np.array(
        [min(1.0, (as_of - r["started_date"]).days / max(1, _core_days(r)))
         for _, r in e.loc[running].iterrows()]
    )  # fmt: skip
    for col in DELIVERY_COLUMNS:
        full = e.loc[running, col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        e.loc[running, col] = pd.array(np.floor(full * elapsed), dtype="Float64").astype("Int64")


def _core_days(row: pd.Series) -> int:
    if row["programme"] == "Accelerate":
        return ACCELERATE_LEVEL.length_days
    return GPIP_LEVELS[str(row["level"])].length_days
