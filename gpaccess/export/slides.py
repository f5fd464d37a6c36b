"""Board pack as a PowerPoint deck: native, editable charts with their numbers inside (python-pptx). Pure.

16:9, NHS identity (NHS Blue, Arial), one slide per chart panel: the finding as the slide title, scope and period
below it, source and caveats in a footnote, the key figures in the speaker notes, alt text on every chart.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pptx import Presentation
from pptx.chart.data import Categories, CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt, lazyproperty
from xlsxwriter import Workbook

from gpaccess import theme
from gpaccess.charts import Chart
from gpaccess.db import IDENTITY_COLUMNS
from gpaccess.export.cells import neutralise_text
from gpaccess.export.native import NativeChart, NativeTable, Panel
from gpaccess.export.slide_table import add_table
from gpaccess.registry import ChartContext, Placed

if TYPE_CHECKING:
    from gpaccess.summary import Summary

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
FONT = theme.PPTX_FONT
MAX_CATEGORIES = 21  # bars per slide (two thirds with two series or more) before a panel continues on the next slide
MAX_TABLE_ROWS = 13
LINE_AT_14PT = 110  # characters of 14 pt text that surely fit across the slide (about 140 at 11 pt)
OFFICIAL = "OFFICIAL"
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
PACK_TITLE = "GP access improvement programmes: board pack"

_MARKERS = {
    "circle": XL_MARKER_STYLE.CIRCLE,
    "diamond": XL_MARKER_STYLE.DIAMOND,
    "square": XL_MARKER_STYLE.SQUARE,
    "triangle": XL_MARKER_STYLE.TRIANGLE,
}
_KINDS = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}


@dataclass(frozen=True)
class Section:
    heading: str
    items: Sequence[Placed]  # each chart with the rule that draws it (gpaccess.registry)

    @property
    def charts(self) -> list[Chart]:
        return [item.chart for item in self.items]


def classification(sections: Sequence[Section]) -> str:
    """OFFICIAL-SENSITIVE when any chart's data holds practice identities, else OFFICIAL."""
    for section in sections:
        for chart in section.charts:
            if IDENTITY_COLUMNS & {str(c).lower() for c in chart.data.columns}:
                return OFFICIAL_SENSITIVE
    return OFFICIAL


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _text(
    slide,
    left,
    top,
    width,
    height,
    text: str,
    *,
    size: int = 14,
    bold: bool = False,
    colour: str = theme.NHS_BLACK,
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = _rgb(colour)
    return box


def _set_title(slide, text: str, size: int = 24) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (
        MARGIN,
        Inches(0.35),
        WIDTH - 2 * MARGIN,
        Inches(0.95),
    )
    frame = title.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Inches(0.05)
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    frame.text = text
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size, run.font.bold, run.font.name = Pt(size), True, FONT
        run.font.color.rgb = _rgb(theme.NHS_BLUE)


def _frame(slide, label: str, number: int) -> None:
    """Classification at the top right, NHS blue rule under the title area, slide number at the bottom right."""
    _text(
        slide,
        WIDTH - Inches(4.5),
        Inches(0.05),
        Inches(4.0),
        Inches(0.3),
        label,
        size=11,
        bold=True,
        align=PP_ALIGN.RIGHT,
    )
    rule = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(0.12))
    rule.fill.solid()
    rule.fill.fore_color.rgb = _rgb(theme.NHS_BLUE)
    rule.line.fill.background()
    _text(
        slide,
        WIDTH - Inches(1.2),
        HEIGHT - Inches(0.4),
        Inches(0.8),
        Inches(0.3),
        str(number),
        size=11,
        colour=theme.NHS_DARK_GREY,
        align=PP_ALIGN.RIGHT,
    )


def _alt_text(frame, text: str) -> None:
    frame._element.nvGraphicFramePr.cNvPr.set("descr", text)


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _chunks(native: NativeChart | NativeTable) -> list[NativeChart | NativeTable]:
    if isinstance(native, NativeTable):
        rows = native.rows
        wordy = any(len(value) > 40 for row in rows for value in row)  # rows wrap onto two lines
        step = MAX_TABLE_ROWS * 2 // 3 if wordy else MAX_TABLE_ROWS
        return [
            NativeTable(native.columns, rows[i : i + step])
            for i in range(0, max(len(rows), 1), step)
        ]
    most = MAX_CATEGORIES if len(native.series) == 1 else MAX_CATEGORIES * 2 // 3
    if native.kind == "line" or len(native.categories) <= most:
        return [native]
    n = len(native.categories)
    if native.kind == "stacked_bar":
        top = max(
            sum(v or 0 for v in values)
            for values in zip(*(s.values for s in native.series), strict=True)
        )
    else:
        top = max((v or 0) for s in native.series for v in s.values)
    parts = -(-n // most)
    size = -(-n // parts)  # even parts
    return [
        NativeChart(
            native.kind,
            native.categories[i : i + size],
            tuple(
                replace(s, values=s.values[i : i + size], point_colours={}) for s in native.series
            ),
            native.number_format,
            native.value_title,
            native.labels,
            top * 1.1 if top > 0 else None,
        )
        for i in range(0, n, size)
    ]


class _ValuesOnlyWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's writer of a chart's embedded workbook, with XlsxWriter told to write text as text: by
    default it makes text starting with '=' a formula and text that looks like a URL a hyperlink."""

    @property
    def xlsx_blob(self) -> bytes:
        out = io.BytesIO()
        workbook = Workbook(
            out,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._populate_worksheet(workbook, workbook.add_worksheet())
        workbook.close()
        return out.getvalue()


class SafeChartData(CategoryChartData):
    """Chart data for every native chart the project writes: category and series names through
    `neutralise_text` (so editing the data in PowerPoint does not revive a formula), and an embedded
    workbook of values only (no formulas, no hyperlinks)."""

    def add_category(self, label):
        return super().add_category(neutralise_text(label))

    def add_series(self, name, values=(), number_format=None):
        return super().add_series(neutralise_text(name), values, number_format)

    @property
    def categories(self):
        return super().categories

    @categories.setter
    def categories(self, category_labels):
        categories = Categories()
        for label in category_labels:
            categories.add_category(neutralise_text(label))
        self._categories = categories

    @lazyproperty
    def _workbook_writer(self):
        return _ValuesOnlyWorkbookWriter(self)


def _add_chart(slide, native: NativeChart, left, top, width, height):
    data = SafeChartData(number_format=native.number_format)
    data.categories = list(native.categories)
    if native.categories and isinstance(native.categories[0], int):  # dates keep their own format
        data.categories.number_format = native.category_format  # the embedded workbook's too
    for series in native.series:
        data.add_series(series.name, list(series.values))
    frame = slide.shapes.add_chart(_KINDS[native.kind], left, top, width, height, data)
    chart = frame.chart
    chart.has_title = False
    chart.font.name, chart.font.size = FONT, Pt(12)
    chart.font.color.rgb = _rgb(theme.NHS_BLACK)
    many = len(native.categories)
    category_size = 12 if many <= 12 else 11 if many <= 18 else 10
    chart.has_legend = len(native.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(12)
    values, categories = chart.value_axis, chart.category_axis
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = _rgb(theme.NHS_PALE_GREY)
    values.tick_labels.font.size = Pt(11)
    values.tick_labels.number_format = native.number_format
    values.tick_labels.number_format_is_linked = False
    values.format.line.fill.background()
    categories.tick_labels.font.size = Pt(category_size)
    categories.format.line.color.rgb = _rgb(theme.NHS_MID_GREY)
    if native.value_title:
        values.has_title = True
        values.axis_title.text_frame.text = native.value_title
        for run in values.axis_title.text_frame.paragraphs[0].runs:
            run.font.size, run.font.bold, run.font.name = Pt(11), False, FONT
    plot = chart.plots[0]
    if native.kind == "line":
        _style_lines(chart, native)
        categories.tick_labels.number_format = native.category_format
        categories.tick_labels.number_format_is_linked = False
        _blanks_span(chart)
        if not native.zero_based:  # an SPC chart: the axis fits the values and limits
            low = min(v for series in native.series for v in series.values if v is not None)
            high = max(v for series in native.series for v in series.values if v is not None)
            pad = (high - low) * 0.1 or 1.0
            values.minimum_scale = max(0.0, math.floor(low - pad))
            values.maximum_scale = math.ceil(high + pad)
        _label_every(categories, 6 if many > 24 else 3 if many > 12 else 1)
    else:
        values.minimum_scale = 0
        if native.value_max:
            values.maximum_scale = native.value_max
        # horizontal bars: the first category at the top, as on the page (columns read left to right)
        categories.reverse_order = native.kind != "column"
        plot.gap_width = 40
        if native.kind == "stacked_bar":
            plot.overlap = 100
        for series, spec in zip(plot.series, native.series, strict=True):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = _rgb(spec.colour)
            series.invert_if_negative = False
        if native.labels and native.kind != "stacked_bar":
            plot.has_data_labels = True
            labels = plot.data_labels
            labels.number_format, labels.number_format_is_linked = native.number_format, False
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            labels.font.size = Pt(10 if len(native.series) > 1 or many > 12 else 11)
            labels.font.color.rgb = _rgb(theme.NHS_BLACK)
            if len(native.series) > 2 or (len(native.series) > 1 and many > 12):
                for series in list(plot.series)[
                    1:
                ]:  # label the first series only where bars are thin
                    series.data_labels.show_value = False
        categories.tick_labels.offset = 50
        _label_every(categories, 1)
    return frame


def _style_lines(chart, native: NativeChart) -> None:
    for series, spec in zip(chart.plots[0].series, native.series, strict=True):
        series.smooth = False
        line = series.format.line
        line.color.rgb = _rgb(spec.colour)
        line.width = Pt(2.25 if spec.markers else 1.5)
        if not spec.line:
            line.fill.background()
        if spec.dashed:
            line.dash_style = MSO_LINE.DASH
        marker = series.marker
        if not spec.markers:
            marker.style = XL_MARKER_STYLE.NONE
            continue
        marker.style = _MARKERS.get(spec.symbol, XL_MARKER_STYLE.CIRCLE)
        marker.size = 5 if spec.line else 9
        marker.format.fill.solid()
        marker.format.fill.fore_color.rgb = _rgb(spec.colour)
        marker.format.line.color.rgb = _rgb(spec.colour)
        for index, (colour, symbol) in spec.point_colours.items():
            point = series.points[index].marker
            point.style, point.size = _MARKERS.get(symbol, XL_MARKER_STYLE.CIRCLE), 9
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(colour)
            point.format.line.color.rgb = _rgb(theme.NHS_WHITE)
            # LibreOffice colours a point by the point's own fill (PowerPoint by its marker's): set both
            series.points[index].format.fill.solid()
            series.points[index].format.fill.fore_color.rgb = _rgb(colour)


def _blanks_span(chart) -> None:
    """Draw a line across months a series has no value for (e.g. between programme starts)."""
    chart_el = chart._chartSpace.chart
    blanks = chart_el.find(qn("c:dispBlanksAs"))
    if blanks is None:
        blanks = chart_el.makeelement(qn("c:dispBlanksAs"), {})
        plot_vis = chart_el.find(qn("c:plotVisOnly"))
        (plot_vis.addnext if plot_vis is not None else chart_el.append)(blanks)
    blanks.set("val", "span")


def _label_every(axis, step: int) -> None:
    """Label every `step`-th category (1: all; renderers otherwise drop some when space is tight)."""
    ax = axis._element
    base = ax.find(qn("c:baseTimeUnit"))
    if (
        base is not None
    ):  # a date axis: monthly points, a label every `step` months (schema order kept)
        base.set("val", "months")
        unit = ax.makeelement(qn("c:majorUnit"), {"val": str(step)})
        base.addnext(unit)
        unit.addnext(ax.makeelement(qn("c:majorTimeUnit"), {"val": "months"}))
        return
    skip = ax.makeelement(qn("c:tickLblSkip"), {"val": str(step)})
    no_multi = ax.find(qn("c:noMultiLvlLbl"))
    if no_multi is not None:
        no_multi.addprevious(skip)
    else:
        ax.append(skip)


def _chart_slides(prs, item: Placed, label: str, next_number: Callable[[], int]) -> list[str]:
    """Slides for one chart: one per panel (and continuation); returns their titles for the contents."""
    titles = []
    chart = item.chart
    panel_list: list[Panel] = item.slide(chart)
    for heading, native in panel_list:
        parts = _chunks(native)
        for part_index, part in enumerate(parts):
            slide = prs.slides.add_slide(prs.slide_layouts[5])
            number = next_number()
            _frame(slide, label, number)
            _set_title(slide, chart.title, size=24 if len(chart.title) <= 90 else 20)
            where = [chart.subtitle]
            if heading:
                where.insert(0, heading)
            if len(parts) > 1:
                where.append(f"part {part_index + 1} of {len(parts)}")
            scope_line = " · ".join(where)
            _text(
                slide,
                MARGIN,
                Inches(1.3),
                WIDTH - 2 * MARGIN,
                Inches(0.4),
                scope_line,
                size=14 if len(scope_line) <= LINE_AT_14PT else 11,  # one line: clear of the chart
                colour=theme.NHS_DARK_GREY,
            )
            top, height = Inches(1.75), Inches(4.65)
            if isinstance(part, NativeTable):
                frame = add_table(slide, part, MARGIN, top, WIDTH - 2 * MARGIN, height)
            else:
                frame = _add_chart(slide, part, MARGIN, top, WIDTH - 2 * MARGIN, height)
            frame.name = (
                f"{chart.key}|{heading}"  # which chart and panel (tests and editors find it)
            )
            alt = chart.alt_text if not heading else f"{heading}: {chart.alt_text}"
            _alt_text(frame, alt)
            _text(
                slide,
                MARGIN,
                Inches(6.5),
                WIDTH - 2 * MARGIN - Inches(0.8),
                Inches(0.9),
                chart.footnote,
                size=10,
                colour=theme.NHS_DARK_GREY,
            )
            notes = [f"Key figures: {chart.alt_text}", f"Scope: {chart.subtitle}", chart.footnote]
            _notes(slide, "\n\n".join(notes))
            titles.append(chart.title)
    return titles


def build_pack(
    sections: Sequence[Section],
    ctx: ChartContext,
    *,
    title: str = PACK_TITLE,
    synthetic: bool = False,
    today: dt.date | None = None,
    summary: Summary | None = None,
) -> bytes:
    """The deck as bytes: title slide, the summary slide (when given), contents, then the chart slides of each
    section in order."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    label = classification(sections)
    today = today or dt.date.today()
    count = [0]

    def next_number() -> int:
        count[0] += 1
        return count[0]

    cover = prs.slides.add_slide(prs.slide_layouts[5])
    next_number()
    band = cover.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(3.6))
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(theme.NHS_BLUE)
    band.line.fill.background()
    _set_title(cover, title, size=36)
    cover.shapes.title.top, cover.shapes.title.height = Inches(1.3), Inches(1.6)
    for run in cover.shapes.title.text_frame.paragraphs[0].runs:
        run.font.color.rgb = _rgb(theme.NHS_WHITE)
    cover.shapes._spTree.remove(band._element)
    cover.shapes._spTree.insert(2, band._element)  # behind the title
    lines = [
        f"Scope: {ctx.scope_label}"
        + ("" if ctx.scope.programme == "All" else f" · {ctx.scope.programme}"),
        f"Data period: {ctx.period_label} (programme counts are to date)",
        f"Prepared {today:%d %B %Y} for: {ctx.viewer.label}",
    ]
    if synthetic:
        lines.append("SYNTHETIC DEMO DATA: not real practices or results")
    _text(cover, MARGIN, Inches(4.0), WIDTH - 2 * MARGIN, Inches(2.0), "\n".join(lines), size=20)
    _text(
        cover,
        MARGIN,
        Inches(6.3),
        WIDTH - 2 * MARGIN,
        Inches(0.6),
        f"Classification: {label}",
        size=20,
        bold=True,
        colour=theme.NHS_DARK_BLUE,
    )
    _notes(cover, f"{title}. {lines[0]}. {lines[1]}. Classification {label}.")
    if summary is not None:
        from gpaccess.export.summary_slide import add_summary_slide  # drawn with the helpers here

        add_summary_slide(prs, summary, label, next_number())

    contents = prs.slides.add_slide(prs.slide_layouts[5])
    _frame(contents, label, next_number())
    _set_title(contents, "Contents")
    entries = []
    for section in sections:
        first: int | None = None
        titles: list[str] = []
        for item in section.items:
            start = count[0] + 1
            titles += _chart_slides(prs, item, label, next_number)
            first = first or start
        if titles and first is not None:
            entries.append(f"{section.heading}: slides {first} to {first + len(titles) - 1}")
        else:
            entries.append(f"{section.heading}: nothing to show for this scope")
    _text(
        contents, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(4.5), "\n".join(entries), size=22
    )
    _text(
        contents,
        MARGIN,
        Inches(6.3),
        WIDTH - 2 * MARGIN,
        Inches(0.9),
        "Each chart is a native PowerPoint chart: right-click it and choose Edit Data to see or reuse the "
        "figures. Key figures for each slide are in the speaker notes.",
        size=12,
        colour=theme.NHS_DARK_GREY,
    )
    _notes(contents, "Contents. " + "; ".join(entries))
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
