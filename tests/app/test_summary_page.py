"""The Summary page on the synthetic demo: its tiles against figures worked out here from the enrolment table;
the demo's commentary shown as plain text with its synthetic author; only a viewer who may write for the scope
gets the form; an ICB persona writes (hostile text kept as plain text) and sees it; a refused save writes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gpaccess.commentary import SYNTHETIC_AUTHOR
from gpaccess.demo.commentary import DEMO_COMMENTARY
from gpaccess.text import plain
from tests.conftest import PROJECT

DASHBOARD = str(PROJECT / "dashboard.py")
SUMMARY = "pages/summary.py"
HOSTILE = (
    "Plain [link](http://evil.example) and =1+1. ![x](http://evil.example/a.png) Second sentence."
)


def open_summary(monkeypatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(SUMMARY).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Summary"]
    return at


@pytest.fixture
def writable_demo(tmp_path, demo_db) -> Path:
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def gpip_by_hand(db: Path) -> tuple[int, dt.date | None, dt.date]:
    """Practices benefited (started, not withdrawn, counted once at their first start), and the month 1,500 is
    reached adding the mean of the last six months' new practices, month by month."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        enrolments = con.execute("SELECT * FROM enrolment WHERE programme = 'GPIP'").df()
        last = pd.Timestamp(con.execute("SELECT max(month) FROM practice_month").fetchone()[0])
    finally:
        con.close()
    started = enrolments[(enrolments["status"] != "withdrawn") & enrolments["started_date"].notna()]
    firsts = pd.to_datetime(started.groupby("practice_code")["started_date"].min())
    window_start = last - pd.DateOffset(months=5)
    new = int(((firsts >= window_start) & (firsts < last + pd.DateOffset(months=1))).sum())
    count, month = float(len(firsts)), last
    while new and count < 1500:
        count += new / 6
        month += pd.DateOffset(months=1)
    return len(firsts), (month.date() if new else None), last.date()


def test_england_for_the_public(monkeypatch, demo_db):
    at = open_summary(monkeypatch, demo_db)
    tiles = {m.label: m.value for m in at.metric}
    benefited, reached, last = gpip_by_hand(demo_db)
    assert tiles["GPIP: benefited"] == f"{benefited:,}"
    assert tiles["Target reached"] == f"{reached:%b %Y}"
    assert f"at the current rate the target is reached in {reached:%b %Y}" in at.markdown[
        0
    ].value.replace("\\", "")
    assert {"Face-to-face share", "Did-not-attend (DNA) rate", "Same-day share"} <= set(tiles)
    england = next(
        text for scope, _, text in DEMO_COMMENTARY if scope.icb is None and scope.region is None
    )
    assert plain(england, None) in [m.value for m in at.markdown]
    assert any(SYNTHETIC_AUTHOR in c.value for c in at.caption)
    assert not at.text_area  # the public writes nothing
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Download CSV", "Download XLSX", "Download slides"} <= set(labels)


@pytest.mark.parametrize(
    ("persona", "scope", "may_write"),
    [
        ("region:Y56", {"icb": "QRV"}, False),
        ("region:Y56", {"region": "Y56"}, True),
        ("icb:QMJ", {"icb": "QRV"}, False),
        ("national", {"icb": "QRV"}, False),
        ("national", {}, True),
    ],
)
def test_only_a_scopes_own_users_get_the_form(monkeypatch, demo_db, persona, scope, may_write):
    at = open_summary(monkeypatch, demo_db, persona=persona, **scope)
    assert bool(at.text_area) == may_write


def test_an_icb_persona_writes_the_commentary_and_sees_it(monkeypatch, writable_demo):
    at = open_summary(monkeypatch, writable_demo, persona="icb:QRV", icb="QRV")
    at.text_area(key="commentary_text").input(HOSTILE)
    next(b for b in at.button if b.label == "Save commentary").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success][0].startswith("Commentary saved")
    assert plain(HOSTILE, None) in [
        m.value for m in at.markdown
    ]  # as plain text: no link, no image
    assert any("ICB user \\(QRV\\) \\(demo persona\\)" in c.value for c in at.caption)
    con = duckdb.connect(str(writable_demo), read_only=True)
    try:
        rows = con.execute(
            "SELECT region_code, text, written_by FROM commentary WHERE icb_code = 'QRV' ORDER BY written_at"
        ).fetchall()
    finally:
        con.close()
    assert rows[-1] == ("Y56", HOSTILE, "ICB user (QRV) (demo persona)") and len(rows) == 2


def test_a_refused_save_says_why_and_writes_nothing(monkeypatch, writable_demo):
    at = open_summary(monkeypatch, writable_demo, persona="icb:QRV", icb="QRV")
    # the text area keeps to LIMIT itself (AppTest drops a longer input); a tab it lets through
    at.text_area(key="commentary_text").input("One sentence.\tAnother after a tab.")
    next(b for b in at.button if b.label == "Save commentary").click().run()
    assert any("control character" in e.value for e in at.error)
    assert not at.success
    con = duckdb.connect(str(writable_demo), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM commentary WHERE icb_code = 'QRV'").fetchone() == (
            1,
        )
    finally:
        con.close()
