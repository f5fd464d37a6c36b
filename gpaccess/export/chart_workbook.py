"""A native chart's embedded workbook (what PowerPoint's Edit Data opens), written directly as the parts an .xlsx
needs: the sheet, its shared strings and number formats, the workbook and their relationships. Values only: text
is always a string cell (never a formula, never a hyperlink, whatever it starts with; '_xHHHH_' in it kept as
written, as XlsxWriter keeps it), numbers and dates are numbers, each cell with its number format. The cells are
where python-pptx's own writer (XlsxWriter) puts them, so the chart's references to the sheet hold; in a
quarter of its time, as it writes no theme or document properties a chart's data has no use for. Pure."""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import numbers
import re
import zipfile
from collections.abc import Iterable
from operator import itemgetter
from xml.sax.saxutils import escape, quoteattr

from gpaccess.export.cells import ILLEGAL_XML

# (row, column, value, number format), both from 0 as XlsxWriter counts
Cell = tuple[int, int, object, str]
_POSITION = itemgetter(0, 1)  # row, then column
_CODED_CHARACTER = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # how a spreadsheet codes a character in text
_NOT_XML = re.compile("[\ufffe\uffff]")  # the two other characters XML 1.0 cannot hold

GENERAL = "General"
# day 0 of Excel's 1900 date system (as XlsxWriter writes dates)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAX_TEXT = 32_767  # characters a cell holds
FIRST_CUSTOM_FORMAT = 164  # the ids below are Excel's built-in formats
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_FIXED_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CONTENT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CONTENT}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{_DOCUMENT}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOCUMENT}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{_DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOCUMENT}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{_DOCUMENT}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}
_STYLES_FIXED = (
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
)
_STYLES_END = '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'


@functools.cache
def column_letters(column: int) -> str:
    """'A' for column 0, 'Z' for 25, 'AA' for 26."""
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _value_xml(value: object, strings: dict[str, int]) -> tuple[str, str] | None:
    """(type attribute, inner XML) of a cell holding `value`; None for an empty cell (None, NaN, NaT,
    infinity). Numbers as XlsxWriter writes them (16 significant digits); text as a shared string (its number
    in `strings`, which gains it), as XlsxWriter writes it."""
    if isinstance(value, float):  # numpy's floats too
        return None if value != value or math.isinf(value) else ("", f"<v>{value:.16G}</v>")
    if isinstance(value, str):
        return ' t="s"', f"<v>{strings.setdefault(_cell_text(value), len(strings))}</v>"
    if value is None or value != value:
        return None
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>"
    if isinstance(value, numbers.Integral):
        return "", f"<v>{int(value)}</v>"
    if isinstance(value, numbers.Real):
        return _value_xml(float(value), strings)
    if isinstance(value, dt.date):
        return "", f"<v>{_serial(value):.16G}</v>"
    return _value_xml(str(value), strings)


def _cell_text(text: str) -> str:
    """Text as a cell holds it: characters XML cannot hold dropped, at most MAX_TEXT characters, and a literal
    '_x0041_' written '_x005F_x0041_' (as XlsxWriter does), since a spreadsheet reads '_xHHHH_' in a cell as
    the character it codes: '_x003D_SUM(A1)' would show, and be edited, as '=SUM(A1)'."""
    kept = _NOT_XML.sub("", ILLEGAL_XML.sub("", text))[:MAX_TEXT]
    return escape(_CODED_CHARACTER.sub(r"_x005F\1", kept))


def _serial(day: dt.date) -> float:
    """A date (or date and time) as Excel's serial number of days."""
    if not isinstance(day, dt.datetime):
        return float((day - EXCEL_EPOCH.date()).days)
    return (day.replace(tzinfo=None) - EXCEL_EPOCH) / dt.timedelta(days=1)


def _styles(formats: list[str]) -> str:
    """styles.xml: one cell format per number format used, in `formats` order (0: General)."""
    custom = [f for f in formats if f != GENERAL]
    ids = {f: FIRST_CUSTOM_FORMAT + i for i, f in enumerate(custom)}
    codes = "".join(f'<numFmt numFmtId="{ids[f]}" formatCode={quoteattr(f)}/>' for f in custom)
    xfs = "".join(
        f'<xf numFmtId="{ids.get(f, 0)}" fontId="0" fillId="0" borderId="0" xfId="0"'
        + (' applyNumberFormat="1"/>' if f in ids else "/>")
        for f in formats
    )
    return (
        f'<styleSheet xmlns="{_MAIN}">'
        + (f'<numFmts count="{len(custom)}">{codes}</numFmts>' if custom else "")
        + _STYLES_FIXED
        + f'<cellXfs count="{len(formats)}">{xfs}</cellXfs>'
        + _STYLES_END
    )


def _shared_strings(strings: dict[str, int]) -> str:
    """sharedStrings.xml: each text (escaped for XML) in the order of its number."""
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    return f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'


def _sheet(
    cells: Iterable[Cell],
    formats: dict[str, int],
    strings: dict[str, int],
    widths: dict[int, float],
) -> str:
    rows: dict[int, list[str]] = {}
    styles: dict[str, str] = {}  # number format -> the cell's style attribute
    for row, column, value, number_format in sorted(cells, key=_POSITION):
        written = _value_xml(value, strings)
        if written is None:
            continue
        style = styles.get(number_format)
        if style is None:
            index = formats.setdefault(number_format or GENERAL, len(formats))
            style = styles[number_format] = f' s="{index}"' if index else ""
        kind, inner = written
        rows.setdefault(row, []).append(
            f'<c r="{column_letters(column)}{row + 1}"{style}{kind}>{inner}</c>'
        )
    cols = "".join(
        f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
        for c, w in sorted(widths.items())
    )
    data = "".join(f'<row r="{r + 1}">{"".join(xml)}</row>' for r, xml in sorted(rows.items()))
    return (
        f'<worksheet xmlns="{_MAIN}">'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f"<sheetData>{data}</sheetData></worksheet>"
    )


def workbook_blob(cells: Iterable[Cell], widths: dict[int, float] | None = None) -> bytes:
    """The .xlsx bytes of one sheet ('Sheet1') holding `cells`; `widths`: column -> width in characters.
    The same cells give the same bytes."""
    formats: dict[str, int] = {GENERAL: 0}
    strings: dict[str, int] = {}
    parts = {
        **_FIXED_PARTS,
        "xl/worksheets/sheet1.xml": _sheet(cells, formats, strings, widths or {}),
    }
    parts["xl/styles.xml"] = _styles(list(formats))
    parts["xl/sharedStrings.xml"] = _shared_strings(strings)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            # the few hundred bytes of a fixed part are stored as they are; the sheet and styles compressed
            info.compress_type = (
                zipfile.ZIP_STORED if name in _FIXED_PARTS else zipfile.ZIP_DEFLATED
            )
            package.writestr(info, _HEAD + xml)
    return out.getvalue()
