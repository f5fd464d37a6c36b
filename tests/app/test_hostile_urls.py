"""Hostile input: values from the URL are shown as plain text, never as markdown; a database held by a running load
gives a page that says so, not a traceback.

The markdown checks copy what Streamlit's front end does with an element's body (StreamlitMarkdown, 1.67): GFM
links, images and `:red[...]` directives (parsed from the source), `$` LaTeX (loaded when the source has a `$` not
escaped), `:name:` emoji (loaded when the source matches its regex, then applied to the parsed text) and GFM's
bare-URL and e-mail links (found in the parsed text, after the escapes are gone). The browser test
(tests/browser/test_hostile_urls_browser.py) checks the real page.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from gpaccess.scope import Scope
from gpaccess.text import JOINER, plain, shorten
from gpaccess.url_state import Geography, scope_from_params
from tests import fixtures_board as fx
from tests.conftest import PROJECT

DASHBOARD = str(PROJECT / "dashboard.py")
LONG = ("[Sign in](http://evil.example) " * 200)[:5000]
PAYLOADS = {
    "link": "[Sign in](http://evil.example)",
    "image": "![x](http://evil.example/a.png)",
    "script": "<script>alert(1)</script>",
    "img_tag": "<img src=x onerror=alert(1)>",
    "colour": ":red[boo]",
    "latex": "$x^2$",
    "bold": "**bold**",
    "icon_emoji": ":material/home: :smile:",
    "autolink": "www.evil.example HTTPS://evil.example/x mail@evil.example",
    "newline": "QRV\n# Heading\n- item",
    "long": LONG,
}
# Where each URL parameter's value is named in the app's notes: the text a reader sees before the value.
NOTE_PREFIX = {
    "region": "Ignored region '",
    "icb": "Ignored ICB '",
    "programme": "Ignored programme '",
    "from": "Ignored from='",
    "to": "Ignored to='",
    "persona": "Ignored persona '",
}
UNKNOWN_PREFIX = "Ignored unknown URL parameter '"
# Characters that start markdown (or Streamlit) syntax; the notes' own wording uses none of them.
ACTIVE = set("[]()<>!*$`_~|{}#&@^\\")
# Streamlit's test for loading remark-emoji (on the source); remark-emoji's own (on the parsed text) is alike
EMOJI = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")
# a CommonMark backslash escape of an ASCII punctuation character
ESCAPES = re.compile(r"\\([!-/:-@\[-`{-~])")


def parsed(markdown: str) -> str:
    """The text of a body that has no markdown syntax left but backslash escapes, as the parser leaves it."""
    return ESCAPES.sub(r"\1", markdown)


def visible(markdown: str) -> str:
    """What a reader sees of it (the word joiner has no width)."""
    return parsed(markdown).replace(JOINER, "")


def unescaped_active(markdown: str) -> list[str]:
    """Markdown-active characters in `markdown` not preceded by an escaping backslash."""
    found, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown) and ESCAPES.match(markdown, i):
            i += 2
            continue
        if markdown[i] in ACTIVE:
            found.append(markdown[i])
        i += 1
    return found


def assert_inert(body: str) -> None:
    """A body Streamlit will show as text only: no link, image, HTML, emoji, LaTeX, directive or block syntax."""
    assert unescaped_active(body) == [], body
    assert "\n" not in body, body
    assert "$" not in re.sub(r"\\[\\$`]", "_", body), body
    assert not EMOJI.search(body), body
    text = parsed(body)
    assert not EMOJI.search(text), body
    assert not re.search(r"https?://|www(?=\.)", text, re.IGNORECASE), body  # GFM's bare-URL link
    assert not re.search(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", text), body  # GFM's e-mail link


@pytest.fixture(scope="module")
def demo_flagged_db(tmp_path_factory) -> Path:
    """The small board store, marked as the synthetic demo so that the demo persona (and its note) applies."""
    path = fx.build_board_store(tmp_path_factory.mktemp("hostile") / "board.duckdb")
    con = duckdb.connect(str(path))
    try:
        con.execute("INSERT INTO dataset VALUES ('synthetic_demo', 'yes')")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def run_app(monkeypatch, db: Path, params: dict[str, str]) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def bodies(at: AppTest) -> list[str]:
    """The markdown source of every element that renders markdown in the main area and the sidebar."""
    kinds = ("warning", "caption", "markdown", "info", "error", "success", "title", "subheader")
    return [element.value for kind in kinds for element in getattr(at, kind)]


# --- the rule itself --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_plain_is_inert_and_reads_as_the_value(payload):
    shown = plain(payload)
    assert_inert(shown)
    assert visible(shown) == shorten(payload)
    assert len(shorten(payload)) <= 81


def test_plain_shortens_long_values_and_flattens_lines():
    assert shorten("x" * 5000) == "x" * 80 + "…"
    assert shorten(" a\nb\r\n\tc\u202eD ") == "a b cD"  # breaks become a space; bidi controls go
    assert "\n" not in plain("a\n# b") and visible(plain("a\n# b")) == "a # b"
    # a hyphen means something only at the start of a line
    assert plain("2025-10") == "2025-10" and plain("-x") == "\\-x"


def test_url_notes_escape_every_value_and_parameter_name():
    geo = Geography(regions={"Y56": "London"}, icbs={"QRV": ("NW London", "Y56")}, months=())
    link = PAYLOADS["link"]
    params = {k: link for k in ("region", "icb", "programme", "from", "to")} | {link: "1"}
    scope, notes = scope_from_params(params, geo)
    assert scope == Scope()
    assert len(notes) == 6
    for note in notes:
        assert "[Sign in](" not in note
        assert_inert(note.split("'", 1)[1].rsplit("'", 1)[0])  # the value between the quotes
        assert link in visible(note)


def test_many_unknown_parameters_make_a_few_notes():
    geo = Geography(regions={}, icbs={}, months=())
    _, notes = scope_from_params({f"p{i}": "1" for i in range(500)}, geo)
    assert len(notes) == 4 and notes[-1] == "Ignored 497 more unknown URL parameters."


# --- the app ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_hostile_url_values_are_shown_as_plain_text(monkeypatch, demo_flagged_db, payload):
    at = run_app(monkeypatch, demo_flagged_db, dict.fromkeys(NOTE_PREFIX, payload) | {payload: "1"})
    assert not at.exception, [e.value for e in at.exception]
    assert "Viewing as" in " ".join(c.value for c in at.caption)  # the app drew its frame and page
    for body in bodies(at):
        assert "[Sign in](" not in body and "](http" not in body, body
        assert payload not in body or unescaped_active(payload) == [], body
    warnings = [w.value for w in at.warning]
    expected = shorten(payload)
    for prefix in [*NOTE_PREFIX.values(), UNKNOWN_PREFIX]:
        notes = [w for w in warnings if visible(w).startswith(prefix)]
        assert len(notes) == 1, (prefix, warnings)
        note = notes[0]
        assert f"{prefix}{expected}'" in visible(note)  # the reader sees the value's own words
        assert len(note) < 400
        # the wording is the app's; the value follows, up to its closing quote
        assert note.startswith(prefix)
        assert_inert(note[len(prefix) :].split("'")[0])
    for body in warnings:
        assert not EMOJI.search(body) and "$" not in re.sub(r"\\[\\$`]", "_", body), body


def hostile_icb_name(monkeypatch, tmp_path, page: str) -> AppTest:
    db = fx.build_board_store(tmp_path / "names.duckdb")
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE icb SET icb_name = ? WHERE icb_code = 'QRV'", [PAYLOADS["link"]])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.query_params["icb"] = "QRV"
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/access.py", "pages/phases.py"])
def test_a_hostile_icb_name_from_a_loaded_file_is_plain_text_in_the_header(
    monkeypatch, tmp_path, page
):
    """ICB names come from loaded files: the header and the page's introduction show them as text only."""
    at = hostile_icb_name(monkeypatch, tmp_path, page)
    header = next(c.value for c in at.caption if "Viewing as" in c.value)
    introduction = at.markdown[0].value
    for body in (header, introduction):
        assert PAYLOADS["link"] in visible(body)
        assert "[Sign in](" not in body and "](http" not in body, body


def test_a_hostile_icb_name_is_plain_text_everywhere_on_the_page(monkeypatch, tmp_path):
    at = hostile_icb_name(monkeypatch, tmp_path, "pages/overview.py")
    assert all("[Sign in](" not in b and "](http" not in b for b in bodies(at)), bodies(at)


AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test",
        "client_id": "x",
        "client_secret": "y",
        "server_metadata_url": "https://login.example/.well-known/openid-configuration",
    }
}


@pytest.mark.parametrize("payload", ["link", "image", "autolink", "long"])
def test_the_signed_in_e_mail_is_shown_as_plain_text(
    monkeypatch, tmp_path, demo_flagged_db, payload
):
    """The e-mail address comes from the sign-in provider's token: shown in the sidebar as text only."""
    roles = tmp_path / "roles.toml"
    roles.write_text('[users]\n"lead@nhs.net" = "icb:QRV"\n')
    monkeypatch.setenv("GPACCESS_ROLES", str(roles))
    monkeypatch.setenv("GPACCESS_DB", str(demo_flagged_db))
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "email": PAYLOADS[payload]}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    caption = next(c.value for c in at.caption if c.value.startswith("Signed in as "))
    assert visible(caption) == f"Signed in as {shorten(PAYLOADS[payload])} · Public"
    assert_inert(caption.removeprefix("Signed in as ").rsplit(" · ", 1)[0])


# --- a load from the command line holds the database -------------------------------------------------------------
HOLD = (
    "import duckdb, sys, time\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "con.execute('BEGIN')\n"
    "print('holding', flush=True)\n"
    "time.sleep(120)\n"
)


@pytest.fixture
def held_db(tmp_path):
    """A database another process has open for writing, as `python -m gpaccess load` has during a load."""
    path = fx.build_board_store(tmp_path / "busy.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(duckdb.IOException, match="lock"):  # the real conflict, not a stand-in
            duckdb.connect(str(path), read_only=True).close()
        yield path, holder
    finally:
        holder.kill()
        holder.wait(timeout=20)


def test_a_running_load_gives_a_page_that_says_so(monkeypatch, held_db):
    from gpaccess.app.first_run import BUSY_MESSAGE

    path, holder = held_db
    at = run_app(monkeypatch, path, {})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert [i.value for i in at.info] == [BUSY_MESSAGE]
    assert "being updated" in BUSY_MESSAGE and "Try again in a minute" in BUSY_MESSAGE
    assert not at.metric and not at.get("plotly_chart")  # no half-drawn page

    holder.kill()  # the load ends; Retry shows the app
    holder.wait(timeout=20)
    at.button(key="database_busy_retry").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.info or BUSY_MESSAGE not in [i.value for i in at.info]
    assert "Viewing as" in " ".join(c.value for c in at.caption)


def test_a_load_that_starts_after_the_frame_gives_the_same_page(
    monkeypatch, demo_flagged_db, fresh_charts
):
    """The page's own queries meet the lock (the load began between the frame and the page)."""
    import gpaccess.app.data as data
    from gpaccess.app.first_run import BUSY_MESSAGE

    def busy(*args, **kwargs):
        raise data.DatabaseBusy("Could not set lock on file")

    # pages look `query` up on each run; the frame holds its own reference
    monkeypatch.setattr(data, "query", busy)
    at = run_app(monkeypatch, demo_flagged_db, {})
    assert not at.exception, [e.value for e in at.exception]
    assert BUSY_MESSAGE in [i.value for i in at.info]
