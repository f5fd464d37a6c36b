"""A native PowerPoint table on a slide: header row in NHS Blue, banded rows, Arial, columns sized to their text.

The cells are written as one piece of DrawingML rather than cell by cell through python-pptx's object API (a
table of 14 rows took about 55 ms that way, most of it setting each run's font and fill one property at a
time); the result is the same table. Text is XML-escaped and stripped of characters XML cannot hold.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from lxml import etree
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Emu, Inches

from gpaccess import theme
from gpaccess.export.native import NativeTable

FONT = theme.PPTX_FONT
ROW_HEIGHT = Inches(0.32)
MARGIN = int(Inches(0.03))  # above and below the text of a cell
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def add_table(slide, table: NativeTable, left, top, width, height):
    """The table at (left, top), `width` wide; `height` is what the caller has room for (rows are 0.32 in)."""
    rows, cols = len(table.rows) + 1, len(table.columns)
    frame = slide.shapes.add_table(rows, cols, left, top, width, ROW_HEIGHT * rows)
    weights = [
        max(len(c) if len(c) < 12 else 12, *(len(r[i]) for r in table.rows), 10) ** 0.8
        for i, c in enumerate(table.columns)
    ]
    for column, weight in zip(frame.table.columns, weights, strict=True):
        column.width = Emu(int(width * weight / sum(weights)))
    tbl = frame._element.graphic.graphicData.tbl
    for old in tbl.findall(qn("a:tr")):
        tbl.remove(old)
    for r, values in enumerate([table.columns, *table.rows]):
        tbl.append(_row(values, r))
    return frame


def _row(values: tuple[str, ...], r: int):
    header = r == 0
    fill = theme.NHS_BLUE if header else theme.NHS_WHITE if r % 2 else theme.NHS_PALE_GREY
    colour = theme.NHS_WHITE if header else theme.NHS_BLACK
    cells = "".join(_cell(value, header, colour, fill) for value in values)
    return etree.fromstring(f'<a:tr {nsdecls("a")} h="{int(ROW_HEIGHT)}">{cells}</a:tr>')


def _cell(text: str, header: bool, colour: str, fill: str) -> str:
    size, bold = (1200, 1) if header else (1100, 0)
    run = (
        f'<a:rPr lang="en-GB" sz="{size}" b="{bold}" dirty="0">'
        f'<a:solidFill><a:srgbClr val="{_hex(colour)}"/></a:solidFill>'
        f'<a:latin typeface="{FONT}"/></a:rPr><a:t>{escape(_NOT_XML.sub("", text))}</a:t>'
    )
    return (
        f"<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r>{run}</a:r></a:p></a:txBody>"
        f'<a:tcPr marT="{MARGIN}" marB="{MARGIN}">'
        f'<a:solidFill><a:srgbClr val="{_hex(fill)}"/></a:solidFill></a:tcPr></a:tc>'
    )


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()
