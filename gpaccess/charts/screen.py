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

import base64
import numbers
import re
import textwrap
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme

# Sizes for a 390 px phone, where the page leaves a chart 358 px. Titles are drawn in Streamlit's font (Source
# Sans, 16 px: about 7.5 px a character at most); other chart text in Arial.
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
LABEL_CHARS = 24  # a line of a bar chart's category label
COLUMN_LABEL_CHARS = 16  # a line of a category label under an upright bar
Y_TITLE_CHARS = 24  # a line of a y axis's title (upright beside the plot)
HEATMAP_LABEL_CHARS = 14  # a line of a heatmap's row label: its columns need the width
HEATMAP_TEXT_SIZE = 11
BAR_TEXT_CHARS = 18  # text beside a bar up to this long keeps to one line, longer takes two
AXIS_TEXT_CHARS = 22  # a line of words at the axis in place of a bar ("fewer than 5 practices")
BAR_TEXT_SIZE = 12
TALL_ROWS = 1.4  # plot height for rows of two lines, against one
CHAR_PX = 6.8  # width of a character of 12 px text, on average (for the room text needs)
PHONE_PLOT_PX = 330  # a chart's width on a phone, less its right margin
DATE = re.compile(r"\d{4}-\d{2}")  # a date as Plotly's typed data holds it: not a category label
SOURCE_NAME = "source"  # the name style() gives the source annotation
_CACHE_ATTR = "_gpaccess_screen"


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken between words only (a longer word keeps its own line)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def two_lines(text: str) -> list[str]:
    """Text beside a bar: one line up to BAR_TEXT_CHARS characters, else two lines as even as the words allow."""
    if len(text) <= BAR_TEXT_CHARS:
        return [text]
    for width in range(max(BAR_TEXT_CHARS - 4, -(-len(text) // 2)), len(text) + 1):
        lines = wrap(text, width)
        if len(lines) <= 2:
            return lines
    return [text]


def join_lines(lines: list[str]) -> str:
    """Plotly lines, each but the last ending in a space so that the SVG text reads as the words did (the lines'
    text nodes are joined without a separator by a screen reader, or a search of the page's text)."""
    return " <br>".join(lines)


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
        cached = go.Figure(screen_spec(figure.to_dict()))
        object.__setattr__(figure, _CACHE_ATTR, cached)  # private: not part of the figure
    return cached


def screen_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """`for_screen` on a figure's dict (changed in place and returned)."""
    layout = spec.setdefault("layout", {})
    data = spec.get("data", [])
    height = layout.get("height") or 450
    margin = layout.get("margin") or {}
    old_top, old_bottom = margin.get("t", 100), margin.get("b", 80)
    annotations = [a for a in layout.get("annotations", []) if a.get("name") != SOURCE_NAME]
    layout["annotations"] = annotations

    tables_only = bool(data) and all(t.get("type") == "table" for t in data)
    plot = max(height - old_top - old_bottom, 160)
    tall = _labels(layout, data) > 1  # rows of two lines: more room for each
    column_labels = _heatmaps(layout, data)
    label_px = _label_px(layout, data)
    chars = _panel_chars(label_px)
    gap = STACK_GAP_PX + LINE_PX * (_panel_lines(layout, chars) - 1)
    plot = round(_stack_columns(layout, data, plot, gap) * (TALL_ROWS if tall else 1))
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


def _label_px(layout: dict[str, Any], data: list[dict[str, Any]]) -> float:
    """About how wide the widest category labels (y) of the bars, points or cells are on a phone."""
    widest = 0.0
    for trace in data:
        axis = layout.get(_axis_name("y", trace.get("yaxis") or "y"), {})
        values = _values(trace, "y")
        if axis.get("ticktext"):
            width = max(_px(str(t)) for t in axis["ticktext"])
        elif values and all(
            isinstance(v, list) for v in values
        ):  # multicategory: a group, then a name
            width = sum(max((_px(str(v)) for v in level), default=0.0) for level in values) + 20
        else:
            width = max((_px(str(v)) for v in values if isinstance(v, str)), default=0.0)
        widest = max(widest, width)
    return widest


def _stack_columns(
    layout: dict[str, Any], data: list[dict[str, Any]], plot: int, gap: int = STACK_GAP_PX
) -> int:
    """Facets side by side (make_subplots with one row) put one above the other, each the full width: side by
    side, each gets a third or half of a phone's width. Returns the new plot height (pixels)."""
    pairs = list(dict.fromkeys((t.get("xaxis") or "x", t.get("yaxis") or "y") for t in data))
    if len(pairs) < 2 or len({x for x, _ in pairs}) != len(pairs):
        return plot
    axes = [(_axis_name("x", x), _axis_name("y", y)) for x, y in pairs]
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


def _labels(layout: dict[str, Any], data: list[dict[str, Any]]) -> int:
    """Long category labels of horizontal bars wrapped, so that the labels leave the bars room; long text beside
    bars wrapped and set smaller, with room made for it after the longest bar. Returns the most lines a bar's
    row now holds."""
    lines = 1
    for trace in data:
        if _text_beside_bars(trace):
            xs = _values(trace, "x")
            texts = [
                _beside(t, xs[i] if i < len(xs) else None) if isinstance(t, str) else t
                for i, t in enumerate(_values(trace, "text"))
            ]
            trace["text"] = texts
            font = "outsidetextfont" if trace.get("type") == "bar" else "textfont"
            trace[font] = {**trace.get(font, {}), "size": BAR_TEXT_SIZE}
            lines = max([lines, *(str(t).count("<br>") + 1 for t in texts)])
        if trace.get("orientation") == "h" and trace.get("type") == "bar":
            lines = max(lines, _category_labels(layout, trace))
        elif trace.get("type") == "bar":  # upright bars: labels under them, wrapped not slanted
            _category_labels(layout, trace, COLUMN_LABEL_CHARS, "x")
    _text_room(layout, data)
    return lines


def _beside(text: str, x: Any) -> str:
    """Text beside a bar in at most two lines; words at the axis in place of a bar have the plot's width."""
    return join_lines(wrap(text, AXIS_TEXT_CHARS) if x == 0 else two_lines(text))


def _heatmaps(layout: dict[str, Any], data: list[dict[str, Any]]) -> int:
    """Tables of coloured cells: row labels wrapped, column labels upright (slanted ones run into each other
    when a phone leaves a column 20 pixels), cell text smaller. Returns the pixels the column labels need above
    the plot (0 unless they are on top)."""
    room = 0
    for trace in data:
        if trace.get("type") != "heatmap":
            continue
        _category_labels(layout, trace, HEATMAP_LABEL_CHARS)
        trace["textfont"] = {**trace.get("textfont", {}), "size": HEATMAP_TEXT_SIZE}
        x_axis = layout.setdefault(_axis_name("x", trace.get("xaxis") or "x"), {})
        x_axis["tickangle"] = -90
        if x_axis.get("side") == "top":
            longest = max((len(str(v)) for v in _values(trace, "x")), default=0)
            room = max(room, round(CHAR_PX * longest) + 16)
    return room


def _text_beside_bars(trace: dict[str, Any]) -> bool:
    """Text outside a horizontal bar, or text drawn to the right of a point (a bar's end or the axis)."""
    if isinstance(trace.get("text"), str) or trace.get("text") is None:
        return False
    if trace.get("type") == "bar":
        return trace.get("orientation") == "h" and trace.get("textposition") == "outside"
    return (
        trace.get("type") == "scatter"
        and trace.get("mode") == "text"
        and str(trace.get("textposition", "")).endswith("right")
    )


def _category_labels(
    layout: dict[str, Any], trace: dict[str, Any], width: int = LABEL_CHARS, letter: str = "y"
) -> int:
    """A trace's category labels (on its y axis, or x) wrapped at `width`; returns the most lines a label
    has."""
    values = [v for v in _values(trace, letter) if isinstance(v, str)]
    if not values or max(len(v) for v in values) <= width or all(DATE.match(v) for v in values):
        return 1
    spec = layout.setdefault(_axis_name(letter, trace.get(f"{letter}axis") or letter), {})
    if spec.get("type") in ("date", "linear", "log"):
        return 1
    if spec.get("tickmode") == "array":
        return 1
    known = list(dict.fromkeys([*spec.get("tickvals", []), *values]))
    labels = [join_lines(wrap(v, width)) for v in known]
    spec.update(tickmode="array", tickvals=known, ticktext=labels)
    return max(label.count("<br>") + 1 for label in labels)


def _text_room(layout: dict[str, Any], data: list[dict[str, Any]]) -> None:
    """Each x axis with text beside its bars reaches far enough that on a phone each text fits after its bar
    (on a wide screen the bars are then shorter than they need be, and still plain to compare)."""
    beside = [t for t in data if _text_beside_bars(t)]
    label_px: dict[str, float] = {}  # x axis: the widest category label beside its plot
    for trace in beside:
        y_axis = layout.get(_axis_name("y", trace.get("yaxis") or "y"), {})
        labels = [str(t) for t in y_axis.get("ticktext", [])] or [
            str(v) for v in _values(trace, "y")
        ]
        axis = _axis_name("x", trace.get("xaxis") or "x")
        label_px[axis] = max([label_px.get(axis, 0.0), *(_px(label) for label in labels)])
    needed: dict[str, float] = {}  # x axis: the range end each text needs, at most
    for trace in beside:
        axis = _axis_name("x", trace.get("xaxis") or "x")
        width = max(PHONE_PLOT_PX - label_px[axis], 100.0)
        for x, text in zip(_values(trace, "x"), _values(trace, "text"), strict=False):
            if isinstance(x, numbers.Real) and float(x) > 0 and text:
                end = float(x) * width / (width - min(_px(str(text)), 0.75 * width))
                needed[axis] = max(needed.get(axis, 0.0), end)
    for axis, end in needed.items():
        spec = layout.setdefault(axis, {})
        if spec.get("type") in ("date", "category", "log"):
            continue
        low, high = spec.get("range") or (0, 0)
        if end > high:
            spec["range"] = [low, end]
            spec["autorange"] = False
        _fewer_ticks(spec)
    for axis in {_axis_name("x", t.get("xaxis") or "x") for t in beside}:
        on_axis = [t for t in beside if _axis_name("x", t.get("xaxis") or "x") == axis]
        _date_room(layout.setdefault(axis, {}), on_axis, max(PHONE_PLOT_PX - label_px[axis], 100.0))


def _date_room(spec: dict[str, Any], traces: list[dict[str, Any]], width: float) -> None:
    """The same on a date axis (`spec`), for bars from a date (`base`) lasting `x` milliseconds: a timeline."""
    if spec.get("type") != "date" or spec.get("range"):
        return
    starts, ends, texts = [], [], []
    for trace in traces:
        begin = pd.to_datetime(pd.Series(_values(trace, "base"), dtype="object"), errors="coerce")
        length = pd.to_timedelta(pd.Series(_values(trace, "x"), dtype="float64"), unit="ms")
        if len(begin) != len(length) or len(length) != len(_values(trace, "text")):
            return
        starts += begin.tolist()
        ends += (begin + length).tolist()
        texts += [str(t) for t in _values(trace, "text")]
    known = [
        (s, e, t)
        for s, e, t in zip(starts, ends, texts, strict=True)
        if pd.notna(s) and pd.notna(e)
    ]
    if not known:
        return
    first = min(s for s, _, _ in known)
    last = max(e for _, e, _ in known)
    needed = max(
        first + (e - first) * width / (width - min(_px(t), 0.75 * width)) for _, e, t in known
    )
    pad = (last - first) * 0.02
    spec.update(
        range=[(first - pad).isoformat(), max(needed, last + pad).isoformat()], autorange=False
    )


def _px(text: str) -> float:
    """The width of text's longest line at 12 px, about."""
    return CHAR_PX * max(len(line) for line in text.split("<br>"))


def _fewer_ticks(spec: dict[str, Any]) -> None:
    """Value ticks the builder chose (tickvals), five or more: the first, the last and the one nearest halfway,
    so that they do not crowd the little width a phone leaves beside the labels."""
    values, texts = list(spec.get("tickvals") or []), list(spec.get("ticktext") or [])
    numeric = all(isinstance(v, numbers.Real) for v in values)
    if len(values) < 5 or not numeric or (texts and len(texts) != len(values)):
        return
    middle = min(range(len(values)), key=lambda i: abs(values[i] - (values[0] + values[-1]) / 2))
    keep = [0, middle, len(values) - 1]
    spec["tickvals"] = [values[i] for i in keep]
    if texts:
        spec["ticktext"] = [texts[i] for i in keep]


def _values(trace: dict[str, Any], key: str) -> list[Any]:
    """A trace's array as a list: a figure's dict holds numeric arrays as typed arrays (base64 and a dtype)."""
    value = trace.get(key)
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return [] if value is None or isinstance(value, str) else list(value)


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


def _axis_name(letter: str, ref: str) -> str:
    """'y' -> 'yaxis', 'y2' -> 'yaxis2'."""
    return f"{letter}axis{ref[1:]}"
