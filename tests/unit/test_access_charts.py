"""Access chart functions: what is plotted is exactly the data; small numbers suppressed; no practice labels."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from gpaccess.charts.access import mode_mix, share_distribution, support_reach


def reach_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "icb_code": ["QAA", "QBB"],
            "icb_name": ["NHS Alpha Integrated Care Board", "NHS Beta Integrated Care Board"],
            "practices_ranked": [100, 12],
            "lowest": [20, 3],
            "lowest_in_accelerate": [8, 1],
            "lowest_in_gpip": [7, 2],
            "lowest_in_either": [12, 2],
            "supported": [30, 4],
            "supported_not_lowest": [18, 2],
        }
    )


def test_support_reach_suppresses_counts_below_5():
    chart = support_reach(
        reach_frame(), "face_to_face_pct", "England", "Aug 2025 to Oct 2025", None
    )
    data = chart.data.set_index(["icb", "series"])
    alpha = data.loc["NHS Alpha ICB"]
    assert alpha.loc["Lowest 20%, in Accelerate or GPIP", "shown_as"] == "12"
    assert alpha.loc["Lowest 20%, in neither programme", "practices"] == 8
    beta = data.loc["NHS Beta ICB"]
    assert beta["practices"].isna().all()
    assert set(beta["shown_as"]) == {"fewer than 5"}
    beta_bars = [v for trace in chart.figure.data for v in list(trace.x)[1:]]
    assert beta_bars == [0, 0, 0]  # no bar drawn for a suppressed count
    texts = json.dumps([list(trace.text) for trace in chart.figure.data])
    assert texts.count("fewer than 5") == 3
    assert chart.title.startswith("61% of the practices")  # 14 of 23 in their ICB's lowest 20%


def test_support_reach_is_exact_for_the_viewers_own_icb():
    chart = support_reach(reach_frame(), "face_to_face_pct", "England", "Oct 2025", exact_for="QBB")
    beta = chart.data.set_index(["icb", "series"]).loc["NHS Beta ICB"]
    assert beta.loc["Lowest 20%, in Accelerate or GPIP", "shown_as"] == "2"
    assert beta.loc["Lowest 20%, in neither programme", "practices"] == 1


def test_share_distribution_has_counts_only():
    frame = pd.DataFrame(
        {
            "band_from": range(0, 100, 5),
            "band_to": range(5, 105, 5),
            "practices": [0] * 10 + [3, 4, 5, 6, 7, 0, 0, 0, 0, 1],
            "median_share": [62.5] * 20,
            "practices_total": [26] * 20,
        }
    )
    chart = share_distribution(frame, "NHS Alpha ICB", "Oct 2025")
    assert list(chart.data.columns) == ["band", "band_from", "band_to", "practices"]
    assert chart.data["practices"].sum() == 26
    assert list(chart.figure.data[0].y) == frame["practices"].tolist()
    assert chart.figure.data[0].text is None  # no labels on the bars
    assert "Half of the 26 practices" in chart.title and "below 62.5%" in chart.title


def test_mode_mix_shares_add_up():
    frame = pd.DataFrame(
        {
            "month": [dt.date(2025, 9, 1), dt.date(2025, 10, 1)],
            "appointments": [1000, 2000],
            "face_to_face": [600, 1300],
            "telephone": [300, 500],
            "video_online": [50, 100],
            "home_visit": [10, 20],
            "unknown_mode": [40, 80],
        }
    )
    chart = mode_mix(frame, "England", "Sep to Oct 2025")
    shares = chart.data.drop(columns="month").sum(axis=1)
    assert shares.tolist() == [100.0, 100.0]
    assert chart.title.startswith(
        "In Oct 2025, 65% of appointments were face to face and 25% by telephone"
    )


def test_support_reach_text_alternative_is_one_part_per_icb_and_stops_at_twelve():
    two = support_reach(reach_frame(), "face_to_face_pct", "England", "Oct 2025", None).alt_text
    assert two.endswith(
        "NHS Alpha ICB: 12 (lowest 20%, in Accelerate or GPIP), 8 (lowest 20%, in neither programme), 18 (in a "
        "programme, not in the lowest 20%); NHS Beta ICB: fewer than 5 (lowest 20%, in Accelerate or GPIP), "
        "fewer than 5 (lowest 20%, in neither programme), fewer than 5 (in a programme, not in the lowest 20%)."
    )
    many = pd.concat(
        [
            reach_frame().iloc[:1].assign(icb_code=f"Q{i:02d}", icb_name=f"NHS Area {i:02d} ICB")
            for i in range(20)
        ]
    )
    alt = support_reach(many, "face_to_face_pct", "England", "Oct 2025", None).alt_text
    assert alt.count("NHS Area") == 12 and alt.endswith("and 8 more, listed in the data table.")
