"""A page opened again in a new session (another board member, or the same one reloading) runs no query and
builds no chart or Plotly figure again: queries, charts and their screen figures are cached across sessions,
per viewer's permission, scope and data version. And it shows the same."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from tests import fixtures_board as fx
from tests.app.conftest import unfolded

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"


@pytest.fixture(scope="module")
def board_db(tmp_path_factory) -> Path:
    return fx.build_board_store(tmp_path_factory.mktemp("warm_views") / "board.duckdb")


@pytest.fixture
def counted(monkeypatch, fresh_charts) -> dict[str, list[str]]:
    """Queries run against the database and Plotly figures constructed, from a cold start."""
    from gpaccess.app import data

    data._query.clear()
    data._derived.clear()
    made: dict[str, list[str]] = {"queries": [], "figures": []}
    run, construct = data.run, go.Figure.__init__

    def counted_run(con, name, *args, **kwargs):
        made["queries"].append(name)
        return run(con, name, *args, **kwargs)

    def counted_figure(self, *args, **kwargs):
        made["figures"].append(type(self).__name__)
        construct(self, *args, **kwargs)

    monkeypatch.setattr(data, "run", counted_run)
    monkeypatch.setattr(go.Figure, "__init__", counted_figure)
    return made


def view(monkeypatch, db: Path, page: str, params: dict[str, str]) -> AppTest:
    """A new session opening the page, every chart shown whole."""
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    unfolded(at)
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> list[object]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")] + [
        d.value.to_csv() for d in at.dataframe
    ]


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("pages/uptake.py", {"region": "Y56"}),
        ("pages/phases.py", {"icb": "QRV", "persona": "icb:QRV"}),
    ],
)
def test_a_second_session_runs_no_query_and_builds_no_figure(
    monkeypatch, board_db, counted, page, params
):
    first = view(monkeypatch, board_db, page, params)
    assert counted["queries"] and counted["figures"]  # the first session built them
    assert first.get("plotly_chart")
    counted["queries"].clear()
    counted["figures"].clear()
    second = view(monkeypatch, board_db, page, params)
    assert counted == {"queries": [], "figures": []}
    assert shown(second) == shown(first)


def test_another_scope_is_built_for_itself(monkeypatch, board_db, counted):
    view(monkeypatch, board_db, "pages/uptake.py", {"region": "Y56"})
    counted["queries"].clear()
    other = view(monkeypatch, board_db, "pages/uptake.py", {"region": "Y60"})
    assert counted["queries"]  # not London's cached results
    assert "Midlands" in " ".join(m.value for m in other.caption)
