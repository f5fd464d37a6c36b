"""The page's version of a chart figure: readable from a 390 px phone to a wide screen, text at full contrast.

A Chart's figure is drawn for a fixed size (the PNG, the SVG). On the page Plotly fits it to the column instead,
and nothing in a Plotly figure wraps by itself: a long title is cut off at a phone's edge, a legend that wraps onto
more rows covers what is next to it, a wide label margin leaves the bars no room. `for_screen` returns a copy that
works at any width:

- the title and subtitle wrapped at word boundaries to phone width, the plot starting below them;
- any legend below the plot, where Plotly keeps the plot clear of it however many rows it wraps onto;
- long category labels wrapped and the label margin sized to them;
- the source line out of the figure (the page shows it as text under the chart, where it wraps too);
- every text in the chart in the full text colour (Streamlit's chart theme greys tick labels to about 3.7:1).

Pure: no Streamlit. The figure is not changed; the copy is made once per figure and kept with it.
"""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.screen_text import (
    AXIS_TEXT_CHARS,
    BAR_TEXT_CHARS,
    BAR_TEXT_SIZE,
    CHAR_PX,
    COLUMN_LABEL_CHARS,
    DATE,
    HEATMAP_LABEL_CHARS,
    HEATMAP_TEXT_SIZE,
    LABEL_CHARS,
    PHONE_PLOT_PX,
    axis_name,
    bar_labels,
    heatmap_labels,
    join_lines,
    point_labels,
    two_lines,
    widest_label_px,
    wrap,
)

# Sizes for a 390 px phone, where the page leaves a chart 358 px. Titles are drawn in Streamlit's font (Source
# Sans, 16 px: about 7.5 px a character at most); other chart text in Arial (sizes in `charts.screen_text`).
TITLE_CHARS = 42  # a title line
SUBTITLE_CHARS = 62  # a subtitle line (superscript, 70% of TITLE_SIZE)
TITLE_SIZE = 16
LINE_PX = 21  # Plotly's line spacing: 1.3 times TITLE_SIZE, for subtitle lines as well
PANEL_TITLE_SIZE = 14
PANEL_CHAR_PX = 7.5  # width of a character of a facet's or an axis's title (14 px), at most
AXIS_LABELS_PX = 60  # a value axis's tick labels and title beside the plot, at least
PANEL_TITLES_PX = 30  # room for facets' titles (make_subplots puts them just above the plot)
STACK_GAP_PX = 96  # between stacked facets: axis labels and title above, facet title below
LEGEND_ROW_PX = 24
Y_TITLE_CHARS = 24  # a line of a y axis's title (upright beside the plot)
TALL_ROWS = (
    1.4  # plot height for rows of two lines, against one; each further line adds as much again
)
SOURCE_NAME = "source"  # the name style() gives the source annotation
CHANGE_NAME = "recorded_change"  # a recorded change's label on an SPC chart (gpaccess.spc_chart)
CHANGE_CHARS = 24  # a line of that label: 11 px text, within half of a phone's plot
_CACHE_ATTR = "_gpaccess_screen"


def row_height(lines: int) -> float:
    """How much taller a plot is drawn when its category rows take `lines` lines of text."""
    return 1 + (TALL_ROWS - 1) * (max(lines, 1) - 1)


def split_title(text: str) -> tuple[str, str]:
    """'title<br><sup>subtitle</sup>' (style's form; the title may already hold line breaks) -> both, unwrapped."""
    head, _, sub = text.partition("<br><sup>")
    sub = sub.removesuffix("</sup>")
    unbreak = re.compile(r"\s*<br>\s*")
    return unbreak.sub(" ", head).strip(), unbreak.sub(
        " ", sub.replace("</sup>", "").replace("<sup>", "")
    ).strip()


def title_markup(title: str, subtitle: str) -> tuple[str, int]:
    """The title and subtitle wrapped for a phone, as Plotly markup, and its number of lines."""
    lines = wrap(title, TITLE_CHARS)
    subs = wrap(subtitle, SUBTITLE_CHARS) if subtitle else []
    text = join_lines(lines)
    if subs:
        text += " <br>" + join_lines([f"<sup>{line}</sup>" for line in subs])
    return text, len(lines) + len(subs)


def source_text(figure: go.Figure) -> str:
    """The source line `for_screen` takes out of the figure, as plain words (its line breaks as spaces)."""
    notes = [a.text or "" for a in figure.layout.annotations if a.name == SOURCE_NAME]
    return re.sub(r"\s*<br>\s*", " ", " ".join(notes)).strip()


def for_screen(figure: go.Figure) -> go.Figure:
    """The page's copy of `figure` (see the module's docstring); made once, then kept with the figure."""
    cached = getattr(figure, _CACHE_ATTR, None)
    if cached is None:
        cached = screen_copy(figure)
        object.__setattr__(figure, _CACHE_ATTR, cached)  # private: not part of the figure
    return cached


def screen_copy(figure: go.Figure) -> go.Figure:
    """`for_screen`'s copy, made afresh and not kept (for a caller that keeps what it needs of it)."""
    return go.Figure(screen_spec(figure.to_dict()))


def screen_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """`for_screen` on a figure's dict (changed in place and returned)."""
    layout = spec.setdefault("layout", {})
    data = spec.get("data", [])
    height = layout.get("height") or 450
    margin = layout.get("margin") or {}
    old_top, old_bottom = margin.get("t", 100), margin.get("b", 80)
    annotations = [a for a in layout.get("annotations", []) if a.get("name") != SOURCE_NAME]
    layout["annotations"] = annotations
    _change_labels(annotations)

    tables_only = bool(data) and all(t.get("type") == "table" for t in data)
    plot = max(height - old_top - old_bottom, 160)
    bar_lines = bar_labels(layout, data)
    column_labels, heatmap_lines = heatmap_labels(layout, data)
    point_labels(data)
    row_lines = max(bar_lines, heatmap_lines)  # rows of two or more lines: more room for each
    label_px = widest_label_px(layout, data)
    chars = _panel_chars(label_px)
    gap = STACK_GAP_PX + LINE_PX * (_panel_lines(layout, chars) - 1)
    plot = round(_stack_columns(layout, data, plot, gap) * row_height(row_lines))
    panel_lines = _panel_titles(layout, chars)
    _axis_titles(layout, _panel_chars(max(label_px, AXIS_LABELS_PX)), tables_only)
    top = _title(layout) + (PANEL_TITLES_PX + LINE_PX * (panel_lines - 1) if panel_lines else 0)
    top += column_labels
    legend_rows = _legend(layout, data)
    _text_colours(layout, tables_only)

    bottom = 64 + legend_rows * LEGEND_ROW_PX  # axis labels and title, then the legend
    layout["height"] = top + plot + bottom
    layout["margin"] = {**margin, "t": top, "b": 20, "l": 10 if tables_only else 20, "r": 20}
    if not tables_only:  # Plotly sizes each axis's margin to its labels and title
        for name in _axes(layout):
            layout[name]["automargin"] = True
    return spec


def _change_labels(annotations: list[dict[str, Any]]) -> None:
    """A recorded change's label (its month and reason, beside the line at that month, towards the chart's
    middle) in short lines, so that it stays inside the chart at a phone's width."""
    for note in annotations:
        if note.get("name") == CHANGE_NAME:
            note["text"] = join_lines(wrap(note.get("text", ""), CHANGE_CHARS))


def _title(layout: dict[str, Any]) -> int:
    """Wrap the title for a phone, at the top left of the figure; returns the pixels above the plot."""
    title = layout.get("title") or {}
    text = title.get("text") or ""
    if not text:
        return 30
    markup, lines = title_markup(*split_title(text))
    layout["title"] = {
        **title,
        "text": markup,
        "x": 0,
        "xref": "container",
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"t": 10, "l": 8},
        "automargin": True,  # a safety net: Plotly moves the plot down if the title needs more room
        "font": {**title.get("font", {}), "size": TITLE_SIZE, "color": theme.FONT_COLOUR},
    }
    return 10 + LINE_PX * lines + 14


def _panel_chars(label_px: float) -> int:
    """Characters in a line of a facet's title: the width a phone leaves beside the category labels."""
    return max(12, int((PHONE_PLOT_PX - label_px) / PANEL_CHAR_PX))


def _panel_notes(layout: dict[str, Any]) -> list[dict[str, Any]]:
    """Facet titles: make_subplots adds them as annotations on the paper, without arrows."""
    return [
        n
        for n in layout.get("annotations", [])
        if n.get("xref") == "paper" and n.get("yref") == "paper" and not n.get("showarrow", True)
    ]


def _panel_lines(layout: dict[str, Any], chars: int) -> int:
    """The most lines a facet's title takes, wrapped at `chars` (1 if there are none)."""
    texts = [re.sub(r"\s*<br>\s*", " ", str(n.get("text") or "")) for n in _panel_notes(layout)]
    return max([1, *(len(wrap(t, chars)) for t in texts)])


def _panel_titles(layout: dict[str, Any], chars: int) -> int:
    """Facet titles (make_subplots centres them just above each facet) at the facet's left edge, wrapped at
    `chars`. Returns the most lines of the top ones (0 if none)."""
    starts = {
        (d[0] + d[1]) / 2: d[0]
        for d in (layout[k].get("domain", (0, 1)) for k in layout if re.fullmatch(r"xaxis\d*", k))
    }
    top = 0
    for note in layout.get("annotations", []):
        if (
            note.get("xref") != "paper"
            or note.get("yref") != "paper"
            or note.get("showarrow", True)
        ):
            continue
        text = str(note.get("text") or "")
        note["text"] = join_lines(wrap(re.sub(r"\s*<br>\s*", " ", text), chars))
        note["font"] = {**(note.get("font") or {}), "size": PANEL_TITLE_SIZE}
        start = next((v for c, v in starts.items() if abs(c - note.get("x", -1)) < 1e-6), None)
        if start is not None and note.get("xanchor", "center") == "center":
            note.update(x=start, xanchor="left", align="left")
        if note.get("y", 0) >= 1:
            top = max(top, note["text"].count("<br>") + 1)
    return top


def _axis_titles(layout: dict[str, Any], chars: int, tables_only: bool) -> None:
    """Axis titles wrapped: an x axis's like facet titles (centred under the plot, beside the labels' width), a
    y axis's (upright, beside a plot that may be short on a phone) at Y_TITLE_CHARS."""
    for name in [] if tables_only else _axes(layout):
        title = layout[name].get("title")
        text = title.get("text") if isinstance(title, dict) else title
        width = chars if name.startswith("x") else Y_TITLE_CHARS
        if isinstance(text, str) and len(text) > width:
            wrapped = join_lines(wrap(re.sub(r"\s*<br>\s*", " ", text), width))
            layout[name]["title"] = {**(title if isinstance(title, dict) else {}), "text": wrapped}


def _stack_columns(
    layout: dict[str, Any], data: list[dict[str, Any]], plot: int, gap: int = STACK_GAP_PX
) -> int:
    """Facets side by side (make_subplots with one row) put one above the other, each the full width: side by
    side, each gets a third or half of a phone's width. Returns the new plot height (pixels)."""
    pairs = list(dict.fromkeys((t.get("xaxis") or "x", t.get("yaxis") or "y") for t in data))
    if len(pairs) < 2 or len({x for x, _ in pairs}) != len(pairs):
        return plot
    axes = [(axis_name("x", x), axis_name("y", y)) for x, y in pairs]
    x_domains = [tuple(layout.get(x, {}).get("domain", (0, 1))) for x, _ in axes]
    y_domains = {tuple(layout.get(y, {}).get("domain", (0, 1))) for _, y in axes}
    if len(y_domains) != 1 or len(set(x_domains)) != len(axes):
        return plot  # not one row of facets
    y_high = next(iter(y_domains))[1]
    titles = {  # each facet's title, found before any moves
        i: [n for n in layout.get("annotations", []) if _is_title_of(n, x_domains[i], y_high)]
        for i in range(len(axes))
    }
    n = len(axes)
    stacked = n * plot + (n - 1) * gap
    for place, i in enumerate(sorted(range(n), key=lambda i: x_domains[i][0])):
        x, y = axes[i]
        top = 1 - place * (plot + gap) / stacked
        layout.setdefault(x, {})["domain"] = [0, 1]
        layout.setdefault(y, {}).update(
            domain=[max(0, top - plot / stacked), top], showticklabels=True
        )
        for note in titles[i]:
            note.update(x=0.5, y=top)  # centred on its facet, as make_subplots had it
    return stacked


def _is_title_of(note: dict[str, Any], x_domain: tuple[float, ...], y_top: float) -> bool:
    centre = (x_domain[0] + x_domain[1]) / 2
    return (
        note.get("xref") == "paper"
        and note.get("yref") == "paper"
        and abs(note.get("x", -1) - centre) < 1e-6
        and abs(note.get("y", -1) - y_top) < 1e-6
    )


def _legend(layout: dict[str, Any], data: list[dict[str, Any]]) -> int:
    """Any legend below the plot, in rows that wrap with the width; returns its rows on a phone (estimated)."""
    names = {
        t.get("legendgroup") or t.get("name")
        for t in data
        if t.get("name") and t.get("showlegend") is not False
    }
    if (
        layout.get("showlegend") is False
        or not names
        or (len(names) == 1 and not _legend_forced(layout))
    ):
        return 0
    layout["legend"] = {
        **(layout.get("legend") or {}),
        "orientation": "h",
        "xref": "container",
        "x": 0,
        "xanchor": "left",
        "yref": "container",
        "y": 0,
        "yanchor": "bottom",
        "font": {**(layout.get("legend") or {}).get("font", {}), "color": theme.FONT_COLOUR},
    }
    text = sum(len(str(n)) * 7 + 40 for n in names)  # entries at 12 px, with symbol and gap
    return max(1, -(-text // PHONE_PLOT_PX))


def _legend_forced(layout: dict[str, Any]) -> bool:
    return layout.get("showlegend") is True


def _text_colours(layout: dict[str, Any], tables_only: bool) -> None:
    """Tick labels, axis titles and notes in the text colour: 4.5:1 at least on white."""
    for name in [] if tables_only else _axes(layout):
        axis = layout[name]
        axis["tickfont"] = {**axis.get("tickfont", {}), "color": theme.FONT_COLOUR}
        title = axis.get("title") or {}
        if isinstance(title, str):
            title = {"text": title}
        axis["title"] = {**title, "font": {**title.get("font", {}), "color": theme.FONT_COLOUR}}
    for note in layout.get("annotations", []):
        font = note.get("font") or {}
        if font.get("color") in (None, theme.NHS_MID_GREY):
            note["font"] = {**font, "color": theme.FONT_COLOUR}


def _axes(layout: dict[str, Any]) -> list[str]:
    """The layout's x and y axes (xaxis, xaxis2, yaxis, ...); at least the first pair."""
    for name in ("xaxis", "yaxis"):
        layout.setdefault(name, {})
    return [k for k in layout if re.fullmatch(r"[xy]axis\d*", k)]


__all__ = [
    "AXIS_LABELS_PX",
    "AXIS_TEXT_CHARS",
    "BAR_TEXT_CHARS",
    "BAR_TEXT_SIZE",
    "CHAR_PX",
    "COLUMN_LABEL_CHARS",
    "DATE",
    "HEATMAP_LABEL_CHARS",
    "HEATMAP_TEXT_SIZE",
    "LABEL_CHARS",
    "LEGEND_ROW_PX",
    "LINE_PX",
    "PANEL_CHAR_PX",
    "PANEL_TITLES_PX",
    "PANEL_TITLE_SIZE",
    "PHONE_PLOT_PX",
    "SOURCE_NAME",
    "STACK_GAP_PX",
    "SUBTITLE_CHARS",
    "TALL_ROWS",
    "TITLE_CHARS",
    "TITLE_SIZE",
    "Y_TITLE_CHARS",
    "for_screen",
    "join_lines",
    "screen_copy",
    "screen_spec",
    "source_text",
    "split_title",
    "title_markup",
    "two_lines",
    "wrap",
]
