"""'What practices changed' in a real browser on the actions fixture store: every chart drawn as SVG with a
finding as its title, the association-not-cause warning, no practice identity on the page, and the phase and
region filters changing the charts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import FOLDED, shot, start_streamlit, wait_for_charts
from tests.integration.test_actions_queries import PRACTICES, build_actions_store

pytestmark = pytest.mark.browser

ERROR_SELECTORS = (
    '[data-testid="stException"], [data-testid="stAlertContentError"], [data-testid="stDialog"]'
)


@pytest.fixture(scope="module")
def actions_server(tmp_path_factory) -> Iterator[str]:
    db = build_actions_store(tmp_path_factory.mktemp("actions_browser") / "actions.duckdb")
    process, url = start_streamlit(db)
    yield url
    process.terminate()
    process.wait(timeout=20)


def titles(tab) -> list[str]:
    return tab.locator(".js-plotly-plot .gtitle").all_text_contents()


def wait_for_all_charts(tab, count: int) -> None:
    wait_for_charts(tab)
    tab.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot .gtitle').length >= {count}",
        timeout=90_000,
    )


def folded(page, expected: int) -> int:
    """Charts folded away after the page's first four, each behind its switch (gpaccess.app.charts): the
    switches come after the charts, so a loaded machine may draw the charts first; waited for up to 30 s."""
    switches = page.locator('[data-testid="stCheckbox"]').filter(has_text=FOLDED)
    expect(switches).to_have_count(expected, timeout=30_000)
    return switches.count()


def test_actions_page_in_the_browser(actions_server, page):
    page.goto(f"{actions_server}/actions")
    # England, both programmes: adoption, 2 region and 2 ICB tables, gains by action, gains by number: the
    # first four drawn, the other three folded away behind a switch each
    wait_for_all_charts(page, 4)
    assert page.locator(ERROR_SELECTORS).count() == 0
    assert page.locator(".js-plotly-plot").count() == 4 and folded(page, 3) == 3
    shown = (
        titles(page)
        + page.locator('[data-testid="stCheckbox"]').filter(has_text=FOLDED).all_inner_texts()
    )
    assert any(t.startswith("Most adopted high impact action") for t in shown)
    assert any("association, not cause" in t for t in shown)
    body = page.inner_text("body")
    assert "Association, not cause." in body
    assert "fewer than 5" in page.locator(".js-plotly-plot").nth(3).inner_text() or any(
        "fewer than 5" in t for t in page.locator(".js-plotly-plot .ytick").all_text_contents()
    )
    assert not any(code in body for code, _, _ in PRACTICES)
    shot(page, "actions-england")

    page.get_by_role("combobox", name="Phase").click()
    page.get_by_role("option", name="Accelerate · Phase 1", exact=True).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(e => e.textContent.includes('Phase 1'))",
        timeout=60_000,
    )
    wait_for_charts(page)
    assert page.locator(ERROR_SELECTORS).count() == 0
    # Accelerate only: one region and one ICB table (four drawn, one folded)
    assert page.locator(".js-plotly-plot").count() == 4 and folded(page, 1) == 1
    assert not any("GPIP" in t for t in titles(page))
    shot(page, "actions-phase-1")


def test_region_filter_changes_the_actions_charts_and_the_url(actions_server, page):
    page.goto(f"{actions_server}/actions")
    wait_for_all_charts(page, 4)
    page.get_by_role("combobox", name="Region").click()
    page.get_by_role("option", name="London", exact=True).click()
    page.wait_for_url(re.compile(r"region=Y56"), timeout=60_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(e => e.textContent.includes('London region'))",
        timeout=60_000,
    )
    wait_for_charts(page)
    assert page.locator(ERROR_SELECTORS).count() == 0
    ticks = " ".join(page.locator(".js-plotly-plot .ytick").all_text_contents())
    assert "QOC" not in ticks  # the Midlands ICB is out of scope
    assert "QRV" in ticks
    shot(page, "actions-london")
