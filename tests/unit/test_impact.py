"""The impact maths: practice-level changes, the difference-in-differences with practice-clustered CIs (equal to
statsmodels), coverage over seeded synthetic panels with and without an effect, the small-number rule, the
event study, and the charts (aggregates only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from gpaccess.charts.impact import before_after_chart, event_study_chart, finding, results_table
from gpaccess.impact import (
    DESIGN,
    Design,
    difference_in_differences,
    estimate,
    event_study,
    group_codes,
    practice_changes,
    runs_if_sorted,
)

START = pd.Timestamp("2022-01-01")


def synthetic_panel(
    seed: int,
    effect: float,
    n_supported: int = 40,
    k: int = 2,
    trend: float = 5.0,
    effect_sd: float = 3.0,
    months: range = range(-12, 18),
) -> pd.DataFrame:
    """A matched panel as impact_panel returns it: supported practices and k comparators each, with practice
    levels, a common trend (which a plain before/after would take for an effect), monthly noise with a
    practice-level random slope, and a heterogeneous effect ramping in over 6 months for supported practices."""
    rng = np.random.default_rng(seed)
    m = np.array(list(months), dtype=float)
    arm = np.array((["supported"] + ["comparator"] * k) * n_supported)
    pair = np.repeat(np.arange(n_supported), k + 1)
    n = len(arm)
    treated = arm == "supported"
    level = rng.normal(48, 8, n_supported)[pair] + rng.normal(0, 1.0, n)
    size = np.where(treated, effect + effect_sd * rng.standard_normal(n), 0.0)
    slope = rng.normal(0, 0.1, n)
    ramp = np.clip((m + 1) / 6, 0.0, 1.0)
    value = (
        level[:, None]
        + trend * (m + 12) / 30
        + slope[:, None] * m
        + size[:, None] * ramp
        + rng.normal(0, 1.5, (n, len(m)))
    )
    starts = [START + pd.DateOffset(months=int(i % 3) * 3) for i in range(n_supported)]
    return pd.DataFrame(
        {
            "arm": np.repeat(arm, len(m)),
            "unit": np.repeat(np.arange(1, n + 1), len(m)),
            "start_month": np.repeat(np.array(starts, dtype="datetime64[ns]")[pair], len(m)),
            "weight": np.repeat(np.where(treated, 1.0, 1.0 / k), len(m)),
            "relative_month": np.tile(m.astype(int), n),
            "value": value.ravel(),
            "supported_in_scope": n_supported,
            "supported_with_windows": n_supported,
        }
    )


def changes_by_hand(panel: pd.DataFrame) -> pd.DataFrame:
    """Independent of gpaccess.impact: windows written out as month lists."""
    pre_months = list(range(-6, 0))
    post_months = list(range(6, 12))
    keys = ["arm", "unit", "start_month"]
    pre = panel[panel["relative_month"].isin(pre_months)].groupby(keys)["value"].mean()
    post = panel[panel["relative_month"].isin(post_months)].groupby(keys)["value"].mean()
    weight = panel.groupby(keys)["weight"].max()
    out = pd.concat({"pre": pre, "post": post, "weight": weight}, axis=1).reset_index()
    out["change"] = out["post"] - out["pre"]
    return out


def statsmodels_fit(changes: pd.DataFrame):
    x = sm.add_constant((changes["arm"] == "supported").astype(float).to_numpy())
    model = sm.WLS(changes["change"].to_numpy(), x, weights=changes["weight"].to_numpy())
    return model.fit(
        cov_type="cluster", cov_kwds={"groups": changes["unit"].to_numpy()}, use_t=True
    )


def test_estimate_equals_statsmodels_cluster_robust_wls():
    panel = synthetic_panel(seed=7, effect=2.0)
    result = estimate(panel, "face_to_face")
    fit = statsmodels_fit(changes_by_hand(panel))
    low, high = fit.conf_int(alpha=0.05)[1]
    assert result.estimate == pytest.approx(fit.params[1], abs=1e-9)
    assert result.se == pytest.approx(fit.bse[1], rel=1e-9)
    assert result.ci_low == pytest.approx(low, rel=1e-9)
    assert result.ci_high == pytest.approx(high, rel=1e-9)
    assert result.n_supported == 40
    assert result.n_comparators == 80


def test_a_comparator_matched_twice_is_one_cluster():
    """A comparator used for two start months appears twice; both rows share its practice's cluster."""
    panel = synthetic_panel(seed=3, effect=1.0, n_supported=12)
    extra = panel[(panel["arm"] == "comparator") & (panel["unit"] == 2)].copy()
    extra["start_month"] = extra["start_month"] + pd.DateOffset(months=1)
    extra["value"] = extra["value"] + 2.0
    panel = pd.concat([panel, extra], ignore_index=True)
    result = estimate(panel, "face_to_face")
    fit = statsmodels_fit(changes_by_hand(panel))
    assert result.estimate == pytest.approx(fit.params[1], abs=1e-9)
    assert result.se == pytest.approx(fit.bse[1], rel=1e-9)
    assert result.n_comparators == 24  # 24 practices, 25 practice-start rows


def test_effect_recovered_inside_the_interval_and_naive_before_after_is_biased():
    covered, estimates = 0, []
    for seed in range(40):
        panel = synthetic_panel(seed=seed, effect=3.0)
        result = estimate(panel, "face_to_face")
        estimates.append(result.estimate)
        covered += result.ci_low <= 3.0 <= result.ci_high
        assert result.supported_change == pytest.approx(3.0 + 2.0, abs=2.0)  # trend 5 * 12/30 = 2
    assert covered >= 34
    assert np.mean(estimates) == pytest.approx(3.0, abs=0.3)


def test_no_effect_interval_covers_zero_in_most_seeds():
    results = [
        estimate(synthetic_panel(seed=100 + s, effect=0.0), "face_to_face") for s in range(40)
    ]
    covered = sum(r.ci_low <= 0.0 <= r.ci_high for r in results)
    assert covered >= 34
    assert covered < 40 or all(r.ci_high - r.ci_low < 3 for r in results)
    assert abs(np.mean([r.estimate for r in results])) < 0.3


def test_fewer_than_five_supported_gives_no_estimate():
    panel = synthetic_panel(seed=1, effect=3.0, n_supported=4)
    result = estimate(panel, "face_to_face")
    assert result.suppressed and result.estimate is None and result.ci_low is None
    assert result.supported_change is None
    assert "fewer than 5" in finding(result, "Accelerate")
    table = results_table([result])
    assert table.loc[0, "Difference (95% CI)"] == "fewer than 5"
    assert table.loc[0, "Supported"] == "fewer than 5"
    five = estimate(synthetic_panel(seed=1, effect=3.0, n_supported=5), "face_to_face")
    assert not five.suppressed and five.estimate is not None


def test_windows_with_too_few_months_are_dropped():
    panel = synthetic_panel(seed=2, effect=0.0, n_supported=6, months=range(-12, 18))
    # unit 1 (supported) keeps only 2 months of its after window
    drop = (panel["unit"] == 1) & panel["relative_month"].between(8, 11)
    changes = practice_changes(panel[~drop])
    assert 1 not in set(changes["unit"])
    assert len(changes) == 6 * 3 - 1
    kept = practice_changes(panel)
    by_hand = changes_by_hand(panel).set_index(["arm", "unit"])["change"]
    mine = kept.set_index(["arm", "unit"])["change"]
    pd.testing.assert_series_equal(mine.sort_index(), by_hand.sort_index(), check_names=False)


def test_design_windows_are_respected():
    design = Design(pre_months=3, post_gap=3, post_months=3)
    panel = synthetic_panel(seed=5, effect=1.0, n_supported=6)
    changes = practice_changes(panel, design).set_index(["arm", "unit"])
    one = panel[(panel["unit"] == 1)].set_index("relative_month")["value"]
    expected = one.loc[3:5].mean() - one.loc[-3:-1].mean()
    assert changes.loc[("supported", 1), "change"] == pytest.approx(expected)


def test_event_study_means_and_small_months():
    panel = synthetic_panel(seed=9, effect=3.0, n_supported=10)
    # month 17 kept by only 3 supported practices: left out for that arm
    panel = panel[
        ~((panel["relative_month"] == 17) & (panel["arm"] == "supported") & (panel["unit"] > 9))
    ]
    frame = event_study(panel)
    sup = frame[frame["arm"] == "supported"].set_index("relative_month")
    assert 17 not in sup.index and 16 in sup.index
    rows = panel[(panel["arm"] == "comparator") & (panel["relative_month"] == 3)]
    expected = np.average(rows["value"], weights=rows["weight"])
    got = frame[(frame["arm"] == "comparator") & (frame["relative_month"] == 3)].iloc[0]
    assert got["mean"] == pytest.approx(expected)
    assert got["ci_low"] < expected < got["ci_high"]
    assert got["practices"] == 20
    # the interval is the statsmodels cluster-robust one for a weighted mean
    fit = sm.WLS(
        rows["value"].to_numpy(), np.ones(len(rows)), weights=rows["weight"].to_numpy()
    ).fit(cov_type="cluster", cov_kwds={"groups": rows["unit"].to_numpy()}, use_t=True)
    assert got["ci_low"] == pytest.approx(fit.conf_int()[0][0])


def test_charts_hold_aggregates_only_and_say_the_finding():
    panel = synthetic_panel(seed=11, effect=3.0)
    result = estimate(panel, "face_to_face")
    chart = event_study_chart(event_study(panel), result, "Accelerate", "England")
    assert "unit" not in chart.data.columns
    assert set(chart.data["arm"]) == {"supported", "comparator"}
    assert chart.title.startswith("Face-to-face share")
    assert "relative difference" in chart.title
    assert f"{result.ci_low:.1f}" in chart.title and f"{result.ci_high:.1f}" in chart.title
    assert "40 supported, 80 comparison practices" in chart.subtitle
    assert "Supported practices:" in chart.alt_text
    bars = before_after_chart(result, "Accelerate", "England")
    assert list(bars.data["group"]) == ["Supported practices", "Matched comparison practices"]
    assert bars.data.loc[0, "change"] == pytest.approx(result.supported_change, abs=1e-3)
    assert bars.data.loc[1, "after"] == pytest.approx(
        result.comparator_pre + result.comparator_change, abs=1e-3
    )


def test_no_clear_difference_is_said_in_words():
    for seed in range(100, 110):
        result = estimate(synthetic_panel(seed=seed, effect=0.0), "dna")
        if not result.significant:
            break
    assert not result.significant
    text = finding(result, "GPIP")
    assert text.startswith("Did-not-attend rate ") and ": no clear difference between them" in text
    assert "95% CI" in text


def test_query_params_refuse_unknown_measure():
    from gpaccess.impact import query_params

    with pytest.raises(ValueError):
        query_params("face_to_face; DROP TABLE practice")
    assert query_params("dna")["pre_months"] == DESIGN.pre_months


def test_difference_in_differences_by_hand():
    changes = pd.DataFrame(
        {
            "arm": ["supported"] * 5 + ["comparator"] * 4,
            "unit": range(9),
            "start_month": START,
            "weight": [1.0] * 5 + [1.0, 0.5, 0.5, 3.0],
            "pre": 50.0,
            "post": [55, 56, 57, 54, 58, 51, 52, 50, 53],
        }
    )
    changes["post"] = changes["post"].astype(float)
    changes["change"] = changes["post"] - changes["pre"]
    result = difference_in_differences(changes)
    expected = 6.0 - (1 * 1 + 0.5 * 2 + 0.5 * 0 + 3 * 3) / 5.0
    assert result.estimate == pytest.approx(expected)


@pytest.mark.parametrize(
    ("seed", "trend", "effect"),
    [(21, -6.0, 3.0), (22, 5.0, 3.0), (23, -1.0, -4.0), (24, 0.0, 0.0)],
    ids=["both-fell", "both-rose", "supported-fell-more", "flat"],
)
def test_the_finding_says_how_each_group_moved(seed, trend, effect):
    """Both groups' changes worked out here (weighted means of post minus pre per practice, from the panel
    by hand), and the title's words and numbers checked against them: a title never says one group did
    better without saying how both moved."""
    panel = synthetic_panel(seed=seed, effect=effect, trend=trend)
    by_hand = changes_by_hand(panel)
    result = estimate(panel, "face_to_face")
    text = finding(result, "GPIP")
    for arm, words in (
        ("supported", "at supported practices"),
        ("comparator", "at matched comparators"),
    ):
        rows = by_hand[by_hand["arm"] == arm]
        change = round(float((rows["change"] * rows["weight"]).sum() / rows["weight"].sum()), 1)
        said = (
            "did not change"
            if change == 0
            else f"{'rose' if change > 0 else 'fell'} {abs(change):.1f} pp"
        )
        assert f"{said} {words}" in text, (arm, change, text)
    assert text.startswith("Face-to-face share ")
    assert "higher" not in text and "lower" not in text
    assert "at matched comparators in GPIP: " in text  # which programme, when a page shows both
    difference = f"{round(result.estimate, 1) + 0.0:+.1f} pp"
    assert difference in text


def test_the_table_never_shows_minus_zero():
    from dataclasses import replace

    result = estimate(synthetic_panel(seed=1, effect=3.0), "face_to_face")
    near_zero = replace(result, estimate=0.04, ci_low=-0.04, ci_high=0.2, comparator_change=-0.01)
    row = results_table([near_zero]).loc[0]
    assert row["Difference (95% CI)"] == "+0.0 pp (0.0 to 0.2)"
    assert row["Change: comparators"] == "+0.0"


def test_sorted_panels_are_grouped_in_one_pass_as_any_other_order_is():
    """The queries return the panel sorted (arm, unit, start month, month): its groups are then the runs of
    equal keys, the same groups (and practice-level changes) as a shuffled panel's."""
    panel = synthetic_panel(seed=4, effect=2.0, n_supported=7).sort_values(
        ["arm", "unit", "start_month", "relative_month"], ignore_index=True
    )
    panel["arm"] = panel["arm"].astype(pd.CategoricalDtype(["comparator", "supported"]))
    keys = (panel["arm"], panel["unit"], panel["start_month"])
    runs = runs_if_sorted(*keys)
    assert runs is not None
    codes, groups = runs
    hashed, count = group_codes(*keys)
    assert groups == count == len(panel.groupby(["arm", "unit", "start_month"], observed=True))
    assert (codes == hashed).all()
    shuffled = panel.sample(frac=1, random_state=3).reset_index(drop=True)
    assert runs_if_sorted(shuffled["arm"], shuffled["unit"], shuffled["start_month"]) is None
    pd.testing.assert_frame_equal(
        practice_changes(shuffled).astype({"arm": str}),
        practice_changes(panel).astype({"arm": str}),
    )


def test_a_row_with_a_missing_key_is_in_no_group_as_groupby_leaves_it_out():
    panel = synthetic_panel(seed=6, effect=1.0, n_supported=6)
    with_gap = panel.copy()
    with_gap["start_month"] = with_gap["start_month"].astype("datetime64[us]")
    with_gap.loc[with_gap.index[:5], "start_month"] = pd.NaT
    codes, groups = group_codes(with_gap["arm"], with_gap["unit"], with_gap["start_month"])
    assert (codes[:5] == -1).all() and (codes[5:] >= 0).all()
    assert (
        groups
        == with_gap.dropna(subset=["start_month"]).groupby(["arm", "unit", "start_month"]).ngroups
    )
    by_hand = with_gap.dropna(subset=["start_month"])
    pd.testing.assert_frame_equal(practice_changes(with_gap), practice_changes(by_hand))
