"""The overview's tiles equal `figures --json` for the same scope; filters round-trip through the URL; garbage
URL parameters leave the app working with a note; the first run builds the demo with progress shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT, gpaccess_command

DASHBOARD = str(PROJECT / "dashboard.py")


def app(monkeypatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page("pages/overview.py").run()  # the Summary is the default page


def cli_figures(capfd, db: Path, *args: str) -> dict:
    done = gpaccess_command(capfd, "--db", str(db), "figures", "--json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def pct(value: float | None) -> str:
    return "fewer than 5" if value is None else f"{value:.1f}%"


@pytest.mark.parametrize(
    "scope", [{}, {"region": "Y56"}, {"icb": "QRV"}, {"region": "Y63", "icb": "QF7"}]
)
def test_tiles_equal_figures_json(monkeypatch, capfd, demo_db, scope):
    at = app(monkeypatch, demo_db, **scope)
    assert not at.exception and not at.error
    args = [a for key, value in scope.items() for a in (f"--{key}", value)]
    figures = cli_figures(capfd, demo_db, *args)
    shown = tiles(at)
    acc, gpip, appts = figures["accelerate"], figures["gpip"], figures["appointments"]
    assert shown["Accelerate: supported"] == f"{acc['practices_supported']:,}"
    assert shown["Extended beyond 20 weeks"] == pct(acc["extended_pct"])
    assert shown["Gains, phases 1-3"] == pct(acc["gains_pct_phases_1_3"])
    assert shown["GPIP: benefited"] == f"{gpip['practices_benefited']:,}"
    month = appts["latest_month"]
    label = next(k for k in shown if k.startswith("Face-to-face share"))
    assert label.endswith(f"{month[:4]}") and shown[label] == pct(appts["face_to_face_pct"])


def test_a_share_of_fewer_than_5_practices_is_shown_only_to_the_icbs_own_users(
    monkeypatch, capfd, demo_db
):
    """QHG (demo): fewer than 5 practices assessed in phases 1-3; 5 or more supported."""
    public = tiles(app(monkeypatch, demo_db, icb="QHG"))
    figures = cli_figures(capfd, demo_db, "--icb", "QHG")["accelerate"]
    assert public["Gains, phases 1-3"] == "fewer than 5" and figures["gains_pct_phases_1_3"] is None
    assert (  # 5 or more supported: shown to all
        public["Extended beyond 20 weeks"] == pct(figures["extended_pct"]) != "fewer than 5"
    )
    own = tiles(app(monkeypatch, demo_db, icb="QHG", persona="icb:QHG"))
    mine = cli_figures(capfd, demo_db, "--icb", "QHG", "--as", "icb", "--as-icb", "QHG")[
        "accelerate"
    ]
    assert own["Gains, phases 1-3"] == "25.0%" and mine["gains_pct_phases_1_3"] == 25.0


def test_url_reopens_the_same_filtered_view(monkeypatch, demo_db):
    at = app(
        monkeypatch,
        demo_db,
        region="Y56",
        icb="QRV",
        programme="GPIP",
        **{"from": "2023-01", "to": "2025-10"},
    )
    assert not at.error
    assert at.selectbox(key="f_region").value == "Y56"
    assert at.selectbox(key="f_icb").value == "QRV"
    assert at.radio(key="f_programme").value == "GPIP"
    assert [f"{at.selectbox(key=k).value:%Y-%m}" for k in ("f_from", "f_to")] == [
        "2023-01",
        "2025-10",
    ]
    assert dict(at.query_params) == {
        "region": ["Y56"],
        "icb": ["QRV"],
        "programme": ["GPIP"],
        "from": ["2023-01"],
        "to": ["2025-10"],
    } or {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()} == {
        "region": "Y56",
        "icb": "QRV",
        "programme": "GPIP",
        "from": "2023-01",
        "to": "2025-10",
    }
    assert "NHS North West London ICB" in at.markdown[0].value + at.caption[0].value


def test_changing_the_region_clears_the_icb(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db, icb="QRV")
    at.selectbox(key="f_region").set_value("Y63").run()
    # AppTest keeps neither the sidebar nor the script's URL after a widget rerun: the browser test checks both.
    assert at.session_state["f_icb"] == "__all__"
    assert "North East and Yorkshire region" in at.markdown[0].value


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"region": "XX9"}, "Ignored region 'XX9'"),
        ({"icb": "'; DROP TABLE practice;--"}, "Ignored ICB"),
        ({"programme": "Everything"}, "Ignored programme 'Everything'"),
        ({"from": "last-year"}, "Ignored from='last-year'"),
        ({"from": "2025-10", "to": "2022-01"}, "Ignored the period"),
        ({"colour": "red"}, "Ignored unknown URL parameter 'colour'"),
        ({"region": "Y56", "icb": "QF7"}, "ICB QF7 is in region Y63"),
    ],
)
def test_garbage_url_parameters_leave_the_app_working_with_a_note(
    monkeypatch, demo_db, params, note
):
    at = app(monkeypatch, demo_db, **params)
    assert not at.exception
    assert any(note in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.get("plotly_chart")  # the page still shows its charts


def test_first_run_builds_the_demo_with_progress(monkeypatch, demo_db, tmp_path):
    """With no database the app builds one (here: a copy of the session demo, to keep the test quick)."""
    import gpaccess.app.first_run as first_run

    calls = []

    def fake_build(path: Path, progress) -> Path:
        progress(0.5, "Loading appointments")
        calls.append(path)
        shutil.copy(demo_db, path)
        return path

    monkeypatch.setattr(first_run, "build_demo_database", fake_build)
    target = tmp_path / "fresh" / "gpaccess.duckdb"
    at = app(monkeypatch, target)
    assert calls == [target] and target.exists()
    assert not at.exception
    assert at.metric, "after the build the overview shows its tiles"
