"""First run: build the demo database (data/demo.duckdb) when there is no real data and no demo yet, showing
progress in the page; and the page shown while a load from the command line holds the database."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import NoReturn

import streamlit as st

from gpaccess.demo_build import build_demo_database


def ensure_database(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second session waits for the first build
        if path.exists():
            return
        st.info(
            "No real data loaded yet: building the synthetic demo data, in its own database (published "
            "formats, loaded through the same ingest as real files). This takes about a minute, once. Real "
            "data loaded later (`gpaccess fetch`, or the Data page) is shown instead of it."
        )
        bar = st.progress(0.0, text="Starting")

        def show(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        build_demo_database(path, progress=show)
        bar.empty()
    st.rerun()


BUSY_MESSAGE = "The data is being updated (a load is running). Try again in a minute."


def show_database_busy() -> NoReturn:
    """Instead of the page while another process writes to the database: words, a Retry button, no traceback."""
    st.info(BUSY_MESSAGE, icon=":material/hourglass_top:")
    st.button("Retry", key="database_busy_retry", icon=":material/refresh:")  # a click reruns
    st.stop()
