"""The board pack page builds a deck for the global filters and the chosen sections; every board page offers
"Download slides" and each chart its CSV, XLSX, PNG and SVG downloads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from gpaccess.access import PUBLIC
from gpaccess.cli import main
from gpaccess.db import run
from gpaccess.export.pack import DEFAULT_PACK, PACK_CHOICES, chart_label
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only
from tests import fixtures_board as fx

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"


@pytest.fixture(scope="module")
def board_db(tmp_path_factory) -> Path:
    return fx.build_board_store(tmp_path_factory.mktemp("board_pack_app") / "board.duckdb")


def open_page(monkeypatch, db: Path, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    if page == "pages/board_pack.py":
        # its url_path ('board-pack') differs from its file name: the first run lands on the default page
        # (Streamlit's legacy page hash); once in navigation mode the switch finds it
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def download_labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def chart_frames(deck: bytes) -> dict[str, object]:
    return {
        shape.name: shape
        for slide in Presentation(io.BytesIO(deck)).slides
        for shape in slide.shapes
        if "|" in shape.name
    }


def test_pack_for_a_region_holds_its_withdrawals(monkeypatch, board_db):
    at = open_page(monkeypatch, board_db, "pages/board_pack.py", region="Y56")
    assert [t.value for t in at.title] == ["Board pack"]
    at.multiselect(key="pack_charts").set_value(["withdrawals_by_icb", "gains_by_icb"]).run()
    at.button(key="pack_build").click().run()
    assert not at.exception, [e.value for e in at.exception]
    deck, label, charts, scope_label, _ = at.session_state["pack"]
    assert label == "OFFICIAL" and scope_label.endswith("region")
    assert any("Classification: OFFICIAL" in s.value for s in at.success)
    assert "Download board pack (PPTX)" in download_labels(at)
    slides = Presentation(io.BytesIO(deck)).slides
    assert 2 <= len(slides) <= 1 + 2 * charts  # cover, a slide per chart with something to show
    cover = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert scope_label in cover
    keys = {name.split("|")[0] for name in chart_frames(deck)}
    assert "phase_status" not in keys and "spc_face_to_face_pct" not in keys  # sections not chosen
    assert keys and keys <= {"withdrawals_by_icb", "gains_by_icb"}
    # the withdrawals chart holds London's counts from the query, ICB by ICB
    con = connect_read_only(board_db)
    try:
        expected = run(con, "uptake_by_icb", PUBLIC, Scope(region="Y56")).query("withdrawn > 0")
    finally:
        con.close()
    frames = chart_frames(deck)
    if expected.empty:
        assert "withdrawals_by_icb|" not in frames
    else:
        plot = frames["withdrawals_by_icb|"].chart.plots[0]
        shown = {
            (s.name, c): v
            for s in plot.series
            for c, v in zip(plot.categories, s.values, strict=True)
            if v is not None
        }
        assert shown == {
            (
                r.programme,
                r.icb_name.removeprefix("NHS ").removesuffix(" Integrated Care Board"),
            ): float(r.withdrawn)
            for r in expected.itertuples()
        }


def test_a_deck_for_other_filters_is_not_offered(monkeypatch, board_db):
    at = open_page(monkeypatch, board_db, "pages/board_pack.py")
    at.multiselect(key="pack_charts").set_value(["gains_by_phase"]).run()
    at.button(key="pack_build").click().run()
    assert "Download board pack (PPTX)" in download_labels(at)
    at.multiselect(key="pack_charts").set_value(["gains_by_phase", "uptake_share"]).run()
    assert "Download board pack (PPTX)" not in download_labels(at)


@pytest.mark.parametrize("page", ["pages/phases.py", "pages/uptake.py", "pages/gains.py"])
def test_every_board_page_offers_slides_and_chart_downloads(monkeypatch, board_db, page):
    at = open_page(monkeypatch, board_db, page)
    labels = download_labels(at)
    assert labels[-1] == "Download slides"
    charts = len(at.get("plotly_chart"))
    assert charts > 0
    for kind in ("CSV", "XLSX"):
        assert labels.count(f"Download {kind}") == charts
    for kind in ("PNG", "SVG"):  # Chromium installed: images offered; without it the button says so
        assert labels.count(f"Download {kind}") + labels.count(f"{kind}: needs Chromium") == charts


@pytest.mark.parametrize(
    "page", ["pages/access.py", "pages/support.py", "pages/impact.py", "pages/data.py"]
)
def test_access_support_impact_and_data_pages_offer_slides(monkeypatch, demo_db, page):
    at = open_page(monkeypatch, demo_db, page, icb="QRV")
    labels = download_labels(at)
    assert "Download slides" in labels
    button = next(b for b in at.get("download_button") if b.proto.label == "Download slides")
    assert button.proto.help.startswith("This page's charts for the current filters")


def test_the_board_pack_offers_every_chart_but_the_named_list_and_defaults_to_the_pack(
    monkeypatch, board_db
):
    at = open_page(monkeypatch, board_db, "pages/board_pack.py")
    box = at.multiselect(key="pack_charts")
    assert list(box.options) == [chart_label(k) for k in PACK_CHOICES]
    assert "support_list" not in PACK_CHOICES
    assert list(box.value) == list(DEFAULT_PACK)
    assert "charts" not in at.query_params  # the default pack needs no parameter


def test_the_choice_is_kept_in_the_url_and_hostile_keys_are_dropped(monkeypatch, board_db):
    hostile = "uptake_share,[x](http://evil.example),gains_by_icb"
    at = open_page(monkeypatch, board_db, "pages/board_pack.py", charts=hostile)
    assert list(at.multiselect(key="pack_charts").value) == ["uptake_share", "gains_by_icb"]
    warnings = [w.value for w in at.warning]
    assert any("Ignored unknown chart" in w and "](" not in w for w in warnings), warnings
    at.multiselect(key="pack_charts").set_value(["phase_timeline", "uptake_share"]).run()
    assert at.query_params["charts"] == "phase_timeline,uptake_share"  # the dashboard's order


def test_the_page_and_the_command_line_give_the_same_deck(monkeypatch, board_db, tmp_path):
    chosen = ["supported_over_time", "phase_timeline", "uptake_share", "gains_by_phase"]
    at = open_page(monkeypatch, board_db, "pages/board_pack.py", region="Y56")
    at.multiselect(key="pack_charts").set_value(chosen).run()
    at.button(key="pack_build").click().run()
    page_deck = at.session_state["pack"][0]
    out = tmp_path / "pack.pptx"
    argv = ["--db", str(board_db), "export", "--out", str(out), "--region", "Y56"]
    assert main([*argv, "--charts", ",".join(chosen)]) == 0
    assert slide_contents(page_deck) == slide_contents(out.read_bytes())


def slide_contents(deck: bytes) -> list[tuple[str, list[tuple]]]:
    """Each slide's title and each chart's name and figures (the date on the cover aside)."""
    shown = []
    for slide in Presentation(io.BytesIO(deck)).slides:
        charts = []
        for shape in slide.shapes:
            if shape.has_chart:
                plot = shape.chart.plots[0]
                charts.append(
                    (
                        shape.name,
                        tuple(plot.categories),
                        tuple(tuple(s.values) for s in plot.series),
                    )
                )
        shown.append((slide.shapes.title.text, charts))
    return shown
