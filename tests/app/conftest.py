"""Fixtures of the app tests."""

from __future__ import annotations

import functools

import pytest


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once():
    """Each new AppTest scans every installed package's metadata for Streamlit components (0.15 s, and
    hundreds of AppTests a run); the packages installed do not change during a run, so the scan is made once."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    once = functools.cache(lambda: scan())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", lambda max_workers=None: once())
        yield


@pytest.fixture(scope="session", autouse=True)
def runs_awaited_without_polling():
    """AppTest waits for a script run by waking every millisecond to look through the run's events (taking the
    interpreter lock from the script it waits for); it then joins the script's thread anyway. Here it joins the
    thread at once, within the same timeout; a run still going then is stopped with AppTest's own error."""
    from streamlit.testing.v1 import local_script_runner as runner_module

    polling = runner_module.require_widgets_deltas

    def joined(runner, timeout: float = 3) -> None:
        thread = runner._script_thread
        if thread is not None:
            thread.join(timeout)
            if not thread.is_alive():
                return
        polling(runner, 0)  # stops the run and raises "AppTest script run timed out"

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner_module, "require_widgets_deltas", joined)
        yield


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
