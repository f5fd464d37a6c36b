"""A native, editable PowerPoint chart on a slide from a `NativeChart`: python-pptx writes the chart and its
embedded workbook (values only), and its look is set in the chart's XML (gpaccess.export.chart_xml), with the
DrawingML python-pptx has no API for: shaded bands behind lines, a Gantt's invisible offset bars, label spacing.
Pure."""

from __future__ import annotations

import math

from pptx.chart.data import Categories, CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import lazyproperty

from gpaccess import theme
from gpaccess.export.cells import neutralise_text
from gpaccess.export.chart_workbook import GENERAL, Cell, workbook_blob
from gpaccess.export.chart_xml import (
    bar_look,
    font_size,
    label_flags,
    line_look,
    number_format,
    put,
    set_look,
    solid,
    text_properties,
)
from gpaccess.export.drawing import plain_xml
from gpaccess.export.native import NativeBand, NativeChart

FONT = theme.PPTX_FONT
# characters: a category column of the embedded workbook is wide enough for a date
CATEGORY_WIDTH = 10
_KINDS = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "gantt": XL_CHART_TYPE.BAR_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}


class _ValuesOnlyWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's layout of a chart's embedded workbook (categories from A2, a column per series with its
    name on row 1), written as values only by gpaccess.export.chart_workbook: text stays text, where
    XlsxWriter by default makes text starting with '=' a formula and text that looks like a URL a link."""

    @property
    def xlsx_blob(self) -> bytes:
        categories = self._chart_data.categories
        depth, date_format = categories.depth, categories.number_format
        levels = (
            [enumerate(c.label for c in categories)] if depth == 1 else categories.levels
        )  # python-pptx counts each category's place from the first: once is enough for one level
        cells: list[Cell] = [
            (offset + 1, depth - level - 1, name, date_format)
            for level, labels in enumerate(levels)
            for offset, name in labels
        ]
        for column, series in enumerate(self._chart_data, start=depth):
            cells.append((0, column, series.name, GENERAL))
            cells += [
                (row, column, value, series.number_format)
                for row, value in enumerate(series.values, start=1)
            ]
        return workbook_blob(cells, {column: CATEGORY_WIDTH for column in range(depth)})


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


def add_chart(slide, native: NativeChart, left, top, width, height, compact: bool = False):
    """The chart at (left, top); `compact`: smaller type, for small multiples. python-pptx writes the chart
    and its workbook; its look is then set in the chart's XML directly, each element in one piece."""
    frame = slide.shapes.add_chart(
        _KINDS[native.kind], left, top, width, height, _chart_data(native)
    )
    chart = frame.chart
    space = chart._chartSpace
    # a Gantt's categories name the programme; small multiples say in the footnote what the lines are
    legend = len(native.series) > 1 and native.kind != "gantt" and not compact
    _chart_look(space, compact, legend)
    bands = _detach_band_series(chart, native)
    plot_area = space.chart.plotArea
    values = plot_area.find(qn("c:valAx"))
    categories = plot_area.find(qn("c:catAx"))
    if categories is None:
        categories = plot_area.find(qn("c:dateAx"))
    _value_axis(values, native, compact)
    put(categories, font_size(_category_size(native, compact)))
    put(categories, f"<c:spPr><a:ln>{solid(theme.NHS_MID_GREY)}</a:ln></c:spPr>")
    if native.kind == "line":
        _line_chart(chart, native, values, categories, bands)
    else:
        _bar_chart(plot_area.find(qn("c:barChart")), native, values, categories)
    return frame


def _chart_data(native: NativeChart) -> SafeChartData:
    data = SafeChartData(number_format=native.number_format)
    data.categories = list(native.categories)
    if native.categories and isinstance(native.categories[0], int):  # dates keep their own format
        data.categories.number_format = native.category_format  # the embedded workbook's too
    for series in native.series:
        data.add_series(series.name, list(series.values))
    # bands as stacked areas: an invisible one up to the low end, then the band's width
    for band in native.bands:
        data.add_series(f"{band.name}: {BAND_LOW}", list(band.low))
        data.add_series(f"{band.name}: {BAND_WIDTH}", list(_widths(band)))
    return data


def _category_size(native: NativeChart, compact: bool) -> int:
    many = len(native.categories)
    size = 9 if compact else 12 if many <= 12 else 11 if many <= 16 else 9
    return (10 if many > 12 else size) if native.kind == "gantt" else size


def _chart_look(space, compact: bool, legend: bool) -> None:
    """No title; the chart's type (Arial, black, smaller for small multiples); a legend at the top, outside
    the plot, or none."""
    chart = space.chart
    put(chart, '<c:autoTitleDeleted val="1"/>')
    size = 900 if compact else 1200
    put(
        space,
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}">'
        f'{solid(theme.NHS_BLACK)}<a:latin typeface="{FONT}"/></a:defRPr></a:pPr>'
        '<a:endParaRPr lang="en-US"/></a:p></c:txPr>',
    )
    # python-pptx's line charts come with a legend (its layout kept), its bar charts without one
    old = chart.find(qn("c:legend"))
    if old is not None:
        chart.remove(old)
    if legend:
        layout = "" if old is None or old.find(qn("c:layout")) is None else "<c:layout/>"
        words = font_size(size // 100)
        put(
            chart, f'<c:legend><c:legendPos val="t"/>{layout}<c:overlay val="0"/>{words}</c:legend>'
        )


def _value_axis(values, native: NativeChart, compact: bool) -> None:
    """Pale gridlines, no axis line, the numbers' format and size, and the axis title (not on small
    multiples)."""
    put(
        values,
        f"<c:majorGridlines><c:spPr><a:ln>{solid(theme.NHS_PALE_GREY)}</a:ln></c:spPr>"
        "</c:majorGridlines>",
    )
    put(values, font_size(9 if compact else 11))
    put(values, number_format(native.number_format))
    put(values, "<c:spPr><a:ln><a:noFill/></a:ln></c:spPr>")
    if native.value_title and not compact:
        put(
            values,
            '<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr sz="1100" b="0">'
            f'<a:latin typeface="{FONT}"/></a:rPr><a:t>{plain_xml(native.value_title)}</a:t></a:r>'
            '</a:p></c:rich></c:tx><c:layout/><c:overlay val="0"/></c:title>',
        )


def _line_chart(chart, native: NativeChart, values, categories, bands: list) -> None:
    plot = chart.plots[0]
    _style_lines(plot, native)
    put(categories, number_format(native.category_format))
    _blanks_span(chart)
    if not native.zero_based:  # an SPC chart: the axis fits the values and limits
        drawn = [s.values for s in native.series]
        drawn += [b.low for b in native.bands] + [b.high for b in native.bands]
        low = min(v for values_ in drawn for v in values_ if v is not None)
        high = max(v for values_ in drawn for v in values_ if v is not None)
        pad = (high - low) * 0.1 or 1.0
        _scale(values, max(0.0, math.floor(low - pad)), math.ceil(high + pad))
    many = len(native.categories)
    _label_every(categories, 6 if many > 24 else 3 if many > 12 else 1)
    _attach_bands(chart, native, bands)


def _bar_chart(bars, native: NativeChart, values, categories) -> None:
    _scale(values, native.value_min or 0, native.value_max or None)
    # horizontal bars: the first category at the top, as on the page (columns read left to right)
    scaling = categories.find(qn("c:scaling"))
    scaling.remove(scaling.find(qn("c:orientation")))  # minMax, the default
    if native.kind != "column":
        put(scaling, '<c:orientation val="maxMin"/>')
    put(bars, '<c:gapWidth val="40"/>')
    if native.kind in ("stacked_bar", "gantt"):
        put(bars, '<c:overlap val="100"/>')
    gantt = native.kind == "gantt"  # its first series, each bar's start, not drawn
    many, count = len(native.categories), len(native.series)
    labelled = native.labels and native.kind not in ("stacked_bar", "gantt")
    thin = count > 2 or (count > 1 and many > 12)  # label the first series only where bars are thin
    for i, (ser, spec) in enumerate(zip(bars.findall(qn("c:ser")), native.series, strict=True)):
        set_look(ser, bar_look(spec, gantt and i == 0, bool(labelled and thin and i)))
    if gantt:
        put(values, f'<c:majorUnit val="{float(HALF_YEAR)}"/>')  # dates every six months
    if labelled:
        size = 1000 if count > 1 or many > 12 else 1100
        words = text_properties(f'<a:defRPr sz="{size}">{solid(theme.NHS_BLACK)}</a:defRPr>')
        put(
            bars,
            f"<c:dLbls>{number_format(native.number_format)}{words}"
            f'<c:dLblPos val="outEnd"/>{label_flags(True)}</c:dLbls>',
        )
    categories.find(qn("c:lblOffset")).set("val", "50")
    _label_every(categories, 1)


def _scale(axis, low: float, high: float | None) -> None:
    """The value axis from `low` (to `high`, if given)."""
    scaling = axis.find(qn("c:scaling"))
    for tag in ("c:max", "c:min"):
        for old in scaling.findall(qn(tag)):
            scaling.remove(old)
    if high is not None:
        put(scaling, f'<c:max val="{float(high)}"/>')
    put(scaling, f'<c:min val="{float(low)}"/>')


def _style_lines(plot, native: NativeChart) -> None:
    """Each line's colour, width, dashes and markers, and its special-cause points, written as one piece of
    DrawingML per series (property by property through python-pptx took most of a line chart's time)."""
    for ser, spec in zip(plot._element.findall(qn("c:ser")), native.series, strict=True):
        set_look(ser, line_look(spec))


def _blanks_span(chart) -> None:
    """Draw a line across months a series has no value for (e.g. between programme starts)."""
    chart_el = chart._chartSpace.chart
    blanks = chart_el.find(qn("c:dispBlanksAs"))
    if blanks is None:
        blanks = chart_el.makeelement(qn("c:dispBlanksAs"), {})
        plot_vis = chart_el.find(qn("c:plotVisOnly"))
        (plot_vis.addnext if plot_vis is not None else chart_el.append)(blanks)
    blanks.set("val", "span")


def _label_every(ax, step: int) -> None:
    """Label every `step`-th category of the axis element (1: all; renderers otherwise drop some when
    space is tight)."""
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


# --- Gantt charts and bands: what python-pptx has no API for ----------------------------------------------------
BAND_LOW = "95% CI low"
BAND_WIDTH = "95% CI (high minus low)"
BAND_ALPHA = 22  # % opacity of a band's fill: the lines and the other band show through
HALF_YEAR = 365.25 / 2  # days between a Gantt's date labels


def _widths(band: NativeBand) -> tuple[float | None, ...]:
    return tuple(
        None if low is None or high is None else high - low
        for low, high in zip(band.low, band.high, strict=True)
    )


def _hide_from_legend(chart, indexes: list[int]) -> None:
    """No legend entry for these series (a Gantt's offset bars, a band's invisible lower area)."""
    if not chart.has_legend:
        return
    legend = chart.legend._element
    position = legend.find(qn("c:legendPos"))
    for index in sorted(indexes, reverse=True):
        entry = legend.makeelement(qn("c:legendEntry"), {})
        entry.append(entry.makeelement(qn("c:idx"), {"val": str(index)}))
        entry.append(entry.makeelement(qn("c:delete"), {"val": "1"}))
        (position.addnext if position is not None else legend.insert)(entry)  # type: ignore[operator]


def _detach_band_series(chart, native: NativeChart) -> list:
    """The bands' series (the last two per band) taken out of the line chart, to go in area charts."""
    if not native.bands:
        return []
    line = chart.plots[0]._element
    found = line.findall(qn("c:ser"))[len(native.series) :]
    for ser in found:
        line.remove(ser)
        for tag in ("c:marker", "c:smooth"):  # not part of an area chart's series
            for child in ser.findall(qn(tag)):
                ser.remove(child)
    return found


def _attach_bands(chart, native: NativeChart, found: list) -> None:
    """Each band as a stacked area chart behind the lines: its lower area unfilled, its width shaded. The
    first band uses the line chart's axes, each other band a hidden pair of the same scale (one chart group
    per band, so that bands stack on their own low ends, not on each other)."""
    if not found:
        return
    plot_area = chart._chartSpace.chart.plotArea
    line = chart.plots[0]._element
    axis_ids = [el.get("val") for el in line.findall(qn("c:axId"))]
    value_axis = plot_area.find(qn("c:valAx"))
    scaling = value_axis.find(qn("c:scaling"))
    for i, band in enumerate(native.bands):
        ids = axis_ids if i == 0 else [str(90000 + 2 * i), str(90001 + 2 * i)]
        area = _area_group(found[2 * i : 2 * i + 2], band, ids)
        line.addprevious(area)
        if i > 0:
            _hidden_axes(plot_area, ids, scaling)
    # series numbered in the order they are drawn (bands, then lines): renderers differ in whether a legend
    # entry's index counts series or entries, and this way both are the same
    for number, ser in enumerate([*found, *line.findall(qn("c:ser"))]):
        ser.find(qn("c:idx")).set("val", str(number))
        ser.find(qn("c:order")).set("val", str(number))
    _hide_from_legend(chart, [2 * i for i in range(len(native.bands))])


def _area_group(series: list, band: NativeBand, axis_ids: list[str]):
    xml = f'<c:areaChart {nsdecls("c")}><c:grouping val="stacked"/><c:varyColors val="0"/></c:areaChart>'
    area = parse_xml(xml)
    low, width = series
    _fill(low, None)
    _fill(width, band.colour)
    area.append(low)
    area.append(width)
    for axis_id in axis_ids:
        area.append(parse_xml(f'<c:axId {nsdecls("c")} val="{axis_id}"/>'))
    return area


def _fill(ser, colour: str | None) -> None:
    """A series' shape properties: no fill, or the colour at BAND_ALPHA; no outline either way."""
    old = ser.find(qn("c:spPr"))
    if old is not None:
        ser.remove(old)
    fill = (
        "<a:noFill/>"
        if colour is None
        else f'<a:solidFill><a:srgbClr val="{colour.lstrip("#").upper()}">'
        f'<a:alpha val="{BAND_ALPHA * 1000}"/></a:srgbClr></a:solidFill>'
    )
    sp = parse_xml(f"<c:spPr {nsdecls('c', 'a')}>{fill}<a:ln><a:noFill/></a:ln></c:spPr>")
    ser.find(qn("c:tx")).addnext(sp)


def _hidden_axes(plot_area, ids: list[str], scaling) -> None:
    """A category and value axis pair that is not shown, with the visible value axis's scale."""
    category, value = ids
    limits = "".join(
        f'<c:{tag} val="{el.get("val")}"/>'
        for tag in ("max", "min")
        if (el := scaling.find(qn(f"c:{tag}"))) is not None
    )
    last_axis = plot_area.findall(qn("c:valAx"))[-1]
    last_axis.addnext(
        parse_xml(
            f'<c:valAx {nsdecls("c")}><c:axId val="{value}"/><c:scaling><c:orientation val="minMax"/>'
            f'{limits}</c:scaling><c:delete val="1"/><c:axPos val="r"/>'
            '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="none"/>'
            '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
            f'<c:crossAx val="{category}"/><c:crosses val="max"/><c:crossBetween val="midCat"/>'
            "</c:valAx>"
        )
    )
    last_axis.addnext(
        parse_xml(
            f'<c:catAx {nsdecls("c")}><c:axId val="{category}"/><c:scaling>'
            '<c:orientation val="minMax"/></c:scaling><c:delete val="1"/><c:axPos val="b"/>'
            '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
            f'<c:crossAx val="{value}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
            '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="1"/></c:catAx>'
        )
    )
