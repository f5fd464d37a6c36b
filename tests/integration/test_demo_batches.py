"""The national demo is loaded a month of crosstab at a time (bounded memory and spill), the demo in one load."""

from __future__ import annotations

from pathlib import Path

from gpaccess.demo_build import load_batches

FILES = [
    Path("Mapping.csv"),
    Path("list_sizes/2026-08/gp-reg-pat-prac-all.csv"),
    Path("list_sizes/2026-09/gp-reg-pat-prac-all.csv"),
    Path("list_sizes/2026-09/gp-reg-pat-prac-map.csv"),
    Path("Practice_Level_Crosstab_Aug_26.csv"),
    Path("Practice_Level_Crosstab_Sep_26.csv"),
    Path("programme_tracker.xlsx"),
]


def test_the_demo_loads_in_one_batch():
    assert load_batches(FILES, "demo") == [FILES]


def test_the_national_demo_loads_a_crosstab_month_at_a_time_with_the_tracker_last():
    batches = load_batches(FILES, "national")
    assert batches == [FILES[:5], [FILES[5]], [FILES[6]]]
    assert sorted(f for batch in batches for f in batch) == sorted(FILES)
