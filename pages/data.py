"""Data: how fresh and how complete the figures are; load monthly files from the browser; load history."""

import datetime as dt

import pandas as pd
import streamlit as st

from gpaccess import failed_loads
from gpaccess.app import frame, upload
from gpaccess.app.charts import PageCharts
from gpaccess.app.data import db_path, query
from gpaccess.charts.quality import POOR_COVERAGE_PCT, freshness, history_table
from gpaccess.config import TEMPLATES_DIR
from gpaccess.definitions import DEFINITIONS, reconciliation, shown
from gpaccess.labels import programmes_of
from gpaccess.scope import NATIONAL

ctx = frame.current()
st.title("Data: what is loaded, how fresh, how complete")

held = query("months_held", ctx.viewer, NATIONAL)
appointments = held.iloc[0]
newest = None if pd.isna(appointments["newest_month"]) else appointments["newest_month"]
fresh = freshness(None if newest is None else pd.Timestamp(newest).date(), dt.date.today())
(st.warning if fresh.stale else st.success)(
    fresh.message, icon=":material/warning:" if fresh.stale else ":material/check_circle:"
)

st.subheader("Months held")
st.dataframe(
    held.assign(
        first_month=held["first_month"].map(lambda d: "" if pd.isna(d) else f"{d:%b %Y}"),
        newest_month=held["newest_month"].map(lambda d: "" if pd.isna(d) else f"{d:%b %Y}"),
        months=held["months"].map(lambda n: "" if pd.isna(n) or n == 0 else f"{int(n):,}"),
        practices=held["practices"].map(lambda n: "" if pd.isna(n) else f"{int(n):,}"),
        last_loaded=held["last_loaded"].map(lambda t: "" if pd.isna(t) else f"{t:%Y-%m-%d %H:%M}"),
    ).rename(
        columns={
            "source": "Source",
            "first_month": "First month",
            "newest_month": "Newest month",
            "months": "Months",
            "practices": "Practices",
            "last_loaded": "Last loaded (UTC)",
        }
    ),
    hide_index=True,
)
st.caption(
    "List sizes: months are extract dates. Programme tracker: practices in the tracker, England (any "
    "enrolment, any status; each load is a full snapshot)."
)

st.subheader(f"How the practice counts add up: {ctx.scope_label_md}")
counts = query("practice_reconciliation", ctx.viewer, ctx.scope).iloc[0]
if not counts["practices_in_tracker"]:
    st.info("No programme data loaded for this scope.")
else:
    st.caption(
        "Each page counts practices in programmes in one of these ways. Read down a block: each figure is the "
        "one above it with the changes between them. Programme to date: the period filter does not change them."
    )
    table = shown(
        reconciliation(counts, programmes_of(ctx.scope)),
        exact=ctx.viewer.may_see_practices_of(ctx.scope.icb),
    )
    st.dataframe(table, hide_index=True, key="practice_reconciliation")
    with st.expander("Definitions of the counts"):
        st.dataframe(
            pd.DataFrame(
                {
                    "Count": [d.name for d in DEFINITIONS.values()],
                    "What it counts": [d.words for d in DEFINITIONS.values()],
                    "Shown on": [d.shown_on for d in DEFINITIONS.values()],
                }
            ),
            hide_index=True,
            key="definitions",
        )

st.subheader("Load files")
upload.show_last_result()
permission = upload.permission()
if permission.allowed:
    st.caption(
        f"{permission.reason} Give the monthly GPAD zip as downloaded (or its CSVs), the list-size files "
        "and the programme tracker (XLSX, or its sheets as CSV), in any order. The batch is checked whole "
        "before anything is written: if any file is wrong, nothing changes."
    )
    generation = st.session_state.setdefault("upload_generation", 0)
    files = st.file_uploader(
        "Files to load",
        type=upload.ACCEPTED_TYPES,
        accept_multiple_files=True,
        key=f"upload_files_{generation}",
    )
    st.button(
        f"Load {len(files)} file{'s' if len(files) != 1 else ''}" if files else "Load",
        type="primary",
        disabled=not files,
        key="upload_load",
        on_click=upload.request_load,
    )
    if upload.load_requested() and files:
        result = upload.load_uploaded(list(files), ctx.viewer)
        upload.remember(result)
        if result.ok:
            st.session_state["upload_generation"] = generation + 1
            upload.include_new_months()
        st.rerun()
    st.button(
        "Load the newest month",
        key="load_newest",
        on_click=upload.request_newest,
        help="Downloads the newest practice-level zip from NHS England's 'Appointments in General "
        "Practice' and loads it, as `gpaccess fetch` does.",
    )
    if upload.newest_requested():
        upload.remember(upload.load_newest_month(ctx.viewer))
        upload.include_new_months()
        st.rerun()
else:
    st.info(permission.reason, icon=":material/lock:")

template = TEMPLATES_DIR / "programme_tracker.xlsx"
if template.exists():
    st.download_button(
        "Download the programme tracker template (XLSX)",
        template.read_bytes(),
        file_name="programme_tracker.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="tracker_template",
    )
    st.caption("The template's sheets and columns are described in docs/programme-template.md.")

st.subheader("Load history")
refusals = failed_loads.version(
    db_path()
)  # a refused load changes the log beside the database, not the database
history = history_table(query("load_history", ctx.viewer, NATIONAL, refusals=refusals))
if history.empty:
    st.info("Nothing has been loaded yet.")
else:
    refused = int((history["outcome"] == "refused").sum())
    st.caption(
        f"{len(history)} file loads, newest first"
        + (f"; {refused} refused (nothing was changed by those)" if refused else "")
        + ". Times are UTC."
    )
    st.dataframe(
        history.rename(
            columns={
                "loaded_at": "When",
                "outcome": "Outcome",
                "file_name": "File",
                "file_kind": "Kind",
                "rows": "Rows",
                "months": "Months",
                "loaded_by": "Who",
                "sha256": "SHA-256",
                "problems": "Problems (refused loads)",
            }
        ),
        hide_index=True,
        column_order=[
            "When",
            "Outcome",
            "File",
            "Problems (refused loads)",
            "Kind",
            "Rows",
            "Months",
            "Who",
        ]
        + ["SHA-256"],
        key="load_history",
    )

st.subheader(f"Coverage and recording quality: {ctx.scope_label_md}")
st.caption(
    f"Coverage below {POOR_COVERAGE_PCT:.0f}% of open practices puts a caveat on every page for that scope. "
    "NHS England's appointment data counts only appointments recorded in practice systems that are mapped "
    "to national categories."
)
coverage = query("coverage_by_icb_month", ctx.viewer, ctx.scope)
quality = query("recording_quality_by_icb_month", ctx.viewer, ctx.scope)
if coverage.empty and quality.empty:
    st.info("No appointment data for this scope and period.")
else:
    charts = PageCharts("data", ctx)
    charts.show("Coverage and recording quality", subheader=False)
    if ctx.scope.icb and ctx.viewer.may_see_practices_of(ctx.scope.icb):
        gone = query("dropped_out_practices", ctx.viewer, ctx.scope)
        st.markdown(f"**Practices whose data dropped out** ({ctx.scope_label_md} users only)")
        if gone.empty:
            st.caption("None in this period.")
        else:
            st.dataframe(
                gone.assign(
                    month=gone["month"].map(lambda d: f"{d:%b %Y}"),
                    data_again_from=gone["data_again_from"].map(
                        lambda d: "not since" if pd.isna(d) else f"{d:%b %Y}"
                    ),
                ).rename(
                    columns={
                        "month": "Dropped out in",
                        "practice_code": "Practice code",
                        "practice_name": "Practice",
                        "appointments_month_before": "Appointments the month before",
                        "data_again_from": "Data again from",
                    }
                ),
                hide_index=True,
                key="dropped_out_practices",
            )
    charts.slides(note="Coverage and recording quality (the load history stays here).")
