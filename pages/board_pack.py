"""Board pack: choose the charts (the default pack unless chosen; the choice kept in the URL as ?charts=...),
build one PowerPoint deck with native, editable charts for the current filters."""

import streamlit as st

from gpaccess.app import frame, summary_page
from gpaccess.app.charts import PageCharts
from gpaccess.export.pack import (
    DEFAULT_PACK,
    PACK_CHOICES,
    build_pack,
    chart_label,
    chosen_by_page,
    classification,
    deck_file_name,
    pack_sections,
)
from gpaccess.registry import PAGES
from gpaccess.text import plain
from gpaccess.url_state import charts_from_param, param_from_charts

CHARTS = "pack_charts"  # the multiselect's key
URL_KEY = "charts"


def seed_choice() -> None:
    """The multiselect's first value: the charts in the URL (unknown ones dropped, said in words), else the
    default pack."""
    if CHARTS in st.session_state:
        return
    value = st.query_params.get(URL_KEY)
    chosen, notes = (
        (list(DEFAULT_PACK), []) if value is None else charts_from_param(value, PACK_CHOICES)
    )
    st.session_state[CHARTS] = chosen
    st.session_state["pack_notes"] = notes


def keep_in_url(chosen: list[str]) -> None:
    """The choice in the URL, in the dashboard's order; none for the default pack."""
    if set(chosen) == set(DEFAULT_PACK):
        st.query_params.pop(URL_KEY, None)
    else:
        st.query_params[URL_KEY] = param_from_charts([k for k in PACK_CHOICES if k in chosen])


ctx = frame.current()
st.title("Board pack")
st.markdown(
    f"A PowerPoint deck for **{ctx.scope_label_md}**, {ctx.period_label}, with the filters in the sidebar. "
    "Every chart is a native PowerPoint chart with its figures inside (right-click, Edit Data), the finding "
    "as the slide title, source and caveats in a footnote and the key figures in the speaker notes."
)
seed_choice()
for note in st.session_state.get("pack_notes", []):
    st.warning(note, icon="⚠️")  # plain text already (gpaccess.url_state)
chosen = st.multiselect(
    "Charts",
    list(PACK_CHOICES),
    format_func=chart_label,
    key=CHARTS,
    help="Listed by page and heading. The default is the board pack: cover, summary, the programme charts "
    "that matter, the access outcomes on one slide and the reach of support.",
)
keep_in_url(chosen)
st.caption(
    f"{len(chosen)} of {len(PACK_CHOICES)} charts chosen (the box scrolls). "
    "The named list of practices in an ICB's lowest 20% is never part of a board pack: the pack shows the "
    "reach of support as counts. A chart with nothing to show for these filters has no slide."
)
export_ctx = ctx.chart_context()

if st.button("Build board pack", type="primary", disabled=not chosen, key="pack_build"):
    bar = st.progress(0.0, text="Starting")
    by_page = chosen_by_page(chosen)
    placed = {}
    for done, (page, keys) in enumerate(by_page.items()):  # the pages' own charts, cached
        bar.progress(0.8 * done / len(by_page), text=f"Building {PAGES[page].heading}")
        placed[page] = PageCharts(page, ctx).placed(keys)
    sections = pack_sections(placed)
    bar.progress(0.85, text="Writing slides")
    summary = summary_page.current(ctx)  # slide 2, after the cover
    deck = build_pack(
        sections, export_ctx, synthetic=ctx.synthetic_demo, summary=summary, contents=False
    )
    bar.progress(1.0, text="Ready")
    charts = sum(len(s.charts) for s in sections)
    st.session_state["pack"] = (
        deck,
        classification(sections),
        charts,
        ctx.scope_label,
        (ctx.scope, tuple(sorted(chosen))),
    )

built = st.session_state.get("pack")
if built is not None and built[4] == (ctx.scope, tuple(sorted(chosen))):  # not for other filters
    deck, label, charts, scope_label, _ = built
    shown = plain(scope_label, frame.NAME_LIMIT)
    st.success(f"Board pack for {shown}: {charts} charts. Classification: {label}.")
    st.download_button(
        "Download board pack (PPTX)",
        deck,
        file_name=deck_file_name(export_ctx, label),
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="pack_download",
        icon=":material/download:",
    )
