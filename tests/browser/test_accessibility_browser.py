"""Accessible, phone-ready and offline, in a real browser (issue 17).

- axe-core on every page at desktop size, as the public and as an ICB persona: no serious or critical violation.
- Every request not to the app itself blocked and counted: none (the app must work offline).
- At 390 px: no chart wider than the screen, no chart title or panel title outside its chart; with
  GPACCESS_PHONE_SHOTS set, a whole-page screenshot of each page kept.
- Keyboard: the skip link is the first tab stop and leads to the content; charts add no toolbar tab stops.

axe-core comes from npm: $AXE_CORE_JS, or node_modules/axe-core/axe.min.js in the project
(`npm install --no-save axe-core` in the project's folder).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import shot, wait_for_charts, wait_for_idle
from tests.browser.test_pages_in_browser import ERROR_SELECTORS
from tests.conftest import PROJECT

pytestmark = pytest.mark.browser

# url path -> whether the page draws charts (the board pack and the data page draw none)
PAGES = {
    "": True,  # the Summary: its GPIP trajectory chart
    "overview": True,
    "phases": True,
    "uptake": True,
    "gains": True,
    "actions": True,
    "funding": True,
    "access": True,
    "support": True,
    "impact": True,
    "board-pack": False,
    "data": False,
}
VIEWERS = {"public": "", "icb": "persona=icb:QRV&icb=QRV"}  # the public at England's scope
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")
TALL_SHOTS_ENV = "GPACCESS_PHONE_SHOTS"  # set (to anything) to keep a whole-page screenshot of each page at 390 px


def axe_script() -> Path:
    candidates = [Path(p) for p in (os.environ.get("AXE_CORE_JS"),) if p]
    candidates.append(PROJECT / "node_modules" / "axe-core" / "axe.min.js")
    for path in candidates:
        if path.is_file():
            return path
    pytest.fail(
        "axe-core not found: set AXE_CORE_JS, or run `npm install --no-save axe-core` in the project's folder"
    )


def settle(tab, charts: bool) -> None:
    """The page drawn: its charts (if it has any), else its title; then no rerun running."""
    if charts:
        wait_for_charts(tab)
        return
    tab.wait_for_selector('[data-testid="stMain"] h1', timeout=90_000)
    wait_for_idle(tab)


def open_page(tab, server: str, path: str, query: str) -> None:
    """The page for the viewer of `query`: by its link in the sidebar when the tab already shows a page for
    that viewer (as a reader moves between pages: no new load of Streamlit's bundle, half Chromium's CPU),
    else by its address."""
    shown = urlparse(tab.url)
    if f"{shown.scheme}://{shown.netloc}" == server and same_viewer(shown.query, query):
        follow_link(tab, path)
    else:
        tab.goto(f"{server}/{path}?{query}")
    settle(tab, PAGES[path])
    tab.wait_for_timeout(400)  # anything drawn after the charts (tables, downloads)
    wait_for_idle(tab)


def same_viewer(shown: str, wanted: str) -> bool:
    """The address shown is for the viewer and filters wanted (the app adds the region of an ICB)."""
    have, want = parse_qs(shown), parse_qs(wanted)
    return have.get("persona") == want.get("persona") and all(
        have.get(k) == v for k, v in want.items()
    )


def follow_link(tab, path: str) -> None:
    """Click the sidebar's link to `path` (the links carry the viewer's query) and wait for that page's run to
    replace the one shown: its address, then a title other than the last page's."""
    before = tab.inner_text('[data-testid="stMain"] h1')
    links = tab.locator('[data-testid="stPageLink-NavLink"]')
    hrefs = [
        href or "" for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    ]
    links.nth([href.split("?")[0] for href in hrefs].index(path)).click()
    tab.wait_for_url(lambda url: urlparse(url).path == f"/{path}", timeout=60_000)
    tab.wait_for_function(
        """before => { const h = document.querySelector('[data-testid="stMain"] h1');
            return h && h.innerText !== before; }""",
        arg=before,
        timeout=90_000,
    )


def serious_violations(tab) -> list[str]:
    tab.add_script_tag(path=str(axe_script()))
    found = tab.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
    return [
        f"{v['id']} ({v['impact']}): {', '.join(v['nodes'][:3])}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def tall_shot(tab, name: str) -> None:
    """The whole page at this width: Streamlit scrolls its main section, not the page, so a full-page
    screenshot shows one screen; the viewport is made as tall as the content for it, then put back."""
    size = tab.viewport_size
    height = tab.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    tab.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 16_000)})
    tab.wait_for_timeout(1500)  # charts redrawn at the new size
    shot(tab, name)
    tab.set_viewport_size(size)


@pytest.fixture(scope="module")
def offline_tab(server, browser):
    """One tab for the desktop checks, with every request to another host than the app's blocked and kept
    (`tab.outside`): the app must work offline. Shared by the checks so each page is opened once."""
    app_host = urlparse(server).hostname
    outside: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if urlparse(url).hostname == app_host or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", route)
    tab = context.new_page()
    tab.outside = outside  # type: ignore[attr-defined]
    yield tab
    context.close()


@pytest.mark.parametrize(
    "path", PAGES
)  # every page for one viewer, then for the next: moved between by link
@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_serious_violation_and_no_request_leaves_the_app(offline_tab, server, path, viewer):
    """Each page opened once per viewer (the first by its address, the others by the sidebar's links, as a
    reader moves between them): drawn without an error, its charts titled; axe-core finds no serious
    violation, no request leaves the app, and (for the public viewer) the page redrawn at 390 px fits the
    phone (`overflow_at_phone_size`)."""
    offline_tab.outside.clear()
    open_page(offline_tab, server, path, VIEWERS[viewer])
    assert offline_tab.locator(ERROR_SELECTORS).count() == 0
    if PAGES[path]:  # every chart drawn with a title that states its finding
        assert all(
            t.strip() for t in offline_tab.locator(".js-plotly-plot .gtitle").all_text_contents()
        )
    if viewer == "public" and path != "":
        shot(offline_tab, f"page-{path}")
    assert serious_violations(offline_tab) == []
    assert offline_tab.outside == []
    if viewer == "public" and PAGES[path]:
        assert overflow_at_phone_size(offline_tab, path) == [], path or "summary"


# every chart shown redrawn by Plotly at most as wide as the screen (its SVG's width is set at each redraw)
FITS = """() => [...document.querySelectorAll('.js-plotly-plot')].every(plot => {
    const svg = plot.querySelector('.main-svg');
    return !plot.getBoundingClientRect().width || (svg && +svg.getAttribute('width') <= window.innerWidth);
})"""


def redrawn_at_phone_size(tab) -> None:
    """Wait for the charts to be redrawn at the new width (each inside the screen, or 5 s for one that never
    is: the check then reports it), and a moment for their text to be laid out."""
    with contextlib.suppress(PlaywrightTimeout):
        tab.wait_for_function(FITS, timeout=5_000)
    tab.wait_for_timeout(300)


def overflow_at_phone_size(tab, path: str) -> list[str]:
    """At 390 px: each chart inside the screen, and its title and panel titles inside the chart (the page
    redrawn at that size, as a phone turned or a window narrowed draws it); a tall screenshot kept if asked."""
    desktop = tab.viewport_size
    tab.set_viewport_size(PHONE)
    try:
        redrawn_at_phone_size(tab)
        found = tab.evaluate(
            """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
                const box = plot.getBoundingClientRect();
                if (!box.width) return [];  // in a tab not shown
                const out = box.right > window.innerWidth + 1 ? [`chart ${Math.round(box.right)} px`] : [];
                for (const text of plot.querySelectorAll('.gtitle, .annotation-text')) {
                    const r = text.getBoundingClientRect();
                    if (r.width && (r.left < box.left - 1 || r.right > box.right + 1))
                        out.push(`title outside its chart: ${text.textContent.slice(0, 60)}`);
                }
                return out;
            })"""
        )
        if os.environ.get(
            TALL_SHOTS_ENV
        ):  # a redraw at full height and back: 1 CPU-s and 3 s a page
            tall_shot(tab, f"phone-{path or 'summary'}")
        return found
    finally:
        tab.set_viewport_size(desktop)


def test_a_chart_wider_than_a_phone_is_found(offline_tab, server):
    """The phone check bites: a chart made wider than the screen is reported."""
    open_page(offline_tab, server, "access", VIEWERS["public"])
    offline_tab.evaluate(
        "() => { const p = document.querySelector('.js-plotly-plot'); p.style.width = '900px';"
        " p.style.minWidth = '900px'; }"
    )
    assert any(line.startswith("chart ") for line in overflow_at_phone_size(offline_tab, "access"))


def test_skip_link_first_and_no_chart_toolbar_tab_stops(server, page):
    open_page(page, server, "access", VIEWERS["public"])
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.textContent, document.activeElement.hash]")
    assert first[0].strip() == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('[data-testid=\"stMain\"]')")
    assert inside  # past the sidebar: the next tab stop is in the content
    assert page.locator(".js-plotly-plot .modebar").count() == 0
    outline = page.evaluate(
        "() => { const a = document.querySelector('[data-testid=\"stSkipToContent\"]'); a.focus();"
        " return getComputedStyle(a).outlineStyle }"
    )
    assert outline != "none"  # visible focus
