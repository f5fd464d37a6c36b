"""Board packs on the demo data: every native chart's embedded figures equal the query results for the scope
(expected values computed here from `db.run` output with pandas), no practice identity anywhere in a public pack,
every query runs for the pack's viewer, the CLI writes the same deck, and LibreOffice renders every slide."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections import defaultdict
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation

import gpaccess.export.sections as sections_module
from gpaccess.access import Viewer
from gpaccess.db import run
from gpaccess.export.pack import board_pack
from gpaccess.impact import query_params
from gpaccess.registry import PAGES
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only
from tests.conftest import PROJECT, gpaccess_command

SCOPES = [Scope(), Scope(region="Y56"), Scope(region="Y56", icb="QRV")]
BOARD_PAGES = ("overview", "phases", "uptake", "gains", "actions", "impact")
BOARD_CHARTS = ",".join(e.key for page in BOARD_PAGES for e in PAGES[page].entries)
PUBLIC = Viewer()
PRACTICE_CODE = re.compile(rb"DM\d{4}")


@pytest.fixture(scope="module")
def con(demo_db):
    connection = connect_read_only(demo_db)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def every_page_deck(con) -> Callable[[Scope], bytes]:
    """The public deck of every page's slides for a scope, built once for the tests that read it (three of
    them built the same three decks, and one the London deck again)."""
    decks: dict[Scope, bytes] = {}

    def deck(scope: Scope) -> bytes:
        if scope not in decks:
            decks[scope] = board_pack(con, PUBLIC, scope, sections=tuple(PAGES))
        return decks[scope]

    return deck


def short(name: str) -> str:
    return name.removeprefix("NHS ").removesuffix(" Integrated Care Board").strip()


def read_pack(deck: bytes) -> dict[str, dict[str, dict[str, list]]]:
    """key -> panel -> series name -> [(category, value)], parts of a chart split over slides joined."""
    found: dict[str, dict[str, dict[str, list]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    tables: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for slide in Presentation(io.BytesIO(deck)).slides:
        for shape in slide.shapes:
            if "|" not in shape.name:
                continue
            key, panel = shape.name.split("|", 1)
            if shape.has_chart:
                for plot in shape.chart.plots:  # a line chart's bands are area charts beside it
                    categories = list(plot.categories)
                    for series in plot.series:
                        found[key][panel][series.name] += list(
                            zip(categories, series.values, strict=True)
                        )
            elif shape.has_table:
                rows = [tuple(c.text for c in row.cells) for row in shape.table.rows]
                tables[key] += rows[1:]
    found["_tables"] = tables  # type: ignore[assignment]
    return found


def as_dict(pairs: list) -> dict:
    return {str(c): v for c, v in pairs}


def close(a, b) -> bool:
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return (a is None or pd.isna(a)) and (b is None or pd.isna(b))
    return abs(float(a) - float(b)) < 1e-6


def assert_series(shown: dict, expected: dict) -> None:
    assert set(shown) == set(expected), (sorted(shown), sorted(expected))
    for category, value in expected.items():
        assert close(shown[category], value), (category, shown[category], value)


def share(part, whole):
    """A % to one decimal, blank where fewer than 5 in the denominator (the small-number rule)."""
    return None if whole < 5 else round(100.0 * part / whole, 1)


def phase_names(rows: pd.DataFrame) -> list[str]:
    return [
        p if prog == "Accelerate" else f"{p} · {lv}"
        for prog, p, lv in zip(rows["programme"], rows["phase"], rows["level"], strict=True)
    ]


SUPPRESSED = ": fewer than 5 practices supported in each"


def check_pack(con, deck: bytes, scope: Scope) -> set[str]:
    q = lambda name, s=scope: run(con, name, PUBLIC, s)  # noqa: E731
    pack = read_pack(deck)
    checked = set()

    # overview: SPC values month by month for the period; limits from the first 12 months held, whatever the
    # period (XmR, 2.66 x mean moving range), re-based only at the scope's recorded changes with 12 months or
    # more on each side (the demo records one for England)
    monthly = q("appointments_monthly").dropna(subset=["face_to_face_pct"])
    spc = pack["spc_face_to_face_pct"][""]
    values = [v for _, v in spc["Value"]]
    assert np.allclose(values, monthly["face_to_face_pct"].astype(float).tolist())
    held = q("appointments_monthly", scope.with_(date_from=None, date_to=None))
    series = held.dropna(subset=["face_to_face_pct"])["face_to_face_pct"].astype(float)
    recorded = q("spc_changes")
    start = 0
    for change in sorted(recorded.loc[recorded["measure"] == "face_to_face_pct", "change_month"]):
        at = int((pd.to_datetime(held["month"]) < pd.Timestamp(change)).sum())
        if at - start >= 12 and len(series) - at >= 12:
            start = at
    latest = series.iloc[start : start + 12]
    assert close(round(spc["Mean"][-1][1], 6), round(latest.mean(), 6))
    assert (start > 0) == (
        scope == Scope()
    )  # England's recorded change re-bases; the others have none
    first = series.iloc[:12]
    mean, moving_range = first.mean(), first.diff().abs().mean()
    assert close(round(spc["Mean"][0][1], 6), round(mean, 6))
    assert close(round(spc["Upper process limit"][0][1], 6), round(mean + 2.66 * moving_range, 6))
    checked.add("spc_face_to_face_pct")

    supported = q("supported_over_time")
    for programme, rows in supported.groupby("programme"):
        shown = [v for _, v in pack["supported_over_time"][""][programme] if v is not None]
        assert shown == rows.sort_values("month")["cumulative_practices"].astype(float).tolist()
    checked.add("supported_over_time")

    # phases
    phases = q("programme_phases")
    national = phases["planned"].notna().any()
    kept = phases if national else phases[phases["enrolled"] > 0]
    for programme, rows in kept.groupby("programme", sort=False):
        panel = pack["phase_status"][programme]
        assert [c for c, _ in panel["Withdrew"]] == phase_names(rows)
        assert [v for _, v in panel["Completed the core support"]] == rows["completed"].astype(
            float
        ).tolist()
        assert [v for _, v in panel["Withdrew"]] == rows["withdrawn"].astype(float).tolist()
        assert [v for _, v in panel["In support now"]] == rows["active"].astype(float).tolist()
        delivery = pack["support_delivery"][programme]
        labels = [c for c, _ in next(iter(delivery.values()))]
        listed = [c for c in labels if not c.endswith(SUPPRESSED)]
        expected_by: dict[str, dict[str, float | None]] = {}
        for words, planned, mean in (
            ("Improvement modules", "modules_planned", "mean_modules"),
            ("On-site visits", "onsite_visits_planned", "mean_onsite_visits"),
        ):
            expected = {}
            for r, name in zip(rows.itertuples(), phase_names(rows), strict=True):
                plan = getattr(r, planned)
                if pd.isna(plan) or plan == 0 or r.supported == 0:
                    continue
                m = getattr(r, mean)
                expected[name] = (
                    None
                    if r.supported < 5 or pd.isna(m)
                    else round(100 * round(float(m), 1) / plan, 1)
                )
            expected_by[words] = expected
            shown = {c: v for c, v in delivery[words] if c in listed and c in expected}
            assert_series(shown, {c: v for c, v in expected.items() if c in listed})
        # phases with no mean shown for any component are left off, counted on one line
        planned_phases = set().union(*expected_by.values())
        left_off = planned_phases - set(listed)
        assert all(all(e.get(c) is None for e in expected_by.values()) for c in left_off), left_off
        assert [c for c in labels if c.endswith(SUPPRESSED)] == (
            [f"{len(left_off)} more{SUPPRESSED}"] if left_off else []
        )
    checked |= {"phase_status", "support_delivery"}
    # the Gantt: a bar per phase from its first start to its latest planned end (days, as a date axis counts)
    gantt = pack["phase_timeline"][""]
    spans = phases.assign(
        start=pd.to_datetime(phases["start_date"]),
        end=pd.to_datetime(phases["end_date"]).fillna(pd.to_datetime(phases["start_date"])),
    ).groupby(["programme", "phase"], sort=False)
    epoch = pd.Timestamp("1899-12-30")
    expected_start = {f"{p} · {ph}": (g["start"].min() - epoch).days for (p, ph), g in spans}
    expected_days = {
        f"{p} · {ph}": (g["end"].max() - g["start"].min()).days + 1 for (p, ph), g in spans
    }
    assert_series(as_dict(gantt["Start"]), expected_start)
    for programme in phases["programme"].unique():
        bars = {c: v for c, v in gantt[f"{programme}: days from start to planned end"] if v}
        assert_series(bars, {c: d for c, d in expected_days.items() if c.startswith(programme)})
    checked.add("phase_timeline")

    # uptake
    by_icb = q("uptake_by_icb")
    rows = by_icb[by_icb["practices"] > 0]
    for programme, part in rows.groupby("programme"):
        expected = {short(r.icb_name): share(r.enrolled, r.practices) for r in part.itertuples()}
        assert_series(as_dict(pack["uptake_share"][""][programme]), expected)
    england = q("uptake_by_icb", Scope()).query("practices > 0")
    region_rate = england.groupby(["programme", "region_code"])[["enrolled", "practices"]].sum()
    for programme, part in rows.groupby("programme"):
        panel = pack["uptake_vs_reference"][programme]
        expected = {
            short(r.icb_name): round(
                100.0
                * region_rate.loc[(programme, r.region_code), "enrolled"]
                / region_rate.loc[(programme, r.region_code), "practices"],
                1,
            )
            for r in part.itertuples()
        }
        assert_series(as_dict(panel["Its region"]), expected)
        england_rate = england.query("programme == @programme")
        england_pct = round(
            100.0 * england_rate["enrolled"].sum() / england_rate["practices"].sum(), 1
        )
        assert set(as_dict(panel["England"]).values()) == {england_pct}  # England on the chart
        assert_series(
            as_dict(panel["ICB"]),
            {short(r.icb_name): share(r.enrolled, r.practices) for r in part.itertuples()},
        )
    checked |= {"uptake_share", "uptake_vs_reference"}
    withdrew = by_icb[by_icb["withdrawn"] > 0]
    if not withdrew.empty:
        for programme, part in withdrew.groupby("programme"):
            shown = {c: v for c, v in pack["withdrawals_by_icb"][""][programme] if v is not None}
            assert_series(shown, {short(r.icb_name): r.withdrawn for r in part.itertuples()})
        checked.add("withdrawals_by_icb")
    reasons = q("withdrawal_reasons")
    if not reasons.empty:
        for programme, part in reasons.groupby("programme"):
            shown = {
                c.lower(): v for c, v in pack["withdrawal_reasons"][""][programme] if v is not None
            }
            assert_series(
                shown, dict(zip(part["withdrawal_reason"], part["practices"], strict=True))
            )
        checked.add("withdrawal_reasons")
    blocked = q("telephony_blocked_by_icb").query("blocked > 0")
    if not blocked.empty:
        panel = pack["telephony_blocked"][""]
        assert_series(
            as_dict(panel["Blocked"]), {short(r.icb_name): r.blocked for r in blocked.itertuples()}
        )
        assert_series(
            as_dict(panel["Wished to join"]),
            {short(r.icb_name): r.wished_to_enrol for r in blocked.itertuples()},
        )
        checked.add("telephony_blocked")
    kinds = q("barriers_by_kind")
    if not kinds.empty:
        for programme, part in kinds.groupby("programme"):
            shown = {
                c.lower(): v for c, v in pack["barriers_by_kind"][""][programme] if v is not None
            }
            assert_series(shown, dict(zip(part["barrier"], part["icbs"], strict=True)))
        checked.add("barriers_by_kind")
    reports = q("barrier_reports")
    if not reports.empty:
        table = pack["_tables"]["barrier_reports"]
        assert [(r[0], r[3]) for r in table] == [
            (short(n), b) for n, b in zip(reports["icb_name"], reports["barrier"], strict=True)
        ]
        checked.add("barrier_reports")

    # gains: share with gains under the small-number rule, groups with nobody assessed left out
    for name, _by, label in (
        ("gains_by_region", "region_name", lambda r: r.region_name),
        ("gains_by_icb", "icb_name", lambda r: short(r.icb_name)),
    ):
        if name == "gains_by_region" and scope.icb:
            continue
        frame = q(name).query("assessed > 0")
        for programme, part in frame.groupby("programme"):
            expected = {label(r): share(r.with_gains, r.assessed) for r in part.itertuples()}
            shown = {c: v for c, v in pack[name][""][programme] if c in expected}
            assert_series(shown, expected)
        checked.add(name)
    by_phase = q("gains_by_phase").query("assessed > 0")
    for programme, part in by_phase.groupby("programme", sort=False):
        shown = [v for _, v in pack["gains_by_phase"][programme]["Practices with gains (%)"]]
        assert all(
            close(a, b)
            for a, b in zip(
                shown, [share(r.with_gains, r.assessed) for r in part.itertuples()], strict=True
            )
        )
    checked.add("gains_by_phase")
    hours = q("hours_released")
    for programme, part in hours.groupby("programme", sort=False):
        shown = [v for _, v in pack["hours_released"][programme]["Clinical hours a month"]]
        expected = [
            None if r.practices_reporting < 5 else round(float(r.clinical_hours))
            for r in part.itertuples()
        ]
        assert all(close(a, b) for a, b in zip(shown, expected, strict=True))
    checked.add("hours_released")
    kinds_of_gain = q("gain_kinds")
    for programme, part in kinds_of_gain.groupby("programme"):
        shown = {c.lower(): v for c, v in pack["gain_kinds"][""][programme] if v is not None}
        assert_series(shown, dict(zip(part["gain_kind"], part["practices"], strict=True)))
    checked.add("gain_kinds")

    # what practices changed (all phases): per action, adoption and gains among adopters v non-adopters
    def same(shown: list, expected: list) -> bool:
        return len(shown) == len(expected) and all(
            close(a, b) for a, b in zip(shown, expected, strict=True)
        )

    by_action = run(con, "actions_by_programme", PUBLIC, scope, phase=None)
    for programme, part in by_action.groupby("programme", sort=False):
        adoption = pack["actions_adoption"][programme]["Practices that adopted it (%)"]
        expected = [share(r.adopters, r.assessed) for r in part.itertuples()]
        assert same([v for _, v in adoption], expected), programme
        gains_panel = pack["actions_gains"][programme]
        adopters = [share(r.adopters_with_gains, r.adopters) for r in part.itertuples()]
        others = [share(r.non_adopters_with_gains, r.non_adopters) for r in part.itertuples()]
        shown = [v for _, v in gains_panel["Adopted the action: with gains (%)"]]
        assert same(shown, adopters), programme
        shown = [v for _, v in gains_panel["Did not adopt it: with gains (%)"]]
        assert same(shown, others), programme
    counts = run(con, "actions_count_gains", PUBLIC, scope, phase=None)
    for programme, part in counts.groupby("programme", sort=False):
        panel = pack["actions_count_gains"][programme]["Practices with gains (%)"]
        expected = [share(r.with_gains, r.assessed) for r in part.itertuples()]
        assert same([v for _, v in panel], expected), programme
    checked |= {"actions_adoption", "actions_gains", "actions_count_gains"}
    checked |= check_adoption_by_area(con, pack, scope)
    checked |= check_impact(con, pack, scope, PUBLIC)
    return checked


def check_adoption_by_area(con, pack: dict, scope: Scope) -> set[str]:
    """One table per area kind and programme: a row per region or ICB, the share adopting each action (a
    blank cell where fewer than 5 were assessed)."""
    by_area = run(con, "actions_by_area", PUBLIC, scope, phase=None)
    kinds = ("region", "icb") if scope.icb is None else ("icb",)
    checked = set()
    for (kind, programme), part in by_area.groupby(["area_kind", "programme"], sort=False):
        if kind not in kinds:
            continue
        key = f"actions_adoption_by_{kind}_{programme.lower()}"
        expected = []
        for name, cells in part.groupby("area_name", sort=False):
            area = short(name) if kind == "icb" else name
            shares = [share(r.adopters, r.assessed) for r in cells.itertuples()]
            expected.append((area, *("" if v is None else f"{v:.0f}%" for v in shares)))
        assert sorted(pack["_tables"][key]) == sorted(expected), key
        checked.add(key)
    return checked


def weighted(frame: pd.DataFrame, column: str) -> float:
    return float((frame[column] * frame["weight"]).sum() / frame["weight"].sum())


def check_impact(con, pack: dict, scope: Scope, viewer: Viewer) -> set[str]:
    """Face-to-face share before and after support, and month by month, for each programme, worked out here
    by hand from the impact_panel query: window means per practice, then weighted means per arm."""
    checked = set()
    for programme in ("Accelerate", "GPIP"):
        panel = run(
            con,
            "impact_panel",
            viewer,
            scope.with_(programme=programme),
            **query_params("face_to_face"),
        )
        rel = panel["relative_month"]
        keys = ["arm", "unit", "start_month"]
        pre = panel[(rel >= -6) & (rel < 0)].groupby(keys)["value"].agg(["mean", "count"])
        post = panel[(rel >= 6) & (rel <= 11)].groupby(keys)["value"].agg(["mean", "count"])
        units = pre.add_suffix("_pre").join(post.add_suffix("_post"), how="inner")
        units = units[(units["count_pre"] >= 3) & (units["count_post"] >= 3)]
        units = units.join(panel.groupby(keys)["weight"].first()).reset_index()
        supported = units[units["arm"] == "supported"]
        key = f"impact_before_after_face_to_face_{programme.lower()}"
        if supported["unit"].nunique() < 5:
            assert key not in pack, f"{programme}: an estimate for fewer than 5 supported practices"
            continue
        bars = pack[key][""]
        for group, arm in (
            ("Supported practices", "supported"),
            ("Matched comparison practices", "comparator"),
        ):
            rows = units[units["arm"] == arm]
            before = weighted(rows, "mean_pre")
            after = before + weighted(
                rows.assign(change=rows["mean_post"] - rows["mean_pre"]), "change"
            )
            assert abs(as_dict(bars["Before support"])[group] - before) < 1e-3, (programme, group)
            assert abs(as_dict(bars["After support"])[group] - after) < 1e-3, (programme, group)
        lines = pack[f"impact_event_face_to_face_{programme.lower()}"][""]
        for name, arm in (
            ("Supported practices", "supported"),
            ("Matched comparison practices", "comparator"),
        ):
            rows = panel[panel["arm"] == arm]
            cells = rows.groupby("relative_month").apply(
                lambda c: pd.Series(
                    {"mean": np.average(c["value"], weights=c["weight"]), "n": c["unit"].nunique()}
                ),
                include_groups=False,
            )
            expected = {  # months since the start are numbers, shown signed by the axis format
                str(int(m)): round(r["mean"], 3) for m, r in cells.iterrows() if r["n"] >= 5
            }
            shown = {c: v for c, v in lines[name] if v is not None}
            assert set(shown) == set(expected), (programme, name)
            assert all(abs(shown[c] - expected[c]) < 1e-3 for c in expected), (programme, name)
            low = dict(lines[f"{name}: 95% CI low"])
            width = dict(lines[f"{name}: 95% CI (high minus low)"])
            assert all(low[c] < shown[c] < low[c] + width[c] for c in expected), (programme, name)
        checked |= {key, f"impact_event_face_to_face_{programme.lower()}"}
    return checked


@pytest.mark.parametrize("scope", SCOPES, ids=["england", "london", "nw-london"])
def test_every_chart_holds_the_query_result_for_its_scope(con, scope):
    deck = board_pack(con, PUBLIC, scope, sections=BOARD_PAGES)
    checked = check_pack(con, deck, scope)
    keys = {
        s.name.split("|")[0]
        for sl in Presentation(io.BytesIO(deck)).slides
        for s in sl.shapes
        if "|" in s.name
    }
    assert keys <= checked, f"charts in the pack not checked: {keys - checked}"
    assert len(Presentation(io.BytesIO(deck)).slides) >= 12


def all_parts(deck: bytes) -> dict[str, bytes]:
    """Every part of the package, and every part of each embedded workbook (the charts' data)."""
    parts = {}
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        for name in package.namelist():
            body = package.read(name)
            parts[name] = body
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(body)) as book:
                    for inner in book.namelist():
                        parts[f"{name}/{inner}"] = book.read(inner)
    return parts


@pytest.mark.parametrize("scope", SCOPES, ids=["england", "london", "nw-london"])
def test_public_pack_holds_no_practice_identity(con, every_page_deck, scope):
    parts = all_parts(every_page_deck(scope))
    assert any(n.startswith("ppt/embeddings/") for n in parts), "charts carry their data"
    assert sum(n.endswith(".xml") for n in parts) > 50
    # the demo's practices are coded DM0001... and named '... (DEMO)': prove the scan would see them
    practice = run(con, "geography", PUBLIC, Scope())  # an ICB-level query: the pack's own kind
    assert not PRACTICE_CODE.search(practice.to_csv().encode())
    for name, body in parts.items():
        assert not PRACTICE_CODE.search(body), f"practice code in {name}"
        assert b"(DEMO)" not in body, f"practice name in {name}"
    assert (
        b"Classification: OFFICIAL" in parts["ppt/slides/slide1.xml"]
    )  # the cover, first by name too
    assert b"OFFICIAL-SENSITIVE" not in b"".join(parts.values())


def test_the_scan_finds_a_practice_code_when_one_is_there(con, demo_db):
    """The regex and the demo agree: practice codes in the store look like DM1234."""
    codes = con.execute("SELECT practice_code FROM practice LIMIT 3").fetchall()
    assert codes and all(PRACTICE_CODE.fullmatch(c[0].encode()) for c in codes)


def test_every_query_runs_for_the_packs_viewer(con, monkeypatch):
    seen = []

    def spy(connection, name, viewer, scope, **extra):
        seen.append((name, viewer))
        return run(connection, name, viewer, scope, **extra)

    monkeypatch.setattr(sections_module, "run", spy)
    viewer = Viewer(role="region", region_code="Y56")
    board_pack(con, viewer, Scope(region="Y56"), sections=BOARD_PAGES)
    assert len(seen) >= 15
    assert {v for _, v in seen} == {viewer}


def test_cli_writes_the_same_charts(con, demo_db, tmp_path, capfd):
    out = tmp_path / "pack.pptx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gpaccess",
            "--db",
            str(demo_db),
            "export",
            "--out",
            str(out),
            "--region",
            "Y56",
            "--charts",
            BOARD_CHARTS,
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT,
    )
    assert done.returncode == 0, done.stderr
    check_pack(con, out.read_bytes(), Scope(region="Y56"))
    bad = gpaccess_command(capfd, "--db", str(demo_db), "export", "--out", str(out), "--icb", "XXX")
    assert bad.returncode == 2 and "XXX" in bad.stderr


@pytest.mark.skipif(
    not shutil.which("libreoffice") or not shutil.which("pdftoppm"), reason="needs LibreOffice"
)
def test_every_slide_renders_and_is_not_blank(every_page_deck, tmp_path):
    """The board pack and every page's slides (access, support, impact, data) in one deck."""
    deck = every_page_deck(Scope(region="Y56"))
    path = tmp_path / "pack.pptx"
    path.write_bytes(deck)
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(tmp_path / "pack.pdf"), str(tmp_path / "s")],
        check=True,
    )
    pages = sorted(tmp_path.glob("s-*.png"))
    assert len(pages) == len(Presentation(io.BytesIO(deck)).slides)
    for page in pages:
        pixels = np.asarray(Image.open(page).convert("L"), dtype=float)
        assert pixels.std() > 10, f"{page.name} looks blank"
        assert (pixels < 128).mean() > 0.005, f"{page.name} has almost no ink"
        # ink in the chart area (below the title, above the footnote), not just a title on an empty slide
        body = pixels[int(pixels.shape[0] * 0.25) : int(pixels.shape[0] * 0.85)]
        assert body.std() > 10, f"{page.name}: nothing drawn in the body"


# --- the default pack (issue #13) ---------------------------------------------------------------------------
MOST_SLIDES = 15  # cover, summary and at most 13 more
DIRECTION = r"(rose|fell|did not change)"
BOTH_GROUPS = re.compile(
    rf"{DIRECTION}[^:]* at supported practices and {DIRECTION}[^:]* at matched comparators"
)


def frames_by_slide(deck: bytes) -> list[tuple[str, list]]:
    """Each slide's title and its chart and table frames."""
    return [
        (slide.shapes.title.text, [s for s in slide.shapes if "|" in s.name])
        for slide in Presentation(io.BytesIO(deck)).slides
    ]


@pytest.mark.parametrize("scope", SCOPES, ids=["england", "london", "nw-london"])
def test_the_default_pack_is_short_and_holds_what_a_board_needs(con, scope):
    deck = board_pack(con, PUBLIC, scope)
    slides = frames_by_slide(deck)
    # slide 2 is the summary (another change adds it): count its place until it is there
    summary_missing = len(slides) < 2 or bool(slides[1][1])
    assert len(slides) + summary_missing <= MOST_SLIDES, [t for t, _ in slides]
    keys = [f.name.split("|")[0] for _, frames in slides for f in frames]
    assert "spc_face_to_face_pct" in keys, "a face-to-face slide"
    assert {"spc_dna_pct", "spc_same_day_pct", "spc_appointments_per_1000"} <= set(keys)
    assert "phase_timeline" in keys and any(k.startswith("support_reach") for k in keys)
    assert any(k.startswith("impact_before_after") for k in keys)
    titles = [t for t, _ in slides]
    assert all(a != b for a, b in zip(titles, titles[1:], strict=False)), titles
    check_impact_titles(deck)
    check_nothing_all_suppressed(deck)


def check_impact_titles(deck: bytes) -> None:
    """Every impact slide's title says how each group moved, and the words match the chart's own figures."""
    seen = 0
    for title, frames in frames_by_slide(deck):
        for frame in frames:
            if not frame.name.startswith("impact_before_after"):
                continue
            seen += 1
            found = BOTH_GROUPS.search(title)
            assert found, title
            plot = frame.chart.plots[0]
            before, after = (dict(zip(plot.categories, s.values, strict=True)) for s in plot.series)
            for word, group in zip(
                found.groups(), ("Supported practices", "Matched comparison practices"), strict=True
            ):
                change = round(after[group] - before[group], 1)
                assert word == (
                    "rose" if change > 0 else "fell" if change < 0 else "did not change"
                )
    assert seen, "no impact slide"


def check_nothing_all_suppressed(deck: bytes) -> None:
    """No chart on a slide has only blank values (a Gantt's invisible start bars do not count)."""
    for title, frames in frames_by_slide(deck):
        for frame in frames:
            if frame.has_chart:
                values = [
                    v
                    for plot in frame.chart.plots
                    for series in plot.series
                    if series.name != "Start"
                    for v in series.values
                ]
                assert any(v is not None for v in values), (title, frame.name)


def test_no_slide_of_any_page_is_all_suppressed_or_repeats_the_title_before_it(every_page_deck):
    for scope in SCOPES:
        deck = every_page_deck(scope)
        check_nothing_all_suppressed(deck)
        titles = [t for t, _ in frames_by_slide(deck)]
        assert all(a != b for a, b in zip(titles, titles[1:], strict=False)), titles


def run_cli(demo_db, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gpaccess", "--db", str(demo_db), "export", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT,
    )


def test_cli_charts_choose_the_slides_and_unknown_ones_are_refused(con, demo_db, tmp_path, capfd):
    done = run_cli(
        demo_db, "--out", str(tmp_path), "--icb", "QRV", "--charts", "uptake_share,gains_by_icb"
    )
    assert done.returncode == 0, done.stderr
    written = tmp_path / "board-pack_North-West-London-ICB_2026-09_OFFICIAL.pptx"
    assert written.exists(), list(tmp_path.iterdir())
    keys = {
        f.name.split("|")[0] for _, frames in frames_by_slide(written.read_bytes()) for f in frames
    }
    assert keys == {"uptake_share", "gains_by_icb"}
    assert written.read_bytes() and "Board pack written" in done.stdout
    out = str(tmp_path / "x.pptx")
    for bad in ("uptake_share,no_such_chart", "support_list", ","):  # in this process: no 2 s start
        refused = gpaccess_command(
            capfd, "--db", str(demo_db), "export", "--out", out, "--charts", bad
        )
        assert refused.returncode == 2, bad
        assert "Known charts: " in refused.stderr and "uptake_share" in refused.stderr
        assert not (tmp_path / "x.pptx").exists()
