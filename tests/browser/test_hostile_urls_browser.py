"""Hostile URL values in a real browser: shown as the text they are; no link, image, LaTeX, colour or emoji is made of
them, and the page asks no other host for anything.

The app puts an invisible WORD JOINER (gpaccess.text.JOINER) after colons and before "@" in such values, so that
Streamlit makes no bare-URL link or emoji of them; the text is compared without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import duckdb
import pytest

from gpaccess.text import JOINER
from tests import fixtures_board as fx
from tests.browser.conftest import shot, start_streamlit

pytestmark = pytest.mark.browser

PARAMS = {
    "icb": "[Sign in](http://evil.example)",
    "persona": "![x](http://evil.example/a.png)",
    "programme": ":red[boo] :smile: mail@evil.example",
    "from": "$x^2$ **bold**",
    "to": "<img src=http://evil.example/b.png onerror=alert(1)><script>alert(2)</script>",
    "region": "- item\n# Heading",
}
SHOWN = [  # the text a reader must see, as it is
    "[Sign in](http://evil.example)",
    "![x](http://evil.example/a.png)",
    ":red[boo] :smile: mail@evil.example",
    "$x^2$ **bold**",
    "<img src=http://evil.example/b.png onerror=alert(1)><script>alert(2)</script>",
    "- item # Heading",
]
ALERTS = '[data-testid="stAlert"]'
MADE_FROM_MARKDOWN = ", ".join(
    f"{ALERTS} {tag}"
    for tag in ("a", "img", "strong", "em", "li", "h1", "h2", ".katex", "span[style]")
)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[str]:
    """The small board store, marked as the synthetic demo so that the persona parameter is read."""
    db = fx.build_board_store(tmp_path_factory.mktemp("hostile_browser") / "board.duckdb")
    con = duckdb.connect(str(db))
    try:
        con.execute("INSERT INTO dataset VALUES ('synthetic_demo', 'yes')")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    process, url = start_streamlit(Path(db))
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_hostile_url_values_are_plain_text_in_the_browser(hostile_server, page):
    elsewhere: list[str] = []

    def only_this_server(route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    dialogs: list[str] = []  # a script that ran would open one
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{hostile_server}/?{urlencode(PARAMS)}")
    page.get_by_role("heading", name="Summary").first.wait_for(timeout=90_000)
    page.get_by_text("Ignored persona").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    shot(page, "hostile-url")

    html = page.content()
    assert page.locator('a[href*="evil"], img[src*="evil"], [src*="evil"]').count() == 0
    assert 'href="http://evil' not in html and 'src="http://evil' not in html
    assert page.locator(MADE_FROM_MARKDOWN).count() == 0
    alerts = " ".join(page.locator(ALERTS).all_inner_texts()).replace(JOINER, "")
    for text in SHOWN:
        assert text in alerts, (text, alerts)
    assert "😄" not in alerts and "boo]" in alerts  # no emoji, no colour directive
    sign_in = page.locator(ALERTS).filter(has_text="Ignored ICB")
    assert sign_in.is_visible()
    assert "[Sign in](http://evil.example)" in sign_in.inner_text().replace(JOINER, "")
    assert not [url for url in elsewhere if "evil" in url], elsewhere
    assert dialogs == [] and page.locator(f"{ALERTS} script").count() == 0
    # nothing else from another host but Streamlit's own fetch of the page icon (a Material Symbol)
    assert {urlsplit(url).hostname for url in elsewhere} <= {"fonts.gstatic.com"}, elsewhere
