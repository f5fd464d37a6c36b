"""The board pages run in Streamlit's AppTest on the fixture store (tests/fixtures_board.py) for every scope, and
what they plot equals figures computed independently from the fixture rows with pandas."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import fixtures_board as fx
from tests.app.conftest import unfolded

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"
SCOPES = {  # name -> URL query parameters
    "england": {},
    "london": {"region": "Y56"},
    "midlands": {"region": "Y60"},  # no practice in Accelerate phase 2 or GPIP intensive
    "qrv": {"icb": "QRV"},
    "gpip": {"programme": "GPIP"},
    "accelerate": {"programme": "Accelerate"},
}
TITLES = {
    "pages/phases.py": "Phase completion",
    "pages/uptake.py": "Uptake by ICB",
    "pages/gains.py": "Productivity gains",
}
STATUS_WORDS = {"completed": "Completed the core support", "withdrawn": "Withdrew"}


@pytest.fixture(scope="module")
def board_db(tmp_path_factory) -> Path:
    return fx.build_board_store(tmp_path_factory.mktemp("board_app") / "board.duckdb")


def run_page(monkeypatch, db: Path, page: str, params: dict[str, str]) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()  # straight to the page, as a deep link with the filters in the URL
    unfolded(at)  # every chart, whole
    assert [t.value for t in at.title] == [TITLES[page]]
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def plain(values) -> list:
    """Plotly JSON arrays may be typed ({'dtype', 'bdata'}): decode to a list either way."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values or [])


def title(figure: dict) -> str:
    """The finding: the title without its subtitle, wrapped lines joined (the page wraps titles for phones)."""
    return " ".join(
        figure["layout"]["title"]["text"].split("<br><sup>")[0].replace("<br>", " ").split()
    )


def trace_values(figure: dict, name: str) -> dict[str, float]:
    """y label -> x for the named traces (every facet)."""
    out: dict[str, float] = {}
    for trace in figure["data"]:
        if trace.get("name") == name:
            y = plain(trace.get("y"))
            if y and isinstance(y[0], list):  # a grouped (multicategory) axis: region, ICB
                y = y[-1]
            out.update(zip(y, plain(trace.get("x")), strict=True))
    return out


def bar_x(figure: dict) -> list[float]:
    return [
        x for t in figure["data"] if t["type"] == "bar" for x in plain(t.get("x")) if x is not None
    ]


def words_on(figure: dict) -> list[str]:
    """Each trace's value labels as words: without the space that keeps a label clear of a plan marker and
    the line breaks that wrap it."""
    return [
        " ".join(str(v).replace("<br>", " ").split())
        for t in figure["data"]
        for v in plain(t.get("text"))
    ]


def in_scope(frame: pd.DataFrame, params: dict[str, str]) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if "region" in params:
        keep &= frame["region_code"] == params["region"]
    if "icb" in params:
        keep &= frame["icb_code"] == params["icb"]
    if "programme" in params and "programme" in frame:
        keep &= frame["programme"] == params["programme"]
    return frame[keep]


def label(programme: str, phase: str, level: str) -> str:
    """How the status chart names a row within its panel (Accelerate, GPIP hands-on, GPIP universal)."""
    return phase if programme == "Accelerate" or level == "universal" else f"{phase} · {level}"


# --- phase completion -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("scope", list(SCOPES))
def test_phases_page_plots_status_counts_from_the_fixture(monkeypatch, board_db, scope):
    params = SCOPES[scope]
    status, delivery, timeline = figures(run_page(monkeypatch, board_db, "pages/phases.py", params))
    enrolments = in_scope(fx.enrolments(), params)
    national = not (params.get("region") or params.get("icb"))
    phases = in_scope(
        pd.DataFrame(fx.PHASES, columns=fx.PHASE_COLUMNS),
        {"programme": params.get("programme")} if "programme" in params else {},
    )
    for status_name, words in STATUS_WORDS.items():
        counts = (
            enrolments[enrolments["status"] == status_name]
            .groupby(["programme", "phase", "level"])
            .size()
        )
        shown = phases[["programme", "phase", "level"]].itertuples(index=False)
        if national:  # every phase, with its planned number; elsewhere only phases with enrolments
            expected = {label(*key): 0 for key in shown}
        else:
            expected = {
                label(*key): 0 for key in enrolments.groupby(["programme", "phase", "level"]).groups
            }
        expected.update({label(*key): n for key, n in counts.items()})
        assert trace_values(status, words) == expected
    planned = trace_values(status, "Planned places")
    if not national:
        assert planned == {}  # planned numbers are national
    else:
        assert planned == {
            label(p, ph, lv): n
            for p, ph, lv, n in phases[
                ["programme", "phase", "level", "planned_practices"]
            ].itertuples(index=False)
        }
    finished = enrolments["status"].isin(["completed", "extended"]).sum()
    assert f"{finished} of {len(enrolments)} enrolled practices" in title(status)
    starts = [b for t in timeline["data"] for b in plain(t.get("base"))]
    assert sorted(starts) == sorted(d.isoformat() for d in phases["start_date"])
    assert "planned" in title(delivery) or "Too few" in title(delivery)


def test_phases_page_shows_support_delivered_only_for_5_or_more_practices(monkeypatch, board_db):
    delivery = figures(run_page(monkeypatch, board_db, "pages/phases.py", {}))[1]
    # phase 1: 5 practices started and not withdrawn; mean on-site visits (12+12+10+11+12)/5 = 11.4
    assert trace_values(delivery, "Mean delivered") == {"Accelerate · Phase 1": 11.4}
    assert "fewer than 5 practices" in words_on(delivery)


# --- uptake -------------------------------------------------------------------------------------------------------
def expected_uptake(params: dict[str, str]) -> dict[str, float]:
    """ICB -> % of practices enrolled (hands-on, not withdrawn); pool excludes the closed practice for GPIP."""
    e = fx.enrolments()
    hands_on = e[(e["status"] != "withdrawn") & (e["level"] != "universal")]
    practices = fx.practices()
    out = {}
    for programme in ("Accelerate", "GPIP"):
        if params.get("programme", programme) != programme:
            continue
        pool = (
            practices
            if programme == "Accelerate"
            else practices[practices["practice_code"] != fx.CLOSED_PRACTICE]
        )
        for icb, n in in_scope(pool, params).groupby("icb_code").size().items():
            enrolled = hands_on[
                (hands_on["programme"] == programme) & (hands_on["icb_code"] == icb)
            ]
            if n >= 5:
                out[f"{programme}/{icb}"] = round(100 * enrolled["practice_code"].nunique() / n, 1)
    return out


NAMES = {
    "QRV": "North West London",
    "QMJ": "North Central London",
    "QOC": "Shropshire, Telford and Wrekin",
    "QF7": "South Yorkshire",
}


@pytest.mark.parametrize("scope", list(SCOPES))
def test_uptake_page_plots_each_icbs_share_and_blocked_practices(monkeypatch, board_db, scope):
    params = SCOPES[scope]
    charts = figures(run_page(monkeypatch, board_db, "pages/uptake.py", params))
    assert len(charts) == (
        6 if params.get("programme") == "Accelerate" else 7
    )  # telephony is GPIP only
    share = charts[0]
    plotted = {}
    for trace in share["data"]:
        if trace["type"] == "bar":
            for y, x in zip(plain(trace["y"]), plain(trace["x"]), strict=True):
                code = next(c for c, n in NAMES.items() if n == y)
                plotted[f"{trace['name']}/{code}"] = x
    assert plotted == expected_uptake(params)
    if "QF7" in set(in_scope(fx.practices(), params)["icb_code"]):
        assert "fewer than 5 practices" in words_on(share)  # South Yorkshire has 4 practices
    if params.get("programme") != "Accelerate":
        icbs = set(in_scope(fx.practices(), params)["icb_code"])
        blocked = trace_values(charts[4], "GPIP")
        assert blocked == {NAMES[icb]: n for icb, n in fx.BLOCKED.items() if icb in icbs}


def test_uptake_page_compares_each_icb_with_england_and_its_region(monkeypatch, board_db):
    reference = figures(
        run_page(monkeypatch, board_db, "pages/uptake.py", {"icb": "QRV", "programme": "GPIP"})
    )[1]
    # England GPIP: hands-on and not withdrawn (E85006, E85008, M81004, F83003, C86003) of 27 practices open
    e = fx.enrolments()
    enrolled = e[
        (e["programme"] == "GPIP") & (e["status"] != "withdrawn") & (e["level"] != "universal")
    ]
    england = round(100 * enrolled["practice_code"].nunique() / (len(fx.practices()) - 1), 1)
    london = enrolled[enrolled["region_code"] == "Y56"]["practice_code"].nunique()
    assert trace_values(reference, "ICB") == {"North West London": round(100 * 2 / 9, 1)}
    assert trace_values(reference, "ICB's region") == {
        "North West London": round(100 * london / 15, 1)
    }
    assert [s["x0"] for s in reference["layout"]["shapes"]] == [england]


def test_uptake_page_filters_barriers_by_period(monkeypatch, board_db):
    at = run_page(monkeypatch, board_db, "pages/uptake.py", {"from": "2023-10", "to": "2023-10"})
    kinds, table = figures(at)[-2:]
    # October 2023: QRV capacity and workforce (15 Oct), QOC eligibility (20 Oct); not Nov 2023 nor 2022
    assert title(table).startswith("3 barrier reports from 2 ICBs")
    assert plain(table["data"][0]["cells"]["values"][1]) == [
        "15 Oct 2023",
        "15 Oct 2023",
        "20 Oct 2023",
    ]
    assert trace_values(kinds, "GPIP") == {"Capacity": 1, "Eligibility": 1, "Workforce": 1}
    assert "reported Oct 2023" in kinds["layout"]["title"]["text"]
    assert (
        title(kinds)
        == "2 ICBs reported GPIP barriers, capacity, eligibility and workforce most often (1 each)"
    )


# --- gains -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("scope", list(SCOPES))
def test_gains_page_never_plots_a_percentage_for_fewer_than_5(monkeypatch, board_db, scope):
    params = SCOPES[scope]
    charts = figures(run_page(monkeypatch, board_db, "pages/gains.py", params))
    assert len(charts) == (4 if "icb" in params else 5)  # by region only when no ICB is chosen
    e = in_scope(fx.enrolments(), params)
    assessed = e[
        (e["status"] != "withdrawn") & e["started_date"].notna() & e["productivity_gain"].notna()
    ]
    by_phase = assessed.groupby(["programme", "phase", "level"])["productivity_gain"].agg(
        ["size", "sum"]
    )
    expected = sorted(round(100 * g / n, 1) for n, g in by_phase.itertuples(index=False) if n >= 5)
    assert sorted(bar_x(charts[0])) == expected
    for figure in charts[:-2]:  # every share chart: bars only where at least 5 were assessed
        assert all(0 <= x <= 100 for x in bar_x(figure))
    if by_phase["size"].lt(5).any():
        assert "fewer than 5 assessed" in words_on(charts[0])


def test_gains_page_hours_for_england(monkeypatch, board_db):
    hours = figures(run_page(monkeypatch, board_db, "pages/gains.py", {}))[3]
    # phase 1, 5 practices reporting: clinical 10+6+0+8+4 = 28 a month in total, 5.6 per practice
    clinical = [plain(t["x"]) for t in hours["data"] if t.get("name") == "Clinical hours"]
    assert [values[0] for values in clinical] == [28.0, 5.6]
    assert title(hours).endswith("Accelerate 28 clinical and 17 admin")


def test_a_chart_with_nothing_to_plot_is_said_in_words(monkeypatch, board_db):
    # North Central London in the fixture: no practice withdrew, none blocked (F83004 was live on the day)
    at = run_page(monkeypatch, board_db, "pages/uptake.py", {"icb": "QMJ"})
    notes = [i.value for i in at.info]
    assert notes.count("No practice withdrew in this scope") == 2  # by ICB and by reason
    assert (
        "No practice that wished to join GPIP was recorded as blocked by the digital telephony criterion"
        in notes
    )
    assert (
        len(figures(at)) == 4
    )  # uptake share, against England and region, barriers, barrier table
