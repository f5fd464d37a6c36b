"""The demo programme tracker: template layout, rules, and the published calibration targets."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from gpaccess.demo import (
    INJECTED_EFFECT_DNA_PP,
    INJECTED_EFFECT_F2F_PP,
    INJECTED_EFFECT_RATE_PCT,
    build_demo,
    demo_tracker,
    write_demo_files,
)
from gpaccess.demo.geography import load_sub_icbs
from gpaccess.demo.panel import build_panel
from gpaccess.demo.practices import build_practices
from gpaccess.demo.programme import build_programme
from gpaccess.demo.writers import write_tracker

ROOT = Path(__file__).resolve().parents[2]
SUPPORTED = ("active", "completed", "extended")
HANDS_ON = ("intermediate", "intensive")


def _template_columns() -> dict[str, list[str]]:
    """Sheet -> column names, read from docs/programme-template.md."""
    text = (ROOT / "docs" / "programme-template.md").read_text()
    sheets: dict[str, list[str]] = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        name = re.match(r"`(\w+)`", block)
        if name:
            sheets[name.group(1)] = re.findall(r"^\| (\w+) \| [^|]+ \|", block, flags=re.M)[1:]
    return sheets


@pytest.fixture(scope="module")
def tracker() -> dict[str, pd.DataFrame]:
    return demo_tracker()


@pytest.fixture(scope="module")
def icb_of() -> dict[str, str]:
    practices = build_practices(load_sub_icbs(), 2021)
    return dict(zip(practices["code"], practices["icb_code"], strict=True))


def _supported(e: pd.DataFrame) -> pd.DataFrame:
    return e[e["status"].isin(SUPPORTED) & e["started_date"].notna()]


@pytest.mark.slow
def test_published_figures(tracker: dict[str, pd.DataFrame], icb_of: dict[str, str]) -> None:
    """Every calibration target of programme_facts.md, on the full default demo tracker."""
    e = tracker["enrolments"].assign(icb=lambda f: f["practice_code"].map(icb_of))
    acc = _supported(e[e["programme"] == "Accelerate"])
    assert acc["practice_code"].nunique() == 724
    assert len(acc) == 724
    assert (acc["status"] == "extended").sum() == 579  # 79.97% ~ 80%
    per_phase = acc.groupby("phase").size().to_dict()
    assert per_phase["Phase 1"] == 200 and per_phase["Phase 4"] == 250
    first_three = acc[acc["phase"].isin(["Phase 1", "Phase 2", "Phase 3"])]
    assert len(first_three) == 474
    assert (first_three["productivity_gain"] == "yes").sum() == 346  # 72.99% ~ 73%
    assert 0.6 < (acc[acc["phase"] == "Phase 4"]["productivity_gain"] == "yes").mean() < 0.8
    withdrawn = e[(e["programme"] == "Accelerate") & (e["status"] == "withdrawn")]
    assert 5 <= len(withdrawn) <= 15
    assert not set(withdrawn["practice_code"]) & set(acc["practice_code"])

    gpip = e[(e["programme"] == "GPIP") & (e["status"] != "withdrawn")]
    by_jan_2024 = gpip[gpip["enrolled_date"] <= dt.date(2024, 1, 31)]["practice_code"].nunique()
    assert by_jan_2024 > 1200
    assert by_jan_2024 < gpip["practice_code"].nunique() < 1500

    ge = e[e["programme"] == "GPIP"]
    qrv = ge[ge["icb"] == "QRV"]
    assert set(qrv["level"]) <= set(HANDS_ON)
    assert qrv["status"].isin(SUPPORTED).sum() == 14
    assert (qrv["status"] == "withdrawn").sum() == 4
    qf7 = ge[ge["icb"] == "QF7"]
    assert set(qf7["level"]) <= set(HANDS_ON) and len(qf7) == 6
    assert (qf7["status"] != "withdrawn").all()

    el = tracker["eligibility"].assign(icb=lambda f: f["practice_code"].map(icb_of))
    blocked = el[
        (el["wished_to_enrol"] == "yes")
        & (
            el["digital_telephony_live_date"].isna()
            | (el["digital_telephony_live_date"] > el["assessed_date"])
        )
    ]
    counts = blocked.groupby("icb").size().to_dict()
    assert counts["QOC"] == 17
    assert 3 <= counts["QSL"] <= 8

    b = tracker["barriers"]
    autumn = b[
        (b["programme"] == "GPIP")
        & (b["reported_date"] >= dt.date(2023, 9, 1))
        & (b["reported_date"] <= dt.date(2023, 11, 30))
    ]
    assert autumn["icb_code"].nunique() >= 17
    named = {(r.icb_code, r.barrier) for r in autumn.itertuples()}
    assert {
        ("QRV", "capacity"),
        ("QF7", "capacity"),
        ("QMJ", "value unclear"),
        ("QOC", "eligibility"),
        ("QSL", "eligibility"),
        ("QUA", "funding"),
        ("QRL", "time away from practice"),
    } <= named
    qoc = autumn[(autumn["icb_code"] == "QOC") & (autumn["barrier"] == "eligibility")]
    assert qoc["practices_affected"].tolist() == [17]

    programmes = tracker["programmes"].set_index("programme")
    assert programmes.loc["GPIP", "target_practices"] == 1500
    assert programmes.loc["Accelerate", "start_date"] == dt.date(2021, 12, 1)
    assert programmes.loc["Accelerate", "end_date"] == dt.date(2023, 6, 30)
    assert programmes.loc["GPIP", "start_date"] == dt.date(2023, 5, 1)


def test_qrv_share_under_4_percent() -> None:
    data = build_demo()
    panel, practices = data.panel, data.practices
    start = panel.column(2023 * 12 + 6)
    had_data = panel.is_open[:, start:].any(axis=1)
    for icb, supported in (("QRV", 14), ("QF7", 6)):
        denominator = int((had_data & (practices["icb_code"] == icb).to_numpy()).sum())
        assert supported / denominator < 0.04


def test_workbook_layout(tracker: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    path = write_tracker(tmp_path / "programme_tracker.xlsx", tracker)
    wb = openpyxl.load_workbook(path)
    template = _template_columns()
    assert wb.sheetnames == list(template)
    for name, columns in template.items():
        header = [c.value for c in wb[name][1]]
        assert header == columns, name
    row = [c.value for c in wb["enrolments"][2]]
    assert isinstance(row[4], dt.datetime)  # date cells
    assert wb["enrolments"].cell(row=2, column=5).number_format == "yyyy-mm-dd"
    statuses = {c.value for c in wb["enrolments"]["H"][1:]}
    assert statuses <= {"enrolled", "active", "completed", "extended", "withdrawn"}
    gains = {c.value for c in wb["enrolments"]["M"][1:]}
    assert gains <= {"yes", "no", None}


def test_template_rules(tracker: dict[str, pd.DataFrame]) -> None:
    e, ph = tracker["enrolments"], tracker["phases"]
    for name, keys in (
        ("programmes", ["programme"]),
        ("phases", ["programme", "phase", "level"]),
        ("enrolments", ["programme", "phase", "practice_code"]),
        ("actions", ["programme", "phase", "practice_code", "action"]),
        ("eligibility", ["practice_code"]),
        ("barriers", ["icb_code", "reported_date", "programme", "barrier"]),
    ):
        assert not tracker[name].duplicated(keys).any(), name
    assert (e["enrolled_date"].notna()).all()
    started = e[e["started_date"].notna()]
    assert (started["started_date"] >= started["enrolled_date"]).all()
    ended = e[e["ended_date"].notna()]
    assert (ended["ended_date"] >= ended["started_date"]).all()
    merged = e.merge(ph, on=["programme", "phase", "level"], how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    for done, planned in (
        ("modules_completed", "modules_planned"),
        ("group_sessions_attended", "group_sessions_planned"),
        ("onsite_visits", "onsite_visits_planned"),
    ):
        has = merged[merged[done].notna()]
        assert has[planned].notna().all() and (has[done] <= has[planned]).all(), done
        assert (has[done] >= 0).all()
    reasons = {
        "capacity",
        "time away from practice",
        "workforce",
        "funding",
        "eligibility",
        "other",
    }
    withdrawn = e[e["status"] == "withdrawn"]
    assert withdrawn["withdrawal_reason"].isin(reasons).all()
    assert e.loc[e["status"] != "withdrawn", "withdrawal_reason"].isna().all()
    hours = e[["clinical_hours_released", "admin_hours_released"]].stack().dropna()
    assert (hours >= 0).all()
    assert (e.loc[e["programme"] == "Accelerate", "level"] == "intensive").all()
    assert set(ph.loc[ph["level"] == "intermediate", "weeks"]) == {13}
    assert set(ph.loc[ph["level"] == "intensive", "weeks"]) == {20, 26}
    assert ph.loc[ph["level"] == "universal", "weeks"].isna().all()
    accelerate = ph[ph["programme"] == "Accelerate"]
    assert set(accelerate["group_sessions_planned"]) == {4}
    assert set(accelerate["onsite_visits_planned"]) == {12}
    assert set(accelerate["weeks"]) == {20}
    assert {r.barrier for r in tracker["barriers"].itertuples()} <= reasons | {"value unclear"}


def test_actions(tracker: dict[str, pd.DataFrame]) -> None:
    e, actions = tracker["enrolments"], tracker["actions"]
    supported = _supported(e[(e["programme"] == "Accelerate") | e["level"].isin(HANDS_ON)])
    merged = actions.merge(
        e, on=["programme", "phase", "practice_code"], how="left", indicator=True
    )
    assert (merged["_merge"] == "both").all()
    assert merged["status"].isin(SUPPORTED).all()
    assert (merged["adopted_date"] >= merged["started_date"]).all()
    until = merged["ended_date"].fillna(dt.date(2026, 9, 30))
    assert (merged["adopted_date"] <= until).all()
    per_practice = actions.groupby(["programme", "phase", "practice_code"]).size()
    assert len(per_practice) == len(supported)
    assert per_practice.between(1, 7).all()
    assert set(actions["action"]) <= set(range(1, 11))
    # practices with gains adopted more actions, and "Productive work flows" more often
    gained = supported.set_index(["programme", "phase", "practice_code"])["productivity_gain"]
    frame = per_practice.rename("n").to_frame().join(gained)
    flows = actions[actions["action"] == 5].groupby(["programme", "phase", "practice_code"]).size()
    frame["flows"] = flows.reindex(frame.index).notna()
    yes, no = frame[frame["productivity_gain"] == "yes"], frame[frame["productivity_gain"] == "no"]
    assert yes["n"].mean() > no["n"].mean() + 0.5
    # ... but not in lock-step: practices with and without gains at every count from 1 to 6
    for n in range(1, 7):
        assert (yes["n"] == n).any() and (no["n"] == n).any(), n
    assert yes["flows"].mean() > no["flows"].mean() + 0.2


def test_eligibility(tracker: dict[str, pd.DataFrame]) -> None:
    e, el = tracker["enrolments"], tracker["eligibility"].set_index("practice_code")
    gpip = e[e["programme"] == "GPIP"].groupby("practice_code")["enrolled_date"].min()
    assert set(gpip.index) <= set(el.index)
    live = el.loc[gpip.index, "digital_telephony_live_date"]
    assert live.notna().all() and (live < gpip).all()
    assert (el.loc[gpip.index, "wished_to_enrol"] == "yes").all()
    assert len(el) > len(gpip) + 17


def test_snapshot_earlier(icb_of: dict[str, str]) -> None:
    """Cut at October 2023: later cohorts absent, running support active without an end or outcome."""
    t = demo_tracker(last_month="2023-10")
    e = t["enrolments"]
    as_of = dt.date(2023, 10, 31)
    for sheet, column in (
        ("enrolments", "enrolled_date"),
        ("actions", "adopted_date"),
        ("eligibility", "assessed_date"),
        ("barriers", "reported_date"),
    ):
        assert (t[sheet][column] <= as_of).all(), sheet
    assert set(e.loc[e["programme"] == "GPIP", "phase"]) <= {
        "Cohort 2023-07",
        "Cohort 2023-10",
        "Cohort 2024-01",
    }
    active = e[e["status"] == "active"]
    assert len(active) > 100
    assert active["ended_date"].isna().all() and active["productivity_gain"].isna().all()
    assert (active["started_date"] <= as_of).all()
    enrolled = e[e["status"] == "enrolled"]
    assert enrolled["started_date"].isna().all()
    acc = e[e["programme"] == "Accelerate"]
    assert set(acc["status"]) <= {"completed", "extended", "withdrawn"}
    assert not (t["phases"]["start_date"] > dt.date(2024, 1, 31)).any()


def test_icb_subset(tmp_path: Path) -> None:
    paths = write_demo_files(tmp_path, months=1, icb_codes=["QOC"])
    wb = openpyxl.load_workbook(paths[-1])
    mapping = pd.read_csv(paths[0], dtype=str)
    codes = set(mapping["GP_CODE"])
    for sheet in ("enrolments", "actions", "eligibility"):
        column = [c.value for c in wb[sheet][1]].index("practice_code")
        values = {row[column] for row in wb[sheet].iter_rows(min_row=2, values_only=True)}
        assert values and values <= codes, sheet
    barrier_icbs = {row[0] for row in wb["barriers"].iter_rows(min_row=2, values_only=True)}
    assert barrier_icbs == {"QOC"}


def test_injected_effects_and_untouched_comparison_pool() -> None:
    """Supported practices get the injected effects on average; all others are left exactly as is."""
    practices = build_practices(load_sub_icbs(), 2021)
    months = np.arange(2021 * 12 + 3, 2026 * 12 + 9)
    panel = build_panel(practices, months, 2021)
    before = {k: getattr(panel, k).copy() for k in ("f2f", "tel", "video", "expected", "dna")}
    programme = build_programme(practices, panel, 2021)
    effects = programme.effects
    assert abs(effects["f2f_pp"].mean() - INJECTED_EFFECT_F2F_PP) < 0.4
    assert abs(effects["rate_pct"].mean() - INJECTED_EFFECT_RATE_PCT) < 0.4
    assert abs(effects["dna_pp"].mean() - INJECTED_EFFECT_DNA_PP) < 0.05
    assert 2.0 < effects["f2f_pp"].std() < 4.0
    touched = practices["code"].isin(effects["practice_code"]).to_numpy()
    for name, values in before.items():
        assert np.array_equal(getattr(panel, name)[~touched], values[~touched]), name
    # the fully ramped face-to-face effect, measured on the panel, is about +3 points
    code_row = {c: i for i, c in enumerate(practices["code"])}
    rows = effects["practice_code"].map(code_row).to_numpy()
    start = np.array([panel.column(d.year * 12 + d.month - 1) for d in effects["start_date"]])
    late = np.minimum(start + 8, len(months) - 1)
    diff = panel.f2f[rows, late] - before["f2f"][rows, late]
    assert abs(diff.mean() * 100 - INJECTED_EFFECT_F2F_PP) < 0.5
    # selection: ~80% of Accelerate phases 1-3 from their ICB's lowest face-to-face fifth, Sep 2021
    sept = panel.column(2021 * 12 + 8)
    frame = pd.DataFrame({"icb": practices["icb_code"], "f2f": before["f2f"][:, sept]})
    frame.loc[~panel.is_open[:, sept], "f2f"] = np.nan
    low = frame.groupby("icb")["f2f"].rank(pct=True) <= 0.2
    e = programme.enrolments
    first = e[e["phase"].isin(["Phase 1", "Phase 2", "Phase 3"]) & (e["status"] != "withdrawn")]
    share = low.to_numpy()[first["practice_code"].map(code_row).to_numpy()].mean()
    assert 0.72 < share < 0.88
