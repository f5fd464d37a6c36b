"""The pieces of a native chart's XML that gpaccess.export.slide_chart sets on what python-pptx writes: each as
one string of DrawingML (a series' look, an axis's type, a number format), put where the schema orders it. Setting
them property by property through python-pptx took most of a chart's time. The XML is what python-pptx wrote for
the same properties. Pure."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from lxml import etree
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Pt

from gpaccess import theme
from gpaccess.export.native import NativeSeries

_MARKERS = ("circle", "diamond", "square", "triangle")  # marker symbols (others drawn as circles)


def label_flags(value: bool) -> str:
    return (
        f'<c:showLegendKey val="0"/><c:showVal val="{int(value)}"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
        '<c:showLeaderLines val="1"/>'
    )


def text_properties(run_properties: str) -> str:
    return f"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{run_properties}</a:pPr></a:p></c:txPr>"


def font_size(points: int) -> str:
    return text_properties(f'<a:defRPr sz="{points * 100}"/>')


def number_format(code: str) -> str:
    return f'<c:numFmt formatCode={quoteattr(code)} sourceLinked="0"/>'


_AXIS = (
    "axId scaling delete axPos majorGridlines minorGridlines title numFmt majorTickMark minorTickMark "
    "tickLblPos spPr txPr crossAx crosses crossesAt "
)
# the children of the elements set here, in the order the schema gives them
_SCHEMA = {
    name: tuple(qn(f"c:{tag}") for tag in tags.split())
    for name, tags in {
        "valAx": _AXIS + "crossBetween majorUnit minorUnit dispUnits extLst",
        "catAx": _AXIS + "auto lblAlgn lblOffset tickLblSkip tickMarkSkip noMultiLvlLbl extLst",
        "dateAx": _AXIS + "auto lblOffset baseTimeUnit majorUnit majorTimeUnit minorUnit extLst",
        "scaling": "logBase orientation max min extLst",
        "chart": "title autoTitleDeleted pivotFmts view3D floor sideWall backWall plotArea legend "
        "plotVisOnly dispBlanksAs showDLblsOverMax extLst",
        "barChart": "barDir grouping varyColors ser dLbls gapWidth overlap serLines axId extLst",
        "chartSpace": "date1904 lang roundedCorners AlternateContent style clrMapOvr pivotSource "
        "protection chart spPr txPr externalData printSettings userShapes extLst",
    }.items()
}


def put(parent, xml: str) -> None:
    """One element (chart XML) as the parent's child of its name: in place of the one it had, else where
    the schema orders it among the parent's children."""
    element = parse_xml(f"<c:x {nsdecls('c', 'a')}>{xml}</c:x>")[0]
    old = parent.find(element.tag)
    if old is not None:
        old.addnext(element)
        parent.remove(old)
        return
    order = _SCHEMA[etree.QName(parent).localname]
    after = order[order.index(element.tag) + 1 :]
    following = next((child for child in parent if child.tag in after), None)
    if following is not None:
        following.addprevious(element)
    else:
        parent.append(element)


def line_look(spec: NativeSeries) -> str:
    width = Pt(2.25 if spec.markers else 1.5)
    fill = solid(spec.colour) if spec.line else "<a:noFill/>"
    dash = '<a:prstDash val="dash"/>' if spec.dashed else ""
    look = f'<c:spPr><a:ln w="{width}">{fill}{dash}</a:ln></c:spPr>'
    if not spec.markers:
        return look + '<c:marker><c:symbol val="none"/></c:marker>'
    look += _marker(spec.symbol, 5 if spec.line else 9, spec.colour, spec.colour)
    # LibreOffice colours a point by the point's own fill (PowerPoint by its marker's): both are set
    for index, (colour, symbol) in spec.point_colours.items():
        point_marker = _marker(symbol, 9, colour, theme.NHS_WHITE)
        look += (
            f'<c:dPt><c:idx val="{index}"/>{point_marker}<c:spPr>{solid(colour)}</c:spPr></c:dPt>'
        )
    return look


def _marker(symbol: str, size: int, fill: str, outline: str) -> str:
    shape = symbol if symbol in _MARKERS else "circle"
    return (
        f'<c:marker><c:symbol val="{shape}"/><c:size val="{size}"/>'
        f"<c:spPr>{solid(fill)}<a:ln>{solid(outline)}</a:ln></c:spPr></c:marker>"
    )


def bar_look(spec: NativeSeries, hidden: bool = False, unlabelled: bool = False) -> str:
    """A bar series' fill (none for a Gantt's offset bars, outline none too); bars below zero not inverted;
    with `unlabelled`, no data labels on its bars."""
    fill = "<a:noFill/><a:ln><a:noFill/></a:ln>" if hidden else solid(spec.colour)
    labels = f"<c:dLbls>{label_flags(False)}</c:dLbls>" if unlabelled else ""
    return f'<c:spPr>{fill}</c:spPr><c:invertIfNegative val="0"/>{labels}'


def solid(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{colour.lstrip("#").upper()}"/></a:solidFill>'


# what a series' look is made of, in the schema's order after its name (c:tx)
_LOOK = ("c:spPr", "c:invertIfNegative", "c:marker", "c:dPt", "c:dLbls")


def set_look(ser, xml: str) -> None:
    """A series' look (`_LOOK` elements, from one string of DrawingML) in place of what it had of them."""
    for tag in _LOOK:
        for old in ser.findall(qn(tag)):
            ser.remove(old)
    name = ser.find(qn("c:tx"))
    for element in reversed(parse_xml(f"<c:ser {nsdecls('c', 'a')}>{xml}</c:ser>")):
        name.addnext(element)
