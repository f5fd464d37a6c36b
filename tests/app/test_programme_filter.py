"""The Programme filter where it means nothing (issue #13): shown disabled with the reason on the pages whose
figures do not depend on it, keeping its value for the other pages; enabled where it filters."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT

DASHBOARD = str(PROJECT / "dashboard.py")


def open_page(monkeypatch, db, page: str) -> AppTest:
    monkeypatch.setenv("GPACCESS_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["programme"] = "GPIP"
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("page", "used"),
    [
        ("pages/access.py", False),
        ("pages/support.py", False),
        ("pages/overview.py", False),
        ("pages/uptake.py", True),
        ("pages/phases.py", True),
    ],
)
def test_programme_filter_disabled_where_not_used(monkeypatch, demo_db, page, used):
    at = open_page(monkeypatch, demo_db, page)
    radio = at.radio(key="f_programme")
    assert radio.value == "GPIP"  # kept for the pages that use it
    assert radio.disabled is (not used)
    notes = [
        c.value
        for c in at.sidebar.caption
        if c.value.startswith("Programme: not used on this page")
    ]
    assert bool(notes) is (not used)
    if not used:
        assert radio.help and radio.help in notes[0]
