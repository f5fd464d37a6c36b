"""The slide shapes written as DrawingML strings (gpaccess.export.drawing) and the deck's part numbering are what
python-pptx writes for the same calls through its own objects: each test makes the shape both ways and compares
the XML (canonicalised), hostile text included (XML specials, a control character, line and paragraph breaks)."""

from __future__ import annotations

import io
import zipfile

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from gpaccess.export import drawing
from gpaccess.export.slides import _number_parts_by_counting

HOSTILE = 'Tom & Jerry <b>\x07 "quoted"\n\n  second line  '
BOX = (Inches(1), Inches(2), Inches(5), Inches(0.5))


def canonical(element) -> bytes:
    return etree.tostring(element, method="c14n")


def blank_slide():
    prs = Presentation()
    return prs, prs.slides.add_slide(prs.slide_layouts[5])


def test_a_text_box_is_python_pptx_s_text_box():
    _, mine = blank_slide()
    _, theirs = blank_slide()
    shape = drawing.text_box(
        mine, BOX, HOSTILE, size=11, bold=True, colour="#005EB8", font="Arial",
        align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.BOTTOM,
    )  # fmt: skip
    box = theirs.shapes.add_textbox(*BOX)
    frame = box.text_frame
    frame.word_wrap, frame.vertical_anchor = True, MSO_ANCHOR.BOTTOM
    frame.margin_left = frame.margin_right = Inches(0.05)
    for i, line in enumerate(HOSTILE.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.RIGHT
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.name = Pt(11), True, "Arial"
        run.font.color.rgb = RGBColor.from_string("005EB8")
    assert canonical(shape._element) == canonical(box._element)
    assert "_x0007_" in shape.text_frame.text  # the control character escaped, as python-pptx does


def test_a_title_is_python_pptx_s_title_with_the_first_paragraph_styled():
    _, mine = blank_slide()
    _, theirs = blank_slide()
    text = "A finding & its <scope>\von two lines\nand a second paragraph"
    drawing.title(mine, BOX, text, size=24, colour="#FFFFFF", font="Arial")
    title = theirs.shapes.title
    title.left, title.top, title.width, title.height = BOX
    frame = title.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Inches(0.05)
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    frame.text = text
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size, run.font.bold, run.font.name = Pt(24), True, "Arial"
        run.font.color.rgb = RGBColor.from_string("FFFFFF")
    assert canonical(mine.shapes.title._element) == canonical(title._element)


def test_a_rectangle_is_python_pptx_s_filled_rectangle_without_outline():
    _, mine = blank_slide()
    _, theirs = blank_slide()
    element = drawing.rectangle(mine, BOX, "#005EB8")
    shape = theirs.shapes.add_shape(MSO_SHAPE.RECTANGLE, *BOX)
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string("005EB8")
    shape.line.fill.background()
    assert canonical(element) == canonical(shape._element)


def deck_parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {
            name: canonical(etree.fromstring(z.read(name)))
            for name in z.namelist()
            if name.endswith((".xml", ".rels"))
        }


def three_slides_with_charts_and_notes(mine: bool) -> bytes:
    """Three slides, each with a chart and speaker notes: through drawing.notes and counted part numbers, or
    through python-pptx alone."""
    prs = Presentation()
    if mine:
        _number_parts_by_counting(prs.part.package)
    for number in range(1, 4):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        data = CategoryChartData()
        data.categories = ["a", "b"]
        data.add_series(f"Series {number}", [1.0, float(number)])
        slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *BOX, data)
        text = f"Key figures {number} & <more>\n\nSecond paragraph"
        if mine:
            drawing.notes(slide, text)
        else:
            slide.notes_slide.notes_text_frame.text = text
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def test_notes_pages_and_part_names_are_python_pptx_s():
    mine = deck_parts(three_slides_with_charts_and_notes(mine=True))
    theirs = deck_parts(three_slides_with_charts_and_notes(mine=False))
    assert mine.keys() == theirs.keys()
    assert {"ppt/notesSlides/notesSlide3.xml", "ppt/charts/chart3.xml"} <= mine.keys()
    assert [name for name in mine if mine[name] != theirs[name]] == []
