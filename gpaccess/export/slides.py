"""Board pack as a PowerPoint deck: native, editable charts with their numbers inside (python-pptx). Pure.

16:9, NHS identity (NHS Blue, Arial), one slide per chart panel: the finding as the slide title, scope and period
below it, source and caveats in a footnote, the key figures in the speaker notes, alt text on every chart.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.packuri import PackURI
from pptx.util import Inches

from gpaccess import theme
from gpaccess.charts import Chart
from gpaccess.db import IDENTITY_COLUMNS
from gpaccess.disclosure import FEWER_THAN
from gpaccess.export import drawing
from gpaccess.export.native import NativeChart, NativeTable, Panel
from gpaccess.export.slide_chart import add_chart
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


@dataclass(frozen=True)
class Section:
    heading: str
    items: Sequence[Placed]  # each chart with the rule that draws it (gpaccess.registry)
    together: frozenset[str] = (
        frozenset()
    )  # chart keys drawn on one slide as small multiples (2 to 4)
    together_title: str = ""  # that slide's title

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
    box = (int(left), int(top), int(width), int(height))
    return drawing.text_box(
        slide, box, text, size=size, bold=bold, colour=colour, font=FONT, align=align, anchor=anchor
    )


def title_size(text: str) -> int:
    """Points for a slide title: two lines at most fit its box under the classification marking."""
    return 24 if len(text) <= 90 else 20 if len(text) <= 150 else 16


TITLE_TOP, TITLE_HEIGHT = Inches(0.35), Inches(0.95)  # two lines under the classification marking


def _set_title(
    slide, text: str, size: int = 24, top=TITLE_TOP, height=TITLE_HEIGHT, colour=theme.NHS_BLUE
) -> None:
    box = (int(MARGIN), int(top), int(WIDTH - 2 * MARGIN), int(height))
    drawing.title(slide, box, text, size=size, colour=colour, font=FONT)


def _frame(slide, label: str, number: int):
    """Classification at the top right, NHS blue rule under the title area, slide number at the bottom right;
    the classification's text box."""
    marking = _text(
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
    drawing.rectangle(slide, (0, 0, int(WIDTH), int(Inches(0.12))), theme.NHS_BLUE)
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
    return marking


def _alt_text(frame, text: str) -> None:
    frame._element.nvGraphicFramePr.cNvPr.set("descr", text)


def _notes(slide, text: str) -> None:
    drawing.notes(slide, text)


def _chunks(native: NativeChart | NativeTable) -> list[NativeChart | NativeTable]:
    """A panel in parts that fit a slide each: a long table by rows, a long bar chart by categories (the same
    value axis on every part). A stacked bar or Gantt draws one bar per category, however many series."""
    if isinstance(native, NativeTable):
        rows = native.rows
        wordy = any(len(value) > 40 for row in rows for value in row)  # rows wrap onto two lines
        step = MAX_TABLE_ROWS * 2 // 3 if wordy else MAX_TABLE_ROWS
        return [
            NativeTable(native.columns, rows[i : i + step])
            for i in range(0, max(len(rows), 1), step)
        ]
    one_bar = len(native.series) == 1 or native.kind in ("stacked_bar", "gantt")
    most = MAX_CATEGORIES if one_bar else MAX_CATEGORIES * 2 // 3
    if native.kind == "line" or len(native.categories) <= most:
        return [native]
    n = len(native.categories)
    if native.kind in ("stacked_bar", "gantt"):
        top = max(
            sum(v or 0 for v in values)
            for values in zip(*(s.values for s in native.series), strict=True)
        )
    else:
        top = max((v or 0) for s in native.series for v in s.values)
    parts = -(-n // most)
    size = -(-n // parts)  # even parts
    return [
        replace(
            native,
            categories=native.categories[i : i + size],
            series=tuple(
                replace(s, values=s.values[i : i + size], point_colours={}) for s in native.series
            ),
            value_max=native.value_max or (top * 1.1 if top > 0 else None),
        )
        for i in range(0, n, size)
    ]


def has_values(native: NativeChart | NativeTable) -> bool:
    """False for a chart whose every value is suppressed or missing (a Gantt's start bars do not count), or
    a table with no figure beside its first column: such a part is not a slide."""
    if isinstance(native, NativeTable):
        cells = [cell for row in native.rows for cell in row[1:]]
        return any(cell.strip() and FEWER_THAN not in cell for cell in cells) or (
            len(native.columns) == 1 and bool(native.rows)
        )
    drawn = native.series[1:] if native.kind == "gantt" else native.series
    return any(v is not None for series in drawn for v in series.values)


@dataclass
class _Deck:
    """The presentation being written: its chart slides as their sections come (the classification, which
    rests on every chart, is set on them at the end), each chart slide with its title (set at the end, when
    repeated titles can be numbered); `front` slides (the cover, the summary) are written last and put first."""

    prs: object
    front: int = 1
    label: str = OFFICIAL  # until every section is written
    titled: list[tuple[object, str]] = field(default_factory=list)
    markings: list[object] = field(default_factory=list)

    @property
    def next_number(self) -> int:
        return len(self.prs.slides) + self.front + 1  # type: ignore[attr-defined]

    def new_slide(self):
        number = self.next_number
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # type: ignore[attr-defined]
        self.markings.append(_frame(slide, self.label, number))
        return slide

    def classify(self, sections: Sequence[Section]) -> None:
        """The deck's classification, on every slide written so far."""
        self.label = classification(sections)
        for marking in self.markings:
            marking.text_frame.paragraphs[0].runs[0].text = self.label  # type: ignore[attr-defined]

    def to_front(self, position: int) -> None:
        """The slide written last moved to `position` (0: first), its part named for its place (slide1.xml)."""
        ids = self.prs.slides._sldIdLst  # type: ignore[attr-defined]
        last = ids[-1]
        ids.remove(last)
        ids.insert(position, last)
        self.prs.part.rename_slide_parts([slide_id.rId for slide_id in ids])  # type: ignore[attr-defined]

    def title_slides(self) -> None:
        """Each chart slide's title; a run of consecutive slides with the same title numbered '(1 of 3)'."""
        runs: list[list[tuple[object, str]]] = []
        for slide, title in self.titled:
            if runs and runs[-1][0][1] == title:
                runs[-1].append((slide, title))
            else:
                runs.append([(slide, title)])
        for run in runs:
            for i, (slide, title) in enumerate(run, start=1):
                text = f"{title} ({i} of {len(run)})" if len(run) > 1 else title
                _set_title(slide, text, size=title_size(text))


def _scope_line(slide, text: str) -> None:
    _text(
        slide,
        MARGIN,
        Inches(1.3),
        WIDTH - 2 * MARGIN,
        Inches(0.4),
        text,
        size=14 if len(text) <= LINE_AT_14PT else 11,  # one line: clear of the chart
        colour=theme.NHS_DARK_GREY,
    )


FOOTNOTE_CHARS = 700  # characters of 10 pt text that fit the footnote's five lines


def _footnote(slide, text: str) -> None:
    """Source and caveats under the chart: 10 pt, smaller when long, so that it stays on the slide."""
    size = 10 if len(text) <= FOOTNOTE_CHARS else 9 if len(text) <= 1.2 * FOOTNOTE_CHARS else 8
    _text(
        slide,
        MARGIN,
        Inches(6.5),
        WIDTH - 2 * MARGIN - Inches(0.8),
        Inches(0.9),
        text,
        size=size,
        colour=theme.NHS_DARK_GREY,
    )


def _place(slide, chart: Chart, heading: str, part, left, top, width, height, compact=False):
    if isinstance(part, NativeTable):
        frame = add_table(slide, part, left, top, width, height)
    else:
        frame = add_chart(slide, part, left, top, width, height, compact=compact)
    frame.name = f"{chart.key}|{heading}"  # which chart and panel (tests and editors find it)
    _alt_text(frame, chart.alt_text if not heading else f"{heading}: {chart.alt_text}")
    return frame


def _chart_slides(deck: _Deck, item: Placed) -> int:
    """Slides for one chart: one per panel (and continuation) with something to show; how many."""
    chart = item.chart
    panel_list: list[Panel] = item.slide(chart)
    made = 0
    for heading, native in panel_list:
        for part in (p for p in _chunks(native) if has_values(p)):
            slide = deck.new_slide()
            _scope_line(
                slide, " · ".join([heading, chart.subtitle] if heading else [chart.subtitle])
            )
            _place(
                slide, chart, heading, part, MARGIN, Inches(1.75), WIDTH - 2 * MARGIN, Inches(4.65)
            )
            _footnote(slide, chart.footnote)
            notes = [f"Key figures: {chart.alt_text}", f"Scope: {chart.subtitle}", chart.footnote]
            _notes(slide, "\n\n".join(notes))
            deck.titled.append((slide, chart.title))
            made += 1
    return made


MULTIPLES_PER_SLIDE = 6  # two by two, or three by two from five charts


def _small_multiples(deck: _Deck, items: Sequence[Placed], title: str) -> int:
    """Up to six charts on one slide, two by two (or three by two for five or six), each under its own finding: the first part of each
    chart's first panel with something to show. One slide, or none when no chart has anything."""
    shown = [
        (item.chart, heading, part)
        for item in items
        for heading, native in item.slide(item.chart)[:1]
        for part in [p for p in _chunks(native) if has_values(p)][:1]
    ][:MULTIPLES_PER_SLIDE]
    if not shown:
        return 0
    slide = deck.new_slide()
    _scope_line(slide, shown[0][0].subtitle)
    columns = 2 if len(shown) <= 4 else 3  # two by two, or three by two
    gap = Inches(0.3)
    cell_width, cell_height = (WIDTH - 2 * MARGIN - (columns - 1) * gap) // columns, Inches(2.35)
    for i, (chart, heading, part) in enumerate(shown):
        left = MARGIN + (i % columns) * (cell_width + gap)
        top = Inches(1.7) + (i // columns) * cell_height
        _text(slide, left, top, cell_width, Inches(0.45), chart.title, size=11, bold=True)
        _place(
            slide,
            chart,
            heading,
            part,
            left,
            top + Inches(0.5),
            cell_width,
            cell_height - Inches(0.55),
            compact=True,
        )
    said = dict.fromkeys(
        words for chart, _, _ in shown for words in (chart.source, *chart.notes) if words
    )  # each source and caveat once
    _footnote(slide, " ".join([_key_in_words([part for _, _, part in shown]), *said]))
    notes = [
        f"{chart.title}. Key figures: {chart.alt_text} Scope: {chart.subtitle}"
        for chart, _, _ in shown
    ]
    _notes(slide, "\n\n".join(notes))
    deck.titled.append((slide, title))
    return 1


def _key_in_words(parts: Sequence[NativeChart | NativeTable]) -> str:
    """What the lines of small multiples are, in words (they have no legend): 'In each chart: Value, Mean,
    Upper process limit (dashed), ..., Special cause: concern (circles)'."""
    words = [
        s.name
        + (" (dashed)" if s.dashed else "")
        + (f" ({s.symbol}s)" if s.markers and not s.line else "")
        for part in parts
        if isinstance(part, NativeChart)
        for s in part.series
    ]
    return f"In each chart: {', '.join(dict.fromkeys(words))}." if words else ""


def _section_slides(deck: _Deck, section: Section) -> int:
    """A section's slides in order; its `together` charts (two or more of them) on one slide."""
    together = [item for item in section.items if item.chart.key in section.together][
        :MULTIPLES_PER_SLIDE
    ]  # more than fit on the grid: the rest on slides of their own
    made = 0
    for item in section.items:
        if len(together) < 2 or item not in together:
            made += _chart_slides(deck, item)
        elif item is together[0]:
            made += _small_multiples(deck, together, section.together_title)
    return made


def _cover(deck: _Deck, ctx: ChartContext, title: str, synthetic: bool, today: dt.date) -> None:
    cover = deck.prs.slides.add_slide(deck.prs.slide_layouts[5])  # type: ignore[attr-defined]
    band = drawing.rectangle(cover, (0, 0, int(WIDTH), int(Inches(3.6))), theme.NHS_BLUE)
    _set_title(cover, title, size=36, top=Inches(1.3), height=Inches(1.6), colour=theme.NHS_WHITE)
    cover.shapes._spTree.insert(2, band)  # behind the title
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
        f"Classification: {deck.label}",
        size=20,
        bold=True,
        colour=theme.NHS_DARK_BLUE,
    )
    _notes(cover, f"{title}. {lines[0]}. {lines[1]}. Classification {deck.label}.")


def _contents(slide, entries: list[str]) -> None:
    _set_title(slide, "Contents")
    _text(slide, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(4.5), "\n".join(entries), size=22)
    _text(
        slide,
        MARGIN,
        Inches(6.3),
        WIDTH - 2 * MARGIN,
        Inches(0.9),
        "Each chart is a native PowerPoint chart: right-click it and choose Edit Data to see or reuse the "
        "figures. Key figures for each slide are in the speaker notes.",
        size=12,
        colour=theme.NHS_DARK_GREY,
    )
    _notes(slide, "Contents. " + "; ".join(entries))


def _number_parts_by_counting(package) -> None:
    """New parts of the deck (charts, their workbooks, notes pages) numbered by counting on from the first of
    each kind: python-pptx lists every part of the package to find the next free number (chart7.xml) each
    time it adds one, about 5% of writing the England pack. Parts are only added while a deck is written,
    so the numbers are the same."""
    first_free = package.next_partname
    last: dict[str, int] = {}

    def next_partname(template: str) -> PackURI:
        if template in last:
            last[template] += 1
            return PackURI(template % last[template])
        name = first_free(template)
        prefix, suffix = template.split("%d")
        last[template] = int(name[len(prefix) : len(name) - len(suffix)])
        return name

    package.next_partname = next_partname


def build_pack(
    sections: Iterable[Section],
    ctx: ChartContext,
    *,
    title: str = PACK_TITLE,
    synthetic: bool = False,
    today: dt.date | None = None,
    contents: bool = True,
    summary: Summary | Callable[[], Summary] | None = None,
) -> bytes:
    """The deck as bytes: title slide, the summary slide (when given: the board pack's slide 2), contents
    (unless `contents` is False: the board pack has none), then the chart slides of each section in order.
    Each section's slides are written as it comes (`sections` may be built while this writes), the summary
    (or the function that gives it) is asked for after the last; the cover and summary are then put first."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _number_parts_by_counting(prs.part.package)
    deck = _Deck(prs, front=1 if summary is None else 2)
    contents_slide = deck.new_slide() if contents else None
    entries, written = [], []
    for section in sections:
        first = deck.next_number
        made = _section_slides(deck, section)
        written.append(section)
        entries.append(
            f"{section.heading}: slides {first} to {first + made - 1}"
            if made
            else f"{section.heading}: nothing to show for this scope"
        )
    deck.classify(written)
    if contents_slide is not None:
        _contents(contents_slide, entries)
    if summary is not None:
        from gpaccess.export.summary_slide import add_summary_slide  # drawn with the helpers here

        add_summary_slide(prs, summary() if callable(summary) else summary, deck.label, 2)
        deck.to_front(0)
    _cover(deck, ctx, title, synthetic, today or dt.date.today())
    deck.to_front(0)
    deck.title_slides()
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
