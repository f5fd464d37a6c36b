"""Practice x month panel of appointment volumes and shares, before they are cut into crosstab rows.

Each practice has persistent latent traits (its own face-to-face, same-day, DNA and rate offsets ...)
and every month adds a little noise. Every month is then calibrated so that the national figures
(appointment-weighted over open practices) hit the targets of ``constants`` exactly, before the
programme effects are added on top for supported practices only.

Per-practice spread, Oct 2025 (real: the 199 practices of the real Devon + Cambridgeshire and
Peterborough practice-level crosstab, list sizes joined from gp-reg-pat-prac-all.csv by CODE; demo:
all 6,187 practices of the default demo, measured with DuckDB from the written CSVs)::

                              real: mean   SD     IQR   | demo: mean   SD     IQR
    face-to-face share              0.657  0.159  0.229 |       0.675  0.160  0.230
    same-day share                  0.370  0.110  0.173 |       0.424  0.113  0.159
    DNA rate                        0.037  0.024  0.022 |       0.043  0.024  0.027
    GP share                        0.370  0.118  0.175 |       0.437  0.125  0.172
    appointments per 1,000 patients 775    267    286   |       572    181    229
    (rate as CV and IQR/median: real 0.345 / 0.382, demo 0.317 / 0.422. Devon and Cambridgeshire
    book more per head than England, so the demo keeps England's level and the real relative spread;
    the demo's means follow England's national figures rather than these two ICBs'.)
    Correlations across practices, real / demo: face-to-face with same-day -0.61 / -0.59, with DNA
    0.19 / 0.18, with rate -0.26 / -0.27; log list size with rate -0.25 / -0.22.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from gpaccess.demo.constants import (
    DNA_RATE,
    EFFECT_RAMP_MONTHS,
    F2F_AUTUMN_BUMP,
    F2F_KNOTS,
    GP_SHARE_OF_KNOWN,
    HOME_VISIT_SHARE,
    RATE_GROWTH_PER_YEAR,
    RATE_PER_1000,
    SAME_DAY_SHARE,
    SEASONALITY,
    UNKNOWN_HCP_OF_F2F_BOOKED,
    UNKNOWN_MODE_SHARE,
    UNKNOWN_STATUS_RATE,
    UNMAPPED_SHARE,
    VIDEO_KNOTS,
)
from gpaccess.demo.months import parse_month
from gpaccess.demo.practices import list_sizes

# Spread of the persistent traits (logit or log scale) and of the month-to-month noise, tuned so that
# the Oct 2025 per-practice spread matches the real one (see the module docstring).
TRAIT_SD = {
    "f2f": 0.84,
    "same_day": 0.48,
    "dna": 0.52,
    "rate": 0.31,
    "gp": 0.50,
    "video": 0.55,
    "home": 0.50,
    "unknown_mode": 0.80,
    "status_unknown": 0.60,
    "hcp_unknown": 0.70,
    "unmapped": 0.90,
}
NOISE_SD = {
    "f2f": 0.09,
    "same_day": 0.07,
    "dna": 0.10,
    "rate": 0.05,
    "gp": 0.05,
    "video": 0.12,
    "home": 0.15,
    "unknown_mode": 0.25,
    "status_unknown": 0.20,
    "hcp_unknown": 0.20,
    "unmapped": 0.25,
}
TRAITS = tuple(TRAIT_SD)


@dataclass
class Panel:
    """Arrays are practices x months; shares are of all appointments unless said otherwise."""

    months: np.ndarray
    is_open: np.ndarray
    patients: np.ndarray
    expected: np.ndarray  # expected appointments
    f2f: np.ndarray
    tel: np.ndarray
    video: np.ndarray
    home: np.ndarray
    unknown_mode: np.ndarray
    dna: np.ndarray
    status_unknown: np.ndarray
    same_day: np.ndarray
    gp: np.ndarray  # share of appointments with a known HCP type that were with a GP
    hcp_unknown: np.ndarray  # share of face-to-face booked appointments with HCP type Unknown
    unmapped: np.ndarray  # Unmapped + Inconsistent Mapping
    # per practice: the part of `unmapped` that is Inconsistent Mapping
    inconsistent_fraction: np.ndarray
    category_mask: np.ndarray  # practice x mode x category weights (national scale)
    effects: dict[str, np.ndarray] = field(default_factory=dict)

    def column(self, month: int) -> int:
        return int(month - self.months[0])


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.log(p / (1.0 - p))


def _knots(months: np.ndarray, knots: tuple[tuple[str, float], ...]) -> np.ndarray:
    xs = np.array([parse_month(m) for m, _ in knots], dtype=float)
    ys = np.array([v for _, v in knots])
    return np.interp(months.astype(float), xs, ys)


def national_targets(months: np.ndarray) -> pd.DataFrame:
    """Target national figures per month (before programme effects)."""
    moy = months % 12 + 1
    f2f = _knots(months, F2F_KNOTS) + np.array([F2F_AUTUMN_BUMP.get(int(m), 0.0) for m in moy])
    years = (months - parse_month("2021-04")) / 12.0
    return pd.DataFrame(
        {
            "month": months,
            "rate_per_1000": RATE_PER_1000
            * np.array(SEASONALITY)[moy - 1]
            * (1.0 + RATE_GROWTH_PER_YEAR * years),
            "f2f": f2f,
            "video": _knots(months, VIDEO_KNOTS),
            "home": HOME_VISIT_SHARE,
            "unknown_mode": UNKNOWN_MODE_SHARE,
            "dna": DNA_RATE,
            "status_unknown": UNKNOWN_STATUS_RATE,
            "same_day": SAME_DAY_SHARE,
            "gp": GP_SHARE_OF_KNOWN,
            "hcp_unknown": UNKNOWN_HCP_OF_F2F_BOOKED,
            "unmapped": UNMAPPED_SHARE,
        }
    ).pipe(_with_common_cause)


# Month-to-month variation of the national figures, the same for every practice (SD; the rate as a
# proportion): about what the published national series show between months. Without it the national
# series are smooth lines, XmR limits collapse onto them and every SPC chart of the demo flags every month.
COMMON_CAUSE_SD: Final = {"f2f": 0.004, "dna": 0.0012, "same_day": 0.006, "rate_per_1000": 0.02}


def _with_common_cause(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets with each month's national variation added, drawn per calendar month from its own stream
    (a month's figures do not depend on the range of months generated)."""
    out = targets.copy()
    draws = np.array(
        [np.random.default_rng([29, int(m)]).standard_normal(4) for m in targets["month"]]
    )
    for k, (name, sd) in enumerate(COMMON_CAUSE_SD.items()):
        if name == "rate_per_1000":
            out[name] = out[name] * (1.0 + sd * draws[:, k])
        else:
            out[name] = out[name] + sd * draws[:, k]
    return out


def draw_traits(practices: pd.DataFrame, seed: int) -> dict[str, np.ndarray]:
    """Persistent standard-normal traits per practice, with the correlations seen in real data
    (more face-to-face goes with fewer same-day and more DNAs; bigger lists book fewer per head)."""
    rng = np.random.default_rng([seed, 13])
    n = len(practices)
    z = {name: rng.standard_normal(n) for name in TRAITS}
    z["same_day"] = -0.6 * z["f2f"] + 0.8 * z["same_day"]
    z["dna"] = 0.2 * z["f2f"] + 0.98 * z["dna"]
    log_list = np.log(practices["list_size_ref"].to_numpy() + 1.0)
    size_z = (log_list - log_list.mean()) / log_list.std()
    z["rate"] = -0.25 * z["f2f"] - 0.25 * size_z + 0.93 * z["rate"]
    return z


def _calibrate_logit(
    logit: np.ndarray, weights: np.ndarray, target: np.ndarray, iterations: int = 8
) -> np.ndarray:
    """Per month shift ``c`` so that sum(w * expit(logit + c)) / sum(w) == target (Newton)."""
    total = np.where(weights.sum(axis=0) > 0, weights.sum(axis=0), 1.0)
    shift = np.zeros(logit.shape[1])
    for _ in range(iterations):
        p = _expit(logit + shift)
        value = (weights * p).sum(axis=0) / total
        slope = (weights * p * (1.0 - p)).sum(axis=0) / total
        shift -= (value - target) / np.maximum(slope, 1e-9)
    return _expit(logit + shift)


def _calibrate_scale(raw: np.ndarray, weights: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per month factor so that the weighted mean of ``raw`` equals ``target``."""
    total = (weights * raw).sum(axis=0)
    return raw * (target * weights.sum(axis=0) / np.where(total > 0, total, 1.0))


def _monthly_noise(seed: int, months: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Noise drawn per calendar month from its own stream: a month's values do not depend on the
    range of months generated."""
    out = {name: np.empty((n, len(months))) for name in TRAITS}
    for j, month in enumerate(months.tolist()):
        rng = np.random.default_rng([seed, 17, month])
        for name in TRAITS:
            out[name][:, j] = rng.standard_normal(n) * NOISE_SD[name]
    return out


def build_panel(practices: pd.DataFrame, months: np.ndarray, seed: int) -> Panel:
    n = len(practices)
    z = draw_traits(practices, seed)
    noise = _monthly_noise(seed, months, n)
    targets = national_targets(months)
    patients = list_sizes(practices, months)
    is_open = patients > 0
    open_w = is_open.astype(float)

    def latent(name: str) -> np.ndarray:
        return TRAIT_SD[name] * z[name][:, None] + noise[name]

    rate = np.exp(latent("rate")) * open_w
    national = targets["rate_per_1000"].to_numpy() * patients.sum(axis=0) / 1000.0
    expected = rate * patients / 1000.0
    expected *= national / np.where(expected.sum(axis=0) > 0, expected.sum(axis=0), 1.0)
    w = expected

    home = np.minimum(_calibrate_scale(np.exp(latent("home")), w, targets["home"].to_numpy()), 0.05)
    unknown_mode = np.minimum(
        _calibrate_scale(np.exp(latent("unknown_mode")), w, targets["unknown_mode"].to_numpy()),
        0.08,
    )
    f2f = _calibrate_logit(
        _logit(targets["f2f"].to_numpy()) + latent("f2f"), w, targets["f2f"].to_numpy()
    )
    f2f = np.minimum(f2f, 0.99 - home - unknown_mode)
    rest = 1.0 - f2f - home - unknown_mode
    video_target = targets["video"].to_numpy()
    # calibrated on the share of the rest, weighted by the rest: target = video share of all / rest
    rest_share = (w * rest).sum(axis=0) / np.where(w.sum(axis=0) > 0, w.sum(axis=0), 1.0)
    video_of_rest = _calibrate_logit(
        _logit(video_target / 0.3) + latent("video"), w * rest, video_target / rest_share
    )
    video = rest * video_of_rest
    rng = np.random.default_rng([seed, 19])
    category_mask = _category_mask(n, np.random.default_rng([seed, 29]))
    return Panel(
        months=months,
        is_open=is_open,
        patients=patients,
        expected=expected,
        f2f=f2f,
        tel=rest - video,
        video=video,
        home=home,
        unknown_mode=unknown_mode,
        dna=np.minimum(_calibrate_scale(np.exp(latent("dna")), w, targets["dna"].to_numpy()), 0.3),
        status_unknown=np.minimum(
            _calibrate_scale(
                np.exp(latent("status_unknown")), w, targets["status_unknown"].to_numpy()
            ),
            0.3,
        ),
        same_day=_calibrate_logit(
            _logit(SAME_DAY_SHARE) + latent("same_day"), w, targets["same_day"].to_numpy()
        ),
        gp=_calibrate_logit(_logit(GP_SHARE_OF_KNOWN) + latent("gp"), w, targets["gp"].to_numpy()),
        hcp_unknown=np.minimum(
            _calibrate_scale(np.exp(latent("hcp_unknown")), w, targets["hcp_unknown"].to_numpy()),
            0.6,
        ),
        unmapped=_calibrate_logit(
            _logit(UNMAPPED_SHARE) + latent("unmapped"), w, targets["unmapped"].to_numpy()
        ),
        inconsistent_fraction=rng.beta(6.0, 2.5, n),
        category_mask=category_mask,
    )


# Share of practices recording each of the 17 mapped categories in a month (real Devon + Cambridgeshire
# crosstab, Oct 2025); Unmapped and Inconsistent Mapping are handled separately.
CATEGORY_USE = (0.96, 0.94, 0.80, 0.96, 0.86, 0.40, 0.36, 0.68, 0.40, 0.40, 0.27, 0.32, 0.24, 0.17,
                0.07, 0.15, 0.06)  # fmt: skip


CATEGORY_WEIGHT_SHAPE = 0.35


def _category_mask(n: int, rng: np.random.Generator) -> np.ndarray:
    """Per practice x mode weights of the 17 mapped categories (national scale): zero for the
    categories the practice does not record, a heavy-tailed mix for the others, so that a practice
    has about 200 rows a month like the real files."""
    use = np.asarray(CATEGORY_USE)
    mask = rng.random((n, len(use))) < use[None, :]
    return mask[:, None, :] * rng.gamma(CATEGORY_WEIGHT_SHAPE, 1.0, (n, 5, len(use)))


def window_f2f(panel: Panel, months: list[int]) -> np.ndarray:
    """Face-to-face share of each practice over some months (NaN where it had no appointments)."""
    cols = [panel.column(m) for m in months]
    n = panel.expected[:, cols]
    total = n.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (n * panel.f2f[:, cols]).sum(axis=1) / total, np.nan)


def apply_effects(
    panel: Panel,
    rows: np.ndarray,
    start_months: np.ndarray,
    f2f_pp: np.ndarray,
    rate_pct: np.ndarray,
    dna_pp: np.ndarray,
) -> None:
    """Add programme effects to supported practices, ramping in linearly over EFFECT_RAMP_MONTHS.

    Face-to-face gains come out of telephone (then video) appointments. Rows not listed are untouched.
    """
    if len(rows) == 0:
        return
    ramp = np.clip(
        (panel.months[None, :] - start_months[:, None] + 1) / EFFECT_RAMP_MONTHS, 0.0, 1.0
    )
    gain = np.clip(f2f_pp[:, None] / 100.0 * ramp, -panel.f2f[rows], None)
    gain = np.minimum(gain, panel.tel[rows] + panel.video[rows] - 0.002)
    from_tel = np.minimum(gain, panel.tel[rows] - 0.001)
    panel.f2f[rows] += gain
    panel.tel[rows] -= from_tel
    panel.video[rows] -= gain - from_tel
    panel.expected[rows] *= 1.0 + rate_pct[:, None] / 100.0 * ramp
    panel.dna[rows] = np.clip(panel.dna[rows] + dna_pp[:, None] / 100.0 * ramp, 0.001, None)
    panel.effects.setdefault("rows", np.empty(0, dtype=np.int64))
    panel.effects["rows"] = np.concatenate([panel.effects["rows"], rows])
