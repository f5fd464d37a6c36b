"""Fixtures of the app tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def fresh_charts():
    """Charts are cached per process across sessions (gpaccess.app.charts), and AppTest runs in this process:
    a test that swaps a chart function builds its charts afresh, and leaves none of them behind."""
    from gpaccess.app.charts import _built

    _built.clear()
    yield
    _built.clear()
