"""A native chart's look, set in its XML by gpaccess.export.chart_xml, read back through python-pptx's own chart
objects: legend, axes, scales, bar spacing and order, data labels, line dashes and widths, markers."""

from __future__ import annotations

import datetime as dt

from pptx import Presentation
from pptx.enum.chart import XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE
from pptx.util import Inches, Pt

from gpaccess.export.native import PERCENT, NativeChart, NativeSeries
from gpaccess.export.slide_chart import add_chart

BOX = (Inches(0.5), Inches(1.75), Inches(12), Inches(4.65))


def drawn(native: NativeChart, compact: bool = False):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    return add_chart(slide, native, *BOX, compact=compact).chart


def bars(kind: str = "bar", count: int = 3, many: int = 14) -> NativeChart:
    series = tuple(
        NativeSeries(f"Series {s}", tuple(float(c + s) for c in range(many)), f"#00{s}0FF")
        for s in range(count)
    )
    return NativeChart(kind, tuple(f"ICB {c}" for c in range(many)), series, PERCENT, "Share (%)")  # type: ignore[arg-type]


def test_bars_read_top_down_with_labels_on_the_first_series_only_where_bars_are_thin():
    chart = drawn(bars())
    plot = chart.plots[0]
    assert chart.has_legend and chart.legend.position == XL_LEGEND_POSITION.TOP
    assert chart.legend.include_in_layout is False
    assert chart.category_axis.reverse_order is True
    assert plot.gap_width == 40
    assert chart.value_axis.minimum_scale == 0
    assert chart.value_axis.tick_labels.number_format == PERCENT
    assert chart.value_axis.axis_title.text_frame.text == "Share (%)"
    assert plot.data_labels.position == XL_LABEL_POSITION.OUTSIDE_END
    assert plot.data_labels.font.size == Pt(10)
    assert [s.data_labels.show_value for s in plot.series][1:] == [False, False]
    assert [str(s.format.fill.fore_color.rgb) for s in plot.series] == [
        "0000FF",
        "0010FF",
        "0020FF",
    ]


def test_columns_read_left_to_right_and_one_series_has_no_legend():
    chart = drawn(bars("column", count=1, many=2))
    assert chart.category_axis.reverse_order is False
    assert not chart.has_legend
    assert chart.plots[0].data_labels.font.size == Pt(11)  # few wide bars: larger labels


def test_stacked_bars_overlap_and_carry_no_data_labels():
    plot = drawn(bars("stacked_bar")).plots[0]
    assert plot.overlap == 100 and not plot.has_data_labels


def test_lines_keep_their_dashes_widths_markers_and_special_points():
    months = tuple(dt.date(2024, m, 1) for m in range(1, 13))
    values = tuple(float(m) for m in range(12))
    native = NativeChart(
        "line",
        months,
        (
            NativeSeries("Value", values, "#005EB8", markers=True, point_colours={3: ("#ED8B00", "diamond")}),
            NativeSeries("Limit", values, "#425563", dashed=True),
            NativeSeries("Concern", values, "#ED8B00", markers=True, line=False, symbol="square"),
        ),
        PERCENT,
        labels=False,
        zero_based=False,
    )  # fmt: skip
    chart = drawn(native, compact=True)
    value, limit, concern = chart.plots[0].series
    assert value.format.line.width == Pt(2.25) and value.marker.style == XL_MARKER_STYLE.CIRCLE
    assert value.marker.size == 5
    point = value.points[3]
    assert point.marker.style == XL_MARKER_STYLE.DIAMOND and point.marker.size == 9
    assert str(point.marker.format.fill.fore_color.rgb) == "ED8B00"
    assert (
        str(point.format.fill.fore_color.rgb) == "ED8B00"
    )  # LibreOffice reads the point's own fill
    assert limit.format.line.dash_style == MSO_LINE.DASH and limit.format.line.width == Pt(1.5)
    assert limit.marker.style == XL_MARKER_STYLE.NONE
    assert concern.marker.style == XL_MARKER_STYLE.SQUARE and concern.marker.size == 9
    assert not chart.has_legend  # small multiples: the footnote says what the lines are
    axis = chart.value_axis
    assert (axis.minimum_scale, axis.maximum_scale) == (0.0, 13.0)  # 0 to 11, padded by a tenth
    assert chart.font.size == Pt(9) and chart.font.name == "Arial"
