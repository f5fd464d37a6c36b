"""The 'What practices changed' page runs in Streamlit's AppTest on the actions fixture store for several
scopes and phases, and what it plots equals figures computed independently with pandas from the fixture rows."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gpaccess.scope import Scope
from tests.app.conftest import unfolded
from tests.integration.test_actions_queries import ACTIONS, build_actions_store, expected_units

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"
SCOPES = {  # name -> (URL query parameters, Scope for the expected values)
    "england": ({}, Scope()),
    "london": ({"region": "Y56"}, Scope(region="Y56")),
    "qrv": ({"icb": "QRV"}, Scope(icb="QRV")),
    "gpip": ({"programme": "GPIP"}, Scope(programme="GPIP")),
}


@pytest.fixture(scope="module")
def actions_app_db(tmp_path_factory) -> Path:
    return build_actions_store(tmp_path_factory.mktemp("actions_app") / "actions.duckdb")


def run_page(monkeypatch, db: Path, params: dict[str, str]) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    unfolded(at.switch_page("pages/actions.py").run())  # every chart, whole
    assert [t.value for t in at.title] == ["What practices changed"]
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def plain(values) -> list:
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values or [])


def title(figure: dict) -> str:
    """Title and subtitle as words: the page wraps them onto lines for phones."""
    return " ".join(re.sub(r"<br>|</?sup>", " ", figure["layout"]["title"]["text"]).split())


def bar_x(figure: dict, name: str) -> list[list[float]]:
    """x values of each bar trace with this name (one per programme facet), in facet order."""
    return [
        plain(t["x"]) for t in figure["data"] if t.get("type") == "bar" and t.get("name") == name
    ]


def share(part: int, whole: int) -> float:
    return 0.0 if whole < 5 else round(100 * part / whole, 1)


def check(at: AppTest, scope: Scope, phase: str | None) -> None:
    units = expected_units(scope, phase)
    programmes = sorted(units["programme"].unique())
    figs = figures(at)
    by_title = {title(f).split("<br>")[0]: f for f in figs}
    adoption = next(f for t, f in by_title.items() if t.startswith("Most adopted"))
    gains = next(f for t, f in by_title.items() if t.startswith("Widest gap"))
    count = next(f for t, f in by_title.items() if "number of actions" in t)
    for i, programme in enumerate(programmes):
        group = units[units["programme"] == programme]
        n = len(group)
        assert n >= 5, "the fixture scopes used here have at least 5 practices per programme"
        expected = [share(int(group[f"a{a}"].sum()), n) for a, _ in ACTIONS]
        assert bar_x(adoption, programme)[0] == pytest.approx(expected), programme
        adopters = [
            share(int((group[f"a{a}"] & group["gained"]).sum()), int(group[f"a{a}"].sum()))
            for a, _ in ACTIONS
        ]
        non = [
            share(int((~group[f"a{a}"] & group["gained"]).sum()), int((~group[f"a{a}"]).sum()))
            for a, _ in ACTIONS
        ]
        assert bar_x(gains, "Adopted the action")[i] == pytest.approx(adopters), programme
        assert bar_x(gains, "Did not adopt it")[i] == pytest.approx(non), programme
        counts = group.assign(k=group[[f"a{a}" for a, _ in ACTIONS]].sum(axis=1))
        sizes = counts.groupby("k")["gained"].agg(["size", "sum"])
        shown = [
            round(100 * s / z, 1)
            for z, s in zip(sizes["size"], sizes["sum"], strict=True)
            if z >= 5
        ]
        assert bar_x(count, programme)[0] == pytest.approx(shown), programme
    assert "association, not cause" in title(gains) and "association, not cause" in title(count)
    # one area table per programme: ICBs always, regions unless an ICB is chosen
    heatmaps = [f for f in figs if f["data"][0].get("type") == "heatmap"]
    assert len(heatmaps) == len(programmes) * (1 if scope.icb else 2)
    page_text = " ".join(m.value for m in at.markdown) + " ".join(w.value for w in at.warning)
    assert "Association, not cause" in page_text
    assert not any(code in json.dumps(figs) for code in units["practice_code"])


@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_actions_page_equals_pandas(monkeypatch, actions_app_db, scope_name):
    params, scope = SCOPES[scope_name]
    at = run_page(monkeypatch, actions_app_db, params)
    check(at, scope, None)


def test_phase_selectbox_filters_every_chart(monkeypatch, actions_app_db):
    at = run_page(monkeypatch, actions_app_db, {})
    box = at.selectbox(key="actions_phase")
    assert box.options[0] == "All phases and cohorts"
    box.set_value("Phase 1").run()
    assert not at.exception
    check(at, Scope(), "Phase 1")
    adoption = figures(at)[0]
    assert "England · Phase 1" in title(adoption)
    assert bar_x(adoption, "GPIP") == []  # GPIP has no Phase 1


def test_a_phase_outside_the_new_programme_falls_back_to_all_phases(monkeypatch, actions_app_db):
    at = run_page(monkeypatch, actions_app_db, {})
    at.selectbox(key="actions_phase").set_value("Phase 1").run()
    at.radio(key="f_programme").set_value("GPIP").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="actions_phase").value == "All phases and cohorts"
    check(at, Scope(programme="GPIP"), None)
