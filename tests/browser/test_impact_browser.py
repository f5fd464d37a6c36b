"""The impact page in a real browser: both charts drawn, no error, the estimate tile and the method shown; picking
GPIP changes the charts; an ICB with fewer than 5 supported practices says so instead of drawing charts."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import shot, wait_for_charts, wait_for_idle

pytestmark = pytest.mark.browser

ERROR_SELECTORS = (
    '[data-testid="stException"], [data-testid="stAlertContentError"], [data-testid="stDialog"]'
)


def chart_titles(tab) -> list[str]:
    return tab.locator(".js-plotly-plot .gtitle").all_text_contents()


def test_impact_page_draws_both_charts_and_explains_the_method(server, page):
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.goto(f"{server}/impact")
    wait_for_charts(page)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg g.trace').length >= 4",
        timeout=90_000,
    )
    assert page.locator(ERROR_SELECTORS).count() == 0
    # before/after, then month by month, for each programme (the filters say All)
    assert page.locator(".js-plotly-plot").count() == 4
    titles = chart_titles(page)
    assert all("Face-to-face share" in t for t in titles), titles
    body = page.inner_text("body")
    assert "Difference in the change (estimate)" in body
    assert "regression to the mean" in body
    event_study = page.locator(".js-plotly-plot").nth(2)
    assert "support starts" in event_study.inner_html()
    # the event study draws two lines with markers (told apart by dash and marker, not colour alone)
    assert event_study.locator("g.trace.scatter").count() >= 4
    shot(page, "impact-accelerate")

    # the radio chooses the programme of the headline figures (the charts show both programmes)
    tiles = '[data-testid="stMetricValue"]'
    before = page.locator(tiles).all_inner_texts()
    page.locator(".stMainBlockContainer").get_by_text("GPIP", exact=True).first.click()
    deadline = time.monotonic() + 90
    while page.locator(tiles).all_inner_texts() in (before, []):  # read as the assertion reads them
        assert time.monotonic() < deadline, "the tiles did not change after choosing GPIP"
        page.wait_for_timeout(250)
    wait_for_idle(page)
    wait_for_charts(page)
    assert page.locator(tiles).all_inner_texts() != before
    assert page.locator(ERROR_SELECTORS).count() == 0
    shot(page, "impact-gpip")


def test_small_icb_shows_fewer_than_five(server, page, demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        icb = con.execute(
            "SELECT p.icb_code, count(DISTINCT e.practice_code) AS n FROM enrolment e "
            "JOIN practice p USING (practice_code) WHERE e.programme = 'GPIP' AND e.started_date IS NOT NULL "
            "AND e.status <> 'withdrawn' AND e.level <> 'universal' GROUP BY ALL HAVING n < 5 "
            "ORDER BY n DESC, p.icb_code LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()
    page.goto(f"{server}/impact?icb={icb}&programme=GPIP")
    page.wait_for_selector("text=fewer than 5 supported practices", timeout=90_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000
    )
    page.wait_for_timeout(1000)
    assert page.locator(ERROR_SELECTORS).count() == 0
    assert page.locator(".js-plotly-plot").count() == 0
    shot(page, "impact-small-icb")
