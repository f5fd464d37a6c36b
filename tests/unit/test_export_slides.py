"""The deck builder on hand-made charts: 16:9, finding as slide title, alt text on every chart, key figures in the
notes, source and caveats in the footnote, native chart values equal the plotted data (also when a long chart
continues on a second slide), SPC special-cause points coloured, classification from the data's identities."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.util import Inches

from gpaccess import theme
from gpaccess.access import Viewer
from gpaccess.charts import Chart
from gpaccess.export.native import data_table
from gpaccess.export.pack import Section, build_pack
from gpaccess.registry import ENTRIES, ChartContext, Placed
from gpaccess.scope import Scope

CTX = ChartContext(Viewer(), Scope(region="Y56"), "London region", "Apr 2021 to Sep 2026")


def placed(*charts: Chart) -> list[Placed]:
    """Each hand-made chart with the slide rule of the registry entry that makes charts with its key (an
    entry's charts have its key, or its key and a measure or programme after it)."""
    return [Placed(c, _entry_rule(c.key)) for c in charts]


def _entry_rule(chart_key: str):
    keys = [k for k in ENTRIES if chart_key == k or chart_key.startswith(f"{k}_")]
    return ENTRIES[max(keys, key=len)].slide if keys else data_table


def chart(
    key: str, data: pd.DataFrame, title: str = "Finding in words", notes=("A caveat.",)
) -> Chart:
    return Chart(
        key,
        title,
        "London region · programme to date",
        go.Figure(),
        data,
        f"Alt text of {key}.",
        "Source: test.",
        tuple(notes),
    )


def reasons() -> Chart:
    data = pd.DataFrame(
        {
            "programme": ["Accelerate", "Accelerate", "GPIP"],
            "withdrawal_reason": ["capacity", "workforce", "capacity"],
            "practices": [4, 2, 16],
            "reason": ["Capacity", "Workforce", "Capacity"],
        }
    )
    return chart("withdrawal_reasons", data, "Capacity is the most common reason")


def icbs(n: int) -> Chart:
    data = pd.DataFrame(
        {
            "programme": ["GPIP"] * n,
            "icb": [f"ICB {i:02d}" for i in range(n)],
            "icb_code": [f"Q{i:02d}" for i in range(n)],
            "icb_name": [f"NHS ICB {i:02d} Integrated Care Board" for i in range(n)],
            "withdrawn": list(range(1, n + 1)),
        }
    )
    return chart("withdrawals_by_icb", data)


def spc() -> Chart:
    months = [dt.date(2024, m, 1) for m in range(1, 13)]
    variation = ["common"] * 9 + ["improvement", "concern", "neutral"]
    data = pd.DataFrame(
        {
            "month": pd.to_datetime(months),
            "dna_pct": [4.0 + 0.1 * i for i in range(12)],
            "mean": [4.5] * 12,
            "lower_limit": [3.9] * 12,
            "upper_limit": [5.1] * 12,
            "special_cause": [v != "common" for v in variation],
            "variation": variation,
        }
    )
    return chart("spc_dna_pct", data)


def deck(*charts: Chart) -> Presentation:
    return Presentation(io.BytesIO(build_pack([Section("Uptake by ICB", placed(*charts))], CTX)))


def frames(prs):
    return [(slide, shape) for slide in prs.slides for shape in slide.shapes if "|" in shape.name]


def test_16_9_cover_and_contents():
    prs = deck(reasons())
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    cover = " ".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    for words in ("London region", "Apr 2021 to Sep 2026", "Classification: OFFICIAL", "Public"):
        assert words in cover
    assert "OFFICIAL-SENSITIVE" not in cover
    assert prs.slides[1].shapes.title.text == "Contents"
    contents = " ".join(s.text_frame.text for s in prs.slides[1].shapes if s.has_text_frame)
    assert "Uptake by ICB: slides 3 to 3" in contents


def test_chart_slide_title_alt_text_notes_footnote_and_values():
    item = reasons()
    prs = deck(item)
    [(slide, shape)] = frames(prs)
    assert slide.shapes.title.text == item.title
    assert slide.shapes.title.width > Inches(12)  # resized for 16:9
    run = slide.shapes.title.text_frame.paragraphs[0].runs[0]
    assert run.font.name == "Arial" and run.font.size.pt >= 20
    descr = shape._element.nvGraphicFramePr.cNvPr.get("descr")
    assert descr == item.alt_text
    assert shape.chart.has_title is False
    notes = slide.notes_slide.notes_text_frame.text
    assert item.alt_text in notes and "Key figures" in notes
    texts = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "Source: test. A caveat." in texts and "OFFICIAL" in texts
    plot = shape.chart.plots[0]
    values = {
        (s.name, c): v for s in plot.series for c, v in zip(plot.categories, s.values, strict=True)
    }
    assert values == {
        ("Accelerate", "Capacity"): 4.0,
        ("Accelerate", "Workforce"): 2.0,
        ("GPIP", "Capacity"): 16.0,
        ("GPIP", "Workforce"): None,
    }
    assert plot.data_labels.font.size.pt >= 10  # readable


def test_a_long_chart_continues_on_the_next_slide_with_the_same_scale():
    prs = deck(icbs(30))
    parts = frames(prs)
    assert len(parts) == 2
    shown = []
    for _, shape in parts:
        plot = shape.chart.plots[0]
        shown += list(zip(plot.categories, plot.series[0].values, strict=True))
        assert shape.chart.value_axis.maximum_scale == pytest.approx(33.0)
        assert len(list(plot.categories)) <= 22
    assert shown == [(f"ICB {i:02d}", float(i + 1)) for i in range(30)]
    texts = [s.text_frame.text for slide, _ in parts for s in slide.shapes if s.has_text_frame]
    assert any(t.endswith("(2 of 2)") for t in texts)  # the title numbers the parts


def test_spc_is_a_line_chart_with_mean_limits_and_coloured_special_causes():
    prs = deck(spc())
    [(_, shape)] = frames(prs)
    plot = shape.chart.plots[0]
    assert [s.name for s in plot.series] == [
        "Value",
        "Mean",
        "Upper process limit",
        "Lower process limit",
        "Special cause: improvement",
        "Special cause: concern",
        "Special cause: neutral",
    ]
    # the overlays hold the special-cause values only, so the legend names each kind
    assert list(plot.series[5].values) == [None] * 10 + [pytest.approx(5.0), None]
    assert list(plot.series[0].values) == pytest.approx([4.0 + 0.1 * i for i in range(12)])
    assert list(plot.series[2].values) == [5.1] * 12
    fills = {}
    for i in (0, 9, 10, 11):
        marker = plot.series[0].points[i].marker
        fills[i] = str(marker.format.fill.fore_color.rgb) if marker.format.fill.type == 1 else None
    assert fills[9] == theme.SPC_IMPROVEMENT.lstrip("#").upper()
    assert fills[10] == theme.SPC_CONCERN.lstrip("#").upper()
    assert fills[11] == theme.SPC_NEUTRAL.lstrip("#").upper()
    xml = shape.chart._chartSpace.xml
    assert 'prstDash val="dash"' in xml  # limits dashed: not told by colour alone
    assert '<c:symbol val="diamond"/>' in xml and '<c:symbol val="square"/>' in xml


def test_an_unknown_chart_is_exported_as_a_table_of_its_data():
    data = pd.DataFrame({"thing": ["a", "b"], "count": [1, 2]})
    prs = deck(chart("something_new", data))
    [(_, shape)] = frames(prs)
    assert shape.has_table
    rows = [[c.text for c in r.cells] for r in shape.table.rows]
    assert rows == [["Thing", "Count"], ["a", "1"], ["b", "2"]]
    assert shape._element.nvGraphicFramePr.cNvPr.get("descr") == "Alt text of something_new."


def test_practice_identities_make_the_pack_official_sensitive():
    data = pd.DataFrame({"practice_code": ["X1"], "practice_name": ["A practice"], "count": [3]})
    prs = deck(chart("named_practices", data), reasons())
    cover = " ".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert "Classification: OFFICIAL-SENSITIVE" in cover
    for slide in list(prs.slides)[1:]:
        assert any(
            s.has_text_frame and s.text_frame.text == "OFFICIAL-SENSITIVE" for s in slide.shapes
        )
