"""One definition per chart: every chart a page shows is in that page's deck with the same finding, and the
command line's `export --page NAME` gives the same deck as the page's Download slides (for England and for one
ICB, on the demo data, as the public viewer)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pptx import Presentation
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from gpaccess.cli import main
from gpaccess.text import JOINER
from tests.conftest import PROJECT

DASHBOARD = PROJECT / "dashboard.py"
PAGES = ["overview", "phases", "uptake", "gains", "actions", "funding", "impact"]
SCOPES = {"england": {}, "nw-london": {"region": "Y56", "icb": "QRV"}}
TABLE_LABEL = "Data table: "
FOLDED_LABEL = "Show: "
PART = re.compile(r" \(\d+ of \d+\)$")


def unescaped(label: str) -> str:
    """A title as written, from its markdown-escaped expander label (gpaccess.text.plain)."""
    return re.sub(r"\\(.)", r"\1", label.removeprefix(TABLE_LABEL)).replace(JOINER, "")


def page_titles_and_deck(monkeypatch, db: Path, page: str, params: dict[str, str]):
    """The findings of the charts the page shows, and its Download slides deck (made as a click would)."""
    decks: list[bytes] = []
    add_deferred = MediaFileManager.add_deferred

    def eager(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if (file_name or "").endswith(".pptx"):
            decks.append(data_callable())
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", eager)
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    titles = [unescaped(e.label) for e in at.expander if e.label.startswith(TABLE_LABEL)]
    # the charts after the page's first four, each behind a switch named by its finding (app/charts.py)
    titles += [
        unescaped(t.label.removeprefix(FOLDED_LABEL))
        for t in at.toggle
        if t.label.startswith(FOLDED_LABEL)
    ]
    assert len(decks) == 1, f"{page}: one Download slides button"
    return titles, decks[0]


def deck_titles(deck: bytes) -> list[str]:
    """The finding of each chart's slides, once per chart (a chart can run over several slides, their titles
    numbered '(1 of 2)'; a finding can itself end in '(14 of 366)', and is then alone)."""
    raw = [
        slide.shapes.title.text
        for slide in Presentation(io.BytesIO(deck)).slides
        if any("|" in shape.name for shape in slide.shapes)
    ]
    bases = [PART.sub("", title) for title in raw]
    titles: list[str] = []
    for i, title in enumerate(raw):
        in_run = any(
            0 <= j < len(raw) and j != i and bases[j] == bases[i] and PART.search(raw[j])
            for j in (i - 1, i + 1)
        )
        title = bases[i] if in_run else title
        if not titles or titles[-1] != title:
            titles.append(title)
    return titles


def cli_deck(db: Path, page: str, params: dict[str, str], out: Path) -> bytes:
    """`python -m gpaccess --db DB export --out OUT --page PAGE [--region R --icb I]`, run in this process
    (gpaccess.__main__ calls the same `main`; tests/integration/test_board_pack.py runs it as a process)."""
    scope = [arg for key, value in params.items() for arg in (f"--{key}", value)]
    argv = ["--db", str(db), "export", "--out", str(out), "--page", page, *scope]
    assert main(argv) == 0
    return out.read_bytes()


@pytest.mark.parametrize("where", list(SCOPES))
@pytest.mark.parametrize("page", PAGES)
def test_every_chart_of_the_page_is_in_its_deck_with_its_finding(
    monkeypatch, demo_db, tmp_path, page, where
):
    params = SCOPES[where]
    shown, deck = page_titles_and_deck(monkeypatch, demo_db, page, params)
    assert shown, f"{page} shows no chart"
    in_deck = deck_titles(deck)
    assert sorted(dict.fromkeys(in_deck)) == sorted(dict.fromkeys(shown))
    # the command line gives the same deck: the same findings in the same order
    assert deck_titles(cli_deck(demo_db, page, params, tmp_path / "page.pptx")) == in_deck


def test_the_check_bites_when_a_chart_is_missing_from_a_deck(monkeypatch, demo_db):
    """A deck one chart short (the page's last entry left out of the deck) fails the comparison."""
    import gpaccess.app.charts as app_charts

    original = app_charts.PageCharts.placed
    monkeypatch.setattr(app_charts.PageCharts, "placed", lambda self: original(self)[:-1])
    shown, deck = page_titles_and_deck(monkeypatch, demo_db, "uptake", {})
    assert sorted(dict.fromkeys(deck_titles(deck))) != sorted(dict.fromkeys(shown))
