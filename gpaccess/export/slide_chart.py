"""A native, editable PowerPoint chart on a slide from a `NativeChart` (python-pptx, with a little DrawingML
where python-pptx has no API: shaded bands behind lines, a Gantt's invisible offset bars, label spacing). The
chart's embedded workbook holds values only. Pure."""

from __future__ import annotations

import io
import math

from pptx.chart.data import Categories, CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Pt, lazyproperty
from xlsxwriter import Workbook

from gpaccess import theme
from gpaccess.export.cells import neutralise_text
from gpaccess.export.native import NativeBand, NativeChart, NativeSeries

FONT = theme.PPTX_FONT
_MARKERS = ("circle", "diamond", "square", "triangle")  # marker symbols (others drawn as circles)
_KINDS = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "gantt": XL_CHART_TYPE.BAR_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


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


def add_chart(slide, native: NativeChart, left, top, width, height, compact: bool = False):
    """The chart at (left, top); `compact`: smaller type, for small multiples."""
    data = SafeChartData(number_format=native.number_format)
    data.categories = list(native.categories)
    if native.categories and isinstance(native.categories[0], int):  # dates keep their own format
        data.categories.number_format = native.category_format  # the embedded workbook's too
    for series in native.series:
        data.add_series(series.name, list(series.values))
    for (
        band
    ) in native.bands:  # stacked areas: an invisible one up to the low end, then the band's width
        data.add_series(f"{band.name}: {BAND_LOW}", list(band.low))
        data.add_series(f"{band.name}: {BAND_WIDTH}", list(_widths(band)))
    frame = slide.shapes.add_chart(_KINDS[native.kind], left, top, width, height, data)
    chart = frame.chart
    chart.has_title = False
    chart.font.name, chart.font.size = FONT, Pt(9 if compact else 12)
    chart.font.color.rgb = _rgb(theme.NHS_BLACK)
    many = len(native.categories)
    category_size = 9 if compact else 12 if many <= 12 else 11 if many <= 16 else 9
    if native.kind == "gantt":
        category_size = 10 if many > 12 else category_size
    # a Gantt's categories name the programme; small multiples say in the footnote what the lines are
    chart.has_legend = len(native.series) > 1 and native.kind != "gantt" and not compact
    bands = _detach_band_series(chart, native)
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(9 if compact else 12)
    values, categories = chart.value_axis, chart.category_axis
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = _rgb(theme.NHS_PALE_GREY)
    values.tick_labels.font.size = Pt(9 if compact else 11)
    values.tick_labels.number_format = native.number_format
    values.tick_labels.number_format_is_linked = False
    values.format.line.fill.background()
    categories.tick_labels.font.size = Pt(category_size)
    categories.format.line.color.rgb = _rgb(theme.NHS_MID_GREY)
    if native.value_title and not compact:
        values.has_title = True
        values.axis_title.text_frame.text = native.value_title
        for run in values.axis_title.text_frame.paragraphs[0].runs:
            run.font.size, run.font.bold, run.font.name = Pt(11), False, FONT
    plot = chart.plots[0]
    if native.kind == "line":
        _style_lines(plot, native)
        categories.tick_labels.number_format = native.category_format
        categories.tick_labels.number_format_is_linked = False
        _blanks_span(chart)
        if not native.zero_based:  # an SPC chart: the axis fits the values and limits
            drawn = [s.values for s in native.series]
            drawn += [b.low for b in native.bands] + [b.high for b in native.bands]
            low = min(v for values_ in drawn for v in values_ if v is not None)
            high = max(v for values_ in drawn for v in values_ if v is not None)
            pad = (high - low) * 0.1 or 1.0
            values.minimum_scale = max(0.0, math.floor(low - pad))
            values.maximum_scale = math.ceil(high + pad)
        _label_every(categories, 6 if many > 24 else 3 if many > 12 else 1)
        _attach_bands(chart, native, bands)
    else:
        values.minimum_scale = native.value_min or 0
        if native.value_max:
            values.maximum_scale = native.value_max
        # horizontal bars: the first category at the top, as on the page (columns read left to right)
        categories.reverse_order = native.kind != "column"
        plot.gap_width = 40
        if native.kind in ("stacked_bar", "gantt"):
            plot.overlap = 100
        gantt = native.kind == "gantt"  # its first series, each bar's start, not drawn
        for i, (ser, spec) in enumerate(
            zip(plot._element.findall(qn("c:ser")), native.series, strict=True)
        ):
            _set_look(ser, _bar_look(spec, hidden=gantt and i == 0))
        if gantt:
            values.major_unit = HALF_YEAR  # dates along the value axis every six months
        if native.labels and native.kind not in ("stacked_bar", "gantt"):
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


def _style_lines(plot, native: NativeChart) -> None:
    """Each line's colour, width, dashes and markers, and its special-cause points, written as one piece of
    DrawingML per series (property by property through python-pptx took most of a line chart's time)."""
    for ser, spec in zip(plot._element.findall(qn("c:ser")), native.series, strict=True):
        _set_look(ser, _line_look(spec))


def _line_look(spec: NativeSeries) -> str:
    width = Pt(2.25 if spec.markers else 1.5)
    fill = _solid(spec.colour) if spec.line else "<a:noFill/>"
    dash = '<a:prstDash val="dash"/>' if spec.dashed else ""
    look = f'<c:spPr><a:ln w="{width}">{fill}{dash}</a:ln></c:spPr>'
    if not spec.markers:
        return look + '<c:marker><c:symbol val="none"/></c:marker>'
    look += _marker(spec.symbol, 5 if spec.line else 9, spec.colour, spec.colour)
    # LibreOffice colours a point by the point's own fill (PowerPoint by its marker's): both are set
    for index, (colour, symbol) in spec.point_colours.items():
        point_marker = _marker(symbol, 9, colour, theme.NHS_WHITE)
        look += (
            f'<c:dPt><c:idx val="{index}"/>{point_marker}<c:spPr>{_solid(colour)}</c:spPr></c:dPt>'
        )
    return look


def _marker(symbol: str, size: int, fill: str, outline: str) -> str:
    shape = symbol if symbol in _MARKERS else "circle"
    return (
        f'<c:marker><c:symbol val="{shape}"/><c:size val="{size}"/>'
        f"<c:spPr>{_solid(fill)}<a:ln>{_solid(outline)}</a:ln></c:spPr></c:marker>"
    )


def _bar_look(spec: NativeSeries, hidden: bool = False) -> str:
    """A bar series' fill (none for a Gantt's offset bars, outline none too); bars below zero not inverted."""
    fill = "<a:noFill/><a:ln><a:noFill/></a:ln>" if hidden else _solid(spec.colour)
    return f'<c:spPr>{fill}</c:spPr><c:invertIfNegative val="0"/>'


def _solid(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{colour.lstrip("#").upper()}"/></a:solidFill>'


_LOOK = (
    "c:spPr",
    "c:invertIfNegative",
    "c:marker",
    "c:dPt",
)  # in a series, in schema order after c:tx


def _set_look(ser, xml: str) -> None:
    """A series' look (`_LOOK` elements, from one string of DrawingML) in place of what it had of them."""
    for tag in _LOOK:
        for old in ser.findall(qn(tag)):
            ser.remove(old)
    name = ser.find(qn("c:tx"))
    for element in reversed(parse_xml(f"<c:ser {nsdecls('c', 'a')}>{xml}</c:ser>")):
        name.addnext(element)


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
