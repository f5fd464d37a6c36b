"""Recorded SPC changes in the app: a national persona records one under the Overview's face-to-face chart and
sees the chart split at it; a public viewer sees the list and no form. The demo's overview chart no longer flags
every month (counted from the chart's data, built through the registry as the page builds it)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from gpaccess.access import PUBLIC
from gpaccess.db import run
from gpaccess.registry import PAGES, ChartContext
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only
from tests.conftest import PROJECT

DASHBOARD = str(PROJECT / "dashboard.py")
REASON = "Online consultation tool switched on for every practice"


def app(monkeypatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page("pages/overview.py").run()  # the Summary is the default page


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def description(at: AppTest) -> str:
    """The face-to-face chart's text alternative as words (the page escapes it as plain text)."""
    (text,) = [
        c.value for c in at.caption if "Statistical process control chart of face" in c.value
    ]
    return text.replace("\\", "").replace("\u2060", "")


def overview_chart(con: duckdb.DuckDBPyConnection, scope: Scope):
    context = ChartContext(PUBLIC, scope, "England", "all months")
    (entry,) = [e for e in PAGES["overview"].entries if e.key == "overview_face_to_face"]
    (chart,) = entry.charts(
        lambda name, s=None, **kw: run(con, name, PUBLIC, s or scope, **kw), context
    )
    return chart


def test_the_demo_overview_no_longer_flags_every_month(demo_db) -> None:
    con = connect_read_only(demo_db)
    try:
        chart = overview_chart(con, Scope())
        held = run(con, "appointments_monthly", PUBLIC, Scope()).dropna(subset=["face_to_face_pct"])
        recorded = run(con, "spc_changes", PUBLIC, Scope())
    finally:
        con.close()
    flagged = int(chart.data["special_cause"].sum())
    assert len(chart.data) == len(held) == 66
    assert flagged < len(chart.data)
    common = chart.data.loc[~chart.data["special_cause"], "month"].dt.date.tolist()
    assert len(common) >= 5, common  # months of common cause variation, in words and on the chart
    print(f"special cause: {flagged} of 66 months")
    # the demo's recorded change, by the synthetic demo, splits the limits: two means
    assert recorded["recorded_as"].tolist() == ["national"]
    assert chart.data["mean"].nunique() == 2
    assert f"{flagged} of 66 months show special cause variation" in chart.alt_text


def test_a_national_persona_records_a_change_and_sees_the_chart_split(
    monkeypatch, demo_db, tmp_path, fresh_charts
) -> None:
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    at = ok(app(monkeypatch, db, persona="national"))
    before = description(at)
    assert len(re.findall(r"\(limits re-based\)", before)) == 1  # the demo's change
    at.selectbox(key="rc_month_overview").select(dt.date(2024, 7, 1))
    at.text_input(key="rc_reason_overview").input(REASON)
    ok(at.button(key="rc_record_overview").click().run())
    assert any("Recorded: face-to-face share from Jul 2024" in s.value for s in at.success)
    after = description(at)
    assert len(re.findall(r"\(limits re-based\)", after)) == 2
    assert f"Recorded change from July 2024 (limits re-based): {REASON}." in after
    assert any(REASON in m.value for m in at.markdown)  # listed under the chart, as plain text
    con = connect_read_only(db)
    try:
        shown = run(con, "spc_changes", PUBLIC, Scope())
        chart = overview_chart(con, Scope())
    finally:
        con.close()
    assert shown["reason"].tolist()[-1] == REASON
    assert chart.data["mean"].nunique() == 3  # three segments now


def test_a_public_viewer_sees_the_list_and_no_form(monkeypatch, demo_db, fresh_charts) -> None:
    at = ok(app(monkeypatch, demo_db))
    assert not [t for t in at.text_input if t.key == "rc_reason_overview"]
    assert any("Post-pandemic recovery levelled off" in m.value for m in at.markdown)
