"""The high impact action charts: shares with their n, the small-number rule, association-not-cause wording in
subtitles and notes, findings as titles, alt text from the data, and no practice identities."""

from __future__ import annotations

import pandas as pd
import pytest

from gpaccess.charts import actions

NAMES = ["Active signposting", "New consultation types", "Reduce DNAs"]


def by_programme() -> pd.DataFrame:
    rows = []
    # Accelerate: 40 assessed, 24 with gains; GPIP: 3 assessed (fewer than 5)
    acc = [  # adopters, adopters with gains, non-adopters with gains
        (30, 21, 3),
        (10, 4, 20),
        (4, 3, 21),
    ]
    for number, ((adopters, ag, ng), name) in enumerate(zip(acc, NAMES, strict=True), start=1):
        rows.append(("Accelerate", number, name, 40, ag + ng, adopters, ag, 40 - adopters, ng))
    for number, name in enumerate(NAMES, start=1):
        rows.append(("GPIP", number, name, 3, 2, 1, 1, 2, 1))
    return pd.DataFrame(
        rows,
        columns=[
            "programme",
            "action_number",
            "action_name",
            "assessed",
            "with_gains",
            "adopters",
            "adopters_with_gains",
            "non_adopters",
            "non_adopters_with_gains",
        ],
    )


def test_adoption_share_with_n_and_small_numbers():
    chart = actions.adoption_by_programme(by_programme(), "England", "Phase 1")
    acc = chart.data[chart.data["programme"] == "Accelerate"].set_index("action_number")
    assert acc.loc[1, "adopted_pct"] == 75.0 and acc.loc[2, "adopted_pct"] == 25.0
    assert acc.loc[3, "adopted_pct"] == 10.0
    gpip = chart.data[chart.data["programme"] == "GPIP"]
    assert gpip["adopted_pct"].isna().all() and gpip["adopters"].isna().all()
    assert (gpip["shown_as"] == "fewer than 5 assessed").all()
    assert chart.title == "Most adopted high impact action. Accelerate: Active signposting (75%)"
    assert "England · Phase 1" in chart.subtitle
    assert "1 Active signposting: 75.0% of 40 assessed" in chart.alt_text
    assert "GPIP, 1 Active signposting: fewer than 5 assessed" in chart.alt_text
    bars = [t for t in chart.figure.data if t.type == "bar"]
    assert list(bars[0].x) == [75.0, 25.0, 10.0]
    words = [t for t in chart.figure.data if t.type == "scatter" and len(t.y)]
    assert list(words[-1].text) == ["fewer than 5 assessed"] * 3


def test_gains_adopters_and_non_adopters_with_n_as_association():
    chart = actions.gains_by_action(by_programme(), "London region")
    acc = chart.data[chart.data["programme"] == "Accelerate"].set_index("action_number")
    assert acc.loc[1, "adopters_gains_pct"] == 70.0  # 21 of 30
    assert acc.loc[1, "non_adopters_gains_pct"] == 30.0  # 3 of 10
    assert acc.loc[1, "difference_points"] == 40.0
    assert acc.loc[2, "adopters_gains_pct"] == 40.0 and acc.loc[2, "non_adopters_gains_pct"] == 66.7
    # 4 adopters of action 3: fewer than 5, so no share and no count with gains
    assert pd.isna(acc.loc[3, "adopters_gains_pct"]) and pd.isna(acc.loc[3, "adopters_with_gains"])
    assert acc.loc[3, "adopters_shown_as"] == "fewer than 5 adopters"
    assert acc.loc[3, "non_adopters_shown_as"] == "58.3% of 36 non-adopters"
    assert "association, not cause" in chart.subtitle
    assert "London region" in chart.subtitle
    assert chart.title.startswith("Widest gap in productivity gains (association, not cause).")
    assert "Accelerate: Active signposting, 70% of adopters v 30% of non-adopters" in chart.title
    assert any("not evidence that the action caused" in note for note in chart.notes)
    assert "70.0% of 30 adopters with gains v 30.0% of 10 non-adopters" in chart.alt_text
    names = {t.name for t in chart.figure.data}
    assert names == {"Adopted the action", "Did not adopt it"}
    # the bar for a suppressed group is drawn at 0 and labelled in words
    adopters = [t for t in chart.figure.data if t.name == "Adopted the action"][0]
    assert list(adopters.text)[2] == "fewer than 5 adopters"
    assert list(adopters.x)[:2] == [70.0, 40.0]


def test_gains_by_number_of_actions():
    frame = pd.DataFrame(
        [("GPIP", 0, 4, 1), ("GPIP", 1, 20, 5), ("GPIP", 3, 10, 9)],
        columns=["programme", "actions_adopted", "assessed", "with_gains"],
    )
    chart = actions.gains_by_count(frame, "England")
    assert list(chart.data["group"]) == ["0 actions", "1 action", "3 actions"]
    assert chart.data["gains_pct"].tolist()[1:] == [25.0, 90.0]
    assert pd.isna(chart.data["gains_pct"].iloc[0])
    assert chart.data["shown_as"].tolist() == [
        "fewer than 5 assessed",
        "25.0% of 20 assessed",
        "90.0% of 10 assessed",
    ]
    assert chart.title.endswith("GPIP: 25% with 1 action, 90% with 3 actions")
    assert "association, not cause" in chart.subtitle


def by_area() -> pd.DataFrame:
    rows = []
    for kind, code, name, n, adopters in (
        ("region", "Y56", "London", 12, (6, 3, 0)),
        ("icb", "QRV", "NHS North West London Integrated Care Board", 10, (6, 1, 0)),
        ("icb", "QMJ", "NHS North Central London Integrated Care Board", 2, (1, 1, 0)),
    ):
        for number, (name_, a) in enumerate(zip(NAMES, adopters, strict=True), start=1):
            rows.append((kind, code, name, "Accelerate", number, name_, n, a))
    return pd.DataFrame(
        rows,
        columns=[
            "area_kind",
            "area_code",
            "area_name",
            "programme",
            "action_number",
            "action_name",
            "assessed",
            "adopters",
        ],
    )


def test_adoption_by_icb_table_with_small_numbers():
    assert actions.area_programmes(by_area(), "icb") == ["Accelerate"]
    chart = actions.adoption_by_area(by_area(), "icb", "Accelerate", "London region")
    assert chart.key == "actions_adoption_by_icb_accelerate"
    heat = chart.figure.data[0]
    assert list(heat.y) == ["North Central London (fewer than 5)", "North West London (n=10)"]
    assert [list(r) for r in heat.text] == [["", "", ""], ["60%", "10%", "0%"]]
    small = chart.data[chart.data["area_code"] == "QMJ"]
    assert small["adopted_pct"].isna().all() and small["adopters"].isna().all()
    assert chart.title == (
        "Accelerate, North West London: most adopted high impact action Active signposting "
        "(60% of 10 practices assessed)"
    )
    assert "North Central London: fewer than 5 assessed" in chart.alt_text
    assert "North West London: 10 assessed, most adopted Active signposting (60%)" in chart.alt_text


@pytest.mark.parametrize(
    "builder",
    [actions.adoption_by_programme, actions.gains_by_action],
)
def test_empty_scope_says_so(builder):
    chart = builder(by_programme().iloc[0:0], "Somewhere")
    assert chart.data.empty and chart.title.startswith("Too few")


def test_no_gap_is_not_called_the_widest_gap():
    frame = by_programme()
    frame = frame[frame["programme"] == "Accelerate"].assign(
        adopters_with_gains=lambda f: f["adopters"],
        non_adopters_with_gains=lambda f: f["non_adopters"],
    )
    chart = actions.gains_by_action(frame, "England")
    assert chart.title.endswith("Accelerate: no action with a higher share among its adopters")


def icbs(count: int) -> pd.DataFrame:
    one = by_area().query("area_code == 'QRV'")
    return pd.concat(
        [
            one.assign(area_code=f"Q{i:02d}", area_name=f"NHS Area {i} Integrated Care Board")
            for i in range(count)
        ]
    )


def test_only_a_table_of_many_icbs_is_detail_behind_its_switch():
    from gpaccess.registry import PAGES

    entry = next(e for e in PAGES["actions"].entries if e.key == "actions_by_area")
    charts = {
        n: actions.adoption_by_area(icbs(n), "icb", "Accelerate", "England")
        for n in (11, 25, 26, 42)
    }
    assert {n: entry.is_detail(c) for n, c in charts.items()} == {
        11: False,
        25: False,
        26: True,
        42: True,
    }
    regions = actions.adoption_by_area(by_area(), "region", "Accelerate", "England")
    assert not entry.is_detail(regions)
