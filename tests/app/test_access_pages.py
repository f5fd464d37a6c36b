"""The access and support pages: figures equal independent SQL, Oct 2025 real Devon and Cambridgeshire totals,
roles and the demo persona, and attempts to reach another ICB's practice identities through forged URL
parameters, session state, downloads, sign-in and the `figures` command. None leaks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from gpaccess.ingest import ingest_files
from tests.app.test_no_leaks import downloads, leaks, practices, rendered_text  # noqa: F401 (fixture)
from tests.conftest import PROJECT, gpaccess_command

DASHBOARD = str(PROJECT / "dashboard.py")
ACCESS, SUPPORT = "pages/access.py", "pages/support.py"


def app(monkeypatch, db: Path, page: str, state: dict | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.switch_page(page).run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def header(at: AppTest) -> str:
    return next(c.value for c in at.caption if "Viewing as" in c.value)


def sql(db: Path, query: str, *params) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, list(params)).fetchall()
    finally:
        con.close()


# --- access page figures -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("scope", [{}, {"region": "Y56"}, {"icb": "QRV"}])
def test_access_tiles_equal_sql(monkeypatch, demo_db, scope):
    at = ok(app(monkeypatch, demo_db, ACCESS, **scope))
    month, appts, f2f, same_day, dna = sql(
        demo_db,
        "SELECT month, sum(appointments), sum(face_to_face), sum(same_day), sum(dna) FROM practice_month "
        "WHERE (?::VARCHAR IS NULL OR region_code = ?) AND (?::VARCHAR IS NULL OR icb_code = ?) "
        "AND month = (SELECT max(month) FROM practice_month) GROUP BY month",
        *[scope.get(k) for k in ("region", "region", "icb", "icb")],
    )[0]
    shown = tiles(at)
    assert shown[f"Appointments, {month:%b %Y}"] == f"{appts:,}"
    assert shown[f"Face-to-face, {month:%b %Y}"] == f"{f2f:,}"
    assert shown["Same-day share"] == f"{100 * same_day / appts:.1f}%"
    assert shown["Did-not-attend rate"] == f"{100 * dna / appts:.1f}%"
    assert "Viewing as: **Public**" in header(at)


def test_icbs_of_the_region_compared_and_distribution_unlabelled(monkeypatch, demo_db):
    at = ok(app(monkeypatch, demo_db, ACCESS, region="Y56"))
    for (
        switch
    ) in at.toggle:  # the charts after the page's first four are behind switches: open them all
        if switch.label.startswith("Show: "):
            switch.set_value(True)
    at = ok(at.run())
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    compared = next(f for f in figures if "ICBs of London region" in f["layout"]["title"]["text"])
    london = {
        name.replace("Integrated Care Board", "ICB")
        for (name,) in sql(demo_db, "SELECT icb_name FROM icb WHERE region_code = 'Y56'")
    }
    assert set(compared["data"][0]["y"]) == london
    spread = next(
        f for f in figures if "practices per 5-point band" in f["layout"]["title"]["text"]
    )
    (practices_with_appts,) = sql(
        demo_db,
        "SELECT count(*) FROM practice_month WHERE region_code = 'Y56' AND appointments > 0 "
        "AND month = (SELECT max(month) FROM practice_month)",
    )[0]
    trace = at.get("plotly_chart")[figures.index(spread)]
    assert f"Half of the {practices_with_appts:,} practices" in spread["layout"]["title"]["text"]
    assert "text" not in spread["data"][0] and "DM" not in trace.proto.spec


def test_oct_2025_real_devon_and_cambridgeshire(monkeypatch, realdata, tmp_path, downloads):  # noqa: F811
    from gpaccess.store import connect_writable

    db = tmp_path / "real.duckdb"
    con = connect_writable(db)
    ingest_files(
        con,
        [
            realdata / "gpad_oct25/Mapping.csv",
            realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
        ],
    )
    con.close()
    for icb, total, f2f in (("QJK", "1,029,447", "625,732"), ("QUE", "761,254", "497,855")):
        at = ok(app(monkeypatch, db, ACCESS, icb=icb))
        shown = tiles(at)
        assert shown["Appointments, Oct 2025"] == total
        assert shown["Face-to-face, Oct 2025"] == f2f
    # real data: no demo persona, and a persona in the URL is ignored
    at = ok(app(monkeypatch, db, SUPPORT, icb="QJK", persona="icb:QJK"))
    assert not [s for s in at.selectbox if s.key == "persona"]
    assert "Viewing as: **Public**" in header(at)
    assert leaks(rendered_text(at, downloads), practices(db), None) == []
    assert not any(b"OFFICIAL-SENSITIVE" in payload for payload in downloads)


# --- support identification ----------------------------------------------------------------------------------
def test_public_sees_counts_with_small_numbers_suppressed(monkeypatch, demo_db):
    at = ok(app(monkeypatch, demo_db, SUPPORT, region="Y56"))
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    texts = [t for trace in chart["data"] for t in trace["text"]]
    assert texts and all(t == "fewer than 5" or int(t.replace(",", "")) >= 5 for t in texts)
    table = at.dataframe[0].value
    assert table["practices"].dropna().ge(5).all()
    assert "Practice names are shown only to an ICB's own authorised users" in " ".join(
        i.value for i in at.info
    )
    assert not at.get("download_button") or all(
        "OFFICIAL" not in b.proto.label for b in at.get("download_button")
    )


def test_icb_persona_sees_its_named_list_marked_and_downloadable(monkeypatch, demo_db, downloads):  # noqa: F811
    at = ok(app(monkeypatch, demo_db, SUPPORT, persona="icb:QRV", icb="QRV"))
    assert "Viewing as: **ICB user (QRV)**" in header(at)
    assert any("OFFICIAL-SENSITIVE" in w.value for w in at.warning)
    named = next(d.value for d in at.dataframe if "Practice code" in d.value.columns)
    own = {c for (c,) in sql(demo_db, "SELECT practice_code FROM practice WHERE icb_code = 'QRV'")}
    assert set(named["Practice code"]) <= own and len(named) > 0
    payload = next(p for p in downloads if p.startswith(b"OFFICIAL-SENSITIVE\n"))
    lines = payload.decode().splitlines()
    assert lines[1].startswith("Rank in ICB") and len(lines) == len(named) + 2
    assert [line.split(",")[1] for line in lines[2:]] == named["Practice code"].tolist()


def test_one_month_window_shows_the_snapshot_caveat(monkeypatch, demo_db):
    at = ok(app(monkeypatch, demo_db, SUPPORT, state={"s_window": 1}))
    assert any("snapshot" in w.value for w in at.warning)
    at = ok(app(monkeypatch, demo_db, SUPPORT, state={"s_window": 12}))
    assert not any("snapshot" in w.value for w in at.warning)


# --- forged URL parameters and session state -------------------------------------------------------------------
@pytest.mark.parametrize(
    "persona", ["admin", "icb:ZZZ", "icb:QRV'--", "region:Y99", "icb", "ICB:QRV", "icb:QRV;icb:QMJ"]
)
def test_forged_persona_in_url_falls_back_to_public(monkeypatch, demo_db, downloads, persona):  # noqa: F811
    at = ok(app(monkeypatch, demo_db, SUPPORT, persona=persona, icb="QRV"))
    assert "Viewing as: **Public**" in header(at)
    assert any("Ignored persona" in w.value for w in at.warning)
    assert leaks(rendered_text(at, downloads), practices(demo_db), None) == []


def test_icb_persona_looking_at_another_icb_gets_no_names(monkeypatch, demo_db, downloads):  # noqa: F811
    at = ok(app(monkeypatch, demo_db, SUPPORT, persona="icb:QRV", icb="QMJ"))
    assert "Choose your ICB (QRV)" in " ".join(i.value for i in at.info)
    assert leaks(rendered_text(at, downloads), practices(demo_db), "QRV") == []


@pytest.mark.parametrize(
    "state",
    [
        {"persona": "admin"},
        {"persona": "icb:ZZZ"},
        {"s_measure": "practice_code"},
        {"s_window": 0},
    ],
)
def test_forged_session_state_is_refused(monkeypatch, demo_db, downloads, state):  # noqa: F811
    at = ok(app(monkeypatch, demo_db, SUPPORT, state=state, icb="QMJ"))
    assert "Viewing as: **Public**" in header(at)
    assert leaks(rendered_text(at, downloads), practices(demo_db), None) == []


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("public", None), ("national", None), ("region:Y56", None), ("icb:QRV", "QRV")],
)
@pytest.mark.parametrize("how", ["url", "session_state"])
def test_no_role_reaches_another_icbs_practices(
    monkeypatch,
    demo_db,
    downloads,  # noqa: F811
    persona,
    allowed,
    how,
):
    """Each role asks for QMJ's list: through the URL (with extra forged parameters) or by setting the filter
    and window widgets' session state directly. Only counts come back; the download holds no QMJ practice."""
    if how == "url":
        at = app(
            monkeypatch,
            demo_db,
            SUPPORT,
            persona=persona,
            icb="QMJ",
            region="Y56",
            practice="all",
            role="icb",
            viewer="icb:QMJ",
        )
    else:
        state = {"f_region": "Y56", "f_icb": "QMJ", "s_window": 1, "s_measure": "same_day_pct"}
        at = app(monkeypatch, demo_db, SUPPORT, state=state, persona=persona)
    ok(at)
    assert "QMJ" in at.session_state["f_icb"]
    assert not any("Practice code" in d.value.columns for d in at.dataframe)
    assert not any(b"OFFICIAL-SENSITIVE" in payload for payload in downloads)
    assert leaks(rendered_text(at, downloads), practices(demo_db), allowed) == []


# --- sign-in --------------------------------------------------------------------------------------------------
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test",
        "client_id": "x",
        "client_secret": "y",
        "server_metadata_url": "https://login.example/.well-known/openid-configuration",
    }
}


def signed_in(monkeypatch, tmp_path, demo_db, user: dict, **params) -> AppTest:
    roles = tmp_path / "roles.toml"
    roles.write_text('[users]\n"lead@nhs.net" = "icb:QRV"\n"nat@nhs.net" = "national"\n')
    monkeypatch.setenv("GPACCESS_ROLES", str(roles))
    monkeypatch.setenv("GPACCESS_DB", str(demo_db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.secrets = AUTH
    at.user = user
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(SUPPORT).run()


def test_signed_in_icb_user_sees_own_list_and_no_persona_switch(monkeypatch, tmp_path, demo_db):
    at = ok(
        signed_in(
            monkeypatch,
            tmp_path,
            demo_db,
            {"is_logged_in": True, "email": "Lead@NHS.net"},
            icb="QRV",
        )
    )
    assert "Viewing as: **ICB user (QRV)**" in header(at)
    assert not [s for s in at.selectbox if s.key == "persona"]
    assert any("Practice code" in d.value.columns for d in at.dataframe)


@pytest.mark.parametrize(
    "user",
    [{"is_logged_in": False}, {"is_logged_in": True, "email": "stranger@nhs.net"}],
)
def test_not_signed_in_or_unmapped_is_public_even_with_a_persona(
    monkeypatch, tmp_path, demo_db, user
):
    at = ok(signed_in(monkeypatch, tmp_path, demo_db, user, icb="QRV", persona="icb:QRV"))
    assert "Viewing as: **Public**" in header(at)
    assert not any("Practice code" in d.value.columns for d in at.dataframe)


# --- the figures command ------------------------------------------------------------------------------------------
def figures(capfd, db: Path, *args: str) -> subprocess.CompletedProcess:
    return gpaccess_command(capfd, "--db", str(db), "figures", *args)


@pytest.mark.parametrize(
    "viewer",
    [
        ["--as", "public"],
        ["--as", "national"],
        ["--as", "region", "--as-region", "Y56"],
        ["--as", "icb", "--as-icb", "QRV"],
        ["--as", "icb"],
        ["--as", "admin"],
    ],
)
def test_figures_command_never_leaks_another_icbs_practices(capfd, demo_db, viewer):
    known = practices(demo_db)
    refused = figures(capfd, demo_db, *viewer, "--icb", "QMJ", "--support-list", "face_to_face_pct")
    assert refused.returncode == 3 and "Refused" in refused.stderr
    assert leaks(refused.stdout + refused.stderr, known, None) == []
    headline = figures(capfd, demo_db, *viewer, "--icb", "QMJ")
    assert headline.returncode == 0
    assert leaks(headline.stdout, known, None) == []


def test_figures_command_gives_the_icb_its_own_list(capfd, demo_db):
    result = figures(
        capfd,
        demo_db,
        "--json",
        *("--as", "icb", "--as-icb", "QRV", "--icb", "QRV", "--support-list", "same_day_pct"),
    )
    assert result.returncode == 0
    records = json.loads(result.stdout)
    own = {c for (c,) in sql(demo_db, "SELECT practice_code FROM practice WHERE icb_code = 'QRV'")}
    assert records and {r["practice_code"] for r in records} <= own
    assert {r["marking"] for r in records} == {"OFFICIAL-SENSITIVE"}
    assert leaks(result.stdout, practices(demo_db), "QRV") == []


def opened(at: AppTest) -> AppTest:
    """Every chart behind a 'Show: <finding>' switch opened (the page draws its first four), then every row of
    the long ones ('Show all N rows')."""
    for prefix in ("Show: ", "Show all "):
        for switch in at.toggle:
            if switch.label.startswith(prefix):
                switch.set_value(True)
        at = ok(at.run())
    return at


SMALL_PCNS_SQL = """SELECT n.pcn_name, count(DISTINCT p.practice_code) AS practices
FROM practice AS p JOIN pcn AS n USING (pcn_code)
WHERE p.icb_code = 'QRV' AND p.practice_code IN (SELECT practice_code FROM practice_month)
GROUP BY n.pcn_name"""


@pytest.mark.parametrize("persona", [None, "icb:QRV"])
def test_within_the_icb_pcns_of_fewer_than_5_practices_are_pooled_except_for_the_icb(
    monkeypatch, demo_db, persona
):
    params = {"region": "Y56", "icb": "QRV", **({"persona": persona} if persona else {})}
    at = opened(app(monkeypatch, demo_db, ACCESS, **params))
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    pcn_chart = next(
        f for f in figures if "PCNs of NHS North West London" in f["layout"]["title"]["text"]
    )
    shown = set(pcn_chart["data"][0]["y"])
    sizes = dict(sql(demo_db, SMALL_PCNS_SQL))
    small = {name for name, n in sizes.items() if n < 5}
    assert any(
        "Sub-ICB locations of NHS North West London" in f["layout"]["title"]["text"]
        for f in figures
    )
    if persona:  # the ICB's own users: every PCN by name
        assert shown == set(sizes)
    else:
        assert shown == {n for n in sizes if n not in small} | (
            {f"PCNs of fewer than 5 practices, together ({len(small)})"}
            if sum(sizes[n] for n in small) >= 5
            else set()
        )
        page_text = json.dumps(figures)
        assert not any(name in page_text for name in small), "a small PCN named"
