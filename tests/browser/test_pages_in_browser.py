"""Pages in a real browser: the Summary drawn without an error; filters change the charts and the URL. Every
page's charts drawn as SVG with titles and no error element: tests/browser/test_accessibility_browser.py, which
opens each page once as the public (at England's scope) and once as an ICB persona."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, start_streamlit, wait_for_charts, wait_for_idle

pytestmark = pytest.mark.browser

ERROR_SELECTORS = (
    '[data-testid="stException"], [data-testid="stAlertContentError"], [data-testid="stDialog"]'
)


def choose(tab, label: str, option: str) -> None:
    """Pick an option in the Streamlit selectbox with this label."""
    tab.get_by_role("combobox", name=label).click()
    tab.get_by_role("option", name=option, exact=True).click()


def chart_titles(tab) -> list[str]:
    return tab.locator(".js-plotly-plot .gtitle").all_text_contents()  # SVG text: no innerText


def test_summary_page_renders_without_errors(server, page):
    page.goto(f"{server}/")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=90_000)
    page.get_by_text("Status against target").wait_for(timeout=90_000)
    wait_for_idle(page)
    assert page.locator(ERROR_SELECTORS).count() == 0
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Summary"
    # each outcome's verdict in words (its icon beside it only where an SPC rule fires)
    page.get_by_text("Access outcomes").wait_for(timeout=90_000)
    page.get_by_text("Assurance:").nth(3).wait_for(timeout=90_000)
    wait_for_idle(page)
    assert page.get_by_text("Assurance:").count() == 4
    shot(page, "page-summary")


def test_changing_the_region_changes_the_charts_and_the_url(server, page):
    page.goto(f"{server}/overview")
    wait_for_charts(page)
    before = chart_titles(page)
    choose(page, "Region", "London")
    page.wait_for_url(re.compile(r"region=Y56"), timeout=60_000)
    wait_for_charts(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(e => e.textContent.includes('London region'))",
        timeout=60_000,
    )
    after = chart_titles(page)
    assert after != before
    assert any("London" in t for t in after)
    assert page.locator(ERROR_SELECTORS).count() == 0
    shot(page, "overview-london")


def test_a_copied_url_reopens_the_same_view_on_another_page(server, page):
    page.goto(f"{server}/uptake?region=Y56&icb=QRV&programme=GPIP")
    wait_for_charts(page)
    assert "NHS North West London ICB" in page.inner_text("body")
    page.get_by_role("link", name="Productivity gains").click()
    page.wait_for_url(re.compile(r"/gains\?.*icb=QRV"), timeout=60_000)
    wait_for_charts(page)
    assert "NHS North West London ICB" in page.inner_text("body")


def test_deep_link_on_a_fresh_server_shows_the_filtered_page(demo_db, page):
    """The first request a new server sees is a shared link to a sub-page (Streamlit's legacy pages/ mode)."""
    process, url = start_streamlit(demo_db)
    try:
        page.goto(f"{url}/gains?icb=QF7")
        wait_for_charts(page)
        assert page.locator(ERROR_SELECTORS).count() == 0
        assert "NHS South Yorkshire ICB" in page.inner_text("body")
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.parametrize("path", ["summary", ""])
def test_the_default_page_opens_at_its_own_address_too(server, page, path):
    """/overview opened a "Page not found" dialog when it was the default page: Streamlit serves its default
    page only at "/". The Summary is the default now: it opens at /summary as well."""
    page.goto(f"{server}/{path}?region=Y56")
    page.get_by_text("Status against target").wait_for(timeout=90_000)
    wait_for_idle(page)
    assert page.locator(ERROR_SELECTORS).count() == 0
    assert page.inner_text('[data-testid="stMain"] h1') == "Summary"
    assert "London" in page.inner_text("body")


def region_shown(tab) -> str:
    return tab.get_by_role("combobox", name="Region").input_value()


def test_back_and_forward_restore_the_filters(server, page):
    page.goto(f"{server}/uptake?region=Y56")
    wait_for_charts(page)
    assert region_shown(page) == "London"
    choose(page, "Region", "North East and Yorkshire")
    page.wait_for_url(re.compile(r"/uptake\?region=Y63$"), timeout=60_000)
    wait_for_charts(page)
    page.go_back()
    page.wait_for_url(re.compile(r"/uptake\?region=Y56$"), timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('input[aria-label=\"Region\"]').value === 'London'",
        timeout=60_000,
    )
    wait_for_charts(page)
    assert page.url.endswith("/uptake?region=Y56")  # the app did not write the newer filter back
    assert "London" in page.inner_text('[data-testid="stMain"]')
    page.go_forward()
    page.wait_for_function(
        "() => document.querySelector('input[aria-label=\"Region\"]').value === 'North East and Yorkshire'",
        timeout=60_000,
    )
    assert page.url.endswith("/uptake?region=Y63")
    # a link to another page keeps the filters, and Back from it returns to the same view (the links are
    # written by the run that the forward step starts: clicked once they carry the region restored)
    access = page.get_by_role("link", name="Access", exact=True)
    expect(access).to_have_attribute("href", re.compile(r"access\?region=Y63$"), timeout=60_000)
    access.click()
    page.wait_for_url(re.compile(r"/access\?region=Y63$"), timeout=60_000)
    wait_for_charts(page)
    assert region_shown(page) == "North East and Yorkshire"
    page.go_back()
    page.wait_for_url(re.compile(r"/uptake\?region=Y63$"), timeout=60_000)
    wait_for_charts(page)
    assert region_shown(page) == "North East and Yorkshire"
