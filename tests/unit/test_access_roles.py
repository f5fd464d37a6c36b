"""Roles, the role-mapping file, personas, and the pure rules of support identification."""

from __future__ import annotations

import datetime as dt

import pytest

from gpaccess.access import (
    PUBLIC,
    Viewer,
    load_role_map,
    parse_role,
    role_token,
    viewer_for_email,
)
from gpaccess.config import PROJECT_ROOT
from gpaccess.identification import shown_count, shown_share, window_bounds


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("public", Viewer()),
        ("national", Viewer(role="national")),
        ("region:Y56", Viewer(role="region", region_code="Y56")),
        ("icb:QRV", Viewer(role="icb", icb_code="QRV")),
        (" icb:qrv ", Viewer(role="icb", icb_code="QRV")),
    ],
)
def test_parse_role(token, expected):
    assert parse_role(token) == expected
    assert parse_role(role_token(expected)) == expected


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "admin",
        "icb",
        "icb:",
        "icb:QR V",
        "icb:Q'RV",
        "icb:QRV;DROP",
        "region:",
        "ICB:QRV",
        3,
    ],
)
def test_parse_role_refuses_anything_else(token):
    assert parse_role(token) is None


def test_only_the_icbs_own_viewer_sees_its_practices():
    own = Viewer(role="icb", icb_code="QRV")
    assert own.may_see_practices_of("QRV")
    assert not own.may_see_practices_of("QMJ")
    assert not own.may_see_practices_of(None)
    for viewer in (PUBLIC, Viewer(role="national"), Viewer(role="region", region_code="Y56")):
        assert not viewer.may_see_practices_of("QRV")
    assert not Viewer(role="icb").may_see_practices_of(None)  # an ICB role without a code sees none
    assert not Viewer(role="admin").may_see_practices_of("QRV")


def test_role_map_maps_emails_case_insensitively():
    mapping = load_role_map(
        '[users]\n"Lead@NHS.net" = "icb:QRV"\n"a@nhs.net" = "national"\n"b@nhs.net" = "region:Y56"\n'
    )
    assert viewer_for_email("lead@nhs.net", mapping) == Viewer(
        role="icb", icb_code="QRV", email="lead@nhs.net"
    )
    assert viewer_for_email("A@nhs.net", mapping).role == "national"
    assert viewer_for_email("b@nhs.net", mapping).region_code == "Y56"
    assert viewer_for_email("stranger@nhs.net", mapping).role == "public"
    assert viewer_for_email(None, mapping) == PUBLIC


@pytest.mark.parametrize(
    "text",
    [
        '[users]\n"a@nhs.net" = "admin"\n',
        '[users]\n"a@nhs.net" = "icb"\n',
        '[users]\n"not-an-email" = "national"\n',
        '[users]\n"a@nhs.net" = 5\n',
        'users = "national"\n',
        "[users\n",
    ],
)
def test_a_malformed_role_map_is_refused_whole(text):
    with pytest.raises(ValueError):
        load_role_map(text)


def test_the_example_role_map_parses():
    mapping = load_role_map((PROJECT_ROOT / "data/roles.example.toml").read_text())
    assert {v.role for v in mapping.values()} == {"national", "region", "icb"}


def test_window_bounds():
    assert window_bounds(dt.date(2025, 10, 1), 1) == (dt.date(2025, 10, 1), dt.date(2025, 10, 1))
    assert window_bounds(dt.date(2025, 2, 1), 3) == (dt.date(2024, 12, 1), dt.date(2025, 2, 1))
    assert window_bounds(dt.date(2025, 10, 1), 12) == (dt.date(2024, 11, 1), dt.date(2025, 10, 1))
    with pytest.raises(ValueError):
        window_bounds(dt.date(2025, 10, 1), 6)


def test_small_numbers_shown_as_fewer_than_5():
    assert shown_count(4) == "fewer than 5"
    assert shown_count(0) == "fewer than 5"
    assert shown_count(5) == "5"
    assert shown_count(1234) == "1,234"
    assert shown_count(3, exact=True) == "3"
    assert shown_share(3, 40) == "fewer than 5"  # part below 5
    assert shown_share(4, 4) == "fewer than 5"  # group below 5
    assert shown_share(10, 40) == "25%"
    assert shown_share(3, 4, exact=True) == "75%"
    assert shown_share(0, 0) == "no practices"


@pytest.mark.parametrize(
    ("viewer", "region", "icb", "allowed"),
    [
        (Viewer("national"), None, None, True),
        (Viewer("national"), "Y56", None, False),
        (Viewer("region", region_code="Y56"), "Y56", None, True),
        (Viewer("region", region_code="Y56"), "Y60", None, False),
        (Viewer("region", region_code="Y56"), "Y56", "QRV", False),
        (Viewer("icb", icb_code="QRV"), "Y56", "QRV", True),
        (Viewer("icb", icb_code="QRV"), "Y56", "QMJ", False),
        (Viewer("icb", icb_code="QRV"), None, None, False),
        (Viewer(), None, None, False),
        (Viewer("admin"), None, None, False),
    ],
)
def test_only_a_scopes_own_users_may_write_for_it(viewer, region, icb, allowed):
    assert viewer.may_write_for(region, icb) is allowed
