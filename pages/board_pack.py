"""Board pack: choose sections, build one PowerPoint deck with native, editable charts for the current filters."""

import datetime as dt

import streamlit as st

from gpaccess.app import frame, summary_page
from gpaccess.app.charts import PageCharts
from gpaccess.export.pack import PACK_SECTIONS, Section, build_pack, classification, without_repeats
from gpaccess.registry import PAGES
from gpaccess.text import plain

ctx = frame.current()
st.title("Board pack")
st.markdown(
    f"A PowerPoint deck for **{ctx.scope_label_md}**, {ctx.period_label}, with the filters in the sidebar. "
    "Every chart is a native PowerPoint chart with its figures inside (right-click, Edit Data), the finding "
    "as the slide title, source and caveats in a footnote and the key figures in the speaker notes."
)

chosen = st.multiselect(
    "Sections",
    list(PACK_SECTIONS),
    default=list(PACK_SECTIONS),
    format_func=lambda key: PAGES[key].heading,
    key="pack_sections",
)
st.caption(
    "Access, support identification and data quality are not part of the board pack: each of those pages "
    "has its own Download slides button."
)
export_ctx = ctx.chart_context()

if st.button("Build board pack", type="primary", disabled=not chosen, key="pack_build"):
    bar = st.progress(0.0, text="Starting")

    sections = []
    for done, key in enumerate(
        key for key in PAGES if key in chosen
    ):  # the pages' own charts, cached
        bar.progress(0.8 * done / len(chosen), text=f"Building {PAGES[key].heading}")
        sections.append(Section(PAGES[key].heading, PageCharts(key, ctx).placed()))
    sections = without_repeats(sections)
    bar.progress(0.85, text="Writing slides")
    summary = summary_page.current(ctx)  # slide 2, after the cover
    deck = build_pack(sections, export_ctx, synthetic=ctx.synthetic_demo, summary=summary)
    bar.progress(1.0, text="Ready")
    charts = sum(len(s.charts) for s in sections)
    st.session_state["pack"] = (
        deck,
        classification(sections),
        charts,
        ctx.scope_label,
        (ctx.scope, chosen),
    )

built = st.session_state.get("pack")
if built is not None and built[4] == (ctx.scope, chosen):  # a deck for other filters is not offered
    deck, label, charts, scope_label, _ = built
    shown = plain(scope_label, frame.NAME_LIMIT)
    st.success(f"Board pack for {shown}: {charts} charts. Classification: {label}.")
    st.download_button(
        "Download board pack (PPTX)",
        deck,
        file_name=f"board-pack-{dt.date.today():%Y-%m-%d}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="pack_download",
        icon=":material/download:",
    )
