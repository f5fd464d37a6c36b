"""Slides of the access, support identification and data pages (their "Download slides" decks) on the demo:
every chart's embedded figures equal the query result for the scope, worked out here with pandas; the
support page's named list appears only in the deck of the ICB's own viewer, which is then OFFICIAL-SENSITIVE."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from pptx import Presentation

from gpaccess.access import Viewer
from gpaccess.db import run
from gpaccess.export.pack import board_pack
from gpaccess.identification import window_bounds
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only
from tests.integration.test_board_pack import (
    PRACTICE_CODE,
    PUBLIC,
    all_parts,
    as_dict,
    assert_series,
    close,
    read_pack,
    short,
)

SCOPES = [Scope(), Scope(region="Y56"), Scope(region="Y56", icb="QRV")]
QRV_USER = Viewer(role="icb", icb_code="QRV")


@pytest.fixture(scope="module")
def con(demo_db):
    connection = connect_read_only(demo_db)
    yield connection
    connection.close()


def keys_in(deck: bytes) -> set[str]:
    return {
        shape.name.split("|")[0]
        for slide in Presentation(io.BytesIO(deck)).slides
        for shape in slide.shapes
        if "|" in shape.name
    }


def line(pack: dict, key: str, series: str) -> list:
    return [v for _, v in pack[key][""][series]]


def check_access(con, deck: bytes, scope: Scope) -> set[str]:
    pack = read_pack(deck)
    q = lambda name, s=scope, **extra: run(con, name, PUBLIC, s, **extra)  # noqa: E731
    counts = q("access_counts_monthly")
    for column, name in (("face_to_face", "Face-to-face"), ("telephone", "Telephone")):
        expected = (100.0 * counts[column] / counts["appointments"]).round(1).tolist()
        assert line(pack, "mode_mix", name) == pytest.approx(expected)
    monthly = q("appointments_monthly")
    for column in ("face_to_face_pct", "dna_pct", "same_day_pct", "appointments_per_1000"):
        values = [v for v in line(pack, f"spc_{column}", "Value")]
        assert values == pytest.approx(monthly[column].astype(float).tolist())
    by_icb = q("access_by_icb", scope.with_(icb=None))
    expected = {
        short(r.icb_name) + (" (selected)" if r.icb_code == scope.icb else ""): round(
            float(r.face_to_face_pct), 1
        )
        for r in by_icb.itertuples()
    }
    assert_series(as_dict(pack["icbs_face_to_face_pct"][""]["Face-to-face share (%)"]), expected)
    newest = counts["month"].iloc[-1]
    spread = q("practice_share_distribution", month=newest)
    shown = as_dict(pack["practice_share_distribution"][""]["Practices"])
    assert shown == {
        f"{a}-{b}%": float(n)
        for a, b, n in zip(spread["band_from"], spread["band_to"], spread["practices"], strict=True)
    }
    assert sum(shown.values()) == spread["practices_total"].iloc[0]
    return (
        {"mode_mix", "icbs_face_to_face_pct", "practice_share_distribution"}
        | {
            f"spc_{c}"
            for c in ("face_to_face_pct", "dna_pct", "same_day_pct", "appointments_per_1000")
        }
        | check_depth(con, pack, scope)
    )


def check_depth(con, pack: dict, scope: Scope) -> set[str]:
    """Access in depth (#16): each new slide's values equal its query's, worked out here."""
    q = lambda name, s=scope, **extra: run(con, name, PUBLIC, s, **extra)  # noqa: E731
    monthly = q("appointments_monthly")
    w2w = line(pack, "spc_within_2_weeks_pct", "Value")
    assert w2w == pytest.approx(monthly["within_2_weeks_pct"].astype(float).tolist())
    assert line(pack, "staff_mix", "GP") == pytest.approx(monthly["gp_pct"].round(1).tolist())
    bands = q("access_mix_monthly", dimension="time_band")
    newest = bands[bands["month"] == bands["month"].max()].dropna(subset=["share_pct"])
    expected = {r.category: round(float(r.share_pct), 1) for r in newest.itertuples()}
    assert as_dict(pack["wait_distribution"][""]["Latest month"]) == pytest.approx(expected)
    categories = q("access_mix_monthly", dimension="national_category")
    latest = categories[categories["month"] == categories["month"].max()]
    top = latest.sort_values(["share_pct", "category"], ascending=[False, True]).head(10)
    expected = {r.category: round(float(r.share_pct), 1) for r in top.itertuples()}
    assert as_dict(pack["national_categories"][""]["Latest month"]) == pytest.approx(expected)
    rows = {r[0]: r for r in pack["_tables"]["year_on_year"]}
    now = monthly.iloc[-1]
    assert float(rows["Face-to-face share"][1]) == round(float(now["face_to_face_pct"]), 1)
    checked = {"spc_within_2_weeks_pct", "staff_mix", "wait_distribution", "national_categories"}
    checked |= {"year_on_year"}
    if scope.icb:
        by_sub = q("access_by_sub_icb")
        shown = as_dict(pack["sub_icbs_within_2_weeks_pct"][""]["Booked within 2 weeks (%)"])
        assert shown == {
            r.sub_icb_name: round(r.within_2_weeks_pct, 1) for r in by_sub.itertuples()
        }
        pcns = q("access_by_pcn")
        big = pcns[pcns["practices"] >= 5]
        shown = as_dict(pack["pcns_within_2_weeks_pct"][""]["Booked within 2 weeks (%)"])
        for r in big.itertuples():
            assert shown[r.pcn_name] == round(100 * r.within_2_weeks / r.known_interval, 1)
        assert not set(pcns[pcns["practices"] < 5]["pcn_name"]) & set(shown)
        checked |= {"sub_icbs_within_2_weeks_pct", "pcns_within_2_weeks_pct"}
    return checked


def check_data(con, deck: bytes, scope: Scope) -> set[str]:
    pack = read_pack(deck)
    coverage = run(con, "coverage_by_icb_month", PUBLIC, scope)
    per_month = coverage.groupby("month")[["open_with_data", "practices_open", "dropped_out"]].sum()
    expected = (100.0 * per_month["open_with_data"] / per_month["practices_open"]).round(1)
    assert line(pack, "coverage_over_time", "Open practices with data (%)") == pytest.approx(
        expected.tolist()
    )
    dropped = line(pack, "dropped_out", "Dropped out (data last month, none this month)")
    assert dropped == per_month["dropped_out"].astype(float).tolist()
    latest = coverage[coverage["month"] == coverage["month"].max()]
    by_icb = {
        short(r.icb_name) + (" (below 95%)" if r.coverage_pct < 95 else ""): round(
            float(r.coverage_pct), 1
        )
        for r in latest.itertuples()
    }
    assert_series(as_dict(pack["coverage_by_icb"][""]["Open practices with data (%)"]), by_icb)
    quality = run(con, "recording_quality_by_icb_month", PUBLIC, scope)
    sums = quality.groupby("month")[["unknown_mode", "appointments"]].sum()
    expected = (100.0 * sums["unknown_mode"] / sums["appointments"]).round(2)
    assert line(pack, "recording_quality", "Unknown mode") == pytest.approx(expected.tolist())
    return {"coverage_over_time", "coverage_by_icb", "recording_quality", "dropped_out"}


def check_support(con, deck: bytes, scope: Scope, viewer: Viewer) -> set[str]:
    """Per ICB: the lowest 20% split by whether a programme reached them, and supported practices outside it;
    a count below 5 not drawn, except for the viewer's own ICB."""
    pack = read_pack(deck)
    last = pd.Timestamp(run(con, "appointments_monthly", viewer, scope)["month"].max()).date()
    first, last = window_bounds(last, 3)
    window = {"measure": "face_to_face_pct", "window_from": first, "window_to": last}
    reach = run(con, "support_reach", viewer, scope, **window)
    own = viewer.icb_code if viewer.role == "icb" else None
    panel = pack[next(k for k in pack if k.startswith("support_reach_"))][""]
    groups = {
        "Lowest 20%, in Accelerate or GPIP": lambda r: r.lowest_in_either,
        "Lowest 20%, in neither programme": lambda r: r.lowest - r.lowest_in_either,
        "In a programme, not in the lowest 20%": lambda r: r.supported_not_lowest,
    }
    for series, count in groups.items():
        shown = [v for _, v in panel[series]]
        expected = [
            float(count(r)) if r.icb_code == own or count(r) >= 5 else None
            for r in reach.itertuples()
        ]
        assert all(close(a, b) for a, b in zip(shown, expected, strict=True)), series
        for (category, _), value in zip(panel[series], expected, strict=True):
            if value is None:  # the ICB's bar is not drawn: its label says why
                assert category.endswith("(fewer than 5: not drawn)"), category
    checked = {"support_reach_face_to_face_pct"}
    if viewer.may_see_practices_of(scope.icb):
        named = run(con, "support_list", viewer, scope, **window)
        rows = read_pack(deck)["_tables"]["support_list"]
        assert [(r[0], r[1], r[2]) for r in rows] == [
            (str(k), c, n)
            for k, c, n in zip(
                named["rank_in_icb"], named["practice_code"], named["practice_name"], strict=True
            )
        ]
        assert len(rows) == math.ceil(0.2 * named["practices_ranked"].iloc[0])
        checked.add("support_list")
    return checked


@pytest.mark.parametrize("scope", SCOPES, ids=["england", "london", "nw-london"])
def test_access_and_data_slides_hold_the_query_results(con, scope):
    access = board_pack(con, PUBLIC, scope, sections=("access",))
    assert keys_in(access) == check_access(con, access, scope)
    data = board_pack(con, PUBLIC, scope, sections=("data",))
    assert keys_in(data) == check_data(con, data, scope)


@pytest.mark.parametrize("scope", SCOPES, ids=["england", "london", "nw-london"])
def test_public_support_slides_hold_counts_only(con, scope):
    deck = board_pack(con, PUBLIC, scope, sections=("support",))
    assert keys_in(deck) == check_support(con, deck, scope, PUBLIC)
    for name, body in all_parts(deck).items():
        assert not PRACTICE_CODE.search(body), f"practice code in {name}"
        assert b"(DEMO)" not in body, f"practice name in {name}"
    assert b"OFFICIAL-SENSITIVE" not in b"".join(all_parts(deck).values())


def test_the_icbs_own_user_gets_its_named_list_marked_official_sensitive(con):
    scope = Scope(region="Y56", icb="QRV")
    deck = board_pack(con, QRV_USER, scope, sections=("support",))
    assert keys_in(deck) == check_support(con, deck, scope, QRV_USER)
    cover = " ".join(
        s.text_frame.text
        for s in Presentation(io.BytesIO(deck)).slides[0].shapes
        if s.has_text_frame
    )
    assert "Classification: OFFICIAL-SENSITIVE" in cover
    # every later slide marked too (the marking is set once every chart is written) and numbered in order
    slides = list(Presentation(io.BytesIO(deck)).slides)
    assert len(slides) > 2
    for number, slide in enumerate(slides[1:], start=2):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert "OFFICIAL-SENSITIVE" in texts and str(number) in texts, number
    # the same viewer looking at a neighbour, and a national viewer looking at QRV: counts only
    for viewer, other in (
        (QRV_USER, Scope(region="Y56", icb="QMJ")),
        (Viewer(role="national"), scope),
    ):
        deck = board_pack(con, viewer, other, sections=("support",))
        assert "support_list" not in keys_in(deck)
        assert not any(PRACTICE_CODE.search(b) for b in all_parts(deck).values())


def test_the_support_pages_measure_and_window_reach_its_slides(con):
    """The page passes its own choices: same-day share over 12 months, not the default."""
    scope = Scope(region="Y56")
    deck = board_pack(
        con, PUBLIC, scope, sections=["support"], choices={"measure": "same_day_pct", "window": 12}
    )
    assert keys_in(deck) == {"support_reach_same_day_pct"}
    last = pd.Timestamp(run(con, "appointments_monthly", PUBLIC, scope)["month"].max()).date()
    first, last = window_bounds(last, 12)
    reach = run(
        con,
        "support_reach",
        PUBLIC,
        scope,
        measure="same_day_pct",
        window_from=first,
        window_to=last,
    )
    shown = [
        v
        for _, v in read_pack(deck)["support_reach_same_day_pct"][""][
            "Lowest 20%, in Accelerate or GPIP"
        ]
    ]
    assert shown == [float(n) if n >= 5 else None for n in reach["lowest_in_either"]]
