"""Chart data as CSV and XLSX equals the plotted data; PNG and SVG come from kaleido with Debian's Chromium
through one shared server; without Chromium the reason is given instead of an error."""

from __future__ import annotations

import io

import pandas as pd
import plotly.graph_objects as go
import pytest

from gpaccess.charts import Chart
from gpaccess.export import images

DATA = pd.DataFrame(
    {"icb": ["North West London", "Somerset"], "blocked": [17, 5], "pct": [12.5, None]}
)
CHART = Chart(
    "telephony_blocked",
    "22 practices were blocked",
    "England · latest",
    go.Figure(go.Bar(x=DATA["blocked"], y=DATA["icb"], orientation="h")).update_layout(height=300),
    DATA,
    "Bar chart of practices blocked.",
    "Source: test.",
    ("A caveat.",),
)


def test_csv_and_xlsx_hold_the_plotted_data():
    assert pd.read_csv(io.BytesIO(images.csv_bytes(CHART))).equals(DATA)
    book = pd.read_excel(io.BytesIO(images.xlsx_bytes(CHART)), sheet_name=None)
    assert set(book) == {"data", "about"}
    pd.testing.assert_frame_equal(book["data"], DATA, check_dtype=False)
    about = dict(zip(book["about"]["item"], book["about"]["text"], strict=True))
    assert about["Finding"] == CHART.title and about["Source"] == "Source: test."


def test_without_chromium_the_reason_is_given(monkeypatch):
    monkeypatch.setattr(images, "CHROMIUM_CANDIDATES", ())
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    reason = images.images_unavailable()
    assert reason and "Chromium" in reason
    with pytest.raises(RuntimeError, match="Chromium"):
        images.figure_image(CHART.figure, "png")


@pytest.mark.skipif(images.chromium_path() is None, reason="needs Chromium")
def test_png_and_svg_through_one_server():
    pngs = images.chart_images([CHART, CHART], "png")
    assert pngs["telephony_blocked"][:8] == b"\x89PNG\r\n\x1a\n"
    svg = images.figure_image(CHART.figure, "svg")
    assert svg.lstrip().startswith(b"<svg") and b"Somerset" in svg
    assert images._started  # the one server, started once and reused
    with pytest.raises(ValueError):
        images.figure_image(CHART.figure, "gif")
