"""The board pack's pieces on hand-made data: the URL's `charts` parameter (round trip, hostile values), file
names (hostile scope names), repeated titles numbered, all-suppressed charts left out, the Gantt's bars from the
phases and the event study's shaded bands."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pandas as pd
from pptx import Presentation
from pptx.oxml.ns import qn

from gpaccess.export.native import impact_event
from gpaccess.export.native_gantt import GANTT_OFFSET, phase_gantt
from gpaccess.export.pack import (
    DEFAULT_PACK,
    NOT_IN_PACK,
    PACK_CHOICES,
    Section,
    _built_or_new,
    build_pack,
    chart_label,
    deck_file_name,
    file_words,
)
from gpaccess.registry import ENTRIES
from gpaccess.scope import Scope
from gpaccess.text import plain
from gpaccess.url_state import charts_from_param, param_from_charts
from tests.unit.test_export_slides import CTX, chart, placed

SAFE_NAME = re.compile(
    r"board-pack_[A-Za-z0-9-]+_(\d{4}-\d{2}|no-data)_OFFICIAL(-SENSITIVE)?\.pptx"
)


# --- the URL ------------------------------------------------------------------------------------------------
def test_charts_round_trip_through_the_url_in_the_dashboards_order():
    chosen = ["support_reach", "uptake_share", "phase_timeline"]
    back, notes = charts_from_param(param_from_charts(chosen), PACK_CHOICES)
    assert notes == []
    assert back == [k for k in ENTRIES if k in chosen]  # registry order, whatever order was written


def test_unknown_and_hostile_chart_keys_are_dropped_and_said_in_plain_text():
    hostile = "[click](http://evil.example)"
    value = f"uptake_share,{hostile},support_list,**bold**,../../etc/passwd"
    chosen, notes = charts_from_param(value, PACK_CHOICES)
    assert chosen == ["uptake_share"]
    assert len(notes) == 1
    note = notes[0]
    assert plain(hostile, 40) in note and "](" not in note.replace(plain(hostile, 40), "")
    assert "**bold**" not in note  # escaped, never markdown
    assert (
        "and 1 more" in note
    )  # the named list's key is not a pack chart either: 4 unknown, 3 named


def test_an_empty_or_huge_charts_parameter_is_no_selection_or_a_bounded_one():
    assert charts_from_param("", PACK_CHOICES) == ([], [])
    chosen, notes = charts_from_param(",".join(["uptake_share"] * 10_000), PACK_CHOICES)
    assert chosen == ["uptake_share"] and notes == []


def test_the_pack_never_offers_the_named_list_and_labels_every_choice_apart():
    assert "support_list" in ENTRIES and "support_list" not in PACK_CHOICES
    assert NOT_IN_PACK.isdisjoint(DEFAULT_PACK) and set(DEFAULT_PACK) <= set(PACK_CHOICES)
    labels = [chart_label(k) for k in PACK_CHOICES]
    assert len(set(labels)) == len(labels), "two charts with the same label"


# --- file names ---------------------------------------------------------------------------------------------
def test_file_name_has_scope_month_and_marking():
    ctx = dataclasses.replace(
        CTX, scope_label="NHS North West London ICB", last_month=dt.date(2026, 9, 1)
    )
    assert (
        deck_file_name(ctx, "OFFICIAL") == "board-pack_North-West-London-ICB_2026-09_OFFICIAL.pptx"
    )
    gpip = dataclasses.replace(ctx, scope=Scope(programme="GPIP"))
    assert deck_file_name(gpip, "OFFICIAL-SENSITIVE") == (
        "board-pack_North-West-London-ICB-GPIP_2026-09_OFFICIAL-SENSITIVE.pptx"
    )


def test_hostile_scope_names_give_safe_file_names():
    for hostile in (
        "../../etc/passwd",
        "..\\..\\Windows\\system32",
        "NHS <script>alert(1)</script> ICB",
        "/abs/path\x00nul",
        "Ｆｕｌｌｗｉｄｔｈ ‮evil",
        "...",
        "x" * 500,
    ):
        ctx = dataclasses.replace(CTX, scope_label=hostile, last_month=dt.date(2026, 9, 1))
        name = deck_file_name(ctx, "OFFICIAL")
        assert SAFE_NAME.fullmatch(name), (hostile, name)
        assert "/" not in name and "\\" not in name and ".." not in name
    assert file_words("...") == "scope"
    assert file_words("NHS Cheshire and Merseyside ICB") == "Cheshire-and-Merseyside-ICB"


# --- slides -------------------------------------------------------------------------------------------------
def titles(deck: bytes) -> list[str]:
    return [s.shapes.title.text for s in Presentation(io.BytesIO(deck)).slides]


def test_a_chart_over_several_slides_numbers_its_titles_and_no_two_in_a_row_are_the_same():
    icbs = pd.DataFrame(
        {
            "programme": ["Accelerate"] * 30,
            "icb": [f"ICB {i:02d}" for i in range(30)],
            "withdrawn": [float(i + 1) for i in range(30)],
        }
    )
    same = "Practices that withdrew"
    first = chart("withdrawals_by_icb", icbs, title=same)
    other = chart("withdrawals_by_icb", icbs.head(3), title=same)  # another chart, the same finding
    deck = build_pack([Section("Uptake", placed(first, other))], CTX, contents=False)
    shown = titles(deck)[1:]
    assert shown == [f"{same} ({i} of 3)" for i in (1, 2, 3)]
    assert all(a != b for a, b in zip(shown, shown[1:], strict=False))


def test_a_chart_whose_every_value_is_suppressed_is_not_a_slide():
    gains = pd.DataFrame(
        {
            "programme": ["Accelerate", "GPIP"],
            "group": ["Phase 1", "Cohort 2023-07 · intensive"],
            "gains_pct": [72.0, None],  # GPIP: fewer than 5 assessed
            "assessed": [200, 3],
        }
    )
    deck = build_pack([Section("Gains", placed(chart("gains_by_phase", gains)))], CTX)
    panels = [
        shape.name
        for slide in Presentation(io.BytesIO(deck)).slides
        for shape in slide.shapes
        if "|" in shape.name
    ]
    assert panels == ["gains_by_phase|Accelerate"]


def phases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "programme": ["Accelerate", "GPIP", "GPIP", "GPIP"],
            "phase": ["Phase 1", "Cohort 2023-07", "Cohort 2023-07", "Cohort 2023-07"],
            "level": ["intensive", "universal", "intermediate", "intensive"],
            "start_date": pd.to_datetime(["2021-12-01", "2023-07-17", "2023-07-17", "2023-07-17"]),
            "end_date": pd.to_datetime(["2022-04-19", "2023-10-08", "2023-10-15", "2024-01-14"]),
            "weeks": [20, None, 13, 26],
            "length": ["20 weeks", "webinars", "13 weeks", "26 weeks"],
        }
    )


def test_the_gantt_has_a_bar_per_phase_from_start_to_its_latest_planned_end():
    (heading, native), *_ = phase_gantt(chart("phase_timeline", phases()))
    assert native.kind == "gantt" and native.categories == (
        "Accelerate · Phase 1",
        "GPIP · Cohort 2023-07",
    )
    start, accelerate, gpip = native.series
    assert start.name == GANTT_OFFSET
    epoch = dt.date(1899, 12, 30)
    assert start.values == (
        float((dt.date(2021, 12, 1) - epoch).days),
        float((dt.date(2023, 7, 17) - epoch).days),
    )
    # Accelerate 1 Dec 2021 to 19 Apr 2022 inclusive; GPIP's cohort to its intensive level's end
    assert accelerate.values == (
        float((dt.date(2022, 4, 19) - dt.date(2021, 12, 1)).days + 1),
        None,
    )
    assert gpip.values == (None, float((dt.date(2024, 1, 14) - dt.date(2023, 7, 17)).days + 1))
    assert native.value_min == float((dt.date(2021, 12, 1) - epoch).days)


def values(ser) -> list[float]:
    """A series' values as written in the chart part (its name aside)."""
    return [float(v.text) for v in ser.find(qn("c:val")).iter(qn("c:v"))]


def test_the_event_study_draws_each_interval_as_one_shaded_band():
    rows = []
    for arm in ("supported", "comparator"):
        for month in range(-3, 4):
            mean = 60.0 + month + (2 if arm == "supported" else 0)
            rows.append((arm, month, 10, mean, mean - 1.5, mean + 1.0))
    data = pd.DataFrame(
        rows, columns=["arm", "relative_month", "practices", "mean", "ci_low", "ci_high"]
    )
    event = chart("impact_event_face_to_face_accelerate", data)
    deck = build_pack([Section("Impact", placed(event))], CTX)
    shape = next(
        s
        for slide in Presentation(io.BytesIO(deck)).slides
        for s in slide.shapes
        if s.name.startswith("impact_event")
    )
    plot_area = shape.chart._chartSpace.chart.plotArea
    areas = plot_area.findall(qn("c:areaChart"))
    assert len(areas) == 2  # one band per arm
    line_series = plot_area.find(qn("c:lineChart")).findall(qn("c:ser"))
    assert len(line_series) == 2, "the means only: no dashed interval lines"
    for area, arm in zip(areas, ("supported", "comparator"), strict=True):
        low, width = area.findall(qn("c:ser"))
        expected = data[data["arm"] == arm]
        assert values(low) == expected["ci_low"].tolist()
        assert values(width) == (expected["ci_high"] - expected["ci_low"]).round(6).tolist()
        assert (
            low.find(qn("c:spPr")).find(qn("a:noFill")) is not None
        )  # the band starts at its low end
        assert width.find(qn("c:spPr")).find(qn("a:solidFill")) is not None
    panels = impact_event(event)
    assert len(panels[0][1].bands) == 2


# --- the summary's SPC verdicts -----------------------------------------------------------------------------
def test_the_summary_takes_the_spc_charts_the_pack_built_and_builds_the_others():
    """The access outcomes the pack has built are the summary's own (not built twice); a measure the pack
    left out is built from the data (here none: no chart)."""
    dna = chart("spc_dna_pct", pd.DataFrame({"month": [dt.date(2026, 9, 1)], "dna_pct": [4.0]}))
    trend = _built_or_new([Section("Access", placed(dna))])
    asked: list[str] = []

    def fetch(name, scope=None, **extra):
        asked.append(name)
        return pd.DataFrame()  # no months: no SPC chart

    assert trend(fetch, CTX, "dna_pct") is dna
    assert asked == []
    assert trend(fetch, CTX, "same_day_pct") is None
    assert asked == ["appointments_monthly"]
