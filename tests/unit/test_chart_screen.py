"""The page's copy of a chart figure (gpaccess.charts.screen): wrapped for a phone, text at full contrast, and
the figure a Chart carries (for the PNG and SVG) left as it was."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gpaccess import theme
from gpaccess.charts.base import style
from gpaccess.charts.phases import board_style, labels_at_zero, programme_bar, programme_facets
from gpaccess.charts.screen import (
    AXIS_TEXT_CHARS,
    LABEL_CHARS,
    SUBTITLE_CHARS,
    TITLE_CHARS,
    for_screen,
    source_text,
    split_title,
    title_markup,
    two_lines,
)

LONG_TITLE = "Half of the 1,135 practices had a face-to-face share below 67.0%, and a quarter of them below 60.2%"
LONG_SUBTITLE = (
    "North East and North Yorkshire region · Apr 2021 to Sep 2026 · practices per 5-point band"
)
SOURCE = "Source: NHS England, Appointments in General Practice (practice level)."


def lines_of(markup: str) -> list[str]:
    return [re.sub(r"</?sup>", "", line).strip() for line in markup.split("<br>")]


def line_figure() -> go.Figure:
    figure = go.Figure(
        [
            go.Scatter(x=[1, 2, 3], y=[4, 5, 6], name="Accelerate"),
            go.Scatter(x=[1, 2, 3], y=[6, 5, 4], name="GPIP"),
        ]
    )
    return style(figure, title=LONG_TITLE, subtitle=LONG_SUBTITLE, source=SOURCE)


def test_title_and_subtitle_wrap_at_word_boundaries_to_phone_width():
    markup, count = title_markup(LONG_TITLE, LONG_SUBTITLE)
    title_part, _, subtitle_part = markup.partition("<br><sup>")
    title_lines, subtitle_lines = lines_of(title_part), lines_of("<sup>" + subtitle_part)
    assert all(len(line) <= TITLE_CHARS for line in title_lines) and len(title_lines) > 1
    assert all(len(line) <= SUBTITLE_CHARS for line in subtitle_lines) and len(subtitle_lines) > 1
    assert " ".join(title_lines) == LONG_TITLE and " ".join(subtitle_lines) == LONG_SUBTITLE
    assert count == len(title_lines) + len(subtitle_lines)
    assert split_title(markup) == (LONG_TITLE, LONG_SUBTITLE)  # style's form, whatever the wrapping


def test_lines_end_in_a_space_so_the_svg_text_reads_as_words():
    """Plotly draws each line as its own text node: joined, they must not run words together."""
    markup, _ = title_markup(LONG_TITLE, "")
    assert "<br>" in markup
    assert markup.replace("<br>", "") == LONG_TITLE


def test_screen_copy_moves_the_source_out_and_leaves_the_figure_alone():
    figure = line_figure()
    before = figure.to_dict()
    screen = for_screen(figure)
    assert figure.to_dict() == before  # the PNG, SVG and slides keep theirs
    assert source_text(figure) == SOURCE
    assert SOURCE not in [a.text for a in screen.layout.annotations]
    assert for_screen(figure) is screen  # made once per figure


def test_legend_sits_below_the_plot_and_text_is_in_the_text_colour():
    screen = for_screen(line_figure())
    legend = screen.layout.legend
    assert (legend.orientation, legend.yref, legend.y, legend.yanchor) == (
        "h",
        "container",
        0,
        "bottom",
    )
    assert legend.font.color == theme.FONT_COLOUR
    for axis in (screen.layout.xaxis, screen.layout.yaxis):
        assert (
            axis.tickfont.color == theme.FONT_COLOUR
        )  # Streamlit's chart theme greys them to 3.7:1
        assert axis.title.font.color == theme.FONT_COLOUR
        assert axis.automargin
    assert screen.layout.title.font.color == theme.FONT_COLOUR


def test_the_plot_keeps_its_height_below_a_taller_title():
    figure = line_figure()
    old = figure.layout
    screen = for_screen(figure)
    plot_before = old.height - old.margin.t - old.margin.b
    plot_after = screen.layout.height - screen.layout.margin.t - screen.layout.margin.b
    assert plot_after >= plot_before
    _, lines = title_markup(*split_title(old.title.text))
    assert screen.layout.margin.t >= 21 * lines  # the title's lines fit above the plot


def facets() -> go.Figure:
    names = ["NHS North East and North Cumbria Integrated Care Board area", "Short"]
    figure = programme_facets(["Accelerate", "GPIP"], 2, x_title="Practices enrolled (%)")
    figure.add_trace(
        programme_bar(
            "Accelerate", names, [12.2, 9.3], ["12.2% (23 of 188)", "9.3% (26 of 279)"], ""
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        programme_bar("GPIP", names[:1], [5.5], ["5.5% (10 of 183)"], ""), row=1, col=2
    )
    figure.add_trace(labels_at_zero(names[1:], ["fewer than 5 practices"]), row=1, col=2)
    figure.update_xaxes(range=[0, 20])
    return board_style(figure, title=LONG_TITLE, subtitle=LONG_SUBTITLE, source=SOURCE, rows=2)


def test_facets_side_by_side_are_stacked_full_width():
    screen = for_screen(facets())
    layout = screen.layout
    assert list(layout.xaxis.domain) == [0, 1] and list(layout.xaxis2.domain) == [0, 1]
    assert layout.yaxis.domain[0] > layout.yaxis2.domain[1]  # Accelerate above GPIP, not beside it
    assert layout.yaxis2.showticklabels  # each panel names its rows
    titles = {a.text: a.y for a in layout.annotations}
    assert (
        titles["Accelerate"] == layout.yaxis.domain[1] and titles["GPIP"] == layout.yaxis2.domain[1]
    )


def test_long_labels_and_bar_text_wrap_and_the_axis_leaves_room_for_the_text():
    figure = facets()
    screen = for_screen(figure)
    ticks = screen.layout.yaxis.ticktext
    assert all(len(line.strip()) <= LABEL_CHARS for label in ticks for line in label.split("<br>"))
    assert screen.layout.xaxis.range[1] > 20  # room after the longest bar for its text
    words = [t for trace in screen.data if trace.text is not None for t in trace.text]
    assert "fewer than 5 practices" in words  # words at the axis keep to a line of AXIS_TEXT_CHARS
    assert len("fewer than 5 practices") <= AXIS_TEXT_CHARS
    assert all(line.strip() for t in words for line in t.split("<br>"))


def test_text_beside_a_bar_takes_at_most_two_lines():
    assert two_lines("12.2% (23 of 188)") == ["12.2% (23 of 188)"]
    assert two_lines("46 enrolled: 45 finished, 1 withdrew") == [
        "46 enrolled: 45",
        "finished, 1 withdrew",
    ]


def test_numeric_arrays_are_read_from_the_figures_typed_arrays():
    """A figure's dict holds numeric arrays as base64 typed arrays: the bar ends must still be found."""
    figure = go.Figure(
        go.Bar(
            y=["a", "b"],
            x=pd.Series([40.0, 80.0], dtype="Float64"),
            orientation="h",
            text=["40.0% of 200 assessed", "80.0% of 100 assessed"],
            textposition="outside",
        )
    )
    figure.update_xaxes(range=[0, 100])
    style(figure, title="t", subtitle="s", source=SOURCE)
    assert for_screen(figure).layout.xaxis.range[1] > 100


def test_a_table_figure_gets_no_axis_settings():
    figure = go.Figure(go.Table(header={"values": ["a"]}, cells={"values": [["1"]]}))
    style(figure, title=LONG_TITLE, subtitle=LONG_SUBTITLE, source=SOURCE)
    screen = for_screen(figure).to_dict()["layout"]
    axes = [key for key in screen if re.fullmatch(r"[xy]axis\d*", key)]
    assert all(screen[key] == figure.to_dict()["layout"][key] for key in axes)
    assert screen["margin"]["l"] == 10


def heatmap(side: str) -> go.Figure:
    figure = make_subplots(rows=1, cols=1)
    figure.add_trace(
        go.Heatmap(z=[[1, 2]], x=["1 Signposting", "2 Consultation types"], y=["London (n=70)"])
    )
    figure.update_xaxes(side=side)
    return style(figure, title="t", subtitle="s", source=SOURCE)


def test_heatmap_columns_are_labelled_upright_with_room_made_above_the_plot():
    top, bottom = for_screen(heatmap("top")), for_screen(heatmap("bottom"))
    assert top.layout.xaxis.tickangle == -90
    room = top.layout.margin.t - bottom.layout.margin.t
    assert room >= 6 * len("2 Consultation types")  # the longest column label, upright


def heatmap_rows(names: list[str]) -> go.Figure:
    figure = go.Figure(go.Heatmap(z=[[1.0, 2.0]] * len(names), x=["a", "b"], y=names))
    return style(figure, title="t", subtitle="s", source=SOURCE)


def plot_height(figure: go.Figure) -> float:
    return figure.layout.height - figure.layout.margin.t - figure.layout.margin.b


def test_heatmap_rows_of_several_lines_get_the_room_each_line_needs():
    short = [f"ICB {i}" for i in range(42)]
    two = [f"Long name {i} of an area" for i in range(42)]  # 14 characters a line: two lines
    three = [f"Longer name {i} of a wide area here" for i in range(42)]
    lines = {
        len(names): max(
            len(t.split("<br>")) for t in for_screen(heatmap_rows(names)).layout.yaxis.ticktext
        )
        for names in (two, three)
    }
    assert lines == {len(two): 2, len(three): 3}
    plot = plot_height(heatmap_rows(short))  # the plot as drawn for a wide screen
    one_line = plot_height(for_screen(heatmap_rows(short)))
    assert plot_height(for_screen(heatmap_rows(two))) - one_line == round(plot * 1.4) - plot
    assert plot_height(for_screen(heatmap_rows(three))) - one_line == round(plot * 1.8) - plot


def shares_with_text(texts: list[str]) -> go.Figure:
    figure = go.Figure(
        go.Bar(y=["a", "b"], x=[100.0, 96.5], orientation="h", textposition="outside", text=texts)
    )
    figure.update_xaxes(ticksuffix="%")
    return style(figure, title="t", subtitle="s", source=SOURCE)


def test_room_made_for_text_beside_bars_gets_no_ticks():
    """An axis of shares stretched so the text fits after the bars still has its ticks end at the bars (no
    '300%' on a share); where the bars leave a phone little room, only the two ends are ticked (labels that
    crowd are turned on their side)."""
    short = for_screen(shares_with_text(["100.0% (17)", "96.5% (8)"])).layout.xaxis
    assert short.range[1] > 100
    assert list(short.tickvals) == [0, 50, 100]
    assert list(short.ticktext) == ["0%", "50%", "100%"]
    long = for_screen(
        shares_with_text(
            ["100.0% (175 of 175) with appointment data", "96.5% (83 of 86) with data"]
        )
    ).layout.xaxis
    assert long.range[1] > 150
    assert list(long.ticktext) == ["0%", "100%"]


def test_nice_ticks_are_round_and_stop_at_the_top():
    from gpaccess.charts.screen_text import nice_ticks

    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    assert nice_ticks(0, 160) == [0, 50, 100, 150]
    assert nice_ticks(0, 7) == [0, 2, 4, 6]
    assert nice_ticks(0, 0.3) == [0, 0.1, 0.2, 0.3]


def test_names_above_points_turn_inwards_at_the_sides():
    figure = go.Figure(
        go.Scatter(
            x=[3200, 3500, 3600, 3900], y=[1, 2, 3, 4], text=["West", "", "Middle", "East"],
            mode="markers+text", textposition="top center",
        )
    )  # fmt: skip
    style(figure, title="t", subtitle="s", source=SOURCE)
    assert list(for_screen(figure).data[0].textposition) == [
        "top right",
        "top center",
        "top center",
        "top left",
    ]
