"""Slide 2 of the board pack is the summary, for England, London (Y56) and North West London (QRV): its title
begins "Summary", its notes and commentary box hold the scope's latest commentary (read here with db.run), and
its native table holds the four headline outcomes. The CLI's pack has it too; the Summary page's deck is the
cover and the summary slide."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from gpaccess.access import PUBLIC
from gpaccess.cli import main
from gpaccess.db import run
from gpaccess.export import native
from gpaccess.export.pack import board_pack
from gpaccess.export.sections import db_fetch, export_context, shared
from gpaccess.export.summary_slide import COMMENTARY_NAME, TABLE_NAME, summary_deck
from gpaccess.registry import Placed
from gpaccess.registry.programme import spc_trend
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only
from gpaccess.summary import build_summary

SCOPES = [Scope(), Scope(region="Y56"), Scope(region="Y56", icb="QRV")]


@pytest.fixture(scope="module")
def con(demo_db):
    connection = connect_read_only(demo_db)
    yield connection
    connection.close()


def latest_commentary(con, scope: Scope) -> str:
    month = run(con, "data_status", PUBLIC, Scope()).iloc[0]["last_month"]
    rows = run(con, "commentary", PUBLIC, scope, month=month)
    assert len(rows) == 1, "the demo writes a commentary for each of these scopes"
    return str(rows.iloc[0]["text"])


def shapes(slide) -> dict[str, object]:
    return {shape.name: shape for shape in slide.shapes}


@pytest.mark.parametrize("scope", SCOPES, ids=["England", "London", "North West London"])
def test_slide_2_is_the_summary_with_the_commentary(con, scope):
    deck = board_pack(con, PUBLIC, scope)
    slides = Presentation(io.BytesIO(deck)).slides
    second = slides[1]
    assert second.shapes.title.text.startswith("Summary")
    text = latest_commentary(con, scope)
    notes = second.notes_slide.notes_text_frame.text
    assert notes.startswith(f"Commentary: {text} (Synthetic demo author, ")
    found = shapes(second)
    assert found[COMMENTARY_NAME].text_frame.text == text
    table = found[TABLE_NAME].table
    assert [row.cells[0].text for row in list(table.rows)[1:]] == [
        "Face-to-face share",
        "Did-not-attend (DNA) rate",
        "Same-day share",
        "Appointments per 1,000 registered patients",
    ]
    assert len(slides) <= 15 and not any(  # the charts follow: no contents slide in a board pack
        slide.shapes.title.text == "Contents" for slide in slides
    )


def test_the_target_month_is_on_the_national_slide_and_not_on_a_regional_one(con):
    national = Presentation(io.BytesIO(board_pack(con, PUBLIC, Scope()))).slides[1]
    assert "at the current rate the target is reached in" in national.shapes.title.text
    london = Presentation(io.BytesIO(board_pack(con, PUBLIC, Scope(region="Y56"))))
    assert "no local target" in london.slides[1].shapes.title.text


def test_the_cli_pack_has_the_summary_second_and_a_page_deck_has_none(demo_db, tmp_path):
    out = tmp_path / "pack.pptx"
    assert main(["--db", str(demo_db), "export", "--out", str(out), "--icb", "QRV"]) == 0
    assert Presentation(str(out)).slides[1].shapes.title.text.startswith("Summary")
    page = tmp_path / "uptake.pptx"
    assert main(["--db", str(demo_db), "export", "--out", str(page), "--page", "uptake"]) == 0
    assert not any(
        s.shapes.title is not None and s.shapes.title.text.startswith("Summary")
        for s in Presentation(str(page)).slides
    )


def test_the_summary_pages_deck_is_the_cover_and_the_summary(con):
    ctx = export_context(con, PUBLIC, Scope(region="Y56", icb="QRV"))
    summary = build_summary(shared(db_fetch(con, ctx)), ctx)
    slides = Presentation(io.BytesIO(summary_deck(summary, ctx, synthetic=True))).slides
    assert len(slides) == 2 and slides[1].shapes.title.text == summary.title
    # with the page's charts: after the summary, numbered on from it (no contents slide, no gap)
    trend = spc_trend(shared(db_fetch(con, ctx)), ctx, "face_to_face_pct")
    assert trend is not None
    deck = summary_deck(summary, ctx, synthetic=True, charts=[Placed(trend, native.spc)])
    slides = Presentation(io.BytesIO(deck)).slides
    assert [s.shapes.title.text for s in slides][1:] == [summary.title, trend.title]
    texts = [[shape.text_frame.text for shape in s.shapes if shape.has_text_frame] for s in slides]
    assert "2" in texts[1] and "3" in texts[2] and "Contents" not in str(texts)
