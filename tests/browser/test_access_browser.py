"""The access and support pages in Chromium: the public view and the demo ICB persona (switched in the sidebar),
charts drawn, no error, the persona in the header and the URL, and the named list only for the ICB persona."""

from __future__ import annotations

import re

import pytest
from pptx import Presentation

from tests.browser.conftest import FOLDED, shot, wait_for_charts

pytestmark = pytest.mark.browser
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def test_access_page_public(server, page):
    page.goto(f"{server}/access?icb=QRV")
    wait_for_charts(page)
    assert page.locator(ERRORS).count() == 0
    page.get_by_text("Viewing as:").first.wait_for(timeout=60_000)
    page.locator("text=Public").first.wait_for(timeout=60_000)
    assert page.locator(".js-plotly-plot").count() >= 3  # mode mix, SPC, ICBs compared, spread
    titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
    folded = page.locator('[data-testid="stCheckbox"]').filter(has_text=FOLDED).all_inner_texts()
    assert any("practices had a face-to-face share below" in t for t in titles + folded)
    assert not re.search(r"\bDM\d{4}\b", page.content())  # no practice code anywhere in the page
    shot(page, "access-public")


def test_access_and_support_as_the_demo_icb_persona(server, page):
    page.goto(f"{server}/access?icb=QRV")
    wait_for_charts(page)
    page.get_by_role("combobox", name="Demo persona (synthetic demo only)").click()
    page.keyboard.type("North West London")  # the option list is virtualised: filter it first
    page.get_by_role("option", name="ICB user: NHS North West London ICB (QRV)", exact=True).click()
    page.wait_for_url(re.compile(r"persona=icb(%3A|:)QRV"), timeout=60_000)
    wait_for_charts(page)
    page.get_by_text("ICB user (QRV)").first.wait_for(timeout=60_000)
    assert page.locator(ERRORS).count() == 0
    shot(page, "access-icb-persona")

    page.get_by_role("link", name="Support identification").click()
    page.wait_for_url(
        re.compile(r"/support\?.*persona=icb"), timeout=60_000
    )  # not the old page's charts
    wait_for_charts(page)
    page.get_by_text("OFFICIAL-SENSITIVE").first.wait_for(timeout=60_000)
    # the list renders after the charts: wait for it rather than sampling once
    page.get_by_role("button", name="Download the list (OFFICIAL-SENSITIVE, CSV)").wait_for(
        timeout=60_000
    )
    assert page.locator(ERRORS).count() == 0
    assert "persona=icb" in page.url
    shot(page, "support-icb-persona")

    # the page's slides, as the ICB's own user: its named list, and the deck marked OFFICIAL-SENSITIVE
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download slides").click()
    deck = Presentation(download.value.path())
    cover = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "Classification: OFFICIAL-SENSITIVE" in cover
    names = {s.name.split("|")[0] for slide in deck.slides for s in slide.shapes if "|" in s.name}
    assert names == {"support_reach_face_to_face_pct", "support_list"}


def test_support_page_public_has_no_named_list(server, page):
    page.goto(f"{server}/support?icb=QRV")
    wait_for_charts(page)
    assert page.locator(ERRORS).count() == 0
    page.get_by_text("Which practices?").wait_for(timeout=60_000)
    assert page.get_by_text("OFFICIAL-SENSITIVE").count() == 0
    assert not re.search(r"\bDM\d{4}\b", page.content())
    shot(page, "support-public")
