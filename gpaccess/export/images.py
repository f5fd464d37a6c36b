"""Chart images (PNG, SVG) with kaleido and Debian's Chromium, and chart data as CSV and XLSX. No Streamlit.

One kaleido server is started for the process and reused for every image (starting Chromium per image costs
seconds). Without Chromium, `images_unavailable()` says why, so a button can say so instead of failing.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
import warnings
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from gpaccess.charts import Chart
from gpaccess.export.cells import csv_text, neutralise_text, safe_frame

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
WIDTH = 1200  # px; the figure's own height is kept
_lock = threading.Lock()
_started = False


def chromium_path() -> str | None:
    """Debian's Chromium (or $BROWSER_PATH, which kaleido also honours), if installed."""
    for candidate in (
        os.environ.get("BROWSER_PATH"),
        *CHROMIUM_CANDIDATES,
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def images_unavailable() -> str | None:
    """Why chart images cannot be made here, or None when they can."""
    if chromium_path() is None:
        return "Chart images need Chromium, which is not installed on this server (apt install chromium)."
    return None


def _ensure_server() -> None:
    global _started
    with _lock:
        if not _started:
            import kaleido

            os.environ.setdefault("BROWSER_PATH", chromium_path() or "")
            kaleido.start_sync_server(silence_warnings=True)
            _started = True


def figure_image(figure: go.Figure, fmt: str) -> bytes:
    """PNG (2x, for slides and print) or SVG of a figure, drawn by the shared kaleido server."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"Unknown image format {fmt!r}")
    reason = images_unavailable()
    if reason:
        raise RuntimeError(reason)
    _ensure_server()
    height = int(figure.layout.height or 500)
    with _lock, warnings.catch_warnings():  # one request at a time through the one server
        warnings.simplefilter("ignore", UserWarning)  # plotly: "kopts ignored if using a server"
        return figure.to_image(
            format=fmt, width=WIDTH, height=height, scale=2 if fmt == "png" else 1
        )


def chart_images(charts: list[Chart], fmt: str) -> dict[str, bytes]:
    """Images of a batch of charts, through the one server: key -> bytes."""
    return {chart.key: figure_image(chart.figure, fmt) for chart in charts}


def csv_bytes(chart: Chart) -> bytes:
    """The plotted data as CSV, text that a spreadsheet could run as a formula quoted (gpaccess.export.cells)."""
    return csv_text(chart.data).encode("utf-8")


def xlsx_bytes(chart: Chart) -> bytes:
    """The plotted data on a sheet 'data', with the title, scope, source and caveats on a sheet 'about'. Text
    that a spreadsheet could run as a formula is quoted, and every cell is a value: never a formula."""
    out = io.BytesIO()
    about = pd.DataFrame(
        {
            "item": ["Finding", "Scope and period", "Source", "Notes", "Description"],
            "text": [
                chart.title,
                chart.subtitle,
                chart.source,
                " ".join(chart.notes),
                chart.alt_text,
            ],
        }
    )
    data = chart.data.copy()
    for (
        column
    ) in data.columns:  # Excel has no time zones; pandas' nullable types written as plain values
        if isinstance(data[column].dtype, pd.DatetimeTZDtype):
            data[column] = data[column].dt.tz_localize(None)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        safe_frame(data).to_excel(writer, sheet_name="data", index=False)
        safe_frame(about).to_excel(writer, sheet_name="about", index=False)
        for sheet in writer.book.worksheets:
            _no_formulas(sheet)
    return out.getvalue()


def _no_formulas(sheet) -> None:
    """openpyxl makes any text starting with '=' a formula: none should be left after `safe_frame`, and any that
    is (a header, say) is written as quoted text."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.value = neutralise_text(str(cell.value))
