"""The summary slide (slide 2 of the board pack, after the cover): the summary's finding as the title, status
against target and trajectory, what changed since the previous month, the headline outcomes as a native table
with their SPC verdicts in words, and the author's commentary with who wrote it and when. The speaker notes hold
the commentary and the key figures. Written from the pure model (gpaccess.summary); every text is plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Inches

from gpaccess import theme
from gpaccess.export.native import NativeTable
from gpaccess.export.slide_table import add_table
from gpaccess.export.slides import (
    MARGIN,
    WIDTH,
    Section,
    _frame,
    _notes,
    _scope_line,
    _set_title,
    _text,
    build_pack,
    title_size,
)
from gpaccess.registry import ChartContext, Placed
from gpaccess.summary import SOURCE, Summary, add_months, month_label

TABLE_NAME = (
    "Summary outcomes"  # shape names (tests and editors find them); no "|": not a chart panel
)
COMMENTARY_NAME = "Summary commentary"
COLUMN_WIDTH = (WIDTH - 2 * MARGIN - Inches(0.3)) // 2


def add_summary_slide(prs, summary: Summary, label: str, number: int):
    """Add the summary slide to `prs` (classification `label`, slide `number`); returns the slide."""
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _frame(slide, label, number)
    _set_title(slide, summary.title, size=title_size(summary.title))
    _scope_line(slide, summary.subtitle)
    _column(slide, MARGIN, "Status against target", summary.status_lines)
    changed = f"What changed since {month_label(_previous(summary))}"
    _column(
        slide,
        MARGIN + COLUMN_WIDTH + Inches(0.3),
        changed,
        [
            *summary.change_lines[:1],
            "Each outcome's change on the month before is in the table below.",
        ]
        if summary.gpip is not None
        else summary.change_lines[:1],
    )
    if summary.outcome_rows:
        table = NativeTable(*summary.short_outcome_table())
        frame = add_table(slide, table, MARGIN, Inches(3.3), WIDTH - 2 * MARGIN, Inches(1.9))
        frame.name = TABLE_NAME
        frame._element.nvGraphicFramePr.cNvPr.set(
            "descr",
            "Headline access outcomes: " + "; ".join(" ".join(r) for r in summary.outcome_rows),
        )
    _commentary(slide, summary)
    _text(
        slide,
        MARGIN,
        Inches(6.65),
        WIDTH - 2 * MARGIN - Inches(0.8),
        Inches(0.5),
        SOURCE + " Variation and assurance: NHS England, Making Data Count.",
        size=10,
        colour=theme.NHS_DARK_GREY,
    )
    _notes(slide, summary.notes)
    return slide


def _previous(summary: Summary):
    return None if summary.month is None else add_months(summary.month, -1)


def _column(slide, left, heading: str, lines: list[str]) -> None:
    _text(
        slide,
        left,
        Inches(1.75),
        COLUMN_WIDTH,
        Inches(0.35),
        heading,
        size=14,
        bold=True,
        colour=theme.NHS_BLUE,
    )
    _text(slide, left, Inches(2.1), COLUMN_WIDTH, Inches(1.4), "\n".join(lines), size=11)


def _commentary(slide, summary: Summary) -> None:
    c = summary.commentary
    heading = "Commentary" + ("" if c is None else f" ({c.byline})")
    _text(
        slide,
        MARGIN,
        Inches(5.45),
        WIDTH - 2 * MARGIN,
        Inches(0.35),
        heading,
        size=14,
        bold=True,
        colour=theme.NHS_BLUE,
    )
    body = summary.commentary_text if c is None else c.text
    box = _text(
        slide,
        MARGIN,
        Inches(5.8),
        WIDTH - 2 * MARGIN,
        Inches(0.8),
        body,
        size=12 if len(body) <= 400 else 11,
    )
    box.name = COMMENTARY_NAME
    box.text_frame.vertical_anchor = MSO_ANCHOR.TOP
    box.fill.solid()
    box.fill.fore_color.rgb = RGBColor.from_string(theme.NHS_PALE_GREY.lstrip("#").upper())


__all__ = ["COMMENTARY_NAME", "TABLE_NAME", "add_summary_slide", "summary_deck"]


def summary_deck(
    summary: Summary, ctx: ChartContext, *, synthetic: bool, charts: Sequence[Placed] = ()
) -> bytes:
    """The Summary page's "Download slides": the cover and the summary slide (the board pack's first two
    slides), then the page's charts, without the board pack's contents slide."""
    sections = [Section("Summary", list(charts))] if charts else []
    return build_pack(sections, ctx, synthetic=synthetic, summary=summary, contents=False)
