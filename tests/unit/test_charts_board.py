"""Board chart functions on small hand-made frames: plotted values, the small-number rule, findings, text."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpaccess.charts import gains, phases, uptake
from gpaccess.charts.base import SOURCE_TRACKER
from gpaccess.db import IDENTITY_COLUMNS

D = dt.date


def bars(chart, name=None):
    return [t for t in chart.figure.data if t.type == "bar" and (name is None or t.name == name)]


def texts(chart):
    """The value labels' words (without the spaces that keep them clear of a plan marker)."""
    return [
        str(v).lstrip("\u00a0")
        for t in chart.figure.data
        if t.type == "scatter" and t.mode == "text"
        for v in (() if t.text is None else t.text)
    ]


def values(seq):
    """Plotted values as plain Python, a gap (NaN) as None."""
    return [None if pd.isna(v) else v for v in seq]


def plotted_x(chart):
    return values(x for t in bars(chart) for x in t.x)


def check_chart_basics(chart, scope_label):
    assert chart.title and "<br>" not in chart.title
    assert scope_label in chart.subtitle
    assert chart.source == SOURCE_TRACKER and SOURCE_TRACKER in chart.footnote
    assert chart.alt_text.endswith(".")
    assert not IDENTITY_COLUMNS & set(chart.data.columns)


# --- small-number rule -------------------------------------------------------------------------------------------
def test_small_number_rule_shows_fewer_than_5_and_no_share_below_5():
    frame = pd.DataFrame({"assessed": [0, 1, 4, 5, 10], "with_gains": [0, 1, 4, 4, 7]})
    out = gains.with_small_number_rule(
        frame, n="assessed", part="with_gains", pct="gains_pct", unit="assessed"
    )
    assert out["shown_as"].tolist() == [
        "none assessed",
        "fewer than 5 assessed",
        "fewer than 5 assessed",
        "80.0% of 5 assessed",
        "70.0% of 10 assessed",
    ]
    assert out["gains_pct"].isna().tolist() == [True, True, True, False, False]
    assert out["gains_pct"].iloc[3:].tolist() == [80.0, 70.0]
    assert out["with_gains"].isna().tolist() == [
        True,
        True,
        True,
        False,
        False,
    ]  # 4 of 4 is not revealed
    assert out["assessed"].tolist() == [0, 1, 4, 5, 10]  # n is always shown


def region_gains(rows):
    return pd.DataFrame(
        rows, columns=["programme", "region_code", "region_name", "assessed", "with_gains"]
    )


def test_gains_share_never_plots_a_percentage_for_fewer_than_5():
    frame = region_gains(
        [
            ("Accelerate", "Y56", "London", 4, 4),
            ("Accelerate", "Y60", "Midlands", 10, 7),
            ("Accelerate", "Y58", "South West", 0, 0),
        ]
    )
    chart = gains.gains_share(frame, "region", "England")
    assert plotted_x(chart) == [70.0]
    assert list(bars(chart)[0].y) == ["Midlands"]
    assert texts(chart) == ["fewer than 5 assessed"]
    london = chart.data.set_index("group").loc["London"]
    assert (
        pd.isna(london["gains_pct"]) and pd.isna(london["with_gains"]) and london["assessed"] == 4
    )
    assert "South West" not in set(
        chart.data["group"]
    )  # none assessed: not plotted, said in a note
    assert any("1 region rows with no practice assessed" in n for n in chart.notes)
    assert (
        chart.title
        == "70% of 10 assessed practices reported productivity gains (Accelerate, Midlands)"
    )
    assert "London: fewer than 5 assessed" in chart.alt_text
    check_chart_basics(chart, "England")


def test_gains_share_title_gives_the_range_per_programme():
    frame = region_gains(
        [
            ("Accelerate", "Y56", "London", 20, 15),
            ("Accelerate", "Y60", "Midlands", 10, 6),
            ("GPIP", "Y56", "London", 8, 4),
            ("GPIP", "Y60", "Midlands", 12, 6),
        ]
    )
    chart = gains.gains_share(frame, "region", "England")
    assert (
        chart.title
        == "Practices with productivity gains by region: Accelerate 60% to 75%; GPIP 50%"
    )
    assert sorted(plotted_x(chart)) == [50.0, 50.0, 60.0, 75.0]
    assert [t.name for t in bars(chart)] == ["Accelerate", "GPIP"]  # one facet per programme


def test_gains_by_phase_names_phases_without_repeating_the_programme():
    frame = pd.DataFrame(
        [("GPIP", "Cohort 2023-07", "intensive", D(2023, 7, 17), 6, 3)],
        columns=["programme", "phase", "level", "start_date", "assessed", "with_gains"],
    )
    chart = gains.gains_share(frame, "phase", "London region")
    assert list(bars(chart)[0].y) == ["Cohort 2023-07 · intensive"]
    assert chart.title.startswith("50% of 6 assessed practices")


def test_gains_share_with_everything_suppressed_says_so():
    frame = region_gains([("GPIP", "Y56", "London", 3, 1)])
    chart = gains.gains_share(frame, "region", "London region")
    assert plotted_x(chart) == []
    assert (
        chart.title
        == "Too few practices assessed in any region to show a share with productivity gains"
    )


def hours(rows):
    return pd.DataFrame(
        rows,
        columns=[
            "programme",
            "phase",
            "level",
            "start_date",
            "practices_reporting",
            "clinical_hours",
            "admin_hours",
        ],
    )


def test_hours_released_totals_and_means_with_small_groups_hidden():
    frame = hours(
        [
            ("Accelerate", "Phase 1", "intensive", D(2021, 12, 1), 5, 28.0, 17.0),
            ("Accelerate", "Phase 2", "intensive", D(2022, 4, 4), 2, 5.0, 5.0),
        ]
    )
    chart = gains.hours_released(frame, "England")
    row1, row2 = chart.data.iloc[0], chart.data.iloc[1]
    assert (row1["clinical_hours"], row1["admin_hours"]) == (28.0, 17.0)
    assert (row1["clinical_mean_per_practice"], row1["admin_mean_per_practice"]) == (5.6, 3.4)
    assert row2[["clinical_hours", "admin_hours", "clinical_mean_per_practice"]].isna().all()
    clinical = bars(chart, "Clinical hours")
    assert [values(t.x) for t in clinical] == [[28.0, None], [5.6, None]]
    assert "fewer than 5 practices reporting" in texts(chart)
    assert (
        chart.title
        == "Hours a month released by practices supported: Accelerate 28 clinical and 17 admin"
    )
    check_chart_basics(chart, "England")


def test_gain_kinds_keep_counts_but_no_share_for_fewer_than_5():
    frame = pd.DataFrame(
        [
            ("Accelerate", "more appointments", 6, 10),
            ("Accelerate", "reduced admin", 3, 10),
            ("GPIP", "better continuity", 1, 2),
        ],
        columns=["programme", "gain_kind", "practices", "practices_with_kind"],
    )
    chart = gains.gain_kinds(frame, "England")
    assert chart.data["practices"].tolist() == [6, 3, 1]
    assert chart.data["label"].tolist() == ["6 (60%)", "3 (30%)", "1"]
    assert plotted_x(chart) == [6, 3, 1]
    assert chart.title == (
        "Most common kind of gain. Accelerate: more appointments (6 practices, 60%); "
        "GPIP: better continuity (1 practice)"
    )


# --- phases -----------------------------------------------------------------------------------------------------
def phase_rows(planned=(6, 10)):
    columns = [
        "programme",
        "phase",
        "level",
        "start_date",
        "end_date",
        "weeks",
        "planned",
        "enrolled",
        "not_started",
        "active",
        "completed",
        "extended",
        "withdrawn",
        "supported",
        "modules_planned",
        "mean_modules",
        "group_sessions_planned",
        "mean_group_sessions",
        "onsite_visits_planned",
        "mean_onsite_visits",
    ]
    rows = [
        (
            "Accelerate",
            "Phase 1",
            "intensive",
            D(2021, 12, 1),
            D(2022, 4, 19),
            20,
            planned[0],
            6,
            0,
            0,
            3,
            2,
            1,
            5,
            4,
            3.8,
            4,
            3.0,
            12,
            11.4,
        ),
        (
            "GPIP",
            "Cohort 2023-07",
            "universal",
            D(2023, 7, 17),
            D(2023, 10, 8),
            None,
            planned[1],
            12,
            1,
            2,
            8,
            0,
            1,
            10,
            6,
            5.0,
            None,
            None,
            None,
            None,
        ),
    ]
    return pd.DataFrame(rows, columns=columns)


def stacked_totals(chart) -> dict[str, float]:
    totals: dict[str, float] = {}
    for trace in bars(chart):
        for y, x in zip(trace.y, trace.x, strict=True):
            totals[y] = totals.get(y, 0) + x
    return totals


def test_phase_status_stacks_statuses_to_the_enrolled_total_with_planned_marked():
    chart = phases.phase_status(phase_rows(), "England")
    assert stacked_totals(chart) == {
        "Phase 1": 6,
        "Cohort 2023-07": 12,
    }  # statuses add up to enrolled
    statuses = [w for w, _, _, _ in phases.STATUSES.values()]
    assert [t.name for t in bars(chart)] == statuses * 2  # one panel per kind of support
    assert [t.name for t in bars(chart) if t.showlegend] == statuses  # named once in the legend
    assert {t.marker.pattern.shape for t in bars(chart)} == {
        "",
        "/",
        ".",
        "x",
        "\\",
    }  # not colour alone
    planned = [t for t in chart.figure.data if t.name == "Planned places"]
    assert [(y, x) for t in planned for y, x in zip(t.y, t.x, strict=True)] == [
        ("Phase 1", 6),
        ("Cohort 2023-07", 10),
    ]
    assert texts(chart) == [
        "6 enrolled of 6 planned: 5 finished, 1 withdrew",
        "12 enrolled of 10 planned: 8 finished, 2 in support, 1 not started, 1 withdrew",
    ]
    panels = [a.text for a in chart.figure.layout.annotations]
    assert "Accelerate: intensive support, 20 weeks" in panels
    assert "GPIP: universal offer (webinars)" in panels
    assert chart.title == "13 of 18 enrolled practices have finished their core support; 2 withdrew"
    check_chart_basics(chart, "England")


def test_phase_status_outside_england_has_no_planned_marker_and_says_why():
    chart = phases.phase_status(phase_rows(planned=(None, None)), "London region")
    assert not [t for t in chart.figure.data if t.name == "Planned places"]
    assert texts(chart) == [
        "6 enrolled: 5 finished, 1 withdrew",
        "12 enrolled: 8 finished, 2 in support, 1 not started, 1 withdrew",
    ]
    assert any("shown for England only" in n for n in chart.notes)


def test_phase_status_outside_england_leaves_out_phases_nobody_in_scope_joined():
    frame = phase_rows(planned=(None, None))
    frame.loc[0, ["enrolled", "completed", "extended", "withdrawn"]] = 0
    chart = phases.phase_status(frame, "Somerset ICB")
    assert list(chart.data["phase"]) == ["Cohort 2023-07"]
    assert stacked_totals(chart) == {"Cohort 2023-07": 12}
    assert "1 phase or cohort level with no practice from Somerset ICB not shown." in chart.notes


def test_long_text_alternatives_list_the_first_items_and_point_to_the_table():
    assert phases.listing(["a", "b"]) == "a; b."
    assert (
        phases.listing([str(n) for n in range(15)], limit=3)
        == "0; 1; 2; and 12 more, listed in the data table."
    )


def test_support_delivery_weights_by_practices_and_hides_small_means():
    frame = phase_rows()
    frame.loc[1, "supported"] = 4  # fewer than 5: the universal cohort's mean modules is not shown
    chart = phases.support_delivery(frame, "England")
    data = chart.data
    assert list(data["component"]) == [
        "Improvement modules",
        "Group learning sessions",
        "On-site visits",
        "Improvement modules",
    ]  # universal has no sessions or visits planned
    assert (
        pd.isna(data["mean_delivered"].iloc[3])
        and data["shown_as"].iloc[3] == "fewer than 5 practices"
    )
    assert phases.delivered_share(data) == pytest.approx(
        {"Improvement modules": 95.0, "Group learning sessions": 75.0, "On-site visits": 95.0}
    )
    assert chart.title == (
        "Practices supported received on average 95% of modules, 75% of group sessions and "
        "95% of on-site visits planned"
    )
    assert "fewer than 5 practices" in texts(chart)


def test_delivered_share_is_weighted_by_practices_supported():
    data = pd.DataFrame(
        {
            "component": ["Improvement modules"] * 2,
            "planned_per_practice": [4, 4],
            "mean_delivered": [3.0, 4.0],
            "practices_supported": [10, 30],
        }
    )
    assert phases.delivered_share(data) == pytest.approx({"Improvement modules": 100 * 150 / 160})


def test_phase_timeline_bars_run_from_start_to_end_with_weeks_in_words():
    chart = phases.phase_timeline(phase_rows(), "England")
    accelerate, gpip = bars(chart)
    assert list(accelerate.base) == ["2021-12-01"]
    assert list(accelerate.x) == [(D(2022, 4, 19) - D(2021, 12, 1)).days * 86_400_000 + 86_400_000]
    assert list(accelerate.text) == ["20 weeks"] and list(gpip.text) == ["webinars"]
    assert accelerate.marker.pattern.shape != gpip.marker.pattern.shape
    assert (
        chart.title
        == "Accelerate: 1 phase, Dec 2021 to Apr 2022; GPIP: 1 cohort, Jul 2023 to Oct 2023"
    )


def test_labels_in_words():
    assert phases.phase_label("Accelerate", "Phase 2", "intensive") == "Accelerate · Phase 2"
    assert (
        phases.short_icb_name("NHS North West London Integrated Care Board") == "North West London"
    )
    assert (
        phases.plural(1, "practice") == "1 practice" and phases.plural(1200, "ICB") == "1,200 ICBs"
    )


# --- uptake -------------------------------------------------------------------------------------------------------
def uptake_frame():
    rows = [
        (
            "QRV",
            "NHS North West London Integrated Care Board",
            "Y56",
            "London",
            "GPIP",
            330,
            14,
            4,
            20,
        ),
        (
            "QMJ",
            "NHS North Central London Integrated Care Board",
            "Y56",
            "London",
            "GPIP",
            170,
            2,
            0,
            5,
        ),
        (
            "QOC",
            "NHS Shropshire, Telford and Wrekin Integrated Care Board",
            "Y60",
            "Midlands",
            "GPIP",
            50,
            6,
            1,
            3,
        ),
        (
            "QF7",
            "NHS South Yorkshire Integrated Care Board",
            "Y63",
            "North East and Yorkshire",
            "GPIP",
            0,
            0,
            0,
            0,
        ),
        (
            "QRV",
            "NHS North West London Integrated Care Board",
            "Y56",
            "London",
            "Accelerate",
            340,
            30,
            2,
            0,
        ),
    ]
    columns = [
        "icb_code",
        "icb_name",
        "region_code",
        "region_name",
        "programme",
        "practices",
        "enrolled",
        "withdrawn",
        "universal",
    ]
    return pd.DataFrame(rows, columns=columns)


def test_reference_rates_add_icbs_up_to_regions_and_england():
    rates = uptake.reference_rates(uptake_frame()).set_index(["programme", "region_name"])["rate"]
    assert rates[("GPIP", "England")] == round(
        100 * 22 / 550, 1
    )  # the ICB with no practices is left out
    assert rates[("GPIP", "London")] == round(100 * 16 / 500, 1)
    assert rates[("GPIP", "Midlands")] == 12.0
    assert rates[("Accelerate", "England")] == round(100 * 30 / 340, 1)


def test_uptake_share_filters_the_programme_and_leaves_out_icbs_without_practices():
    chart = uptake.uptake_share(uptake_frame(), "GPIP", "England")
    assert list(chart.data["icb"]) == [
        "North Central London",
        "North West London",
        "Shropshire, Telford and Wrekin",
    ]
    assert plotted_x(chart) == [1.2, 4.2, 12.0]
    assert list(bars(chart)[0].text) == ["1.2% (2 of 170)", "4.2% (14 of 330)", "12.0% (6 of 50)"]
    assert chart.title == "ICBs enrolled between 1% and 12% of their practices in GPIP"
    check_chart_basics(chart, "England")


def test_uptake_against_reference_marks_region_and_england():
    frame = uptake_frame()
    chart = uptake.uptake_against_reference(frame, frame, "GPIP", "England")
    icb = next(t for t in chart.figure.data if t.name == "ICB")
    region = next(t for t in chart.figure.data if t.name == "ICB's region")
    regions, icbs = icb.y  # ICBs grouped under their region's name
    assert list(zip(regions, icbs, icb.x, strict=True)) == [
        ("London", "North Central London", 1.2),
        ("London", "North West London", 4.2),
        ("Midlands", "Shropshire, Telford and Wrekin", 12.0),
    ]
    assert list(region.x) == [3.2, 3.2, 12.0]  # London, London, Midlands
    panels = [a.text for a in chart.figure.layout.annotations]
    assert "GPIP: England 4.0%" in panels
    assert icb.marker.symbol != region.marker.symbol
    assert [s.x0 for s in chart.figure.layout.shapes] == [4.0]  # England 22 of 550
    assert (
        chart.title
        == "ICBs enrolling a larger share of practices than England: 2 of 3 ICBs in GPIP (England 4.0%)"
    )


def test_uptake_for_one_icb_states_its_own_figures():
    frame = uptake_frame()
    one = frame[frame["icb_code"] == "QRV"]
    chart = uptake.uptake_against_reference(one, frame, "All", "North West London ICB")
    assert chart.title == (
        "North West London enrolled 8.8% in Accelerate (England 8.8%, London 8.8%); 4.2% in "
        "GPIP (England 4.0%, London 3.2%)"
    )


def test_withdrawals_show_only_icbs_with_withdrawals():
    chart = uptake.withdrawals_by_icb(uptake_frame(), "All", "England")
    assert [(t.name, list(t.y), list(t.x)) for t in bars(chart)] == [
        ("Accelerate", ["North West London"], [2]),
        ("GPIP", ["North West London", "Shropshire, Telford and Wrekin"], [4, 1]),
    ]
    assert (
        chart.title
        == "Practices that withdrew: 2 from Accelerate, 5 from GPIP; 2 of 4 ICBs had at least one"
    )


def test_telephony_blocked_names_the_icbs_and_the_total():
    frame = pd.DataFrame(
        [
            (
                "QOC",
                "NHS Shropshire, Telford and Wrekin Integrated Care Board",
                "Y60",
                "Midlands",
                25,
                17,
            ),
            ("QSL", "NHS Somerset Integrated Care Board", "Y58", "South West", 9, 5),
            ("QRV", "NHS North West London Integrated Care Board", "Y56", "London", 3, 0),
        ],
        columns=[
            "icb_code",
            "icb_name",
            "region_code",
            "region_name",
            "wished_to_enrol",
            "blocked",
        ],
    )
    chart = uptake.telephony_blocked(frame, "England")
    assert plotted_x(chart) == [17, 5]
    assert list(bars(chart)[0].text) == [
        "17 of 25 that wished to join",
        "5 of 9 that wished to join",
    ]
    assert chart.title == (
        "22 practices wished to join GPIP but were blocked by the digital telephony criterion; "
        "most in Shropshire, Telford and Wrekin (17)"
    )
    assert "1 other ICBs in scope had none" in chart.alt_text


def test_barriers_count_icbs_and_list_reports():
    kinds = pd.DataFrame(
        [("GPIP", "capacity", 9, 10, 23.0, 17), ("GPIP", "eligibility", 2, 2, None, 17)],
        columns=[
            "programme",
            "barrier",
            "icbs",
            "reports",
            "practices_affected",
            "icbs_reporting_any",
        ],
    )
    chart = uptake.barriers_by_kind(kinds, "England", "Jul 2023 to Dec 2023")
    assert plotted_x(chart) == [9, 2]
    assert list(bars(chart)[0].text) == ["9 ICBs (23 practices where stated)", "2 ICBs"]
    assert chart.title == "17 ICBs reported GPIP barriers, capacity most often (9)"
    assert "reported Jul 2023 to Dec 2023" in chart.subtitle
    reports = pd.DataFrame(
        [
            (
                "QOC",
                "NHS Shropshire, Telford and Wrekin Integrated Care Board",
                pd.Timestamp("2023-10-20"),
                "GPIP",
                "eligibility",
                17,
                "Not on digital telephony",
            )
        ],
        columns=[
            "icb_code",
            "icb_name",
            "reported_date",
            "programme",
            "barrier",
            "practices_affected",
            "detail",
        ],
    )
    table = uptake.barrier_table(reports, "England", "Jul 2023 to Dec 2023")
    assert table.data.iloc[0].tolist() == [
        "Shropshire, Telford and Wrekin",
        "20 Oct 2023",
        "GPIP",
        "eligibility",
        "17",
        "Not on digital telephony",
    ]
    assert list(table.figure.data[0].cells.values[0]) == ["Shropshire, Telford and Wrekin"]
    assert table.title == "1 barrier report from 1 ICB"


# --- empty inputs never break a page -----------------------------------------------------------------------------
def test_every_chart_copes_with_no_rows():
    empty_uptake = uptake_frame().iloc[0:0]
    charts = [
        phases.phase_status(phase_rows().iloc[0:0], "England"),
        phases.support_delivery(phase_rows().iloc[0:0], "England"),
        phases.phase_timeline(phase_rows().iloc[0:0], "England"),
        gains.gains_share(region_gains([]), "region", "England"),
        gains.hours_released(hours([]), "England"),
        gains.gain_kinds(
            pd.DataFrame(columns=["programme", "gain_kind", "practices", "practices_with_kind"]),
            "England",
        ),
        uptake.uptake_share(empty_uptake, "All", "England"),
        uptake.uptake_against_reference(empty_uptake, empty_uptake, "All", "England"),
        uptake.withdrawals_by_icb(empty_uptake, "All", "England"),
        uptake.withdrawal_reasons(
            pd.DataFrame(columns=["programme", "withdrawal_reason", "practices"]), "England"
        ),
    ]
    for chart in charts:
        assert chart.data.empty
        assert chart.title.startswith(("No ", "Too few"))
        check_chart_basics(chart, "England")
