"""The slide shapes a deck writes many of (text boxes, slide titles, rectangles, speaker notes), each made as one
piece of DrawingML rather than property by property through python-pptx, which spent most of a deck's time
outside its charts finding and creating elements one attribute at a time. The XML is what python-pptx writes for
the same calls (a text box's runs each with size, weight, colour and font; control characters escaped as
python-pptx does). Pure."""

from __future__ import annotations

import re
import threading
import weakref
from copy import deepcopy
from xml.sax.saxutils import escape

from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.parts.slide import NotesSlidePart
from pptx.shapes.autoshape import Shape

_NS = nsdecls("a", "p")
_CONTROL = re.compile(r"([\x00-\x08\x0B-\x1F])")  # as python-pptx escapes a run's text
TEXT_INSET = 45720  # a text box's left and right margins: 0.05 inch


def plain_xml(text: str) -> str:
    """Text for an `a:t` element: control characters as python-pptx writes them ('_x0007_'), XML-escaped."""
    return escape(_CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text))


def _colour(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{colour.lstrip("#").upper()}"/></a:solidFill>'


def run_xml(text: str, size: int, bold: bool, colour: str, font: str) -> str:
    return (
        f'<a:r><a:rPr sz="{size * 100}" b="{int(bold)}">{_colour(colour)}'
        f'<a:latin typeface="{font}"/></a:rPr><a:t>{plain_xml(text)}</a:t></a:r>'
    )


def _xfrm(left: int, top: int, width: int, height: int) -> str:
    return f'<a:xfrm><a:off x="{left}" y="{top}"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'


def _append(slide, xml: str):
    """The shape from `xml` (its id and name filled in) at the top of the slide's shapes; the element."""
    tree = slide.shapes._spTree
    shape_id = tree.max_shape_id + 1
    sp = parse_xml(xml.format(id=shape_id, number=shape_id - 1))
    tree.append(sp)
    return sp


def text_box(
    slide,
    box: tuple[int, int, int, int],
    text: str,
    *,
    size: int,
    bold: bool,
    colour: str,
    font: str,
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
) -> Shape:
    """A text box at (left, top, width, height): wrapped, one paragraph per line of `text`, each one run."""
    paragraphs = "".join(
        f'<a:p><a:pPr algn="{PP_ALIGN.to_xml(align)}"/>'
        f"{run_xml(line, size, bold, colour, font)}</a:p>"
        for line in text.split("\n")
    )
    sp = _append(
        slide,
        f'<p:sp {_NS}><p:nvSpPr><p:cNvPr id="{{id}}" name="TextBox {{number}}"/>'
        f'<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(*box)}'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr><p:txBody>'
        f'<a:bodyPr wrap="square" anchor="{MSO_ANCHOR.to_xml(anchor)}" lIns="{TEXT_INSET}" '
        f'rIns="{TEXT_INSET}"><a:spAutoFit/></a:bodyPr><a:lstStyle/>{paragraphs}</p:txBody></p:sp>',
    )
    return Shape(sp, slide.shapes)


def rectangle(slide, box: tuple[int, int, int, int], colour: str):
    """A filled rectangle with no outline (python-pptx's rectangle autoshape); the element."""
    return _append(
        slide,
        f'<p:sp {_NS}><p:nvSpPr><p:cNvPr id="{{id}}" name="Rectangle {{number}}"/><p:cNvSpPr/>'
        f'<p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(*box)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f"{_colour(colour)}<a:ln><a:noFill/></a:ln></p:spPr><p:style>"
        '<a:lnRef idx="1"><a:schemeClr val="accent1"/></a:lnRef>'
        '<a:fillRef idx="3"><a:schemeClr val="accent1"/></a:fillRef>'
        '<a:effectRef idx="2"><a:schemeClr val="accent1"/></a:effectRef>'
        '<a:fontRef idx="minor"><a:schemeClr val="lt1"/></a:fontRef></p:style>'
        '<p:txBody><a:bodyPr rtlCol="0" anchor="ctr"/><a:lstStyle/><a:p><a:pPr algn="ctr"/></a:p>'
        "</p:txBody></p:sp>",
    )


def title(
    slide,
    box: tuple[int, int, int, int],
    text: str,
    *,
    size: int,
    colour: str,
    font: str,
) -> None:
    """The slide's title placeholder at `box`: bold, left-aligned, anchored at the bottom, wrapped. Lines of
    `text` are paragraphs (only the first styled, as python-pptx's text setter and the runs it styles);
    a vertical tab is a line break."""
    sp = slide.shapes.title._element
    first, *rest = text.split("\n")
    runs = [run_xml(part, size, True, colour, font) if part else "" for part in first.split("\v")]
    paragraphs = f'<a:p><a:pPr algn="l"/>{"<a:br/>".join(runs)}</a:p>' + "".join(
        f"<a:p>{_plain_runs(line)}</a:p>" for line in rest
    )
    for old in (sp.find(qn("p:spPr")), sp.find(qn("p:txBody"))):
        if old is not None:
            sp.remove(old)
    sp.append(parse_xml(f"<p:spPr {_NS}>{_xfrm(*box)}</p:spPr>"))
    sp.append(
        parse_xml(
            f'<p:txBody {_NS}><a:bodyPr wrap="square" lIns="{TEXT_INSET}" rIns="{TEXT_INSET}" '
            f'anchor="b"/><a:lstStyle/>{paragraphs}</p:txBody>'
        )
    )


def _plain_runs(line: str) -> str:
    return "<a:br/>".join(
        f"<a:r><a:t>{plain_xml(p)}</a:t></a:r>" if p else "" for p in line.split("\v")
    )


# the empty notes page of each deck's notes master (its placeholders cloned once), copied for every slide after
# the first; decks may be written on several threads at once (the dashboard's sessions)
_BLANK_NOTES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_BLANK_NOTES_LOCK = threading.Lock()


def notes(slide, text: str) -> None:
    """The slide's speaker notes. The first slide's notes page is made by python-pptx (which clones the notes
    master's placeholders, and makes the master if there is none); the others are copies of that page as
    it was empty, related to the master and the slide as python-pptx relates them."""
    master = slide.part.package.presentation_part.notes_master_part
    with _BLANK_NOTES_LOCK:
        blank = _BLANK_NOTES.get(master)
    if blank is None:
        page = slide.notes_slide
        with _BLANK_NOTES_LOCK:
            _BLANK_NOTES[master] = deepcopy(page._element)
    else:
        package = slide.part.package
        part = NotesSlidePart(
            package.next_partname("/ppt/notesSlides/notesSlide%d.xml"),
            CONTENT_TYPE.PML_NOTES_SLIDE,
            package,
            deepcopy(blank),
        )
        part.relate_to(master, RELATIONSHIP_TYPE.NOTES_MASTER)
        part.relate_to(slide.part, RELATIONSHIP_TYPE.SLIDE)
        slide.part.relate_to(part, RELATIONSHIP_TYPE.NOTES_SLIDE)
        page = part.notes_slide
    page.notes_text_frame.text = text
