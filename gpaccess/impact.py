"""Evidence of impact: difference-in-differences of supported practices against matched comparators.

The query `impact_panel` (queries/impact_panel.sql) does the matching in the database and returns, for one
measure, a panel of monthly values by month relative to the support start for supported practices and their
matched never-supported comparators, keyed by a surrogate number per practice (never a practice code). The
functions here are pure: practice-level changes, the difference-in-differences estimate with standard errors
clustered by practice, and the event-study means.

Method, in short:
- pre window: the `pre_months` months before the support start month (the windows' means are stored at load,
  gpaccess.store.impact_windows, for the windows the Design takes from there);
- post window: `post_months` months starting `post_gap` months after the support start (the effect of support
  takes months to build up, so the first months are left out);
- change per practice = post mean - pre mean; the estimate = weighted mean change of supported practices minus
  weighted mean change of their comparators (each supported practice weighs 1, its k comparators 1/k each);
- the 95% interval comes from the weighted regression change ~ 1 + supported with cluster-robust (CR1) standard
  errors, clustered by practice, and a t distribution with (practices - 1) degrees of freedom.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special  # stdtrit: Student's t quantile (scipy.stats costs 0.4 s to import)

from gpaccess.disclosure import SMALL_NUMBER
from gpaccess.store.impact_windows import POST_GAP, POST_MONTHS, PRE_MONTHS

STORED_WINDOWS = (PRE_MONTHS, POST_GAP, POST_MONTHS)
STORED_PANEL, COMPUTED_PANEL = "impact_panel_stored", "impact_panel"  # the queries `panel` reads
STORED_ESTIMATE = "impact_estimate_stored"  # the query `stored_or_estimated` reads first
# What an estimate rests on: this module's code and the small-number rule. A load stores its estimates with it
# (gpaccess.store.stored_panels); a stored estimate is read only by the same, so a changed method computes them
# afresh until the next load stores them again.
METHOD_VERSION = hashlib.sha256(
    Path(__file__).read_bytes() + f"small_number={SMALL_NUMBER}".encode()
).hexdigest()[:16]
# combinations of keys counted in an array (else hashed): 8 MB at most
DENSE_GROUPS_LIMIT = 8_000_000


@dataclass(frozen=True)
class Measure:
    key: str  # the $measure value the query accepts
    label: str  # short name
    unit: str  # what a difference is in, e.g. "pp"
    axis: str  # y-axis title
    digits: int = 1


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("face_to_face", "Face-to-face share", "pp", "Face-to-face, % of appointments"),
        Measure(
            "per_1000",
            "Appointments per 1,000 patients",
            "per 1,000",
            "Appointments a month per 1,000 registered patients",
            digits=1,
        ),
        Measure("same_day", "Same-day share", "pp", "Booked and seen the same day, %"),
        Measure("dna", "Did-not-attend rate", "pp", "Did not attend, % of appointments", digits=2),
    )
}


@dataclass(frozen=True)
class Design:
    # the windows: the query matches on the means stored at load for these (gpaccess.store.impact_windows)
    pre_months: int = PRE_MONTHS
    post_gap: int = POST_GAP
    post_months: int = POST_MONTHS
    event_before: int = 12
    event_after: int = 18
    min_window_months: int = 3
    caliper: float = 0.25  # largest matching distance, in standard deviations
    k_comparators: int = 3

    def params(self) -> dict[str, Any]:
        """The query's parameters for this design; refused for windows other than those the store holds."""
        if (self.pre_months, self.post_gap, self.post_months) != STORED_WINDOWS:
            raise ValueError(
                f"The store holds the windows of {PRE_MONTHS} months before and {POST_MONTHS} from "
                f"{POST_GAP} after the start (gpaccess.store.impact_windows), not those of {self}"
            )
        return {
            "pre_months": self.pre_months,
            "post_gap": self.post_gap,
            "post_months": self.post_months,
            "event_before": self.event_before,
            "event_after": self.event_after,
            "min_window_months": self.min_window_months,
            "caliper": self.caliper,
            "k_comparators": self.k_comparators,
        }

    @property
    def post_first(self) -> int:
        return self.post_gap

    @property
    def post_last(self) -> int:
        return self.post_gap + self.post_months - 1


DESIGN = Design()


def query_params(
    measure: str, phase: str | None = None, level: str | None = None, design: Design = DESIGN
) -> dict[str, Any]:
    """The extra parameters of `impact_panel` (besides the scope's), checked against allow-lists."""
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure {measure!r}")
    return {
        "measure": measure,
        "phase": phase,
        "level": level,
        **design.params(),
        "method_version": METHOD_VERSION,
    }


def panel(fetch: Callable[..., pd.DataFrame], scope: Any, params: dict[str, Any]) -> pd.DataFrame:
    """The impact panel for a scope (with its programme) and `query_params`: as stored at load when it is
    (queries/impact_panel_stored.sql), else computed (queries/impact_panel.sql); `fetch(name, scope, **params)`
    runs a query."""
    stored = fetch(STORED_PANEL, scope, **params)
    return stored if not stored.empty else fetch(COMPUTED_PANEL, scope, **params)


def stored_or_estimated(
    fetch: Callable[..., pd.DataFrame], scope: Any, params: dict[str, Any]
) -> DidResult:
    """The difference-in-differences for a scope (with its programme) and `query_params`: as stored at load
    with its panel (queries/impact_estimate_stored.sql), else `estimate` of the panel (`panel`)."""
    stored = fetch(STORED_ESTIMATE, scope, **params)
    if stored.empty:
        return estimate(panel(fetch, scope, params), str(params["measure"]))
    row = stored.iloc[0]

    def number(name: str) -> float | None:
        return None if pd.isna(row[name]) else float(row[name])

    return DidResult(
        measure=str(row["measure"]),
        n_supported=int(row["n_supported"]),
        n_comparators=int(row["n_comparators"]),
        estimate=number("estimate"),
        se=number("se"),
        ci_low=number("ci_low"),
        ci_high=number("ci_high"),
        supported_pre=number("supported_pre"),
        supported_change=number("supported_change"),
        comparator_pre=number("comparator_pre"),
        comparator_change=number("comparator_change"),
        suppressed=bool(row["suppressed"]),
    )


@dataclass(frozen=True)
class DidResult:
    measure: str
    n_supported: int
    n_comparators: int
    estimate: float | None  # None when fewer than SMALL_NUMBER supported practices
    se: float | None
    ci_low: float | None
    ci_high: float | None
    supported_pre: float | None
    supported_change: float | None
    comparator_pre: float | None
    comparator_change: float | None
    suppressed: bool

    @property
    def significant(self) -> bool:
        return (
            self.ci_low is not None
            and self.ci_high is not None
            and (self.ci_low > 0 or self.ci_high < 0)
        )


def group_codes(*keys: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """Each row's group (0, 1, ...) by the combination of `keys`, groups numbered in the keys' order (a
    categorical's in its categories' order, anything else ascending); and how many groups."""
    combined, size = np.zeros(len(keys[0]), dtype=np.int64), 1
    missing = np.zeros(
        len(keys[0]), dtype=bool
    )  # a key missing: the row is in no group (-1), as groupby drops it
    for key in keys:
        codes, count = _key_codes(key)
        missing |= codes < 0
        combined, size = combined * count + codes, size * count
    rows, kept = np.full(len(combined), -1, dtype=np.int64), ~missing
    if size > DENSE_GROUPS_LIMIT:
        rows[kept], uniques = pd.factorize(combined[kept], sort=True)
        return rows, len(uniques)
    present = np.zeros(size, dtype=bool)
    present[combined[kept]] = True
    rows[kept] = (np.cumsum(present) - 1)[combined[kept]]
    return rows, int(present.sum())


def _key_codes(key: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """A key's values as numbers from 0 in its order, and how many there are: a categorical by its codes,
    anything else factorised in ascending order."""
    if isinstance(key, pd.Series) and isinstance(key.dtype, pd.CategoricalDtype):
        return key.cat.codes.to_numpy(dtype=np.int64), len(key.cat.categories)
    codes, uniques = pd.factorize(key, sort=True)
    return codes, max(len(uniques), 1)


def runs_if_sorted(*keys: pd.Series) -> tuple[np.ndarray, int] | None:
    """`group_codes` in one pass when the rows come sorted by the keys (as the panel queries return them):
    each run of equal keys is a group. None when they are not sorted, or a key is neither numbers, dates nor
    a categorical."""
    if len(keys[0]) < 2:
        return None
    rising = np.zeros(len(keys[0]) - 1, dtype=bool)  # the keys rise here, at an earlier key
    level = np.ones(len(keys[0]) - 1, dtype=bool)  # the keys so far are equal here
    for key in keys:
        step = _steps(key)
        if step is None or (level & (step < 0)).any():
            return None
        rising |= level & (step > 0)
        level &= step == 0
    starts = np.concatenate([[0], np.cumsum(rising)])
    return starts, int(starts[-1]) + 1


def _steps(key: pd.Series) -> np.ndarray | None:
    """-1, 0 or +1 from each row to the next (a categorical by its categories' order); None for other kinds,
    or when a key is missing (grouped by hashing then, which leaves the row out)."""
    if key.hasnans:
        return None
    if isinstance(key.dtype, pd.CategoricalDtype):
        values = key.cat.codes.to_numpy(dtype=np.int64)
    else:
        values = np.asarray(key)
        if values.dtype.kind == "M":
            values = values.view(np.int64)
        if values.dtype.kind not in "iu":
            return None
    return np.sign(np.diff(values.astype(np.int64)))


def first_rows(codes: np.ndarray, groups: int) -> np.ndarray:
    """The position of each group's first row (rows of no group, code -1, left out)."""
    first = np.full(groups, len(codes), dtype=np.int64)
    grouped = codes >= 0
    np.minimum.at(first, codes[grouped], np.flatnonzero(grouped))
    return first


def _window_mean(
    codes: np.ndarray, groups: int, values: np.ndarray, inside: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each group's mean of `values` over its rows `inside` the window (NaN values left out), and how many."""
    inside = inside & ~np.isnan(values) & (codes >= 0)
    count = np.bincount(codes[inside], minlength=groups)
    total = np.bincount(codes[inside], weights=values[inside], minlength=groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        return total / count, count


def practice_changes(panel: pd.DataFrame, design: Design = DESIGN) -> pd.DataFrame:
    """One row per (arm, unit, start_month), in that order: pre mean, post mean, change, weight.

    Rows whose pre or post window rests on fewer than `min_window_months` months (or none) are dropped.
    """
    columns = ["arm", "unit", "start_month", "weight", "pre", "post", "change"]
    if panel.empty:
        return pd.DataFrame(columns=columns)
    keys = (panel["arm"], panel["unit"], panel["start_month"])
    codes, groups = runs_if_sorted(*keys) or group_codes(*keys)
    rel = panel["relative_month"].to_numpy()
    values = panel["value"].to_numpy(dtype=float)
    pre, pre_n = _window_mean(codes, groups, values, (rel >= -design.pre_months) & (rel < 0))
    in_post = (rel >= design.post_first) & (rel <= design.post_last)
    post, post_n = _window_mean(codes, groups, values, in_post)
    least = max(design.min_window_months, 1)
    enough = (pre_n >= least) & (post_n >= least)
    first = first_rows(codes, groups)[enough]
    kept = {column: panel[column].iloc[first].to_numpy() for column in columns[:4]}
    change = post[enough] - pre[enough]
    return pd.DataFrame({**kept, "pre": pre[enough], "post": post[enough], "change": change})


def cluster_wls(
    y: np.ndarray, x: np.ndarray, weights: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Weighted least squares with cluster-robust (CR1) standard errors: coefficients, SEs, clusters.

    The same estimator as statsmodels' WLS(...).fit(cov_type="cluster"): the sandwich (X'WX)^-1 M (X'WX)^-1
    with M = sum over clusters of (X_g' W_g e_g)(...)' and the small-sample factor G/(G-1) * (N-1)/(N-K).
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    w = np.asarray(weights, dtype=float)
    n, k = x.shape
    xw = x * w[:, None]
    bread = np.linalg.inv(x.T @ xw)
    beta = bread @ (xw.T @ y)
    resid = y - x @ beta
    codes, g = group_codes(np.asarray(groups))
    scores = np.column_stack(
        [np.bincount(codes, weights=column, minlength=g) for column in (xw * resid[:, None]).T]
    )
    meat = scores.T @ scores
    factor = g / (g - 1) * (n - 1) / (n - k) if g > 1 and n > k else float("nan")
    cov = factor * bread @ meat @ bread
    return beta, np.sqrt(np.diag(cov)), g


def difference_in_differences(
    changes: pd.DataFrame, measure: str = "face_to_face", level: float = 0.95
) -> DidResult:
    """(post - pre) of supported minus (post - pre) of comparators, with a cluster-robust interval."""
    treated = (changes["arm"] == "supported").to_numpy(dtype=bool)
    units, weights = changes["unit"].to_numpy(), changes["weight"].to_numpy(dtype=float)
    compared = (changes["arm"] == "comparator").to_numpy(dtype=bool)
    n_s, n_c = len(np.unique(units[treated])), len(np.unique(units[compared]))

    def wmean(rows: np.ndarray, column: str) -> float | None:
        if not rows.any():
            return None
        return float(np.average(changes[column].to_numpy(dtype=float)[rows], weights=weights[rows]))

    base: dict[str, Any] = {
        "measure": measure,
        "n_supported": n_s,
        "n_comparators": n_c,
        "supported_pre": wmean(treated, "pre"),
        "supported_change": wmean(treated, "change"),
        "comparator_pre": wmean(compared, "pre"),
        "comparator_change": wmean(compared, "change"),
    }
    if n_s < SMALL_NUMBER or n_c < 2:
        return DidResult(
            **{**base, "supported_pre": None, "supported_change": None},
            estimate=None,
            se=None,
            ci_low=None,
            ci_high=None,
            suppressed=n_s < SMALL_NUMBER,
        )
    x = np.column_stack([np.ones(len(changes)), treated])
    groups, _ = group_codes(treated, units)  # clustered by practice
    beta, se, g = cluster_wls(changes["change"].to_numpy(), x, weights, groups)
    t = float(special.stdtrit(g - 1, 0.5 + level / 2))
    estimate, error = float(beta[1]), float(se[1])
    return DidResult(
        **base,
        estimate=estimate,
        se=error,
        ci_low=estimate - t * error,
        ci_high=estimate + t * error,
        suppressed=False,
    )


def event_study(panel: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Weighted mean of the measure per arm and month relative to the support start, with a 95% interval
    (clustered by practice); months with fewer than SMALL_NUMBER practices in an arm are left out."""
    columns = ["arm", "relative_month", "practices", "mean", "ci_low", "ci_high"]
    if panel.empty:
        return pd.DataFrame(columns=columns)
    keys = ["arm", "relative_month"]
    frame = panel[[*keys, "unit", "weight", "value"]].copy()
    frame["wy"] = frame["weight"] * frame["value"]
    cell = frame.groupby(keys).agg(
        sw=("weight", "sum"), swy=("wy", "sum"), practices=("unit", "nunique")
    )
    cell["mean"] = cell["swy"] / cell["sw"]
    # the intercept-only case of cluster_wls: CR1 variance = G/(G-1) * sum_g (sum_i w_i e_i)^2 / (sum w)^2
    frame = frame.join(cell["mean"], on=keys)
    frame["we"] = frame["weight"] * (frame["value"] - frame["mean"])
    scores = frame.groupby([*keys, "unit"])["we"].sum()
    cell["meat"] = (scores**2).groupby(level=keys).sum()
    g = cell["practices"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(g / (g - 1) * cell["meat"]) / cell["sw"]
        half = special.stdtrit(g - 1, 0.5 + level / 2) * se
    cell["ci_low"] = cell["mean"] - half
    cell["ci_high"] = cell["mean"] + half
    out = cell[cell["practices"] >= SMALL_NUMBER].reset_index()
    out["relative_month"] = out["relative_month"].astype(int)
    out["practices"] = out["practices"].astype(int)
    return out[columns].reset_index(drop=True)


def estimate(panel: pd.DataFrame, measure: str, design: Design = DESIGN) -> DidResult:
    """The whole calculation from the query's panel."""
    return difference_in_differences(practice_changes(panel, design), measure)


def panel_counts(panel: pd.DataFrame) -> dict[str, int]:
    """Supported practices in scope and those with data in both windows (from the query's broadcast columns)."""
    if panel.empty:
        return {"supported_in_scope": 0, "supported_with_windows": 0}
    first = panel.iloc[0]
    return {
        "supported_in_scope": int(first["supported_in_scope"]),
        "supported_with_windows": int(first["supported_with_windows"]),
    }
