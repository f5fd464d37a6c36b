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
from gpaccess.demo.enrolments import accelerate, bottom_fifth, gpip
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


# --- entry points ---------------------------------------------------------------------------------
def build_programme(practices: pd.DataFrame, panel: Panel, seed: int) -> Programme:
    """Generate the master programme history and add its effects to ``panel`` (in place)."""
    rng = np.random.default_rng([seed, 41])
    always_open = (practices["last_open_month"] == NEVER_CLOSES).to_numpy()
    blocked_icbs = practices["icb_code"].isin(list(BLOCKED_BY_TELEPHONY)).to_numpy()
    candidates = always_open.copy()
    acc_phases, acc_enrol, acc_effects = accelerate(rng, practices, panel, candidates)
    # GPIP hands-on: not already supported by Accelerate (their effects would overlap); universal
    # open to all. A few practices in Shropshire and Somerset are kept back for the eligibility story.
    reserve = np.zeros(len(practices), dtype=bool)
    for code_icb, count in BLOCKED_BY_TELEPHONY.items():
        rows = np.flatnonzero(always_open & (practices["icb_code"].to_numpy() == code_icb))
        reserve[rng.choice(rows, count + 6, replace=False)] = True
    hands_on_pool = candidates & ~reserve
    universal_pool = always_open & ~reserve
    gp_phases, gp_enrol, gp_effects = gpip(rng, practices, panel, hands_on_pool, universal_pool)
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
        actions=adopted_actions(rng, enrolments),
        eligibility=eligibility_rows(rng, practices, enrolments, eligibility_pool),
        barriers=barrier_rows(rng),
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
