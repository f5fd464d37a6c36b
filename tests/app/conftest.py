"""Fixtures of the app tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def fresh_charts():
    """Charts and the summary are cached per process across sessions (gpaccess.app.charts, summary_page), and
    AppTest runs in this process:
    a test that swaps a chart function builds its charts afresh, and leaves none of them behind."""
    from gpaccess.app.charts import _built
    from gpaccess.app.summary_page import _summary

    _built.clear()
    _summary.clear()
    yield
    _built.clear()
    _summary.clear()


FOLDED = (
    "Show: ",
    "Show all ",
)  # a chart after a page's first four; the rest of a shortened chart's rows


def unfolded(at):
    """The page with every chart shown whole: each switch that folds a chart away (after a page's first four)
    or shortens it (top and bottom 10 rows) switched on (gpaccess.app.charts, gpaccess.app.render)."""
    for _ in range(3):  # a chart switched on can bring its own "Show all" switch
        folded = [t for t in at.toggle if t.label.startswith(FOLDED) and not t.value]
        if not folded:
            return at
        for toggle in folded:
            toggle.set_value(True)
        at.run()
    return at
